/* SPDX-License-Identifier: Apache-2.0 */
/* EmBlockPage and EmDeployPage on a real display (Xvfb in CI), on a small
 * keyword demo with an MFCC + classification impulse made through the core
 * API: the MFCC preview is a heatmap of the block's shape; changing a
 * parameter through its widget saves it and recomputes the preview with the
 * new shape; "Generate features" runs as a job and the explorer then shows
 * exactly the stored projection's points, hovering names a sample and a
 * click emits "sample-activated"; after training, the deployment page
 * builds a c-library into a temporary folder, and a bad folder shows its
 * reason. g_test_init() plus always-fatal makes any GTK warning or
 * critical fail. PNGs, light and dark, land in EMBER_GUI_OUTPUT_DIR. */
#include "gui-util.h"
#include "em-block-page.h"
#include "em-block-params.h"
#include "em-codegen.h"
#include "em-deploy-page.h"
#include "em-feature-cache.h"
#include "em-features.h"
#include "em-heatmap.h"
#include "em-job.h"
#include "em-learn.h"
#include "em-scatter-plot.h"

#define WAIT_MS 90000

static gboolean have_display;
static char *tmp_dir;
static EmProject *project;

static void
make_project (void)
{
  g_autofree char *path = NULL;

  tmp_dir = gui_make_tmp_dir ("ember-block-gui-XXXXXX");
  path = g_build_filename (tmp_dir, "keywords.ember", NULL);
  /* 5 clips per keyword. */
  project = gui_make_demo_project (path, EM_DEMO_KEYWORDS, 0.1, 7, "mfcc");
}

static gboolean
preview_idle (gpointer page)
{
  return !em_block_page_preview_busy (page) && em_block_page_get_preview_count (page) > 0;
}

static gboolean
block_job_done (gpointer page)
{
  return gui_job_done (em_block_page_get_job (page));
}

static gboolean
deploy_job_done (gpointer page)
{
  return gui_job_done (em_deploy_page_get_job (page));
}

static gint64
stored_num_cepstral (void)
{
  g_autoptr(EmImpulse) impulse = em_impulse_load (project, NULL);
  EmImpulseBlock *ib = em_impulse_find_block (impulse, "mfcc");

  return json_object_has_member (ib->params, "num_cepstral")
           ? json_object_get_int_member (ib->params, "num_cepstral") : -1;
}

static void
on_sample_activated (EmBlockPage *page, gint64 id, gint64 *out)
{
  *out = id;
}

static void
test_block_page (void)
{
  EmBlockRegistry *registry = em_block_registry_get_default ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GArray) points = NULL;
  GtkWidget *page, *window, *spin, *heatmap;
  EmScatterPlot *plot;
  guint rows_before, cols_before, count;
  double x, y;
  gint64 picked = -1, activated = -1;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  g_assert_nonnull (em_block_registry_lookup (registry, "mfcc"));

  page = em_block_page_new (project, registry, "mfcc");
  window = gui_show_in_window (page, 1200, 900);
  g_signal_connect (page, "sample-activated", G_CALLBACK (on_sample_activated), &activated);

  /* The preview: MFCC is frames × coefficients, shown as a heatmap with
   * the coefficients as rows. */
  g_assert_true (gui_wait_for (preview_idle, page, WAIT_MS));
  g_assert_cmpstr (em_block_page_get_last_error (EM_BLOCK_PAGE (page)), ==, NULL);
  g_assert_cmpstr (em_block_page_get_preview_kind (EM_BLOCK_PAGE (page)), ==, "heatmap");
  heatmap = em_block_page_get_heatmap (EM_BLOCK_PAGE (page));
  rows_before = em_heatmap_get_rows (EM_HEATMAP (heatmap));
  cols_before = em_heatmap_get_cols (EM_HEATMAP (heatmap));
  g_assert_cmpuint (rows_before, ==, 13); /* num_cepstral's default */
  g_assert_cmpuint (cols_before, >, 1);
  /* Explorer empty before generating. */
  g_assert_cmpuint (em_scatter_plot_get_n_points (EM_SCATTER_PLOT (em_block_page_get_scatter_plot (EM_BLOCK_PAGE (page)))),
                    ==, 0);

  /* Change a parameter through its widget: saved, and a new preview. */
  spin = em_block_params_panel_get_editor (EM_BLOCK_PARAMS_PANEL (em_block_page_get_params_panel (EM_BLOCK_PAGE (page))),
                                           "num_cepstral");
  g_assert_true (GTK_IS_SPIN_BUTTON (spin));
  count = em_block_page_get_preview_count (EM_BLOCK_PAGE (page));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 20);
  g_assert_cmpint (stored_num_cepstral (), ==, 20);
  g_assert_true (em_block_page_preview_busy (EM_BLOCK_PAGE (page)));
  g_assert_true (gui_wait_for (preview_idle, page, WAIT_MS));
  g_assert_cmpuint (em_block_page_get_preview_count (EM_BLOCK_PAGE (page)), >, count);
  g_assert_cmpuint (em_heatmap_get_rows (EM_HEATMAP (heatmap)), ==, 20);
  g_assert_cmpuint (em_heatmap_get_cols (EM_HEATMAP (heatmap)), ==, cols_before);

  /* Generate features: a job; then the explorer shows the stored points. */
  g_assert_true (gtk_widget_activate_action (page, "block.generate", NULL));
  g_assert_nonnull (em_block_page_get_job (EM_BLOCK_PAGE (page)));
  g_assert_true (gui_wait_for (block_job_done, page, WAIT_MS));
  g_assert_cmpint (em_job_get_state (EM_JOB (em_block_page_get_job (EM_BLOCK_PAGE (page)))), ==,
                   EM_JOB_STATE_SUCCEEDED);
  impulse = em_impulse_load (project, &error);
  g_assert_no_error (error);
  key = em_features_block_key (impulse, em_impulse_find_block (impulse, "mfcc"), registry, &error);
  g_assert_no_error (error);
  points = em_feature_projection_get (project, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, >=, 20);
  plot = EM_SCATTER_PLOT (em_block_page_get_scatter_plot (EM_BLOCK_PAGE (page)));
  g_assert_cmpuint (em_scatter_plot_get_n_points (plot), ==, points->len);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (plot)));

  /* Picking a point finds its sample; a click on it activates it. */
  gui_spin (200);
  g_assert_true (em_scatter_plot_point_to_widget (plot, 0, &x, &y));
  g_assert_true (em_scatter_plot_pick (plot, x, y, 8, &picked));
  g_assert_cmpint (picked, >, 0);
  {
    g_autoptr(EmSample) sample = em_project_get_sample (project, picked, FALSE, &error);
    g_autofree char *expected = NULL;

    g_assert_no_error (error);
    expected = g_strdup_printf ("%s · %s", em_sample_get_name (sample), em_sample_get_label (sample));
    g_signal_emit_by_name (plot, "point-hovered", picked);
    g_assert_nonnull (gui_find_label (page, expected, FALSE));
    g_signal_emit_by_name (plot, "point-hovered", (gint64) -1);
    g_assert_null (gui_find_label (page, expected, FALSE));
  }
  g_signal_emit_by_name (plot, "point-activated", picked);
  g_assert_cmpint (activated, ==, picked);

  gui_save_pngs (window, "block-page-mfcc", 300);
  gtk_window_destroy (GTK_WINDOW (window));
  gui_spin (100);
}

static void
test_flat_preview (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  EmBlockRegistry *registry = em_block_registry_get_default ();
  GtkWidget *page, *window;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  if (em_block_registry_lookup (registry, "spectral") == NULL)
    {
      g_test_skip ("no spectral block");
      return;
    }
  /* A flat block beside it: bars, not a heatmap. */
  impulse = em_impulse_load (project, &error);
  g_assert_no_error (error);
  if (em_impulse_find_block (impulse, "flat") == NULL)
    em_impulse_add_block (impulse, "flat", "spectral");
  g_assert_true (em_impulse_save (project, impulse, &error));
  g_assert_no_error (error);

  page = em_block_page_new (project, registry, "flat");
  window = gui_show_in_window (page, 1000, 800);
  g_assert_true (gui_wait_for (preview_idle, page, WAIT_MS));
  if (g_strcmp0 (em_block_page_get_preview_kind (EM_BLOCK_PAGE (page)), "bars") != 0)
    g_test_message ("flat preview: %s", em_block_page_get_last_error (EM_BLOCK_PAGE (page)));
  /* The spectral block refuses audio or shows bars; never a heatmap. */
  g_assert_cmpstr (em_block_page_get_preview_kind (EM_BLOCK_PAGE (page)), !=, "heatmap");
  gui_save_pngs (window, "block-page-flat", 300);
  gtk_window_destroy (GTK_WINDOW (window));

  g_assert_true (em_impulse_remove_block (impulse, "flat"));
  g_assert_true (em_impulse_save (project, impulse, &error));
  g_assert_no_error (error);

  /* A block not in the impulse: a message, no crash. */
  page = em_block_page_new (project, registry, "nope");
  window = gui_show_in_window (page, 800, 600);
  g_assert_cmpstr (em_block_page_get_preview_kind (EM_BLOCK_PAGE (page)), ==, "message");
  g_assert_nonnull (em_block_page_get_last_error (EM_BLOCK_PAGE (page)));
  gtk_window_destroy (GTK_WINDOW (window));
  gui_spin (100);
}

static void
test_deploy_page (void)
{
  EmBlockRegistry *registry = em_block_registry_get_default ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(JsonObject) overrides = json_object_new ();
  g_autofree char *report = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *bad_dir = NULL;
  g_autofree char *header = NULL;
  g_autofree char *stray = NULL;
  GtkWidget *page, *window;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  page = em_deploy_page_new (project, registry);
  window = gui_show_in_window (page, 900, 700);
  g_assert_cmpstr (em_deploy_page_get_target (EM_DEPLOY_PAGE (page)), ==, em_codegen_targets ()[0].id);
  em_deploy_page_set_target (EM_DEPLOY_PAGE (page), "c-library");
  g_assert_cmpstr (em_deploy_page_get_target (EM_DEPLOY_PAGE (page)), ==, "c-library");
  g_assert_true (em_deploy_page_get_int8 (EM_DEPLOY_PAGE (page)));

  /* Before training: the reason, in a toast. */
  out_dir = g_build_filename (tmp_dir, "deploy", NULL);
  em_deploy_page_set_output_dir (EM_DEPLOY_PAGE (page), out_dir);
  g_assert_true (gtk_widget_activate_action (page, "deploy.build", NULL));
  g_assert_true (gui_wait_for (deploy_job_done, page, WAIT_MS));
  g_assert_nonnull (em_deploy_page_get_last_error (EM_DEPLOY_PAGE (page)));
  g_test_message ("untrained: %s", em_deploy_page_get_last_error (EM_DEPLOY_PAGE (page)));
  g_assert_nonnull (strstr (em_deploy_page_get_last_error (EM_DEPLOY_PAGE (page)), "classification"));

  /* Train (small) through the core. */
  impulse = em_impulse_load (project, &error);
  g_assert_no_error (error);
  json_object_set_int_member (overrides, "epochs", 3);
  g_assert_true (em_learn_train (project, impulse, registry, NULL, overrides, NULL, NULL, &report, &error));
  g_assert_no_error (error);

  g_assert_true (gtk_widget_activate_action (page, "deploy.build", NULL));
  g_assert_true (gui_wait_for (deploy_job_done, page, WAIT_MS));
  if (em_job_get_error (EM_JOB (em_deploy_page_get_job (EM_DEPLOY_PAGE (page)))) != NULL)
    g_test_message ("build: %s", em_job_get_error (EM_JOB (em_deploy_page_get_job (EM_DEPLOY_PAGE (page))))->message);
  g_assert_cmpint (em_job_get_state (EM_JOB (em_deploy_page_get_job (EM_DEPLOY_PAGE (page)))), ==,
                   EM_JOB_STATE_SUCCEEDED);
  /* The earlier failure is cleared. */
  g_assert_null (em_deploy_page_get_last_error (EM_DEPLOY_PAGE (page)));
  header = g_build_filename (out_dir, "ember_impulse.h", NULL);
  g_assert_true (g_file_test (header, G_FILE_TEST_IS_REGULAR));
  gui_save_pngs (window, "deploy-page", 300);

  /* Building again into the same folder replaces the earlier build. */
  g_assert_true (gtk_widget_activate_action (page, "deploy.build", NULL));
  g_assert_true (gui_wait_for (deploy_job_done, page, WAIT_MS));
  g_assert_cmpint (em_job_get_state (EM_JOB (em_deploy_page_get_job (EM_DEPLOY_PAGE (page)))), ==,
                   EM_JOB_STATE_SUCCEEDED);

  /* A folder with someone else's files is refused, with the reason. */
  bad_dir = g_build_filename (tmp_dir, "busy", NULL);
  g_assert_cmpint (g_mkdir (bad_dir, 0700), ==, 0);
  stray = g_build_filename (bad_dir, "notes.txt", NULL);
  g_assert_true (g_file_set_contents (stray, "mine", -1, NULL));
  em_deploy_page_set_output_dir (EM_DEPLOY_PAGE (page), bad_dir);
  g_assert_true (gtk_widget_activate_action (page, "deploy.build", NULL));
  g_assert_true (gui_wait_for (deploy_job_done, page, WAIT_MS));
  g_assert_cmpint (em_job_get_state (EM_JOB (em_deploy_page_get_job (EM_DEPLOY_PAGE (page)))), ==,
                   EM_JOB_STATE_FAILED);
  g_test_message ("busy folder: %s", em_deploy_page_get_last_error (EM_DEPLOY_PAGE (page)));
  g_assert_null (strchr (em_deploy_page_get_last_error (EM_DEPLOY_PAGE (page)), '\n'));
  g_assert_nonnull (strstr (em_deploy_page_get_last_error (EM_DEPLOY_PAGE (page)), "not empty"));
  /* The stray file is untouched. */
  g_assert_true (g_file_test (stray, G_FILE_TEST_IS_REGULAR));
  {
    g_autofree char *stray_header = g_build_filename (bad_dir, "ember_impulse.h", NULL);
    g_assert_false (g_file_test (stray_header, G_FILE_TEST_EXISTS));
  }
  gui_spin (300);
  gui_save_pngs (window, "deploy-page-error", 300);
  gtk_window_destroy (GTK_WINDOW (window));
  gui_spin (100);
}

int
main (int argc, char *argv[])
{
  int status;

  have_display = gui_init (&argc, &argv);
  if (have_display)
    make_project ();

  g_test_add_func ("/gui/block/mfcc-preview-generate-explore", test_block_page);
  g_test_add_func ("/gui/block/flat-preview", test_flat_preview);
  g_test_add_func ("/gui/block/deploy", test_deploy_page);
  status = g_test_run ();

  gui_remove_project (&project, &tmp_dir);
  return status;
}
