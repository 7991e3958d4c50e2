/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

#include "em-plot-scale.h"

G_BEGIN_DECLS

/* Drawing pieces the plot widgets share: colours taken from the widget's
 * style (so light and dark mode both work), text, axes with grid and tick
 * labels, and the legend box. Private to src/widgets. */

typedef struct {
  GdkRGBA  fg;      /* the widget's CSS colour: labels */
  GdkRGBA  dim;     /* secondary text */
  GdkRGBA  grid;    /* grid lines */
  GdkRGBA  axis;    /* axis lines */
  GdkRGBA  panel;   /* an opaque-ish backdrop for legends and readouts */
  gboolean dark;    /* the foreground is light, so the background is dark */
} EmPlotColors;

void     em_plot_colors_get      (GtkWidget    *widget,
                                  EmPlotColors *colors);
/* Palette entry @index for this mode with alpha @alpha. */
void     em_plot_palette_rgba    (const EmPlotColors *colors,
                                  guint               index,
                                  float               alpha,
                                  GdkRGBA            *out);

/* @small: tick-label size (85 %). */
void     em_plot_text_size       (GtkWidget  *widget,
                                  const char *text,
                                  gboolean    small,
                                  int        *width,
                                  int        *height);
/* Draws @text with its (@xalign, @yalign) point of the ink box at (@x, @y). */
void     em_plot_text            (GtkWidget     *widget,
                                  GtkSnapshot   *snapshot,
                                  const char    *text,
                                  gboolean       small,
                                  double         x,
                                  double         y,
                                  double         xalign,
                                  double         yalign,
                                  const GdkRGBA *color);

/* A string property setter's body: copies @value into *@field and, when it
 * differs from what was there, redraws @widget and notifies @pspec. */
void     em_plot_set_string      (GtkWidget   *widget,
                                  char       **field,
                                  const char  *value,
                                  GParamSpec  *pspec);

/* An axis-aligned 1 px line as a colour node. */
void     em_plot_hline           (GtkSnapshot *snapshot, double x0, double x1, double y,
                                  const GdkRGBA *color);
void     em_plot_vline           (GtkSnapshot *snapshot, double x, double y0, double y1,
                                  const GdkRGBA *color);

/* The plot area inside a @width × @height widget: room on the left for
 * the y tick labels of @yticks and @ylabel, below for x labels and
 * @xlabel, @right_extra on the right (a colour bar). @xticks may be NULL
 * (no x axis labels). */
void     em_plot_layout_area     (GtkWidget         *widget,
                                  int                width,
                                  int                height,
                                  const EmPlotTicks *xticks,
                                  const EmPlotTicks *yticks,
                                  const char        *xlabel,
                                  const char        *ylabel,
                                  int                right_extra,
                                  graphene_rect_t   *area);

/* Grid lines, the axis frame, tick labels and titles around @area; ticks
 * outside the map's value range are skipped. Either axis may be NULL. */
void     em_plot_draw_axes       (GtkWidget             *widget,
                                  GtkSnapshot           *snapshot,
                                  const EmPlotColors    *colors,
                                  const graphene_rect_t *area,
                                  const EmPlotTicks     *xticks,
                                  const EmPlotMap       *xmap,
                                  const EmPlotTicks     *yticks,
                                  const EmPlotMap       *ymap,
                                  const char            *xlabel,
                                  const char            *ylabel);

/* Legend corners of the plot area, in order of preference. */
enum {
  EM_PLOT_CORNER_TOP_RIGHT,
  EM_PLOT_CORNER_TOP_LEFT,
  EM_PLOT_CORNER_BOTTOM_RIGHT,
  EM_PLOT_CORNER_BOTTOM_LEFT,
  EM_PLOT_N_CORNERS
};

/* Where the legend box for @names would sit in @corner of @area. */
void     em_plot_legend_rect     (GtkWidget             *widget,
                                  const graphene_rect_t *area,
                                  const char * const    *names,
                                  guint                  n,
                                  guint                  corner,
                                  graphene_rect_t       *rect);
/* The corner whose legend box would cover the fewest of @counts (a count
 * of data per corner); ties go to the preferred corner. */
guint    em_plot_best_corner     (const guint            counts[EM_PLOT_N_CORNERS]);

/* A legend box in @corner of @area: one swatch and name per entry. */
void     em_plot_draw_legend     (GtkWidget             *widget,
                                  GtkSnapshot           *snapshot,
                                  const EmPlotColors    *colors,
                                  const graphene_rect_t *area,
                                  const char * const    *names,
                                  const GdkRGBA         *swatches,
                                  guint                  n,
                                  guint                  corner);

/* A small panel with @text beside the point (@x, @y) it describes (hover
 * readouts): above right of it, flipped left or below to stay in @area. */
void     em_plot_draw_readout    (GtkWidget             *widget,
                                  GtkSnapshot           *snapshot,
                                  const EmPlotColors    *colors,
                                  const graphene_rect_t *area,
                                  const char            *text,
                                  double                 x,
                                  double                 y);

G_END_DECLS
