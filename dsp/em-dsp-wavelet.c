/* SPDX-License-Identifier: Apache-2.0 */
#include "em-dsp-wavelet.h"

#include <math.h>
#include <string.h>

#include "em-dsp-stats.h"
#include "em-dsp-wavelet-filters.h"

#define N_WAVELETS (sizeof wavelet_index / sizeof wavelet_index[0])
#define HIST_BINS 100

int
em_dsp_wavelet_find (const char *name)
{
  size_t i;
  if (name == NULL)
    return -1;
  for (i = 0; i < N_WAVELETS; i++)
    if (strcmp (name, wavelet_index[i].name) == 0)
      return (int) i;
  return -1;
}

size_t
em_dsp_wavelet_count (void)
{
  return N_WAVELETS;
}

const char *
em_dsp_wavelet_name (size_t i)
{
  return i < N_WAVELETS ? wavelet_index[i].name : NULL;
}

size_t
em_dsp_wavelet_taps (int wavelet)
{
  if (wavelet < 0 || (size_t) wavelet >= N_WAVELETS)
    return 0;
  return wavelet_index[wavelet].length;
}

int
em_dsp_wavelet_max_level (size_t n)
{
  int level = 0;
  /* int(log2(n/32)) without floating point: the largest L with 32·2^L ≤ n. */
  while (level < 30 && ((size_t) EM_DSP_WAVELET_MIN_BLOCK << (level + 1)) <= n)
    level++;
  return level;
}

const char *
em_dsp_wavelet_feature_name (size_t j)
{
  static const char *const names[EM_DSP_WAVELET_FEATURES] = {
    "entropy", "zcross", "mcross", "n5", "n25", "n75", "n95", "median",
    "mean", "std", "var", "rms", "skew", "kurtosis"
  };
  return j < EM_DSP_WAVELET_FEATURES ? names[j] : NULL;
}

size_t
em_dsp_wavelet_scratch_floats (size_t n, int wavelet)
{
  /* Approximation ping-pong plus one detail buffer, each able to hold the
   * first level's (n + F − 1)/2 coefficients (later levels are shorter). */
  return 3 * ((n + em_dsp_wavelet_taps (wavelet)) / 2 + 1);
}

/* Symmetric extension index (repeats for filters longer than the signal). */
static size_t
sym_index (long i, size_t n)
{
  long len = (long) n;
  while (i < 0 || i >= len)
    {
      if (i < 0)
        i = -i - 1;
      if (i >= len)
        i = 2 * len - i - 1;
    }
  return (size_t) i;
}

/* One level: m inputs → floor((m + F − 1)/2) approximation and detail. */
static size_t
dwt_step (const float *x, size_t m, const float *lo, const float *hi, size_t taps,
          float *ca, float *cd)
{
  size_t out = (m + taps - 1) / 2, k, j;
  for (k = 0; k < out; k++)
    {
      em_dsp_acc_t a = 0, d = 0;
      long base = 2 * (long) k + 1;
      for (j = 0; j < taps; j++)
        {
          long t = base - (long) j;
          em_dsp_acc_t v = (em_dsp_acc_t) (t >= 0 && t < (long) m ? x[t] : x[sym_index (t, m)]);
          a += (em_dsp_acc_t) lo[j] * v;
          d += (em_dsp_acc_t) hi[j] * v;
        }
      ca[k] = (float) a;
      cd[k] = (float) d;
    }
  return out;
}

/* In-place heapsort: no allocation and O(n log n) on any input. */
static void
sift_down (float *a, size_t root, size_t n)
{
  for (;;)
    {
      size_t child = 2 * root + 1;
      float t;
      if (child >= n)
        return;
      if (child + 1 < n && a[child + 1] > a[child])
        child++;
      if (!(a[child] > a[root]))
        return;
      t = a[root];
      a[root] = a[child];
      a[child] = t;
      root = child;
    }
}

static void
heapsort_f32 (float *a, size_t n)
{
  size_t i;
  if (n < 2)
    return;
  for (i = n / 2; i-- > 0;)
    sift_down (a, i, n);
  for (i = n - 1; i > 0; i--)
    {
      float t = a[0];
      a[0] = a[i];
      a[i] = t;
      sift_down (a, 0, i);
    }
}

/* Entropy of numpy.histogram(x, 100): equal bins over [min, max] (±0.5 when
 * constant), last bin closed, the same edge corrections as numpy so values
 * on a boundary land where numpy puts them. */
static double
hist_entropy (const float *x, size_t n, double lo, double hi)
{
  unsigned counts[HIST_BINS];
  double edges[HIST_BINS + 1], norm, e = 0.0;
  size_t i;

  if (lo == hi)
    {
      lo -= 0.5;
      hi += 0.5;
    }
  for (i = 0; i <= HIST_BINS; i++)
    edges[i] = lo + (double) i * ((hi - lo) / HIST_BINS);
  edges[HIST_BINS] = hi;
  norm = HIST_BINS / (hi - lo);
  memset (counts, 0, sizeof counts);
  for (i = 0; i < n; i++)
    {
      double v = x[i];
      long b = (long) ((v - lo) * norm);
      if (b >= HIST_BINS)
        b = HIST_BINS - 1;
      if (b < 0)
        b = 0;
      if (v < edges[b] && b > 0)
        b--;
      else if (b != HIST_BINS - 1 && v >= edges[b + 1])
        b++;
      counts[b]++;
    }
  for (i = 0; i < HIST_BINS; i++)
    if (counts[i] > 0)
      {
        double p = (double) counts[i] / (double) n;
        e -= p * log (p);
      }
  return e;
}

/* The 14 statistics of c[0..n); sorts c in place (last). */
static void
array_features (float *c, size_t n, float *out)
{
  static const double pct[5] = { 5, 25, 75, 95, 50 };
  em_dsp_moments m;
  em_dsp_acc_t ss = 0;
  size_t i, zc = 0, mc = 0;
  float mn = c[0], mx = c[0], rms;

  em_dsp_moments_f32 (c, n, 1, &m);
  for (i = 0; i < n; i++)
    {
      ss += (em_dsp_acc_t) c[i] * (em_dsp_acc_t) c[i];
      mn = c[i] < mn ? c[i] : mn;
      mx = c[i] > mx ? c[i] : mx;
      if (i + 1 < n)
        {
          zc += (c[i] > 0.0f) != (c[i + 1] > 0.0f);
          mc += ((em_dsp_acc_t) c[i] > m.mean) != ((em_dsp_acc_t) c[i + 1] > m.mean);
        }
    }
  rms = (float) sqrt ((double) (ss / (em_dsp_acc_t) n));

  out[0] = (float) hist_entropy (c, n, mn, mx);
  out[1] = (float) zc / (float) n;
  out[2] = (float) mc / (float) n;
  out[8] = (float) m.mean;
  out[9] = (float) sqrt ((double) m.m2);
  out[10] = n > 1 ? (float) (m.m2 * (em_dsp_acc_t) n / (em_dsp_acc_t) (n - 1)) : 0.0f;
  out[11] = rms;
  out[12] = rms == 0.0f ? 0.0f : em_dsp_moments_skew (&m);
  out[13] = rms == 0.0f ? 0.0f : em_dsp_moments_kurtosis (&m);

  heapsort_f32 (c, n);
  for (i = 0; i < 5; i++)
    out[3 + i] = c[(size_t) ((double) (n - 1) * pct[i] / 100.0 + 0.5)];
}

int
em_dsp_wavelet_features_f32 (const float *x, size_t n, int wavelet, int level,
                             float *out, float *scratch, size_t scratch_floats)
{
  size_t taps = em_dsp_wavelet_taps (wavelet), cap, m;
  const float *lo, *hi, *src;
  float *a0, *a1, *d, *last = NULL;
  int l;

  if (taps == 0 || level < 1)
    return EM_DSP_ERR_PARAM;
  if (level > em_dsp_wavelet_max_level (n))
    return EM_DSP_ERR_SHAPE;
  if (scratch == NULL || scratch_floats < em_dsp_wavelet_scratch_floats (n, wavelet))
    return EM_DSP_ERR_SCRATCH;
  lo = wavelet_taps + wavelet_index[wavelet].offset;
  hi = lo + taps;
  cap = (n + taps) / 2 + 1;
  a0 = scratch;
  a1 = scratch + cap;
  d = scratch + 2 * cap;

  /* Details come out from level 1 up but are listed from the deepest level
   * down: cD_l goes to slot level − l + 1; cA_level to slot 0. */
  src = x;
  m = n;
  for (l = 1; l <= level; l++)
    {
      float *ca = (l & 1) ? a0 : a1;
      m = dwt_step (src, m, lo, hi, taps, ca, d);
      array_features (d, m, out + (size_t) (level - l + 1) * EM_DSP_WAVELET_FEATURES);
      src = last = ca;
    }
  /* The last approximation is no longer needed: sorting it in place is fine. */
  array_features (last, m, out);
  return EM_DSP_OK;
}
