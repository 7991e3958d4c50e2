/* SPDX-License-Identifier: Apache-2.0 */
/* EmGraphView and EmBlockPalette on a real display (Xvfb): the canvas is
 * rendered to PNG in light and dark, links are drawn through the same
 * begin/update/end functions the drag gesture calls, refusals are
 * announced, and the keyboard path (Tab, Delete, Return link mode, space)
 * works through the widget's actions and key bindings.  g_test_init()
 * makes every GLib/GTK warning and critical fatal.  PNGs land in
 * EMBER_GUI_OUTPUT_DIR. */
#include <adwaita.h>

#include "em-graph-view.h"
#include "em-block-palette.h"

static gboolean have_display;

static const char *audio[] = { "audio", NULL };
static const char *audio_ts[] = { "audio", "time-series", NULL };
static const char *image[] = { "image", NULL };
static const char *features[] = { "features", NULL };
static const char *scores[] = { "classes", NULL };

/* ---- helpers --------------------------------------------------------------- */

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
wait_drawn (GtkWidget *widget)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!(gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0) &&
         g_get_monotonic_time () < end)
    spin (20);
  g_assert_true (gtk_widget_get_mapped (widget));
  spin (150);
}

static void
add (EmGraphModel *model, const char *id, const char *title, EmGraphNodeKind kind,
     double x, double y, const char *desc)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (em_graph_model_add_node (model, id, title, kind, x, y, desc, &error));
  g_assert_no_error (error);
}

static void
port (EmGraphModel *model, const char *node, EmPortDirection dir, const char *id,
      const char *label, const char **types, guint max_links)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (em_graph_model_add_port (model, node, dir, id, label, types, max_links, &error));
  g_assert_no_error (error);
}

/* Microphone and Camera -> MFCC -> Classifier -> Result.  @linked adds the
 * mic -> MFCC -> Classifier -> Result chain. */
static EmGraphModel *
make_model (gboolean linked)
{
  EmGraphModel *model = em_graph_model_new ();

  add (model, "mic", "Microphone", EM_GRAPH_NODE_KIND_INPUT, 0, 30, "16 kHz, 1 s windows");
  port (model, "mic", EM_PORT_DIRECTION_OUTPUT, "out", "audio", audio, 0);
  add (model, "camera", "Camera", EM_GRAPH_NODE_KIND_INPUT, 0, 190, "96×96 grayscale");
  port (model, "camera", EM_PORT_DIRECTION_OUTPUT, "out", "image", image, 0);
  add (model, "mfcc", "MFCC", EM_GRAPH_NODE_KIND_PROCESSING, 250, 60, "Mel cepstra");
  port (model, "mfcc", EM_PORT_DIRECTION_INPUT, "in", "signal", audio_ts, 1);
  port (model, "mfcc", EM_PORT_DIRECTION_OUTPUT, "out", "features", features, 0);
  add (model, "nn", "Classifier", EM_GRAPH_NODE_KIND_LEARNING, 500, 30, "Conv1D network");
  port (model, "nn", EM_PORT_DIRECTION_INPUT, "in", "features", features, 0);
  port (model, "nn", EM_PORT_DIRECTION_OUTPUT, "out", "classes", scores, 0);
  add (model, "result", "Result", EM_GRAPH_NODE_KIND_OUTPUT, 500, 200, NULL);
  port (model, "result", EM_PORT_DIRECTION_INPUT, "in", "classes", scores, 1);
  if (linked)
    {
      g_assert_true (em_graph_model_add_link (model, "mic", "out", "mfcc", "in", NULL));
      g_assert_true (em_graph_model_add_link (model, "mfcc", "out", "nn", "in", NULL));
      g_assert_true (em_graph_model_add_link (model, "nn", "out", "result", "in", NULL));
    }
  return model;
}

typedef struct {
  GtkWidget *window;
  EmGraphView *view;
  EmGraphModel *model;
} Fixture;

static void
fixture_open (Fixture *fx, gboolean linked)
{
  fx->model = make_model (linked);
  fx->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fx->window), 820, 400);
  fx->view = EM_GRAPH_VIEW (em_graph_view_new ());
  em_graph_view_set_model (fx->view, fx->model);
  gtk_window_set_child (GTK_WINDOW (fx->window), GTK_WIDGET (fx->view));
  gtk_window_present (GTK_WINDOW (fx->window));
  wait_drawn (GTK_WIDGET (fx->view));
}

static void
fixture_close (Fixture *fx)
{
  gtk_window_destroy (GTK_WINDOW (fx->window));
  g_clear_object (&fx->model);
  spin (20);
}

/* Renders @widget through its paintable to a cairo image, writes the PNG
 * and returns the surface for pixel checks. */
static cairo_surface_t *
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
  g_test_message ("wrote %s", path);
  return surface;
}

typedef struct {
  double   mean_luma;
  double   off_background; /* fraction of pixels unlike the background */
  guint    colours;        /* distinct colours */
} Stats;

static Stats
image_stats (cairo_surface_t *surface)
{
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key, val;
  guint most = 0;
  Stats s = { 0 };

  cairo_surface_flush (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + 4 * x);
        guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (px)));
        s.mean_luma += 0.2126 * ((px >> 16) & 0xff) + 0.7152 * ((px >> 8) & 0xff) +
                       0.0722 * (px & 0xff);
        g_hash_table_insert (counts, GUINT_TO_POINTER (px), GUINT_TO_POINTER (n + 1));
      }
  /* The background is the commonest colour; everything else was drawn. */
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &val))
    most = MAX (most, GPOINTER_TO_UINT (val));
  s.colours = g_hash_table_size (counts);
  s.off_background = 1.0 - (double) most / ((double) w * h);
  s.mean_luma /= (double) w * h;
  return s;
}

static guint refused_count;
static char *refused_reason;

static void
on_refused (EmGraphView *view, const char *reason, gpointer data)
{
  refused_count++;
  g_free (refused_reason);
  refused_reason = g_strdup (reason);
}

/* The action a class key binding triggers, or NULL: proves the key is bound
 * without synthesising key events. */
static const char *
bound_action (GtkWidget *widget, guint keyval, GdkModifierType mods)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
      if (!GTK_IS_SHORTCUT_CONTROLLER (c))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (c)); j++)
        {
          g_autoptr(GtkShortcut) sc = g_list_model_get_item (G_LIST_MODEL (c), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (sc);
          GtkShortcutAction *action = gtk_shortcut_get_action (sc);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == mods &&
              GTK_IS_NAMED_ACTION (action))
            return gtk_named_action_get_action_name (GTK_NAMED_ACTION (action));
        }
    }
  return NULL;
}

/* ---- tests ------------------------------------------------------------------ */

static void
test_render (void)
{
  Fixture fx;
  AdwStyleManager *style = adw_style_manager_get_default ();
  cairo_surface_t *light, *dark;
  Stats ls, ds;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  fixture_open (&fx, TRUE);
  em_graph_view_select_node (fx.view, "mfcc", FALSE);
  spin (100);
  light = save_png (GTK_WIDGET (fx.view), "graph-light.png");

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  spin (300);
  dark = save_png (GTK_WIDGET (fx.view), "graph-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);

  ls = image_stats (light);
  ds = image_stats (dark);
  g_test_message ("light: luma %.1f, %.1f%% drawn, %u colours; dark: luma %.1f, %.1f%%, %u",
                  ls.mean_luma, 100 * ls.off_background, ls.colours, ds.mean_luma,
                  100 * ds.off_background, ds.colours);
  /* Cards, text and curves, not an empty canvas. */
  g_assert_cmpfloat (ls.off_background, >, 0.15);
  g_assert_cmpfloat (ds.off_background, >, 0.15);
  g_assert_cmpuint (ls.colours, >, 100);
  g_assert_cmpuint (ds.colours, >, 100);
  /* The dark style really is dark. */
  g_assert_cmpfloat (ls.mean_luma, >, 180);
  g_assert_cmpfloat (ds.mean_luma, <, 90);
  cairo_surface_destroy (light);
  cairo_surface_destroy (dark);
  fixture_close (&fx);
}

static void
test_drag_link (void)
{
  Fixture fx;
  g_autofree char *node = NULL;
  g_autofree char *port_id = NULL;
  EmPortDirection dir;
  double ox, oy, ix, iy;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  fixture_open (&fx, FALSE);
  g_assert_true (em_graph_model_add_link (fx.model, "mic", "out", "mfcc", "in", NULL));
  g_signal_connect (fx.view, "link-refused", G_CALLBACK (on_refused), NULL);
  refused_count = 0;

  /* What the gesture does: find the dot under the press, then follow. */
  g_assert_true (em_graph_view_get_port_position (fx.view, "mfcc", EM_PORT_DIRECTION_OUTPUT,
                                                  "out", &ox, &oy));
  g_assert_true (em_graph_view_get_port_position (fx.view, "nn", EM_PORT_DIRECTION_INPUT, "in",
                                                  &ix, &iy));
  g_assert_true (em_graph_view_port_at (fx.view, ox + 3, oy - 2, &node, &port_id, &dir));
  g_assert_cmpstr (node, ==, "mfcc");
  g_assert_cmpstr (port_id, ==, "out");
  g_assert_cmpint (dir, ==, EM_PORT_DIRECTION_OUTPUT);
  g_assert_true (em_graph_view_begin_link (fx.view, node, port_id));
  em_graph_view_update_link (fx.view, (ox + ix) / 2, (oy + iy) / 2 + 40);
  em_graph_view_update_link (fx.view, ix, iy);
  spin (50);
  save_png (GTK_WIDGET (fx.view), "graph-dragging.png");
  g_assert_true (em_graph_view_end_link (fx.view, ix - 2, iy + 3));
  g_assert_cmpuint (em_graph_model_count_links (fx.model, "nn", EM_PORT_DIRECTION_INPUT, "in"),
                    ==, 1);
  g_assert_cmpuint (refused_count, ==, 0);

  /* Dropped on a card's body, the link takes the card's first input that fits. */
  {
    double rx, ry;
    g_autofree char *card = NULL;

    g_assert_true (em_graph_view_get_port_position (fx.view, "result", EM_PORT_DIRECTION_INPUT,
                                                    "in", &rx, &ry));
    card = em_graph_view_node_at (fx.view, rx + 90, ry);
    g_assert_cmpstr (card, ==, "result");
    g_assert_true (em_graph_view_get_port_position (fx.view, "nn", EM_PORT_DIRECTION_OUTPUT,
                                                    "out", &ox, &oy));
    g_assert_true (em_graph_view_begin_link (fx.view, "nn", "out"));
    g_assert_true (em_graph_view_end_link (fx.view, rx + 90, ry));
    g_assert_cmpuint (em_graph_model_get_links (fx.model)->len, ==, 3);
  }

  /* Camera images into MFCC: refused with the model's reason. */
  g_assert_true (em_graph_view_get_port_position (fx.view, "mfcc", EM_PORT_DIRECTION_INPUT, "in",
                                                  &ix, &iy));
  g_assert_true (em_graph_view_begin_link (fx.view, "camera", "out"));
  em_graph_view_update_link (fx.view, ix, iy);
  spin (30);
  save_png (GTK_WIDGET (fx.view), "graph-refusing.png");
  g_assert_false (em_graph_view_end_link (fx.view, ix, iy));
  g_assert_cmpuint (refused_count, ==, 1);
  g_assert_cmpstr (refused_reason, ==, "MFCC takes audio or time-series, not image");
  g_assert_cmpstr (em_graph_view_get_message (fx.view), ==,
                   "Cannot link: MFCC takes audio or time-series, not image");
  g_assert_cmpuint (em_graph_model_get_links (fx.model)->len, ==, 3);
  spin (50);
  save_png (GTK_WIDGET (fx.view), "graph-refused.png");

  /* A release over empty canvas just drops the link, no refusal. */
  g_assert_true (em_graph_view_begin_link (fx.view, "mic", "out"));
  g_assert_false (em_graph_view_end_link (fx.view, 5, 390));
  g_assert_cmpuint (refused_count, ==, 1);

  /* Zoomed in, the dots move and the hit test follows. */
  em_graph_view_set_zoom_factor (fx.view, 2.0);
  g_assert_cmpfloat (em_graph_view_get_zoom_factor (fx.view), ==, 2.0);
  {
    double zx, zy;
    g_autofree char *n2 = NULL;

    g_assert_true (em_graph_view_get_port_position (fx.view, "mic", EM_PORT_DIRECTION_OUTPUT,
                                                    "out", &zx, &zy));
    g_assert_true (em_graph_view_port_at (fx.view, zx, zy, &n2, NULL, NULL));
    g_assert_cmpstr (n2, ==, "mic");
  }
  em_graph_view_set_zoom_factor (fx.view, 100);
  g_assert_cmpfloat (em_graph_view_get_zoom_factor (fx.view), ==, 4.0);

  g_clear_pointer (&refused_reason, g_free);
  fixture_close (&fx);
}

static guint activated_count;
static char *activated_id;

static void
on_activated (EmGraphView *view, const char *id, gpointer data)
{
  activated_count++;
  g_free (activated_id);
  activated_id = g_strdup (id);
}

static void
test_keyboard (void)
{
  Fixture fx;
  GtkWidget *w;
  g_autoptr(GPtrArray) sel = NULL;
  const EmGraphNode *node;
  double x0;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  fixture_open (&fx, FALSE);
  w = GTK_WIDGET (fx.view);
  gtk_widget_grab_focus (w);
  g_signal_connect (fx.view, "node-activated", G_CALLBACK (on_activated), NULL);
  g_signal_connect (fx.view, "link-refused", G_CALLBACK (on_refused), NULL);
  refused_count = 0;

  /* The keys are bound to the actions driven below. */
  g_assert_cmpstr (bound_action (w, GDK_KEY_Delete, 0), ==, "graph.delete");
  g_assert_cmpstr (bound_action (w, GDK_KEY_BackSpace, 0), ==, "graph.delete");
  g_assert_cmpstr (bound_action (w, GDK_KEY_Return, 0), ==, "graph.link-mode");
  g_assert_cmpstr (bound_action (w, GDK_KEY_space, 0), ==, "graph.activate");
  g_assert_cmpstr (bound_action (w, GDK_KEY_Right, 0), ==, "graph.move");
  g_assert_cmpstr (bound_action (w, GDK_KEY_Escape, 0), ==, "graph.cancel");

  /* Tab walks the blocks in order. */
  g_assert_true (gtk_widget_activate_action (w, "graph.select-next", NULL));
  sel = em_graph_view_get_selected_nodes (fx.view);
  g_assert_cmpuint (sel->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (sel, 0), ==, "mic");
  g_clear_pointer (&sel, g_ptr_array_unref);

  /* Arrows move the selected block. */
  node = em_graph_model_get_node (fx.model, "mic");
  x0 = node->x;
  g_assert_true (gtk_widget_activate_action (w, "graph.move", "(ii)", 24, 0));
  g_assert_cmpfloat (node->x, ==, x0 + 24);

  /* Return: link mode from Microphone's output; the first target is the
   * block to its right; Right again goes further; Left comes back. */
  g_assert_true (gtk_widget_activate_action (w, "graph.link-mode", NULL));
  g_assert_true (em_graph_view_get_link_mode (fx.view));
  g_assert_cmpstr (em_graph_view_get_link_target (fx.view), ==, "mfcc");
  gtk_widget_activate_action (w, "graph.move", "(ii)", 24, 0);
  g_assert_cmpstr (em_graph_view_get_link_target (fx.view), ==, "nn");
  /* Nothing moves while in link mode. */
  g_assert_cmpfloat (node->x, ==, x0 + 24);
  spin (30);
  save_png (w, "graph-link-mode.png");
  gtk_widget_activate_action (w, "graph.move", "(ii)", -24, 0);
  g_assert_cmpstr (em_graph_view_get_link_target (fx.view), ==, "mfcc");
  g_assert_true (gtk_widget_activate_action (w, "graph.link-mode", NULL));
  g_assert_false (em_graph_view_get_link_mode (fx.view));
  g_assert_cmpuint (em_graph_model_count_links (fx.model, "mfcc", EM_PORT_DIRECTION_INPUT, "in"),
                    ==, 1);

  /* Camera into MFCC by keyboard: refused like the pointer's. */
  em_graph_view_select_node (fx.view, "camera", FALSE);
  g_assert_true (gtk_widget_activate_action (w, "graph.link-mode", NULL));
  g_assert_cmpstr (em_graph_view_get_link_target (fx.view), ==, "mfcc");
  g_assert_true (gtk_widget_activate_action (w, "graph.link-mode", NULL));
  g_assert_cmpuint (refused_count, ==, 1);
  g_assert_cmpstr (refused_reason, ==, "MFCC takes audio or time-series, not image");
  g_assert_cmpuint (em_graph_model_get_links (fx.model)->len, ==, 1);

  /* Escape leaves link mode without linking. */
  em_graph_view_select_node (fx.view, "mfcc", FALSE);
  g_assert_true (gtk_widget_activate_action (w, "graph.link-mode", NULL));
  g_assert_true (gtk_widget_activate_action (w, "graph.cancel", NULL));
  g_assert_false (em_graph_view_get_link_mode (fx.view));
  g_assert_cmpuint (em_graph_model_get_links (fx.model)->len, ==, 1);

  /* Space opens the block. */
  g_assert_true (gtk_widget_activate_action (w, "graph.activate", NULL));
  g_assert_cmpuint (activated_count, ==, 1);
  g_assert_cmpstr (activated_id, ==, "mfcc");

  /* Delete removes the selected block and its link. */
  g_assert_true (gtk_widget_activate_action (w, "graph.delete", NULL));
  g_assert_null (em_graph_model_get_node (fx.model, "mfcc"));
  g_assert_cmpuint (em_graph_model_get_links (fx.model)->len, ==, 0);
  sel = em_graph_view_get_selected_nodes (fx.view);
  g_assert_cmpuint (sel->len, ==, 0);
  g_clear_pointer (&sel, g_ptr_array_unref);

  /* A selected link is deleted alone. */
  g_assert_true (em_graph_model_add_link (fx.model, "nn", "out", "result", "in", NULL));
  em_graph_view_select_link (fx.view, "nn", "out", "result", "in");
  g_assert_true (em_graph_view_has_selected_link (fx.view));
  g_assert_true (gtk_widget_activate_action (w, "graph.delete", NULL));
  g_assert_cmpuint (em_graph_model_get_links (fx.model)->len, ==, 0);
  g_assert_nonnull (em_graph_model_get_node (fx.model, "result"));
  g_assert_false (em_graph_view_has_selected_link (fx.view));

  /* Tab past the last block lets focus go on (no keyboard trap). */
  em_graph_view_select_node (fx.view, "result", FALSE);
  gtk_widget_activate_action (w, "graph.select-next", NULL);
  sel = em_graph_view_get_selected_nodes (fx.view);
  g_assert_cmpuint (sel->len, ==, 0);

  g_clear_pointer (&activated_id, g_free);
  g_clear_pointer (&refused_reason, g_free);
  fixture_close (&fx);
}

static char *dropped_id;
static double dropped_x, dropped_y;

static void
on_dropped (EmGraphView *view, const char *id, double x, double y, gpointer data)
{
  g_free (dropped_id);
  dropped_id = g_strdup (id);
  dropped_x = x;
  dropped_y = y;
}

static char *chosen_id;

static void
on_chosen (EmBlockPalette *palette, const char *id, gpointer data)
{
  g_free (chosen_id);
  chosen_id = g_strdup (id);
}

static void
test_palette_and_drop (void)
{
  GtkWidget *window, *paned, *palette_w;
  EmGraphView *view;
  EmBlockPalette *palette;
  g_autoptr(EmGraphModel) model = make_model (TRUE);
  g_autoptr(GdkContentProvider) content = NULL;
  GValue value = G_VALUE_INIT;
  GtkWidget *row;
  double gx, gy;
  cairo_surface_t *shot;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1060, 420);
  paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  palette_w = em_block_palette_new ();
  palette = EM_BLOCK_PALETTE (palette_w);
  gtk_widget_set_size_request (palette_w, 240, -1);
  view = EM_GRAPH_VIEW (em_graph_view_new ());
  em_graph_view_set_model (view, model);
  gtk_paned_set_start_child (GTK_PANED (paned), palette_w);
  gtk_paned_set_end_child (GTK_PANED (paned), GTK_WIDGET (view));
  gtk_paned_set_resize_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_window_set_child (GTK_WINDOW (window), paned);

  em_block_palette_add_block (palette, "nn", "Classifier", "Neural network", EM_GRAPH_NODE_KIND_LEARNING);
  em_block_palette_add_block (palette, "mfcc", "MFCC", "Mel cepstra for speech", EM_GRAPH_NODE_KIND_PROCESSING);
  em_block_palette_add_block (palette, "mic", "Microphone", "Audio input", EM_GRAPH_NODE_KIND_INPUT);
  em_block_palette_add_block (palette, "mfe", "MFE", "Mel filterbank energies", EM_GRAPH_NODE_KIND_PROCESSING);
  em_block_palette_add_block (palette, "kmeans", "Anomaly (K-means)", NULL, EM_GRAPH_NODE_KIND_LEARNING);
  em_block_palette_add_block (palette, "mfe", "MFE", "Mel filterbank energy", EM_GRAPH_NODE_KIND_PROCESSING);
  g_assert_cmpuint (em_block_palette_get_n_blocks (palette), ==, 5);
  g_signal_connect (palette, "block-chosen", G_CALLBACK (on_chosen), NULL);
  g_signal_connect (view, "block-dropped", G_CALLBACK (on_dropped), NULL);

  gtk_window_present (GTK_WINDOW (window));
  wait_drawn (GTK_WIDGET (view));

  /* Rows come grouped by kind: inputs first, learning after processing. */
  row = em_block_palette_get_row (palette, "mic");
  g_assert_cmpint (gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)), ==, 0);
  g_assert_cmpint (gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (em_block_palette_get_row (palette, "mfcc"))),
                   <, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (em_block_palette_get_row (palette, "nn"))));
  g_assert_nonnull (gtk_list_box_row_get_header (GTK_LIST_BOX_ROW (row)));

  /* What a row's drag carries. */
  content = em_block_palette_content_for (palette, "mfe");
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, "block:mfe");

  /* The view's drop handler turns it into a position in graph units. */
  g_assert_true (em_graph_view_drop_block (view, g_value_get_string (&value), 400, 300));
  g_value_unset (&value);
  g_assert_cmpstr (dropped_id, ==, "mfe");
  em_graph_view_to_graph (view, 400, 300, &gx, &gy);
  g_assert_cmpfloat_with_epsilon (dropped_x + 92, gx, 1e-9);
  g_assert_cmpfloat_with_epsilon (dropped_y + 20, gy, 1e-9);
  g_clear_pointer (&dropped_id, g_free);
  g_assert_false (em_graph_view_drop_block (view, "file:///etc/passwd", 10, 10));
  g_assert_false (em_graph_view_drop_block (view, "block:", 10, 10));
  g_assert_null (dropped_id);

  /* Enter on a row: its activation emits block-chosen (the keyboard path). */
  row = em_block_palette_get_row (palette, "kmeans");
  gtk_widget_grab_focus (row);
  g_assert_true (gtk_widget_activate (row));
  g_assert_cmpstr (chosen_id, ==, "kmeans");
  g_clear_pointer (&chosen_id, g_free);

  spin (100);
  shot = save_png (window, "graph-editor.png");
  g_assert_cmpfloat (image_stats (shot).off_background, >, 0.15);
  cairo_surface_destroy (shot);

  em_block_palette_remove_all (palette);
  g_assert_cmpuint (em_block_palette_get_n_blocks (palette), ==, 0);
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

  g_test_add_func ("/graph/view/render", test_render);
  g_test_add_func ("/graph/view/drag-link", test_drag_link);
  g_test_add_func ("/graph/view/keyboard", test_keyboard);
  g_test_add_func ("/graph/view/palette-and-drop", test_palette_and_drop);
  return g_test_run ();
}
