/* SPDX-License-Identifier: Apache-2.0 */
#include "em-dsp-flatten.h"

#include <math.h>

#include "em-dsp-stats.h"

void
em_dsp_flatten_params_default (em_dsp_flatten_params *p)
{
  p->scale_axes = 1.0f;
  p->average = 1;
  p->minimum = 1;
  p->maximum = 1;
  p->rms = 1;
  p->stdev = 1;
  p->skewness = 1;
  p->kurtosis = 1;
}

static size_t
n_enabled (const em_dsp_flatten_params *p)
{
  return (size_t) (!!p->average + !!p->minimum + !!p->maximum + !!p->rms
                   + !!p->stdev + !!p->skewness + !!p->kurtosis);
}

#define FAIL(code, why) do { if (reason) *reason = (why); return (code); } while (0)

int
em_dsp_flatten_check (const em_dsp_flatten_params *p, size_t n_frames, size_t n_axes,
                      size_t *n_features, const char **reason)
{
  if (reason)
    *reason = "ok";
  if (n_features)
    *n_features = 0;
  if (!isfinite (p->scale_axes))
    FAIL (EM_DSP_ERR_PARAM, "scale_axes must be a finite number");
  if (n_enabled (p) == 0)
    FAIL (EM_DSP_ERR_PARAM, "enable at least one statistic");
  if (n_axes == 0)
    FAIL (EM_DSP_ERR_PARAM, "the input must have at least one axis");
  if (n_frames == 0)
    FAIL (EM_DSP_ERR_SHAPE, "the window is empty");
  if (n_features)
    *n_features = n_axes * n_enabled (p);
  return EM_DSP_OK;
}

size_t
em_dsp_flatten_scratch_bytes (const em_dsp_flatten_params *p, size_t n_frames)
{
  (void) p;
  return n_frames * sizeof (float);
}

int
em_dsp_flatten_f32 (const em_dsp_flatten_params *p, const float *in,
                    size_t n_frames, size_t n_axes, float *out,
                    void *scratch, size_t scratch_bytes)
{
  float *x = scratch;
  size_t a, i, o = 0;
  int rc;

  rc = em_dsp_flatten_check (p, n_frames, n_axes, NULL, NULL);
  if (rc != EM_DSP_OK)
    return rc;
  if (x == NULL || ((size_t) x & (EM_DSP_ALIGN - 1)) != 0
      || scratch_bytes < em_dsp_flatten_scratch_bytes (p, n_frames))
    return EM_DSP_ERR_SCRATCH;
  for (i = 0; i < n_frames * n_axes; i++)
    if (!isfinite (in[i]))
      return EM_DSP_ERR_NOT_FINITE;

  for (a = 0; a < n_axes; a++)
    {
      em_dsp_stats s;
      /* Scale first, as Studio does, so rounding matches x·scale exactly. */
      for (i = 0; i < n_frames; i++)
        x[i] = in[i * n_axes + a] * p->scale_axes;
      em_dsp_stats_f32 (x, n_frames, 1, &s);
      if (p->average)
        out[o++] = s.mean;
      if (p->minimum)
        out[o++] = s.min;
      if (p->maximum)
        out[o++] = s.max;
      if (p->rms)
        out[o++] = s.rms;
      if (p->stdev)
        out[o++] = s.std;
      if (p->skewness)
        out[o++] = s.skew;
      if (p->kurtosis)
        out[o++] = s.kurtosis;
    }
  return EM_DSP_OK;
}
