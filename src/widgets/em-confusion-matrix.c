/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>

#include "em-confusion-matrix.h"
#include "em-plot-draw-private.h"

#define GAP 2
#define PAD 6

struct _EmConfusionMatrix
{
  GtkWidget  parent_instance;

  guint      n;
  guint     *counts;
  GStrv      labels;
  gboolean   show_counts;
};

G_DEFINE_FINAL_TYPE (EmConfusionMatrix, em_confusion_matrix, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_SHOW_COUNTS, N_PROPS };
static GParamSpec *properties[N_PROPS];

double
em_confusion_matrix_get_fraction (EmConfusionMatrix *self, guint actual, guint predicted)
{
  guint64 sum = 0;

  g_return_val_if_fail (EM_IS_CONFUSION_MATRIX (self), NAN);
  g_return_val_if_fail (actual < self->n && predicted < self->n, NAN);

  for (guint c = 0; c < self->n; c++)
    sum += self->counts[actual * self->n + c];
  return sum > 0 ? (double) self->counts[actual * self->n + predicted] / sum : NAN;
}

/* @t of the way from @a to @b. */
static void
mix (const float a[3], const float b[3], double t, float out[3])
{
  for (int i = 0; i < 3; i++)
    out[i] = (float) (a[i] + (b[i] - a[i]) * t);
}

static void
em_confusion_matrix_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  EmConfusionMatrix *self = EM_CONFUSION_MATRIX (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  int label_w = 0, text_h = 0, title_h = 0, w, h;
  double left, top, cell, x0, y0;
  float base[3], good[3], bad[3];
  EmPlotColors colors;

  if (self->n == 0)
    return;
  em_plot_colors_get (widget, &colors);
  /* The cells' own backdrop: Adwaita's view colour for the mode. */
  base[0] = base[1] = base[2] = colors.dark ? 0.19f : 1.0f;
  em_plot_palette (0, colors.dark, good);
  em_plot_palette (3, colors.dark, bad);

  for (guint i = 0; i < self->n; i++)
    {
      em_plot_text_size (widget, self->labels[i], TRUE, &w, &h);
      label_w = MAX (label_w, w);
      text_h = MAX (text_h, h);
    }
  em_plot_text_size (widget, "Predicted", FALSE, &w, &title_h);
  left = PAD + title_h + PAD + label_w + PAD;
  top = PAD + title_h + PAD + text_h + PAD;
  cell = MIN ((width - left - PAD) / self->n, (height - top - PAD) / self->n);
  if (cell < 4)
    return;
  /* Centre the square grid in whatever room is left over. */
  x0 = left + floor ((width - left - PAD - cell * self->n) / 2);
  y0 = top;

  em_plot_text (widget, snapshot, "Predicted", FALSE, x0 + cell * self->n / 2, PAD, 0.5, 0.0,
                &colors.fg);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) (x0 - label_w - 2 * PAD - title_h),
                                                          (float) (y0 + cell * self->n / 2)));
  gtk_snapshot_rotate (snapshot, -90);
  em_plot_text (widget, snapshot, "Actual", FALSE, 0, 0, 0.5, 0.0, &colors.fg);
  gtk_snapshot_restore (snapshot);

  for (guint i = 0; i < self->n; i++)
    {
      em_plot_text (widget, snapshot, self->labels[i], TRUE, x0 - PAD, y0 + (i + 0.5) * cell,
                    1.0, 0.5, &colors.dim);
      em_plot_text (widget, snapshot, self->labels[i], TRUE, x0 + (i + 0.5) * cell, y0 - PAD,
                    0.5, 1.0, &colors.dim);
    }

  for (guint r = 0; r < self->n; r++)
    for (guint c = 0; c < self->n; c++)
      {
        double f = em_confusion_matrix_get_fraction (self, r, c);
        graphene_rect_t rect = GRAPHENE_RECT_INIT ((float) (x0 + c * cell + GAP / 2.0),
                                                   (float) (y0 + r * cell + GAP / 2.0),
                                                   (float) (cell - GAP), (float) (cell - GAP));
        float fill[3];
        GdkRGBA fill_rgba, text_rgba;
        GskRoundedRect rr;
        char pct[32];

        /* A floor of 6 % keeps the empty cells visible as cells. */
        mix (base, r == c ? good : bad, isnan (f) ? 0.0 : 0.06 + 0.94 * f, fill);
        fill_rgba = (GdkRGBA) { fill[0], fill[1], fill[2], 1.0f };
        /* Dark text on light cells, light on dark: judged on the real colour,
         * which is known because the cells paint their own backdrop. */
        {
          /* WCAG contrast against near-black (luminance ~0.01) and near-white (~0.91). */
          double l = em_plot_luminance (fill);
          gboolean dark_text = (l + 0.05) / 0.06 > 0.96 / (l + 0.05);
          text_rgba = dark_text ? (GdkRGBA) { 0.1f, 0.1f, 0.1f, 1.0f }
                                : (GdkRGBA) { 0.96f, 0.96f, 0.96f, 1.0f };
        }
        gsk_rounded_rect_init_from_rect (&rr, &rect, MIN (4.0f, (float) cell / 6));
        gtk_snapshot_push_rounded_clip (snapshot, &rr);
        gtk_snapshot_append_color (snapshot, &fill_rgba, &rect);
        gtk_snapshot_pop (snapshot);

        if (isnan (f))
          g_strlcpy (pct, "–", sizeof pct);
        else
          g_snprintf (pct, sizeof pct, cell >= 56 ? "%.1f%%" : "%.0f%%", f * 100);
        em_plot_text_size (widget, pct, TRUE, &w, &h);
        if (w > cell - 4)
          continue; /* too small to print anything legible */
        if (self->show_counts && cell >= 2.6 * text_h && !isnan (f))
          {
            char count[32];
            g_snprintf (count, sizeof count, "%u", self->counts[r * self->n + c]);
            em_plot_text (widget, snapshot, pct, TRUE, rect.origin.x + rect.size.width / 2,
                          rect.origin.y + rect.size.height / 2, 0.5, 1.0, &text_rgba);
            text_rgba.alpha = 0.75f;
            em_plot_text (widget, snapshot, count, TRUE, rect.origin.x + rect.size.width / 2,
                          rect.origin.y + rect.size.height / 2, 0.5, 0.0, &text_rgba);
          }
        else
          em_plot_text (widget, snapshot, pct, TRUE, rect.origin.x + rect.size.width / 2,
                        rect.origin.y + rect.size.height / 2, 0.5, 0.5, &text_rgba);
      }
}

static void
em_confusion_matrix_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                             int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  EmConfusionMatrix *self = EM_CONFUSION_MATRIX (widget);

  *minimum = 120;
  *natural = 120 + 56 * (int) MIN (self->n, 12);
}

/* ---- API ---------------------------------------------------------------------- */

void
em_confusion_matrix_set_data (EmConfusionMatrix  *self,
                              guint               n,
                              const char * const *labels,
                              const guint        *counts)
{
  g_return_if_fail (EM_IS_CONFUSION_MATRIX (self));
  g_return_if_fail (n == 0 || counts != NULL);
  g_return_if_fail (n <= 4096);

  g_clear_pointer (&self->counts, g_free);
  g_clear_pointer (&self->labels, g_strfreev);
  self->n = n;
  if (n > 0)
    {
      self->counts = g_memdup2 (counts, (gsize) n * n * sizeof (guint));
      self->labels = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        self->labels[i] = labels != NULL && labels[i] != NULL ? g_strdup (labels[i])
                                                               : g_strdup_printf ("%u", i);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
em_confusion_matrix_get_n (EmConfusionMatrix *self)
{
  g_return_val_if_fail (EM_IS_CONFUSION_MATRIX (self), 0);
  return self->n;
}

gboolean
em_confusion_matrix_get_show_counts (EmConfusionMatrix *self)
{
  g_return_val_if_fail (EM_IS_CONFUSION_MATRIX (self), FALSE);
  return self->show_counts;
}

void
em_confusion_matrix_set_show_counts (EmConfusionMatrix *self, gboolean show)
{
  g_return_if_fail (EM_IS_CONFUSION_MATRIX (self));

  show = !!show;
  if (self->show_counts == show)
    return;
  self->show_counts = show;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_COUNTS]);
}

static void
em_confusion_matrix_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmConfusionMatrix *self = EM_CONFUSION_MATRIX (object);

  switch (prop_id)
    {
    case PROP_SHOW_COUNTS:
      g_value_set_boolean (value, self->show_counts);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_confusion_matrix_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EmConfusionMatrix *self = EM_CONFUSION_MATRIX (object);

  switch (prop_id)
    {
    case PROP_SHOW_COUNTS:
      em_confusion_matrix_set_show_counts (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_confusion_matrix_finalize (GObject *object)
{
  EmConfusionMatrix *self = EM_CONFUSION_MATRIX (object);

  g_free (self->counts);
  g_strfreev (self->labels);
  G_OBJECT_CLASS (em_confusion_matrix_parent_class)->finalize (object);
}

static void
em_confusion_matrix_class_init (EmConfusionMatrixClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = em_confusion_matrix_finalize;
  object_class->get_property = em_confusion_matrix_get_property;
  object_class->set_property = em_confusion_matrix_set_property;
  widget_class->snapshot = em_confusion_matrix_snapshot;
  widget_class->measure = em_confusion_matrix_measure;

  properties[PROP_SHOW_COUNTS] =
    g_param_spec_boolean ("show-counts", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "emconfusionmatrix");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
em_confusion_matrix_init (EmConfusionMatrix *self)
{
  self->show_counts = TRUE;
}

GtkWidget *
em_confusion_matrix_new (void)
{
  return g_object_new (EM_TYPE_CONFUSION_MATRIX, NULL);
}
