/* SPDX-License-Identifier: Apache-2.0 */
/* The workflow shell and the impulse editor on a real display (Xvfb): the
 * keyword demo project (made with the core's demo API) is opened, every
 * sidebar page visited and photographed, then an impulse is built on the
 * canvas through the very functions drag-and-drop and linking call, a
 * parameter set through the parameters panel, and features generated as a
 * job. The impulse the project holds must equal the one built.
 * g_test_init() makes every GLib/GTK warning and critical fatal. PNGs land
 * in EMBER_GUI_OUTPUT_DIR (the build's tests/gui/). */
#include "gui-util.h"
#include "em-window.h"
#include "em-impulse-page.h"
#include "em-block-params.h"
#include "em-placeholder-page.h"
#include "em-live-page.h"
#include "em-byom-page.h"
#include "em-block-page.h"
#include "em-deploy-page.h"
#include "em-dashboard-page.h"
#include "em-retrain-page.h"
#include "em-devices-page.h"
#include "em-versions-page.h"
#include "em-error.h"
#include "em-features.h"

#define WAIT_MS 5000

static gboolean have_display;
static char *project_dir;
static char *project_path;

/* ---- helpers ------------------------------------------------------------------ */

static EmWindow *
open_window (void)
{
  return gui_open_project_window (project_path, 1280, 760, WAIT_MS);
}

static void
visit (EmWindow *window, const char *name, const char *png_prefix)
{
  g_autofree char *file = NULL;
  g_autofree char *safe = g_strdup (name);

  g_assert_true (em_window_show_page (window, name));
  g_assert_cmpstr (em_window_get_visible_page (window), ==, name);
  g_assert_true (gtk_widget_get_mapped (em_window_get_page (window, name)));
  gui_spin (150);
  g_strdelimit (safe, ":", '-');
  file = g_strdup_printf ("%s-%s.png", png_prefix, safe);
  gui_save_png (GTK_WIDGET (window), file);
}

static gboolean
strv_has (GStrv v, const char *s)
{
  return g_strv_contains ((const char * const *) v, s);
}

static EmImpulse *
stored_impulse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = em_project_open (project_path, &error);
  EmImpulse *impulse;

  g_assert_no_error (error);
  impulse = em_impulse_load (project, &error);
  g_assert_no_error (error);
  return impulse;
}

/* ---- tests ---------------------------------------------------------------------- */

static void
test_pages (void)
{
  EmWindow *window;
  g_auto(GStrv) pages = NULL;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ();
  pages = em_window_list_pages (window);
  /* The workflow order; no impulse yet, so no block pages. */
  g_assert_cmpuint (g_strv_length (pages), ==, 10);
  g_assert_cmpstr (pages[0], ==, "dashboard");
  g_assert_cmpstr (pages[2], ==, "data");
  g_assert_cmpstr (pages[3], ==, "impulse");
  g_assert_cmpstr (pages[6], ==, "testing");
  g_assert_cmpstr (pages[8], ==, "versions");
  g_assert_cmpstr (pages[9], ==, "byom");
  /* A project opens on the data (or the last page shown). */
  g_assert_cmpstr (em_window_get_visible_page (window), ==, "data");

  g_assert_true (EM_IS_LIVE_PAGE (em_window_get_page (window, "live")));
  g_assert_true (EM_IS_DEPLOY_PAGE (em_window_get_page (window, "deployment")));
  g_assert_true (EM_IS_DASHBOARD_PAGE (em_window_get_page (window, "dashboard")));
  g_assert_true (EM_IS_RETRAIN_PAGE (em_window_get_page (window, "retrain")));
  g_assert_true (EM_IS_DEVICES_PAGE (em_window_get_page (window, "devices")));
  g_assert_true (EM_IS_VERSIONS_PAGE (em_window_get_page (window, "versions")));
  g_assert_true (EM_IS_BYOM_PAGE (em_window_get_page (window, "byom")));
  for (guint i = 0; pages[i] != NULL; i++)
    visit (window, pages[i], "shell");

  /* Ctrl+1 … Ctrl+9 go by sidebar position. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "i", 3));
  g_assert_cmpstr (em_window_get_visible_page (window), ==, "impulse");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "i", 0));
  g_assert_cmpstr (em_window_get_visible_page (window), ==, "dashboard");

  /* The impulse page starts from what the samples suggest: audio at 16 kHz. */
  {
    EmImpulsePage *ip = em_window_get_impulse_page (window);
    const EmImpulse *imp = em_impulse_page_get_impulse (ip);
    EmGraphModel *model = em_graph_view_get_model (em_impulse_page_get_graph_view (ip));

    g_assert_nonnull (imp);
    g_assert_false (imp->input.is_image);
    g_assert_cmpfloat_with_epsilon (imp->input.frequency_hz, 16000, 1e-6);
    g_assert_cmpuint (em_graph_model_get_nodes (model)->len, ==, 1);
    g_assert_nonnull (em_graph_model_get_node (model, EM_IMPULSE_PAGE_INPUT_ID));
    /* input + the processing and learning blocks of the plugins */
    g_assert_nonnull (em_block_palette_get_row (em_impulse_page_get_palette (ip), "mfcc"));
    g_assert_nonnull (em_block_palette_get_row (em_impulse_page_get_palette (ip), "classification"));
    g_assert_nonnull (em_block_palette_get_row (em_impulse_page_get_palette (ip),
                                                EM_IMPULSE_PAGE_INPUT_ID));
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* What a palette row's drag carries, dropped where the canvas shows (x, y). */
static void
drop (EmGraphView *view, EmBlockPalette *palette, const char *id, double x, double y)
{
  g_autoptr(GdkContentProvider) provider = em_block_palette_content_for (palette, id);
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (provider, &value, NULL));
  g_assert_true (em_graph_view_drop_block (view, g_value_get_string (&value), x, y));
}

typedef struct {
  EmImpulsePage *page;
  const char    *block;
  const char    *input;
} InputWanted;

static gboolean
learn_input_is (gpointer data)
{
  InputWanted *w = data;
  EmImpulse *imp = (EmImpulse *) em_impulse_page_get_impulse (w->page);
  EmImpulseLearnBlock *lb = em_impulse_find_learn_block (imp, w->block);

  return lb != NULL && g_strv_length (lb->inputs) == 1 && g_strcmp0 (lb->inputs[0], w->input) == 0;
}

static gboolean
error_shown (gpointer page)
{
  return em_impulse_page_get_last_error (page) != NULL;
}

static void
test_impulse (void)
{
  EmWindow *window;
  EmImpulsePage *page;
  EmGraphView *view;
  EmBlockPalette *palette;
  EmBlockParamsPanel *panel;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) stored = NULL;
  g_autofree char *id = NULL;
  g_autofree char *built_json = NULL;
  g_autofree char *stored_json = NULL;
  g_auto(GStrv) pages = NULL;
  EmImpulse *imp;
  GtkWidget *editor;
  EmJob *job;
  double x, y;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  window = open_window ();
  g_assert_true (em_window_show_page (window, "impulse"));
  page = em_window_get_impulse_page (window);
  view = em_impulse_page_get_graph_view (page);
  palette = em_impulse_page_get_palette (page);
  panel = em_impulse_page_get_params_panel (page);
  gui_spin (200);

  /* Drop MFCC and a classifier from the palette onto the canvas. */
  {
    /* Two columns right of the input card; a drop puts the card's header
     * under the pointer. */
    double wx, wy;
    em_graph_view_to_widget (view, 250 + 92, 20, &wx, &wy);
    drop (view, palette, "mfcc", wx, wy);
    em_graph_view_to_widget (view, 500 + 92, 20, &wx, &wy);
    drop (view, palette, "classification", wx, wy);
  }
  imp = (EmImpulse *) em_impulse_page_get_impulse (page);
  g_assert_cmpuint (imp->blocks->len, ==, 1);
  g_assert_cmpstr (((EmImpulseBlock *) g_ptr_array_index (imp->blocks, 0))->id, ==, "mfcc");
  g_assert_cmpuint (imp->learn_blocks->len, ==, 1);
  g_assert_cmpstr (((EmImpulseLearnBlock *) g_ptr_array_index (imp->learn_blocks, 0))->plugin, ==,
                   "classification");
  /* Dropped blocks get fresh ids; the sidebar has a page per block. */
  id = em_impulse_page_add_block (page, "mfcc", 330, 300, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "mfcc-2");
  g_assert_true (em_impulse_page_remove_block (page, id, &error));
  g_assert_no_error (error);
  pages = em_window_list_pages (window);
  g_assert_true (strv_has (pages, "block:mfcc"));
  g_assert_true (strv_has (pages, "block:classification"));
  g_assert_false (strv_has (pages, "block:mfcc-2"));
  g_assert_cmpuint (g_strv_length (pages), ==, 12);
  g_assert_true (EM_IS_BLOCK_PAGE (em_window_get_page (window, "block:mfcc")));

  /* Blocks that cannot read audio, and a second input, are refused. */
  g_assert_null (em_impulse_page_add_block (page, "image", 0, 0, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_test_message ("refused: %s", error->message);
  g_clear_error (&error);
  g_assert_null (em_impulse_page_add_block (page, EM_IMPULSE_PAGE_INPUT_ID, 0, 0, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Link by dragging from MFCC's output dot onto the classifier's input
   * dot: the gesture's own begin/end. */
  gui_spin (100);
  g_assert_true (em_graph_view_get_port_position (view, "classification", EM_PORT_DIRECTION_INPUT,
                                                  "in", &x, &y));
  g_assert_true (em_graph_view_begin_link (view, "mfcc", "out"));
  em_graph_view_update_link (view, x, y);
  g_assert_true (em_graph_view_end_link (view, x, y));
  {
    InputWanted w = { page, "classification", "mfcc" };
    g_assert_true (gui_wait_for (learn_input_is, &w, WAIT_MS));
  }
  /* The input's audio cannot go straight into a classifier. */
  g_assert_true (em_graph_view_begin_link (view, EM_IMPULSE_PAGE_INPUT_ID, "out"));
  g_assert_false (em_graph_view_end_link (view, x, y));
  g_assert_nonnull (em_graph_view_get_message (view));
  g_test_message ("canvas says: %s", em_graph_view_get_message (view));

  /* Unlink and link again through the page's own calls. */
  g_assert_true (em_impulse_page_unlink (page, "mfcc", "classification", &error));
  g_assert_no_error (error);
  imp = (EmImpulse *) em_impulse_page_get_impulse (page);
  g_assert_cmpuint (g_strv_length (em_impulse_find_learn_block (imp, "classification")->inputs), ==, 0);
  g_assert_true (em_impulse_page_link (page, "mfcc", "classification", &error));
  g_assert_no_error (error);

  /* A parameter through the panel: MFCC's number of coefficients. */
  em_impulse_page_select_block (page, "mfcc");
  editor = em_block_params_panel_get_editor (panel, "num_cepstral");
  g_assert_true (GTK_IS_SPIN_BUTTON (editor));
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (editor)), ==, 13);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor), 20);
  imp = (EmImpulse *) em_impulse_page_get_impulse (page);
  g_assert_cmpint (json_object_get_int_member (em_impulse_find_block (imp, "mfcc")->params,
                                               "num_cepstral"), ==, 20);
  gui_spin (150);
  gui_save_png (GTK_WIDGET (window), "impulse-mfcc-params.png");

  /* The classifier's panel has an enum as a combo row. */
  em_impulse_page_select_block (page, "classification");
  g_assert_true (ADW_IS_COMBO_ROW (em_block_params_panel_get_editor (panel, "optimizer")));
  g_assert_true (GTK_IS_SPIN_BUTTON (em_block_params_panel_get_editor (panel, "epochs")));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (em_block_params_panel_get_editor (panel, "epochs")), 3);

  /* The input block: window size, and its axes as check boxes. */
  em_impulse_page_select_block (page, EM_IMPULSE_PAGE_INPUT_ID);
  editor = em_block_params_panel_get_editor (panel, "window_size_ms");
  g_assert_true (GTK_IS_SPIN_BUTTON (editor));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor), 800);
  g_assert_true (GTK_IS_SWITCH (em_block_params_panel_get_editor (panel, "zero_pad")));
  g_assert_true (ADW_IS_EXPANDER_ROW (em_block_params_panel_get_editor (panel, "axes")));
  imp = (EmImpulse *) em_impulse_page_get_impulse (page);
  g_assert_cmpfloat_with_epsilon (imp->input.window_size_ms, 800, 1e-9);
  gui_spin (150);
  gui_save_png (GTK_WIDGET (window), "impulse-input-params.png");

  /* Delete MFCC from the canvas (the Delete key's action): the classifier
   * still reads it, so the core refuses and says why. */
  em_impulse_page_select_block (page, "mfcc");
  gtk_widget_grab_focus (GTK_WIDGET (view));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "graph.delete", NULL));
  g_assert_true (gui_wait_for (error_shown, page, WAIT_MS));
  g_test_message ("delete refused: %s", em_impulse_page_get_last_error (page));
  g_assert_nonnull (strstr (em_impulse_page_get_last_error (page), "classification"));
  g_assert_nonnull (em_graph_model_get_node (em_graph_view_get_model (view), "mfcc"));
  imp = (EmImpulse *) em_impulse_page_get_impulse (page);
  g_assert_nonnull (em_impulse_find_block (imp, "mfcc"));
  g_assert_false (em_impulse_page_remove_block (page, "mfcc", &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* What the project holds is what was built. */
  em_impulse_page_select_block (page, "mfcc");
  gui_spin (300);
  gui_save_png (GTK_WIDGET (window), "impulse-built.png");
  imp = (EmImpulse *) em_impulse_page_get_impulse (page);
  built_json = em_impulse_to_json (imp);
  stored = stored_impulse ();
  stored_json = em_impulse_to_json (stored);
  g_assert_cmpstr (stored_json, ==, built_json);
  g_assert_cmpuint (stored->blocks->len, ==, 1);
  g_assert_cmpstr (((EmImpulseBlock *) g_ptr_array_index (stored->blocks, 0))->plugin, ==, "mfcc");
  g_assert_cmpint (json_object_get_int_member (((EmImpulseBlock *) g_ptr_array_index (stored->blocks, 0))->params,
                                               "num_cepstral"), ==, 20);
  g_assert_cmpfloat_with_epsilon (stored->input.window_size_ms, 800, 1e-9);
  {
    EmImpulseLearnBlock *lb = em_impulse_find_learn_block (stored, "classification");
    g_assert_nonnull (lb);
    g_assert_cmpuint (g_strv_length (lb->inputs), ==, 1);
    g_assert_cmpstr (lb->inputs[0], ==, "mfcc");
    g_assert_cmpint (json_object_get_int_member (lb->params, "epochs"), ==, 3);
  }

  /* Generate features as a job, listed in the header bar. */
  job = em_impulse_page_generate_features (page, &error);
  g_assert_no_error (error);
  g_assert_nonnull (job);
  g_object_ref (job);
  g_assert_true (em_job_is_running (job));
  g_assert_cmpuint (g_list_model_get_n_items (em_jobs_indicator_get_jobs (em_window_get_jobs_indicator (window))),
                    ==, 1);
  /* A second one while it runs is refused. */
  g_assert_null (em_impulse_page_generate_features (page, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  gui_spin (100);
  gui_save_png (GTK_WIDGET (window), "impulse-generating.png");
  gui_assert_job_succeeds (job, 120000, "features");
  gui_assert_feature_summary (job, "mfcc");
  g_assert_cmpuint (g_list_model_get_n_items (em_jobs_indicator_get_jobs (em_window_get_jobs_indicator (window))),
                    ==, 0);
  g_assert_nonnull (strstr (em_impulse_page_get_last_error (page), "Features ready"));
  g_object_unref (job);

  /* Every page again, with the block pages now. */
  g_strfreev (pages);
  pages = em_window_list_pages (window);
  for (guint i = 0; pages[i] != NULL; i++)
    visit (window, pages[i], "built");

  /* Removing the classifier, then MFCC, is allowed; their pages go. */
  g_assert_true (em_window_show_page (window, "block:classification"));
  g_assert_true (em_impulse_page_remove_block (page, "classification", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (em_window_get_visible_page (window), ==, "impulse");
  g_assert_true (em_impulse_page_remove_block (page, "mfcc", &error));
  g_assert_no_error (error);
  g_strfreev (pages);
  pages = em_window_list_pages (window);
  g_assert_cmpuint (g_strv_length (pages), ==, 10);
  g_assert_null (em_window_get_page (window, "block:mfcc"));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- main ------------------------------------------------------------------------ */

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  int status;

  have_display = gui_init (&argc, &argv);
  project_dir = gui_make_tmp_dir ("ember-shell-XXXXXX");
  project_path = g_build_filename (project_dir, "keywords.ember", NULL);
  if (have_display)
    {
      /* A fifth of the demo: 40 one-second clips are plenty for the pages. */
      project = em_demo_create (project_path, EM_DEMO_KEYWORDS, 0.2, 42, NULL, NULL, NULL, &error);
      if (project == NULL && g_error_matches (error, EM_ERROR, EM_ERROR_NOT_FOUND))
        {
          g_test_message ("no keyword demo: %s", error->message);
          have_display = FALSE;
        }
      else
        g_assert_no_error (error);
      g_clear_object (&project);
    }

  g_test_add_func ("/gui/shell/pages", test_pages);
  g_test_add_func ("/gui/shell/impulse", test_impulse);
  status = g_test_run ();
  gui_remove_tree (project_dir);
  g_free (project_path);
  g_free (project_dir);
  return status;
}
