/* SPDX-License-Identifier: Apache-2.0 */
/* MFE (log mel-filterbank energies), Edge Impulse's "MFE" block
 * (mfe_custom) at implementation version 4; DSP-REFERENCE §1.3.
 *
 * Input: one window of n_samples mono audio values at fs Hz in int16 range
 * (−32768 … 32767; other values are accepted and simply scaled).
 * Pipeline:
 *   1. x /= 32768 (float32);
 *   2. pre-emphasis with the fixed cof 0.98, shift 1 (np.roll wrap-around);
 *   3. frames, power spectrum and mel filterbank exactly as MFCC steps 2–4
 *      (em-dsp-mfcc.h), no log, zeros → 1e-10;
 *   4. clip to ≥ 1e-30, dB = 10·log10;
 *   5. y = (dB − noise_floor_db) / (−noise_floor_db + 12), clipped to [0, 1];
 *   6. if quantize: y = roundf(y·256)/256, clamped to [0, 1].
 * Output: rows × cols float32, row-major (frame-major), rows = frames
 * (1 … 500), cols = num_filters, values in [0, 1] (multiples of 1/256 when
 * quantized). At 16 kHz, 1 s, defaults: 99 × 40 = 3960 values.
 *
 * Quantization follows the device SDK (processing.hpp mfe_normalization):
 * roundf (halves away from zero) then a clamp, so y ≥ 255.5/256 gives 1.0.
 * Studio's Python instead does np.uint8(np.around(y·256))/256: numpy rounds
 * halves to even, and 256 wraps to 0 in uint8, so its top values become 0
 * (e.g. [1.0, 0.999, 0.998] → [0, 0, 255/256]). We keep the SDK's answer,
 * because that is what runs on the device. */
#ifndef EM_DSP_MFE_H
#define EM_DSP_MFE_H

#include "em-dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Edge Impulse's parameter names in snake_case; defaults in brackets.
 * (win_size only matters to v1–2 and is not here.) */
typedef struct {
  double frame_length;   /* [0.02] s, > 0 */
  double frame_stride;   /* [0.01] s, > 0 */
  int num_filters;       /* [40] ≥ 1; each filter must span ≥ 1 bin */
  int fft_length;        /* [256] power of two, 4 … 8192 */
  double low_frequency;  /* [0] Hz, ≥ 0, < high */
  double high_frequency; /* [0] Hz, ≤ fs/2; 0 means fs/2 */
  double noise_floor_db; /* [−52] dB, finite, ≠ 12 */
  int quantize;          /* [1] Ember only: 0 skips step 6 (tests compare
                            the continuous values) */
} em_dsp_mfe_params;

void em_dsp_mfe_params_default (em_dsp_mfe_params *p);

/* Validate p for n_samples at fs Hz; *reason (may be NULL) gets a static
 * English sentence. Errors as em_dsp_mfcc_check. */
int em_dsp_mfe_check (const em_dsp_mfe_params *p, double fs, size_t n_samples,
                      const char **reason);

/* rows = frames, cols = num_filters; both 0 on error. */
int em_dsp_mfe_shape (const em_dsp_mfe_params *p, double fs, size_t n_samples,
                      size_t *rows, size_t *cols);

/* Scratch bytes em_dsp_mfe_f32 needs; 0 when the parameters are invalid. */
size_t em_dsp_mfe_scratch_bytes (const em_dsp_mfe_params *p, double fs, size_t n_samples);

/* in: n_samples values; out: rows·cols values; scratch: EM_DSP_ALIGN-aligned,
 * em_dsp_mfe_scratch_bytes() bytes. Errors: those of em_dsp_mfe_check,
 * EM_DSP_ERR_SCRATCH, EM_DSP_ERR_NOT_FINITE. Allocates nothing. */
int em_dsp_mfe_f32 (const em_dsp_mfe_params *p, double fs, const float *in,
                    size_t n_samples, float *out, void *scratch, size_t scratch_bytes);

/* The same, reading the window frame by frame through @read (see
 * em_dsp_read_fn and em_dsp_mfcc_f32_read): the same results bit for bit,
 * the same scratch; EM_DSP_ERR_READ when @read fails, a NaN or Inf found
 * frame by frame. */
int em_dsp_mfe_f32_read (const em_dsp_mfe_params *p, double fs, em_dsp_read_fn read, void *user,
                         size_t n_samples, float *out, void *scratch, size_t scratch_bytes);

#ifdef __cplusplus
}
#endif

#endif /* EM_DSP_MFE_H */
