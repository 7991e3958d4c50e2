/* SPDX-License-Identifier: Apache-2.0 */
#include "em-dsp-stats.h"

#include <math.h>

/* scipy treats the variance as zero when m2 <= (resolution·mean)², the
 * resolution being that of the working float type; do the same so a
 * constant channel gives 0 rather than a huge ratio of rounding noise. */
#ifdef EM_DSP_ACC_FLOAT
#define ACC_RESOLUTION 1e-6
#else
#define ACC_RESOLUTION 1e-15
#endif

float
em_dsp_mean_f32 (const float *x, size_t n, size_t stride)
{
  em_dsp_acc_t s = 0;
  size_t i;
  if (n == 0)
    return 0.0f;
  for (i = 0; i < n; i++)
    s += (em_dsp_acc_t) x[i * stride];
  return (float) (s / (em_dsp_acc_t) n);
}

float
em_dsp_min_f32 (const float *x, size_t n, size_t stride)
{
  float v;
  size_t i;
  if (n == 0)
    return 0.0f;
  v = x[0];
  for (i = 1; i < n; i++)
    if (x[i * stride] < v)
      v = x[i * stride];
  return v;
}

float
em_dsp_max_f32 (const float *x, size_t n, size_t stride)
{
  float v;
  size_t i;
  if (n == 0)
    return 0.0f;
  v = x[0];
  for (i = 1; i < n; i++)
    if (x[i * stride] > v)
      v = x[i * stride];
  return v;
}

float
em_dsp_rms_f32 (const float *x, size_t n, size_t stride)
{
  em_dsp_acc_t s = 0;
  size_t i;
  if (n == 0)
    return 0.0f;
  for (i = 0; i < n; i++)
    {
      em_dsp_acc_t v = x[i * stride];
      s += v * v;
    }
  return (float) sqrt ((double) (s / (em_dsp_acc_t) n));
}

void
em_dsp_moments_f32 (const float *x, size_t n, size_t stride, em_dsp_moments *out)
{
  em_dsp_acc_t mean = 0, m2 = 0, m3 = 0, m4 = 0;
  size_t i;

  if (n > 0)
    {
      for (i = 0; i < n; i++)
        mean += (em_dsp_acc_t) x[i * stride];
      mean /= (em_dsp_acc_t) n;
      /* A second pass about the mean, not Σx² − nμ², which cancels badly. */
      for (i = 0; i < n; i++)
        {
          em_dsp_acc_t d = (em_dsp_acc_t) x[i * stride] - mean;
          em_dsp_acc_t d2 = d * d;
          m2 += d2;
          m3 += d2 * d;
          m4 += d2 * d2;
        }
      m2 /= (em_dsp_acc_t) n;
      m3 /= (em_dsp_acc_t) n;
      m4 /= (em_dsp_acc_t) n;
    }
  out->mean = mean;
  out->m2 = m2;
  out->m3 = m3;
  out->m4 = m4;
}

static int
variance_is_zero (const em_dsp_moments *m)
{
  em_dsp_acc_t floor_ = (em_dsp_acc_t) ACC_RESOLUTION * m->mean;
  return !(m->m2 > floor_ * floor_) || m->m2 <= 0;
}

float
em_dsp_moments_skew (const em_dsp_moments *m)
{
  if (variance_is_zero (m))
    return 0.0f;
  return (float) (m->m3 / (m->m2 * (em_dsp_acc_t) sqrt ((double) m->m2)));
}

float
em_dsp_moments_kurtosis (const em_dsp_moments *m)
{
  if (variance_is_zero (m))
    return 0.0f;
  return (float) (m->m4 / (m->m2 * m->m2) - (em_dsp_acc_t) 3);
}

float
em_dsp_std_f32 (const float *x, size_t n, size_t stride)
{
  em_dsp_moments m;
  em_dsp_moments_f32 (x, n, stride, &m);
  return (float) sqrt ((double) m.m2);
}

float
em_dsp_skew_f32 (const float *x, size_t n, size_t stride)
{
  em_dsp_moments m;
  em_dsp_moments_f32 (x, n, stride, &m);
  return em_dsp_moments_skew (&m);
}

float
em_dsp_kurtosis_f32 (const float *x, size_t n, size_t stride)
{
  em_dsp_moments m;
  em_dsp_moments_f32 (x, n, stride, &m);
  return em_dsp_moments_kurtosis (&m);
}

void
em_dsp_stats_f32 (const float *x, size_t n, size_t stride, em_dsp_stats *out)
{
  em_dsp_moments m;

  em_dsp_moments_f32 (x, n, stride, &m);
  out->mean = (float) m.mean;
  out->min = em_dsp_min_f32 (x, n, stride);
  out->max = em_dsp_max_f32 (x, n, stride);
  out->rms = em_dsp_rms_f32 (x, n, stride);
  out->std = (float) sqrt ((double) m.m2);
  out->skew = em_dsp_moments_skew (&m);
  out->kurtosis = em_dsp_moments_kurtosis (&m);
}
