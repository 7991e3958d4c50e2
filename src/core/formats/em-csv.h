/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-sample.h"

G_BEGIN_DECLS

/* Read a CSV file (comma, semicolon or tab separated; header row required).
 * - Time series: a first column named timestamp / time / t / timestamp_ms /
 *   time_ms (milliseconds; "_s"/"seconds" variants in seconds) gives the
 *   interval, which must be regular (within 1 %); the other columns are axes.
 *   Axis units come from "name (units)" headers. One EM_SENSOR_TIME_SERIES sample.
 * - Tabular: no time column; each row is one sample of 1 frame; a column named
 *   "label" or "class" gives that row's label (stored on the sample).
 * NaN, Inf, empty cells, ragged rows and non-numbers are errors naming the
 * line and column.
 * A time series needs at least 2 rows (the interval comes from them); its
 * interval is (last - first) / (rows - 1). A label column in a time series
 * must hold one label for all rows (UNSUPPORTED otherwise). In ';' and tab
 * separated files a single ',' in a number is a decimal comma.
 * (transfer full) (element-type EmSample) */
GPtrArray *em_csv_read  (GBytes *bytes, GError **error);

/* Write a time-series sample as CSV with a timestamp column in ms
 * ("timestamp,<axis> (<units>),...", numbers "%.9g" so float32 values read
 * back exactly). A sample without an interval is written in the tabular form
 * instead (no timestamp column, a "label" column when it has a label).
 * (transfer full) */
GBytes    *em_csv_write (EmSample *sample, GError **error);

G_END_DECLS
