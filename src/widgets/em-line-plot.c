/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>

#include "em-line-plot.h"
#include "em-plot-draw-private.h"

#define PICK_RADIUS 24.0
#define ZOOM_STEP   1.25

struct _EmLinePlot
{
  GtkWidget      parent_instance;

  EmSeriesModel *model;
  gulong         changed_id;
  char          *x_label;
  char          *y_label;
  gboolean       show_legend;

  /* The user's view; only meaningful while zoomed. */
  gboolean       zoomed;
  double         vx0, vx1, vy0, vy1;

  /* Drag-to-pan: the view and plot area when the drag began. */
  double         drag_vx0, drag_vx1, drag_vy0, drag_vy1;
  graphene_rect_t drag_area;

  double         pointer_x, pointer_y;
  gboolean       hovering;
  int            hover_series; /* -1: none */
  guint          hover_index;
};

G_DEFINE_FINAL_TYPE (EmLinePlot, em_line_plot, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_MODEL, PROP_X_LABEL, PROP_Y_LABEL, PROP_SHOW_LEGEND, PROP_ZOOMED, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* Everything derived from the view and the allocation. */
typedef struct {
  double          x0, x1, y0, y1;
  EmPlotTicks     xticks, yticks;
  EmPlotMap       xmap, ymap;
  graphene_rect_t area;
} Layout;

/* ---- view ----------------------------------------------------------------- */

static gboolean
auto_view (EmLinePlot *self, double *x0, double *x1, double *y0, double *y1)
{
  EmPlotTicks t;

  if (self->model == NULL || !em_series_model_get_bounds (self->model, x0, x1, y0, y1))
    return FALSE;
  /* x fills the width (time runs edge to edge); y rounds out to ticks so
   * the curve never touches the frame. */
  if (*x0 == *x1 && em_plot_ticks_compute (*x0, *x1, 5, &t))
    {
      *x0 = em_plot_ticks_min (&t);
      *x1 = em_plot_ticks_max (&t);
    }
  if (em_plot_ticks_compute (*y0, *y1, 5, &t))
    {
      *y0 = em_plot_ticks_min (&t);
      *y1 = em_plot_ticks_max (&t);
    }
  return TRUE;
}

gboolean
em_line_plot_get_view (EmLinePlot *self, double *x_min, double *x_max, double *y_min, double *y_max)
{
  double x0, x1, y0, y1;

  g_return_val_if_fail (EM_IS_LINE_PLOT (self), FALSE);

  if (self->zoomed)
    {
      x0 = self->vx0;
      x1 = self->vx1;
      y0 = self->vy0;
      y1 = self->vy1;
    }
  else if (!auto_view (self, &x0, &x1, &y0, &y1))
    return FALSE;
  if (x_min != NULL)
    *x_min = x0;
  if (x_max != NULL)
    *x_max = x1;
  if (y_min != NULL)
    *y_min = y0;
  if (y_max != NULL)
    *y_max = y1;
  return TRUE;
}

static gboolean
compute_layout (EmLinePlot *self, Layout *lo)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);

  if (!em_line_plot_get_view (self, &lo->x0, &lo->x1, &lo->y0, &lo->y1))
    return FALSE;
  /* About one x tick per 100 px and one y tick per 50 px. */
  em_plot_ticks_compute (lo->x0, lo->x1, CLAMP (width / 100, 2, 10), &lo->xticks);
  em_plot_ticks_compute (lo->y0, lo->y1, CLAMP (height / 50, 2, 8), &lo->yticks);
  em_plot_layout_area (widget, width, height, &lo->xticks, &lo->yticks,
                       self->x_label, self->y_label, 0, &lo->area);
  em_plot_map_init (&lo->xmap, lo->x0, lo->x1, lo->area.origin.x,
                    lo->area.origin.x + lo->area.size.width);
  em_plot_map_init (&lo->ymap, lo->y0, lo->y1, lo->area.origin.y + lo->area.size.height,
                    lo->area.origin.y);
  return TRUE;
}

static void
set_zoomed (EmLinePlot *self, gboolean zoomed)
{
  if (self->zoomed == zoomed)
    return;
  self->zoomed = zoomed;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plot.reset-zoom", zoomed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOMED]);
}

void
em_line_plot_set_view (EmLinePlot *self, double x_min, double x_max, double y_min, double y_max)
{
  g_return_if_fail (EM_IS_LINE_PLOT (self));
  g_return_if_fail (x_min < x_max && y_min < y_max);

  self->vx0 = x_min;
  self->vx1 = x_max;
  self->vy0 = y_min;
  self->vy1 = y_max;
  set_zoomed (self, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
em_line_plot_zoom_at (EmLinePlot *self, double x, double y, double factor_x, double factor_y)
{
  Layout lo;
  double cx, cy;

  g_return_if_fail (EM_IS_LINE_PLOT (self));
  g_return_if_fail (factor_x > 0 && factor_y > 0);

  if (!compute_layout (self, &lo))
    return;
  cx = em_plot_map_to_value (&lo.xmap, x);
  cy = em_plot_map_to_value (&lo.ymap, y);
  /* The value under the pointer stays put: scale the distances to it. */
  lo.x0 = cx + (lo.x0 - cx) / factor_x;
  lo.x1 = cx + (lo.x1 - cx) / factor_x;
  lo.y0 = cy + (lo.y0 - cy) / factor_y;
  lo.y1 = cy + (lo.y1 - cy) / factor_y;
  /* Below this a float series has nothing more to show. */
  if (lo.x1 - lo.x0 < 1e-9 * MAX (1.0, fabs (cx)) || lo.y1 - lo.y0 < 1e-9 * MAX (1.0, fabs (cy)))
    return;
  em_line_plot_set_view (self, lo.x0, lo.x1, lo.y0, lo.y1);
}

void
em_line_plot_reset_zoom (EmLinePlot *self)
{
  g_return_if_fail (EM_IS_LINE_PLOT (self));

  set_zoomed (self, FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
em_line_plot_get_zoomed (EmLinePlot *self)
{
  g_return_val_if_fail (EM_IS_LINE_PLOT (self), FALSE);
  return self->zoomed;
}

/* ---- picking -------------------------------------------------------------- */

gboolean
em_line_plot_pick (EmLinePlot *self, double x, double y, guint *series, guint *index)
{
  double best = PICK_RADIUS * PICK_RADIUS;
  int best_s = -1;
  guint best_i = 0;
  Layout lo;

  g_return_val_if_fail (EM_IS_LINE_PLOT (self), FALSE);

  if (!compute_layout (self, &lo) || !graphene_rect_contains_point (&lo.area, &GRAPHENE_POINT_INIT ((float) x, (float) y)))
    return FALSE;
  for (guint s = 0; s < em_series_model_get_n_series (self->model); s++)
    {
      const float *ys = em_series_model_get_y (self->model, s);
      const float *xs = em_series_model_get_x (self->model, s);
      guint n = em_series_model_get_n_points (self->model, s), i0 = 0, i1 = n;

      if (xs == NULL)
        {
          /* x is the index: only the points within the radius in x. */
          double a = em_plot_map_to_value (&lo.xmap, x - PICK_RADIUS);
          double b = em_plot_map_to_value (&lo.xmap, x + PICK_RADIUS);
          i0 = (guint) CLAMP (floor (MIN (a, b)), 0, n);
          i1 = (guint) CLAMP (ceil (MAX (a, b)) + 1, 0, n);
        }
      for (guint i = i0; i < i1; i++)
        {
          double px = em_plot_map_to_pixel (&lo.xmap, xs != NULL ? xs[i] : (double) i);
          double py = em_plot_map_to_pixel (&lo.ymap, ys[i]);
          double d = (px - x) * (px - x) + (py - y) * (py - y);

          if (d < best)
            {
              best = d;
              best_s = (int) s;
              best_i = i;
            }
        }
    }
  if (best_s < 0)
    return FALSE;
  if (series != NULL)
    *series = (guint) best_s;
  if (index != NULL)
    *index = best_i;
  return TRUE;
}

static void
update_hover (EmLinePlot *self)
{
  guint s = 0, i = 0;
  int new_s = -1;

  if (self->hovering && em_line_plot_pick (self, self->pointer_x, self->pointer_y, &s, &i))
    new_s = (int) s;
  if (new_s == self->hover_series && (new_s < 0 || i == self->hover_index))
    return;
  self->hover_series = new_s;
  self->hover_index = i;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- drawing -------------------------------------------------------------- */

/* One series as a polyline. With more points than pixels, consecutive points
 * in one pixel column collapse into their first, min, max and last, which
 * draws the same envelope at a fraction of the cost. */
static void
path_series (cairo_t *cr, const Layout *lo, const float *xs, const float *ys, guint n)
{
  gboolean decimate = n > 2 * lo->area.size.width;
  gboolean pen_down = FALSE;
  double col = NAN, cmin = 0, cmax = 0, last_x = 0, last_y = 0;
  guint i0 = 0, i1 = n;

  if (xs == NULL)
    {
      i0 = (guint) CLAMP (floor (lo->x0) - 1, 0, n);
      i1 = (guint) CLAMP (ceil (lo->x1) + 2, 0, n);
    }
  for (guint i = i0; i < i1; i++)
    {
      double x = xs != NULL ? xs[i] : (double) i, y = ys[i];
      double px, py;

      if (!isfinite (x) || !isfinite (y))
        {
          pen_down = FALSE; /* a gap */
          col = NAN;
          continue;
        }
      px = em_plot_map_to_pixel (&lo->xmap, x);
      py = em_plot_map_to_pixel (&lo->ymap, y);
      if (!pen_down)
        {
          cairo_move_to (cr, px, py);
          pen_down = TRUE;
          col = floor (px);
          cmin = cmax = py;
        }
      else if (decimate && floor (px) == col)
        {
          cmin = MIN (cmin, py);
          cmax = MAX (cmax, py);
        }
      else
        {
          if (decimate && cmax > cmin)
            {
              cairo_line_to (cr, last_x, cmin);
              cairo_line_to (cr, last_x, cmax);
              cairo_line_to (cr, last_x, last_y);
            }
          cairo_line_to (cr, px, py);
          col = floor (px);
          cmin = cmax = py;
        }
      last_x = px;
      last_y = py;
    }
  if (decimate && pen_down && cmax > cmin)
    {
      cairo_line_to (cr, last_x, cmin);
      cairo_line_to (cr, last_x, cmax);
    }
}

static void
draw_curves (EmLinePlot *self, GtkSnapshot *snapshot, const Layout *lo, const EmPlotColors *colors)
{
  guint n_series = em_series_model_get_n_series (self->model);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &lo->area);

  cairo_rectangle (cr, lo->area.origin.x, lo->area.origin.y, lo->area.size.width,
                   lo->area.size.height);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint s = 0; s < n_series; s++)
    {
      const float *ys = em_series_model_get_y (self->model, s);
      const float *xs = em_series_model_get_x (self->model, s);
      guint n = em_series_model_get_n_points (self->model, s);
      GdkRGBA c;

      em_plot_palette_rgba (colors, s, 1.0f, &c);
      gdk_cairo_set_source_rgba (cr, &c);
      cairo_set_line_width (cr, (int) s == self->hover_series ? 2.5 : 1.5);
      path_series (cr, lo, xs, ys, n);
      cairo_stroke (cr);
      /* A lone point (the first epoch) would be invisible as a line. */
      if (n == 1)
        {
          double x = xs != NULL ? xs[0] : 0.0;
          cairo_arc (cr, em_plot_map_to_pixel (&lo->xmap, x), em_plot_map_to_pixel (&lo->ymap, ys[0]),
                     3, 0, 2 * G_PI);
          cairo_fill (cr);
        }
    }
  cairo_destroy (cr);
}

static void
draw_hover (EmLinePlot *self, GtkSnapshot *snapshot, const Layout *lo, const EmPlotColors *colors)
{
  double x, y, px, py;
  char xs[64], ys[64];
  g_autofree char *text = NULL;
  GdkRGBA c;
  cairo_t *cr;

  if (self->hover_series < 0 ||
      (guint) self->hover_series >= em_series_model_get_n_series (self->model) ||
      self->hover_index >= em_series_model_get_n_points (self->model, (guint) self->hover_series))
    return;
  em_series_model_get_point (self->model, (guint) self->hover_series, self->hover_index, &x, &y);
  px = em_plot_map_to_pixel (&lo->xmap, x);
  py = em_plot_map_to_pixel (&lo->ymap, y);
  em_plot_vline (snapshot, px, lo->area.origin.y, lo->area.origin.y + lo->area.size.height,
                 &colors->axis);

  em_plot_palette_rgba (colors, (guint) self->hover_series, 1.0f, &c);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT ((float) px - 6, (float) py - 6, 12, 12));
  cairo_arc (cr, px, py, 4, 0, 2 * G_PI);
  gdk_cairo_set_source_rgba (cr, &c);
  cairo_fill_preserve (cr);
  gdk_cairo_set_source_rgba (cr, &colors->fg);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
  cairo_destroy (cr);

  /* One more digit than the ticks: the readout is more precise than the axis. */
  g_snprintf (xs, sizeof xs, "%.*f", em_plot_decimals_for_step (lo->xticks.step) +
              (em_series_model_has_explicit_x (self->model, (guint) self->hover_series) ? 1 : 0), x);
  g_snprintf (ys, sizeof ys, "%.*f", em_plot_decimals_for_step (lo->yticks.step) + 2, y);
  text = g_strdup_printf ("%s   x %s   y %s",
                          em_series_model_get_name (self->model, (guint) self->hover_series), xs, ys);
  em_plot_draw_readout (GTK_WIDGET (self), snapshot, colors, &lo->area, text, px, py);
}

/* The legend goes to the corner the curves cross least: count curve
 * samples (segments split every 8 px, so sparse curves count too) that
 * fall in each candidate box. */
static guint
legend_corner (EmLinePlot *self, const Layout *lo, const char * const *names, guint n)
{
  graphene_rect_t boxes[EM_PLOT_N_CORNERS];
  guint counts[EM_PLOT_N_CORNERS] = { 0 };

  for (guint c = 0; c < EM_PLOT_N_CORNERS; c++)
    em_plot_legend_rect (GTK_WIDGET (self), &lo->area, names, n, c, &boxes[c]);
  for (guint s = 0; s < n; s++)
    {
      const float *ys = em_series_model_get_y (self->model, s);
      const float *xs = em_series_model_get_x (self->model, s);
      guint np = em_series_model_get_n_points (self->model, s), i0 = 0, i1 = np;
      double prev_x = NAN, prev_y = NAN;

      if (xs == NULL)
        {
          i0 = (guint) CLAMP (floor (lo->x0), 0, np);
          i1 = (guint) CLAMP (ceil (lo->x1) + 1, 0, np);
        }
      for (guint i = i0; i < i1; i++)
        {
          double px = em_plot_map_to_pixel (&lo->xmap, xs != NULL ? xs[i] : (double) i);
          double py = em_plot_map_to_pixel (&lo->ymap, ys[i]);
          guint steps = 1;

          if (!isfinite (px) || !isfinite (py))
            {
              prev_x = prev_y = NAN;
              continue;
            }
          if (isfinite (prev_x))
            steps = (guint) CLAMP (ceil (hypot (px - prev_x, py - prev_y) / 8), 1, 200);
          for (guint k = 1; k <= steps; k++)
            {
              double f = (double) k / steps;
              graphene_point_t pt = GRAPHENE_POINT_INIT (
                (float) (isfinite (prev_x) ? prev_x + (px - prev_x) * f : px),
                (float) (isfinite (prev_y) ? prev_y + (py - prev_y) * f : py));
              for (guint c = 0; c < EM_PLOT_N_CORNERS; c++)
                if (graphene_rect_contains_point (&boxes[c], &pt))
                  counts[c]++;
            }
          prev_x = px;
          prev_y = py;
        }
    }
  return em_plot_best_corner (counts);
}

static void
em_line_plot_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  EmLinePlot *self = EM_LINE_PLOT (widget);
  EmPlotColors colors;
  Layout lo;

  em_plot_colors_get (widget, &colors);
  if (!compute_layout (self, &lo))
    {
      /* Nothing yet: an empty frame says "a plot goes here". */
      graphene_rect_t area;
      em_plot_layout_area (widget, gtk_widget_get_width (widget), gtk_widget_get_height (widget),
                           NULL, NULL, self->x_label, self->y_label, 0, &area);
      em_plot_draw_axes (widget, snapshot, &colors, &area, NULL, NULL, NULL, NULL,
                         self->x_label, self->y_label);
      return;
    }
  em_plot_draw_axes (widget, snapshot, &colors, &lo.area, &lo.xticks, &lo.xmap, &lo.yticks,
                     &lo.ymap, self->x_label, self->y_label);
  draw_curves (self, snapshot, &lo, &colors);

  {
    guint n = self->show_legend ? em_series_model_get_n_series (self->model) : 0;
    g_autofree const char **names = g_new0 (const char *, n + 1);
    g_autofree GdkRGBA *swatches = g_new0 (GdkRGBA, n + 1);
    guint corner = EM_PLOT_CORNER_TOP_RIGHT;

    for (guint s = 0; s < n; s++)
      {
        names[s] = em_series_model_get_name (self->model, s);
        em_plot_palette_rgba (&colors, s, 1.0f, &swatches[s]);
      }
    if (n > 0)
      {
        corner = legend_corner (self, &lo, names, n);
        em_plot_draw_legend (widget, snapshot, &colors, &lo.area, names, swatches, n, corner);
      }
    /* Last, so the readout is on top of the legend. */
    draw_hover (self, snapshot, &lo, &colors);
  }
}

static void
em_line_plot_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                      int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 100;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 280;
}

/* ---- input ---------------------------------------------------------------- */

static void
motion_cb (GtkEventControllerMotion *motion, double x, double y, EmLinePlot *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->hovering = TRUE;
  update_hover (self);
}

static void
leave_cb (GtkEventControllerMotion *motion, EmLinePlot *self)
{
  self->hovering = FALSE;
  update_hover (self);
}

static gboolean
scroll_cb (GtkEventControllerScroll *scroll, double dx, double dy, EmLinePlot *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  double f = pow (ZOOM_STEP, -dy);

  if (dy == 0)
    return FALSE;
  em_line_plot_zoom_at (self, self->pointer_x, self->pointer_y, f,
                        (state & GDK_CONTROL_MASK) ? f : 1.0);
  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag *drag, double x, double y, EmLinePlot *self)
{
  Layout lo;

  if (!compute_layout (self, &lo))
    {
      gtk_gesture_set_state (GTK_GESTURE (drag), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->drag_vx0 = lo.x0;
  self->drag_vx1 = lo.x1;
  self->drag_vy0 = lo.y0;
  self->drag_vy1 = lo.y1;
  self->drag_area = lo.area;
}

static void
drag_update_cb (GtkGestureDrag *drag, double dx, double dy, EmLinePlot *self)
{
  double sx = (self->drag_vx1 - self->drag_vx0) / MAX (1.0f, self->drag_area.size.width);
  double sy = (self->drag_vy1 - self->drag_vy0) / MAX (1.0f, self->drag_area.size.height);

  if (dx == 0 && dy == 0)
    return;
  /* The data follows the pointer: x against the drag, y with it (screen y is down). */
  em_line_plot_set_view (self, self->drag_vx0 - dx * sx, self->drag_vx1 - dx * sx,
                         self->drag_vy0 + dy * sy, self->drag_vy1 + dy * sy);
}

static void
click_cb (GtkGestureClick *click, int n_press, double x, double y, EmLinePlot *self)
{
  if (n_press == 2)
    em_line_plot_reset_zoom (self);
}

static void
reset_zoom_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  em_line_plot_reset_zoom (EM_LINE_PLOT (widget));
}

/* ---- model ---------------------------------------------------------------- */

static void
model_changed_cb (EmSeriesModel *model, EmLinePlot *self)
{
  if (self->hover_series >= 0 && (guint) self->hover_series >= em_series_model_get_n_series (model))
    self->hover_series = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

EmSeriesModel *
em_line_plot_get_model (EmLinePlot *self)
{
  g_return_val_if_fail (EM_IS_LINE_PLOT (self), NULL);
  return self->model;
}

void
em_line_plot_set_model (EmLinePlot *self, EmSeriesModel *model)
{
  g_return_if_fail (EM_IS_LINE_PLOT (self));
  g_return_if_fail (model == NULL || EM_IS_SERIES_MODEL (model));

  if (self->model == model)
    return;
  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_set_object (&self->model, model);
  if (model != NULL)
    self->changed_id = g_signal_connect (model, "changed", G_CALLBACK (model_changed_cb), self);
  self->hover_series = -1;
  set_zoomed (self, FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

/* ---- properties ----------------------------------------------------------- */

const char *
em_line_plot_get_x_label (EmLinePlot *self)
{
  g_return_val_if_fail (EM_IS_LINE_PLOT (self), NULL);
  return self->x_label;
}

void
em_line_plot_set_x_label (EmLinePlot *self, const char *label)
{
  g_return_if_fail (EM_IS_LINE_PLOT (self));
  em_plot_set_string (GTK_WIDGET (self), &self->x_label, label, properties[PROP_X_LABEL]);
}

const char *
em_line_plot_get_y_label (EmLinePlot *self)
{
  g_return_val_if_fail (EM_IS_LINE_PLOT (self), NULL);
  return self->y_label;
}

void
em_line_plot_set_y_label (EmLinePlot *self, const char *label)
{
  g_return_if_fail (EM_IS_LINE_PLOT (self));
  em_plot_set_string (GTK_WIDGET (self), &self->y_label, label, properties[PROP_Y_LABEL]);
}

gboolean
em_line_plot_get_show_legend (EmLinePlot *self)
{
  g_return_val_if_fail (EM_IS_LINE_PLOT (self), FALSE);
  return self->show_legend;
}

void
em_line_plot_set_show_legend (EmLinePlot *self, gboolean show)
{
  g_return_if_fail (EM_IS_LINE_PLOT (self));

  show = !!show;
  if (self->show_legend == show)
    return;
  self->show_legend = show;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_LEGEND]);
}

static void
em_line_plot_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmLinePlot *self = EM_LINE_PLOT (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_X_LABEL:
      g_value_set_string (value, self->x_label);
      break;
    case PROP_Y_LABEL:
      g_value_set_string (value, self->y_label);
      break;
    case PROP_SHOW_LEGEND:
      g_value_set_boolean (value, self->show_legend);
      break;
    case PROP_ZOOMED:
      g_value_set_boolean (value, self->zoomed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_line_plot_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EmLinePlot *self = EM_LINE_PLOT (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      em_line_plot_set_model (self, g_value_get_object (value));
      break;
    case PROP_X_LABEL:
      em_line_plot_set_x_label (self, g_value_get_string (value));
      break;
    case PROP_Y_LABEL:
      em_line_plot_set_y_label (self, g_value_get_string (value));
      break;
    case PROP_SHOW_LEGEND:
      em_line_plot_set_show_legend (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_line_plot_dispose (GObject *object)
{
  EmLinePlot *self = EM_LINE_PLOT (object);

  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (em_line_plot_parent_class)->dispose (object);
}

static void
em_line_plot_finalize (GObject *object)
{
  EmLinePlot *self = EM_LINE_PLOT (object);

  g_free (self->x_label);
  g_free (self->y_label);
  G_OBJECT_CLASS (em_line_plot_parent_class)->finalize (object);
}

static void
em_line_plot_class_init (EmLinePlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = em_line_plot_dispose;
  object_class->finalize = em_line_plot_finalize;
  object_class->get_property = em_line_plot_get_property;
  object_class->set_property = em_line_plot_set_property;
  widget_class->snapshot = em_line_plot_snapshot;
  widget_class->measure = em_line_plot_measure;

  properties[PROP_MODEL] = g_param_spec_object ("model", NULL, NULL, EM_TYPE_SERIES_MODEL, rw);
  properties[PROP_X_LABEL] = g_param_spec_string ("x-label", NULL, NULL, NULL, rw);
  properties[PROP_Y_LABEL] = g_param_spec_string ("y-label", NULL, NULL, NULL, rw);
  properties[PROP_SHOW_LEGEND] = g_param_spec_boolean ("show-legend", NULL, NULL, TRUE, rw);
  properties[PROP_ZOOMED] =
    g_param_spec_boolean ("zoomed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "plot.reset-zoom", NULL, reset_zoom_action);
  gtk_widget_class_set_css_name (widget_class, "emlineplot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
em_line_plot_init (EmLinePlot *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->show_legend = TRUE;
  self->hover_series = -1;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plot.reset-zoom", FALSE);

  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (click, "pressed", G_CALLBACK (click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
}

GtkWidget *
em_line_plot_new (EmSeriesModel *model)
{
  return g_object_new (EM_TYPE_LINE_PLOT, "model", model, NULL);
}
