/* SPDX-License-Identifier: Apache-2.0 */
/* EmGraphView's rubber band on a real display (Xvfb), driven through the
 * begin/update/end functions the background drag calls: the cards the
 * rectangle touches are selected live (and dropped again when it shrinks),
 * shift keeps the earlier selection, Delete removes every selected card
 * through the model, Escape clears.  g_test_init() makes every GLib/GTK
 * warning and critical fatal; a PNG of the band lands in
 * EMBER_GUI_OUTPUT_DIR. */
#include <adwaita.h>

#include "em-graph-view.h"

static gboolean have_display;

static const char *signal_types[] = { "audio", NULL };
static const char *features[] = { "features", NULL };

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  guint tick = g_timeout_add (10, wake_up, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

static void
add (EmGraphModel *model, const char *id, EmGraphNodeKind kind, double x, double y)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (em_graph_model_add_node (model, id, id, kind, x, y, NULL, &error));
  g_assert_no_error (error);
}

static void
port (EmGraphModel *model, const char *node, EmPortDirection dir, const char **types)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (em_graph_model_add_port (model, node, dir, dir == EM_PORT_DIRECTION_INPUT ? "in" : "out",
                                          "port", types, 0, &error));
  g_assert_no_error (error);
}

static int
compare_ids (const void *a, const void *b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

/* The selected ids, sorted and joined: "a,b". */
static char *
selection (EmGraphView *view)
{
  g_autoptr(GPtrArray) sel = em_graph_view_get_selected_nodes (view);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;

  for (guint i = 0; i < sel->len; i++)
    g_strv_builder_add (b, g_ptr_array_index (sel, i));
  ids = g_strv_builder_end (b);
  qsort (ids, g_strv_length (ids), sizeof (char *), compare_ids);
  return g_strjoinv (",", ids);
}

static void
count (gpointer instance, guint *n)
{
  (*n)++;
}

/* Band between graph points (x0, y0) and (x1, y1). */
static void
band (EmGraphView *view, double x0, double y0, double x1, double y1, gboolean extend, gboolean finish)
{
  double wx, wy;

  em_graph_view_to_widget (view, x0, y0, &wx, &wy);
  em_graph_view_begin_band (view, wx, wy, extend);
  em_graph_view_to_widget (view, (x0 + x1) / 2, (y0 + y1) / 2, &wx, &wy);
  em_graph_view_update_band (view, wx, wy);
  em_graph_view_to_widget (view, x1, y1, &wx, &wy);
  em_graph_view_update_band (view, wx, wy);
  if (finish)
    em_graph_view_end_band (view);
}

static void
save_png (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("EMBER_GUI_OUTPUT_DIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : g_get_tmp_dir (), name, NULL);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

static void
test_band (void)
{
  g_autoptr(EmGraphModel) model = em_graph_model_new ();
  GtkWidget *window;
  EmGraphView *view;
  graphene_rect_t r;
  guint changes = 0;
  g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  /* Cards are 184 wide and 74 high here (one port row). */
  add (model, "mic", EM_GRAPH_NODE_KIND_INPUT, 0, 30);
  port (model, "mic", EM_PORT_DIRECTION_OUTPUT, signal_types);
  add (model, "camera", EM_GRAPH_NODE_KIND_INPUT, 0, 190);
  port (model, "camera", EM_PORT_DIRECTION_OUTPUT, signal_types);
  add (model, "mfcc", EM_GRAPH_NODE_KIND_PROCESSING, 250, 60);
  port (model, "mfcc", EM_PORT_DIRECTION_INPUT, signal_types);
  port (model, "mfcc", EM_PORT_DIRECTION_OUTPUT, features);
  add (model, "nn", EM_GRAPH_NODE_KIND_LEARNING, 500, 30);
  port (model, "nn", EM_PORT_DIRECTION_INPUT, features);
  add (model, "result", EM_GRAPH_NODE_KIND_OUTPUT, 500, 200);
  port (model, "result", EM_PORT_DIRECTION_INPUT, features);
  g_assert_true (em_graph_model_add_link (model, "mic", "out", "mfcc", "in", NULL));
  g_assert_true (em_graph_model_add_link (model, "mfcc", "out", "nn", "in", NULL));

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 820, 400);
  view = EM_GRAPH_VIEW (em_graph_view_new ());
  em_graph_view_set_model (view, model);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (view)) || gtk_widget_get_width (GTK_WIDGET (view)) == 0)
    spin (20);
  gtk_widget_grab_focus (GTK_WIDGET (view));
  g_signal_connect (view, "selection-changed", G_CALLBACK (count), &changes);

  /* A band from above-left of the mic card to inside the MFCC card touches
   * both, not the camera below nor the classifier to the right. */
  em_graph_view_select_node (view, "nn", FALSE);
  g_assert_false (em_graph_view_get_band (view, NULL));
  band (view, -20, 0, 300, 100, FALSE, FALSE);
  g_assert_true (em_graph_view_get_band (view, &r));
  g_assert_cmpfloat (r.size.width, >, 300 * em_graph_view_get_zoom_factor (view) - 1);
  s1 = selection (view);
  g_assert_cmpstr (s1, ==, "mfcc,mic");
  spin (50);
  save_png (GTK_WIDGET (view), "graph-band.png");
  /* Shrinking the band drops what it no longer touches, live. */
  {
    double wx, wy;
    em_graph_view_to_widget (view, 100, 50, &wx, &wy);
    em_graph_view_update_band (view, wx, wy);
    g_assert_cmpstr ((s2 = selection (view)), ==, "mic");
    em_graph_view_to_widget (view, 300, 100, &wx, &wy);
    em_graph_view_update_band (view, wx, wy);
  }
  em_graph_view_end_band (view);
  g_assert_false (em_graph_view_get_band (view, NULL));
  g_free (s1);
  g_assert_cmpstr ((s1 = selection (view)), ==, "mfcc,mic");
  g_assert_cmpuint (changes, >=, 3);

  /* Shift keeps the earlier cards and adds the result card. */
  band (view, 480, 180, 700, 300, TRUE, TRUE);
  g_assert_cmpstr ((s3 = selection (view)), ==, "mfcc,mic,result");

  /* Delete removes every selected card (and their links) through the model. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "graph.delete", NULL));
  g_assert_cmpuint (em_graph_model_get_nodes (model)->len, ==, 2);
  g_assert_nonnull (em_graph_model_get_node (model, "camera"));
  g_assert_nonnull (em_graph_model_get_node (model, "nn"));
  g_assert_cmpuint (em_graph_model_get_links (model)->len, ==, 0);

  /* A band over empty canvas selects nothing; Escape clears a selection. */
  band (view, 250, 300, 400, 390, FALSE, TRUE);
  {
    g_autoptr(GPtrArray) sel = em_graph_view_get_selected_nodes (view);
    g_assert_cmpuint (sel->len, ==, 0);
  }
  band (view, 0, 0, 800, 400, FALSE, TRUE);
  g_assert_cmpstr ((s4 = selection (view)), ==, "camera,nn");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "graph.cancel", NULL));
  {
    g_autoptr(GPtrArray) sel = em_graph_view_get_selected_nodes (view);
    g_assert_cmpuint (sel->len, ==, 0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  spin (20);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_FATAL_MASK);
  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();
  g_test_add_func ("/graph/band/select-delete-escape", test_band);
  return g_test_run ();
}
