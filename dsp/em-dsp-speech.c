/* SPDX-License-Identifier: Apache-2.0 */
/* Shared audio maths (speechpy as Edge Impulse ships it); see
 * em-dsp-speech.h and DSP-REFERENCE §1.1. Set-up arithmetic (framing, mel
 * points, filter weights, DCT cosines) runs in double to land on the same
 * integers and weights as Python's float64; per-sample work is float32,
 * except in the _f64 twins that MFCC's host path runs (em-dsp-mfcc.h). */
#include "em-dsp-speech.h"

#include <math.h>
#include <string.h>

#include "em-dsp-math.h"

#define SPEECH_PI 3.14159265358979323846

/* Frame and bin counts beyond this are nonsense for this library and would
 * overflow the int32 bin indices. */
#define SPEECH_MAX_SAMPLES ((double) (1u << 30))

static size_t
align_up (size_t v)
{
  return (v + (EM_DSP_ALIGN - 1)) & ~(size_t) (EM_DSP_ALIGN - 1);
}

static int
positive_finite (double v)
{
  return v > 0.0 && isfinite (v);
}

double
em_dsp_ceil_unless_very_close_to_floor (double v)
{
  double f = em_dsp_floor_f64 (v);
  double d = v - f;

  if (d > 0.0 && d < 0.001)
    return f;
  return em_dsp_ceil_f64 (v);
}

int
em_dsp_speech_frames (double fs, size_t n_samples, double frame_length,
                      double frame_stride, em_dsp_frames *frames)
{
  double l, s;

  frames->length = frames->stride = frames->count = 0;
  if (!positive_finite (fs) || !positive_finite (frame_length)
      || !positive_finite (frame_stride))
    return EM_DSP_ERR_PARAM;

  l = em_dsp_ceil_unless_very_close_to_floor (fs * frame_length);
  s = em_dsp_ceil_unless_very_close_to_floor (fs * frame_stride);
  if (l < 1.0 || s < 1.0 || l > SPEECH_MAX_SAMPLES || s > SPEECH_MAX_SAMPLES)
    return EM_DSP_ERR_PARAM;
  frames->length = (size_t) l;
  frames->stride = (size_t) s;

  /* floor((N − (L − S)) / S), kept in unsigned arithmetic: a negative
   * numerator means no frame at all. */
  if (n_samples + frames->stride >= frames->length)
    frames->count = (n_samples + frames->stride - frames->length) / frames->stride;
  if (frames->count < 1 || frames->count > EM_DSP_SPEECH_MAX_FRAMES)
    return EM_DSP_ERR_SHAPE;
  return EM_DSP_OK;
}

const char *
em_dsp_speech_frames_reason (int status, const em_dsp_frames *frames)
{
  if (status == EM_DSP_OK)
    return NULL;
  if (status == EM_DSP_ERR_PARAM)
    return "frame_length and frame_stride must be positive and at least one sample";
  if (frames->count < 1)
    return "Frame length is larger than your window size";
  return "more than 500 frames: increase frame_stride or use a shorter window";
}

void
em_dsp_preemphasis_f32 (const float *x, size_t n_samples, float scale,
                        float cof, size_t shift, size_t start, size_t count,
                        float *out)
{
  size_t sh, j = 0;

  if (n_samples == 0)
    return;
  sh = shift % n_samples;
  /* np.roll: output n uses the sample `shift` places earlier, wrapping to
   * the end of the window for n < shift; that head is a separate loop so
   * the body has no branch and vectorises. */
  for (; j < count && start + j < sh; j++)
    out[j] = scale * x[start + j] - cof * (scale * x[start + j + n_samples - sh]);
  for (; j < count; j++)
    out[j] = scale * x[start + j] - cof * (scale * x[start + j - sh]);
}

/* The device build uses dsp/'s own ln and exp (em-dsp-math.h:
 * no libm there); they agree with libm's to a few 1e-16, far from moving a
 * mel point's bin. */
double
em_dsp_hz_to_mel (double hz)
{
#ifdef EM_DSP_USE_FFTW
  return 1127.0 * log (1.0 + hz / 700.0);
#else
  return 1127.0 * em_dsp_ln_f64 (1.0 + hz / 700.0);
#endif
}

double
em_dsp_mel_to_hz (double mel)
{
#ifdef EM_DSP_USE_FFTW
  return 700.0 * (exp (mel / 1127.0) - 1.0);
#else
  return 700.0 * (em_dsp_exp_f64 (mel / 1127.0) - 1.0);
#endif
}

int
em_dsp_mel_points (size_t num_filters, size_t fft_length, double fs,
                   double low_frequency, double high_frequency, int32_t *points,
                   const char **reason)
{
  size_t n = num_filters + 2, i;
  double mel_lo, mel_hi, step;
  int32_t prev2 = 0, prev1 = 0;
  const char *why = NULL;
  int status = EM_DSP_OK;

  if (!em_dsp_fft_length_ok (fft_length))
    {
      status = EM_DSP_ERR_FFT_LENGTH;
      why = "fft_length must be a power of two from 4 to 8192";
      goto out;
    }
  if (num_filters < 1 || num_filters > 4096)
    {
      status = EM_DSP_ERR_PARAM;
      why = "num_filters must be between 1 and 4096";
      goto out;
    }
  if (!positive_finite (fs))
    {
      status = EM_DSP_ERR_PARAM;
      why = "the sampling frequency must be a positive number";
      goto out;
    }
  if (high_frequency == 0.0)
    high_frequency = fs / 2.0;
  if (!(low_frequency >= 0.0) || !isfinite (high_frequency)
      || high_frequency > fs / 2.0 || !(low_frequency < high_frequency))
    {
      status = EM_DSP_ERR_PARAM;
      why = "the frequencies must satisfy 0 <= low_frequency < high_frequency <= fs/2";
      goto out;
    }

  mel_lo = em_dsp_hz_to_mel (low_frequency);
  mel_hi = em_dsp_hz_to_mel (high_frequency);
  /* np.linspace: start + i·step, with the last point exactly the stop. */
  step = (mel_hi - mel_lo) / (double) (n - 1);
  for (i = 0; i < n; i++)
    {
      double mel = i + 1 == n ? mel_hi : (double) i * step + mel_lo;
      double hz = em_dsp_mel_to_hz (mel);
      int32_t bin;
      /* Edge Impulse takes 0.001 Hz off the top point so that fs/2 does
       * not land on the bin past Nyquist (the SDK's "7999.999"). */
      if (i + 1 == n)
        hz -= 0.001;
      /* v4 bins; v ≤ 3 used (fft/2 + 2) here and squeezed the bank into
       * 0 … fs/4. */
      bin = (int32_t) em_dsp_floor_f64 ((double) (fft_length + 1) * hz / fs);
      if (points != NULL)
        points[i] = bin;
      /* Filter i−2 spans prev2 … bin; it is all zeros only when empty. */
      if (i >= 2 && prev2 >= bin && status == EM_DSP_OK)
        {
          status = EM_DSP_ERR_FILTERBANK;
          why = "a mel filter is empty: lower num_filters (to about fft_length/8) "
                "or increase fft_length";
        }
      prev2 = prev1;
      prev1 = bin;
    }

out:
  if (reason != NULL)
    *reason = why;
  return status;
}

/* speechpy's triangle(): the falling half is assigned last, so it wins at
 * k == mid; a filter with mid == right keeps the rising half's 1 there.
 * Bins outside left … right get 0. */
static double
triangle_weight (int32_t k, int32_t left, int32_t mid, int32_t right)
{
  double v = 0.0;

  if (k > left && k <= mid)
    v = (double) (k - left) / (double) (mid - left);
  if (k >= mid && k < right)
    v = (double) (right - k) / (double) (right - mid);
  return v;
}

size_t
em_dsp_mel_filterbank_bytes (size_t num_filters, size_t fft_length)
{
  return align_up ((num_filters + 2) * sizeof (int32_t))
         + 2 * align_up (num_filters * sizeof (int32_t))
         + align_up ((fft_length + 4 * num_filters) * sizeof (float));
}

int
em_dsp_mel_filterbank_init (em_dsp_mel_filterbank *fb, size_t num_filters,
                            size_t fft_length, double fs, double low_frequency,
                            double high_frequency, void *mem, size_t mem_bytes)
{
  unsigned char *p = mem;
  int32_t *points, *start, *len;
  float *w;
  size_t i;
  int status;

  if (!em_dsp_fft_length_ok (fft_length))
    return EM_DSP_ERR_FFT_LENGTH;
  if (num_filters < 1 || num_filters > 4096)
    return EM_DSP_ERR_PARAM;
  if (mem == NULL || ((size_t) mem & (EM_DSP_ALIGN - 1)) != 0
      || mem_bytes < em_dsp_mel_filterbank_bytes (num_filters, fft_length))
    return EM_DSP_ERR_SCRATCH;

  points = (int32_t *) (void *) p;
  status = em_dsp_mel_points (num_filters, fft_length, fs, low_frequency,
                              high_frequency, points, NULL);
  if (status != EM_DSP_OK)
    return status;

  p += align_up ((num_filters + 2) * sizeof (int32_t));
  start = (int32_t *) (void *) p;
  p += align_up (num_filters * sizeof (int32_t));
  len = (int32_t *) (void *) p;
  p += align_up (num_filters * sizeof (int32_t));
  w = (float *) (void *) p;
  fb->num_filters = num_filters;
  fb->n_bins = fft_length / 2 + 1;
  fb->points = points;
  fb->start = start;
  fb->len = len;
  fb->weights = w;

  for (i = 0; i < num_filters; i++)
    {
      int32_t left = points[i], mid = points[i + 1], right = points[i + 2], k;
      int32_t n_bins = (int32_t) fb->n_bins;
      int32_t width = right - left + 1, len4 = (width + 3) & ~3;

      /* Widen to a multiple of 4 to the right, or to the left at the top
       * of the spectrum; keep the exact span when even that does not fit. */
      if (len4 <= n_bins)
        {
          start[i] = left + len4 <= n_bins ? left : n_bins - len4;
          len[i] = len4;
        }
      else
        {
          start[i] = left;
          len[i] = width;
        }
      for (k = start[i]; k < start[i] + len[i]; k++)
        *w++ = (float) triangle_weight (k, left, mid, right);
    }
  return EM_DSP_OK;
}

void
em_dsp_mel_filterbank_weights_f64 (const em_dsp_mel_filterbank *fb, double *weights)
{
  size_t i;
  int32_t k;

  for (i = 0; i < fb->num_filters; i++)
    for (k = fb->start[i]; k < fb->start[i] + fb->len[i]; k++)
      *weights++ = triangle_weight (k, fb->points[i], fb->points[i + 1], fb->points[i + 2]);
}

void
em_dsp_mel_filterbank_apply_f64 (const em_dsp_mel_filterbank *fb, const double *weights,
                                 const double *restrict power, double *restrict mel)
{
  const double *w = weights;
  size_t i;

  /* Four partial sums, as in the float version (dependent-add chains). */
  for (i = 0; i < fb->num_filters; i++)
    {
      const double *pk = power + fb->start[i];
      size_t width = (size_t) fb->len[i], k = 0;
      double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
      for (; k + 4 <= width; k += 4)
        {
          a0 += w[k] * pk[k];
          a1 += w[k + 1] * pk[k + 1];
          a2 += w[k + 2] * pk[k + 2];
          a3 += w[k + 3] * pk[k + 3];
        }
      for (; k < width; k++)
        a0 += w[k] * pk[k];
      mel[i] = (a0 + a2) + (a1 + a3);
      w += width;
    }
}

void
em_dsp_mel_filterbank_apply_f32 (const em_dsp_mel_filterbank *fb,
                                 const float *restrict power, float *restrict mel)
{
  const float *w = fb->weights;
  size_t i;

  /* A filter spans a handful of bins, so one running sum would be a chain
   * of dependent adds, each waiting for the last: four partial sums cut
   * that chain to a quarter (and make one SIMD accumulator). The spans are
   * padded to whole blocks of 4 (see em_dsp_mel_filterbank), so the tail
   * loop almost never runs. The order differs from a plain left-to-right
   * sum only by float rounding (~1e-7 relative). */
  for (i = 0; i < fb->num_filters; i++)
    {
      const float *pk = power + fb->start[i];
      size_t width = (size_t) fb->len[i], k = 0;
      float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
      for (; k + 4 <= width; k += 4)
        {
          a0 += w[k] * pk[k];
          a1 += w[k + 1] * pk[k + 1];
          a2 += w[k + 2] * pk[k + 2];
          a3 += w[k + 3] * pk[k + 3];
        }
      for (; k < width; k++)
        a0 += w[k] * pk[k];
      mel[i] = (a0 + a2) + (a1 + a3);
      w += width;
    }
}

void
em_dsp_frame_power_f32 (const em_dsp_rfft *plan, const float *x, size_t n_samples,
                        size_t start, size_t frame_len, const em_dsp_preemphasis *pre,
                        float *power, float *frame_buf, float *work)
{
  size_t n = em_dsp_rfft_length (plan);
  size_t m = frame_len < n ? frame_len : n;

  if (pre != NULL)
    em_dsp_preemphasis_f32 (x, n_samples, pre->scale, pre->cof, pre->shift, start, m,
                            frame_buf);
  else
    memcpy (frame_buf, x + start, m * sizeof (float));
  if (m < n)
    memset (frame_buf + m, 0, (n - m) * sizeof (float));
  em_dsp_rfft_power_f32 (plan, frame_buf, power, work);
}

int
em_dsp_all_finite_f32 (const float *x, size_t n)
{
  uint32_t bad = 0;
  size_t i;

  /* An all-ones exponent is Inf or NaN: (exponent + 1) carries into bit 31
   * only then. One OR over everything and no early exit, so the loop
   * vectorises: this runs on every call, over the whole window. */
  for (i = 0; i < n; i++)
    {
      uint32_t u;
      memcpy (&u, x + i, sizeof u);
      bad |= (u & 0x7f800000u) + 0x00800000u;
    }
  return (bad & 0x80000000u) == 0;
}

void
em_dsp_zero_handling_f32 (float *x, size_t n)
{
  size_t i;

  /* Always store (a select, not a branch), so the loop vectorises. */
  for (i = 0; i < n; i++)
    x[i] = x[i] == 0.0f ? 1e-10f : x[i];
}

/* Entry (j, k) of the DCT table: s_k·cos(πk(2j+1)/(2n)). The angle is
 * reduced mod 2π exactly, in integers (m = k(2j+1) mod 4n), before cos
 * sees it. */
static double
dct_entry (size_t n, size_t j, size_t k)
{
  size_t m = (k * (2 * j + 1)) % (4 * n);
  double s = k == 0 ? sqrt (1.0 / (double) n) : sqrt (2.0 / (double) n);

  return s * cos (SPEECH_PI * (double) m / (double) (2 * n));
}

void
em_dsp_dct2_ortho_table_f32 (size_t n, size_t n_out, float *table)
{
  size_t k, j;

  /* Stored transposed, table[j·n_out + k], so that the transform's inner
   * loop runs over k with independent sums (it vectorises without
   * reordering any sum). */
  /* In float with dsp/'s own sin/cos and √ (this is the device path;
   * MFCC's host path takes the double table below). */
  for (j = 0; j < n; j++)
    for (k = 0; k < n_out; k++)
      {
        float s, c;
        em_dsp_sincos_turn ((uint32_t) ((k * (2 * j + 1)) % (4 * n)), (uint32_t) (4 * n), &s, &c);
        table[j * n_out + k] = (float) em_dsp_sqrt_f64 ((k == 0 ? 1.0 : 2.0) / (double) n) * c;
      }
}

void
em_dsp_dct2_ortho_table_f64 (size_t n, size_t n_out, double *table)
{
  size_t k, j;

  for (j = 0; j < n; j++)
    for (k = 0; k < n_out; k++)
      table[j * n_out + k] = dct_entry (n, j, k);
}

void
em_dsp_dct2_ortho_f64 (const double *restrict table, size_t n, size_t n_out,
                       const double *restrict in, double *restrict out)
{
  size_t k, j;

  for (k = 0; k < n_out; k++)
    out[k] = 0.0;
  for (j = 0; j < n; j++)
    {
      const double *col = table + j * n_out;
      double v = in[j];
      for (k = 0; k < n_out; k++)
        out[k] += col[k] * v;
    }
}

void
em_dsp_dct2_ortho_f32 (const float *restrict table, size_t n, size_t n_out,
                       const float *restrict in, float *restrict out)
{
  size_t k, j;

  for (k = 0; k < n_out; k++)
    out[k] = 0.0f;
  for (j = 0; j < n; j++)
    {
      const float *col = table + j * n_out;
      float v = in[j];
      for (k = 0; k < n_out; k++)
        out[k] += col[k] * v;
    }
}

/* Row of the original matrix that numpy's 'symmetric' padding puts at
 * (signed) position j: the extension is periodic with period 2·rows,
 * x[0 … rows−1] followed by its mirror image, which is also what np.pad
 * builds chunk by chunk when pad > rows. */
static int32_t
symmetric_row (long j, size_t rows)
{
  long period = 2 * (long) rows;
  long m = j % period;

  if (m < 0)
    m += period;
  return (int32_t) (m < (long) rows ? m : period - 1 - m);
}

size_t
em_dsp_cmvnw_scratch_bytes (size_t rows, size_t cols, size_t win_size)
{
  (void) win_size;
  return align_up (rows * cols * sizeof (float)) + align_up (2 * cols * sizeof (double));
}

/* Sliding window sums over the symmetric-padded rows of m (rows × cols):
 * window i covers original rows symmetric_row(i − pad … i + pad). */
static void
window_start (const float *m, size_t rows, size_t cols, size_t pad, double *sum, double *sq)
{
  long j;
  size_t c;

  for (c = 0; c < cols; c++)
    sum[c] = sq[c] = 0.0;
  for (j = -(long) pad; j <= (long) pad; j++)
    {
      const float *r = m + (size_t) symmetric_row (j, rows) * cols;
      for (c = 0; c < cols; c++)
        {
          sum[c] += (double) r[c];
          if (sq != sum)
            sq[c] += (double) r[c] * (double) r[c];
        }
    }
}

static void
window_slide (const float *m, size_t rows, size_t cols, size_t pad, size_t i,
              double *sum, double *sq)
{
  /* From window i−1 to window i: row i+pad comes in, row i−1−pad leaves. */
  const float *in = m + (size_t) symmetric_row ((long) (i + pad), rows) * cols;
  const float *out = m + (size_t) symmetric_row ((long) i - 1 - (long) pad, rows) * cols;
  size_t c;

  /* A one-row window is that row itself: take it exactly, so that
   * win_size 1 gives exact zeros (as numpy does) rather than the sliding
   * sums' round-off divided by 1e-10. */
  if (pad == 0)
    {
      for (c = 0; c < cols; c++)
        {
          sum[c] = (double) in[c];
          if (sq != sum)
            sq[c] = (double) in[c] * (double) in[c];
        }
      return;
    }
  for (c = 0; c < cols; c++)
    {
      sum[c] += (double) in[c] - (double) out[c];
      if (sq != sum)
        sq[c] += (double) in[c] * (double) in[c] - (double) out[c] * (double) out[c];
    }
}

int
em_dsp_cmvnw_f32 (float *features, size_t rows, size_t cols, size_t win_size,
                  int variance_normalization, void *scratch, size_t scratch_bytes)
{
  unsigned char *p = scratch;
  float *m;
  double *sum, *sq, win;
  size_t pad, i, c;

  if (win_size % 2 == 0 || win_size > (size_t) 1 << 24 || rows > (size_t) 1 << 24)
    return EM_DSP_ERR_PARAM;
  if (rows == 0 || cols == 0)
    return EM_DSP_OK;
  if (scratch == NULL || ((size_t) scratch & (EM_DSP_ALIGN - 1)) != 0
      || scratch_bytes < em_dsp_cmvnw_scratch_bytes (rows, cols, win_size))
    return EM_DSP_ERR_SCRATCH;

  m = (float *) (void *) p;
  sum = (double *) (void *) (p + align_up (rows * cols * sizeof (float)));
  sq = sum + cols;
  pad = (win_size - 1) / 2;
  win = (double) win_size;

  /* Mean step, windows over the original rows. */
  window_start (features, rows, cols, pad, sum, sum);
  for (i = 0; i < rows; i++)
    {
      if (i > 0)
        window_slide (features, rows, cols, pad, i, sum, sum);
      for (c = 0; c < cols; c++)
        m[i * cols + c] = (float) ((double) features[i * cols + c] - sum[c] / win);
    }

  if (!variance_normalization)
    {
      memcpy (features, m, rows * cols * sizeof (float));
      return EM_DSP_OK;
    }

  /* Variance step, windows over the mean-subtracted rows. */
  window_start (m, rows, cols, pad, sum, sq);
  for (i = 0; i < rows; i++)
    {
      if (i > 0)
        window_slide (m, rows, cols, pad, i, sum, sq);
      for (c = 0; c < cols; c++)
        {
          double mean = sum[c] / win;
          double var = sq[c] / win - mean * mean;
          double sd = em_dsp_sqrt_f64 (var);
          features[i * cols + c] = (float) ((double) m[i * cols + c] / (sd + 1e-10));
        }
    }
  return EM_DSP_OK;
}

/* The same sliding sums over a double matrix. */
static void
window_start_f64 (const double *m, size_t rows, size_t cols, size_t pad, double *sum,
                  double *sq)
{
  long j;
  size_t c;

  for (c = 0; c < cols; c++)
    sum[c] = sq[c] = 0.0;
  for (j = -(long) pad; j <= (long) pad; j++)
    {
      const double *r = m + (size_t) symmetric_row (j, rows) * cols;
      for (c = 0; c < cols; c++)
        {
          sum[c] += r[c];
          if (sq != sum)
            sq[c] += r[c] * r[c];
        }
    }
}

static void
window_slide_f64 (const double *m, size_t rows, size_t cols, size_t pad, size_t i,
                  double *sum, double *sq)
{
  const double *in = m + (size_t) symmetric_row ((long) (i + pad), rows) * cols;
  const double *out = m + (size_t) symmetric_row ((long) i - 1 - (long) pad, rows) * cols;
  size_t c;

  if (pad == 0)   /* exactly the row, as in window_slide */
    {
      for (c = 0; c < cols; c++)
        {
          sum[c] = in[c];
          if (sq != sum)
            sq[c] = in[c] * in[c];
        }
      return;
    }
  for (c = 0; c < cols; c++)
    {
      sum[c] += in[c] - out[c];
      if (sq != sum)
        sq[c] += in[c] * in[c] - out[c] * out[c];
    }
}

size_t
em_dsp_cmvnw_f64_scratch_bytes (size_t rows, size_t cols, size_t win_size)
{
  (void) win_size;
  return align_up (rows * cols * sizeof (double)) + align_up (2 * cols * sizeof (double));
}

int
em_dsp_cmvnw_f64 (double *features, size_t rows, size_t cols, size_t win_size,
                  int variance_normalization, void *scratch, size_t scratch_bytes)
{
  unsigned char *p = scratch;
  double *m, *sum, *sq, win;
  size_t pad, i, c;

  if (win_size % 2 == 0 || win_size > (size_t) 1 << 24 || rows > (size_t) 1 << 24)
    return EM_DSP_ERR_PARAM;
  if (rows == 0 || cols == 0)
    return EM_DSP_OK;
  if (scratch == NULL || ((size_t) scratch & (EM_DSP_ALIGN - 1)) != 0
      || scratch_bytes < em_dsp_cmvnw_f64_scratch_bytes (rows, cols, win_size))
    return EM_DSP_ERR_SCRATCH;

  m = (double *) (void *) p;
  sum = (double *) (void *) (p + align_up (rows * cols * sizeof (double)));
  sq = sum + cols;
  pad = (win_size - 1) / 2;
  win = (double) win_size;

  window_start_f64 (features, rows, cols, pad, sum, sum);
  for (i = 0; i < rows; i++)
    {
      if (i > 0)
        window_slide_f64 (features, rows, cols, pad, i, sum, sum);
      for (c = 0; c < cols; c++)
        m[i * cols + c] = features[i * cols + c] - sum[c] / win;
    }

  if (!variance_normalization)
    {
      memcpy (features, m, rows * cols * sizeof (double));
      return EM_DSP_OK;
    }

  /* m is centred, so Σm² holds the spread itself and the sliding updates
   * lose only ~1e-16 of it, not of the features' magnitude. */
  window_start_f64 (m, rows, cols, pad, sum, sq);
  for (i = 0; i < rows; i++)
    {
      if (i > 0)
        window_slide_f64 (m, rows, cols, pad, i, sum, sq);
      for (c = 0; c < cols; c++)
        {
          double mean = sum[c] / win;
          double var = sq[c] / win - mean * mean;
          double sd = var > 0.0 ? sqrt (var) : 0.0;
          features[i * cols + c] = m[i * cols + c] / (sd + 1e-10);
        }
    }
  return EM_DSP_OK;
}

int
em_dsp_audio_autotune (double fs, double frame_length, size_t *fft_length,
                       size_t *num_filters)
{
  double v;
  size_t target, n = 1, bits = 0;

  if (!positive_finite (fs) || !positive_finite (frame_length))
    return EM_DSP_ERR_PARAM;
  v = fs * frame_length;
  /* Studio: next_power_of_2(int(frame_length * fs)); int() truncates. */
  target = v >= (double) EM_DSP_FFT_MAX ? EM_DSP_FFT_MAX : (size_t) v;
  while (n < target)
    n <<= 1;
  if (n < EM_DSP_FFT_MIN)
    n = EM_DSP_FFT_MIN;
  if (n > EM_DSP_FFT_MAX)
    n = EM_DSP_FFT_MAX;
  while (((size_t) 1 << bits) < n)
    bits++;
  *fft_length = n;
  /* int(40 + log2(n/256)): exact for powers of two, so plain integers. */
  *num_filters = (size_t) (40 + (long) bits - 8);
  return EM_DSP_OK;
}

double
em_dsp_audio_cap_frame_stride (double window_size_ms, double frame_stride)
{
  if (window_size_ms > 0.0 && frame_stride > 0.0
      && (window_size_ms / 1000.0) / frame_stride > EM_DSP_SPEECH_MAX_FRAMES)
    return (window_size_ms / 1000.0) / EM_DSP_SPEECH_MAX_FRAMES;
  return frame_stride;
}

int
em_dsp_speech_check_fs_fft (double fs, int fft_length, const char **reason)
{
  const char *why = NULL;
  int status = EM_DSP_OK;

  if (!(fs > 0.0) || !isfinite (fs))
    {
      why = "the sampling frequency must be a positive number";
      status = EM_DSP_ERR_PARAM;
    }
  else if (fft_length < 0 || !em_dsp_fft_length_ok ((size_t) fft_length))
    {
      why = "fft_length must be a power of two from 4 to 8192";
      status = EM_DSP_ERR_FFT_LENGTH;
    }
  if (reason != NULL)
    *reason = why;
  return status;
}

int
em_dsp_speech_check_frames_mel (double fs, size_t n_samples, double frame_length,
                                double frame_stride, int num_filters, int fft_length,
                                double low_frequency, double high_frequency,
                                em_dsp_frames *frames, const char **reason)
{
  const char *why = NULL;
  int status = em_dsp_speech_frames (fs, n_samples, frame_length, frame_stride, frames);

  if (status != EM_DSP_OK)
    why = em_dsp_speech_frames_reason (status, frames);
  else
    status = em_dsp_mel_points ((size_t) num_filters, (size_t) fft_length, fs, low_frequency,
                                high_frequency, NULL, &why);
  if (reason != NULL)
    *reason = status == EM_DSP_OK ? NULL : why;
  return status;
}
