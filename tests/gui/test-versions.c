/* SPDX-License-Identifier: Apache-2.0 */
/* The Versions page in the real window on a display (Xvfb): a project is
 * opened, a version created through the page (description typed into its
 * entry, "versions.create" as the button does) runs as a job and shows as
 * a row "v1 — description" with its counts; "Restore as New Project"
 * (what the file chooser's answer calls) makes a new project that opens
 * in a new window, and a second restore onto the same file is refused
 * with the core's message; Delete asks first and removes the row. Every
 * GLib/GTK warning and critical is fatal. PNGs, light and dark, land in
 * EMBER_GUI_OUTPUT_DIR. */
#include <string.h>

#include "gui-util.h"
#include "em-project-versions.h"
#include "em-versions-page.h"
#include "em-window.h"

#define WAIT_MS 30000

static gboolean have_display;
static char *tmp_dir;
static char *project_path;

static void
make_project (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;

  tmp_dir = gui_make_tmp_dir ("ember-versions-gui-XXXXXX");
  project_path = g_build_filename (tmp_dir, "birds.ember", NULL);
  project = em_project_create (project_path, "Birds", &error);
  g_assert_no_error (error);
  for (int i = 0; i < 10; i++)
    {
      g_autoptr(EmSample) s = em_sample_new ();
      float values[64];
      g_autofree char *name = g_strdup_printf ("s%d", i);

      for (guint k = 0; k < G_N_ELEMENTS (values); k++)
        values[k] = i * 100.0f + k;
      em_sample_set_name (s, name);
      em_sample_set_label (s, i % 2 ? "crow" : "robin");
      em_sample_set_category (s, i < 8 ? EM_CATEGORY_TRAINING : EM_CATEGORY_TESTING);
      em_sample_set_kind (s, EM_SENSOR_TIME_SERIES);
      em_sample_set_interval_ms (s, 10.0);
      em_sample_add_axis (s, "x", "g");
      em_sample_set_values (s, values, G_N_ELEMENTS (values));
      g_assert_cmpint (em_project_add_sample (project, s, 0, &error), >, 0);
      g_assert_no_error (error);
    }
}

static gboolean
not_running (gpointer page)
{
  return !em_versions_page_get_running (page);
}

/* An EmWindow showing @data (a path), other than the first one. */
static EmWindow *
window_showing (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GListModel *toplevels = gtk_window_get_toplevels (); /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (EM_IS_WINDOW (w) && em_window_shows_file (EM_WINDOW (w), file))
        return EM_WINDOW (w);
    }
  return NULL;
}

static gboolean
window_shows (gpointer path)
{
  return window_showing (path) != NULL;
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_message_dialog () != NULL;
}

static void
on_restored (EmVersionsPage *page, const char *path, char **out)
{
  g_free (*out);
  *out = g_strdup (path);
}

static void
test_versions_page (void)
{
  g_autoptr(GFile) target = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *target_path = NULL, *restored = NULL;
  EmWindow *window, *other;
  EmVersionsPage *page;
  GtkWidget *entry;
  AdwMessageDialog *dialog;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  window = gui_open_project_window (project_path, 1100, 700, 5000);
  g_assert_true (em_window_show_page (window, "versions"));
  page = EM_VERSIONS_PAGE (em_window_get_page (window, "versions"));
  g_assert_true (EM_IS_VERSIONS_PAGE (page));
  g_assert_cmpuint (em_versions_page_get_n_rows (page), ==, 0);
  gui_save_pngs (GTK_WIDGET (window), "versions-empty", 300);

  /* Create, as the button does, with a description typed in. */
  entry = gui_find_widget (GTK_WIDGET (page), GTK_TYPE_ENTRY);
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "first recordings");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "versions.create", NULL));
  g_assert_true (em_versions_page_get_running (page));
  g_assert_true (gui_wait_for (not_running, page, WAIT_MS));
  g_assert_cmpstr (em_versions_page_get_status (page), ==, "Version 1 created.");
  g_assert_cmpuint (em_versions_page_get_n_rows (page), ==, 1);
  g_assert_cmpstr (em_versions_page_get_row_title (page, 0), ==, "v1 — first recordings");
  g_assert_nonnull (strstr (em_versions_page_get_row_subtitle (page, 0), "8 training, 2 testing · 2 labels"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  list = em_project_versions_list (project_path, NULL);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* A second one, without a description: newest first. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "versions.create", NULL));
  g_assert_true (gui_wait_for (not_running, page, WAIT_MS));
  g_assert_cmpuint (em_versions_page_get_n_rows (page), ==, 2);
  g_assert_cmpstr (em_versions_page_get_row_title (page, 0), ==, "v2");
  g_assert_cmpstr (em_versions_page_get_row_title (page, 1), ==, "v1 — first recordings");
  gui_save_pngs (GTK_WIDGET (window), "versions", 300);

  /* Restore v1 into a new file: it opens in a new window. */
  target_path = g_build_filename (tmp_dir, "restored.ember", NULL);
  target = g_file_new_for_path (target_path);
  g_signal_connect (page, "restored", G_CALLBACK (on_restored), &restored);
  em_versions_page_restore_to (page, 1, target);
  g_assert_true (gui_wait_for (not_running, page, WAIT_MS));
  g_assert_cmpstr (restored, ==, target_path);
  g_assert_true (gui_wait_for (window_shows, target_path, 5000));
  other = window_showing (target_path);
  g_assert_true (other != window);
  g_assert_cmpstr (em_project_get_name (em_window_get_project (other)), ==, "Birds (v1)");
  gtk_window_destroy (GTK_WINDOW (other));

  /* Onto an existing file: refused, the file kept. */
  em_versions_page_restore_to (page, 2, target);
  g_assert_true (gui_wait_for (not_running, page, WAIT_MS));
  g_assert_nonnull (strstr (em_versions_page_get_status (page), "already exists"));
  g_assert_true (g_file_test (target_path, G_FILE_TEST_EXISTS));
  g_clear_pointer (&list, g_ptr_array_unref);
  list = em_project_versions_list (project_path, NULL);
  g_assert_cmpuint (list->len, ==, 2);

  /* Delete v2: asks first; "Cancel" keeps it, "Delete" removes it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "versions.delete", "u", 2));
  g_assert_true (gui_wait_for (dialog_shown, NULL, 5000));
  dialog = find_message_dialog ();
  adw_message_dialog_response (dialog, "cancel");
  gui_spin (100);
  g_assert_cmpuint (em_versions_page_get_n_rows (page), ==, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "versions.delete", "u", 2));
  g_assert_true (gui_wait_for (dialog_shown, NULL, 5000));
  dialog = find_message_dialog ();
  adw_message_dialog_response (dialog, "delete");
  gui_spin (100);
  g_assert_cmpuint (em_versions_page_get_n_rows (page), ==, 1);
  g_assert_cmpstr (em_versions_page_get_row_title (page, 0), ==, "v1 — first recordings");
  g_assert_cmpstr (em_versions_page_get_status (page), ==, "Version 2 deleted.");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  int status;

  have_display = gui_init (&argc, &argv);
  if (have_display)
    make_project ();
  g_test_add_func ("/gui/versions/page", test_versions_page);
  status = g_test_run ();

  if (tmp_dir != NULL)
    gui_remove_tree (tmp_dir);
  g_free (tmp_dir);
  g_free (project_path);
  return status;
}
