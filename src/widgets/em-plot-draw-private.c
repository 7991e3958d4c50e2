/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>

#include "em-plot-draw-private.h"

#define PAD 6

void
em_plot_colors_get (GtkWidget *widget, EmPlotColors *colors)
{
  float rgb[3];

  /* gtk_widget_get_color() is GTK 4.10; on 4.8 the style context is the way. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &colors->fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  rgb[0] = colors->fg.red;
  rgb[1] = colors->fg.green;
  rgb[2] = colors->fg.blue;
  colors->dark = em_plot_luminance (rgb) > 0.4;
  colors->dim = colors->fg;
  colors->dim.alpha *= 0.7f;
  colors->grid = colors->fg;
  colors->grid.alpha *= 0.1f;
  colors->axis = colors->fg;
  colors->axis.alpha *= 0.35f;
  /* Adwaita's view backgrounds, so a legend over a curve stays legible. */
  if (colors->dark)
    colors->panel = (GdkRGBA) { 0.19f, 0.19f, 0.19f, 0.88f };
  else
    colors->panel = (GdkRGBA) { 1.0f, 1.0f, 1.0f, 0.88f };
}

void
em_plot_palette_rgba (const EmPlotColors *colors, guint index, float alpha, GdkRGBA *out)
{
  float rgb[3];

  em_plot_palette (index, colors->dark, rgb);
  *out = (GdkRGBA) { rgb[0], rgb[1], rgb[2], alpha };
}

static PangoLayout *
make_layout (GtkWidget *widget, const char *text, gboolean small)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);

  if (small)
    {
      PangoAttrList *attrs = pango_attr_list_new ();
      pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
      /* Tabular digits keep tick labels from jittering while panning. */
      pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  return layout;
}

void
em_plot_text_size (GtkWidget *widget, const char *text, gboolean small, int *width, int *height)
{
  g_autoptr(PangoLayout) layout = make_layout (widget, text, small);

  pango_layout_get_pixel_size (layout, width, height);
}

void
em_plot_text (GtkWidget     *widget,
              GtkSnapshot   *snapshot,
              const char    *text,
              gboolean       small,
              double         x,
              double         y,
              double         xalign,
              double         yalign,
              const GdkRGBA *color)
{
  g_autoptr(PangoLayout) layout = make_layout (widget, text, small);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (roundf ((float) (x - w * xalign)),
                                                roundf ((float) (y - h * yalign))));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

void
em_plot_set_string (GtkWidget *widget, char **field, const char *value, GParamSpec *pspec)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  gtk_widget_queue_draw (widget);
  g_object_notify_by_pspec (G_OBJECT (widget), pspec);
}

void
em_plot_hline (GtkSnapshot *snapshot, double x0, double x1, double y, const GdkRGBA *color)
{
  float yy = floorf ((float) y);

  gtk_snapshot_append_color (snapshot, color,
                             &GRAPHENE_RECT_INIT ((float) x0, yy, (float) (x1 - x0), 1));
}

void
em_plot_vline (GtkSnapshot *snapshot, double x, double y0, double y1, const GdkRGBA *color)
{
  float xx = floorf ((float) x);

  gtk_snapshot_append_color (snapshot, color,
                             &GRAPHENE_RECT_INIT (xx, (float) y0, 1, (float) (y1 - y0)));
}

void
em_plot_layout_area (GtkWidget         *widget,
                     int                width,
                     int                height,
                     const EmPlotTicks *xticks,
                     const EmPlotTicks *yticks,
                     const char        *xlabel,
                     const char        *ylabel,
                     int                right_extra,
                     graphene_rect_t   *area)
{
  int label_w = 0, text_h = 0, w, h;
  double left = PAD, bottom = PAD, top = PAD + 4, right = PAD + 6 + right_extra;
  char buf[64];

  em_plot_text_size (widget, "0", TRUE, &w, &text_h);
  for (guint i = 0; yticks != NULL && i < yticks->n; i++)
    {
      em_plot_ticks_format (yticks, em_plot_ticks_value (yticks, i), buf, sizeof buf);
      em_plot_text_size (widget, buf, TRUE, &w, &h);
      label_w = MAX (label_w, w);
    }
  left += label_w + PAD;
  if (ylabel != NULL && *ylabel != '\0')
    {
      em_plot_text_size (widget, ylabel, FALSE, &w, &h);
      left += h + 2;
    }
  if (xticks != NULL)
    {
      bottom += text_h + 2;
      /* The last x label is centred on the right edge: leave it room. */
      right = MAX (right, PAD + 20 + right_extra);
    }
  if (xlabel != NULL && *xlabel != '\0')
    {
      em_plot_text_size (widget, xlabel, FALSE, &w, &h);
      bottom += h + 2;
    }
  /* Half a label of headroom so the top y label is not clipped. */
  top = MAX (top, text_h / 2.0 + 2);
  graphene_rect_init (area, (float) left, (float) top,
                      (float) MAX (1.0, width - left - right),
                      (float) MAX (1.0, height - top - bottom));
}

void
em_plot_draw_axes (GtkWidget             *widget,
                   GtkSnapshot           *snapshot,
                   const EmPlotColors    *colors,
                   const graphene_rect_t *area,
                   const EmPlotTicks     *xticks,
                   const EmPlotMap       *xmap,
                   const EmPlotTicks     *yticks,
                   const EmPlotMap       *ymap,
                   const char            *xlabel,
                   const char            *ylabel)
{
  double x0 = area->origin.x, y0 = area->origin.y;
  double x1 = x0 + area->size.width, y1 = y0 + area->size.height;
  double label_bottom = y1;
  char buf[64];

  if (yticks != NULL && ymap != NULL)
    for (guint i = 0; i < yticks->n; i++)
      {
        double v = em_plot_ticks_value (yticks, i);
        double py = em_plot_map_to_pixel (ymap, v);

        if (py < y0 - 0.5 || py > y1 + 0.5)
          continue;
        em_plot_hline (snapshot, x0, x1, MIN (py, y1 - 1), &colors->grid);
        em_plot_ticks_format (yticks, v, buf, sizeof buf);
        em_plot_text (widget, snapshot, buf, TRUE, x0 - PAD, py, 1.0, 0.5, &colors->dim);
      }
  if (xticks != NULL && xmap != NULL)
    {
      int w, h;

      em_plot_text_size (widget, "0", TRUE, &w, &h);
      label_bottom = y1 + 2 + h;
      for (guint i = 0; i < xticks->n; i++)
        {
          double v = em_plot_ticks_value (xticks, i);
          double px = em_plot_map_to_pixel (xmap, v);

          if (px < x0 - 0.5 || px > x1 + 0.5)
            continue;
          em_plot_vline (snapshot, MIN (px, x1 - 1), y0, y1, &colors->grid);
          em_plot_ticks_format (xticks, v, buf, sizeof buf);
          em_plot_text (widget, snapshot, buf, TRUE, px, y1 + 2, 0.5, 0.0, &colors->dim);
        }
    }
  /* The frame: x axis below, y axis on the left. */
  em_plot_hline (snapshot, x0, x1, y1 - 1, &colors->axis);
  em_plot_vline (snapshot, x0, y0, y1, &colors->axis);

  if (xlabel != NULL && *xlabel != '\0')
    em_plot_text (widget, snapshot, xlabel, FALSE, (x0 + x1) / 2, label_bottom + 2, 0.5, 0.0,
                  &colors->fg);
  if (ylabel != NULL && *ylabel != '\0')
    {
      int w, h;

      em_plot_text_size (widget, ylabel, FALSE, &w, &h);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (PAD, (float) ((y0 + y1) / 2)));
      gtk_snapshot_rotate (snapshot, -90);
      em_plot_text (widget, snapshot, ylabel, FALSE, 0, 0, 0.5, 0.0, &colors->fg);
      gtk_snapshot_restore (snapshot);
    }
}

#define SWATCH 12
#define SWATCH_GAP 6

static void
legend_metrics (GtkWidget *widget, const char * const *names, guint n, int *max_w, int *line_h)
{
  *max_w = *line_h = 0;
  for (guint i = 0; i < n; i++)
    {
      int w, h;
      em_plot_text_size (widget, names[i] != NULL ? names[i] : "", TRUE, &w, &h);
      *max_w = MAX (*max_w, w);
      *line_h = MAX (*line_h, h);
    }
}

static void
legend_rect_for (const graphene_rect_t *area, int max_w, int line_h, guint n, guint corner,
                 graphene_rect_t *rect)
{
  double box_w = PAD + SWATCH + SWATCH_GAP + max_w + PAD;
  double box_h = PAD + n * (line_h + 2) - 2 + PAD;
  gboolean right = corner == EM_PLOT_CORNER_TOP_RIGHT || corner == EM_PLOT_CORNER_BOTTOM_RIGHT;
  gboolean top = corner == EM_PLOT_CORNER_TOP_RIGHT || corner == EM_PLOT_CORNER_TOP_LEFT;
  double bx = right ? area->origin.x + area->size.width - box_w - PAD : area->origin.x + PAD + 1;
  double by = top ? area->origin.y + PAD : area->origin.y + area->size.height - box_h - PAD - 1;

  graphene_rect_init (rect, (float) bx, (float) by, (float) box_w, (float) box_h);
}

void
em_plot_legend_rect (GtkWidget             *widget,
                     const graphene_rect_t *area,
                     const char * const    *names,
                     guint                  n,
                     guint                  corner,
                     graphene_rect_t       *rect)
{
  int max_w, line_h;

  legend_metrics (widget, names, n, &max_w, &line_h);
  legend_rect_for (area, max_w, line_h, n, corner, rect);
}

guint
em_plot_best_corner (const guint counts[EM_PLOT_N_CORNERS])
{
  guint best = 0;

  for (guint c = 1; c < EM_PLOT_N_CORNERS; c++)
    if (counts[c] < counts[best])
      best = c;
  return best;
}

void
em_plot_draw_legend (GtkWidget             *widget,
                     GtkSnapshot           *snapshot,
                     const EmPlotColors    *colors,
                     const graphene_rect_t *area,
                     const char * const    *names,
                     const GdkRGBA         *swatches,
                     guint                  n,
                     guint                  corner)
{
  int max_w, line_h;
  graphene_rect_t box;
  GskRoundedRect rr;

  if (n == 0)
    return;
  legend_metrics (widget, names, n, &max_w, &line_h);
  legend_rect_for (area, max_w, line_h, n, corner, &box);
  gsk_rounded_rect_init_from_rect (&rr, &box, 6);
  gtk_snapshot_push_rounded_clip (snapshot, &rr);
  gtk_snapshot_append_color (snapshot, &colors->panel, &rr.bounds);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_append_border (snapshot, &rr, (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { colors->grid, colors->grid, colors->grid, colors->grid });
  for (guint i = 0; i < n; i++)
    {
      double ly = box.origin.y + PAD + i * (line_h + 2);
      GskRoundedRect swatch;

      gsk_rounded_rect_init_from_rect (&swatch,
                                       &GRAPHENE_RECT_INIT (box.origin.x + PAD,
                                                            (float) (ly + (line_h - SWATCH) / 2.0),
                                                            SWATCH, SWATCH), 3);
      gtk_snapshot_push_rounded_clip (snapshot, &swatch);
      gtk_snapshot_append_color (snapshot, &swatches[i], &swatch.bounds);
      gtk_snapshot_pop (snapshot);
      em_plot_text (widget, snapshot, names[i] != NULL ? names[i] : "", TRUE,
                    box.origin.x + PAD + SWATCH + SWATCH_GAP, ly, 0.0, 0.0, &colors->fg);
    }
}

void
em_plot_draw_readout (GtkWidget             *widget,
                      GtkSnapshot           *snapshot,
                      const EmPlotColors    *colors,
                      const graphene_rect_t *area,
                      const char            *text,
                      double                 x,
                      double                 y)
{
  const double offset = 10;
  double bw, bh, bx, by;
  int w, h;
  GskRoundedRect rr;

  em_plot_text_size (widget, text, TRUE, &w, &h);
  bw = w + 2 * PAD;
  bh = h + PAD;
  bx = x + offset;
  by = y - offset - bh;
  /* Keep clear of the point: flip to the other side rather than cover it. */
  if (bx + bw > area->origin.x + area->size.width)
    bx = x - offset - bw;
  if (by < area->origin.y)
    by = y + offset;
  bx = CLAMP (bx, area->origin.x, MAX (area->origin.x, area->origin.x + area->size.width - bw));
  by = CLAMP (by, area->origin.y, MAX (area->origin.y, area->origin.y + area->size.height - bh));
  gsk_rounded_rect_init_from_rect (&rr, &GRAPHENE_RECT_INIT ((float) bx, (float) by,
                                                             (float) bw, (float) bh), 6);
  gtk_snapshot_push_rounded_clip (snapshot, &rr);
  gtk_snapshot_append_color (snapshot, &colors->panel, &rr.bounds);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_append_border (snapshot, &rr, (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { colors->axis, colors->axis, colors->axis, colors->axis });
  em_plot_text (widget, snapshot, text, TRUE, bx + PAD, by + PAD / 2.0, 0.0, 0.0, &colors->fg);
}
