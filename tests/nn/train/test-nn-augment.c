/* SPDX-License-Identifier: Apache-2.0 */
/* Augmentation: each transform does what the header promises, exactly
 * where it can be exact and statistically where it is random. */
#include <math.h>
#include <string.h>
#include "em-nn-augment.h"
#include "em-nn-augment-private.h"

static void
fill_distinct (float *w, gsize n)
{
  /* Distinct, non-zero values so a moved or masked cell is recognizable. */
  for (gsize i = 0; i < n; i++)
    w[i] = 1.f + (float) i * 0.5f;
}

static double
mean_of (const float *w, gsize n)
{
  double s = 0;
  for (gsize i = 0; i < n; i++)
    s += w[i];
  return s / n;
}

static double
std_of (const float *w, gsize n)
{
  double m = mean_of (w, n), s = 0;
  for (gsize i = 0; i < n; i++)
    s += (w[i] - m) * (w[i] - m);
  return sqrt (s / n);
}

static void
test_off (void)
{
  EmNnAugment aug = { 0 };
  EmNnDims d = { 4, 5, 3 };
  float w[60], orig[60], scratch[60];
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  g_assert_false (em_nn_augment_is_enabled (&aug));
  g_assert_false (em_nn_augment_is_enabled (NULL));
  /* A mask count without a width does nothing, so it is not "enabled". */
  aug.time_masks = 2;
  g_assert_false (em_nn_augment_is_enabled (&aug));
  aug.time_mask_max = 1;
  g_assert_true (em_nn_augment_is_enabled (&aug));

  memset (&aug, 0, sizeof aug);
  fill_distinct (w, 60);
  memcpy (orig, w, sizeof w);
  em_nn_augment_apply (&aug, d, w, scratch, rand);
  g_assert_cmpmem (w, sizeof w, orig, sizeof orig);
}

static void
test_shift (void)
{
  EmNnDims d = { 2, 8, 3 };
  float w[48], orig[48], scratch[48];

  for (int k = -9; k <= 9; k++)
    {
      fill_distinct (orig, 48);
      memcpy (w, orig, sizeof w);
      em_nn_augment_shift_w (d, w, scratch, k);
      for (int y = 0; y < d.h; y++)
        for (int x = 0; x < d.w; x++)
          for (int c = 0; c < d.c; c++)
            {
              float got = w[(y * d.w + x) * d.c + c];
              int src = x - k;
              float want = src >= 0 && src < d.w ? orig[(y * d.w + src) * d.c + c] : 0.f;
              g_assert_cmpfloat (got, ==, want);
            }
    }

  /* Through the public call: the result is a shift by some k in ±3, and
   * over many draws every k appears. */
  EmNnAugment aug = { .time_shift_max = 3 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  gboolean seen[7] = { 0 };
  for (int t = 0; t < 200; t++)
    {
      int found = -100;
      fill_distinct (orig, 48);
      memcpy (w, orig, sizeof w);
      em_nn_augment_apply (&aug, d, w, scratch, rand);
      for (int k = -3; k <= 3 && found == -100; k++)
        {
          float ref[48];
          memcpy (ref, orig, sizeof ref);
          em_nn_augment_shift_w (d, ref, scratch, k);
          if (memcmp (ref, w, sizeof ref) == 0)
            found = k;
        }
      g_assert_cmpint (found, !=, -100);
      seen[found + 3] = TRUE;
    }
  for (int k = 0; k < 7; k++)
    g_assert_true (seen[k]);
}

static void
test_flips (void)
{
  EmNnDims d = { 3, 5, 2 };
  float w[30], orig[30], scratch[30];

  fill_distinct (orig, 30);
  memcpy (w, orig, sizeof w);
  em_nn_augment_flip_w (d, w);
  g_assert_cmpfloat (w[(1 * 5 + 0) * 2 + 1], ==, orig[(1 * 5 + 4) * 2 + 1]);
  g_assert_cmpfloat (w[(2 * 5 + 2) * 2 + 0], ==, orig[(2 * 5 + 2) * 2 + 0]);  /* middle column stays */
  g_assert_true (memcmp (w, orig, sizeof w) != 0);
  em_nn_augment_flip_w (d, w);
  g_assert_cmpmem (w, sizeof w, orig, sizeof orig);

  em_nn_augment_flip_h (d, w);
  g_assert_cmpfloat (w[(0 * 5 + 3) * 2 + 1], ==, orig[(2 * 5 + 3) * 2 + 1]);
  g_assert_true (memcmp (w, orig, sizeof w) != 0);
  em_nn_augment_flip_h (d, w);
  g_assert_cmpmem (w, sizeof w, orig, sizeof orig);

  /* Random flips: each result is the original or its mirror, both occur. */
  EmNnAugment aug = { .flip_horizontal = TRUE };
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  float mirror[30];
  memcpy (mirror, orig, sizeof mirror);
  em_nn_augment_flip_w (d, mirror);
  int n_same = 0, n_mirror = 0;
  for (int t = 0; t < 100; t++)
    {
      memcpy (w, orig, sizeof w);
      em_nn_augment_apply (&aug, d, w, scratch, rand);
      if (memcmp (w, orig, sizeof w) == 0)
        n_same++;
      else if (memcmp (w, mirror, sizeof w) == 0)
        n_mirror++;
    }
  g_assert_cmpint (n_same + n_mirror, ==, 100);
  g_assert_cmpint (n_same, >, 20);
  g_assert_cmpint (n_mirror, >, 20);
}

/* Indices along @axis whose cells all changed to @value; every other cell
 * must be unchanged. Returns the band as a bitmask. */
static guint
changed_band (EmNnDims d, const float *orig, const float *w, int axis, float value)
{
  guint band = 0;
  for (int y = 0; y < d.h; y++)
    for (int x = 0; x < d.w; x++)
      for (int c = 0; c < d.c; c++)
        {
          gsize i = ((gsize) y * d.w + x) * d.c + c;
          int pos = axis == 0 ? y : axis == 1 ? x : c;
          if (w[i] != orig[i])
            {
              g_assert_cmpfloat_with_epsilon (w[i], value, 1e-4);
              band |= 1u << pos;
            }
        }
  /* Every cell of a changed position changed (values are distinct from the mean). */
  for (int y = 0; y < d.h; y++)
    for (int x = 0; x < d.w; x++)
      for (int c = 0; c < d.c; c++)
        {
          gsize i = ((gsize) y * d.w + x) * d.c + c;
          int pos = axis == 0 ? y : axis == 1 ? x : c;
          if (band & (1u << pos))
            g_assert_cmpfloat_with_epsilon (w[i], value, 1e-4);
        }
  return band;
}

static void
check_masks (EmNnDims d, int axis, int len, EmNnAugment aug, int max)
{
  gsize n = em_nn_dims_size (d);
  g_autofree float *w = g_new (float, n), *orig = g_new (float, n), *scratch = g_new (float, n);
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  gboolean seen[32] = { 0 };

  fill_distinct (orig, n);
  /* The mean itself must not be one of the cell values, so shift by a quarter step. */
  for (gsize i = 0; i < n; i++)
    orig[i] += (i % 2) ? 0.25f : 0.f;
  float mean = (float) mean_of (orig, n);
  for (int t = 0; t < 300; t++)
    {
      memcpy (w, orig, n * sizeof (float));
      em_nn_augment_apply (&aug, d, w, scratch, rand);
      guint band = changed_band (d, orig, w, axis, mean);
      /* One contiguous band no wider than the maximum. */
      int width = __builtin_popcount (band);
      g_assert_cmpint (width, <=, max);
      if (width > 0)
        {
          guint low = band >> __builtin_ctz (band);
          g_assert_cmpuint (low & (low + 1), ==, 0);
          g_assert_cmpint (__builtin_ctz (band) + width, <=, len);
        }
      seen[width] = TRUE;
    }
  for (int k = 0; k <= max; k++)
    g_assert_true (seen[k]);
}

static void
test_masks (void)
{
  EmNnDims audio = { 1, 12, 6 }, image = { 8, 6, 2 };
  float w[72], orig[72];

  /* The exact helper sets exactly the requested band. */
  fill_distinct (orig, 72);
  memcpy (w, orig, sizeof w);
  em_nn_augment_mask (audio, w, 1, 3, 4, -5.f);
  g_assert_cmpuint (changed_band (audio, orig, w, 1, -5.f), ==, 0x78u);
  memcpy (w, orig, sizeof w);
  em_nn_augment_mask (audio, w, 2, 1, 2, -5.f);
  g_assert_cmpuint (changed_band (audio, orig, w, 2, -5.f), ==, 0x6u);

  check_masks (audio, 1, 12, (EmNnAugment) { .time_masks = 1, .time_mask_max = 4 }, 4);
  check_masks (audio, 2, 6, (EmNnAugment) { .freq_masks = 1, .freq_mask_max = 3 }, 3);
  /* Images: frequency masks run along h. */
  check_masks (image, 0, 8, (EmNnAugment) { .freq_masks = 1, .freq_mask_max = 5 }, 5);
}

static void
test_noise (void)
{
  EmNnDims d = { 1, 4096, 2 };
  gsize n = em_nn_dims_size (d);
  g_autofree float *w = g_new (float, n), *orig = g_new (float, n), *scratch = g_new (float, n);
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  EmNnAugment aug = { .noise_std = 0.5f };

  for (gsize i = 0; i < n; i++)
    orig[i] = 3.f + 2.f * (float) sin (i * 0.37);   /* std = 2 / √2 */
  double s0 = std_of (orig, n);
  memcpy (w, orig, n * sizeof (float));
  em_nn_augment_apply (&aug, d, w, scratch, rand);
  for (gsize i = 0; i < n; i++)
    scratch[i] = w[i] - orig[i];
  /* The added noise has σ = 0.5 × the window's std, mean 0 (8192 draws:
   * the sample std is within ~1 % with overwhelming probability). */
  g_assert_cmpfloat_with_epsilon (std_of (scratch, n) / (0.5 * s0), 1.0, 0.04);
  g_assert_cmpfloat (fabs (mean_of (scratch, n)), <, 0.05 * s0);
  /* Independent noise adds in quadrature. */
  g_assert_cmpfloat_with_epsilon (std_of (w, n) / (s0 * sqrt (1.25)), 1.0, 0.04);
}

static void
test_crop (void)
{
  EmNnDims d = { 4, 10, 1 };
  float w[40], orig[40], scratch[40];

  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 10; x++)
      orig[y * 10 + x] = (float) x + 100.f * y;
  memcpy (w, orig, sizeof w);
  em_nn_augment_crop (d, w, scratch, 0, 0, 0, 0);
  g_assert_cmpmem (w, sizeof w, orig, sizeof orig);

  /* Keep x in [2, 8) (left 0.2, right 0.2): a linear ramp stays linear,
   * each output cell samples source x = 2 + (x + 0.5) × 0.6 − 0.5. */
  memcpy (w, orig, sizeof w);
  em_nn_augment_crop (d, w, scratch, 0, 0, 0.2f, 0.2f);
  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 10; x++)
      g_assert_cmpfloat_with_epsilon (w[y * 10 + x], 2 + (x + 0.5) * 0.6 - 0.5 + 100.0 * y, 1e-4);

  /* Random crops keep the size and stay within the original's range, and
   * zoom in: the spread along x can only shrink. */
  EmNnAugment aug = { .crop_max = 0.3f };
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  gboolean changed = FALSE;
  for (int t = 0; t < 20; t++)
    {
      memcpy (w, orig, sizeof w);
      em_nn_augment_apply (&aug, d, w, scratch, rand);
      changed |= memcmp (w, orig, sizeof w) != 0;
      for (int i = 0; i < 40; i++)
        g_assert_true (w[i] >= 0.f && w[i] <= 309.f);
      g_assert_cmpfloat (w[9] - w[0], <=, 9.f + 1e-4);
    }
  g_assert_true (changed);
}

static void
test_brightness_contrast (void)
{
  EmNnDims d = { 3, 3, 1 };
  float w[9], orig[9], scratch[9];
  g_autoptr(GRand) rand = g_rand_new_with_seed (2);
  EmNnAugment b = { .brightness = 0.2f }, c = { .contrast = 0.5f };

  fill_distinct (orig, 9);   /* range 4 */
  for (int t = 0; t < 50; t++)
    {
      memcpy (w, orig, sizeof w);
      em_nn_augment_apply (&b, d, w, scratch, rand);
      float delta = w[0] - orig[0];
      g_assert_cmpfloat (fabsf (delta), <=, 0.2f * 4.f + 1e-5f);
      for (int i = 0; i < 9; i++)
        g_assert_cmpfloat_with_epsilon (w[i] - orig[i], delta, 1e-5);

      memcpy (w, orig, sizeof w);
      em_nn_augment_apply (&c, d, w, scratch, rand);
      double m = mean_of (orig, 9);
      g_assert_cmpfloat_with_epsilon (mean_of (w, 9), m, 1e-4);
      double f = (w[0] - m) / (orig[0] - m);
      g_assert_cmpfloat (f, >=, 0.5 - 1e-5);
      g_assert_cmpfloat (f, <=, 1.5 + 1e-5);
      for (int i = 0; i < 9; i++)
        g_assert_cmpfloat_with_epsilon (w[i] - m, (orig[i] - m) * f, 1e-4);
    }
}

static void
test_deterministic (void)
{
  EmNnDims d = { 1, 32, 4 };
  EmNnAugment aug = { .noise_std = 0.1f, .time_shift_max = 4, .time_masks = 2, .time_mask_max = 3,
                      .freq_masks = 1, .freq_mask_max = 2, .contrast = 0.1f };
  float a[128], b[128], scratch[128];
  g_autoptr(GRand) r1 = g_rand_new_with_seed (42);
  g_autoptr(GRand) r2 = g_rand_new_with_seed (42);
  g_autoptr(GRand) r3 = g_rand_new_with_seed (43);

  fill_distinct (a, 128);
  memcpy (b, a, sizeof b);
  em_nn_augment_apply (&aug, d, a, scratch, r1);
  em_nn_augment_apply (&aug, d, b, scratch, r2);
  g_assert_cmpmem (a, sizeof a, b, sizeof b);
  fill_distinct (b, 128);
  em_nn_augment_apply (&aug, d, b, scratch, r3);
  g_assert_true (memcmp (a, b, sizeof a) != 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/augment/off", test_off);
  g_test_add_func ("/nn/augment/shift", test_shift);
  g_test_add_func ("/nn/augment/flips", test_flips);
  g_test_add_func ("/nn/augment/masks", test_masks);
  g_test_add_func ("/nn/augment/noise", test_noise);
  g_test_add_func ("/nn/augment/crop", test_crop);
  g_test_add_func ("/nn/augment/brightness-contrast", test_brightness_contrast);
  g_test_add_func ("/nn/augment/deterministic", test_deterministic);
  return g_test_run ();
}
