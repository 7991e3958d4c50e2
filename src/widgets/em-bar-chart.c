/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>

#include "em-bar-chart.h"
#include "em-plot-draw-private.h"

#define PAD 6

struct _EmBarChart
{
  GtkWidget  parent_instance;

  guint      n;
  GStrv      labels;
  double    *values;
  char      *value_label;
  gboolean   multicolor;
};

G_DEFINE_FINAL_TYPE (EmBarChart, em_bar_chart, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_VALUE_LABEL, PROP_MULTICOLOR, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* Whole numbers (counts) print as such; anything else to 3 significant digits. */
static void
format_value (const double *values, guint n, double v, char *buf, gsize size)
{
  gboolean integral = TRUE;

  for (guint i = 0; i < n && integral; i++)
    integral = !isfinite (values[i]) || (values[i] == floor (values[i]) && fabs (values[i]) < 1e15);
  if (integral)
    g_snprintf (buf, size, "%.0f", v);
  else
    g_snprintf (buf, size, "%.3g", v);
}

static void
em_bar_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  EmBarChart *self = EM_BAR_CHART (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  int label_w = 0, value_w = 0, text_h = 0, title_h = 0, w, h;
  double vmin = 0, vmax = 0, slot, bar_h, x0;
  graphene_rect_t area;
  EmPlotColors colors;
  EmPlotTicks ticks;
  EmPlotMap xmap;
  char buf[64];

  if (self->n == 0)
    return;
  em_plot_colors_get (widget, &colors);

  for (guint i = 0; i < self->n; i++)
    {
      em_plot_text_size (widget, self->labels[i], TRUE, &w, &h);
      label_w = MAX (label_w, w);
      text_h = MAX (text_h, h);
      if (isfinite (self->values[i]))
        {
          vmin = MIN (vmin, self->values[i]);
          vmax = MAX (vmax, self->values[i]);
          format_value (self->values, self->n, self->values[i], buf, sizeof buf);
          em_plot_text_size (widget, buf, TRUE, &w, &h);
          value_w = MAX (value_w, w);
        }
    }
  /* The axis always includes 0: bars grow from it. */
  em_plot_ticks_compute (vmin, vmax, CLAMP (width / 110, 2, 8), &ticks);
  if (self->value_label != NULL && *self->value_label != '\0')
    em_plot_text_size (widget, self->value_label, FALSE, &w, &title_h);

  /* Negative bars print their value to their left: keep that off the labels. */
  area.origin.x = (float) (PAD + label_w + PAD + (vmin < 0 ? value_w + 4 : 0));
  area.origin.y = PAD;
  area.size.width = (float) MAX (1, width - area.origin.x - PAD - value_w - PAD - 8);
  area.size.height = (float) MAX (1, height - PAD - (text_h + 2) - (title_h > 0 ? title_h + 4 : 0) - PAD);
  em_plot_map_init (&xmap, em_plot_ticks_min (&ticks), em_plot_ticks_max (&ticks),
                    area.origin.x, area.origin.x + area.size.width);

  /* Value grid and labels only: the bars are the categorical axis. */
  for (guint i = 0; i < ticks.n; i++)
    {
      double v = em_plot_ticks_value (&ticks, i);
      double px = em_plot_map_to_pixel (&xmap, v);

      em_plot_vline (snapshot, MIN (px, area.origin.x + area.size.width - 1), area.origin.y,
                     area.origin.y + area.size.height, v == 0 ? &colors.axis : &colors.grid);
      em_plot_ticks_format (&ticks, v, buf, sizeof buf);
      em_plot_text (widget, snapshot, buf, TRUE, px, area.origin.y + area.size.height + 2, 0.5, 0.0,
                    &colors.dim);
    }
  if (title_h > 0)
    em_plot_text (widget, snapshot, self->value_label, FALSE,
                  area.origin.x + area.size.width / 2,
                  area.origin.y + area.size.height + 2 + text_h + 4, 0.5, 0.0, &colors.fg);

  slot = area.size.height / self->n;
  bar_h = MIN (28.0, slot * 0.72);
  x0 = em_plot_map_to_pixel (&xmap, 0);
  for (guint i = 0; i < self->n; i++)
    {
      double cy = area.origin.y + (i + 0.5) * slot, v = self->values[i];
      GdkRGBA color;

      /* Labels closer than their own height would overprint. */
      if (slot >= text_h * 0.8)
        em_plot_text (widget, snapshot, self->labels[i], TRUE, PAD + label_w, cy, 1.0, 0.5,
                      &colors.fg);
      if (!isfinite (v))
        continue;
      em_plot_palette_rgba (&colors, self->multicolor ? i : 0, 1.0f, &color);
      {
        double px = em_plot_map_to_pixel (&xmap, v);
        double bx = MIN (px, x0), bw = MAX (fabs (px - x0), v != 0 ? 1.0 : 0.0);
        graphene_rect_t rect = GRAPHENE_RECT_INIT ((float) bx, (float) (cy - bar_h / 2), (float) bw,
                                                   (float) bar_h);
        GskRoundedRect rr;

        gsk_rounded_rect_init_from_rect (&rr, &rect, (float) MIN (3.0, MIN (bw, bar_h) / 2));
        gtk_snapshot_push_rounded_clip (snapshot, &rr);
        gtk_snapshot_append_color (snapshot, &color, &rect);
        gtk_snapshot_pop (snapshot);
        if (slot >= text_h * 0.8)
          {
            format_value (self->values, self->n, v, buf, sizeof buf);
            em_plot_text (widget, snapshot, buf, TRUE, v >= 0 ? bx + bw + 4 : bx - 4, cy,
                          v >= 0 ? 0.0 : 1.0, 0.5, &colors.dim);
          }
      }
    }
}

static void
em_bar_chart_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                      int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  EmBarChart *self = EM_BAR_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = 420;
    }
  else
    {
      *minimum = 60;
      *natural = MAX (*minimum, 50 + 28 * (int) MIN (self->n, 20));
    }
}

/* ---- API ---------------------------------------------------------------------- */

void
em_bar_chart_set_data (EmBarChart *self, guint n, const char * const *labels, const double *values)
{
  g_return_if_fail (EM_IS_BAR_CHART (self));
  g_return_if_fail (n == 0 || values != NULL);

  g_clear_pointer (&self->labels, g_strfreev);
  g_clear_pointer (&self->values, g_free);
  self->n = n;
  if (n > 0)
    {
      self->values = g_memdup2 (values, (gsize) n * sizeof (double));
      self->labels = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        self->labels[i] = labels != NULL && labels[i] != NULL ? g_strdup (labels[i])
                                                               : g_strdup_printf ("%u", i + 1);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
em_bar_chart_get_n (EmBarChart *self)
{
  g_return_val_if_fail (EM_IS_BAR_CHART (self), 0);
  return self->n;
}

const char *
em_bar_chart_get_value_label (EmBarChart *self)
{
  g_return_val_if_fail (EM_IS_BAR_CHART (self), NULL);
  return self->value_label;
}

void
em_bar_chart_set_value_label (EmBarChart *self, const char *label)
{
  g_return_if_fail (EM_IS_BAR_CHART (self));

  if (g_strcmp0 (self->value_label, label) == 0)
    return;
  g_free (self->value_label);
  self->value_label = g_strdup (label);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE_LABEL]);
}

gboolean
em_bar_chart_get_multicolor (EmBarChart *self)
{
  g_return_val_if_fail (EM_IS_BAR_CHART (self), FALSE);
  return self->multicolor;
}

void
em_bar_chart_set_multicolor (EmBarChart *self, gboolean multicolor)
{
  g_return_if_fail (EM_IS_BAR_CHART (self));

  multicolor = !!multicolor;
  if (self->multicolor == multicolor)
    return;
  self->multicolor = multicolor;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MULTICOLOR]);
}

static void
em_bar_chart_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmBarChart *self = EM_BAR_CHART (object);

  switch (prop_id)
    {
    case PROP_VALUE_LABEL:
      g_value_set_string (value, self->value_label);
      break;
    case PROP_MULTICOLOR:
      g_value_set_boolean (value, self->multicolor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_bar_chart_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EmBarChart *self = EM_BAR_CHART (object);

  switch (prop_id)
    {
    case PROP_VALUE_LABEL:
      em_bar_chart_set_value_label (self, g_value_get_string (value));
      break;
    case PROP_MULTICOLOR:
      em_bar_chart_set_multicolor (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_bar_chart_finalize (GObject *object)
{
  EmBarChart *self = EM_BAR_CHART (object);

  g_strfreev (self->labels);
  g_free (self->values);
  g_free (self->value_label);
  G_OBJECT_CLASS (em_bar_chart_parent_class)->finalize (object);
}

static void
em_bar_chart_class_init (EmBarChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = em_bar_chart_finalize;
  object_class->get_property = em_bar_chart_get_property;
  object_class->set_property = em_bar_chart_set_property;
  widget_class->snapshot = em_bar_chart_snapshot;
  widget_class->measure = em_bar_chart_measure;

  properties[PROP_VALUE_LABEL] = g_param_spec_string ("value-label", NULL, NULL, NULL, rw);
  properties[PROP_MULTICOLOR] = g_param_spec_boolean ("multicolor", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "embarchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
em_bar_chart_init (EmBarChart *self)
{
}

GtkWidget *
em_bar_chart_new (void)
{
  return g_object_new (EM_TYPE_BAR_CHART, NULL);
}
