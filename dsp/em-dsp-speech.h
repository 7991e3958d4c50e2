/* SPDX-License-Identifier: Apache-2.0 */
/* Shared maths of the audio blocks (MFCC, MFE, Spectrogram): speechpy's
 * framing, pre-emphasis, HTK mel scale, triangular filterbank, power
 * spectrum, zero handling, sliding CMVN and the orthonormal DCT-II, as Edge
 * Impulse's processing blocks use them at implementation version 4
 * (DSP-REFERENCE §1.1). The blocks themselves are in em-dsp-mfcc.h,
 * em-dsp-mfe.h and em-dsp-spectrogram.h; these pieces are public so that
 * codegen and tests can reuse them.
 *
 * Times are in seconds and frequencies in Hz, as doubles: the framing rounds
 * fs·frame_length with a 0.001-sample tolerance exactly as Python does in
 * float64, and doing that sum in float would move some edge cases by one
 * sample. The signal and every feature are float32.
 *
 * Functions that only size or plan (no signal data) carry no _f32 suffix,
 * like em_dsp_rfft_plan_bytes(). */
#ifndef EM_DSP_SPEECH_H
#define EM_DSP_SPEECH_H

#include "em-dsp.h"
#include "em-dsp-fft.h"

#ifdef __cplusplus
extern "C" {
#endif

/* speechpy refuses windows that would give more frames than this. */
#define EM_DSP_SPEECH_MAX_FRAMES 500

/* ---- Framing (speechpy stack_frames, zero_padding=False, version >= 2) ---- */

/* floor(v) when 0 < v − floor(v) < 0.001, else ceil(v). Absorbs float
 * noise such as 16000·0.02 = 320.00000000000006 → 320. */
double em_dsp_ceil_unless_very_close_to_floor (double v);

typedef struct {
  size_t length;   /* L: samples per frame */
  size_t stride;   /* S: samples between frame starts */
  size_t count;    /* floor((N − (L − S)) / S); frame i is x[i·S … i·S+L−1] */
} em_dsp_frames;

/* Frame a window of n_samples at fs Hz. Fills *frames (even on the count
 * errors, so a caller can report the count) and returns
 *   EM_DSP_ERR_PARAM  fs, frame_length or frame_stride not finite and > 0,
 *                     or L or S rounds to 0 samples;
 *   EM_DSP_ERR_SHAPE  count < 1 (Edge Impulse: "Frame length is larger
 *                     than your window size") or count > 500. */
int em_dsp_speech_frames (double fs, size_t n_samples, double frame_length,
                          double frame_stride, em_dsp_frames *frames);

/* An English sentence for a status em_dsp_speech_frames returned, told
 * apart by frames->count (static storage). */
const char *em_dsp_speech_frames_reason (int status, const em_dsp_frames *frames);

/* Shared parameter checks of the MFCC, MFE and spectrogram blocks, so each
 * gives the same message for the same mistake. They return a status and set
 * *reason (may be NULL) to a static sentence. */
/* fs positive and finite; fft_length a power of two from 4 to 8192. */
int em_dsp_speech_check_fs_fft (double fs, int fft_length, const char **reason);
/* Framing (numframes 1 … 500) and a mel filterbank in which no filter is empty. */
int em_dsp_speech_check_frames_mel (double fs, size_t n_samples, double frame_length,
                                    double frame_stride, int num_filters, int fft_length,
                                    double low_frequency, double high_frequency,
                                    em_dsp_frames *frames, const char **reason);

/* ---- Pre-emphasis ---- */

/* y[n] = s·x[n] − cof·s·x[(n − shift) mod N], n = start … start+count−1,
 * into out[0 … count−1], with s = scale. This is speechpy's
 * `x − cof·np.roll(x, shift)`: the first `shift` outputs use the LAST
 * samples of the window (wrap-around), as the SDK does too. shift ≥ 1 and
 * start + count ≤ n_samples; out must not overlap x. scale lets MFE apply
 * its 1/32768 in the same pass (a power of two, so it rounds nothing). */
void em_dsp_preemphasis_f32 (const float *x, size_t n_samples, float scale,
                             float cof, size_t shift, size_t start, size_t count,
                             float *out);

/* ---- Mel scale (HTK, natural log) ---- */

double em_dsp_hz_to_mel (double hz);   /* 1127·ln(1 + hz/700) */
double em_dsp_mel_to_hz (double mel);  /* 700·(exp(mel/1127) − 1) */

/* ---- Triangular mel filterbank (speechpy filterbanks, v4 bins) ----
 * num_filters+2 mel points evenly spaced from mel(low) to mel(high), back to
 * Hz, 0.001 Hz taken off the last one, bin = floor((fft_length+1)·hz/fs).
 * Filter i spans bins left = p[i], mid = p[i+1], right = p[i+2] with weight
 * (k−left)/(mid−left) rising, (right−k)/(right−mid) falling, 1 at mid, 0 at
 * left and right (speechpy's triangle(), including its degenerate cases:
 * mid == left or mid == right still gives 1 at mid). Only the points and
 * the non-dense weights are stored: filter i's weights for bins start[i] …
 * start[i]+len[i]−1, a span that covers left … right and is widened with
 * zero weights to a multiple of 4 bins where n_bins allows (so the sum runs
 * in blocks of 4 with no tail); at most fft_length + 4·num_filters floats. */
typedef struct {
  size_t num_filters;
  size_t n_bins;             /* fft_length/2 + 1 power bins in */
  const int32_t *points;     /* num_filters + 2 bin indices, non-decreasing */
  const int32_t *start;      /* num_filters first bins of the stored spans */
  const int32_t *len;        /* num_filters span lengths */
  const float *weights;      /* the spans' weights, filter after filter */
} em_dsp_mel_filterbank;

/* Compute the num_filters+2 bin indices into points[] (NULL: only check).
 * high = 0 means fs/2. Errors: EM_DSP_ERR_FFT_LENGTH (fft_length not a
 * power of two in 4 … 8192); EM_DSP_ERR_PARAM (num_filters not in
 * 1 … 4096, fs not > 0, low < 0, high > fs/2, low ≥ high);
 * EM_DSP_ERR_FILTERBANK when some filter would have all-zero weights
 * (left == right: Edge Impulse asks to lower the filter count or raise the
 * FFT length). *reason (may be NULL) gets a static English sentence. */
int em_dsp_mel_points (size_t num_filters, size_t fft_length, double fs,
                       double low_frequency, double high_frequency, int32_t *points,
                       const char **reason);

/* Bytes of memory em_dsp_mel_filterbank_init needs (an upper bound). */
size_t em_dsp_mel_filterbank_bytes (size_t num_filters, size_t fft_length);

/* Build the filterbank in mem (EM_DSP_ALIGN-aligned). Same errors as
 * em_dsp_mel_points, plus EM_DSP_ERR_SCRATCH when mem is too small. */
int em_dsp_mel_filterbank_init (em_dsp_mel_filterbank *fb, size_t num_filters,
                                size_t fft_length, double fs, double low_frequency,
                                double high_frequency, void *mem, size_t mem_bytes);

/* mel[i] = Σ_k weight_i(k)·power[k]: power has n_bins values, mel
 * num_filters. No zero handling. */
void em_dsp_mel_filterbank_apply_f32 (const em_dsp_mel_filterbank *fb,
                                      const float *power, float *mel);

/* Double-precision twins for hosts that match Python's float64 (MFCC's
 * host path, see em-dsp-mfcc.h): the weights of fb (the same spans, in the
 * same order; at most fft_length + 4·num_filters doubles), and the sums
 * with them. */
void em_dsp_mel_filterbank_weights_f64 (const em_dsp_mel_filterbank *fb, double *weights);
void em_dsp_mel_filterbank_apply_f64 (const em_dsp_mel_filterbank *fb, const double *weights,
                                      const double *power, double *mel);

/* ---- Power spectrum of one frame ---- */

/* Optional pre-emphasis while framing; see em_dsp_preemphasis_f32. */
typedef struct {
  float scale;
  float cof;
  size_t shift;   /* ≥ 1 */
} em_dsp_preemphasis;

/* power[k] = |rfft(frame, n)|²/n for k = 0 … n/2, n = the plan's length,
 * frame = (pre-emphasised, if pre != NULL) x[start … start+frame_len−1].
 * A frame longer than n is TRUNCATED to its first n samples (numpy's
 * rfft(frame, n) and the SDK both do this: MFCC's default 320-sample frame
 * with a 256-point FFT drops 64 samples); a shorter one is zero-padded.
 * frame_buf: n floats, left holding the (pre-emphasised, cut or padded)
 * frame that was transformed; work: n+2 floats of scratch. */
void em_dsp_frame_power_f32 (const em_dsp_rfft *plan, const float *x, size_t n_samples,
                             size_t start, size_t frame_len, const em_dsp_preemphasis *pre,
                             float *power, float *frame_buf, float *work);

/* ---- Small steps ---- */

/* 1 when none of x[0 … n−1] is NaN or ±Inf, else 0. */
int em_dsp_all_finite_f32 (const float *x, size_t n);

/* Exact zeros become 1e-10 (speechpy zero_handling), in place. */
void em_dsp_zero_handling_f32 (float *x, size_t n);

/* DCT-II, norm='ortho' (scipy.fftpack.dct(x, 2, norm='ortho')), keeping
 * the first n_out ≤ n coefficients:
 *   out[k] = s_k·Σ_n in[n]·cos(πk(2n+1)/(2N)), s_0 = √(1/N), s_k = √(2/N).
 * table: n_out·n floats made by em_dsp_dct2_ortho_table_f32 (cosines and
 * scales computed in double, once per call of a block; its layout is
 * private to these two functions). */
void em_dsp_dct2_ortho_table_f32 (size_t n, size_t n_out, float *table);
void em_dsp_dct2_ortho_f32 (const float *table, size_t n, size_t n_out,
                            const float *in, float *out);
/* The same in double (table: n_out·n doubles). */
void em_dsp_dct2_ortho_table_f64 (size_t n, size_t n_out, double *table);
void em_dsp_dct2_ortho_f64 (const double *table, size_t n, size_t n_out,
                            const double *in, double *out);

/* Sliding cepstral mean (and variance) normalisation, speechpy cmvnw as
 * Edge Impulse ships it, in place on a rows × cols row-major matrix:
 *   pad = (win_size−1)/2; rows are padded with numpy 'symmetric' mode (edge
 *   row repeated; when pad > rows the reflection bounces back and forth, as
 *   np.pad and the SDK's pad_1d_symmetric do);
 *   mean step: m[i] = v[i] − mean(padded v[i … i+win_size−1]) (windows are
 *   taken from the un-normalised v);
 *   variance step (variance_normalization != 0): pad m the same way and
 *   out[i] = m[i] / (population std of its window + 1e-10).
 * The window sums slide (one row in, one out: O(rows·cols), not
 * O(rows·cols·win)) and are kept in double: sums of floats are then exact
 * or nearly so, a constant column gives exactly 0 as numpy's float64 does
 * (not float noise blown up by the division), and the variance
 * Σm²/win − mean² loses nothing to cancellation that matters.
 * win_size must be odd (EM_DSP_ERR_PARAM otherwise; 0 means "no CMVN" to
 * the blocks, which then do not call this). scratch: EM_DSP_ALIGN-aligned,
 * em_dsp_cmvnw_scratch_bytes() bytes (EM_DSP_ERR_SCRATCH when smaller). */
size_t em_dsp_cmvnw_scratch_bytes (size_t rows, size_t cols, size_t win_size);
int em_dsp_cmvnw_f32 (float *features, size_t rows, size_t cols, size_t win_size,
                      int variance_normalization, void *scratch, size_t scratch_bytes);
/* The same on a double matrix, in place, all arithmetic in double.
 * scratch: em_dsp_cmvnw_f64_scratch_bytes() bytes, EM_DSP_ALIGN-aligned. */
size_t em_dsp_cmvnw_f64_scratch_bytes (size_t rows, size_t cols, size_t win_size);
int em_dsp_cmvnw_f64 (double *features, size_t rows, size_t cols, size_t win_size,
                      int variance_normalization, void *scratch, size_t scratch_bytes);

/* ---- Studio's parameter suggestions (common/spectrum.py) ---- */

/* "Autotune" for MFE/MFCC: fft_length = the smallest power of two ≥
 * (int)(frame_length·fs), clamped to EM_DSP_FFT_MIN … EM_DSP_FFT_MAX (Studio
 * does not clamp, but no other length would run here); num_filters =
 * (int)(40 + log2(fft_length/256)). Very short frames therefore suggest
 * more filters than the FFT has bins, which the filterbank then refuses, as
 * in Studio. Returns EM_DSP_ERR_PARAM when fs or frame_length is not a
 * positive finite number. */
int em_dsp_audio_autotune (double fs, double frame_length, size_t *fft_length,
                           size_t *num_filters);

/* Studio's cap_frame_stride: when window_size_ms/1000/frame_stride > 500,
 * the stride that gives exactly 500 frames (window_size_ms/1000/500);
 * otherwise frame_stride. window_size_ms ≤ 0 disables the cap. */
double em_dsp_audio_cap_frame_stride (double window_size_ms, double frame_stride);

#ifdef __cplusplus
}
#endif

#endif /* EM_DSP_SPEECH_H */
