/* SPDX-License-Identifier: Apache-2.0 */
/* Raw data (Edge Impulse raw_custom v1; DSP-REFERENCE §1.6): the window
 * itself times scale_axes, interleaved per sample exactly as the input.
 * n_features = n_frames × n_axes. Needs no scratch. */
#ifndef EM_DSP_RAW_H
#define EM_DSP_RAW_H

#include "em-dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  float scale_axes;  /* [1] any finite factor */
} em_dsp_raw_params;

void   em_dsp_raw_params_default (em_dsp_raw_params *p);
/* Errors: EM_DSP_ERR_PARAM (scale not finite, no axes), EM_DSP_ERR_SHAPE
 * (empty window). */
int    em_dsp_raw_check (const em_dsp_raw_params *p, size_t n_frames, size_t n_axes,
                         size_t *n_features, const char **reason);
/* in, out: n_frames × n_axes floats; out may be in. */
int    em_dsp_raw_f32 (const em_dsp_raw_params *p, const float *in, size_t n_frames,
                       size_t n_axes, float *out);

#ifdef __cplusplus
}
#endif

#endif /* EM_DSP_RAW_H */
