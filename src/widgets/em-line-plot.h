/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

#include "em-series-model.h"

G_BEGIN_DECLS

/* Line plot of every series in an EmSeriesModel: sensor samples over time,
 * or training curves (loss, accuracy) that grow while a model trains.
 *
 * Axes carry "nice" ticks; a legend names the series. Until the user zooms
 * or pans, the view follows the data (all of x, y rounded out to ticks), so
 * a growing curve stays in sight. Scrolling zooms x around the pointer,
 * Ctrl+scroll zooms both axes, dragging pans, a double click or the
 * "plot.reset-zoom" action goes back to following the data. Hovering shows
 * the nearest point's series, x and y.
 *
 * Properties: "model" (EmSeriesModel, nullable), "x-label", "y-label"
 * (axis titles, nullable), "show-legend" (default TRUE), "zoomed" (read
 * only: TRUE while the view is the user's rather than the data's). */
#define EM_TYPE_LINE_PLOT (em_line_plot_get_type ())
G_DECLARE_FINAL_TYPE (EmLinePlot, em_line_plot, EM, LINE_PLOT, GtkWidget)

/* @model: (nullable) */
GtkWidget     *em_line_plot_new            (EmSeriesModel *model);

/* (nullable) (transfer none) */
EmSeriesModel *em_line_plot_get_model      (EmLinePlot    *self);
/* @model: (nullable); resets the zoom. */
void           em_line_plot_set_model      (EmLinePlot    *self,
                                            EmSeriesModel *model);
const char    *em_line_plot_get_x_label    (EmLinePlot    *self);
void           em_line_plot_set_x_label    (EmLinePlot    *self,
                                            const char    *label);
const char    *em_line_plot_get_y_label    (EmLinePlot    *self);
void           em_line_plot_set_y_label    (EmLinePlot    *self,
                                            const char    *label);
gboolean       em_line_plot_get_show_legend (EmLinePlot   *self);
void           em_line_plot_set_show_legend (EmLinePlot   *self,
                                             gboolean      show);
gboolean       em_line_plot_get_zoomed     (EmLinePlot    *self);

/* The visible value range (the data's own while not zoomed). Returns
 * FALSE, outputs untouched, when there is nothing to show. */
gboolean       em_line_plot_get_view       (EmLinePlot    *self,
                                            double        *x_min,
                                            double        *x_max,
                                            double        *y_min,
                                            double        *y_max);
/* Shows exactly this range (min < max on both axes) and sets "zoomed". */
void           em_line_plot_set_view       (EmLinePlot    *self,
                                            double         x_min,
                                            double         x_max,
                                            double         y_min,
                                            double         y_max);
/* Zooms by @factor_x, @factor_y (> 1 zooms in, 1 leaves an axis alone)
 * keeping the value under widget point (@x, @y) in place — what scrolling
 * does. Needs an allocated widget. */
void           em_line_plot_zoom_at        (EmLinePlot    *self,
                                            double         x,
                                            double         y,
                                            double         factor_x,
                                            double         factor_y);
/* Back to following the data. */
void           em_line_plot_reset_zoom     (EmLinePlot    *self);

/* The point nearest to widget point (@x, @y) within 24 px, as hovering
 * finds it. Returns FALSE if there is none. */
gboolean       em_line_plot_pick           (EmLinePlot    *self,
                                            double         x,
                                            double         y,
                                            guint         *series,
                                            guint         *index);

G_END_DECLS
