/* SPDX-License-Identifier: Apache-2.0 */
/* Flatten (Edge Impulse flatten_custom v1; DSP-REFERENCE §1.6): summary
 * statistics of each axis of a window. Per axis, in this fixed order and
 * each one switchable: mean, min, max, RMS, population std, skewness
 * (scipy, biased), kurtosis (Fisher, biased). Values are x·scale_axes.
 * Output is axis-major: every enabled statistic of axis 0, then axis 1, …;
 * n_features = n_axes × (number of enabled statistics). Defaults (all on)
 * with 3 axes give 21 features. */
#ifndef EM_DSP_FLATTEN_H
#define EM_DSP_FLATTEN_H

#include "em-dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  float scale_axes;  /* [1] any finite factor */
  int average;       /* [1] mean */
  int minimum;       /* [1] */
  int maximum;       /* [1] */
  int rms;           /* [1] sqrt(mean(x²)), offset included */
  int stdev;         /* [1] population standard deviation */
  int skewness;      /* [1] 0 when the variance is 0 */
  int kurtosis;      /* [1] Fisher (normal → 0); 0 when the variance is 0 */
} em_dsp_flatten_params;

void   em_dsp_flatten_params_default (em_dsp_flatten_params *p);

/* Errors: EM_DSP_ERR_PARAM (no statistic enabled, no axes, scale not
 * finite), EM_DSP_ERR_SHAPE (empty window). *n_features and *reason may be
 * NULL. */
int    em_dsp_flatten_check (const em_dsp_flatten_params *p, size_t n_frames, size_t n_axes,
                             size_t *n_features, const char **reason);
/* n_frames floats (one scaled axis). */
size_t em_dsp_flatten_scratch_bytes (const em_dsp_flatten_params *p, size_t n_frames);

/* in: n_frames × n_axes interleaved; out: n_features floats; scratch:
 * EM_DSP_ALIGN-aligned. Errors: the check's, EM_DSP_ERR_SCRATCH,
 * EM_DSP_ERR_NOT_FINITE. */
int    em_dsp_flatten_f32 (const em_dsp_flatten_params *p, const float *in,
                           size_t n_frames, size_t n_axes, float *out,
                           void *scratch, size_t scratch_bytes);

#ifdef __cplusplus
}
#endif

#endif /* EM_DSP_FLATTEN_H */
