/* SPDX-License-Identifier: Apache-2.0 */
/* The plot arithmetic without a display: nice ticks over awkward ranges,
 * value <-> pixel mapping, tick labels and the colour map. */
#include <math.h>

#include "em-plot-scale.h"

/* Every tick is a multiple of a 1-2-5 step, the ticks cover [lo, hi], the
 * count is reasonable, and no two ticks print alike. */
static void
check_ticks (double lo, double hi, guint target, double want_step)
{
  EmPlotTicks t;
  double step_mantissa;
  char prev[64] = "", buf[64];

  g_assert_true (em_plot_ticks_compute (lo, hi, target, &t));
  g_test_message ("[%g, %g] target %u: %u ticks from %g step %g, %d decimals%s", lo, hi, target,
                  t.n, em_plot_ticks_min (&t), t.step, t.decimals, t.scientific ? ", sci" : "");
  g_assert_cmpuint (t.n, >=, 2);
  g_assert_cmpuint (t.n, <=, 2 * target + 2);
  g_assert_true (t.mantissa == 1 || t.mantissa == 2 || t.mantissa == 5);
  step_mantissa = t.step / pow (10, t.exponent);
  g_assert_cmpfloat_with_epsilon (step_mantissa, t.mantissa, 1e-9);
  if (want_step > 0)
    g_assert_cmpfloat_with_epsilon (t.step, want_step, want_step * 1e-9);
  g_assert_cmpfloat (em_plot_ticks_min (&t), <=, MIN (lo, hi));
  g_assert_cmpfloat (em_plot_ticks_max (&t), >=, MAX (lo, hi));
  /* Covering, but not wastefully: less than a step beyond each end (a
   * single value is widened first, so only for real ranges). */
  if (lo != hi)
    g_assert_cmpfloat (em_plot_ticks_min (&t), >, MIN (lo, hi) - t.step * (1 + 1e-9));
  if (lo != hi)
    g_assert_cmpfloat (em_plot_ticks_max (&t), <, MAX (lo, hi) + t.step * (1 + 1e-9));
  for (guint i = 0; i < t.n; i++)
    {
      double v = em_plot_ticks_value (&t, i);
      double k = v / t.step;
      g_assert_cmpfloat (fabs (k - round (k)), <, 1e-6);
      em_plot_ticks_format (&t, v, buf, sizeof buf);
      g_assert_cmpstr (buf, !=, prev);
      g_strlcpy (prev, buf, sizeof prev);
    }
}

static void
test_ticks_ranges (void)
{
  check_ticks (0, 1, 5, 0.2);
  check_ticks (0, 7.3, 5, 2);
  check_ticks (-3.2, 48, 5, 10);
  check_ticks (1e-6, 3e-6, 5, 5e-7);
  check_ticks (1e6, 5e6, 5, 1e6);
  check_ticks (0, 1, 10, 0.1);
  check_ticks (-1e-3, 1e-3, 4, 5e-4);
  check_ticks (-48, -3.2, 5, 10);
  check_ticks (1e30, 3e30, 5, 5e29);
  check_ticks (1e-30, 3e-30, 5, 5e-31);
  check_ticks (0, 1, 0, 1);            /* target 0 counts as 1 */
  check_ticks (999999.9, 1000000.1, 4, 0.05); /* a small span far from 0 */
}

static void
test_ticks_exact_values (void)
{
  EmPlotTicks t;

  /* 0, 0.1, ..., 1.0 must be exactly the decimals a person would type. */
  g_assert_true (em_plot_ticks_compute (0, 1, 10, &t));
  g_assert_cmpuint (t.n, ==, 11);
  g_assert_cmpfloat (em_plot_ticks_value (&t, 3), ==, 0.3);
  g_assert_cmpfloat (em_plot_ticks_value (&t, 7), ==, 0.7);
  g_assert_cmpfloat (em_plot_ticks_min (&t), ==, 0.0);
  g_assert_cmpfloat (em_plot_ticks_max (&t), ==, 1.0);

  g_assert_true (em_plot_ticks_compute (0, 7.3, 5, &t));
  g_assert_cmpfloat (em_plot_ticks_min (&t), ==, 0);
  g_assert_cmpfloat (em_plot_ticks_max (&t), ==, 8);

  g_assert_true (em_plot_ticks_compute (-3.2, 48, 5, &t));
  g_assert_cmpfloat (em_plot_ticks_min (&t), ==, -10);
  g_assert_cmpfloat (em_plot_ticks_max (&t), ==, 50);
  g_assert_cmpuint (t.n, ==, 7);
}

static void
test_ticks_degenerate (void)
{
  EmPlotTicks t;

  /* min == max: widened around the value. */
  g_assert_true (em_plot_ticks_compute (5, 5, 5, &t));
  g_assert_cmpfloat (em_plot_ticks_min (&t), <, 5);
  g_assert_cmpfloat (em_plot_ticks_max (&t), >, 5);
  g_assert_true (em_plot_ticks_compute (0, 0, 5, &t));
  g_assert_cmpfloat (em_plot_ticks_min (&t), <=, -1);
  g_assert_cmpfloat (em_plot_ticks_max (&t), >=, 1);
  g_assert_true (em_plot_ticks_compute (-2e-7, -2e-7, 5, &t));
  g_assert_cmpfloat (em_plot_ticks_min (&t), <, -2e-7);
  g_assert_cmpfloat (em_plot_ticks_max (&t), >, -2e-7);
  check_ticks (5, 5, 5, 0);

  /* Reversed: the same ticks as the sorted range. */
  {
    EmPlotTicks a, b;
    g_assert_true (em_plot_ticks_compute (48, -3.2, 5, &a));
    g_assert_true (em_plot_ticks_compute (-3.2, 48, 5, &b));
    g_assert_cmpuint (a.n, ==, b.n);
    g_assert_cmpfloat (a.step, ==, b.step);
    g_assert_cmpfloat (em_plot_ticks_min (&a), ==, em_plot_ticks_min (&b));
  }

  /* Not numbers: no ticks. */
  g_assert_false (em_plot_ticks_compute (NAN, 1, 5, &t));
  g_assert_cmpuint (t.n, ==, 0);
  g_assert_false (em_plot_ticks_compute (0, NAN, 5, &t));
  g_assert_false (em_plot_ticks_compute (0, INFINITY, 5, &t));
  g_assert_false (em_plot_ticks_compute (-INFINITY, 0, 5, &t));
  g_assert_cmpuint (t.n, ==, 0);
  g_assert_true (isnan (em_plot_ticks_value (&t, 0)));
  /* A span a double cannot hold. */
  g_assert_false (em_plot_ticks_compute (-1.7e308, 1.7e308, 5, &t));
}

static void
test_labels (void)
{
  EmPlotTicks t;
  char buf[64];

  g_assert_cmpint (em_plot_decimals_for_step (1), ==, 0);
  g_assert_cmpint (em_plot_decimals_for_step (20), ==, 0);
  g_assert_cmpint (em_plot_decimals_for_step (0.5), ==, 1);
  g_assert_cmpint (em_plot_decimals_for_step (0.1), ==, 1);
  g_assert_cmpint (em_plot_decimals_for_step (0.2), ==, 1);
  g_assert_cmpint (em_plot_decimals_for_step (0.05), ==, 2);
  g_assert_cmpint (em_plot_decimals_for_step (0.001), ==, 3);

  g_assert_true (em_plot_ticks_compute (0, 1, 5, &t)); /* step 0.2 */
  g_assert_cmpstr (em_plot_ticks_format (&t, em_plot_ticks_value (&t, 1), buf, sizeof buf), ==, "0.2");
  g_assert_cmpstr (em_plot_ticks_format (&t, 0, buf, sizeof buf), ==, "0.0");
  g_assert_cmpstr (em_plot_ticks_format (&t, 1, buf, sizeof buf), ==, "1.0");
  g_assert_cmpstr (em_plot_ticks_format (&t, -0.0, buf, sizeof buf), ==, "0.0");

  g_assert_true (em_plot_ticks_compute (-3.2, 48, 5, &t)); /* step 10 */
  g_assert_cmpstr (em_plot_ticks_format (&t, -10, buf, sizeof buf), ==, "-10");
  g_assert_cmpstr (em_plot_ticks_format (&t, 50, buf, sizeof buf), ==, "50");

  g_assert_true (em_plot_ticks_compute (0, 0.07, 5, &t)); /* step 0.02 */
  g_assert_cmpint (t.decimals, ==, 2);
  g_assert_cmpstr (em_plot_ticks_format (&t, 0.06, buf, sizeof buf), ==, "0.06");
  /* A value that is almost 0 after arithmetic prints as 0, without a sign. */
  g_assert_cmpstr (em_plot_ticks_format (&t, -1e-18, buf, sizeof buf), ==, "0.00");

  /* Huge and tiny magnitudes switch to a short mantissa and exponent. */
  g_assert_true (em_plot_ticks_compute (1e6, 5e6, 8, &t)); /* step 5e5 */
  g_assert_true (t.scientific);
  g_assert_cmpstr (em_plot_ticks_format (&t, 1.5e6, buf, sizeof buf), ==, "1.5e6");
  g_assert_cmpstr (em_plot_ticks_format (&t, 5e6, buf, sizeof buf), ==, "5.0e6");
  g_assert_true (em_plot_ticks_compute (1e-6, 3e-6, 5, &t)); /* step 5e-7 */
  g_assert_true (t.scientific);
  g_assert_cmpstr (em_plot_ticks_format (&t, 1.5e-6, buf, sizeof buf), ==, "1.5e-6");
  g_assert_cmpstr (em_plot_ticks_format (&t, 0, buf, sizeof buf), ==, "0.0000000");

  g_assert_cmpstr (em_plot_ticks_format (&t, NAN, buf, sizeof buf), ==, "NaN");
}

static void
test_map (void)
{
  EmPlotMap m;

  em_plot_map_init (&m, -3.2, 48, 40, 440);
  g_assert_cmpfloat_with_epsilon (em_plot_map_to_pixel (&m, -3.2), 40, 1e-9);
  g_assert_cmpfloat_with_epsilon (em_plot_map_to_pixel (&m, 48), 440, 1e-9);
  g_assert_cmpfloat_with_epsilon (em_plot_map_to_pixel (&m, 22.4), 240, 1e-9);
  for (double v = -10; v < 60; v += 3.7)
    g_assert_cmpfloat_with_epsilon (em_plot_map_to_value (&m, em_plot_map_to_pixel (&m, v)), v, 1e-9);

  /* Screen y: value up, pixel down. */
  em_plot_map_init (&m, 0, 1, 300, 10);
  g_assert_cmpfloat_with_epsilon (em_plot_map_to_pixel (&m, 0), 300, 1e-9);
  g_assert_cmpfloat_with_epsilon (em_plot_map_to_pixel (&m, 1), 10, 1e-9);
  g_assert_cmpfloat_with_epsilon (em_plot_map_to_pixel (&m, 0.25), 227.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (em_plot_map_to_value (&m, 155), 0.5, 1e-9);

  /* Tiny magnitudes keep their precision. */
  em_plot_map_init (&m, 1e-6, 3e-6, 0, 200);
  g_assert_cmpfloat_with_epsilon (em_plot_map_to_pixel (&m, 2e-6), 100, 1e-6);

  /* An empty range maps to the middle instead of dividing by zero. */
  em_plot_map_init (&m, 5, 5, 0, 100);
  g_assert_cmpfloat (em_plot_map_to_pixel (&m, 5), ==, 50);
  g_assert_cmpfloat (em_plot_map_to_pixel (&m, 7), ==, 50);
  em_plot_map_init (&m, 0, 1, 20, 20);
  g_assert_cmpfloat (em_plot_map_to_value (&m, 35), ==, 0);
}

static void
test_colormap (void)
{
  float rgb[3], lo[3], hi[3];
  double prev = -1;

  /* The ends: viridis' dark purple-blue and its yellow. */
  em_plot_colormap (0, lo);
  em_plot_colormap (1, hi);
  g_assert_cmpfloat_with_epsilon (lo[0], 0x44 / 255.0, 1.0 / 255);
  g_assert_cmpfloat_with_epsilon (lo[1], 0x01 / 255.0, 1.0 / 255);
  g_assert_cmpfloat_with_epsilon (lo[2], 0x54 / 255.0, 1.0 / 255);
  g_assert_cmpfloat_with_epsilon (hi[0], 0xfd / 255.0, 1.0 / 255);
  g_assert_cmpfloat_with_epsilon (hi[1], 0xe7 / 255.0, 1.0 / 255);
  g_assert_cmpfloat_with_epsilon (hi[2], 0x25 / 255.0, 1.0 / 255);
  g_assert_cmpfloat (em_plot_luminance (lo), <, 0.05);
  g_assert_cmpfloat (em_plot_luminance (hi), >, 0.7);

  /* Lightness rises strictly, so the map reads in greyscale too. */
  for (int i = 0; i <= 1000; i++)
    {
      double l;
      em_plot_colormap (i / 1000.0, rgb);
      for (int c = 0; c < 3; c++)
        g_assert_true (rgb[c] >= 0 && rgb[c] <= 1);
      l = em_plot_luminance (rgb);
      g_assert_cmpfloat (l, >, prev);
      prev = l;
    }

  /* Clamped outside [0, 1]; NaN is a neutral grey. */
  em_plot_colormap (-3, rgb);
  g_assert_cmpfloat (rgb[0], ==, lo[0]);
  em_plot_colormap (7, rgb);
  g_assert_cmpfloat (rgb[1], ==, hi[1]);
  em_plot_colormap (NAN, rgb);
  g_assert_cmpfloat (rgb[0], ==, rgb[1]);
  g_assert_cmpfloat (rgb[1], ==, rgb[2]);
}

/* WCAG contrast of the palette against Adwaita's light (#fafafa) and dark
 * (#242424) window backgrounds: lines must stay visible in both. */
static void
test_palette (void)
{
  const float light_bg[3] = { 0xfa / 255.0f, 0xfa / 255.0f, 0xfa / 255.0f };
  const float dark_bg[3] = { 0x24 / 255.0f, 0x24 / 255.0f, 0x24 / 255.0f };

  for (guint i = 0; i < 8; i++)
    {
      float a[3], b[3], wrap[3];
      double la, lb, ll = em_plot_luminance (light_bg), ld = em_plot_luminance (dark_bg);

      em_plot_palette (i, FALSE, a);
      em_plot_palette (i, TRUE, b);
      la = em_plot_luminance (a);
      lb = em_plot_luminance (b);
      g_assert_cmpfloat ((ll + 0.05) / (la + 0.05), >=, 3.0);
      g_assert_cmpfloat ((lb + 0.05) / (ld + 0.05), >=, 3.0);
      em_plot_palette (i + 8, FALSE, wrap);
      g_assert_cmpfloat (wrap[0], ==, a[0]);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot-scale/ticks/ranges", test_ticks_ranges);
  g_test_add_func ("/plot-scale/ticks/exact-values", test_ticks_exact_values);
  g_test_add_func ("/plot-scale/ticks/degenerate", test_ticks_degenerate);
  g_test_add_func ("/plot-scale/labels", test_labels);
  g_test_add_func ("/plot-scale/map", test_map);
  g_test_add_func ("/plot-scale/colormap", test_colormap);
  g_test_add_func ("/plot-scale/palette", test_palette);
  return g_test_run ();
}
