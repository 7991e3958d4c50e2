/* SPDX-License-Identifier: Apache-2.0 */
#include "em-dsp-raw.h"

#include <math.h>

void
em_dsp_raw_params_default (em_dsp_raw_params *p)
{
  p->scale_axes = 1.0f;
}

#define FAIL(code, why) do { if (reason) *reason = (why); return (code); } while (0)

int
em_dsp_raw_check (const em_dsp_raw_params *p, size_t n_frames, size_t n_axes,
                  size_t *n_features, const char **reason)
{
  if (reason)
    *reason = "ok";
  if (n_features)
    *n_features = 0;
  if (!isfinite (p->scale_axes))
    FAIL (EM_DSP_ERR_PARAM, "scale_axes must be a finite number");
  if (n_axes == 0)
    FAIL (EM_DSP_ERR_PARAM, "the input must have at least one axis");
  if (n_frames == 0)
    FAIL (EM_DSP_ERR_SHAPE, "the window is empty");
  if (n_features)
    *n_features = n_frames * n_axes;
  return EM_DSP_OK;
}

int
em_dsp_raw_f32 (const em_dsp_raw_params *p, const float *in, size_t n_frames,
                size_t n_axes, float *out)
{
  size_t i, n = n_frames * n_axes;
  int rc = em_dsp_raw_check (p, n_frames, n_axes, NULL, NULL);

  if (rc != EM_DSP_OK)
    return rc;
  /* Studio would pass NaN through, but a model fed NaN fails silently:
   * refuse it here as every other block does. */
  for (i = 0; i < n; i++)
    if (!isfinite (in[i]))
      return EM_DSP_ERR_NOT_FINITE;
  for (i = 0; i < n; i++)
    out[i] = in[i] * p->scale_axes;
  return EM_DSP_OK;
}
