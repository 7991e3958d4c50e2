/* SPDX-License-Identifier: Apache-2.0 */
/* The real EmWindow and EmApplication on a real display (Xvfb in CI): a
 * project made with the core API is opened, its rows, summary and search are
 * checked, and bad files must end in an error dialog, never a crash.
 * g_test_init() makes every GLib/GTK warning and critical fatal. PNGs of the
 * windows land in EMBER_GUI_OUTPUT_DIR (the build's tests/gui/) to look at. */
#include <sqlite3.h>

#include "gui-util.h"
#include "em-application.h"
#include "em-window.h"
#include "em-data-page.h"
#include "em-sample-list-model.h"

#define WAIT_MS 5000

static gboolean have_display;

/* ---- helpers -------------------------------------------------------------- */

static guint
n_rows (GtkWidget *window)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (gui_find_widget (window, GTK_TYPE_COLUMN_VIEW));
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (view));

  return model != NULL ? g_list_model_get_n_items (model) : 0;
}

static AdwMessageDialog *
find_message_dialog (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* GTK's own list: not ours to unref */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_window_get_transient_for (w) == parent &&
          gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static GtkWidget *
find_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (GTK_IS_FILE_CHOOSER_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return GTK_WIDGET (w);
    }
  return NULL;
}

static gboolean
chooser_shown (gpointer data)
{
  return find_chooser () != NULL;
}

/* ---- fixtures --------------------------------------------------------------- */

typedef struct {
  const char  *name;
  const char  *label;
  EmCategory   category;
  EmSensorKind kind;
  gboolean     enabled;
} SampleSpec;

/* 6 samples: yes 3 (2 training), no 2 (1 training, one disabled), cat 1 image. */
static const SampleSpec samples[] = {
  { "yes.1", "yes", EM_CATEGORY_TRAINING, EM_SENSOR_TIME_SERIES, TRUE },
  { "yes.2", "yes", EM_CATEGORY_TRAINING, EM_SENSOR_AUDIO, TRUE },
  { "yes.3", "yes", EM_CATEGORY_TESTING, EM_SENSOR_TIME_SERIES, TRUE },
  { "no.1", "no", EM_CATEGORY_TRAINING, EM_SENSOR_TIME_SERIES, TRUE },
  { "no.2", "no", EM_CATEGORY_TESTING, EM_SENSOR_AUDIO, FALSE },
  { "cat.1", "cat", EM_CATEGORY_TRAINING, EM_SENSOR_IMAGE, TRUE },
};

static GBytes *
make_png (guint width, guint height)
{
  g_autofree guchar *pixels = g_malloc (width * height * 4);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  for (guint i = 0; i < width * height; i++)
    {
      pixels[i * 4 + 0] = (guchar) (i * 7);
      pixels[i * 4 + 1] = (guchar) (i * 3);
      pixels[i * 4 + 2] = 0x40;
      pixels[i * 4 + 3] = 0xff;
    }
  bytes = g_bytes_new (pixels, width * height * 4);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, width * 4);
  return gdk_texture_save_to_png_bytes (texture);
}

static EmSample *
make_sample (const SampleSpec *spec, guint index)
{
  EmSample *sample = em_sample_new ();

  em_sample_set_name (sample, spec->name);
  em_sample_set_label (sample, spec->label);
  em_sample_set_category (sample, spec->category);
  em_sample_set_kind (sample, spec->kind);
  em_sample_set_enabled (sample, spec->enabled);
  if (spec->kind == EM_SENSOR_IMAGE)
    {
      g_autoptr(GBytes) png = make_png (32, 24);

      em_sample_set_encoding (sample, EM_ENCODING_PNG);
      em_sample_set_image_size (sample, 32, 24);
      em_sample_set_data (sample, png);
    }
  else
    {
      /* 1 s of data either way: 100 frames × 3 axes at 100 Hz, or 16 kHz audio. */
      gboolean audio = spec->kind == EM_SENSOR_AUDIO;
      guint n_axes = audio ? 1 : 3;
      guint64 n_frames = audio ? 16000 : 100;
      g_autofree float *values = g_new (float, n_frames * n_axes);

      if (audio)
        em_sample_add_axis (sample, "audio", "wav");
      else
        {
          em_sample_add_axis (sample, "accX", "m/s2");
          em_sample_add_axis (sample, "accY", "m/s2");
          em_sample_add_axis (sample, "accZ", "m/s2");
        }
      /* Different per sample: the project refuses duplicate content. */
      for (guint64 i = 0; i < n_frames * n_axes; i++)
        values[i] = (float) ((i % 97) * 0.01 + index);
      em_sample_set_interval_ms (sample, audio ? 0.0625 : 10.0);
      em_sample_set_values (sample, values, n_frames);
    }
  return sample;
}

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;

  fx->dir = gui_make_tmp_dir ("ember-gui-XXXXXX");
  fx->path = g_build_filename (fx->dir, "kws.ember", NULL);
  project = em_project_create (fx->path, "Keyword Spotting", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autoptr(EmSample) sample = make_sample (&samples[i], i);
      gint64 id = em_project_add_sample (project, sample, EM_ADD_FLAGS_NONE, &error);
      g_assert_no_error (error);
      g_assert_cmpint (id, >, 0);
    }
}

static void
fixture_tear_down (Fixture *fx, gconstpointer data)
{
  gui_remove_tree (fx->dir);
  g_free (fx->path);
  g_free (fx->dir);
}

/* ---- tests ------------------------------------------------------------------ */

typedef struct {
  GtkWidget *window;
  guint      expected;
} RowsWanted;

static gboolean
rows_shown (gpointer data)
{
  RowsWanted *w = data;

  return n_rows (w->window) == w->expected;
}

static gboolean
all_names_shown (gpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    if (gui_find_label (data, samples[i].name, TRUE) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
only_yes_shown (gpointer data)
{
  return gui_find_label (data, "yes.3", TRUE) != NULL && gui_find_label (data, "no.1", TRUE) == NULL &&
         gui_find_label (data, "cat.1", TRUE) == NULL;
}

static void
test_window_project (Fixture *fx, gconstpointer data)
{
  g_autoptr(GFile) file = NULL;
  EmWindow *window;
  EmDataPage *page;
  GtkWidget *entry;
  GtkStack *stack;
  RowsWanted wanted;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = em_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 560);
  gtk_window_present (GTK_WINDOW (window));
  file = g_file_new_for_path (fx->path);
  g_assert_true (em_window_open_file (window, file));
  g_assert_nonnull (em_window_get_project (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Keyword Spotting");
  g_assert_true (em_window_shows_file (window, file));

  g_assert_true (gui_wait_for (gui_window_drawn, window, WAIT_MS));
  wanted = (RowsWanted) { GTK_WIDGET (window), G_N_ELEMENTS (samples) };
  g_assert_true (gui_wait_for (rows_shown, &wanted, WAIT_MS));
  g_assert_true (gui_wait_for (all_names_shown, window, WAIT_MS));

  /* The cells carry the formatted values, not just the names. */
  g_assert_nonnull (gui_find_label (GTK_WIDGET (window), "1000 ms", TRUE));
  g_assert_nonnull (gui_find_label (GTK_WIDGET (window), "32 × 24", TRUE));
  g_assert_nonnull (gui_find_label (GTK_WIDGET (window), "Testing", TRUE));

  page = em_window_get_data_page (window);
  g_assert_cmpstr (em_data_page_get_summary (page), ==, "6 samples · 4 training · 2 testing");
  g_assert_cmpstr (em_data_page_get_label_summary (page), ==, "cat 1 · no 2 · yes 3");

  gui_spin (200);
  gui_save_png (GTK_WIDGET (window), "window-project.png");

  /* Search filters by name or label; the entry debounces, so wait. */
  /* Ctrl+F's action puts the cursor in the page's search entry. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL));
  g_assert_nonnull (gtk_window_get_focus (GTK_WINDOW (window)));
  entry = gtk_widget_get_ancestor (gtk_window_get_focus (GTK_WINDOW (window)), GTK_TYPE_SEARCH_ENTRY);
  g_assert_nonnull (entry);
  g_assert_true (gtk_widget_is_ancestor (entry, GTK_WIDGET (page)));
  gtk_editable_set_text (GTK_EDITABLE (entry), "yes");
  wanted.expected = 3;
  g_assert_true (gui_wait_for (rows_shown, &wanted, WAIT_MS));
  g_assert_true (gui_wait_for (only_yes_shown, window, WAIT_MS));
  /* The summary is about the project, not the search. */
  g_assert_cmpstr (em_data_page_get_summary (page), ==, "6 samples · 4 training · 2 testing");
  gui_spin (100);
  gui_save_png (GTK_WIDGET (window), "window-search.png");

  gtk_editable_set_text (GTK_EDITABLE (entry), "zzz");
  wanted.expected = 0;
  g_assert_true (gui_wait_for (rows_shown, &wanted, WAIT_MS));
  stack = GTK_STACK (gtk_widget_get_ancestor (gui_find_widget (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE),
                                              GTK_TYPE_STACK));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  gui_spin (100);
  gui_save_png (GTK_WIDGET (window), "window-no-results.png");

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  wanted.expected = G_N_ELEMENTS (samples);
  g_assert_true (gui_wait_for (rows_shown, &wanted, WAIT_MS));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "list");

  /* Ctrl+O's action shows the file chooser (GTK's own dialog: no portal
   * here); cancelling it leaves the project open. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open", NULL));
  g_assert_true (gui_wait_for (chooser_shown, NULL, WAIT_MS));
  /* Let it finish listing the folder: GTK 4.8's chooser shows an
   * "Operation was cancelled" dialog when closed while still loading. */
  gui_spin (500);
  gtk_dialog_response (GTK_DIALOG (find_chooser ()), GTK_RESPONSE_CANCEL);
  gui_spin (100);
  g_assert_nonnull (em_window_get_project (window));

  /* Back to the start page, as a window with no project shows. */
  em_window_set_project (window, NULL);
  g_assert_null (em_window_get_project (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Ember");
  gui_spin (300);
  gui_save_png (GTK_WIDGET (window), "window-start.png");

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
dialog_shown (gpointer data)
{
  return find_message_dialog (data) != NULL;
}

/* Opens @path in a fresh window; it must refuse, keep the start page and
 * show an error dialog whose body is non-empty. Returns the body. */
static char *
expect_open_error (const char *path, const char *png)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  EmWindow *window = em_window_new (NULL);
  AdwMessageDialog *dialog;
  char *body;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gui_wait_for (gui_window_drawn, window, WAIT_MS));
  g_assert_false (em_window_open_file (window, file));
  g_assert_null (em_window_get_project (window));
  g_assert_true (gui_wait_for (dialog_shown, window, WAIT_MS));
  dialog = find_message_dialog (GTK_WINDOW (window));
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_heading (dialog), "Could Not Open"));
  body = g_strdup (adw_message_dialog_get_body (dialog));
  g_assert_cmpstr (body, !=, "");
  g_test_message ("error shown: %s", body);

  g_assert_true (gui_wait_for (gui_window_drawn, dialog, WAIT_MS));
  gui_spin (300);
  gui_save_png (GTK_WIDGET (dialog), png);
  adw_message_dialog_response (dialog, "close");
  gtk_window_destroy (GTK_WINDOW (window));
  return body;
}

static void
test_window_garbage (Fixture *fx, gconstpointer data)
{
  g_autofree char *garbage = g_build_filename (fx->dir, "garbage.ember", NULL);
  g_autofree char *missing = g_build_filename (fx->dir, "missing.ember", NULL);
  g_autofree char *body = NULL;
  g_autofree char *body2 = NULL;
  g_autoptr(GError) error = NULL;
  GString *junk;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  junk = g_string_new ("This is not an Ember project, just text.\n");
  for (guint i = 0; i < 2000; i++)
    g_string_append_c (junk, (char) (i * 31 + 7));
  g_file_set_contents (garbage, junk->str, (gssize) junk->len, &error);
  g_assert_no_error (error);
  g_string_free (junk, TRUE);

  body = expect_open_error (garbage, "error-garbage.png");
  body2 = expect_open_error (missing, "error-missing.png");
}

static void
test_window_newer_schema (Fixture *fx, gconstpointer data)
{
  g_autofree char *body = NULL;
  sqlite3 *db = NULL;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  /* What a future Ember would leave behind: a schema version we do not know. */
  g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 999", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);

  body = expect_open_error (fx->path, "error-newer.png");
}

/* ---- the application ------------------------------------------------------ */

typedef struct {
  Fixture   *fx;
  GPtrArray *windows; /* EmWindow, filled by check_app */
  guint      settled_polls;
  gboolean   checked;
} AppRun;

static GPtrArray *
em_windows (GtkApplication *app)
{
  GPtrArray *out = g_ptr_array_new ();

  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (EM_IS_WINDOW (l->data))
      g_ptr_array_add (out, l->data);
  return out;
}

static void
check_app (GtkApplication *app, AppRun *run)
{
  g_autoptr(GPtrArray) windows = em_windows (app);
  g_autoptr(GFile) file = g_file_new_for_path (run->fx->path);
  EmWindow *with_project = NULL, *empty = NULL;

  /* kws.ember twice and garbage once: one window for the project (the
   * second request only presents it) and one start page with the error. */
  g_assert_cmpuint (windows->len, ==, 2);
  for (guint i = 0; i < windows->len; i++)
    {
      EmWindow *w = g_ptr_array_index (windows, i);
      if (em_window_get_project (w) != NULL)
        with_project = w;
      else
        empty = w;
    }
  g_assert_nonnull (with_project);
  g_assert_nonnull (empty);
  g_assert_true (em_window_shows_file (with_project, file));
  /* GtkApplication found gtk/help-overlay.ui under the resource base path. */
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (with_project)));
  g_assert_nonnull (find_message_dialog (GTK_WINDOW (empty)));
  gui_save_png (GTK_WIDGET (empty), "app-start.png");

  /* Asking again from the empty window presents the project's window
   * rather than opening a second copy. */
  em_application_open_file (EM_APPLICATION (app), file, empty);
  g_clear_pointer (&windows, g_ptr_array_unref);
  windows = em_windows (app);
  g_assert_cmpuint (windows->len, ==, 2);

  run->checked = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

static gboolean
app_settled (gpointer data)
{
  AppRun *run = data;
  GtkApplication *app = GTK_APPLICATION (g_application_get_default ());
  g_autoptr(GPtrArray) windows = em_windows (app);

  if (run->checked)
    return G_SOURCE_REMOVE;
  for (guint i = 0; i < windows->len; i++)
    {
      EmWindow *w = g_ptr_array_index (windows, i);
      if (!gtk_widget_get_mapped (GTK_WIDGET (w)))
        return G_SOURCE_CONTINUE;
      if (em_window_get_project (w) == NULL && find_message_dialog (GTK_WINDOW (w)) == NULL)
        return G_SOURCE_CONTINUE;
    }
  if (windows->len < 2)
    return G_SOURCE_CONTINUE;
  /* Mapped is not yet drawn: give the windows a few frames before the PNG. */
  if (++run->settled_polls < 6)
    return G_SOURCE_CONTINUE;
  check_app (app, run);
  return G_SOURCE_REMOVE;
}

/* A hang would otherwise only end at meson's timeout, with no hint why. */
static gboolean
app_give_up (gpointer data)
{
  g_test_message ("the application's windows never settled");
  g_application_quit (data);
  return G_SOURCE_REMOVE;
}

static void
test_application_open (Fixture *fx, gconstpointer data)
{
  g_autoptr(EmApplication) app = NULL;
  g_autofree char *garbage = g_build_filename (fx->dir, "garbage.ember", NULL);
  AppRun run = { fx, NULL, 0, FALSE };
  char *argv[] = { (char *) "ember", fx->path, fx->path, garbage, NULL };
  guint poll, give_up;
  int status;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  g_file_set_contents (garbage, "not sqlite", -1, NULL);

  app = em_application_new ();
  /* No D-Bus in the test environment, and no other instance to talk to. */
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) |
                           G_APPLICATION_NON_UNIQUE);
  poll = g_timeout_add (50, app_settled, &run);
  give_up = g_timeout_add (4 * WAIT_MS, app_give_up, app);
  status = g_application_run (G_APPLICATION (app), G_N_ELEMENTS (argv) - 1, argv);
  if (!run.checked)
    g_source_remove (poll);
  else
    g_source_remove (give_up);
  g_assert_true (run.checked);
  g_assert_cmpint (status, ==, 0);
}

int
main (int argc, char *argv[])
{
  have_display = gui_init (&argc, &argv);

  g_test_add ("/gui/window/project", Fixture, NULL, fixture_set_up, test_window_project,
              fixture_tear_down);
  g_test_add ("/gui/window/garbage", Fixture, NULL, fixture_set_up, test_window_garbage,
              fixture_tear_down);
  g_test_add ("/gui/window/newer-schema", Fixture, NULL, fixture_set_up,
              test_window_newer_schema, fixture_tear_down);
  g_test_add ("/gui/application/open", Fixture, NULL, fixture_set_up, test_application_open,
              fixture_tear_down);
  return g_test_run ();
}
