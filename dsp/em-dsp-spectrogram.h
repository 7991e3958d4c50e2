/* SPDX-License-Identifier: Apache-2.0 */
/* Spectrogram, Edge Impulse's "Spectrogram" block (spectrogram_custom) at
 * implementation version 4; DSP-REFERENCE §1.4.
 *
 * Input: one window of n_samples mono values at fs Hz. v4 does NOT rescale
 * (v3 divided by 32768 when some |x| > 1): int16 audio gives dB values far
 * above the noise floor, so callers that want ±1 audio scale it first.
 * Pipeline: frames of L = ⌈fs·frame_length⌉ samples every
 * S = ⌈fs·frame_stride⌉ (speechpy rounding; both must be ≥ 4 samples),
 * rectangular window, no pre-emphasis; P = |rfft(frame, fft_length)|²/
 * fft_length (frames longer than fft_length truncated, shorter ones
 * zero-padded); P clipped to ≥ 1e-30; y = (10·log10 P − noise_floor_db) /
 * (−noise_floor_db + 12), clipped to ≥ 0. There is no upper clip in v4
 * (v3 clipped at 1) and no quantization.
 * Output: rows × cols float32, row-major (frame-major), rows = frames
 * (1 … 500), cols = fft_length/2 + 1, values ≥ 0 (about 1 at 12 dB).
 * At 16 kHz, 1 s, defaults: 99 × 65 = 6435 values. */
#ifndef EM_DSP_SPECTROGRAM_H
#define EM_DSP_SPECTROGRAM_H

#include "em-dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Edge Impulse's parameter names in snake_case; defaults in brackets.
 * (show_axes is a deprecated UI flag and is not here.) */
typedef struct {
  double frame_length;   /* [0.02] s; ≥ 4 samples */
  double frame_stride;   /* [0.01] s; ≥ 4 samples */
  int fft_length;        /* [128] power of two, 4 … 8192 */
  double noise_floor_db; /* [−52] dB, finite, ≠ 12 */
} em_dsp_spectrogram_params;

void em_dsp_spectrogram_params_default (em_dsp_spectrogram_params *p);

/* Validate p for n_samples at fs Hz; *reason (may be NULL) gets a static
 * English sentence. Errors: EM_DSP_ERR_PARAM (fs, frame or stride shorter
 * than 4 samples, noise floor), EM_DSP_ERR_FFT_LENGTH, EM_DSP_ERR_SHAPE (no
 * frame fits: "Frame length is larger than your window size"; > 500). */
int em_dsp_spectrogram_check (const em_dsp_spectrogram_params *p, double fs,
                              size_t n_samples, const char **reason);

/* rows = frames, cols = fft_length/2 + 1; both 0 on error. */
int em_dsp_spectrogram_shape (const em_dsp_spectrogram_params *p, double fs,
                              size_t n_samples, size_t *rows, size_t *cols);

/* Scratch bytes em_dsp_spectrogram_f32 needs; 0 for invalid parameters. */
size_t em_dsp_spectrogram_scratch_bytes (const em_dsp_spectrogram_params *p, double fs,
                                         size_t n_samples);

/* in: n_samples values; out: rows·cols values; scratch: EM_DSP_ALIGN-aligned.
 * Errors: those of em_dsp_spectrogram_check, EM_DSP_ERR_SCRATCH,
 * EM_DSP_ERR_NOT_FINITE. Allocates nothing. */
int em_dsp_spectrogram_f32 (const em_dsp_spectrogram_params *p, double fs, const float *in,
                            size_t n_samples, float *out, void *scratch,
                            size_t scratch_bytes);

/* The same, reading the window frame by frame through @read (see
 * em_dsp_read_fn and em_dsp_mfcc_f32_read): the same results bit for bit,
 * the same scratch; EM_DSP_ERR_READ when @read fails, a NaN or Inf found
 * frame by frame. */
int em_dsp_spectrogram_f32_read (const em_dsp_spectrogram_params *p, double fs, em_dsp_read_fn read, void *user,
                                 size_t n_samples, float *out, void *scratch, size_t scratch_bytes);

#ifdef __cplusplus
}
#endif

#endif /* EM_DSP_SPECTROGRAM_H */
