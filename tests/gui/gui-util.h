/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers the GUI tests share: run the main loop until something holds,
 * find widgets, and write a widget to a PNG in EMBER_GUI_OUTPUT_DIR. All
 * static inline so each test program stays one file plus this header. */
#pragma once

#include <gtk/gtk.h>

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
