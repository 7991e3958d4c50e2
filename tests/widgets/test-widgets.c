/* SPDX-License-Identifier: Apache-2.0 */
/* Every plot widget with data in a real window on a display (Xvfb here),
 * rendered to PNGs in light and dark mode (EMBER_GUI_OUTPUT_DIR, the build's
 * tests/widgets/) that must not be blank and must differ between the modes;
 * plus the interactive parts that can be driven without synthetic events:
 * scatter hit-testing over 50k points against brute force, the render
 * cache, and line plot zoom and live growth. Any GLib/GTK warning or
 * critical is fatal (g_test_init). Without a display each test skips. */
#include <math.h>
#include <adwaita.h>

#include "em-bar-chart.h"
#include "em-confusion-matrix.h"
#include "em-heatmap.h"
#include "em-line-plot.h"
#include "em-scatter-plot.h"
#include "em-series-model.h"

#define WAIT_MS 5000

static gboolean have_display;

/* ---- helpers -------------------------------------------------------------- */

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

/* A borderless window around @child at @width × @height, shown and laid out. */
static GtkWidget *
show_in_window (GtkWidget *child, int width, int height)
{
  GtkWidget *window = gtk_window_new ();
  gint64 end = g_get_monotonic_time () + (gint64) WAIT_MS * 1000;
  guint tick = g_timeout_add (10, wake_up, NULL);

  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  while (!(gtk_widget_get_mapped (child) && gtk_widget_get_width (child) > 0) &&
         g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  g_assert_true (gtk_widget_get_mapped (child));
  spin (100);
  return window;
}

/* The window as pixels, through cairo, so the result does not depend on
 * GSK_RENDERER. */
static cairo_surface_t *
render (GtkWidget *window)
{
  int width = gtk_widget_get_width (window), height = gtk_widget_get_height (window);
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  /* A widget whose layout is still pending (a style change re-measures
   * everything) gives no node yet: let the frame clock catch up. */
  for (guint attempt = 0; node == NULL && attempt < 100; attempt++)
    {
      g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node == NULL)
        spin (20);
    }
  g_assert_nonnull (node);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
save (cairo_surface_t *surface, const char *name)
{
  const char *dir = g_getenv ("EMBER_GUI_OUTPUT_DIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : g_get_tmp_dir (), name, NULL);

  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  g_test_message ("wrote %s", path);
}

/* Distinct colours, and the share of the most common one. */
static guint
count_colours (cairo_surface_t *s, double *top_share)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  int w = cairo_image_surface_get_width (s), h = cairo_image_surface_get_height (s);
  int stride = cairo_image_surface_get_stride (s);
  const guchar *data = cairo_image_surface_get_data (s);
  guint top = 0;
  GHashTableIter it;
  gpointer key, value;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = ((const guint32 *) (data + (gsize) y * stride))[x];
        gpointer k = GUINT_TO_POINTER (px + 1); /* 0 is NULL, a key the table cannot tell apart */
        g_hash_table_insert (seen, k, GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (seen, k)) + 1));
      }
  g_hash_table_iter_init (&it, seen);
  while (g_hash_table_iter_next (&it, &key, &value))
    top = MAX (top, GPOINTER_TO_UINT (value));
  *top_share = (double) top / ((double) w * h);
  return g_hash_table_size (seen);
}

static double
mean_luma (cairo_surface_t *s)
{
  int w = cairo_image_surface_get_width (s), h = cairo_image_surface_get_height (s);
  int stride = cairo_image_surface_get_stride (s);
  const guchar *data = cairo_image_surface_get_data (s);
  double sum = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = ((const guint32 *) (data + (gsize) y * stride))[x];
        sum += 0.2126 * ((px >> 16) & 0xff) + 0.7152 * ((px >> 8) & 0xff) + 0.0722 * (px & 0xff);
      }
  return sum / ((double) w * h * 255);
}

static double
diff_share (cairo_surface_t *a, cairo_surface_t *b)
{
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a);
  int stride = cairo_image_surface_get_stride (a);
  const guchar *da = cairo_image_surface_get_data (a), *db = cairo_image_surface_get_data (b);
  guint64 differ = 0;

  g_assert_cmpint (cairo_image_surface_get_width (b), ==, w);
  g_assert_cmpint (cairo_image_surface_get_height (b), ==, h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (((const guint32 *) (da + (gsize) y * stride))[x] != ((const guint32 *) (db + (gsize) y * stride))[x])
        differ++;
  return (double) differ / ((double) w * h);
}

static void
set_scheme (AdwColorScheme scheme)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
  spin (150); /* the new style sheet applies on the next frames */
}

/* Renders @window light and dark into <name>-light.png / <name>-dark.png and
 * checks both are real pictures and really differ. */
static void
check_light_dark (GtkWidget *window, const char *name, guint min_colours)
{
  g_autofree char *light_name = g_strdup_printf ("%s-light.png", name);
  g_autofree char *dark_name = g_strdup_printf ("%s-dark.png", name);
  cairo_surface_t *light, *dark;
  double top, light_luma, dark_luma, diff;
  guint n;

  set_scheme (ADW_COLOR_SCHEME_FORCE_LIGHT);
  light = render (window);
  save (light, light_name);
  set_scheme (ADW_COLOR_SCHEME_FORCE_DARK);
  dark = render (window);
  save (dark, dark_name);
  set_scheme (ADW_COLOR_SCHEME_FORCE_LIGHT);

  n = count_colours (light, &top);
  g_test_message ("%s light: %u colours, background %.0f %%", name, n, top * 100);
  g_assert_cmpuint (n, >=, min_colours);
  g_assert_cmpfloat (top, <, 0.97); /* not one flat fill */
  n = count_colours (dark, &top);
  g_test_message ("%s dark: %u colours, background %.0f %%", name, n, top * 100);
  g_assert_cmpuint (n, >=, min_colours);
  g_assert_cmpfloat (top, <, 0.97);

  light_luma = mean_luma (light);
  dark_luma = mean_luma (dark);
  diff = diff_share (light, dark);
  g_test_message ("%s: mean luma light %.2f dark %.2f, %.0f %% of pixels differ", name,
                  light_luma, dark_luma, diff * 100);
  g_assert_cmpfloat (diff, >, 0.2); /* a heatmap keeps its own colours in both */
  g_assert_cmpfloat (dark_luma, <, light_luma - 0.1);

  cairo_surface_destroy (light);
  cairo_surface_destroy (dark);
}


/* Hovers (@x, @y) of @widget: emits "motion" on the widget's own
 * GtkEventControllerMotion, as GTK does for a pointer there. GTK 4.8 has no
 * public way to inject input events, and a real pointer would need xdotool,
 * which the set-up does not install. */
static gboolean
move_pointer (GtkWidget *window, GtkWidget *widget, double x, double y)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
      if (GTK_IS_EVENT_CONTROLLER_MOTION (controller))
        {
          g_signal_emit_by_name (controller, "motion", x, y);
          return TRUE;
        }
    }
  return FALSE;
}

typedef struct {
  gint64 hovered;
  gint64 activated;
} ScatterSignals;

static void
on_point_hovered (EmScatterPlot *plot, gint64 id, ScatterSignals *sig)
{
  sig->hovered = id;
}

static gboolean
hovered_is_special (gpointer data)
{
  return ((ScatterSignals *) data)->hovered == 424242;
}

static gboolean
wait_for (gboolean (*cond) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint tick = g_timeout_add (10, wake_up, NULL);
  gboolean ok;

  while (!(ok = cond (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return ok;
}

#define REQUIRE_DISPLAY()               \
  G_STMT_START {                        \
    if (!have_display)                  \
      {                                 \
        g_test_skip ("no display");     \
        return;                         \
      }                                 \
  } G_STMT_END

/* ---- line plot ------------------------------------------------------------ */

static EmSeriesModel *
make_sensor_model (void)
{
  EmSeriesModel *model = em_series_model_new ();
  const char *names[] = { "accX", "accY", "accZ" };

  for (guint s = 0; s < 3; s++)
    {
      float y[500];
      guint idx = em_series_model_add_series (model, names[s], FALSE);

      for (guint i = 0; i < G_N_ELEMENTS (y); i++)
        y[i] = (float) ((s + 1) * 2.5 * sin (i * 0.03 * (s + 1) + s) + (s == 2 ? 9.81 : 0));
      em_series_model_set_values (model, idx, NULL, y, G_N_ELEMENTS (y));
    }
  return model;
}

static void
test_line_plot_render (void)
{
  g_autoptr(EmSeriesModel) model = NULL;
  GtkWidget *plot, *window;

  REQUIRE_DISPLAY ();
  model = make_sensor_model ();
  plot = em_line_plot_new (model);
  em_line_plot_set_x_label (EM_LINE_PLOT (plot), "Sample");
  em_line_plot_set_y_label (EM_LINE_PLOT (plot), "m/s²");
  window = show_in_window (plot, 640, 360);
  check_light_dark (window, "line-plot", 32);
  /* Hover readout and marker. */
  if (move_pointer (window, plot, gtk_widget_get_width (plot) * 0.45, gtk_widget_get_height (plot) * 0.5))
    {
      cairo_surface_t *shot;
      spin (200);
      shot = render (window);
      save (shot, "line-plot-hover.png");
      cairo_surface_destroy (shot);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_line_plot_zoom (void)
{
  g_autoptr(EmSeriesModel) model = NULL;
  double x0, x1, y0, y1, zx0, zx1, zy0, zy1, cx, span;
  GtkWidget *plot, *window;
  guint series, index;

  REQUIRE_DISPLAY ();
  model = make_sensor_model ();
  plot = em_line_plot_new (model);
  window = show_in_window (plot, 640, 360);

  g_assert_true (em_line_plot_get_view (EM_LINE_PLOT (plot), &x0, &x1, &y0, &y1));
  /* Not zoomed: x is exactly the data, y rounded out around it. */
  g_assert_cmpfloat (x0, ==, 0);
  g_assert_cmpfloat (x1, ==, 499);
  g_assert_cmpfloat (y0, <=, -5 + 0.01); /* accY reaches -5, accZ 9.81 + 7.5 */
  g_assert_cmpfloat (y1, >=, 9.81 + 7.5 - 0.01);
  g_assert_false (em_line_plot_get_zoomed (EM_LINE_PLOT (plot)));

  /* Scroll-style zoom on x (factor 2) around the middle of the widget. */
  em_line_plot_zoom_at (EM_LINE_PLOT (plot), gtk_widget_get_width (plot) / 2.0,
                        gtk_widget_get_height (plot) / 2.0, 2.0, 1.0);
  g_assert_true (em_line_plot_get_zoomed (EM_LINE_PLOT (plot)));
  g_assert_true (em_line_plot_get_view (EM_LINE_PLOT (plot), &zx0, &zx1, &zy0, &zy1));
  g_test_message ("view x [%g, %g] -> [%g, %g]", x0, x1, zx0, zx1);
  g_assert_cmpfloat_with_epsilon (zx1 - zx0, (x1 - x0) / 2, 1e-6);
  g_assert_cmpfloat (zx0, >, x0);
  g_assert_cmpfloat (zx1, <, x1);
  g_assert_cmpfloat (zy0, ==, y0); /* plain scroll leaves y alone */
  g_assert_cmpfloat (zy1, ==, y1);
  spin (50);

  /* Ctrl-style zoom on both axes, out this time. */
  cx = (zx0 + zx1) / 2;
  span = zx1 - zx0;
  em_line_plot_zoom_at (EM_LINE_PLOT (plot), gtk_widget_get_width (plot) / 2.0,
                        gtk_widget_get_height (plot) / 2.0, 0.5, 0.5);
  g_assert_true (em_line_plot_get_view (EM_LINE_PLOT (plot), &zx0, &zx1, &zy0, &zy1));
  g_assert_cmpfloat_with_epsilon (zx1 - zx0, span * 2, 1e-6);
  g_assert_cmpfloat_with_epsilon (zy1 - zy0, (y1 - y0) * 2, 1e-6);
  g_assert_cmpfloat (fabs ((zx0 + zx1) / 2 - cx), <, span); /* stayed near the same place */

  /* While zoomed, growing data does not move the view... */
  em_series_model_append (model, 0, 1.0f);
  g_assert_true (em_line_plot_get_view (EM_LINE_PLOT (plot), &x0, &x1, NULL, NULL));
  g_assert_cmpfloat (x0, ==, zx0);
  g_assert_cmpfloat (x1, ==, zx1);
  /* ...after a reset it follows the data again, growth included. */
  em_line_plot_reset_zoom (EM_LINE_PLOT (plot));
  g_assert_false (em_line_plot_get_zoomed (EM_LINE_PLOT (plot)));
  g_assert_true (em_line_plot_get_view (EM_LINE_PLOT (plot), &x0, &x1, NULL, NULL));
  g_assert_cmpfloat (x1, ==, 500);
  em_series_model_append (model, 0, 2.0f);
  g_assert_true (em_line_plot_get_view (EM_LINE_PLOT (plot), NULL, &x1, NULL, NULL));
  g_assert_cmpfloat (x1, ==, 501);
  /* The action is the reset button's and is only enabled when zoomed. */
  em_line_plot_zoom_at (EM_LINE_PLOT (plot), 300, 150, 1.5, 1.0);
  g_assert_true (gtk_widget_activate_action (plot, "plot.reset-zoom", NULL));
  g_assert_false (em_line_plot_get_zoomed (EM_LINE_PLOT (plot)));

  /* Picking: nothing outside the plot area, a point of some series inside it. */
  g_assert_false (em_line_plot_pick (EM_LINE_PLOT (plot), -10, -10, &series, &index));
  spin (50);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
count_changed (guint *count)
{
  (*count)++;
}

/* Training curves growing epoch by epoch with explicit x, as the learn page
 * feeds them. */
static void
test_line_plot_training (void)
{
  g_autoptr(EmSeriesModel) model = em_series_model_new ();
  GtkWidget *plot, *window;
  guint loss, val, changes = 0;
  double x1, y1;

  REQUIRE_DISPLAY ();
  loss = em_series_model_add_series (model, "loss", TRUE);
  val = em_series_model_add_series (model, "val_loss", TRUE);
  g_signal_connect_swapped (model, "changed", G_CALLBACK (count_changed), &changes);
  plot = em_line_plot_new (model);
  em_line_plot_set_x_label (EM_LINE_PLOT (plot), "Epoch");
  em_line_plot_set_y_label (EM_LINE_PLOT (plot), "Loss");
  window = show_in_window (plot, 560, 320);
  for (guint epoch = 1; epoch <= 30; epoch++)
    {
      em_series_model_freeze_changed (model);
      em_series_model_append_xy (model, loss, epoch, (float) (2.3 * exp (-(double) epoch / 8.0) + 0.05));
      em_series_model_append_xy (model, val, epoch, (float) (2.3 * exp (-(double) epoch / 10.0) + 0.12));
      em_series_model_thaw_changed (model);
      if (epoch % 10 == 0)
        spin (20);
    }
  g_assert_cmpuint (em_series_model_get_n_points (model, val), ==, 30);
  g_assert_cmpuint (changes, ==, 30); /* one "changed" per frozen epoch, not per point */
  g_assert_true (em_line_plot_get_view (EM_LINE_PLOT (plot), NULL, &x1, NULL, &y1));
  g_assert_cmpfloat (x1, ==, 30);
  g_assert_cmpfloat (y1, >=, 2.3 * exp (-1 / 10.0) + 0.12);
  check_light_dark (window, "line-plot-training", 32);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- heatmap -------------------------------------------------------------- */

static void
test_heatmap (void)
{
  const guint rows = 40, cols = 100;
  g_autofree float *values = g_new (float, rows * cols);
  GtkWidget *map, *window;
  double lo, hi;

  REQUIRE_DISPLAY ();
  /* A spectrogram-ish picture: a falling chirp over low-frequency energy. */
  for (guint r = 0; r < rows; r++)
    for (guint c = 0; c < cols; c++)
      {
        double chirp = 30 - c * 0.25;
        values[r * cols + c] = (float) (-60 + 40 * exp (-(r - chirp) * (r - chirp) / 6.0) +
                                        20 * exp (-(double) r / 8.0) + 3 * sin (c * 0.7));
      }
  map = em_heatmap_new ();
  em_heatmap_set_data (EM_HEATMAP (map), rows, cols, values);
  values[0] = 1e6f; /* copied: changing ours changes nothing there */
  g_assert_true (em_heatmap_get_range (EM_HEATMAP (map), &lo, &hi));
  g_assert_cmpfloat (hi, <, 10);
  g_assert_cmpuint (em_heatmap_get_rows (EM_HEATMAP (map)), ==, rows);
  g_assert_cmpuint (em_heatmap_get_cols (EM_HEATMAP (map)), ==, cols);
  em_heatmap_set_x_label (EM_HEATMAP (map), "Frame");
  em_heatmap_set_y_label (EM_HEATMAP (map), "Mel bin");
  window = show_in_window (map, 640, 320);
  check_light_dark (window, "heatmap", 64);

  em_heatmap_set_range (EM_HEATMAP (map), -80, 0);
  g_assert_true (em_heatmap_get_range (EM_HEATMAP (map), &lo, &hi));
  g_assert_cmpfloat (lo, ==, -80);
  em_heatmap_set_range (EM_HEATMAP (map), NAN, NAN);
  g_assert_true (em_heatmap_get_range (EM_HEATMAP (map), &lo, &hi));
  g_assert_cmpfloat (lo, >, -80);
  spin (50);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- scatter -------------------------------------------------------------- */

#define N_SCATTER  50000
#define SPECIAL_ID 424242

static EmScatterPoint *
make_scatter_points (void)
{
  EmScatterPoint *pts = g_new (EmScatterPoint, N_SCATTER);
  GRand *rand = g_rand_new_with_seed (7);

  /* Five Gaussian blobs in [-4, 4]², and one lone point far out at (9, 9). */
  for (guint i = 0; i < N_SCATTER - 1; i++)
    {
      guint c = i % 5;
      double a = g_rand_double (rand) * 2 * G_PI, r = sqrt (-2 * log (1 - g_rand_double (rand)));
      pts[i].x = (float) (2.5 * cos (c * 1.3) + 0.7 * r * cos (a));
      pts[i].y = (float) (2.5 * sin (c * 1.3) + 0.7 * r * sin (a));
      pts[i].class_index = c;
      pts[i].id = 1000 + i;
    }
  pts[N_SCATTER - 1] = (EmScatterPoint) { 9.0f, 9.0f, 2, SPECIAL_ID };
  g_rand_free (rand);
  return pts;
}

static void
test_scatter (void)
{
  static const char * const classes[] = { "yes", "no", "noise", "unknown", "maybe", NULL };
  g_autofree EmScatterPoint *pts = make_scatter_points ();
  g_autofree double *px = g_new (double, N_SCATTER);
  g_autofree double *py = g_new (double, N_SCATTER);
  GtkWidget *plot, *window;
  GRand *rand = g_rand_new_with_seed (11);
  double sx, sy, x0, x1, y0, y1;
  guint renders, hits = 0;
  gint64 id = -1;
  gint64 t0;

  REQUIRE_DISPLAY ();
  plot = em_scatter_plot_new ();
  t0 = g_get_monotonic_time ();
  em_scatter_plot_set_points (EM_SCATTER_PLOT (plot), pts, N_SCATTER);
  g_test_message ("set 50k points (copy + index): %.1f ms", (g_get_monotonic_time () - t0) / 1000.0);
  em_scatter_plot_set_class_names (EM_SCATTER_PLOT (plot), classes);
  em_scatter_plot_set_x_label (EM_SCATTER_PLOT (plot), "Component 1");
  em_scatter_plot_set_y_label (EM_SCATTER_PLOT (plot), "Component 2");
  window = show_in_window (plot, 640, 480);
  check_light_dark (window, "scatter", 32);

  /* The lone point is found from its own pixel and a few pixels off. */
  g_assert_true (em_scatter_plot_point_to_widget (EM_SCATTER_PLOT (plot), N_SCATTER - 1, &sx, &sy));
  g_assert_true (em_scatter_plot_pick (EM_SCATTER_PLOT (plot), sx, sy, 8, &id));
  g_assert_cmpint (id, ==, SPECIAL_ID);
  g_assert_true (em_scatter_plot_pick (EM_SCATTER_PLOT (plot), sx + 4, sy - 3, 8, &id));
  g_assert_cmpint (id, ==, SPECIAL_ID);
  g_assert_false (em_scatter_plot_pick (EM_SCATTER_PLOT (plot), sx + 30, sy, 8, &id));

  /* The grid index against brute force at random spots in the crowd: the
   * picked point must be at the least distance there is. */
  for (guint i = 0; i < N_SCATTER; i++)
    g_assert_true (em_scatter_plot_point_to_widget (EM_SCATTER_PLOT (plot), i, &px[i], &py[i]));
  for (guint k = 0; k < 300; k++)
    {
      guint j = (guint) g_rand_int_range (rand, 0, N_SCATTER - 1);
      double qx = px[j] + g_rand_double_range (rand, -6, 6), qy = py[j] + g_rand_double_range (rand, -6, 6);
      double best = INFINITY, picked = INFINITY;
      gboolean found;

      for (guint i = 0; i < N_SCATTER; i++)
        best = MIN (best, hypot (px[i] - qx, py[i] - qy));
      found = em_scatter_plot_pick (EM_SCATTER_PLOT (plot), qx, qy, 8, &id);
      g_assert_cmpint (found, ==, best <= 8);
      if (!found)
        continue;
      hits++;
      g_assert_cmpint (id, >=, 1000);
      picked = hypot (px[id - 1000] - qx, py[id - 1000] - qy);
      g_assert_cmpfloat_with_epsilon (picked, best, 1e-6);
    }
  g_assert_cmpuint (hits, >, 250);
  g_rand_free (rand);

  /* Redraws that change nothing reuse the cached points; a zoom does not. */
  renders = em_scatter_plot_get_render_count (EM_SCATTER_PLOT (plot));
  g_assert_cmpuint (renders, >=, 1);
  cairo_surface_destroy (render (window));
  gtk_widget_queue_draw (plot);
  spin (50);
  g_assert_cmpuint (em_scatter_plot_get_render_count (EM_SCATTER_PLOT (plot)), ==, renders);
  g_assert_true (em_scatter_plot_get_view (EM_SCATTER_PLOT (plot), &x0, &x1, &y0, &y1));
  em_scatter_plot_zoom_at (EM_SCATTER_PLOT (plot), sx, sy, 4);
  cairo_surface_destroy (render (window));
  g_assert_cmpuint (em_scatter_plot_get_render_count (EM_SCATTER_PLOT (plot)), ==, renders + 1);
  g_assert_true (em_scatter_plot_get_zoomed (EM_SCATTER_PLOT (plot)));
  {
    double zx0, zx1, zy0, zy1;
    g_assert_true (em_scatter_plot_get_view (EM_SCATTER_PLOT (plot), &zx0, &zx1, &zy0, &zy1));
    g_assert_cmpfloat_with_epsilon (zx1 - zx0, (x1 - x0) / 4, 1e-6);
  }
  /* Zoomed around the lone point, it is still under the same pixel. */
  g_assert_true (em_scatter_plot_pick (EM_SCATTER_PLOT (plot), sx, sy, 2, &id));
  g_assert_cmpint (id, ==, SPECIAL_ID);
  em_scatter_plot_reset_zoom (EM_SCATTER_PLOT (plot));
  spin (50);

  /* The pointer over the lone point: "point-hovered" with its id, the
   * highlight and readout drawn, and still no re-render of the points. */
  {
    ScatterSignals sig = { -1, -1 };
    gulong handler = g_signal_connect (plot, "point-hovered", G_CALLBACK (on_point_hovered), &sig);

    cairo_surface_destroy (render (window));
    renders = em_scatter_plot_get_render_count (EM_SCATTER_PLOT (plot));
    if (move_pointer (window, plot, sx + 2, sy + 1))
      {
        cairo_surface_t *shot;

        g_assert_true (wait_for (hovered_is_special, &sig, WAIT_MS));
        /* Off every point: -1. */
        g_assert_true (move_pointer (window, plot, sx - 60, sy + 40));
        g_assert_cmpint (sig.hovered, ==, -1);
        g_assert_true (move_pointer (window, plot, sx + 2, sy + 1));
        g_assert_cmpint (sig.hovered, ==, SPECIAL_ID);
        g_assert_cmpint (em_scatter_plot_get_hovered_id (EM_SCATTER_PLOT (plot)), ==, SPECIAL_ID);
        spin (50);
        shot = render (window);
        save (shot, "scatter-hover.png");
        cairo_surface_destroy (shot);
        g_assert_cmpuint (em_scatter_plot_get_render_count (EM_SCATTER_PLOT (plot)), ==, renders);
      }
    else
      g_assert_not_reached ();
    g_signal_handler_disconnect (plot, handler);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- confusion matrix and bars ---------------------------------------------- */

static void
test_confusion_matrix (void)
{
  static const char * const labels[] = { "yes", "no", "noise", "unknown" };
  static const guint counts[] = {
    92,  3,  4,  1,
     5, 80, 10,  5,
     0,  2, 47,  1,
     7,  9,  4,  0,
  };
  GtkWidget *cm, *window;

  REQUIRE_DISPLAY ();
  cm = em_confusion_matrix_new ();
  em_confusion_matrix_set_data (EM_CONFUSION_MATRIX (cm), 4, labels, counts);
  g_assert_cmpuint (em_confusion_matrix_get_n (EM_CONFUSION_MATRIX (cm)), ==, 4);
  g_assert_cmpfloat_with_epsilon (em_confusion_matrix_get_fraction (EM_CONFUSION_MATRIX (cm), 0, 0), 0.92, 1e-9);
  g_assert_cmpfloat_with_epsilon (em_confusion_matrix_get_fraction (EM_CONFUSION_MATRIX (cm), 2, 2), 0.94, 1e-9);
  g_assert_cmpfloat (em_confusion_matrix_get_fraction (EM_CONFUSION_MATRIX (cm), 3, 3), ==, 0);
  window = show_in_window (cm, 480, 400);
  check_light_dark (window, "confusion-matrix", 32);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_bar_chart (void)
{
  static const char * const labels[] = { "yes", "no", "noise", "unknown", "_silence" };
  static const double values[] = { 412, 398, 1250, 77, 0 };
  static const char * const features[] = { "accX RMS", "accY RMS", "accZ skew", "spectral peak 1",
                                            "spectral peak 2" };
  static const double importance[] = { 0.42, 0.18, -0.07, 0.31, 0.02 };
  GtkWidget *box, *bars, *bars2, *window;

  REQUIRE_DISPLAY ();
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  bars = em_bar_chart_new ();
  em_bar_chart_set_data (EM_BAR_CHART (bars), G_N_ELEMENTS (values), labels, values);
  em_bar_chart_set_multicolor (EM_BAR_CHART (bars), TRUE);
  em_bar_chart_set_value_label (EM_BAR_CHART (bars), "Samples");
  bars2 = em_bar_chart_new ();
  em_bar_chart_set_data (EM_BAR_CHART (bars2), G_N_ELEMENTS (importance), features, importance);
  em_bar_chart_set_value_label (EM_BAR_CHART (bars2), "Importance");
  g_assert_cmpuint (em_bar_chart_get_n (EM_BAR_CHART (bars2)), ==, 5);
  gtk_widget_set_vexpand (bars, TRUE);
  gtk_widget_set_vexpand (bars2, TRUE);
  gtk_box_append (GTK_BOX (box), bars);
  gtk_box_append (GTK_BOX (box), bars2);
  window = show_in_window (box, 520, 420);
  check_light_dark (window, "bar-chart", 32);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Empty widgets draw a frame or nothing, and never warn. */
static void
test_empty (void)
{
  GtkWidget *box, *window;
  g_autoptr(EmSeriesModel) model = em_series_model_new ();

  REQUIRE_DISPLAY ();
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_box_append (GTK_BOX (box), em_line_plot_new (NULL));
  gtk_box_append (GTK_BOX (box), em_line_plot_new (model));
  gtk_box_append (GTK_BOX (box), em_heatmap_new ());
  gtk_box_append (GTK_BOX (box), em_scatter_plot_new ());
  gtk_box_append (GTK_BOX (box), em_confusion_matrix_new ());
  gtk_box_append (GTK_BOX (box), em_bar_chart_new ());
  window = show_in_window (box, 900, 200);
  cairo_surface_destroy (render (window));
  em_series_model_add_series (model, "one point", FALSE);
  em_series_model_append (model, 0, 3.0f);
  cairo_surface_destroy (render (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Belt and braces: g_test_init() already makes these fatal. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_FATAL_MASK);

  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();

  g_test_add_func ("/widgets/line-plot/render", test_line_plot_render);
  g_test_add_func ("/widgets/line-plot/zoom", test_line_plot_zoom);
  g_test_add_func ("/widgets/line-plot/training", test_line_plot_training);
  g_test_add_func ("/widgets/heatmap", test_heatmap);
  g_test_add_func ("/widgets/scatter", test_scatter);
  g_test_add_func ("/widgets/confusion-matrix", test_confusion_matrix);
  g_test_add_func ("/widgets/bar-chart", test_bar_chart);
  g_test_add_func ("/widgets/empty", test_empty);
  return g_test_run ();
}
