/* SPDX-License-Identifier: Apache-2.0 */
/* The whole workflow in one window on a real display (Xvfb), as a user
 * goes through it: a small motion demo project is opened, every sidebar
 * page visited and photographed, an impulse built on the canvas through
 * the functions drag-and-drop and port linking call (palette → canvas,
 * output dot → input dot), features generated as a job, a small model
 * trained from the learning block's page (its validation confusion matrix
 * and metrics shown), the model tested from the Model testing page, and
 * every page photographed again. Each step checks what the project stored.
 * g_test_init() plus always-fatal warnings make any GTK warning or critical
 * fail the test. PNGs land in EMBER_GUI_OUTPUT_DIR as flow-*.png. */
#include "gui-util.h"
#include "em-window.h"
#include "em-impulse-page.h"
#include "em-block-params.h"
#include "em-learn-page.h"
#include "em-testing-page.h"
#include "em-confusion-matrix.h"
#include "em-error.h"
#include "em-features.h"
#include "em-model-store.h"

#define WAIT_MS 5000
#define JOB_MS 100000
#define EPOCHS 3

static gboolean have_display;
static char *project_dir;
static char *project_path;

static void
visit_all (EmWindow *window, const char *prefix)
{
  g_auto(GStrv) pages = em_window_list_pages (window);

  for (guint i = 0; pages[i] != NULL; i++)
    {
      g_autofree char *safe = g_strdup (pages[i]);
      g_autofree char *file = NULL;

      g_assert_true (em_window_show_page (window, pages[i]));
      g_assert_cmpstr (em_window_get_visible_page (window), ==, pages[i]);
      g_assert_true (gtk_widget_get_mapped (em_window_get_page (window, pages[i])));
      gui_spin (100);
      g_strdelimit (safe, ":", '-');
      file = g_strdup_printf ("flow-%s-%s.png", prefix, safe);
      gui_save_png (GTK_WIDGET (window), file);
    }
}

static EmProject *
open_project (void)
{
  g_autoptr(GError) error = NULL;
  EmProject *project = em_project_open (project_path, &error);

  g_assert_no_error (error);
  return project;
}

static void
drop (EmGraphView *view, EmBlockPalette *palette, const char *id, double gx, double gy)
{
  g_autoptr(GdkContentProvider) provider = em_block_palette_content_for (palette, id);
  g_auto(GValue) value = G_VALUE_INIT;
  double x, y;

  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (provider, &value, NULL));
  em_graph_view_to_widget (view, gx, gy, &x, &y);
  g_assert_true (em_graph_view_drop_block (view, g_value_get_string (&value), x, y));
}

/* Drag from @from's output dot onto @to's input dot. */
static void
drag_link (EmGraphView *view, const char *from, const char *to)
{
  double x, y;

  g_assert_true (em_graph_view_get_port_position (view, to, EM_PORT_DIRECTION_INPUT, "in", &x, &y));
  g_assert_true (em_graph_view_begin_link (view, from, "out"));
  em_graph_view_update_link (view, x - 20, y);
  em_graph_view_update_link (view, x, y);
  g_assert_true (em_graph_view_end_link (view, x, y));
}

static gboolean
has_link (EmGraphModel *model, const char *from, const char *to)
{
  GPtrArray *links = em_graph_model_get_links (model);

  for (guint i = 0; i < links->len; i++)
    {
      EmGraphLink *l = g_ptr_array_index (links, i);
      if (g_str_equal (l->from_node, from) && g_str_equal (l->to_node, to))
        return TRUE;
    }
  return FALSE;
}

static gboolean
not_training (gpointer page)
{
  return !em_learn_page_get_training (page);
}

static gboolean
not_testing (gpointer page)
{
  return !em_testing_page_get_testing (page);
}

static void
test_flow (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmImpulse) stored = NULL;
  g_autoptr(EmModel) model = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_auto(GStrv) pages = NULL;
  EmWindow *window;
  EmImpulsePage *ip;
  EmGraphView *view;
  EmBlockPalette *palette;
  GtkWidget *learn, *testing, *editor;
  EmConfusionMatrix *matrix;
  EmJob *job;
  JsonObject *validation;
  gint64 predictions;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  /* Open the project; every page before there is an impulse. */
  window = gui_open_project_window (project_path, 1280, 800, WAIT_MS);
  pages = em_window_list_pages (window);
  g_assert_true (g_strv_contains ((const char * const *) pages, "impulse"));
  g_assert_true (g_strv_contains ((const char * const *) pages, "testing"));
  visit_all (window, "empty");

  /* Build the impulse on the canvas: palette → canvas, then port → port. */
  g_assert_true (em_window_show_page (window, "impulse"));
  ip = em_window_get_impulse_page (window);
  view = em_impulse_page_get_graph_view (ip);
  palette = em_impulse_page_get_palette (ip);
  gui_spin (200);
  /* The page rebuilds the canvas's model as the impulse changes: always ask
   * the view for the current one. */
  drop (view, palette, "spectral", 250 + 92, 20);
  drop (view, palette, "classification", 500 + 92, 20);
  g_assert_nonnull (em_graph_model_get_node (em_graph_view_get_model (view), "spectral"));
  g_assert_nonnull (em_graph_model_get_node (em_graph_view_get_model (view), "classification"));
  gui_spin (100);
  if (!has_link (em_graph_view_get_model (view), EM_IMPULSE_PAGE_INPUT_ID, "spectral"))
    drag_link (view, EM_IMPULSE_PAGE_INPUT_ID, "spectral");
  drag_link (view, "spectral", "classification");
  g_assert_true (has_link (em_graph_view_get_model (view), EM_IMPULSE_PAGE_INPUT_ID, "spectral"));
  g_assert_true (has_link (em_graph_view_get_model (view), "spectral", "classification"));
  /* A few epochs, through the block's parameters panel. */
  em_impulse_page_select_block (ip, "classification");
  editor = em_block_params_panel_get_editor (em_impulse_page_get_params_panel (ip), "epochs");
  g_assert_true (GTK_IS_SPIN_BUTTON (editor));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor), EPOCHS);
  gui_spin (150);
  gui_save_png (GTK_WIDGET (window), "flow-impulse-built.png");

  /* The project holds the impulse as built. */
  project = open_project ();
  stored = em_impulse_load (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->blocks->len, ==, 1);
  g_assert_cmpstr (((EmImpulseBlock *) g_ptr_array_index (stored->blocks, 0))->plugin, ==, "spectral");
  g_assert_cmpuint (stored->learn_blocks->len, ==, 1);
  {
    EmImpulseLearnBlock *lb = em_impulse_find_learn_block (stored, "classification");
    g_assert_nonnull (lb);
    g_assert_cmpuint (g_strv_length (lb->inputs), ==, 1);
    g_assert_cmpstr (lb->inputs[0], ==, "spectral");
    g_assert_cmpint (json_object_get_int_member (lb->params, "epochs"), ==, EPOCHS);
  }
  g_clear_object (&project);

  /* Generate features as a job. */
  job = em_impulse_page_generate_features (ip, &error);
  g_assert_no_error (error);
  g_assert_nonnull (job);
  g_object_ref (job);
  gui_assert_job_succeeds (job, JOB_MS, "features");
  gui_assert_feature_summary (job, "spectral");
  g_object_unref (job);

  /* Train from the learning block's page. */
  g_assert_true (em_window_show_page (window, "block:classification"));
  learn = em_window_get_page (window, "block:classification");
  g_assert_true (EM_IS_LEARN_PAGE (learn));
  g_assert_true (gtk_widget_activate_action (learn, "learn.train", NULL));
  g_assert_true (em_learn_page_get_training (EM_LEARN_PAGE (learn)));
  g_assert_true (gui_wait_for (not_training, learn, JOB_MS));
  g_test_message ("training: %s", em_learn_page_get_status (EM_LEARN_PAGE (learn)));
  g_assert_cmpstr (em_learn_page_get_status (EM_LEARN_PAGE (learn)), ==, "Training finished");
  project = open_project ();
  model = em_model_store_get (project, "classification", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (model->labels), ==, 4);
  g_assert_cmpint (em_learn_page_get_model_time (EM_LEARN_PAGE (learn)), ==, model->created);
  report = json_from_string (model->report, &error);
  g_assert_no_error (error);
  validation = json_object_get_object_member (json_node_get_object (report), "validation");
  g_assert_nonnull (validation);
  /* The page shows the stored validation matrix and its accuracy. */
  {
    g_autofree char *expected = g_strdup_printf ("Accuracy %.1f%% on %" G_GINT64_FORMAT " validation windows",
                                                 100 * json_object_get_double_member (validation, "accuracy"),
                                                 json_object_get_int_member (validation, "windows"));
    g_assert_cmpstr (em_learn_page_get_validation_accuracy (EM_LEARN_PAGE (learn)), ==, expected);
  }
  matrix = EM_CONFUSION_MATRIX (gui_find_widget (learn, EM_TYPE_CONFUSION_MATRIX));
  g_assert_nonnull (matrix);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (matrix)));
  g_assert_cmpuint (em_confusion_matrix_get_n (matrix), ==, 4);
  gui_spin (150);
  gui_save_png (GTK_WIDGET (window), "flow-trained.png");

  /* Test the model from the Model testing page. */
  g_assert_true (em_window_show_page (window, "testing"));
  testing = em_window_get_page (window, "testing");
  g_assert_true (EM_IS_TESTING_PAGE (testing));
  em_testing_page_reload (EM_TESTING_PAGE (testing));
  g_assert_true (gtk_widget_activate_action (testing, "testing.classify-all", NULL));
  g_assert_true (gui_wait_for (not_testing, testing, JOB_MS));
  g_test_message ("testing: %s", em_testing_page_get_status (EM_TESTING_PAGE (testing)));
  g_assert_cmpstr (em_testing_page_get_status (EM_TESTING_PAGE (testing)), ==, "Testing finished");
  predictions = em_model_store_count_predictions (project, "classification", "float", &error);
  g_assert_no_error (error);
  g_assert_cmpint (predictions, >, 0);
  g_assert_nonnull (em_testing_page_get_accuracy_text (EM_TESTING_PAGE (testing), "float"));
  matrix = EM_CONFUSION_MATRIX (gui_find_widget (testing, EM_TYPE_CONFUSION_MATRIX));
  g_assert_nonnull (matrix);
  g_assert_cmpuint (em_confusion_matrix_get_n (matrix), ==, 4);
  gui_spin (150);
  gui_save_png (GTK_WIDGET (window), "flow-tested.png");

  /* Every page again, now with the block pages and results. */
  visit_all (window, "done");
  gtk_window_destroy (GTK_WINDOW (window));
  gui_spin (50);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  have_display = gui_init (&argc, &argv);
  project_dir = gui_make_tmp_dir ("ember-flow-XXXXXX");
  project_path = g_build_filename (project_dir, "motion.ember", NULL);
  if (have_display)
    {
      /* A fifth of the motion demo: 20 recordings, drawn, no external tools. */
      g_autoptr(EmProject) project = em_demo_create (project_path, EM_DEMO_MOTION, 0.2, 7, NULL, NULL, NULL,
                                                     &error);
      g_assert_no_error (error);
    }
  g_test_add_func ("/gui/flow/demo-to-tested-model", test_flow);
  status = g_test_run ();
  gui_remove_tree (project_dir);
  g_free (project_path);
  g_free (project_dir);
  return status;
}
