/* SPDX-License-Identifier: Apache-2.0 */
/* MFCC, Edge Impulse's "MFCC" block (mfcc_custom) at implementation
 * version 4; DSP-REFERENCE §1.2.
 *
 * Input: one window of n_samples mono audio values at fs Hz, as recorded
 * (int16 range; MFCC does NOT rescale by 1/32768).
 * Pipeline:
 *   1. pre-emphasis y[n] = x[n] − pre_cof·x[(n − pre_shift) mod N] (np.roll
 *      wrap-around: the first pre_shift samples use the window's last ones);
 *   1b. optionally a Hamming window over each frame (window parameter; not
 *      in Edge Impulse's block, which is rectangular);
 *   2. frames of L = ⌈fs·frame_length⌉ samples every S = ⌈fs·frame_stride⌉
 *      (speechpy rounding, see em-dsp-speech.h), rectangular window;
 *      P = |rfft(frame, fft_length)|²/fft_length, frames longer than
 *      fft_length truncated, shorter ones zero-padded;
 *   3. energy = Σ P over all fft_length/2+1 bins, 0 → 1e-10 (summed from
 *      the time-domain frame by Parseval, in double: see em-dsp-mfcc.c);
 *   4. mel = P·FBᵀ (num_filters triangular filters from low_frequency to
 *      high_frequency, v4 bins), 0 → 1e-10; ln;
 *   5. DCT-II (orthonormal) over the filters, first num_cepstral kept;
 *   6. c0 replaced by ln(energy) (in double; with normalisation on, it is
 *      kept relative to frame 0's until cmvnw, which removes any offset);
 *   7. if win_size > 0, sliding mean and variance normalisation over
 *      win_size frames (em_dsp_cmvnw_f32).
 * Output: rows × cols float32, row-major (frame-major), rows = number of
 * frames = floor((N − L + S)/S) (1 … 500), cols = num_cepstral. Without
 * normalisation the values are log energies (about −23 for silence up to
 * ~40 for full-scale int16); with it they are of order ±3.
 * At 16 kHz, 1 s, defaults: 50 × 13 = 650 values.
 *
 * Accuracy. cmvnw divides each value by its column's spread over
 * win_size frames, which for steady sounds is 1e-1 … 1e-3, so it magnifies
 * any round-off before it by 10 … 1000×. The host build (EM_DSP_USE_FFTW)
 * therefore runs the whole pipeline in double with FFTW's double transform
 * and rounds to float32 only at the end: it matches Studio's float64
 * Python within 1e-4 (relative to max(1, |value|)) on every input the tests
 * try, steady tones included. The device build (no EM_DSP_USE_FFTW) keeps
 * float32 with its own FFT, which costs a quarter of the scratch: a mel band
 * 80–100 dB under the frame's strongest is then only known to ~1e-3
 * relative (any float32 implementation, Edge Impulse's SDK included), and
 * after normalisation steady tones can differ from the host by a few 1e-4
 * (c0, the log frame energy, is still summed in double there). */
#ifndef EM_DSP_MFCC_H
#define EM_DSP_MFCC_H

#include "em-dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Edge Impulse's parameter names in snake_case; defaults in brackets. */
typedef struct {
  int num_cepstral;      /* [13] 1 … num_filters */
  double frame_length;   /* [0.02] s, > 0 */
  double frame_stride;   /* [0.02] s, > 0 */
  int num_filters;       /* [32] ≥ 1; each filter must span ≥ 1 bin */
  int fft_length;        /* [256] power of two, 4 … 8192 */
  int win_size;          /* [101] frames; 0 = no normalisation, else odd */
  double low_frequency;  /* [0] Hz, ≥ 0, < high */
  double high_frequency; /* [0] Hz, ≤ fs/2; 0 means fs/2 */
  double pre_cof;        /* [0.98] pre-emphasis coefficient (applied in float) */
  int pre_shift;         /* [1] samples, ≥ 1 */
  int window;            /* [EM_DSP_MFCC_WINDOW_NONE] frame window, see below */
} em_dsp_mfcc_params;

/* Frame window, applied after pre-emphasis and before the FFT. Edge
 * Impulse's MFCC has none (rectangular), the default. Hamming is
 * w[j] = 0.54 − 0.46·cos(2πj/(L−1)) over the frame's L samples (numpy's
 * np.hamming(L); 1 when L is 1), applied before a frame longer than
 * fft_length is cut. It is the last field, so initialisers written for the
 * Edge Impulse parameters leave it off. */
#define EM_DSP_MFCC_WINDOW_NONE    0
#define EM_DSP_MFCC_WINDOW_HAMMING 1

void em_dsp_mfcc_params_default (em_dsp_mfcc_params *p);

/* Validate p for n_samples at fs Hz. *reason (may be NULL) gets a static
 * English sentence. Errors: EM_DSP_ERR_PARAM (fs, counts, frequencies,
 * even win_size, pre_shift < 1, …), EM_DSP_ERR_FFT_LENGTH,
 * EM_DSP_ERR_FILTERBANK (an empty mel filter), EM_DSP_ERR_SHAPE (no frame
 * fits: "Frame length is larger than your window size"; or > 500 frames). */
int em_dsp_mfcc_check (const em_dsp_mfcc_params *p, double fs, size_t n_samples,
                       const char **reason);

/* Output shape (rows = frames, cols = num_cepstral); same errors as
 * em_dsp_mfcc_check. rows and cols are set to 0 on error. */
int em_dsp_mfcc_shape (const em_dsp_mfcc_params *p, double fs, size_t n_samples,
                       size_t *rows, size_t *cols);

/* Scratch bytes em_dsp_mfcc_f32 needs; 0 when the parameters are invalid. */
size_t em_dsp_mfcc_scratch_bytes (const em_dsp_mfcc_params *p, double fs, size_t n_samples);
/* What em_dsp_mfcc_scratch_bytes returns in the device build (the float32
 * pipeline), whichever build asks: the host uses more for its double one.
 * Code generators size device buffers with this. */
size_t em_dsp_mfcc_scratch_bytes_device (const em_dsp_mfcc_params *p, double fs,
                                         size_t n_samples);

/* Compute the features. in: n_samples values; out: rows·cols values (see
 * em_dsp_mfcc_shape); scratch: EM_DSP_ALIGN-aligned, at least
 * em_dsp_mfcc_scratch_bytes() bytes. Returns the errors of
 * em_dsp_mfcc_check, EM_DSP_ERR_SCRATCH, or EM_DSP_ERR_NOT_FINITE (NaN or
 * Inf in the input; out is then untouched). Allocates nothing; the plan
 * (twiddles, filterbank, DCT table) is rebuilt in scratch on every call. */
int em_dsp_mfcc_f32 (const em_dsp_mfcc_params *p, double fs, const float *in,
                     size_t n_samples, float *out, void *scratch, size_t scratch_bytes);

/* The same, reading the window frame by frame through @read (see
 * em_dsp_read_fn) so that it need not be in RAM: it can stay in flash or a
 * ring buffer, and only a frame's samples are held (in the scratch). Runs
 * the float32 pipeline (the device build's) in every build, with the same
 * results bit for bit as em_dsp_mfcc_f32 there; scratch: at least
 * em_dsp_mfcc_scratch_bytes_device() bytes. Errors: those of
 * em_dsp_mfcc_f32, and EM_DSP_ERR_READ when @read fails. A NaN or Inf is
 * found frame by frame (EM_DSP_ERR_NOT_FINITE, out partly written), and
 * samples after the last frame are never read. */
int em_dsp_mfcc_f32_read (const em_dsp_mfcc_params *p, double fs, em_dsp_read_fn read, void *user,
                          size_t n_samples, float *out, void *scratch, size_t scratch_bytes);

#ifdef __cplusplus
}
#endif

#endif /* EM_DSP_MFCC_H */
