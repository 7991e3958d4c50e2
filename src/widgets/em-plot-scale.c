/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "em-plot-scale.h"

/* ---- ticks ------------------------------------------------------------------ */

static double
pow10i (int e)
{
  return pow (10.0, (double) e);
}

/* k × m × 10^e with one rounding: dividing by an exact power of ten rounds
 * once, multiplying by an inexact 0.1 rounds twice. */
static double
tick_at (double k, int m, int e)
{
  return e >= 0 ? k * m * pow10i (e) : k * m / pow10i (-e);
}

gboolean
em_plot_ticks_compute (double min, double max, guint target, EmPlotTicks *ticks)
{
  static const int mantissas[] = { 1, 2, 5 };
  double span, raw, mag, k0, k1;
  int e, best_m = 1, best_e = 0;
  guint limit;

  memset (ticks, 0, sizeof *ticks);
  if (!isfinite (min) || !isfinite (max))
    return FALSE;
  if (min > max)
    {
      double t = min;
      min = max;
      max = t;
    }
  /* A span below what a double can resolve at this magnitude would give
   * ticks that print identically: treat it as a single value. */
  if (max - min <= 1e-12 * fmax (fabs (min), fabs (max)))
    {
      double v = (min + max) / 2, d = v == 0 ? 1.0 : fabs (v) * 0.1;
      min = v - d;
      max = v + d;
    }
  span = max - min;
  if (!isfinite (span) || span <= 0)
    return FALSE;
  if (target == 0)
    target = 1;
  limit = 2 * target + 2;

  /* The 1-2-5 step nearest to span / target (on a log scale), so the
   * count lands near the target from either side. */
  raw = span / target;
  e = (int) floor (log10 (raw));
  mag = pow10i (e);
  best_e = e;
  best_m = 1;
  {
    double best_err = INFINITY;
    for (guint i = 0; i <= G_N_ELEMENTS (mantissas); i++)
      {
        int m = i < G_N_ELEMENTS (mantissas) ? mantissas[i] : 1;
        int me = i < G_N_ELEMENTS (mantissas) ? e : e + 1;
        double err = fabs (log (m * pow10i (me) / raw));

        if (err < best_err - 1e-12)
          {
            best_err = err;
            best_m = m;
            best_e = me;
          }
      }
  }
  (void) mag;

  for (;;)
    {
      double step = best_m * pow10i (best_e);

      k0 = floor (min / step + 1e-9);
      k1 = ceil (max / step - 1e-9);
      /* Rounding guard: the ticks must really cover [min, max]. */
      if (tick_at (k0, best_m, best_e) > min)
        k0 -= 1;
      if (tick_at (k1, best_m, best_e) < max)
        k1 += 1;
      if (k1 - k0 + 1 <= limit)
        break;
      /* Too many ticks (the covering range overshot): next step up. */
      if (best_m == 1)
        best_m = 2;
      else if (best_m == 2)
        best_m = 5;
      else
        {
          best_m = 1;
          best_e++;
        }
    }

  ticks->mantissa = best_m;
  ticks->exponent = best_e;
  ticks->step = best_m * pow10i (best_e);
  ticks->first_index = k0;
  ticks->n = (guint) (k1 - k0 + 1);
  ticks->decimals = em_plot_decimals_for_step (ticks->step);
  {
    double big = fmax (fabs (em_plot_ticks_min (ticks)), fabs (em_plot_ticks_max (ticks)));
    int int_digits = big >= 1 ? (int) floor (log10 (big) + 1e-9) + 1 : 1;
    /* Long rows of zeros ("0.0000015", "5000000") read worse than 1.5e-6. */
    ticks->scientific = int_digits + ticks->decimals > 6;
  }
  return TRUE;
}

double
em_plot_ticks_value (const EmPlotTicks *ticks, guint i)
{
  if (ticks->n == 0)
    return NAN;
  return tick_at (ticks->first_index + i, ticks->mantissa, ticks->exponent);
}

double
em_plot_ticks_min (const EmPlotTicks *ticks)
{
  return em_plot_ticks_value (ticks, 0);
}

double
em_plot_ticks_max (const EmPlotTicks *ticks)
{
  return ticks->n > 0 ? em_plot_ticks_value (ticks, ticks->n - 1) : NAN;
}

int
em_plot_decimals_for_step (double step)
{
  int e;

  if (!(step > 0) || !isfinite (step))
    return 0;
  /* The 1e-9 slack keeps 0.1 (stored as 0.1000000000000000055) at 1 digit. */
  e = (int) floor (log10 (step) + 1e-9);
  return e >= 0 ? 0 : -e;
}

char *
em_plot_ticks_format (const EmPlotTicks *ticks, double value, char *buf, gsize size)
{
  if (size == 0)
    return buf;
  if (!isfinite (value))
    {
      g_strlcpy (buf, isnan (value) ? "NaN" : value > 0 ? "∞" : "-∞", size);
      return buf;
    }
  if (ticks->n > 0 && fabs (value) < ticks->step * 1e-6)
    value = 0; /* also turns -0 into 0 */

  if (ticks->n > 0 && ticks->scientific && value != 0)
    {
      int e = (int) floor (log10 (fabs (value)) + 1e-9);
      /* Mantissa digits enough to tell neighbours apart at this exponent. */
      int digits = MAX (0, e - ticks->exponent);
      double m = value / pow10i (e);

      /* Rounding can give 10.0: renormalise. */
      if (fabs (m) >= 10 - 0.5 * pow10i (-digits))
        {
          e++;
          m = value / pow10i (e);
        }
      g_snprintf (buf, size, "%.*fe%d", digits, m, e);
    }
  else
    {
      int decimals = ticks->n > 0 ? ticks->decimals : 2;
      g_snprintf (buf, size, "%.*f", decimals, value);
      if (strcmp (buf, "-0") == 0 || (buf[0] == '-' && strspn (buf + 1, "0.") == strlen (buf + 1)))
        memmove (buf, buf + 1, strlen (buf));
    }
  return buf;
}

/* ---- linear mapping --------------------------------------------------------- */

void
em_plot_map_init (EmPlotMap *map, double v0, double v1, double p0, double p1)
{
  map->v0 = v0;
  map->v1 = v1;
  map->p0 = p0;
  map->p1 = p1;
}

double
em_plot_map_to_pixel (const EmPlotMap *map, double value)
{
  double dv = map->v1 - map->v0;

  if (dv == 0 || !isfinite (dv))
    return (map->p0 + map->p1) / 2;
  return map->p0 + (value - map->v0) / dv * (map->p1 - map->p0);
}

double
em_plot_map_to_value (const EmPlotMap *map, double pixel)
{
  double dp = map->p1 - map->p0;

  if (dp == 0)
    return map->v0;
  return map->v0 + (pixel - map->p0) / dp * (map->v1 - map->v0);
}

/* ---- colours ---------------------------------------------------------------- */

static double
to_linear (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
to_srgb (double c)
{
  c = CLAMP (c, 0.0, 1.0);
  return c <= 0.0031308 ? c * 12.92 : 1.055 * pow (c, 1 / 2.4) - 0.055;
}

double
em_plot_luminance (const float rgb[3])
{
  return 0.2126 * to_linear (rgb[0]) + 0.7152 * to_linear (rgb[1]) + 0.0722 * to_linear (rgb[2]);
}

void
em_plot_colormap (double t, float rgb[3])
{
  /* Five anchors of the viridis ramp (its 0, ¼, ½, ¾ and 1 colours, as
   * commonly quoted: #440154 #3b528b #21918c #5ec962 #fde725). Between them
   * we blend in linear light, where luminance is linear in the channels, so
   * rising anchor luminances give a monotonic ramp. */
  static const guint8 anchors[][3] = {
    { 0x44, 0x01, 0x54 },
    { 0x3b, 0x52, 0x8b },
    { 0x21, 0x91, 0x8c },
    { 0x5e, 0xc9, 0x62 },
    { 0xfd, 0xe7, 0x25 },
  };
  const guint last = G_N_ELEMENTS (anchors) - 1;
  double pos, f;
  guint i;

  if (isnan (t))
    {
      rgb[0] = rgb[1] = rgb[2] = 0.5f;
      return;
    }
  t = CLAMP (t, 0.0, 1.0);
  pos = t * last;
  i = MIN ((guint) pos, last - 1);
  f = pos - i;
  for (guint c = 0; c < 3; c++)
    {
      double a = to_linear (anchors[i][c] / 255.0);
      double b = to_linear (anchors[i + 1][c] / 255.0);
      rgb[c] = (float) to_srgb (a + (b - a) * f);
    }
}

void
em_plot_palette (guint index, gboolean dark, float rgb[3])
{
  /* GNOME palette hues: the darker shades on light backgrounds, the lighter
   * ones on dark, so each series keeps its hue across the two modes. */
  static const guint32 light[] = {
    0x1c71d8, /* blue 4 */
    0xe66100, /* orange 5 */
    0x26a269, /* green 5 */
    0xc01c28, /* red 4 */
    0x813d9c, /* purple 4 */
    0x986a44, /* brown 2 */
    0x1a7f8e, /* teal */
    0xa51d80, /* magenta */
  };
  static const guint32 dark_palette[] = {
    0x62a0ea, /* blue 2 */
    0xffa348, /* orange 2 */
    0x57e389, /* green 2 */
    0xf66151, /* red 1 */
    0xc061cb, /* purple 2 */
    0xcdab8f, /* brown 1 */
    0x5fcfdf, /* teal */
    0xf28dd5, /* magenta */
  };
  guint32 c = (dark ? dark_palette : light)[index % G_N_ELEMENTS (light)];

  rgb[0] = ((c >> 16) & 0xff) / 255.0f;
  rgb[1] = ((c >> 8) & 0xff) / 255.0f;
  rgb[2] = (c & 0xff) / 255.0f;
}
