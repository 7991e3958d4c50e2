/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Plot arithmetic shared by Ember's plot widgets: "nice" axis ticks, the
 * linear value <-> pixel map, tick labels and the heatmap colour map. Plain
 * functions over plain structs; nothing here needs GTK or a display. */

/* ---- ticks ------------------------------------------------------------------ */

/* Evenly spaced ticks: value i is (first_index + i) × step for i < n, where
 * step is 1, 2 or 5 × 10^exponent. The ticks cover the range they were made
 * for: the first is <= its minimum and the last >= its maximum. */
typedef struct {
  double first_index; /* integer-valued multiple of step of the first tick */
  double step;        /* > 0 when n > 0 */
  int    mantissa;    /* 1, 2 or 5: step = mantissa × 10^exponent */
  int    exponent;
  guint  n;           /* 0 when there are no ticks */
  int    decimals;    /* digits after the point that tell the ticks apart */
  gboolean scientific; /* labels read better as 1.5e6 / 2e-6 */
} EmPlotTicks;

/* Chooses ticks for [@min, @max] with about @target intervals (@target of 0
 * counts as 1; the result has between 1 and 2 × @target + 2 ticks).
 * @min > @max is taken as the reversed range; @min == @max is widened to a
 * small range around the value (±1 around 0, else ±10 % of |value|).
 * NaN or infinite bounds (or a span too large for a double) give no ticks:
 * @ticks->n is 0 and FALSE is returned. */
gboolean em_plot_ticks_compute  (double       min,
                                 double       max,
                                 guint        target,
                                 EmPlotTicks *ticks);

/* The value of tick @i (< ticks->n), computed from integers so that 0.3 is
 * 0.3, not 0.30000000000000004. */
double   em_plot_ticks_value    (const EmPlotTicks *ticks,
                                 guint              i);
/* First and last tick values: the nice range that covers the input. */
double   em_plot_ticks_min      (const EmPlotTicks *ticks);
double   em_plot_ticks_max      (const EmPlotTicks *ticks);

/* Writes @value as a label for these ticks into @buf (NUL-terminated,
 * truncated to @size): ticks.decimals digits after the point, or a short
 * mantissa + "e" exponent when ticks.scientific; "-0" prints as "0".
 * Returns @buf. */
char    *em_plot_ticks_format   (const EmPlotTicks *ticks,
                                 double             value,
                                 char              *buf,
                                 gsize              size);

/* Digits after the point needed to tell apart values @step apart
 * (0 for steps >= 1, 1 for 0.1 .. 0.5, 2 for 0.01 .. 0.05, ...). */
int      em_plot_decimals_for_step (double step);

/* ---- linear mapping --------------------------------------------------------- */

/* Maps values in [v0, v1] linearly onto pixels [p0, p1]; either side may be
 * reversed (screen y grows downwards: pass p0 = bottom, p1 = top). */
typedef struct {
  double v0, v1;
  double p0, p1;
} EmPlotMap;

void     em_plot_map_init       (EmPlotMap *map,
                                 double     v0,
                                 double     v1,
                                 double     p0,
                                 double     p1);
/* An empty value range (v0 == v1) maps every value to the middle pixel and
 * every pixel to v0. */
double   em_plot_map_to_pixel   (const EmPlotMap *map,
                                 double           value);
double   em_plot_map_to_value   (const EmPlotMap *map,
                                 double           pixel);

/* ---- colours ---------------------------------------------------------------- */

/* A perceptually ordered dark-blue -> teal -> green -> yellow colour map in the
 * spirit of matplotlib's viridis, interpolated in linear light between a few
 * anchor colours so its luminance rises monotonically with @t. @t is clamped
 * to [0, 1]; NaN gives mid grey. Outputs sRGB components in [0, 1]. */
void     em_plot_colormap       (double t,
                                 float  rgb[3]);

/* Colour @index (wrapping) of the series/class palette, sRGB in [0, 1]. The
 * @dark variant is lighter so lines stay visible on a dark background; both
 * keep a contrast of at least 3:1 against Adwaita's window backgrounds. */
void     em_plot_palette        (guint    index,
                                 gboolean dark,
                                 float    rgb[3]);

/* Relative luminance (WCAG) of an sRGB colour, 0 = black, 1 = white. */
double   em_plot_luminance      (const float rgb[3]);

G_END_DECLS
