/* SPDX-License-Identifier: Apache-2.0 */
/* Spectral analysis ("Spectral features", Edge Impulse spectral_analysis
 * implementation version 4, FFT analysis); DSP-REFERENCE §1.5.
 *
 * Per axis: x·scale_axes → decimate by input_decimation_ratio → Butterworth
 * filter (if filter_type ≠ none and filter_order > 0) → subtract the mean →
 * features, in this order:
 *   [0] RMS  [1] skewness  [2] kurtosis (Fisher)  [3] spectral skewness
 *   [4] spectral kurtosis  [5…] max-hold power spectrum bins start..stop−1,
 *   log10'd when do_log (an exact 0 becomes 1e-10 first).
 * Output is axis-major: all features of axis 0, then axis 1, …. When
 * extra_low_freq is set, a second set for every axis ("LF") follows all of
 * those: the filtered signal is decimated by 10 more and the same features
 * are computed at fs/10 (bins masked with the same cutoff, clamped to the new
 * Nyquist; the signal is not filtered again).
 *
 * Max-hold spectrum: segments x[ix … ix+fft_length−1] (zero-padded past the
 * end) for ix = 0, step, 2·step, … < n, step = fft_length/2 when
 * do_fft_overlap else fft_length; spec[k] = max over segments of
 * |rfft|²/fft_length, k = 0 … fft_length/2.
 *
 * Bins (DC is never included), with bin = min(cutoff, fs/2)·fft_length/fs:
 *   none: [1, fft_length/2+1); low: [1, (int)(bin+0.5)+1);
 *   high: [max(1, (int)(bin−0.5)+1), fft_length/2+1).
 * filter_order 0 with filter_type low/high masks the bins without filtering.
 *
 * Wavelet analysis replaces the features after the mean removal with
 * em_dsp_wavelet_features_f32(): 14·(wavelet_level+1) per axis, axis-major;
 * fft_length and extra_low_freq are then ignored. */
#ifndef EM_DSP_SPECTRAL_H
#define EM_DSP_SPECTRAL_H

#include "em-dsp.h"
#include "em-dsp-filter.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  EM_DSP_SPECTRAL_FFT = 0,
  EM_DSP_SPECTRAL_WAVELET = 1,  /* see em-dsp-wavelet.h */
} em_dsp_spectral_analysis;

/* Edge Impulse's parameter names in snake_case; defaults in brackets. */
typedef struct {
  float scale_axes;                      /* [1] any finite factor */
  int input_decimation_ratio;            /* [1] 1, 3, 10, 30, 100 or 1000 */
  em_dsp_filter_type filter_type;        /* [none] none, low or high */
  float filter_cutoff;                   /* [3] Hz; 0 < cutoff < fs/ratio/2 when filtering */
  int filter_order;                      /* [6] 0, 2, 4, 6 or 8 */
  em_dsp_spectral_analysis analysis_type; /* [FFT] */
  int fft_length;                        /* [16] power of two, 4 … 8192 */
  int do_log;                            /* [1] log10 of the bins */
  int do_fft_overlap;                    /* [1] 50 % overlapping segments */
  int wavelet_level;                     /* [1] Wavelet: 1 … int(log2(n/32)) */
  char wavelet[16];                      /* ["db4"] Wavelet: a PyWavelets name */
  int extra_low_freq;                    /* [0] FFT only: append features at fs/10 */
} em_dsp_spectral_params;

void em_dsp_spectral_params_default (em_dsp_spectral_params *p);

/* Validate parameters for a window of n_frames samples × n_axes axes at fs Hz
 * and give the output length (*n_features, may be NULL). *reason (may be
 * NULL) gets a static English sentence naming the bad parameter.
 * Errors: EM_DSP_ERR_FFT_LENGTH (fft_length not a power of two in 4…8192);
 * EM_DSP_ERR_PARAM (fs ≤ 0, no axes, scale not finite, bad ratio, filter
 * type, odd or out-of-range order, cutoff ≤ 0 or ≥ Nyquist after
 * decimation, unknown wavelet, wavelet_level < 1); EM_DSP_ERR_UNSTABLE
 * (filter design unstable in float); EM_DSP_ERR_SHAPE (after decimation:
 * FFT with fewer than fft_length/2 samples, or with extra_low_freq fewer
 * than 10·fft_length/2; Wavelet with fewer than 32·2^wavelet_level). */
int    em_dsp_spectral_check (const em_dsp_spectral_params *p, float fs,
                              size_t n_frames, size_t n_axes,
                              size_t *n_features, const char **reason);

/* Features per axis for the main set and the LF set (0 when LF is off). */
size_t em_dsp_spectral_axis_features (const em_dsp_spectral_params *p, float fs, int low_freq);

/* Scratch bytes em_dsp_spectral_f32 needs (independent of n_axes); 0 when
 * the parameters are invalid. */
size_t em_dsp_spectral_scratch_bytes (const em_dsp_spectral_params *p, size_t n_frames);

/* Compute the features of one window.
 * in: n_frames × n_axes floats, interleaved (in[frame·n_axes + axis]).
 * out: n_features floats (see em_dsp_spectral_check).
 * scratch: EM_DSP_ALIGN-aligned, em_dsp_spectral_scratch_bytes() bytes.
 * Returns the check's errors, EM_DSP_ERR_SCRATCH or EM_DSP_ERR_NOT_FINITE. */
int    em_dsp_spectral_f32 (const em_dsp_spectral_params *p, float fs,
                            const float *in, size_t n_frames, size_t n_axes,
                            float *out, void *scratch, size_t scratch_bytes);

/* A label for feature i (0 ≤ i < n_features) in Studio's style, e.g.
 * "accX Spectral Kurtosis", "accX Spectral Power 1.95 - 5.86 Hz", with
 * " LF" appended to low-frequency features, or "accX L0-entropy" for
 * wavelet features (L0 is cA_level, Li is cD_(level+1−i)); axis_names may be NULL
 * ("axis0", …). Returns EM_DSP_OK or EM_DSP_ERR_PARAM. */
int    em_dsp_spectral_feature_name (const em_dsp_spectral_params *p, float fs,
                                     size_t n_axes, const char *const *axis_names,
                                     size_t i, char *buf, size_t buf_len);

#ifdef __cplusplus
}
#endif

#endif /* EM_DSP_SPECTRAL_H */
