/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>

#include "em-heatmap.h"
#include "em-plot-draw-private.h"

#define BAR_WIDTH 14
#define BAR_GAP   12

struct _EmHeatmap
{
  GtkWidget        parent_instance;

  guint            rows, cols;
  float           *values;
  double           fixed_min, fixed_max; /* NaN: automatic */
  double           data_min, data_max;   /* NaN when no finite value */
  char            *x_label;
  char            *y_label;

  cairo_surface_t *cells; /* cols × rows, rebuilt on data or range changes */

  gboolean         hovering;
  double           pointer_x, pointer_y;
};

G_DEFINE_FINAL_TYPE (EmHeatmap, em_heatmap, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_X_LABEL, PROP_Y_LABEL, N_PROPS };
static GParamSpec *properties[N_PROPS];

typedef struct {
  EmPlotTicks     xticks, yticks, cticks;
  EmPlotMap       xmap, ymap, cmap;
  graphene_rect_t area, bar;
} Layout;

gboolean
em_heatmap_get_range (EmHeatmap *self, double *min, double *max)
{
  double lo, hi;

  g_return_val_if_fail (EM_IS_HEATMAP (self), FALSE);

  if (!isnan (self->fixed_min))
    {
      lo = self->fixed_min;
      hi = self->fixed_max;
    }
  else if (!isnan (self->data_min))
    {
      lo = self->data_min;
      hi = self->data_max;
    }
  else
    return FALSE;
  if (min != NULL)
    *min = lo;
  if (max != NULL)
    *max = hi;
  return TRUE;
}

static void
invalidate (EmHeatmap *self)
{
  g_clear_pointer (&self->cells, cairo_surface_destroy);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static cairo_surface_t *
ensure_cells (EmHeatmap *self)
{
  double lo, hi;
  guchar *data;
  int stride;

  if (self->cells != NULL || self->rows == 0 || !em_heatmap_get_range (self, &lo, &hi))
    return self->cells;
  self->cells = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) self->cols, (int) self->rows);
  cairo_surface_flush (self->cells);
  data = cairo_image_surface_get_data (self->cells);
  stride = cairo_image_surface_get_stride (self->cells);
  for (guint r = 0; r < self->rows; r++)
    {
      guint32 *row = (guint32 *) (data + (gsize) r * stride);
      for (guint c = 0; c < self->cols; c++)
        {
          float v = self->values[(gsize) r * self->cols + c];
          float rgb[3];

          if (!isfinite (v))
            {
              row[c] = 0; /* transparent */
              continue;
            }
          em_plot_colormap (hi > lo ? (v - lo) / (hi - lo) : 0.5, rgb);
          row[c] = 0xff000000u | ((guint32) lroundf (rgb[0] * 255) << 16) |
                   ((guint32) lroundf (rgb[1] * 255) << 8) | (guint32) lroundf (rgb[2] * 255);
        }
    }
  cairo_surface_mark_dirty (self->cells);
  return self->cells;
}

static gboolean
compute_layout (EmHeatmap *self, Layout *lo)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  int label_w = 0, w, h;
  double cmin, cmax;
  char buf[64];

  if (self->rows == 0 || !em_heatmap_get_range (self, &cmin, &cmax))
    return FALSE;
  em_plot_ticks_compute (0, self->cols, CLAMP (width / 100, 2, 10), &lo->xticks);
  em_plot_ticks_compute (0, self->rows, CLAMP (height / 50, 2, 8), &lo->yticks);
  em_plot_ticks_compute (cmin, cmax, CLAMP (height / 50, 2, 8), &lo->cticks);
  for (guint i = 0; i < lo->cticks.n; i++)
    {
      em_plot_ticks_format (&lo->cticks, em_plot_ticks_value (&lo->cticks, i), buf, sizeof buf);
      em_plot_text_size (widget, buf, TRUE, &w, &h);
      label_w = MAX (label_w, w);
    }
  em_plot_layout_area (widget, width, height, &lo->xticks, &lo->yticks, self->x_label,
                       self->y_label, BAR_GAP + BAR_WIDTH + 4 + label_w, &lo->area);
  lo->bar = GRAPHENE_RECT_INIT (lo->area.origin.x + lo->area.size.width + BAR_GAP,
                                lo->area.origin.y, BAR_WIDTH, lo->area.size.height);
  em_plot_map_init (&lo->xmap, 0, self->cols, lo->area.origin.x,
                    lo->area.origin.x + lo->area.size.width);
  em_plot_map_init (&lo->ymap, 0, self->rows, lo->area.origin.y + lo->area.size.height,
                    lo->area.origin.y);
  /* The bar spans the colour range exactly; ticks outside it are skipped. */
  em_plot_map_init (&lo->cmap, cmin, cmax, lo->bar.origin.y + lo->bar.size.height, lo->bar.origin.y);
  return TRUE;
}

static void
draw_bar (EmHeatmap *self, GtkSnapshot *snapshot, const Layout *lo, const EmPlotColors *colors)
{
  const int steps = 64;
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &lo->bar);
  cairo_pattern_t *grad = cairo_pattern_create_linear (0, lo->bar.origin.y + lo->bar.size.height,
                                                       0, lo->bar.origin.y);
  char buf[64];

  for (int i = 0; i <= steps; i++)
    {
      float rgb[3];
      em_plot_colormap ((double) i / steps, rgb);
      cairo_pattern_add_color_stop_rgb (grad, (double) i / steps, rgb[0], rgb[1], rgb[2]);
    }
  cairo_rectangle (cr, lo->bar.origin.x, lo->bar.origin.y, lo->bar.size.width, lo->bar.size.height);
  cairo_set_source (cr, grad);
  cairo_fill (cr);
  cairo_pattern_destroy (grad);
  cairo_destroy (cr);

  for (guint i = 0; i < lo->cticks.n; i++)
    {
      double v = em_plot_ticks_value (&lo->cticks, i);
      double py = em_plot_map_to_pixel (&lo->cmap, v);

      if (py < lo->bar.origin.y - 0.5 || py > lo->bar.origin.y + lo->bar.size.height + 0.5)
        continue;
      em_plot_hline (snapshot, lo->bar.origin.x + lo->bar.size.width,
                     lo->bar.origin.x + lo->bar.size.width + 3, py, &colors->axis);
      em_plot_ticks_format (&lo->cticks, v, buf, sizeof buf);
      em_plot_text (GTK_WIDGET (self), snapshot, buf, TRUE,
                    lo->bar.origin.x + lo->bar.size.width + 5, py, 0.0, 0.5, &colors->dim);
    }
}

static void
em_heatmap_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  EmHeatmap *self = EM_HEATMAP (widget);
  cairo_surface_t *cells = ensure_cells (self);
  EmPlotColors colors;
  Layout lo;
  cairo_t *cr;

  em_plot_colors_get (widget, &colors);
  if (cells == NULL || !compute_layout (self, &lo))
    {
      graphene_rect_t area;
      em_plot_layout_area (widget, gtk_widget_get_width (widget), gtk_widget_get_height (widget),
                           NULL, NULL, self->x_label, self->y_label, 0, &area);
      em_plot_draw_axes (widget, snapshot, &colors, &area, NULL, NULL, NULL, NULL,
                         self->x_label, self->y_label);
      return;
    }

  cr = gtk_snapshot_append_cairo (snapshot, &lo.area);
  cairo_translate (cr, lo.area.origin.x, lo.area.origin.y + lo.area.size.height);
  /* Flipped vertically: surface row 0 (data row 0) lands at the bottom. */
  cairo_scale (cr, lo.area.size.width / self->cols, -lo.area.size.height / self->rows);
  cairo_set_source_surface (cr, cells, 0, 0);
  /* Crisp cells, however few: smoothing would invent values between them. */
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_rectangle (cr, 0, 0, self->cols, self->rows);
  cairo_fill (cr);
  cairo_destroy (cr);

  em_plot_draw_axes (widget, snapshot, &colors, &lo.area, &lo.xticks, &lo.xmap, &lo.yticks,
                     &lo.ymap, self->x_label, self->y_label);
  draw_bar (self, snapshot, &lo, &colors);

  if (self->hovering &&
      graphene_rect_contains_point (&lo.area, &GRAPHENE_POINT_INIT ((float) self->pointer_x,
                                                                    (float) self->pointer_y)))
    {
      guint c = (guint) MIN (floor (em_plot_map_to_value (&lo.xmap, self->pointer_x)), self->cols - 1);
      guint r = (guint) MIN (floor (em_plot_map_to_value (&lo.ymap, self->pointer_y)), self->rows - 1);
      g_autofree char *text = g_strdup_printf ("row %u   col %u   %.4g", r, c,
                                               self->values[(gsize) r * self->cols + c]);
      em_plot_draw_readout (widget, snapshot, &colors, &lo.area, text, self->pointer_x, self->pointer_y);
    }
}

static void
em_heatmap_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                    int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 100;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 280;
}

static void
motion_cb (GtkEventControllerMotion *motion, double x, double y, EmHeatmap *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->hovering = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (GtkEventControllerMotion *motion, EmHeatmap *self)
{
  self->hovering = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- public API ------------------------------------------------------------- */

void
em_heatmap_set_data (EmHeatmap *self, guint rows, guint cols, const float *values)
{
  gsize n;

  g_return_if_fail (EM_IS_HEATMAP (self));
  g_return_if_fail (rows == 0 || cols == 0 || values != NULL);
  /* cairo image surfaces are limited to 32767 pixels a side. */
  g_return_if_fail (rows <= 32767 && cols <= 32767);

  if (rows == 0 || cols == 0)
    rows = cols = 0;
  n = (gsize) rows * cols;
  g_free (self->values);
  self->values = n > 0 ? g_memdup2 (values, n * sizeof (float)) : NULL;
  self->rows = rows;
  self->cols = cols;
  self->data_min = self->data_max = NAN;
  for (gsize i = 0; i < n; i++)
    if (isfinite (values[i]))
      {
        if (isnan (self->data_min) || values[i] < self->data_min)
          self->data_min = values[i];
        if (isnan (self->data_max) || values[i] > self->data_max)
          self->data_max = values[i];
      }
  invalidate (self);
}

guint
em_heatmap_get_rows (EmHeatmap *self)
{
  g_return_val_if_fail (EM_IS_HEATMAP (self), 0);
  return self->rows;
}

guint
em_heatmap_get_cols (EmHeatmap *self)
{
  g_return_val_if_fail (EM_IS_HEATMAP (self), 0);
  return self->cols;
}

void
em_heatmap_set_range (EmHeatmap *self, double min, double max)
{
  g_return_if_fail (EM_IS_HEATMAP (self));
  g_return_if_fail ((isnan (min) && isnan (max)) || min < max);

  if ((isnan (min) && isnan (self->fixed_min)) || (min == self->fixed_min && max == self->fixed_max))
    return;
  self->fixed_min = min;
  self->fixed_max = max;
  invalidate (self);
}

const char *
em_heatmap_get_x_label (EmHeatmap *self)
{
  g_return_val_if_fail (EM_IS_HEATMAP (self), NULL);
  return self->x_label;
}

void
em_heatmap_set_x_label (EmHeatmap *self, const char *label)
{
  g_return_if_fail (EM_IS_HEATMAP (self));
  em_plot_set_string (GTK_WIDGET (self), &self->x_label, label, properties[PROP_X_LABEL]);
}

const char *
em_heatmap_get_y_label (EmHeatmap *self)
{
  g_return_val_if_fail (EM_IS_HEATMAP (self), NULL);
  return self->y_label;
}

void
em_heatmap_set_y_label (EmHeatmap *self, const char *label)
{
  g_return_if_fail (EM_IS_HEATMAP (self));
  em_plot_set_string (GTK_WIDGET (self), &self->y_label, label, properties[PROP_Y_LABEL]);
}

static void
em_heatmap_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmHeatmap *self = EM_HEATMAP (object);

  switch (prop_id)
    {
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
em_heatmap_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EmHeatmap *self = EM_HEATMAP (object);

  switch (prop_id)
    {
    case PROP_X_LABEL:
      em_heatmap_set_x_label (self, g_value_get_string (value));
      break;
    case PROP_Y_LABEL:
      em_heatmap_set_y_label (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_heatmap_finalize (GObject *object)
{
  EmHeatmap *self = EM_HEATMAP (object);

  g_clear_pointer (&self->cells, cairo_surface_destroy);
  g_free (self->values);
  g_free (self->x_label);
  g_free (self->y_label);
  G_OBJECT_CLASS (em_heatmap_parent_class)->finalize (object);
}

static void
em_heatmap_class_init (EmHeatmapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = em_heatmap_finalize;
  object_class->get_property = em_heatmap_get_property;
  object_class->set_property = em_heatmap_set_property;
  widget_class->snapshot = em_heatmap_snapshot;
  widget_class->measure = em_heatmap_measure;

  properties[PROP_X_LABEL] = g_param_spec_string ("x-label", NULL, NULL, NULL, rw);
  properties[PROP_Y_LABEL] = g_param_spec_string ("y-label", NULL, NULL, NULL, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "emheatmap");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
em_heatmap_init (EmHeatmap *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->fixed_min = self->fixed_max = NAN;
  self->data_min = self->data_max = NAN;
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

GtkWidget *
em_heatmap_new (void)
{
  return g_object_new (EM_TYPE_HEATMAP, NULL);
}
