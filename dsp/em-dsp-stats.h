/* SPDX-License-Identifier: Apache-2.0 */
/* Summary statistics of one channel of a signal, shared by the spectral and
 * flatten blocks. Every function reads n values x[0], x[stride], …,
 * x[(n−1)·stride], so one axis of interleaved (frames × axes) data is read in
 * place with stride = axes. Results match numpy/scipy defaults:
 * population std (ddof = 0), scipy.stats.skew (biased) and
 * scipy.stats.kurtosis (Fisher, biased: m4/m2² − 3).
 *
 * Sums are accumulated in em_dsp_acc_t: double by default, because a float
 * sum over thousands of samples with a large offset (gravity on an
 * accelerometer axis) loses the digits that skew and kurtosis depend on.
 * Define EM_DSP_ACC_FLOAT for FPUs without double support (faster, less
 * accurate). */
#ifndef EM_DSP_STATS_H
#define EM_DSP_STATS_H

#include "em-dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef EM_DSP_ACC_FLOAT
typedef float em_dsp_acc_t;
#else
typedef double em_dsp_acc_t;
#endif

/* All seven statistics of one channel, in flatten's fixed order. */
typedef struct {
  float mean;
  float min;
  float max;
  float rms;       /* sqrt(mean(x²)), offset included */
  float std;       /* population standard deviation */
  float skew;      /* 0 when the variance is 0 (scipy would give NaN) */
  float kurtosis;  /* Fisher (normal → 0); 0 when the variance is 0 */
} em_dsp_stats;

/* Central moments about the mean: m2 = mean((x−μ)²) etc. */
typedef struct {
  em_dsp_acc_t mean;
  em_dsp_acc_t m2;
  em_dsp_acc_t m3;
  em_dsp_acc_t m4;
} em_dsp_moments;

/* n == 0 gives 0 for every statistic (min/max too). */
float em_dsp_mean_f32     (const float *x, size_t n, size_t stride);
float em_dsp_min_f32      (const float *x, size_t n, size_t stride);
float em_dsp_max_f32      (const float *x, size_t n, size_t stride);
float em_dsp_rms_f32      (const float *x, size_t n, size_t stride);
float em_dsp_std_f32      (const float *x, size_t n, size_t stride);
float em_dsp_skew_f32     (const float *x, size_t n, size_t stride);
float em_dsp_kurtosis_f32 (const float *x, size_t n, size_t stride);

/* Two passes: the mean, then the central moments. */
void  em_dsp_moments_f32  (const float *x, size_t n, size_t stride, em_dsp_moments *out);
/* Skew m3/m2^1.5 and Fisher kurtosis m4/m2² − 3 from moments; both are 0
 * when m2 is zero or lost in rounding relative to the mean (scipy's test). */
float em_dsp_moments_skew     (const em_dsp_moments *m);
float em_dsp_moments_kurtosis (const em_dsp_moments *m);

/* Everything at once (three passes over x). */
void  em_dsp_stats_f32    (const float *x, size_t n, size_t stride, em_dsp_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* EM_DSP_STATS_H */
