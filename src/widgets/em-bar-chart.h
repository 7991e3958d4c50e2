/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Labelled horizontal bars — samples per label, feature importance — with
 * the labels on the left (long names stay readable), a value axis with
 * "nice" ticks below and each value printed at the end of its bar. Bars
 * grow from 0, so negative values point left.
 *
 * Properties: "value-label" (the value axis title, nullable),
 * "multicolor" (default FALSE: one accent colour; TRUE: bar i takes palette
 * colour i, matching class i in EmScatterPlot). */
#define EM_TYPE_BAR_CHART (em_bar_chart_get_type ())
G_DECLARE_FINAL_TYPE (EmBarChart, em_bar_chart, EM, BAR_CHART, GtkWidget)

GtkWidget  *em_bar_chart_new             (void);

/* Copies @n labels (nullable: bars are then numbered) and @values; NaN
 * values leave their bar empty. @n of 0 clears. */
void        em_bar_chart_set_data        (EmBarChart         *self,
                                          guint               n,
                                          const char * const *labels,
                                          const double       *values);
guint       em_bar_chart_get_n           (EmBarChart         *self);

const char *em_bar_chart_get_value_label (EmBarChart         *self);
void        em_bar_chart_set_value_label (EmBarChart         *self,
                                          const char         *label);
gboolean    em_bar_chart_get_multicolor  (EmBarChart         *self);
void        em_bar_chart_set_multicolor  (EmBarChart         *self,
                                          gboolean            multicolor);

G_END_DECLS
