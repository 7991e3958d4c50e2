/* SPDX-License-Identifier: Apache-2.0 */
/* EmLearnPage and EmTestingPage on a real display (Xvfb in CI), on the
 * motion demo with a spectral + classification impulse made through the
 * core API: settings edited through their widgets reach the impulse, the
 * default layers come from the block, training runs off the main loop with
 * the curves growing per epoch, a cancelled training keeps the previous
 * model, and "Classify all" shows the metrics the project stored.
 * g_test_init() makes every GLib/GTK warning and critical fatal. PNGs of
 * both pages, light and dark, land in EMBER_GUI_OUTPUT_DIR. */
#include <math.h>

#include "gui-util.h"
#include "em-learn-page.h"
#include "em-model-store.h"
#include "em-model-test.h"
#include "em-testing-page.h"

#define WAIT_MS 60000
#define EPOCHS 4

static gboolean have_display;

/* ---- helpers -------------------------------------------------------------- */

static void
count_change (gpointer instance, guint *changes)
{
  (*changes)++;
}

/* ---- the project ----------------------------------------------------------- */

static char *tmp_dir;
static EmProject *project;

static void
make_project (void)
{
  g_autofree char *path = NULL;

  tmp_dir = gui_make_tmp_dir ("ember-learn-gui-XXXXXX");
  path = g_build_filename (tmp_dir, "motion.ember", NULL);
  /* 5 recordings per class: 16 training, 4 testing. */
  project = gui_make_demo_project (path, EM_DEMO_MOTION, 0.2, 7, "spectral");
}

static JsonNode *
stored_param (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = em_impulse_load (project, &error);
  EmImpulseLearnBlock *lb;
  JsonNode *node;

  g_assert_no_error (error);
  lb = em_impulse_find_learn_block (impulse, "classification");
  g_assert_nonnull (lb);
  node = json_object_get_member (lb->params, name);
  return node != NULL ? json_node_copy (node) : NULL;
}

/* ---- conditions ------------------------------------------------------------- */

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

static gboolean
has_layers (gpointer page)
{
  EmLayerList *list = em_learn_page_get_layer_list (page);

  return list != NULL && em_layer_list_get_n_layers (list) > 0 &&
         g_str_has_prefix (em_learn_page_get_status (page), "Layers reset");
}

typedef struct {
  EmLearnPage *page;
  guint        live_points; /* loss points added while the page was training */
  guint        ticks;       /* main-loop timeouts run while it was training */
} Watch;

static void
loss_changed_cb (EmSeriesModel *model, Watch *watch)
{
  if (em_learn_page_get_training (watch->page))
    watch->live_points++;
}

static gboolean
count_tick (gpointer data)
{
  Watch *watch = data;

  if (em_learn_page_get_training (watch->page))
    watch->ticks++;
  return G_SOURCE_CONTINUE;
}

static gboolean
loss_started (gpointer data)
{
  Watch *watch = data;

  return watch->live_points > 0 || !em_learn_page_get_training (watch->page);
}

static guint
series_points (EmSeriesModel *model, const char *name)
{
  for (guint i = 0; i < em_series_model_get_n_series (model); i++)
    if (g_strcmp0 (em_series_model_get_name (model, i), name) == 0)
      return em_series_model_get_n_points (model, i);
  return 0;
}

/* ---- tests ------------------------------------------------------------------ */

static void
test_layer_list (void)
{
  g_autoptr(GError) error = NULL;
  EmLayerList *list;
  GtkWidget *window;
  g_autofree char *json = NULL;
  guint changes = 0;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  list = EM_LAYER_LIST (em_layer_list_new ());
  window = gui_show_in_window (GTK_WIDGET (list), 700, 400);
  g_signal_connect (list, "changed", G_CALLBACK (count_change), &changes);

  /* Not JSON, and JSON that is not an architecture: refused, list unchanged. */
  g_assert_false (em_layer_list_set_architecture (list, "{", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_false (em_layer_list_set_architecture (list, "{\"layers\": []}", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (em_layer_list_get_architecture (list));

  /* Setting is not an edit: no "changed". */
  g_assert_true (em_layer_list_set_architecture (list,
    "{\"input_shape\": [33], \"layers\": [{\"type\": \"dense\", \"name\": \"dense_0\", \"units\": 20,"
    " \"activation\": \"relu\"}, {\"type\": \"dense\", \"units\": 4}, {\"type\": \"softmax\"}]}", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (em_layer_list_get_n_layers (list), ==, 3);
  g_assert_true (em_layer_list_get_valid (list));
  g_assert_nonnull (strstr (em_layer_list_get_check (list), "parameters"));
  g_assert_cmpuint (changes, ==, 0);

  /* A hidden layer lands before the output dense + softmax. */
  em_layer_list_append (list, "dense");
  g_assert_cmpuint (em_layer_list_get_n_layers (list), ==, 4);
  g_assert_cmpstr (em_layer_list_get_layer_type (list, 1), ==, "dense");
  g_assert_cmpstr (em_layer_list_get_layer_type (list, 3), ==, "softmax");
  g_assert_true (em_layer_list_get_valid (list));

  em_layer_list_move (list, 3, -3);
  g_assert_cmpstr (em_layer_list_get_layer_type (list, 0), ==, "softmax");
  em_layer_list_move (list, 0, 10);
  g_assert_cmpstr (em_layer_list_get_layer_type (list, 3), ==, "softmax");

  /* An add layer with nothing to add: the engine refuses it, and the
   * check line says why. */
  em_layer_list_append (list, "add");
  g_assert_cmpstr (em_layer_list_get_layer_type (list, 2), ==, "add");
  g_assert_false (em_layer_list_get_valid (list));
  g_test_message ("check: %s", em_layer_list_get_check (list));
  em_layer_list_remove (list, 2);
  g_assert_true (em_layer_list_get_valid (list));
  /* append, move, move, append, remove */
  g_assert_cmpuint (changes, ==, 5);

  json = em_layer_list_get_architecture (list);
  /* Names are dropped (no layer names its inputs); the engine reads it back. */
  g_assert_null (strstr (json, "dense_0"));
  g_assert_nonnull (strstr (json, "\"units\":20"));
  g_assert_true (em_layer_list_set_architecture (list, json, &error));
  g_assert_cmpuint (em_layer_list_get_n_layers (list), ==, 4);

  gui_spin (200);
  gui_save_png (window, "layer-list.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_learn_and_test (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmBlockRegistry) registry = NULL;
  g_autoptr(JsonNode) epochs = NULL;
  g_autoptr(JsonNode) arch = NULL;
  g_autoptr(EmModel) model = NULL;
  g_autoptr(EmModel) kept = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *params_text = NULL;
  g_autofree char *expected = NULL;
  GtkWidget *learn_window, *test_window, *learn, *testing;
  GtkWidget *epochs_spin, *batch_spin;
  EmLayerList *layers;
  JsonObject *tested, *float_metrics;
  Watch watch = { 0 };
  guint tick;
  gint64 trained_at;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  registry = g_object_ref (em_block_registry_get_default ());
  g_assert_nonnull (em_block_registry_lookup (registry, "spectral"));
  g_assert_nonnull (em_block_registry_lookup (registry, "classification"));

  /* No model yet: the testing page says to train first. */
  testing = em_testing_page_new (project, registry);
  test_window = gui_show_in_window (testing, 1200, 820);
  g_assert_nonnull (gui_find_label (testing, "No Trained Model", TRUE));
  gui_save_png (test_window, "testing-page-untrained.png");

  learn = em_learn_page_new (project, registry, "classification");
  learn_window = gui_show_in_window (learn, 1280, 1000);
  watch.page = EM_LEARN_PAGE (learn);
  g_assert_cmpstr (em_learn_page_get_block_id (EM_LEARN_PAGE (learn)), ==, "classification");
  g_assert_cmpint (em_learn_page_get_model_time (EM_LEARN_PAGE (learn)), ==, 0);

  /* A setting edited in its widget is saved to the impulse. */
  epochs_spin = em_learn_page_get_param_editor (EM_LEARN_PAGE (learn), "epochs");
  g_assert_true (GTK_IS_SPIN_BUTTON (epochs_spin));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (epochs_spin), EPOCHS);
  epochs = stored_param ("epochs");
  g_assert_nonnull (epochs);
  g_assert_cmpint (json_node_get_int (epochs), ==, EPOCHS);
  g_assert_true (GTK_IS_SWITCH (em_learn_page_get_param_editor (EM_LEARN_PAGE (learn), "quantize")));
  g_assert_true (ADW_IS_COMBO_ROW (em_learn_page_get_param_editor (EM_LEARN_PAGE (learn), "optimizer")));
  g_assert_null (em_learn_page_get_param_editor (EM_LEARN_PAGE (learn), "architecture"));

  /* The default layers come from the block, for these features. */
  layers = em_learn_page_get_layer_list (EM_LEARN_PAGE (learn));
  g_assert_nonnull (layers);
  g_assert_cmpuint (em_layer_list_get_n_layers (layers), ==, 0);
  g_assert_true (gtk_widget_activate_action (learn, "learn.reset-architecture", NULL));
  g_assert_true (gui_wait_for (has_layers, learn, WAIT_MS));
  g_assert_cmpstr (em_layer_list_get_layer_type (layers, 0), ==, "dense");
  g_assert_cmpstr (em_layer_list_get_layer_type (layers, em_layer_list_get_n_layers (layers) - 1), ==, "softmax");
  arch = stored_param ("architecture");
  g_assert_cmpstr (json_node_get_string (arch), ==, "");
  g_clear_pointer (&arch, json_node_unref);

  /* Editing the list stores the user's layers. */
  em_layer_list_append (layers, "dropout");
  g_assert_cmpstr (em_layer_list_get_layer_type (layers, em_layer_list_get_n_layers (layers) - 3), ==, "dropout");
  arch = stored_param ("architecture");
  g_assert_nonnull (strstr (json_node_get_string (arch), "dropout"));
  g_clear_pointer (&arch, json_node_unref);
  em_layer_list_remove (layers, em_layer_list_get_n_layers (layers) - 3);
  arch = stored_param ("architecture");
  g_assert_null (strstr (json_node_get_string (arch), "dropout"));

  /* Train: the action returns at once and the work happens on a thread
   * while the main loop keeps running and the curves grow. */
  g_signal_connect (em_learn_page_get_loss_model (EM_LEARN_PAGE (learn)), "changed",
                    G_CALLBACK (loss_changed_cb), &watch);
  tick = g_timeout_add (5, count_tick, &watch);
  g_assert_true (gtk_widget_activate_action (learn, "learn.train", NULL));
  g_assert_true (em_learn_page_get_training (EM_LEARN_PAGE (learn)));
  g_assert_cmpint (em_learn_page_get_model_time (EM_LEARN_PAGE (learn)), ==, 0);
  g_assert_true (gui_wait_for (not_training, learn, WAIT_MS));
  g_source_remove (tick);
  g_test_message ("status: %s; %u live points, %u ticks", em_learn_page_get_status (EM_LEARN_PAGE (learn)),
                  watch.live_points, watch.ticks);
  g_assert_cmpstr (em_learn_page_get_status (EM_LEARN_PAGE (learn)), ==, "Training finished");
  g_assert_cmpuint (watch.live_points, >=, EPOCHS);
  g_assert_cmpuint (watch.ticks, >, 0);
  g_assert_cmpuint (series_points (em_learn_page_get_loss_model (EM_LEARN_PAGE (learn)), "Training loss"), ==,
                    EPOCHS);
  g_assert_cmpuint (series_points (em_learn_page_get_loss_model (EM_LEARN_PAGE (learn)), "Validation loss"), ==,
                    EPOCHS);
  g_assert_cmpuint (series_points (em_learn_page_get_accuracy_model (EM_LEARN_PAGE (learn)),
                                   "Training accuracy"), ==, EPOCHS);

  /* The report shows: the parameter count of the stored model. */
  model = em_model_store_get (project, "classification", FALSE, &error);
  g_assert_no_error (error);
  trained_at = model->created;
  g_assert_cmpint (em_learn_page_get_model_time (EM_LEARN_PAGE (learn)), ==, trained_at);
  report = json_from_string (model->report, &error);
  g_assert_no_error (error);
  params_text = g_strdup_printf ("%" G_GINT64_FORMAT,
                                 json_object_get_int_member (json_object_get_object_member (
                                   json_node_get_object (report), "model"), "params"));
  g_assert_nonnull (gui_find_label (learn, params_text, TRUE));
  g_assert_nonnull (gui_find_label (learn, "Not available yet", TRUE));
  gui_save_pngs (learn_window, "learn-page", 300);

  /* Classify all: the page shows what the project stored. */
  em_testing_page_reload (EM_TESTING_PAGE (testing));
  g_assert_nonnull (gui_find_label (testing, "Not Tested Yet", TRUE));
  g_assert_true (gtk_widget_activate_action (testing, "testing.classify-all", NULL));
  g_assert_true (em_testing_page_get_testing (EM_TESTING_PAGE (testing)));
  g_assert_true (gui_wait_for (not_testing, testing, WAIT_MS));
  g_test_message ("testing status: %s", em_testing_page_get_status (EM_TESTING_PAGE (testing)));
  g_assert_cmpstr (em_testing_page_get_status (EM_TESTING_PAGE (testing)), ==, "Testing finished");
  stored = em_model_test_load (project, "classification", &error);
  g_assert_no_error (error);
  g_clear_pointer (&report, json_node_unref);
  report = json_from_string (stored, &error);
  g_assert_no_error (error);
  tested = json_node_get_object (report);
  float_metrics = json_object_get_object_member (tested, "float");
  expected = g_strdup_printf ("%.1f%%", 100 * json_object_get_double_member (float_metrics, "accuracy"));
  g_assert_cmpstr (em_testing_page_get_accuracy_text (EM_TESTING_PAGE (testing), "float"), ==, expected);
  g_assert_nonnull (gui_find_label (testing, expected, TRUE));
  if (!json_object_get_null_member (tested, "int8"))
    {
      g_autofree char *int8 = g_strdup_printf (
        "%.1f%%", 100 * json_object_get_double_member (json_object_get_object_member (tested, "int8"), "accuracy"));
      g_assert_cmpstr (em_testing_page_get_accuracy_text (EM_TESTING_PAGE (testing), "int8"), ==, int8);
    }
  gui_spin (200);
  gui_save_pngs (test_window, "testing-page", 300);
  gtk_window_destroy (GTK_WINDOW (test_window));

  /* A fresh page shows the stored results as it opens. */
  testing = em_testing_page_new (project, registry);
  test_window = gui_show_in_window (testing, 1200, 820);
  g_assert_cmpstr (em_testing_page_get_accuracy_text (EM_TESTING_PAGE (testing), "float"), ==, expected);
  gtk_window_destroy (GTK_WINDOW (test_window));

  /* A long training, cancelled after its first epoch, keeps the model.
   * Batches of one make each epoch slow enough that the run cannot end
   * before the cancel, however loaded the machine. */
  batch_spin = em_learn_page_get_param_editor (EM_LEARN_PAGE (learn), "batch_size");
  g_assert_true (GTK_IS_SPIN_BUTTON (batch_spin));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (batch_spin), 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (epochs_spin), 1000);
  watch.live_points = 0;
  g_assert_true (gtk_widget_activate_action (learn, "learn.train", NULL));
  g_assert_true (gui_wait_for (loss_started, &watch, WAIT_MS));
  g_assert_true (em_learn_page_get_training (EM_LEARN_PAGE (learn)));
  g_assert_true (gtk_widget_activate_action (learn, "learn.cancel", NULL));
  g_assert_true (gui_wait_for (not_training, learn, WAIT_MS));
  g_test_message ("after cancel: %s", em_learn_page_get_status (EM_LEARN_PAGE (learn)));
  g_assert_cmpstr (em_learn_page_get_status (EM_LEARN_PAGE (learn)), ==,
                   "Training cancelled; the previous model is kept");
  kept = em_model_store_get (project, "classification", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kept->created, ==, trained_at);
  g_assert_cmpint (em_learn_page_get_model_time (EM_LEARN_PAGE (learn)), ==, trained_at);
  /* The curves are the kept model's again. */
  g_assert_cmpuint (series_points (em_learn_page_get_loss_model (EM_LEARN_PAGE (learn)), "Training loss"), ==,
                    EPOCHS);
  /* The setting differs from the model's: the page says it is stale. */
  g_assert_nonnull (gui_find_label (learn, "The settings or features changed since this model was trained: "
                                           "train again before testing or deploying it.", TRUE));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (epochs_spin), EPOCHS);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (batch_spin), 32);
  g_assert_null (gui_find_label (learn, "The settings or features changed since this model was trained: "
                                        "train again before testing or deploying it.", TRUE));

  gtk_window_destroy (GTK_WINDOW (learn_window));
  gui_spin (100);
}

/* A second learning block, of another kind (K-means anomaly detection):
 * no layers, its report's own facts, and the testing page's chooser and
 * score summary. Then a page for a block that is not in the impulse. */
static void
test_anomaly_block (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  EmBlockRegistry *registry = em_block_registry_get_default ();
  const char *inputs[] = { "spectral", NULL };
  EmImpulseLearnBlock *lb;
  GtkWidget *window, *learn, *testing, *missing;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  g_assert_nonnull (em_block_registry_lookup (registry, "anomaly-kmeans"));
  impulse = em_impulse_load (project, &error);
  g_assert_no_error (error);
  lb = em_impulse_add_learn_block (impulse, "anomaly", "anomaly-kmeans", inputs);
  json_object_set_int_member (lb->params, "clusters", 4);
  g_assert_true (em_impulse_save (project, impulse, &error));
  g_assert_no_error (error);

  learn = em_learn_page_new (project, registry, "anomaly");
  window = gui_show_in_window (learn, 1280, 900);
  g_assert_null (em_learn_page_get_layer_list (EM_LEARN_PAGE (learn)));
  g_assert_true (GTK_IS_SPIN_BUTTON (em_learn_page_get_param_editor (EM_LEARN_PAGE (learn), "clusters")));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (
                     GTK_SPIN_BUTTON (em_learn_page_get_param_editor (EM_LEARN_PAGE (learn), "clusters"))), ==, 4);
  g_assert_true (ADW_IS_ENTRY_ROW (em_learn_page_get_param_editor (EM_LEARN_PAGE (learn), "axes")));
  g_assert_true (gtk_widget_activate_action (learn, "learn.train", NULL));
  g_assert_true (gui_wait_for (not_training, learn, WAIT_MS));
  g_test_message ("anomaly status: %s", em_learn_page_get_status (EM_LEARN_PAGE (learn)));
  g_assert_cmpstr (em_learn_page_get_status (EM_LEARN_PAGE (learn)), ==, "Training finished");
  g_assert_cmpint (em_learn_page_get_model_time (EM_LEARN_PAGE (learn)), >, 0);
  /* The block's own report keys, as rows. */
  g_assert_nonnull (gui_find_label (learn, "Train score mean", TRUE));
  gui_save_pngs (window, "learn-page-anomaly", 300);
  gtk_window_destroy (GTK_WINDOW (window));

  testing = em_testing_page_new (project, registry);
  window = gui_show_in_window (testing, 1200, 820);
  g_assert_cmpstr (em_testing_page_get_block_id (EM_TESTING_PAGE (testing)), ==, "classification");
  em_testing_page_set_block_id (EM_TESTING_PAGE (testing), "anomaly");
  g_assert_cmpstr (em_testing_page_get_block_id (EM_TESTING_PAGE (testing)), ==, "anomaly");
  g_assert_nonnull (gui_find_label (testing, "Not Tested Yet", TRUE));
  g_assert_true (gtk_widget_activate_action (testing, "testing.classify-all", NULL));
  g_assert_true (gui_wait_for (not_testing, testing, WAIT_MS));
  g_assert_cmpstr (em_testing_page_get_status (EM_TESTING_PAGE (testing)), ==, "Testing finished");
  g_assert_nonnull (gui_find_label (testing, "Mean anomaly score", TRUE));
  g_assert_nonnull (gui_find_label (testing, "Scores by Label", TRUE));
  /* No accuracy for a detector. */
  g_assert_cmpstr (em_testing_page_get_accuracy_text (EM_TESTING_PAGE (testing), "float"), ==, "");
  gui_spin (200);
  gui_save_pngs (window, "testing-page-anomaly", 300);
  gtk_window_destroy (GTK_WINDOW (window));

  missing = em_learn_page_new (project, registry, "nope");
  window = gui_show_in_window (missing, 800, 600);
  g_assert_nonnull (gui_find_label (missing, "No Learning Block", TRUE));
  g_assert_null (em_learn_page_get_layer_list (EM_LEARN_PAGE (missing)));
  g_assert_cmpint (em_learn_page_get_model_time (EM_LEARN_PAGE (missing)), ==, 0);
  gui_save_png (window, "learn-page-missing.png");
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

  g_test_add_func ("/gui/learn/layer-list", test_layer_list);
  g_test_add_func ("/gui/learn/train-and-test", test_learn_and_test);
  g_test_add_func ("/gui/learn/anomaly-block", test_anomaly_block);
  status = g_test_run ();

  gui_remove_project (&project, &tmp_dir);
  return status;
}
