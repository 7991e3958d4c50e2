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
#include <glib/gstdio.h>
#include <adwaita.h>

#include "gui-util.h"
#include "em-byom-page.h"
#include "em-impulse.h"
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

static gboolean
has_label_text (GtkWidget *root, const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (has_label_text (c, text))
      return TRUE;
  return FALSE;
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
  g_autoptr(GFile) project_file = NULL, junk = NULL, model_file = NULL;
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

  project_file = g_file_new_for_path (project_path);
  window = em_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 800);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (em_window_open_file (window, project_file));
  g_assert_true (gui_wait_for (gui_window_drawn, window, 5000));
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
    g_assert_true (has_label_text (GTK_WIDGET (page), g_array_index (reference->layers, EmNnImportedLayer, i).op));
  g_assert_true (has_label_text (GTK_WIDGET (page), "DEPTHWISE_CONV_2D"));
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

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_FATAL_MASK);

  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();
  tmp_dir = g_dir_make_tmp ("ember-byom-gui-XXXXXX", &error);
  g_assert_no_error (error);
  g_test_add_func ("/gui/byom/page", test_byom_page);
  status = g_test_run ();
  remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
