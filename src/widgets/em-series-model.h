/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Named float series for EmLinePlot: sensor axes of a sample, or training
 * curves (loss, accuracy) that grow while a model trains. Each series has
 * either an implicit x (the point's index 0, 1, 2, ...) or explicit x
 * values given with each point. NaN y values are gaps.
 *
 * Every change emits "changed" once (no arguments); a plot redraws on it.
 * To change several things with one emission, wrap them in
 * em_series_model_freeze_changed() / _thaw_changed(). Main thread only. */
#define EM_TYPE_SERIES_MODEL (em_series_model_get_type ())
G_DECLARE_FINAL_TYPE (EmSeriesModel, em_series_model, EM, SERIES_MODEL, GObject)

EmSeriesModel *em_series_model_new           (void);

/* Adds an empty series named @name (copied) and returns its index.
 * @explicit_x: TRUE if points carry their own x (em_series_model_append_xy),
 * FALSE for x = point index (em_series_model_append). */
guint        em_series_model_add_series      (EmSeriesModel *self,
                                              const char    *name,
                                              gboolean       explicit_x);
/* Removes every series. */
void         em_series_model_clear           (EmSeriesModel *self);

guint        em_series_model_get_n_series    (EmSeriesModel *self);
/* (transfer none) */
const char  *em_series_model_get_name        (EmSeriesModel *self,
                                              guint          series);
gboolean     em_series_model_has_explicit_x  (EmSeriesModel *self,
                                              guint          series);
guint        em_series_model_get_n_points    (EmSeriesModel *self,
                                              guint          series);
/* The point's x (its index for implicit-x series) and y. */
void         em_series_model_get_point       (EmSeriesModel *self,
                                              guint          series,
                                              guint          index,
                                              double        *x,
                                              double        *y);
/* (transfer none): the y values, n_points long, valid until the next
 * change. */
const float *em_series_model_get_y           (EmSeriesModel *self,
                                              guint          series);
/* (transfer none) (nullable): the x values, or NULL for implicit x. */
const float *em_series_model_get_x           (EmSeriesModel *self,
                                              guint          series);

/* Appends a point to an implicit-x series. */
void         em_series_model_append          (EmSeriesModel *self,
                                              guint          series,
                                              float          y);
/* Appends a point to an explicit-x series. */
void         em_series_model_append_xy       (EmSeriesModel *self,
                                              guint          series,
                                              float          x,
                                              float          y);
/* Replaces the points of @series with copies of @y (and @x, which must be
 * NULL for implicit-x series and non-NULL for explicit ones), @n long. */
void         em_series_model_set_values      (EmSeriesModel *self,
                                              guint          series,
                                              const float   *x,
                                              const float   *y,
                                              guint          n);

/* The finite x and y extent over all series. Returns FALSE (outputs
 * untouched) when there is no finite point. */
gboolean     em_series_model_get_bounds      (EmSeriesModel *self,
                                              double        *x_min,
                                              double        *x_max,
                                              double        *y_min,
                                              double        *y_max);

void         em_series_model_freeze_changed  (EmSeriesModel *self);
void         em_series_model_thaw_changed    (EmSeriesModel *self);

G_END_DECLS
