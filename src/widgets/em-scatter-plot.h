/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* One point of an EmScatterPlot. */
typedef struct {
  float  x, y;        /* data coordinates; non-finite points are not drawn */
  guint  class_index; /* colour and legend entry */
  gint64 id;          /* the caller's id (e.g. a sample id), reported by signals */
} EmScatterPoint;

/* The feature explorer's scatter plot: tens of thousands of points coloured
 * by class, with a legend of class names. The points are rendered once into
 * a cached image and only re-rendered when the data, size, view or colour
 * scheme change, so hovering over 50k points stays cheap; a uniform grid
 * over the data finds the point under the pointer.
 *
 * Scrolling zooms around the pointer, dragging pans, a double click or the
 * "plot.reset-zoom" action shows all points again.
 *
 * Signals:
 *  "point-hovered" (gint64 id): the nearest point within a few pixels of
 *    the pointer changed; -1 when the pointer leaves every point.
 *  "point-activated" (gint64 id): a point was clicked.
 * Properties: "hovered-id" (gint64, read only, -1 for none), "zoomed"
 * (read only), "x-label", "y-label". */
#define EM_TYPE_SCATTER_PLOT (em_scatter_plot_get_type ())
G_DECLARE_FINAL_TYPE (EmScatterPlot, em_scatter_plot, EM, SCATTER_PLOT, GtkWidget)

GtkWidget  *em_scatter_plot_new              (void);

/* Copies @n points; resets the zoom and the hover. */
void        em_scatter_plot_set_points       (EmScatterPlot        *self,
                                              const EmScatterPoint *points,
                                              guint                 n);
guint       em_scatter_plot_get_n_points     (EmScatterPlot        *self);
/* @names: (nullable) NULL-terminated, copied; entry i names class i.
 * Classes without a name show as "Class i". */
void        em_scatter_plot_set_class_names  (EmScatterPlot        *self,
                                              const char * const   *names);

/* Widget coordinates of point @index (in set_points order). FALSE if the
 * widget has no size yet or the point is not finite. */
gboolean    em_scatter_plot_point_to_widget  (EmScatterPlot        *self,
                                              guint                 index,
                                              double               *x,
                                              double               *y);
/* The point nearest to widget point (@x, @y) within @radius pixels, as
 * hovering finds it (with a radius of 8). FALSE if there is none. */
gboolean    em_scatter_plot_pick             (EmScatterPlot        *self,
                                              double                x,
                                              double                y,
                                              double                radius,
                                              gint64               *id);
gint64      em_scatter_plot_get_hovered_id   (EmScatterPlot        *self);

/* The visible data range; FALSE when there are no points. */
gboolean    em_scatter_plot_get_view         (EmScatterPlot        *self,
                                              double               *x_min,
                                              double               *x_max,
                                              double               *y_min,
                                              double               *y_max);
/* Zooms both axes by @factor (> 1 zooms in) around widget point (@x, @y). */
void        em_scatter_plot_zoom_at          (EmScatterPlot        *self,
                                              double                x,
                                              double                y,
                                              double                factor);
void        em_scatter_plot_reset_zoom       (EmScatterPlot        *self);
gboolean    em_scatter_plot_get_zoomed       (EmScatterPlot        *self);

const char *em_scatter_plot_get_x_label      (EmScatterPlot        *self);
void        em_scatter_plot_set_x_label      (EmScatterPlot        *self,
                                              const char           *label);
const char *em_scatter_plot_get_y_label      (EmScatterPlot        *self);
void        em_scatter_plot_set_y_label      (EmScatterPlot        *self,
                                              const char           *label);

/* How many times the points were rendered into the cache: lets tests check
 * that hovering does not re-render. */
guint       em_scatter_plot_get_render_count (EmScatterPlot        *self);

G_END_DECLS
