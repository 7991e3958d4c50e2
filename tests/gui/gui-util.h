/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers the GUI tests share: set up GTK and the test run, make and remove
 * a temporary project, show a page in a window, run the main loop until
 * something holds (a job ending, say), find widgets, and write a window to PNGs in
 * EMBER_GUI_OUTPUT_DIR. All static inline so each test program stays one
 * file plus this header. */
#pragma once

#include <glib/gstdio.h>
#include <adwaita.h>

#include "em-demo.h"
#include "em-features.h"
#include "em-impulse.h"
#include "em-job.h"
#include "em-window.h"

typedef gboolean (*GuiCondition) (gpointer data);

static gboolean
gui_wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @cond holds or @timeout_ms pass. The ticking
 * source keeps a blocking iteration from sleeping past the deadline. */
static inline gboolean
gui_wait_for (GuiCondition cond, gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint tick = g_timeout_add (10, gui_wake_up, NULL);
  gboolean ok;

  while (!(ok = cond (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return ok;
}

static inline void
gui_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  guint tick = g_timeout_add (10, gui_wake_up, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

static inline GtkWidget *
gui_find_widget (GtkWidget *root, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = gui_find_widget (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A label under @root showing exactly @text; with @shown only a mapped one:
 * what a user would see. */
static inline GtkWidget *
gui_find_label (GtkWidget *root, const char *text, gboolean shown)
{
  if (GTK_IS_LABEL (root) && (!shown || gtk_widget_get_mapped (root)) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = gui_find_label (child, text, shown);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static inline gboolean
gui_transition_running (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gui_transition_running (child))
      return TRUE;
  return FALSE;
}

static inline gboolean
gui_transitions_done (gpointer widget)
{
  return !gui_transition_running (widget);
}

static inline gboolean
gui_window_drawn (gpointer data)
{
  GtkWidget *w = data;

  return gtk_widget_get_mapped (w) && gtk_widget_get_width (w) > 0 && gtk_widget_get_height (w) > 0;
}

static inline void
gui_save_png (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("EMBER_GUI_OUTPUT_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  cairo_surface_t *surface;
  cairo_t *cr;
  int width, height;

  /* A picture taken mid-cross-fade shows two pages at once. */
  gui_wait_for (gui_transitions_done, widget, 2000);
  path = g_build_filename (dir != NULL ? dir : g_get_tmp_dir (), name, NULL);
  paintable = gtk_widget_paintable_new (widget);
  /* Nothing to paint until the widget's first frame: give it a few. */
  for (guint attempt = 0; node == NULL && attempt < 100; attempt++)
    {
      if (attempt > 0)
        gui_spin (20);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  /* Pure cairo, so the pixels do not depend on GSK_RENDERER. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_test_message ("wrote %s", path);
}

/* Light and dark PNGs of @window, "<stem>-light.png" and "<stem>-dark.png",
 * each after @settle_ms for the new colours to reach every widget; the
 * colour scheme is put back as it was. */
static inline void
gui_save_pngs (GtkWidget *window, const char *stem, guint settle_ms)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  AdwColorScheme before = adw_style_manager_get_color_scheme (style);
  g_autofree char *light = g_strdup_printf ("%s-light.png", stem);
  g_autofree char *dark = g_strdup_printf ("%s-dark.png", stem);

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  gui_spin (settle_ms);
  gui_save_png (window, light);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  gui_spin (settle_ms);
  gui_save_png (window, dark);
  adw_style_manager_set_color_scheme (style, before);
}

/* Sizes and presents @window, then waits until @drawn (the window or what
 * it shows) is drawn. Returns @window. */
static inline GtkWidget *
gui_present (GtkWidget *window, GtkWidget *drawn, int width, int height)
{
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gui_wait_for (gui_window_drawn, drawn, 5000));
  return window;
}

/* @page alone in a new GtkWindow of @width x @height, presented and drawn. */
static inline GtkWidget *
gui_show_in_window (GtkWidget *page, int width, int height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_child (GTK_WINDOW (window), page);
  return gui_present (window, window, width, height);
}

/* The same in an AdwWindow (no title bar), for pages that bring their own
 * header bar: presented once @child is drawn. */
static inline GtkWidget *
gui_show_in_adw_window (GtkWidget *child, int width, int height)
{
  GtkWidget *window = adw_window_new ();

  adw_window_set_content (ADW_WINDOW (window), child);
  return gui_present (window, child, width, height);
}

/* A new EmWindow of @width x @height with the project at @path open in it,
 * drawn within @timeout_ms. */
static inline EmWindow *
gui_open_project_window (const char *path, int width, int height, guint timeout_ms)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  EmWindow *window = em_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (em_window_open_file (window, file));
  g_assert_true (gui_wait_for (gui_window_drawn, window, timeout_ms));
  return window;
}

/* --- setting up ------------------------------------------------------------ */

/* g_test_init(), then GTK and libadwaita when there is a display, with the
 * app's icons found the way GtkApplication finds them from its resource
 * base path (windows made without the application need that too). Returns
 * whether there is a display: without one, the tests skip. */
static inline gboolean
gui_init (int *argc, char ***argv)
{
  g_test_init (argc, argv, NULL);
  /* Belt and braces: g_test_init() already makes these fatal. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_FATAL_MASK);
  if (!gtk_init_check ())
    return FALSE;
  adw_init ();
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/org/emberstudio/Ember/icons");
  return TRUE;
}

/* A new folder in the temporary directory, from @tmpl ("name-XXXXXX").
 * (transfer full) */
static inline char *
gui_make_tmp_dir (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  return dir;
}

/* Removes @path and everything below it; symbolic links are removed, never
 * followed. */
static inline void
gui_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        gui_remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

/* The @kind demo at @path (em_demo_create with @scale and @seed) with an
 * impulse made through the core API: the input guessed from the data, the
 * @dsp block (its plugin id as its id) and a "classification" block on it.
 * (transfer full) */
static inline EmProject *
gui_make_demo_project (const char *path, EmDemoKind kind, double scale, guint32 seed, const char *dsp)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = em_impulse_new ();
  g_autoptr(EmProject) project = NULL;
  const char *inputs[] = { dsp, NULL };

  project = em_demo_create (path, kind, scale, seed, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (em_input_config_guess (&impulse->input, project, &error));
  g_assert_no_error (error);
  em_impulse_add_block (impulse, dsp, dsp);
  em_impulse_add_learn_block (impulse, "classification", "classification", inputs);
  g_assert_true (em_impulse_save (project, impulse, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&project);
}

/* Closes *@project and removes *@tmp_dir, the folder it was made in; both
 * are set to NULL. */
static inline void
gui_remove_project (EmProject **project, char **tmp_dir)
{
  g_clear_object (project);
  if (*tmp_dir != NULL)
    gui_remove_tree (*tmp_dir);
  g_clear_pointer (tmp_dir, g_free);
}

/* --- jobs ------------------------------------------------------------------ */

/* A GuiCondition: @job (an EmJob, or NULL for none yet) has run and ended. */
static inline gboolean
gui_job_done (gpointer job)
{
  return job != NULL && !em_job_is_running (EM_JOB (job)) &&
         em_job_get_state (EM_JOB (job)) != EM_JOB_STATE_READY;
}

/* Waits up to @timeout_ms for @job to end and asserts that it succeeded;
 * the job's error, if any, goes to the test log first, after @what. */
static inline void
gui_assert_job_succeeds (EmJob *job, guint timeout_ms, const char *what)
{
  g_assert_true (gui_wait_for (gui_job_done, job, timeout_ms));
  if (em_job_get_error (job) != NULL)
    g_test_message ("%s: %s", what, em_job_get_error (job)->message);
  g_assert_cmpint (em_job_get_state (job), ==, EM_JOB_STATE_SUCCEEDED);
}

/* The result of a finished "Generate features" job for one block: one
 * summary, of @block_id, with windows of a non-empty shape. */
static inline void
gui_assert_feature_summary (EmJob *job, const char *block_id)
{
  GPtrArray *summaries = em_job_get_result (job);
  EmFeatureSummary *s;

  g_assert_nonnull (summaries);
  g_assert_cmpuint (summaries->len, ==, 1);
  s = g_ptr_array_index (summaries, 0);
  g_assert_cmpstr (s->block_id, ==, block_id);
  g_assert_cmpuint (s->n_windows, >, 0);
  g_assert_cmpuint (s->rows * s->cols, >, 0);
  g_test_message ("features: %u windows of %u × %u", s->n_windows, s->rows, s->cols);
}
