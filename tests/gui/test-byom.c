/* SPDX-License-Identifier: Apache-2.0 */
/* The "Bring your own model" page in the real window on a display (Xvfb):
 * a file that is no model shows the importer's one-line error; TFLM's
 * micro_speech model (../shared/models, skipped when absent) shows its
 * layer table, as many rows as the importer reads, with its operators; a
 * wrong label count is refused with the reason and stores nothing; the
 * right one adds learning block "byom" to the project (a passthrough
 * impulse, the model in the model store with its labels) and the window
 * gains the block's page. Every GLib/GTK warning and critical is fatal.
 * PNGs land in EMBER_GUI_OUTPUT_DIR. */
#include <string.h>

#include "gui-util.h"
#include "em-byom-page.h"
#include "em-model-store.h"
#include "em-nn-import.h"
#include "em-window.h"

#define WAIT_MS 60000

static gboolean have_display;
static char *tmp_dir;

static char *
models_dir (void)
{
  const char *env = g_getenv ("EMBER_MODELS_DIR");
  const char *root = g_getenv ("EMBER_SOURCE_ROOT");

  if (env != NULL)
    return g_strdup (env);
  return root != NULL ? g_build_filename (root, "..", "shared", "models", NULL) : NULL;
}

static gboolean
page_idle (gpointer page)
{
  return !em_byom_page_is_busy (page);
}

static GtkWidget *
find_named (GtkWidget *root, const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_named (c, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
imported_cb (EmByomPage *page, const char *block, char **out)
{
  g_free (*out);
  *out = g_strdup (block);
}

static void
test_byom_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = models_dir ();
  g_autofree char *model_path = NULL, *junk_path = NULL, *project_path = NULL, *data = NULL;
  g_autofree char *imported = NULL;
  g_autoptr(GFile) junk = NULL, model_file = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmNnImported) reference = NULL;
  g_autoptr(EmModel) model = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  EmWindow *window;
  EmByomPage *page;
  gsize len;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  model_path = dir != NULL ? g_build_filename (dir, "micro_speech_quantized.tflite", NULL) : NULL;
  if (model_path == NULL || !g_file_test (model_path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no ../shared/models/micro_speech_quantized.tflite");
      return;
    }
  g_assert_true (g_file_get_contents (model_path, &data, &len, &error));
  reference = em_nn_import_tflite ((const guint8 *) data, len, &error);
  g_assert_no_error (error);

  project_path = g_build_filename (tmp_dir, "speech.ember", NULL);
  project = em_project_create (project_path, "Speech", &error);
  g_assert_no_error (error);
  g_clear_object (&project);
  junk_path = g_build_filename (tmp_dir, "junk.tflite", NULL);
  g_assert_true (g_file_set_contents (junk_path, "not a model at all", -1, &error));

  window = gui_open_project_window (project_path, 1100, 800, 5000);
  g_assert_true (em_window_show_page (window, "byom"));
  page = EM_BYOM_PAGE (em_window_get_page (window, "byom"));
  g_assert_true (EM_IS_BYOM_PAGE (page));
  g_signal_connect (page, "imported", G_CALLBACK (imported_cb), &imported);
  g_assert_cmpuint (em_byom_page_get_n_layers (page), ==, 0);

  /* Garbage: the importer's error, one line, naming the file. */
  junk = g_file_new_for_path (junk_path);
  em_byom_page_open (page, junk);
  g_assert_true (gui_wait_for (page_idle, page, WAIT_MS));
  g_assert_nonnull (strstr (em_byom_page_get_status (page), "junk.tflite: not a TensorFlow Lite model"));
  g_assert_null (strchr (em_byom_page_get_status (page), '\n'));
  g_assert_cmpuint (em_byom_page_get_n_layers (page), ==, 0);

  /* The real model: its layer table. */
  model_file = g_file_new_for_path (model_path);
  em_byom_page_open (page, model_file);
  g_assert_true (gui_wait_for (page_idle, page, WAIT_MS));
  g_assert_cmpstr (em_byom_page_get_status (page), ==, "");
  g_assert_cmpuint (em_byom_page_get_n_layers (page), ==, reference->layers->len);
  for (guint i = 0; i < reference->layers->len; i++)
    g_assert_nonnull (gui_find_label (GTK_WIDGET (page), g_array_index (reference->layers, EmNnImportedLayer, i).op,
                                      FALSE));
  g_assert_nonnull (gui_find_label (GTK_WIDGET (page), "DEPTHWISE_CONV_2D", FALSE));
  gui_spin (300);
  gui_save_png (GTK_WIDGET (window), "byom-table.png");

  /* Two names for four outputs: refused, nothing stored. */
  gtk_editable_set_text (GTK_EDITABLE (find_named (GTK_WIDGET (page), "byom-labels")), "a,b");
  em_byom_page_add (page);
  g_assert_true (gui_wait_for (page_idle, page, WAIT_MS));
  g_assert_nonnull (strstr (em_byom_page_get_status (page), "2 labels for a model with 4 outputs"));
  g_assert_null (imported);
  project = em_project_open (project_path, &error);
  g_assert_no_error (error);
  g_assert_null (em_model_store_get (project, "byom", FALSE, NULL));
  g_clear_object (&project);

  gtk_editable_set_text (GTK_EDITABLE (find_named (GTK_WIDGET (page), "byom-labels")), "silence,unknown,yes,no");
  em_byom_page_add (page);
  g_assert_true (gui_wait_for (page_idle, page, WAIT_MS));
  g_assert_nonnull (strstr (em_byom_page_get_status (page),
                            "Imported micro_speech_quantized.tflite as learning block 'byom'"));
  g_assert_cmpstr (imported, ==, "byom");
  gui_spin (300);
  g_assert_nonnull (em_window_get_page (window, "block:byom"));
  gui_save_png (GTK_WIDGET (window), "byom-imported.png");

  project = em_project_open (project_path, &error);
  g_assert_no_error (error);
  model = em_model_store_get (project, "byom", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (model->plugin, ==, "classification");
  g_assert_cmpuint (g_strv_length (model->labels), ==, 4);
  g_assert_cmpstr (model->labels[2], ==, "yes");
  impulse = em_impulse_load (project, &error);
  g_assert_no_error (error);
  g_assert_nonnull (em_impulse_find_learn_block (impulse, "byom"));
  g_clear_object (&project);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A float32 TFLite model (written by tests/nn/import-tflite/
 * make_float_tflite.py, skipped without numpy): the page shows its table
 * and adds it as Ember's float network (MODL in the stored blob; no
 * training windows here, so no int8); one with CONCATENATION, which that
 * network cannot express, is shown but refused in one line naming it. */
static void
test_byom_float (void)
{
  g_autoptr(GError) error = NULL;
  const char *root = g_getenv ("EMBER_SOURCE_ROOT");
  g_autofree char *script = NULL, *dir = NULL, *cnn_path = NULL, *concat_path = NULL, *project_path = NULL;
  g_autofree char *data = NULL, *imported = NULL;
  g_autoptr(GFile) cnn = NULL, concat = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmNnImported) reference = NULL;
  g_autoptr(EmModel) model = NULL;
  EmWindow *window;
  EmByomPage *page;
  const guint8 *blob;
  gsize len, blob_len;
  int wait_status = 1;
  gboolean has_modl = FALSE, has_qint = FALSE;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  script = root != NULL ? g_build_filename (root, "tests", "nn", "import-tflite", "make_float_tflite.py", NULL) : NULL;
  dir = g_build_filename (tmp_dir, "float-models", NULL);
  if (script == NULL ||
      !g_spawn_sync (NULL, (char *[]) { (char *) "/usr/bin/python3", script, dir, NULL }, NULL, G_SPAWN_DEFAULT,
                     NULL, NULL, NULL, NULL, &wait_status, NULL) || !g_spawn_check_wait_status (wait_status, NULL))
    {
      g_test_skip ("make_float_tflite.py did not run (EMBER_SOURCE_ROOT, /usr/bin/python3 with numpy)");
      return;
    }
  cnn_path = g_build_filename (dir, "cnn.tflite", NULL);
  concat_path = g_build_filename (dir, "concat.tflite", NULL);
  g_assert_true (g_file_get_contents (cnn_path, &data, &len, &error));
  reference = em_nn_import_tflite ((const guint8 *) data, len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reference->model);

  project_path = g_build_filename (tmp_dir, "float.ember", NULL);
  project = em_project_create (project_path, "Float", &error);
  g_assert_no_error (error);
  g_clear_object (&project);
  window = gui_open_project_window (project_path, 1100, 800, 5000);
  g_assert_true (em_window_show_page (window, "byom"));
  page = EM_BYOM_PAGE (em_window_get_page (window, "byom"));
  g_signal_connect (page, "imported", G_CALLBACK (imported_cb), &imported);

  concat = g_file_new_for_path (concat_path);
  em_byom_page_open (page, concat);
  g_assert_true (gui_wait_for (page_idle, page, WAIT_MS));
  g_assert_cmpstr (em_byom_page_get_status (page), ==, "");
  g_assert_nonnull (gui_find_label (GTK_WIDGET (page), "CONCATENATION", FALSE));
  em_byom_page_add (page);
  g_assert_true (gui_wait_for (page_idle, page, WAIT_MS));
  g_assert_nonnull (strstr (em_byom_page_get_status (page), "concat.tflite: cannot import this float32 model"));
  g_assert_nonnull (strstr (em_byom_page_get_status (page), "CONCATENATION"));
  g_assert_null (strchr (em_byom_page_get_status (page), '\n'));
  g_assert_null (imported);

  cnn = g_file_new_for_path (cnn_path);
  em_byom_page_open (page, cnn);
  g_assert_true (gui_wait_for (page_idle, page, WAIT_MS));
  g_assert_cmpstr (em_byom_page_get_status (page), ==, "");
  g_assert_cmpuint (em_byom_page_get_n_layers (page), ==, reference->layers->len);
  g_assert_nonnull (gui_find_label (GTK_WIDGET (page), "DEPTHWISE_CONV_2D", FALSE));
  gtk_editable_set_text (GTK_EDITABLE (find_named (GTK_WIDGET (page), "byom-labels")), "a,b,c,d,e");
  em_byom_page_add (page);
  g_assert_true (gui_wait_for (page_idle, page, WAIT_MS));
  g_assert_nonnull (strstr (em_byom_page_get_status (page), "Imported cnn.tflite as learning block 'byom'"));
  g_assert_true (g_str_has_suffix (em_byom_page_get_status (page), "float"));
  g_assert_cmpstr (imported, ==, "byom");
  gui_spin (300);
  gui_save_png (GTK_WIDGET (window), "byom-float.png");

  project = em_project_open (project_path, &error);
  g_assert_no_error (error);
  model = em_model_store_get (project, "byom", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (model->labels), ==, 5);
  /* The EMLB blob's sections: a float network (MODL) and no int8 (QINT). */
  blob = g_bytes_get_data (model->blob, &blob_len);
  for (gsize i = 0; i + 4 <= blob_len; i++)
    {
      has_modl |= memcmp (blob + i, "MODL", 4) == 0;
      has_qint |= memcmp (blob + i, "QINT", 4) == 0;
    }
  g_assert_true (has_modl);
  g_assert_false (has_qint);
  g_clear_object (&project);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  int status;

  have_display = gui_init (&argc, &argv);
  tmp_dir = gui_make_tmp_dir ("ember-byom-gui-XXXXXX");
  g_test_add_func ("/gui/byom/page", test_byom_page);
  g_test_add_func ("/gui/byom/float", test_byom_float);
  status = g_test_run ();
  gui_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
