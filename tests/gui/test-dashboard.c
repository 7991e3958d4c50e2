/* SPDX-License-Identifier: Apache-2.0 */
/* EmDashboardPage and EmRetrainPage on a real display (Xvfb in CI), on the
 * motion demo with a spectral + classification impulse made through the
 * core API: the dashboard shows the project's counts and an untrained
 * block; one retrain runs features → training → test as one job, after
 * which the dashboard shows the accuracy em_model_test_load() reports; a
 * retrain cancelled mid-training keeps the previous model (same timestamp)
 * and the page says so. Every GLib/GTK warning and critical is fatal. PNGs
 * of both pages, light and dark, land in EMBER_GUI_OUTPUT_DIR. */
#include <math.h>
#include <string.h>

#include "gui-util.h"
#include "em-dashboard-page.h"
#include "em-model-store.h"
#include "em-model-test.h"
#include "em-retrain-page.h"

#define WAIT_MS 90000
#define EPOCHS 3
#define LONG_EPOCHS 1000 /* the block's maximum */

static gboolean have_display;
static char *tmp_dir;
static EmProject *project;

/* ---- helpers ----------------------------------------------------------------- */

static void
set_epochs (int epochs, int batch_size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = em_impulse_load (project, &error);
  EmImpulseLearnBlock *lb;

  g_assert_no_error (error);
  lb = em_impulse_find_learn_block (impulse, "classification");
  g_assert_nonnull (lb);
  json_object_set_int_member (lb->params, "epochs", epochs);
  json_object_set_int_member (lb->params, "batch_size", batch_size);
  g_assert_true (em_impulse_save (project, impulse, &error));
  g_assert_no_error (error);
}

static void
make_project (void)
{
  g_autofree char *path = NULL;

  tmp_dir = gui_make_tmp_dir ("ember-dashboard-gui-XXXXXX");
  path = g_build_filename (tmp_dir, "motion.ember", NULL);
  /* 5 recordings per class: 16 training, 4 testing. */
  project = gui_make_demo_project (path, EM_DEMO_MOTION, 0.2, 11, "spectral");
  set_epochs (EPOCHS, 32);
}

static gint64
count (int category)
{
  g_autoptr(GError) error = NULL;
  EmSampleFilter filter;
  gint64 n;

  em_sample_filter_init (&filter);
  filter.category = category;
  n = em_project_count_samples (project, &filter, &error);
  g_assert_no_error (error);
  return n;
}

static char *
percent (JsonObject *tested, const char *variant)
{
  JsonObject *m = json_object_get_object_member (tested, variant);

  g_assert_nonnull (m);
  return g_strdup_printf ("%.1f%%", 100 * json_object_get_double_member (m, "accuracy"));
}

static gboolean
not_running (gpointer page)
{
  return !em_retrain_page_get_running (page);
}

/* Cancel while the model trains, past its first epoch. */
static gboolean
training_started (gpointer page)
{
  EmJob *job = em_retrain_page_get_job (page);

  return !em_retrain_page_get_running (page) ||
         (g_strcmp0 (em_retrain_page_get_step_result (page, 0), "Running…") != 0 &&
          g_strcmp0 (em_retrain_page_get_step_result (page, 1), "Running…") == 0 &&
          em_job_get_fraction (job) > 1.0 / 3 + 1e-4);
}

static void
record_page (EmDashboardPage *page, const char *name, GPtrArray *names)
{
  g_ptr_array_add (names, g_strdup (name));
}

/* ---- tests ---------------------------------------------------------------------- */

static void
test_dashboard_untrained (void)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) labels = NULL;
  g_autofree char *train = NULL, *test = NULL;
  GtkWidget *page, *window;
  const char *impulse;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  page = em_dashboard_page_new (project);
  window = gui_show_in_window (page, 1000, 900);
  g_signal_connect (page, "show-page", G_CALLBACK (record_page), names);

  /* The counts are the project's, with their total length. */
  g_assert_cmpint (count (EM_CATEGORY_TRAINING), >, 0);
  g_assert_cmpint (count (EM_CATEGORY_TESTING), >, 0);
  train = g_strdup_printf ("%" G_GINT64_FORMAT " samples · ", count (EM_CATEGORY_TRAINING));
  test = g_strdup_printf ("%" G_GINT64_FORMAT " samples · ", count (EM_CATEGORY_TESTING));
  g_test_message ("training: %s", em_dashboard_page_get_samples_text (EM_DASHBOARD_PAGE (page), EM_CATEGORY_TRAINING));
  g_assert_true (g_str_has_prefix (em_dashboard_page_get_samples_text (EM_DASHBOARD_PAGE (page), EM_CATEGORY_TRAINING), train));
  g_assert_true (g_str_has_prefix (em_dashboard_page_get_samples_text (EM_DASHBOARD_PAGE (page), EM_CATEGORY_TESTING), test));
  labels = em_project_list_labels (project, NULL);
  g_assert_cmpuint (labels->len, ==, 4);
  g_assert_cmpuint (em_bar_chart_get_n (em_dashboard_page_get_label_chart (EM_DASHBOARD_PAGE (page))), ==, labels->len);

  impulse = em_dashboard_page_get_impulse_text (EM_DASHBOARD_PAGE (page));
  g_test_message ("impulse: %s", impulse);
  g_assert_nonnull (strstr (impulse, "spectral"));
  g_assert_nonnull (strstr (impulse, "classification"));
  g_assert_true (strstr (impulse, "spectral") < strstr (impulse, "classification"));

  g_assert_cmpstr (em_dashboard_page_get_model_state (EM_DASHBOARD_PAGE (page), "classification"), ==, "Not trained");
  g_assert_cmpstr (em_dashboard_page_get_accuracy_text (EM_DASHBOARD_PAGE (page), "classification", "float"), ==,
                   "not tested");
  g_assert_null (em_dashboard_page_get_model_state (EM_DASHBOARD_PAGE (page), "nope"));

  /* The buttons ask the window for a page. */
  g_assert_true (gtk_widget_activate_action (page, "dashboard.show-page", "s", "testing"));
  g_assert_true (gtk_widget_activate_action (page, "dashboard.show-page", "s", "block:spectral"));
  g_assert_cmpuint (names->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "testing");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "block:spectral");

  gui_save_pngs (window, "dashboard-untrained", 300);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_retrain (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmModel) model = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *tested = NULL, *f = NULL, *q = NULL;
  GtkWidget *page, *window, *dash, *dash_window;
  JsonObject *r;
  EmJob *job;
  int started = 0;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  page = em_retrain_page_new (project, em_block_registry_get_default ());
  window = gui_show_in_window (page, 1000, 900);
  g_signal_connect_swapped (page, "job-started", G_CALLBACK (g_atomic_int_inc), &started);
  g_assert_cmpuint (em_retrain_page_get_n_steps (EM_RETRAIN_PAGE (page)), ==, 3);
  g_assert_cmpstr (em_retrain_page_get_step_name (EM_RETRAIN_PAGE (page), 0), ==, "features:spectral");
  g_assert_cmpstr (em_retrain_page_get_step_name (EM_RETRAIN_PAGE (page), 1), ==, "train:classification");
  g_assert_cmpstr (em_retrain_page_get_step_name (EM_RETRAIN_PAGE (page), 2), ==, "test:classification");
  gui_save_pngs (window, "retrain-ready", 300);

  /* The button returns at once; the steps run off the main loop. */
  g_assert_true (gtk_widget_activate_action (page, "retrain.start", NULL));
  g_assert_true (em_retrain_page_get_running (EM_RETRAIN_PAGE (page)));
  g_assert_cmpint (started, ==, 1);
  g_assert_true (gui_wait_for (not_running, page, WAIT_MS));
  job = em_retrain_page_get_job (EM_RETRAIN_PAGE (page));
  g_assert_no_error (em_job_get_error (job));
  g_assert_cmpint (em_job_get_state (job), ==, EM_JOB_STATE_SUCCEEDED);
  for (guint i = 0; i < 3; i++)
    g_test_message ("%s: %s", em_retrain_page_get_step_name (EM_RETRAIN_PAGE (page), i),
                    em_retrain_page_get_step_result (EM_RETRAIN_PAGE (page), i));
  g_assert_true (g_str_has_prefix (em_retrain_page_get_step_result (EM_RETRAIN_PAGE (page), 1), "Trained in"));

  /* Trained with the impulse's epochs, and tested. */
  model = em_model_store_get (project, "classification", FALSE, &error);
  g_assert_no_error (error);
  root = json_from_string (model->report, &error);
  g_assert_no_error (error);
  r = json_node_get_object (root);
  /* The report's params are the block's, as text. */
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r, "params"), "epochs"), ==,
                   G_STRINGIFY (EPOCHS));
  g_clear_pointer (&root, json_node_unref);
  tested = em_model_test_load (project, "classification", &error);
  g_assert_no_error (error);
  root = json_from_string (tested, &error);
  r = json_node_get_object (root);
  f = percent (r, "float");
  q = percent (r, "int8");
  g_assert_nonnull (strstr (em_retrain_page_get_step_result (EM_RETRAIN_PAGE (page), 2), f));
  gui_save_pngs (window, "retrain-done", 300);

  /* The dashboard shows what the test stored. */
  dash = em_dashboard_page_new (project);
  dash_window = gui_show_in_window (dash, 1000, 900);
  g_test_message ("state: %s; float %s int8 %s", em_dashboard_page_get_model_state (EM_DASHBOARD_PAGE (dash), "classification"),
                  f, q);
  g_assert_true (g_str_has_prefix (em_dashboard_page_get_model_state (EM_DASHBOARD_PAGE (dash), "classification"),
                                   "Trained "));
  g_assert_nonnull (strstr (em_dashboard_page_get_model_state (EM_DASHBOARD_PAGE (dash), "classification"),
                            "parameters"));
  g_assert_null (strstr (em_dashboard_page_get_model_state (EM_DASHBOARD_PAGE (dash), "classification"),
                         "out of date"));
  g_assert_cmpstr (em_dashboard_page_get_accuracy_text (EM_DASHBOARD_PAGE (dash), "classification", "float"), ==, f);
  g_assert_cmpstr (em_dashboard_page_get_accuracy_text (EM_DASHBOARD_PAGE (dash), "classification", "int8"), ==, q);
  gui_save_pngs (dash_window, "dashboard-trained", 300);
  gtk_window_destroy (GTK_WINDOW (dash_window));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_retrain_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmModel) before = NULL;
  g_autoptr(EmModel) after = NULL;
  g_autofree char *tested_before = NULL, *tested_after = NULL;
  GtkWidget *page, *window, *dash, *dash_window;
  const char *result;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  before = em_model_store_get (project, "classification", TRUE, &error);
  g_assert_no_error (error);
  tested_before = em_model_test_load (project, "classification", &error);
  g_assert_no_error (error);

  /* Long enough (1000 epochs of single-window steps) that the cancel
   * lands mid-training even on a fast machine. */
  set_epochs (LONG_EPOCHS, 1);
  page = em_retrain_page_new (project, em_block_registry_get_default ());
  window = gui_show_in_window (page, 1000, 900);
  g_assert_true (gtk_widget_activate_action (page, "retrain.start", NULL));
  g_assert_true (gui_wait_for (training_started, page, WAIT_MS));
  g_test_message ("before cancel: %s", em_retrain_page_get_status (EM_RETRAIN_PAGE (page)));
  g_assert_true (em_retrain_page_get_running (EM_RETRAIN_PAGE (page)));
  g_assert_true (gtk_widget_activate_action (page, "retrain.cancel", NULL));
  g_assert_true (gui_wait_for (not_running, page, WAIT_MS));
  g_assert_cmpint (em_job_get_state (em_retrain_page_get_job (EM_RETRAIN_PAGE (page))), ==, EM_JOB_STATE_CANCELLED);

  /* The previous model, byte for byte, with its test. */
  after = em_model_store_get (project, "classification", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (after->created, ==, before->created);
  g_assert_true (g_bytes_equal (after->blob, before->blob));
  tested_after = em_model_test_load (project, "classification", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tested_after, ==, tested_before);

  /* The page says so. */
  result = em_retrain_page_get_step_result (EM_RETRAIN_PAGE (page), 1);
  g_test_message ("train: %s; status: %s", result, em_retrain_page_get_status (EM_RETRAIN_PAGE (page)));
  g_assert_true (g_str_has_prefix (result, "Cancelled"));
  g_assert_nonnull (strstr (result, "previous model is kept"));
  g_assert_cmpstr (em_retrain_page_get_step_result (EM_RETRAIN_PAGE (page), 2), ==, "Not run");
  gui_save_pngs (window, "retrain-cancelled", 300);

  /* The impulse changed (epochs), so the kept model is out of date. */
  dash = em_dashboard_page_new (project);
  dash_window = gui_show_in_window (dash, 1000, 900);
  g_assert_nonnull (strstr (em_dashboard_page_get_model_state (EM_DASHBOARD_PAGE (dash), "classification"),
                            "out of date"));
  gui_save_pngs (dash_window, "dashboard-stale", 300);
  gtk_window_destroy (GTK_WINDOW (dash_window));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  int status;

  have_display = gui_init (&argc, &argv);
  if (have_display)
    make_project ();

  g_test_add_func ("/gui/dashboard/untrained", test_dashboard_untrained);
  g_test_add_func ("/gui/dashboard/retrain", test_retrain);
  g_test_add_func ("/gui/dashboard/retrain-cancel", test_retrain_cancel);
  status = g_test_run ();

  gui_remove_project (&project, &tmp_dir);
  return status;
}
