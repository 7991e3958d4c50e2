/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include "em-nn-augment.h"
#include "em-nn-augment-private.h"

gboolean
em_nn_augment_is_enabled (const EmNnAugment *aug)
{
  return aug != NULL
         && (aug->noise_std > 0.f || aug->time_shift_max > 0
             || (aug->time_masks > 0 && aug->time_mask_max > 0)
             || (aug->freq_masks > 0 && aug->freq_mask_max > 0)
             || aug->flip_horizontal || aug->flip_vertical
             || aug->crop_max > 0.f || aug->brightness > 0.f || aug->contrast > 0.f);
}

static inline gsize
idx (EmNnDims d, int y, int x, int ch)
{
  return ((gsize) y * d.w + x) * d.c + ch;
}

/* A standard normal draw (Box–Muller); one value per call keeps the stream
 * simple to reason about for reproducibility. */
static double
gaussian (GRand *rand)
{
  double u1 = g_rand_double (rand), u2 = g_rand_double (rand);

  if (u1 < 1e-300)
    u1 = 1e-300;
  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

static void
window_stats (EmNnDims dims, const float *window, double *mean, double *std, float *lo, float *hi)
{
  gsize n = em_nn_dims_size (dims);
  double sum = 0, sum2 = 0;
  float mn = n > 0 ? window[0] : 0.f, mx = mn;

  for (gsize i = 0; i < n; i++)
    {
      sum += window[i];
      mn = MIN (mn, window[i]);
      mx = MAX (mx, window[i]);
    }
  double m = n > 0 ? sum / n : 0;
  for (gsize i = 0; i < n; i++)
    sum2 += (window[i] - m) * (window[i] - m);
  if (mean != NULL)
    *mean = m;
  if (std != NULL)
    *std = n > 0 ? sqrt (sum2 / n) : 0;
  if (lo != NULL)
    *lo = mn;
  if (hi != NULL)
    *hi = mx;
}

void
em_nn_augment_shift_w (EmNnDims dims, float *window, float *scratch, int k)
{
  gsize n = em_nn_dims_size (dims);

  memset (scratch, 0, n * sizeof (float));
  for (int y = 0; y < dims.h; y++)
    for (int x = 0; x < dims.w; x++)
      {
        int src = x - k;
        if (src < 0 || src >= dims.w)
          continue;
        memcpy (scratch + idx (dims, y, x, 0), window + idx (dims, y, src, 0), dims.c * sizeof (float));
      }
  memcpy (window, scratch, n * sizeof (float));
}

void
em_nn_augment_flip_w (EmNnDims dims, float *window)
{
  for (int y = 0; y < dims.h; y++)
    for (int x = 0; x < dims.w / 2; x++)
      for (int ch = 0; ch < dims.c; ch++)
        {
          float *a = window + idx (dims, y, x, ch), *b = window + idx (dims, y, dims.w - 1 - x, ch);
          float t = *a;
          *a = *b;
          *b = t;
        }
}

void
em_nn_augment_flip_h (EmNnDims dims, float *window)
{
  for (int y = 0; y < dims.h / 2; y++)
    for (int x = 0; x < dims.w; x++)
      for (int ch = 0; ch < dims.c; ch++)
        {
          float *a = window + idx (dims, y, x, ch), *b = window + idx (dims, dims.h - 1 - y, x, ch);
          float t = *a;
          *a = *b;
          *b = t;
        }
}

void
em_nn_augment_mask (EmNnDims dims, float *window, int axis, int start, int width, float value)
{
  for (int y = 0; y < dims.h; y++)
    for (int x = 0; x < dims.w; x++)
      for (int ch = 0; ch < dims.c; ch++)
        {
          int pos = axis == 0 ? y : axis == 1 ? x : ch;
          if (pos >= start && pos < start + width)
            window[idx (dims, y, x, ch)] = value;
        }
}

/* Source coordinate of output cell i when the kept span [lo, hi) (in cells,
 * fractional) is stretched back over n cells; pixel centres align, so no crop
 * is the identity. */
static inline float
crop_coord (int i, int n, float lo, float hi)
{
  float s = lo + (i + 0.5f) * (hi - lo) / n - 0.5f;

  return CLAMP (s, 0.f, (float) (n - 1));
}

void
em_nn_augment_crop (EmNnDims dims, float *window, float *scratch,
                    float top, float bottom, float left, float right)
{
  gsize n = em_nn_dims_size (dims);
  float y_lo = top * dims.h, y_hi = dims.h - bottom * dims.h;
  float x_lo = left * dims.w, x_hi = dims.w - right * dims.w;

  for (int y = 0; y < dims.h; y++)
    {
      float sy = crop_coord (y, dims.h, y_lo, y_hi);
      int y0 = (int) floorf (sy), y1 = MIN (y0 + 1, dims.h - 1);
      float fy = sy - y0;
      for (int x = 0; x < dims.w; x++)
        {
          float sx = crop_coord (x, dims.w, x_lo, x_hi);
          int x0 = (int) floorf (sx), x1 = MIN (x0 + 1, dims.w - 1);
          float fx = sx - x0;
          for (int ch = 0; ch < dims.c; ch++)
            {
              float a = window[idx (dims, y0, x0, ch)], b = window[idx (dims, y0, x1, ch)];
              float c = window[idx (dims, y1, x0, ch)], d = window[idx (dims, y1, x1, ch)];
              float top_v = a + (b - a) * fx, bot_v = c + (d - c) * fx;
              scratch[idx (dims, y, x, ch)] = top_v + (bot_v - top_v) * fy;
            }
        }
    }
  memcpy (window, scratch, n * sizeof (float));
}

static float
uniform (GRand *rand, float a, float b)
{
  return (float) g_rand_double_range (rand, a, b);
}

/* Geometry first (crop, flips, shift), then intensity (brightness, contrast,
 * noise), then the SpecAugment masks last, so a mask is exactly its band. */
void
em_nn_augment_apply (const EmNnAugment *aug, EmNnDims dims, float *window, float *scratch,
                     GRand *rand)
{
  gsize n = em_nn_dims_size (dims);

  if (!em_nn_augment_is_enabled (aug) || n == 0)
    return;

  if (aug->crop_max > 0.f)
    {
      float cm = MIN (aug->crop_max, 0.49f);
      /* Only axes with more than one cell can be cropped. */
      float t = dims.h > 1 ? uniform (rand, 0, cm) : 0, b = dims.h > 1 ? uniform (rand, 0, cm) : 0;
      float l = dims.w > 1 ? uniform (rand, 0, cm) : 0, r = dims.w > 1 ? uniform (rand, 0, cm) : 0;
      em_nn_augment_crop (dims, window, scratch, t, b, l, r);
    }
  if (aug->flip_horizontal && g_rand_boolean (rand))
    em_nn_augment_flip_w (dims, window);
  if (aug->flip_vertical && g_rand_boolean (rand))
    em_nn_augment_flip_h (dims, window);
  if (aug->time_shift_max > 0)
    {
      int k = g_rand_int_range (rand, -aug->time_shift_max, aug->time_shift_max + 1);
      if (k != 0)
        em_nn_augment_shift_w (dims, window, scratch, k);
    }
  if (aug->brightness > 0.f)
    {
      float lo, hi;
      window_stats (dims, window, NULL, NULL, &lo, &hi);
      float delta = uniform (rand, -aug->brightness, aug->brightness) * (hi - lo);
      for (gsize i = 0; i < n; i++)
        window[i] += delta;
    }
  if (aug->contrast > 0.f)
    {
      double mean;
      window_stats (dims, window, &mean, NULL, NULL, NULL);
      float f = uniform (rand, 1.f - aug->contrast, 1.f + aug->contrast);
      for (gsize i = 0; i < n; i++)
        window[i] = (float) (mean + (window[i] - mean) * f);
    }
  if (aug->noise_std > 0.f)
    {
      double std;
      window_stats (dims, window, NULL, &std, NULL, NULL);
      double sigma = aug->noise_std * std;
      for (gsize i = 0; i < n; i++)
        window[i] += (float) (sigma * gaussian (rand));
    }
  if ((aug->time_masks > 0 && aug->time_mask_max > 0) || (aug->freq_masks > 0 && aug->freq_mask_max > 0))
    {
      double mean;
      window_stats (dims, window, &mean, NULL, NULL, NULL);
      for (int m = 0; aug->time_mask_max > 0 && m < aug->time_masks; m++)
        {
          int width = g_rand_int_range (rand, 0, MIN (aug->time_mask_max, dims.w) + 1);
          int start = g_rand_int_range (rand, 0, dims.w - width + 1);
          em_nn_augment_mask (dims, window, 1, start, width, (float) mean);
        }
      /* Frequency runs along c for features (h = 1), along h for images. */
      int axis = dims.h > 1 ? 0 : 2, len = dims.h > 1 ? dims.h : dims.c;
      for (int m = 0; aug->freq_mask_max > 0 && m < aug->freq_masks; m++)
        {
          int width = g_rand_int_range (rand, 0, MIN (aug->freq_mask_max, len) + 1);
          int start = g_rand_int_range (rand, 0, len - width + 1);
          em_nn_augment_mask (dims, window, axis, start, width, (float) mean);
        }
    }
}
