/* SPDX-License-Identifier: Apache-2.0 */
/* EmDataPage and EmSampleViewer on a real display (Xvfb in CI): the
 * keyword demo listed and filtered, relabel / move / delete on a selection
 * and their Undo (which must really restore the project), a WAV imported
 * through the drop handler as a job, 100k rows scrolled to the end, and
 * the viewer on an audio clip (played into a fakesink), a motion time
 * series and an image with bounding boxes. g_test_init() plus
 * g_log_set_always_fatal() make every GLib/GTK warning and critical fatal.
 * PNGs, light and dark, land in EMBER_GUI_OUTPUT_DIR. */
#include <string.h>
#include <math.h>

#include "gui-util.h"
#include "em-data-page.h"
#include "em-error.h"

#define WAIT_MS 60000

static gboolean have_display;
static char *tmp_dir;

/* ---- helpers -------------------------------------------------------------- */

static void
skip_without_display (void)
{
  if (!have_display)
    g_test_skip ("no display (run under xvfb-run)");
}

static EmProject *
make_demo (EmDemoKind kind, const char *name, double scale)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;
  EmProject *project = em_demo_create (path, kind, scale, 11, NULL, NULL, NULL, &error);

  if (project == NULL && g_error_matches (error, EM_ERROR, EM_ERROR_NOT_FOUND))
    {
      g_test_skip (error->message);
      return NULL;
    }
  g_assert_no_error (error);
  return project;
}

static gint64
count (EmProject *project, const char *label, int category)
{
  g_autoptr(GError) error = NULL;
  EmSampleFilter filter;
  gint64 n;

  em_sample_filter_init (&filter);
  filter.label = label;
  filter.category = category;
  n = em_project_count_samples (project, &filter, &error);
  g_assert_no_error (error);
  return n;
}

static EmSample *
row_sample (EmDataPage *page, guint position)
{
  GObject *item = g_list_model_get_item (G_LIST_MODEL (em_data_page_get_selection (page)), position);

  g_assert_true (EM_IS_SAMPLE (item));
  return EM_SAMPLE (item);
}

/* A snapshot of every sample: id -> "label|category|enabled|hash". */
static GHashTable *
snapshot (EmProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = em_project_list_samples (project, NULL, &error);
  GHashTable *table = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      EmSample *s = g_ptr_array_index (all, i);
      gint64 *id = g_new (gint64, 1);

      *id = em_sample_get_id (s);
      g_hash_table_insert (table, id,
                           g_strdup_printf ("%s|%s|%d|%d|%s|%" G_GINT64_FORMAT,
                                            em_sample_get_name (s), em_sample_get_label (s),
                                            em_sample_get_category (s), em_sample_get_enabled (s),
                                            em_sample_get_hash (s), em_sample_get_created (s)));
    }
  return table;
}

static void
assert_same (GHashTable *a, GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpuint (g_hash_table_size (a), ==, g_hash_table_size (b));
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpstr (g_hash_table_lookup (b, key), ==, value);
}

static gboolean
rows_are (gpointer data)
{
  gpointer *pair = data;

  return em_data_page_get_n_rows (pair[0]) == GPOINTER_TO_UINT (pair[1]);
}

static void
wait_rows (EmDataPage *page, guint n)
{
  gpointer pair[2] = { page, GUINT_TO_POINTER (n) };

  gui_wait_for (rows_are, pair, 5000);
  g_assert_cmpuint (em_data_page_get_n_rows (page), ==, n);
}

/* ---- list, filters, edits with undo --------------------------------------- */

static GtkWidget *
find_button (GtkWidget *root, const char *label)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_list_and_edits (void)
{
  g_autoptr(EmProject) project = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *expected = NULL;
  GtkSelectionModel *selection;
  GtkWidget *window, *page;
  EmSampleViewer *viewer;
  gint64 total, n_yes, ids[3];
  g_autoptr(GError) error = NULL;

  skip_without_display ();
  if (!have_display)
    return;
  project = make_demo (EM_DEMO_KEYWORDS, "keywords.ember", 0.1);
  if (project == NULL)
    return;
  total = count (project, NULL, -1);
  n_yes = count (project, "yes", -1);
  g_assert_cmpint (total, >, 8);
  g_assert_cmpint (n_yes, >, 1);

  page = em_data_page_new (project);
  window = gui_show_in_window (page, 1280, 800);
  gui_spin (100);
  g_assert_cmpuint (em_data_page_get_n_rows (EM_DATA_PAGE (page)), ==, total);
  expected = g_strdup_printf ("%" G_GINT64_FORMAT " samples", total);
  g_assert_true (g_str_has_prefix (em_data_page_get_summary (EM_DATA_PAGE (page)), expected));
  g_assert_nonnull (strstr (em_data_page_get_split_text (EM_DATA_PAGE (page)), "%"));
  {
    g_autofree char *yes = g_strdup_printf ("yes %" G_GINT64_FORMAT, n_yes);
    g_assert_true (g_str_has_suffix (em_data_page_get_label_summary (EM_DATA_PAGE (page)), yes));
  }

  /* Filters go through the model: label, then category, then text. */
  em_data_page_set_filter (EM_DATA_PAGE (page), "yes", -1, NULL);
  wait_rows (EM_DATA_PAGE (page), n_yes);
  em_data_page_set_filter (EM_DATA_PAGE (page), "yes", EM_CATEGORY_TESTING, NULL);
  wait_rows (EM_DATA_PAGE (page), count (project, "yes", EM_CATEGORY_TESTING));
  em_data_page_set_filter (EM_DATA_PAGE (page), NULL, -1, "no");
  g_assert_cmpuint (em_data_page_get_n_rows (EM_DATA_PAGE (page)), >=, count (project, "no", -1));
  em_data_page_set_filter (EM_DATA_PAGE (page), NULL, -1, "zzz-nothing");
  wait_rows (EM_DATA_PAGE (page), 0);
  em_data_page_set_filter (EM_DATA_PAGE (page), NULL, -1, NULL);
  wait_rows (EM_DATA_PAGE (page), total);

  /* Selecting a row shows it in the viewer: an audio clip, played into a
   * fakesink until the end of the stream. */
  selection = em_data_page_get_selection (EM_DATA_PAGE (page));
  viewer = em_data_page_get_viewer (EM_DATA_PAGE (page));
  gtk_selection_model_select_item (selection, 0, TRUE);
  {
    g_autoptr(EmSample) first = row_sample (EM_DATA_PAGE (page), 0);
    EmSeriesModel *series;

    g_assert_cmpint (em_sample_viewer_get_sample_id (viewer), ==, em_sample_get_id (first));
    g_assert_cmpstr (em_sample_viewer_get_mode (viewer), ==, "audio");
    series = em_line_plot_get_model (em_sample_viewer_get_plot (viewer));
    g_assert_nonnull (series);
    g_assert_cmpuint (em_series_model_get_n_series (series), ==, 1);
    g_assert_cmpuint (em_series_model_get_n_points (series, 0), ==, em_sample_get_n_frames (first));
  }
  g_assert_true (em_sample_viewer_play (viewer, &error));
  g_assert_no_error (error);
  g_assert_true (em_sample_viewer_get_playing (viewer));
  while (em_sample_viewer_get_playing (viewer))
    g_main_context_iteration (NULL, TRUE);
  gui_save_pngs (window, "data-page-audio", 300);

  /* Relabel three rows; Undo puts every label back. */
  before = snapshot (project);
  gtk_selection_model_select_range (selection, 0, 3, TRUE);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(EmSample) s = row_sample (EM_DATA_PAGE (page), i);
      ids[i] = em_sample_get_id (s);
    }
  g_assert_true (em_data_page_relabel_selected (EM_DATA_PAGE (page), "maybe"));
  g_assert_cmpint (count (project, "maybe", -1), ==, 3);
  g_assert_true (em_data_page_can_undo (EM_DATA_PAGE (page)));
  /* the same rows stay selected for a next action */
  {
    g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (selection);
    g_assert_cmpuint (gtk_bitset_get_size (set), ==, 3);
    g_assert_true (gtk_bitset_contains (set, 0) && gtk_bitset_contains (set, 2));
  }
  gui_spin (200);
  gui_save_pngs (window, "data-page-relabelled", 300);
  g_assert_true (em_data_page_undo (EM_DATA_PAGE (page)));
  g_assert_false (em_data_page_can_undo (EM_DATA_PAGE (page)));
  g_assert_cmpint (count (project, "maybe", -1), ==, 0);
  after = snapshot (project);
  assert_same (before, after);
  g_clear_pointer (&after, g_hash_table_unref);

  /* Move to testing, through the action the button uses; Undo restores
   * each sample's own category (some were training, some testing). */
  gtk_selection_model_select_range (selection, 0, 6, TRUE);
  g_assert_true (gtk_widget_activate_action (page, "data.move-to-testing", NULL));
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(EmSample) s = em_project_get_sample (project, ids[i], FALSE, &error);
      g_assert_no_error (error);
      g_assert_cmpint (em_sample_get_category (s), ==, EM_CATEGORY_TESTING);
    }
  g_assert_true (gtk_widget_activate_action (page, "data.undo", NULL));
  after = snapshot (project);
  assert_same (before, after);
  g_clear_pointer (&after, g_hash_table_unref);

  /* Delete three; they are gone from the project and the list, and Undo
   * brings them back with the same ids, names, labels, hashes and times. */
  gtk_selection_model_select_range (selection, 0, 3, TRUE);
  g_assert_true (em_data_page_delete_selected (EM_DATA_PAGE (page)));
  g_assert_cmpint (count (project, NULL, -1), ==, total - 3);
  wait_rows (EM_DATA_PAGE (page), total - 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(EmSample) gone = em_project_get_sample (project, ids[i], FALSE, &error);
      g_assert_null (gone);
      g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
      g_clear_error (&error);
    }
  /* Undo through the toast's own button, the way a user does it. */
  {
    GtkWidget *undo_button = find_button (page, "_Undo");

    g_assert_nonnull (undo_button);
    g_signal_emit_by_name (undo_button, "clicked");
    gui_spin (300);
  }
  g_assert_false (em_data_page_can_undo (EM_DATA_PAGE (page)));
  wait_rows (EM_DATA_PAGE (page), total);
  after = snapshot (project);
  assert_same (before, after);
  for (guint i = 0; i < 3; i++)
    {
      /* with data: the hash check inside get_sample proves the bytes too */
      g_autoptr(EmSample) back = em_project_get_sample (project, ids[i], TRUE, &error);
      g_assert_no_error (error);
      g_assert_nonnull (em_sample_get_data (back));
    }
  g_assert_true (em_project_check (project, &error));
  g_assert_no_error (error);

  /* Nothing to undo now: the action is off. */
  g_assert_false (em_data_page_undo (EM_DATA_PAGE (page)));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- drop import ---------------------------------------------------------- */

static void
write_wav (const char *path, guint rate, guint n)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  guint32 u32;
  guint16 u16;

#define PUT32(v) (u32 = GUINT32_TO_LE (v), g_byte_array_append (b, (guint8 *) &u32, 4))
#define PUT16(v) (u16 = GUINT16_TO_LE (v), g_byte_array_append (b, (guint8 *) &u16, 2))
  g_byte_array_append (b, (const guint8 *) "RIFF", 4);
  PUT32 (36 + n * 2);
  g_byte_array_append (b, (const guint8 *) "WAVEfmt ", 8);
  PUT32 (16);
  PUT16 (1);          /* PCM */
  PUT16 (1);          /* mono */
  PUT32 (rate);
  PUT32 (rate * 2);
  PUT16 (2);
  PUT16 (16);
  g_byte_array_append (b, (const guint8 *) "data", 4);
  PUT32 (n * 2);
  for (guint i = 0; i < n; i++)
    PUT16 ((guint16) (gint16) (8000 * sin (2 * G_PI * 440 * i / rate)));
#undef PUT32
#undef PUT16
  g_file_set_contents (path, (const char *) b->data, b->len, &error);
  g_assert_no_error (error);
}

static void
on_job_started (EmDataPage *page, EmJob *job, gpointer data)
{
  *(EmJob **) data = job;
}

static void
test_drop_import (void)
{
  g_autoptr(EmProject) project = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wav = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(EmJob) job = NULL;
  GValue value = G_VALUE_INIT;
  EmJob *announced = NULL;
  GtkWidget *window, *page;
  GSList *files;

  skip_without_display ();
  if (!have_display)
    return;
  path = g_build_filename (tmp_dir, "drop.ember", NULL);
  project = em_project_create (path, "drop", &error);
  g_assert_no_error (error);

  page = em_data_page_new (project);
  g_signal_connect (page, "job-started", G_CALLBACK (on_job_started), &announced);
  window = gui_show_in_window (page, 1000, 700);
  gui_spin (100);
  g_assert_cmpuint (em_data_page_get_n_rows (EM_DATA_PAGE (page)), ==, 0);
  gui_save_pngs (window, "data-page-empty", 300);

  /* "beep.01.wav": the label comes from the name, as in the CLI. */
  wav = g_build_filename (tmp_dir, "beep.01.wav", NULL);
  write_wav (wav, 16000, 16000);
  file = g_file_new_for_path (wav);
  files = g_slist_prepend (NULL, file);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
  g_slist_free (files);

  job = g_object_ref (em_data_page_import_drop (EM_DATA_PAGE (page), &value));
  g_value_unset (&value);
  g_assert_true (announced == job);
  g_assert_true (gui_wait_for (gui_job_done, job, WAIT_MS));
  g_assert_cmpint (em_job_get_state (job), ==, EM_JOB_STATE_SUCCEEDED);
  g_assert_cmpint (count (project, "beep", -1), ==, 1);
  wait_rows (EM_DATA_PAGE (page), 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- viewer: time series and image with boxes ----------------------------- */

static void
collect_entry_rows (GtkWidget *root, GPtrArray *rows)
{
  if (ADW_IS_ENTRY_ROW (root))
    g_ptr_array_add (rows, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_entry_rows (child, rows);
}

static AdwEntryRow *
entry_row (GtkWidget *root, const char *title)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_entry_rows (root, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), title) == 0)
      return g_ptr_array_index (rows, i);
  g_assert_not_reached ();
}

/* Edits typed into the viewer's rows reach the project. */
static void
edit_details (EmProject *project, EmSampleViewer *viewer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) after = NULL;
  gint64 id = em_sample_viewer_get_sample_id (viewer);
  AdwEntryRow *row;

  row = entry_row (GTK_WIDGET (viewer), "Name");
  gtk_editable_set_text (GTK_EDITABLE (row), "renamed.sample");
  g_signal_emit_by_name (row, "apply");
  row = entry_row (GTK_WIDGET (viewer), "Add (key=value)");
  gtk_editable_set_text (GTK_EDITABLE (row), "site=lab 2");
  g_signal_emit_by_name (row, "apply");
  gui_spin (50);
  after = em_project_get_sample (project, id, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (em_sample_get_name (after), ==, "renamed.sample");
  g_assert_cmpstr (em_sample_get_metadata (after, "site"), ==, "lab 2");
  /* the new key has its own row now; clearing it removes the key */
  row = entry_row (GTK_WIDGET (viewer), "site");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "lab 2");
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  g_signal_emit_by_name (row, "apply");
  g_clear_object (&after);
  after = em_project_get_sample (project, id, FALSE, &error);
  g_assert_no_error (error);
  g_assert_null (em_sample_get_metadata (after, "site"));
}

static void
test_viewer_series (void)
{
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmSample) first = NULL;
  GtkWidget *window, *page;
  EmSampleViewer *viewer;
  EmSeriesModel *series;
  EmLinePlot *plot;
  double x0, x1, y0, y1, zx0, zx1;

  skip_without_display ();
  if (!have_display)
    return;
  project = make_demo (EM_DEMO_MOTION, "motion.ember", 0.2);
  if (project == NULL)
    return;
  page = em_data_page_new (project);
  window = gui_show_in_window (page, 1280, 800);
  gui_spin (100);
  viewer = em_data_page_get_viewer (EM_DATA_PAGE (page));
  gtk_selection_model_select_item (em_data_page_get_selection (EM_DATA_PAGE (page)), 0, TRUE);
  first = row_sample (EM_DATA_PAGE (page), 0);
  g_assert_cmpstr (em_sample_viewer_get_mode (viewer), ==, "series");
  plot = em_sample_viewer_get_plot (viewer);
  series = em_line_plot_get_model (plot);
  /* every axis, over time in ms */
  g_assert_cmpuint (em_series_model_get_n_series (series), ==, em_sample_get_n_axes (first));
  g_assert_cmpuint (em_sample_get_n_axes (first), ==, 3);
  gui_spin (200);
  g_assert_true (em_line_plot_get_view (plot, &x0, &x1, &y0, &y1));
  g_assert_cmpfloat (x1, >=, em_sample_get_length_ms (first) - 2 * em_sample_get_interval_ms (first));
  /* zoom in and back, as the wheel and the reset button do */
  em_line_plot_zoom_at (plot, gtk_widget_get_width (GTK_WIDGET (plot)) / 2.0,
                        gtk_widget_get_height (GTK_WIDGET (plot)) / 2.0, 2, 1);
  g_assert_true (em_line_plot_get_zoomed (plot));
  em_line_plot_get_view (plot, &zx0, &zx1, &y0, &y1);
  g_assert_cmpfloat (zx1 - zx0, <, (x1 - x0) * 0.75);
  gui_save_pngs (window, "data-page-series-zoomed", 300);
  em_line_plot_reset_zoom (plot);
  g_assert_false (em_line_plot_get_zoomed (plot));
  gui_save_pngs (window, "data-page-series", 300);
  edit_details (project, viewer);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_viewer_image (void)
{
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmSample) first = NULL;
  g_autoptr(EmSample) boxes = em_sample_new ();
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *page;
  EmSampleViewer *viewer;

  skip_without_display ();
  if (!have_display)
    return;
  project = make_demo (EM_DEMO_IMAGES, "images.ember", 0.1);
  if (project == NULL)
    return;
  page = em_data_page_new (project);
  window = gui_show_in_window (page, 1280, 800);
  gui_spin (100);
  viewer = em_data_page_get_viewer (EM_DATA_PAGE (page));

  /* The demo has no boxes; give the first image two, as a detection
   * project would have. */
  first = row_sample (EM_DATA_PAGE (page), 0);
  em_sample_add_box (boxes, "collar", 4, 2, 20, 8);
  em_sample_add_box (boxes, "sleeve", 1, 10, 8, 16);
  g_assert_true (em_project_set_boxes (project, em_sample_get_id (first), boxes, &error));
  g_assert_no_error (error);
  gui_spin (100);

  gtk_selection_model_select_item (em_data_page_get_selection (EM_DATA_PAGE (page)), 0, TRUE);
  g_assert_cmpint (em_sample_viewer_get_sample_id (viewer), ==, em_sample_get_id (first));
  g_assert_cmpstr (em_sample_viewer_get_mode (viewer), ==, "image");
  g_assert_cmpuint (em_sample_get_n_boxes (em_sample_viewer_get_sample (viewer)), ==, 2);
  gui_save_pngs (window, "data-page-image", 300);
  /* The image view drew both boxes in its last frame. */
  g_assert_cmpuint (em_sample_viewer_get_n_boxes_drawn (viewer), ==, 2);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- 100k rows ------------------------------------------------------------ */

static gboolean
last_row_shown (gpointer window)
{
  return gui_find_label (window, "s99999", TRUE) != NULL;
}

static void
test_hundred_thousand (void)
{
  g_autoptr(EmProject) project = NULL;
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  GtkAdjustment *adj;
  GtkWidget *window, *page, *scrolled;

  skip_without_display ();
  if (!have_display)
    return;
  path = g_build_filename (tmp_dir, "big.ember", NULL);
  project = em_project_create (path, "big", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 100000; i++)
    {
      EmSample *s = em_sample_new ();
      g_autofree char *name = g_strdup_printf ("s%05u", i);
      float v[2] = { (float) i, (float) (i % 7) };

      em_sample_set_name (s, name);
      em_sample_set_label (s, i % 2 ? "odd" : "even");
      em_sample_add_axis (s, "x", "");
      em_sample_set_interval_ms (s, 10);
      em_sample_set_values (s, v, 2);
      g_ptr_array_add (samples, s);
    }
  g_assert_true (em_project_add_samples (project, samples, EM_ADD_FLAGS_ALLOW_DUPLICATE, &error));
  g_assert_no_error (error);

  page = em_data_page_new (project);
  window = gui_show_in_window (page, 1280, 800);
  gui_spin (100);
  g_assert_cmpuint (em_data_page_get_n_rows (EM_DATA_PAGE (page)), ==, 100000);
  /* Jump to the end: only the visible page is read, and the last row
   * turns up. */
  scrolled = gtk_widget_get_ancestor (gui_find_widget (page, GTK_TYPE_COLUMN_VIEW),
                                      GTK_TYPE_SCROLLED_WINDOW);
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  for (guint i = 0; i < 20 && !last_row_shown (window); i++)
    {
      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
      gui_spin (50);
    }
  g_assert_true (gui_wait_for (last_row_shown, window, 5000));
  em_data_page_set_filter (EM_DATA_PAGE (page), "odd", -1, NULL);
  wait_rows (EM_DATA_PAGE (page), 50000);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  int status;

  /* No sound card in CI: play into a sink that just takes the buffers. */
  g_setenv ("EMBER_AUDIO_SINK", "fakesink sync=false", TRUE);
  have_display = gui_init (&argc, &argv);
  tmp_dir = gui_make_tmp_dir ("ember-data-page-XXXXXX");

  g_test_add_func ("/gui/data-page/list-and-edits", test_list_and_edits);
  g_test_add_func ("/gui/data-page/drop-import", test_drop_import);
  g_test_add_func ("/gui/data-page/viewer-series", test_viewer_series);
  g_test_add_func ("/gui/data-page/viewer-image", test_viewer_image);
  g_test_add_func ("/gui/data-page/hundred-thousand", test_hundred_thousand);
  status = g_test_run ();

  gui_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
