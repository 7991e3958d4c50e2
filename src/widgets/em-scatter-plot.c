/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>

#include "em-scatter-plot.h"
#include "em-plot-draw-private.h"

#define HOVER_RADIUS 8.0
#define ZOOM_STEP    1.25

struct _EmScatterPlot
{
  GtkWidget        parent_instance;

  EmScatterPoint  *points;
  guint            n_points;
  guint            n_classes;   /* max class_index + 1 */
  guint           *by_class;    /* point indices sorted by class */
  GStrv            class_names;
  char            *x_label;
  char            *y_label;

  /* Auto view: the finite data bounds. */
  gboolean         have_bounds;
  double           bx0, bx1, by0, by1;

  /* Uniform grid over the data bounds: the points of cell c are
   * grid_points[grid_start[c] .. grid_start[c + 1]). */
  guint            grid_n;      /* cells per side */
  guint           *grid_start;
  guint           *grid_points;

  gboolean         zoomed;
  double           vx0, vx1, vy0, vy1;
  double           drag_vx0, drag_vx1, drag_vy0, drag_vy1;
  graphene_rect_t  drag_area;

  /* The rendered points and what they were rendered for. */
  cairo_surface_t *cache;
  graphene_rect_t  cache_area;
  double           cache_view[4];
  gboolean         cache_dark;
  int              cache_scale;
  guint            render_count;
  guint            legend_corner; /* chosen with each render */

  double           pointer_x, pointer_y;
  gint64           hovered_id;
  int              hovered_index; /* -1: none */
};

G_DEFINE_FINAL_TYPE (EmScatterPlot, em_scatter_plot, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_HOVERED_ID, PROP_ZOOMED, PROP_X_LABEL, PROP_Y_LABEL, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { POINT_HOVERED, POINT_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct {
  double          x0, x1, y0, y1;
  EmPlotTicks     xticks, yticks;
  EmPlotMap       xmap, ymap;
  graphene_rect_t area;
} Layout;

/* ---- data and index --------------------------------------------------------- */

static void
clear_data (EmScatterPlot *self)
{
  g_clear_pointer (&self->points, g_free);
  g_clear_pointer (&self->by_class, g_free);
  g_clear_pointer (&self->grid_start, g_free);
  g_clear_pointer (&self->grid_points, g_free);
  g_clear_pointer (&self->cache, cairo_surface_destroy);
  self->n_points = self->n_classes = self->grid_n = 0;
  self->have_bounds = FALSE;
}

static guint
grid_coord (double v, double lo, double hi, guint n)
{
  double f = hi > lo ? (v - lo) / (hi - lo) : 0.5;
  return (guint) CLAMP (f * n, 0, n - 1);
}

static void
build_index (EmScatterPlot *self)
{
  guint n = self->n_points, cells, *fill;
  g_autofree guint *class_count = NULL;

  self->bx0 = self->by0 = INFINITY;
  self->bx1 = self->by1 = -INFINITY;
  self->n_classes = 0;
  for (guint i = 0; i < n; i++)
    {
      const EmScatterPoint *p = &self->points[i];
      /* Capped: a stray huge index must not size the legend or overflow. */
      self->n_classes = MAX (self->n_classes, MIN (p->class_index, 1023) + 1);
      if (!isfinite (p->x) || !isfinite (p->y))
        continue;
      self->bx0 = MIN (self->bx0, p->x);
      self->bx1 = MAX (self->bx1, p->x);
      self->by0 = MIN (self->by0, p->y);
      self->by1 = MAX (self->by1, p->y);
    }
  self->have_bounds = self->bx0 <= self->bx1;

  /* Points grouped by class (counting sort), so each class fills in one go. */
  class_count = g_new0 (guint, self->n_classes + 1);
  self->by_class = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    class_count[MIN (self->points[i].class_index, self->n_classes - 1) + 1]++;
  for (guint c = 0; c < self->n_classes; c++)
    class_count[c + 1] += class_count[c];
  for (guint i = 0; i < n; i++)
    self->by_class[class_count[MIN (self->points[i].class_index, self->n_classes - 1)]++] = i;

  if (!self->have_bounds)
    return;
  /* About two points per cell keeps a lookup to a handful of distances. */
  self->grid_n = (guint) CLAMP (sqrt (n / 2.0), 1, 1024);
  cells = self->grid_n * self->grid_n;
  self->grid_start = g_new0 (guint, cells + 1);
  self->grid_points = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    {
      const EmScatterPoint *p = &self->points[i];
      if (isfinite (p->x) && isfinite (p->y))
        self->grid_start[grid_coord (p->y, self->by0, self->by1, self->grid_n) * self->grid_n +
                         grid_coord (p->x, self->bx0, self->bx1, self->grid_n) + 1]++;
    }
  for (guint c = 0; c < cells; c++)
    self->grid_start[c + 1] += self->grid_start[c];
  fill = g_memdup2 (self->grid_start, cells * sizeof (guint));
  for (guint i = 0; i < n; i++)
    {
      const EmScatterPoint *p = &self->points[i];
      if (isfinite (p->x) && isfinite (p->y))
        self->grid_points[fill[grid_coord (p->y, self->by0, self->by1, self->grid_n) * self->grid_n +
                               grid_coord (p->x, self->bx0, self->bx1, self->grid_n)]++] = i;
    }
  g_free (fill);
}

/* ---- view and layout -------------------------------------------------------- */

gboolean
em_scatter_plot_get_view (EmScatterPlot *self, double *x_min, double *x_max, double *y_min, double *y_max)
{
  double v[4];

  g_return_val_if_fail (EM_IS_SCATTER_PLOT (self), FALSE);

  if (self->zoomed)
    {
      v[0] = self->vx0, v[1] = self->vx1, v[2] = self->vy0, v[3] = self->vy1;
    }
  else
    {
      EmPlotTicks t;

      if (!self->have_bounds)
        return FALSE;
      /* Rounded out to ticks so no point sits on the frame. */
      em_plot_ticks_compute (self->bx0, self->bx1, 5, &t);
      v[0] = em_plot_ticks_min (&t), v[1] = em_plot_ticks_max (&t);
      em_plot_ticks_compute (self->by0, self->by1, 5, &t);
      v[2] = em_plot_ticks_min (&t), v[3] = em_plot_ticks_max (&t);
    }
  if (x_min != NULL)
    *x_min = v[0];
  if (x_max != NULL)
    *x_max = v[1];
  if (y_min != NULL)
    *y_min = v[2];
  if (y_max != NULL)
    *y_max = v[3];
  return TRUE;
}

static gboolean
compute_layout (EmScatterPlot *self, Layout *lo)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);

  if (width <= 0 || height <= 0 || !em_scatter_plot_get_view (self, &lo->x0, &lo->x1, &lo->y0, &lo->y1))
    return FALSE;
  em_plot_ticks_compute (lo->x0, lo->x1, CLAMP (width / 100, 2, 10), &lo->xticks);
  em_plot_ticks_compute (lo->y0, lo->y1, CLAMP (height / 50, 2, 8), &lo->yticks);
  em_plot_layout_area (widget, width, height, &lo->xticks, &lo->yticks, self->x_label,
                       self->y_label, 0, &lo->area);
  em_plot_map_init (&lo->xmap, lo->x0, lo->x1, lo->area.origin.x, lo->area.origin.x + lo->area.size.width);
  em_plot_map_init (&lo->ymap, lo->y0, lo->y1, lo->area.origin.y + lo->area.size.height, lo->area.origin.y);
  return TRUE;
}

static void
set_zoomed (EmScatterPlot *self, gboolean zoomed)
{
  if (self->zoomed == zoomed)
    return;
  self->zoomed = zoomed;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plot.reset-zoom", zoomed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOMED]);
}

static void
set_view (EmScatterPlot *self, double x0, double x1, double y0, double y1)
{
  self->vx0 = x0, self->vx1 = x1, self->vy0 = y0, self->vy1 = y1;
  set_zoomed (self, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
em_scatter_plot_zoom_at (EmScatterPlot *self, double x, double y, double factor)
{
  Layout lo;
  double cx, cy;

  g_return_if_fail (EM_IS_SCATTER_PLOT (self));
  g_return_if_fail (factor > 0);

  if (!compute_layout (self, &lo))
    return;
  cx = em_plot_map_to_value (&lo.xmap, x);
  cy = em_plot_map_to_value (&lo.ymap, y);
  if ((lo.x1 - lo.x0) / factor < 1e-9 * MAX (1.0, fabs (cx)) ||
      (lo.y1 - lo.y0) / factor < 1e-9 * MAX (1.0, fabs (cy)))
    return;
  set_view (self, cx + (lo.x0 - cx) / factor, cx + (lo.x1 - cx) / factor,
            cy + (lo.y0 - cy) / factor, cy + (lo.y1 - cy) / factor);
}

void
em_scatter_plot_reset_zoom (EmScatterPlot *self)
{
  g_return_if_fail (EM_IS_SCATTER_PLOT (self));
  set_zoomed (self, FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
em_scatter_plot_get_zoomed (EmScatterPlot *self)
{
  g_return_val_if_fail (EM_IS_SCATTER_PLOT (self), FALSE);
  return self->zoomed;
}

/* ---- picking ---------------------------------------------------------------- */

gboolean
em_scatter_plot_point_to_widget (EmScatterPlot *self, guint index, double *x, double *y)
{
  Layout lo;

  g_return_val_if_fail (EM_IS_SCATTER_PLOT (self), FALSE);
  g_return_val_if_fail (index < self->n_points, FALSE);

  if (!isfinite (self->points[index].x) || !isfinite (self->points[index].y) ||
      !compute_layout (self, &lo))
    return FALSE;
  *x = em_plot_map_to_pixel (&lo.xmap, self->points[index].x);
  *y = em_plot_map_to_pixel (&lo.ymap, self->points[index].y);
  return TRUE;
}

static int
pick_index (EmScatterPlot *self, double x, double y, double radius)
{
  double best = radius * radius, ax, bx, ay, by;
  guint cx0, cx1, cy0, cy1;
  int found = -1;
  Layout lo;

  if (self->grid_n == 0 || !compute_layout (self, &lo) ||
      !graphene_rect_contains_point (&lo.area, &GRAPHENE_POINT_INIT ((float) x, (float) y)))
    return -1;
  /* The pixel disc as a data-space box, then the grid cells it touches. */
  ax = em_plot_map_to_value (&lo.xmap, x - radius);
  bx = em_plot_map_to_value (&lo.xmap, x + radius);
  ay = em_plot_map_to_value (&lo.ymap, y + radius);
  by = em_plot_map_to_value (&lo.ymap, y - radius);
  if (bx < self->bx0 || ax > self->bx1 || by < self->by0 || ay > self->by1)
    return -1;
  cx0 = grid_coord (ax, self->bx0, self->bx1, self->grid_n);
  cx1 = grid_coord (bx, self->bx0, self->bx1, self->grid_n);
  cy0 = grid_coord (ay, self->by0, self->by1, self->grid_n);
  cy1 = grid_coord (by, self->by0, self->by1, self->grid_n);
  for (guint gy = cy0; gy <= cy1; gy++)
    for (guint gx = cx0; gx <= cx1; gx++)
      {
        guint c = gy * self->grid_n + gx;
        for (guint k = self->grid_start[c]; k < self->grid_start[c + 1]; k++)
          {
            const EmScatterPoint *p = &self->points[self->grid_points[k]];
            double dx = em_plot_map_to_pixel (&lo.xmap, p->x) - x;
            double dy = em_plot_map_to_pixel (&lo.ymap, p->y) - y;
            double d = dx * dx + dy * dy;

            if (d < best)
              {
                best = d;
                found = (int) self->grid_points[k];
              }
          }
      }
  return found;
}

gboolean
em_scatter_plot_pick (EmScatterPlot *self, double x, double y, double radius, gint64 *id)
{
  int i;

  g_return_val_if_fail (EM_IS_SCATTER_PLOT (self), FALSE);

  i = pick_index (self, x, y, radius);
  if (i < 0)
    return FALSE;
  if (id != NULL)
    *id = self->points[i].id;
  return TRUE;
}

static void
set_hovered (EmScatterPlot *self, int index)
{
  gint64 id = index >= 0 ? self->points[index].id : -1;

  if (index == self->hovered_index)
    return;
  self->hovered_index = index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (id == self->hovered_id)
    return;
  self->hovered_id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOVERED_ID]);
  g_signal_emit (self, signals[POINT_HOVERED], 0, id);
}

gint64
em_scatter_plot_get_hovered_id (EmScatterPlot *self)
{
  g_return_val_if_fail (EM_IS_SCATTER_PLOT (self), -1);
  return self->hovered_id;
}

/* ---- drawing ---------------------------------------------------------------- */

static void
render_cache (EmScatterPlot *self, const Layout *lo, const EmPlotColors *colors, int scale)
{
  int w = (int) ceil (lo->area.size.width), h = (int) ceil (lo->area.size.height);
  /* Small dots for crowds, rounder ones when there is room to see them. */
  double r = self->n_points > 20000 ? 1.5 : self->n_points > 2000 ? 2.0 : 3.0;
  gboolean squares = self->n_points > 5000;
  guint k = 0;
  cairo_t *cr;

  g_clear_pointer (&self->cache, cairo_surface_destroy);
  self->cache = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w * scale, h * scale);
  cairo_surface_set_device_scale (self->cache, scale, scale);
  cr = cairo_create (self->cache);
  cairo_translate (cr, -lo->area.origin.x, -lo->area.origin.y);
  for (guint c = 0; c < self->n_classes; c++)
    {
      GdkRGBA color;

      em_plot_palette_rgba (colors, c, 0.8f, &color);
      gdk_cairo_set_source_rgba (cr, &color);
      for (; k < self->n_points && MIN (self->points[self->by_class[k]].class_index,
                                         self->n_classes - 1) == c; k++)
        {
          const EmScatterPoint *p = &self->points[self->by_class[k]];
          double px, py;

          if (!isfinite (p->x) || !isfinite (p->y))
            continue;
          px = em_plot_map_to_pixel (&lo->xmap, p->x);
          py = em_plot_map_to_pixel (&lo->ymap, p->y);
          if (px < lo->area.origin.x - r || py < lo->area.origin.y - r ||
              px > lo->area.origin.x + lo->area.size.width + r ||
              py > lo->area.origin.y + lo->area.size.height + r)
            continue;
          if (squares)
            cairo_rectangle (cr, px - r, py - r, 2 * r, 2 * r);
          else
            {
              cairo_new_sub_path (cr);
              cairo_arc (cr, px, py, r, 0, 2 * G_PI);
            }
        }
      cairo_fill (cr);
    }
  cairo_destroy (cr);

  self->cache_area = lo->area;
  self->cache_view[0] = lo->x0, self->cache_view[1] = lo->x1;
  self->cache_view[2] = lo->y0, self->cache_view[3] = lo->y1;
  self->cache_dark = colors->dark;
  self->cache_scale = scale;
  self->render_count++;
}

static gboolean
cache_valid (EmScatterPlot *self, const Layout *lo, const EmPlotColors *colors, int scale)
{
  return self->cache != NULL && graphene_rect_equal (&self->cache_area, &lo->area) &&
         self->cache_view[0] == lo->x0 && self->cache_view[1] == lo->x1 &&
         self->cache_view[2] == lo->y0 && self->cache_view[3] == lo->y1 &&
         self->cache_dark == colors->dark && self->cache_scale == scale;
}

/* The corner whose legend box covers the fewest points; only counted when
 * the points were re-rendered, not on every hover redraw. */
static guint
legend_corner (EmScatterPlot *self, const Layout *lo, const char * const *names, guint n)
{
  graphene_rect_t boxes[EM_PLOT_N_CORNERS];
  guint counts[EM_PLOT_N_CORNERS] = { 0 };

  for (guint c = 0; c < EM_PLOT_N_CORNERS; c++)
    em_plot_legend_rect (GTK_WIDGET (self), &lo->area, names, n, c, &boxes[c]);
  for (guint i = 0; i < self->n_points; i++)
    {
      graphene_point_t pt = GRAPHENE_POINT_INIT ((float) em_plot_map_to_pixel (&lo->xmap, self->points[i].x),
                                                 (float) em_plot_map_to_pixel (&lo->ymap, self->points[i].y));
      for (guint c = 0; c < EM_PLOT_N_CORNERS; c++)
        if (graphene_rect_contains_point (&boxes[c], &pt))
          counts[c]++;
    }
  return em_plot_best_corner (counts);
}

static void
em_scatter_plot_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  EmScatterPlot *self = EM_SCATTER_PLOT (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  EmPlotColors colors;
  Layout lo;
  cairo_t *cr;

  em_plot_colors_get (widget, &colors);
  if (!compute_layout (self, &lo))
    {
      graphene_rect_t area;
      em_plot_layout_area (widget, gtk_widget_get_width (widget), gtk_widget_get_height (widget),
                           NULL, NULL, self->x_label, self->y_label, 0, &area);
      em_plot_draw_axes (widget, snapshot, &colors, &area, NULL, NULL, NULL, NULL,
                         self->x_label, self->y_label);
      return;
    }
  em_plot_draw_axes (widget, snapshot, &colors, &lo.area, &lo.xticks, &lo.xmap, &lo.yticks,
                     &lo.ymap, self->x_label, self->y_label);
  if (!cache_valid (self, &lo, &colors, scale))
    {
      render_cache (self, &lo, &colors, scale);
      self->legend_corner = EM_PLOT_N_CORNERS; /* to be chosen below */
    }

  cr = gtk_snapshot_append_cairo (snapshot, &lo.area);
  cairo_set_source_surface (cr, self->cache, lo.area.origin.x, lo.area.origin.y);
  cairo_paint (cr);
  cairo_destroy (cr);

  if (self->n_classes > 0)
    {
      guint n = MIN (self->n_classes, 16); /* beyond that a legend is noise */
      guint n_names = self->class_names != NULL ? g_strv_length (self->class_names) : 0;
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      g_autofree GdkRGBA *swatches = g_new0 (GdkRGBA, n);

      for (guint c = 0; c < n; c++)
        {
          g_ptr_array_add (names, c < n_names ? g_strdup (self->class_names[c])
                                              : g_strdup_printf ("Class %u", c));
          em_plot_palette_rgba (&colors, c, 1.0f, &swatches[c]);
        }
      if (self->legend_corner >= EM_PLOT_N_CORNERS)
        self->legend_corner = legend_corner (self, &lo, (const char * const *) names->pdata, n);
      em_plot_draw_legend (widget, snapshot, &colors, &lo.area,
                           (const char * const *) names->pdata, swatches, n, self->legend_corner);
    }
  if (self->hovered_index >= 0)
    {
      const EmScatterPoint *p = &self->points[self->hovered_index];
      double px = em_plot_map_to_pixel (&lo.xmap, p->x), py = em_plot_map_to_pixel (&lo.ymap, p->y);
      const char *name = p->class_index < g_strv_length (self->class_names) ?
                         self->class_names[p->class_index] : NULL;
      g_autofree char *fallback = g_strdup_printf ("Class %u", p->class_index);
      g_autofree char *text = NULL;
      GdkRGBA color;

      em_plot_palette_rgba (&colors, p->class_index, 1.0f, &color);
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT ((float) px - 9, (float) py - 9, 18, 18));
      cairo_arc (cr, px, py, 5, 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_fill_preserve (cr);
      gdk_cairo_set_source_rgba (cr, &colors.fg);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
      cairo_destroy (cr);
      text = g_strdup_printf ("%s   id %" G_GINT64_FORMAT "   (%.3g, %.3g)",
                              name != NULL ? name : fallback, p->id, p->x, p->y);
      em_plot_draw_readout (widget, snapshot, &colors, &lo.area, text, px, py);
    }
}

static void
em_scatter_plot_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                         int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 360;
}

/* ---- input ------------------------------------------------------------------ */

static void
motion_cb (GtkEventControllerMotion *motion, double x, double y, EmScatterPlot *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  set_hovered (self, pick_index (self, x, y, HOVER_RADIUS));
}

static void
leave_cb (GtkEventControllerMotion *motion, EmScatterPlot *self)
{
  set_hovered (self, -1);
}

static gboolean
scroll_cb (GtkEventControllerScroll *scroll, double dx, double dy, EmScatterPlot *self)
{
  if (dy == 0)
    return FALSE;
  em_scatter_plot_zoom_at (self, self->pointer_x, self->pointer_y, pow (ZOOM_STEP, -dy));
  set_hovered (self, pick_index (self, self->pointer_x, self->pointer_y, HOVER_RADIUS));
  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag *drag, double x, double y, EmScatterPlot *self)
{
  Layout lo;

  if (!compute_layout (self, &lo))
    {
      gtk_gesture_set_state (GTK_GESTURE (drag), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->drag_vx0 = lo.x0, self->drag_vx1 = lo.x1;
  self->drag_vy0 = lo.y0, self->drag_vy1 = lo.y1;
  self->drag_area = lo.area;
}

static void
drag_update_cb (GtkGestureDrag *drag, double dx, double dy, EmScatterPlot *self)
{
  double sx = (self->drag_vx1 - self->drag_vx0) / MAX (1.0f, self->drag_area.size.width);
  double sy = (self->drag_vy1 - self->drag_vy0) / MAX (1.0f, self->drag_area.size.height);

  /* GTK's drag threshold is for clicks; panning starts at the first pixel. */
  if (fabs (dx) < 3 && fabs (dy) < 3)
    return;
  set_view (self, self->drag_vx0 - dx * sx, self->drag_vx1 - dx * sx,
            self->drag_vy0 + dy * sy, self->drag_vy1 + dy * sy);
}

static void
click_released_cb (GtkGestureClick *click, int n_press, double x, double y, EmScatterPlot *self)
{
  int i;

  if (n_press == 2)
    {
      em_scatter_plot_reset_zoom (self);
      return;
    }
  i = pick_index (self, x, y, HOVER_RADIUS);
  if (i >= 0)
    g_signal_emit (self, signals[POINT_ACTIVATED], 0, self->points[i].id);
}

static void
reset_zoom_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  em_scatter_plot_reset_zoom (EM_SCATTER_PLOT (widget));
}

/* ---- public setters ----------------------------------------------------------- */

void
em_scatter_plot_set_points (EmScatterPlot *self, const EmScatterPoint *points, guint n)
{
  g_return_if_fail (EM_IS_SCATTER_PLOT (self));
  g_return_if_fail (n == 0 || points != NULL);

  set_hovered (self, -1);
  clear_data (self);
  if (n > 0)
    {
      self->points = g_memdup2 (points, (gsize) n * sizeof *points);
      self->n_points = n;
      build_index (self);
    }
  set_zoomed (self, FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
em_scatter_plot_get_n_points (EmScatterPlot *self)
{
  g_return_val_if_fail (EM_IS_SCATTER_PLOT (self), 0);
  return self->n_points;
}

void
em_scatter_plot_set_class_names (EmScatterPlot *self, const char * const *names)
{
  g_return_if_fail (EM_IS_SCATTER_PLOT (self));

  g_strfreev (self->class_names);
  self->class_names = g_strdupv ((char **) (names != NULL ? names : (const char * const[]) { NULL }));
  self->legend_corner = EM_PLOT_N_CORNERS;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
em_scatter_plot_get_render_count (EmScatterPlot *self)
{
  g_return_val_if_fail (EM_IS_SCATTER_PLOT (self), 0);
  return self->render_count;
}

const char *
em_scatter_plot_get_x_label (EmScatterPlot *self)
{
  g_return_val_if_fail (EM_IS_SCATTER_PLOT (self), NULL);
  return self->x_label;
}

void
em_scatter_plot_set_x_label (EmScatterPlot *self, const char *label)
{
  g_return_if_fail (EM_IS_SCATTER_PLOT (self));
  em_plot_set_string (GTK_WIDGET (self), &self->x_label, label, properties[PROP_X_LABEL]);
}

const char *
em_scatter_plot_get_y_label (EmScatterPlot *self)
{
  g_return_val_if_fail (EM_IS_SCATTER_PLOT (self), NULL);
  return self->y_label;
}

void
em_scatter_plot_set_y_label (EmScatterPlot *self, const char *label)
{
  g_return_if_fail (EM_IS_SCATTER_PLOT (self));
  em_plot_set_string (GTK_WIDGET (self), &self->y_label, label, properties[PROP_Y_LABEL]);
}

/* ---- GObject -------------------------------------------------------------------- */

static void
em_scatter_plot_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmScatterPlot *self = EM_SCATTER_PLOT (object);

  switch (prop_id)
    {
    case PROP_HOVERED_ID:
      g_value_set_int64 (value, self->hovered_id);
      break;
    case PROP_ZOOMED:
      g_value_set_boolean (value, self->zoomed);
      break;
    case PROP_X_LABEL:
      g_value_set_string (value, self->x_label);
      break;
    case PROP_Y_LABEL:
      g_value_set_string (value, self->y_label);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_scatter_plot_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EmScatterPlot *self = EM_SCATTER_PLOT (object);

  switch (prop_id)
    {
    case PROP_X_LABEL:
      em_scatter_plot_set_x_label (self, g_value_get_string (value));
      break;
    case PROP_Y_LABEL:
      em_scatter_plot_set_y_label (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_scatter_plot_finalize (GObject *object)
{
  EmScatterPlot *self = EM_SCATTER_PLOT (object);

  clear_data (self);
  g_strfreev (self->class_names);
  g_free (self->x_label);
  g_free (self->y_label);
  G_OBJECT_CLASS (em_scatter_plot_parent_class)->finalize (object);
}

static void
em_scatter_plot_class_init (EmScatterPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = em_scatter_plot_finalize;
  object_class->get_property = em_scatter_plot_get_property;
  object_class->set_property = em_scatter_plot_set_property;
  widget_class->snapshot = em_scatter_plot_snapshot;
  widget_class->measure = em_scatter_plot_measure;

  properties[PROP_HOVERED_ID] = g_param_spec_int64 ("hovered-id", NULL, NULL, -1, G_MAXINT64, -1, ro);
  properties[PROP_ZOOMED] = g_param_spec_boolean ("zoomed", NULL, NULL, FALSE, ro);
  properties[PROP_X_LABEL] = g_param_spec_string ("x-label", NULL, NULL, NULL, rw);
  properties[PROP_Y_LABEL] = g_param_spec_string ("y-label", NULL, NULL, NULL, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[POINT_HOVERED] = g_signal_new ("point-hovered", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[POINT_ACTIVATED] = g_signal_new ("point-activated", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_install_action (widget_class, "plot.reset-zoom", NULL, reset_zoom_action);
  gtk_widget_class_set_css_name (widget_class, "emscatterplot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
em_scatter_plot_init (EmScatterPlot *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->hovered_id = -1;
  self->hovered_index = -1;
  self->legend_corner = EM_PLOT_N_CORNERS;
  self->class_names = g_new0 (char *, 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plot.reset-zoom", FALSE);

  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (click, "released", G_CALLBACK (click_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
em_scatter_plot_new (void)
{
  return g_object_new (EM_TYPE_SCATTER_PLOT, NULL);
}
