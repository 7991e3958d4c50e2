/* SPDX-License-Identifier: Apache-2.0 */
/* Filters of the spectral-analysis block (DSP-REFERENCE §1.5):
 *  - Butterworth low/high-pass of even order 2–8 as order/2 cascaded
 *    biquads, with the device SDK's formulas (bilinear transform with
 *    prewarping: a = tan(π·fc/fs));
 *  - decimation by 1, 3, 10, 30, 100 or 1000: Chebyshev type I (order 8,
 *    0.05 dB ripple, cutoff 0.8/ratio) with its initial state scaled by the
 *    first sample, then every ratio-th sample kept. 30 = 3·10, 100 = 10·10,
 *    1000 = 10·10·10 (steps applied in that order).
 * Filter state is kept in em_dsp_acc_t (double by default): float state
 * drifts by up to 1e-3 for low cutoffs at high sample rates. */
#ifndef EM_DSP_FILTER_H
#define EM_DSP_FILTER_H

#include "em-dsp.h"
#include "em-dsp-stats.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  EM_DSP_FILTER_NONE = 0,
  EM_DSP_FILTER_LOW = 1,
  EM_DSP_FILTER_HIGH = 2,
} em_dsp_filter_type;

#define EM_DSP_BUTTER_MAX_ORDER 8

/* A designed Butterworth filter; n_sections == 0 passes the signal through. */
typedef struct {
  em_dsp_filter_type type;
  int n_sections;                               /* order / 2 */
  em_dsp_acc_t gain[EM_DSP_BUTTER_MAX_ORDER / 2]; /* A: a²/s (low) or 1/s (high) */
  em_dsp_acc_t d1[EM_DSP_BUTTER_MAX_ORDER / 2];   /* 2(1−a²)/s */
  em_dsp_acc_t d2[EM_DSP_BUTTER_MAX_ORDER / 2];   /* −(a²−2a·r_i+1)/s */
} em_dsp_butter;

/* Design a filter. order: 0 (no filtering: @f passes through), 2, 4, 6 or 8.
 * fs and cutoff in Hz; needs 0 < cutoff < fs/2 when order > 0.
 * type NONE gives a pass-through filter whatever the other values.
 * Returns EM_DSP_OK, EM_DSP_ERR_PARAM (odd/out-of-range order, cutoff, fs)
 * or EM_DSP_ERR_UNSTABLE (a section is unstable once its coefficients are
 * rounded to float, as a device would store them; happens for cutoffs
 * below about 1e-4·fs). */
int  em_dsp_butter_design (em_dsp_butter *f, em_dsp_filter_type type, int order,
                           float fs, float cutoff);
/* 1 if every section's poles lie inside the unit circle (float coefficients). */
int  em_dsp_butter_is_stable (const em_dsp_butter *f);
/* Filter n values x[0], x[stride], … in place, from a zero state. */
void em_dsp_butter_f32 (const em_dsp_butter *f, float *x, size_t n, size_t stride);

/* 1 if ratio is one of 1, 3, 10, 30, 100, 1000. */
int    em_dsp_decimate_ratio_ok (int ratio);
/* Samples left after decimating n samples (ceil per step); 0 if bad ratio. */
size_t em_dsp_decimate_length (size_t n, int ratio);
/* Decimate n values in[0], in[stride], … into out (contiguous,
 * em_dsp_decimate_length(n, ratio) floats). out may be in when stride == 1.
 * Returns EM_DSP_OK or EM_DSP_ERR_PARAM (bad ratio, n == 0). */
int    em_dsp_decimate_f32 (const float *in, size_t n, size_t stride, int ratio, float *out);

#ifdef __cplusplus
}
#endif

#endif /* EM_DSP_FILTER_H */
