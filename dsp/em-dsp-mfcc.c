/* SPDX-License-Identifier: Apache-2.0 */
/* MFCC v4; see em-dsp-mfcc.h and DSP-REFERENCE §1.2. */
#include "em-dsp-mfcc.h"

#include <math.h>
#include <string.h>

#include "em-dsp-fft.h"
#include "em-dsp-math.h"
#include "em-dsp-speech.h"
#include "em-dsp-stream.h"

void
em_dsp_mfcc_params_default (em_dsp_mfcc_params *p)
{
  p->num_cepstral = 13;
  p->frame_length = 0.02;
  p->frame_stride = 0.02;
  p->num_filters = 32;
  p->fft_length = 256;
  p->win_size = 101;
  p->low_frequency = 0.0;
  p->high_frequency = 0.0;
  p->pre_cof = 0.98;
  p->pre_shift = 1;
  p->window = EM_DSP_MFCC_WINDOW_NONE;
}

static int
fail (const char **reason, const char *why, int status)
{
  if (reason != NULL)
    *reason = why;
  return status;
}

static int
check (const em_dsp_mfcc_params *p, double fs, size_t n_samples,
       em_dsp_frames *frames, const char **reason)
{
  int status;

  if (reason != NULL)
    *reason = NULL;
  status = em_dsp_speech_check_fs_fft (fs, p->fft_length, reason);
  if (status != EM_DSP_OK)
    return status;
  if (p->num_filters < 1 || p->num_filters > 4096)
    return fail (reason, "num_filters must be between 1 and 4096", EM_DSP_ERR_PARAM);
  if (p->num_cepstral < 1 || p->num_cepstral > p->num_filters)
    return fail (reason, "num_cepstral must be between 1 and num_filters", EM_DSP_ERR_PARAM);
  if (p->win_size < 0 || (p->win_size > 0 && p->win_size % 2 == 0))
    return fail (reason, "win_size must be 0 or an odd number", EM_DSP_ERR_PARAM);
  if (p->pre_shift < 1)
    return fail (reason, "pre_shift must be at least 1", EM_DSP_ERR_PARAM);
  if (!isfinite (p->pre_cof))
    return fail (reason, "pre_cof must be a finite number", EM_DSP_ERR_PARAM);
  if (p->window != EM_DSP_MFCC_WINDOW_NONE && p->window != EM_DSP_MFCC_WINDOW_HAMMING)
    return fail (reason, "window must be none or hamming", EM_DSP_ERR_PARAM);

  return em_dsp_speech_check_frames_mel (fs, n_samples, p->frame_length, p->frame_stride,
                                         p->num_filters, p->fft_length, p->low_frequency,
                                         p->high_frequency, frames, reason);
}

int
em_dsp_mfcc_check (const em_dsp_mfcc_params *p, double fs, size_t n_samples,
                   const char **reason)
{
  em_dsp_frames frames;
  return check (p, fs, n_samples, &frames, reason);
}

int
em_dsp_mfcc_shape (const em_dsp_mfcc_params *p, double fs, size_t n_samples,
                   size_t *rows, size_t *cols)
{
  em_dsp_frames frames;
  int status = check (p, fs, n_samples, &frames, NULL);

  *rows = status == EM_DSP_OK ? frames.count : 0;
  *cols = status == EM_DSP_OK ? (size_t) p->num_cepstral : 0;
  return status;
}

/* The host build (EM_DSP_USE_FFTW) runs the whole pipeline in double,
 * with FFTW's double transform: cmvnw divides each value by its column's
 * spread over win_size frames, which for steady sounds is 1e-1 … 1e-3, so
 * float32 round-off anywhere before it (FFT, weights, log, DCT, the stored
 * features) would come out magnified to 1e-4 … 1e-3 (measured: up to
 * 5.7e-4 against Studio's float64 Python with float32 throughout). The
 * device build keeps float32 (em-dsp-mfcc.h says how close that is). */
#ifdef EM_DSP_USE_FFTW
#define MFCC_HOST_F64 1
#else
#define MFCC_HOST_F64 0
#endif

/* Scratch layout, shared by the size query (base == NULL) and the run;
 * f64 selects the double pipeline's buffers. */
typedef struct {
  void *plan;
  void *filterbank;
  float *dct;        /* num_cepstral × num_filters */
  float *frame;      /* fft_length */
  float *work;       /* fft_length + 2 */
  float *power;      /* fft_length/2 + 1 */
  float *mel;        /* num_filters */
  float *win;        /* min(L, fft_length) window weights, or NULL */
  double *weights_d; /* f64: fft_length + 4·num_filters */
  double *dct_d;     /* f64: num_cepstral × num_filters */
  double *frame_d;   /* f64: fft_length */
  double *work_d;    /* f64: fft_length + 2 */
  double *power_d;   /* f64: fft_length/2 + 1 */
  double *mel_d;     /* f64: num_filters */
  double *feat_d;    /* f64: rows × num_cepstral */
  double *win_d;     /* f64: min(L, fft_length) window weights, or NULL */
  void *cmvn;
  size_t plan_bytes, filterbank_bytes, cmvn_bytes;
  size_t total;
} layout;

static void *
take (unsigned char *base, size_t *used, size_t bytes)
{
  void *r = base != NULL ? base + *used : NULL;
  *used += (bytes + (EM_DSP_ALIGN - 1)) & ~(size_t) (EM_DSP_ALIGN - 1);
  return r;
}

static void
plan_layout (const em_dsp_mfcc_params *p, const em_dsp_frames *frames, int f64,
             unsigned char *base, layout *l)
{
  size_t n = (size_t) p->fft_length, nf = (size_t) p->num_filters;
  size_t nc = (size_t) p->num_cepstral, used = 0, rows = frames->count;
  size_t win = (size_t) p->win_size;
  size_t n_window = p->window == EM_DSP_MFCC_WINDOW_NONE ? 0
                    : frames->length < n ? frames->length : n;

  l->plan_bytes = em_dsp_rfft_plan_bytes (n);
  l->filterbank_bytes = em_dsp_mel_filterbank_bytes (nf, n);
  l->plan = take (base, &used, l->plan_bytes);
  l->filterbank = take (base, &used, l->filterbank_bytes);
  l->dct = l->frame = l->work = l->power = l->mel = l->win = NULL;
  l->weights_d = l->dct_d = l->frame_d = l->work_d = l->power_d = l->mel_d = l->feat_d = NULL;
  l->win_d = NULL;
  if (f64)
    {
      l->cmvn_bytes = p->win_size > 0 ? em_dsp_cmvnw_f64_scratch_bytes (rows, nc, win) : 0;
      l->weights_d = take (base, &used, (n + 4 * nf) * sizeof (double));
      l->dct_d = take (base, &used, nc * nf * sizeof (double));
      l->frame_d = take (base, &used, n * sizeof (double));
      l->work_d = take (base, &used, (n + 2) * sizeof (double));
      l->power_d = take (base, &used, (n / 2 + 1) * sizeof (double));
      l->mel_d = take (base, &used, nf * sizeof (double));
      l->feat_d = take (base, &used, rows * nc * sizeof (double));
      if (n_window > 0)
        l->win_d = take (base, &used, n_window * sizeof (double));
    }
  else
    {
      l->cmvn_bytes = p->win_size > 0 ? em_dsp_cmvnw_scratch_bytes (rows, nc, win) : 0;
      l->dct = take (base, &used, nc * nf * sizeof (float));
      l->frame = take (base, &used, n * sizeof (float));
      l->work = take (base, &used, (n + 2) * sizeof (float));
      l->power = take (base, &used, (n / 2 + 1) * sizeof (float));
      l->mel = take (base, &used, nf * sizeof (float));
      if (n_window > 0)
        l->win = take (base, &used, n_window * sizeof (float));
    }
  l->cmvn = take (base, &used, l->cmvn_bytes);
  l->total = used;
}

size_t
em_dsp_mfcc_scratch_bytes (const em_dsp_mfcc_params *p, double fs, size_t n_samples)
{
  em_dsp_frames frames;
  layout l;

  if (check (p, fs, n_samples, &frames, NULL) != EM_DSP_OK)
    return 0;
  plan_layout (p, &frames, MFCC_HOST_F64, NULL, &l);
  return l.total;
}

size_t
em_dsp_mfcc_scratch_bytes_device (const em_dsp_mfcc_params *p, double fs, size_t n_samples)
{
  em_dsp_frames frames;
  layout l;

  if (check (p, fs, n_samples, &frames, NULL) != EM_DSP_OK)
    return 0;
  plan_layout (p, &frames, 0, NULL, &l);
  return l.total;
}

/* Σ_k |X_k|²/n over the n/2+1 rfft bins of the n-sample (zero-padded)
 * frame, from the time domain in double by Parseval:
 *   Σ_{k=0}^{n/2} |X_k|² = (n·Σx² + X_0² + X_{n/2}²)/2,
 * X_0 = Σx, X_{n/2} = Σ(−1)^j x_j. Why not sum the float spectrum: c0 is
 * ln(energy), which cmvnw divides by its spread over win_size frames, and
 * for steady sounds that spread is ~1e-3 (the §1.8 golden signal): the
 * float FFT's ~1e-7 relative error would become ~1e-3 in the output. */
static double
frame_energy (const float *frame, size_t n)
{
  double sq = 0.0, sum = 0.0, alt = 0.0;
  size_t j;

  /* n is a power of two ≥ 4: take samples in (even, odd) pairs. */
  for (j = 0; j < n; j += 2)
    {
      double a = frame[j], b = frame[j + 1];
      sq += a * a + b * b;
      sum += a + b;
      alt += a - b;
    }
  return ((double) n * sq + sum * sum + alt * alt) / (2.0 * (double) n);
}

#if MFCC_HOST_F64
/* np.hamming(length)[j]. */
static double
hamming (size_t j, size_t length)
{
  if (length < 2)
    return 1.0;
  return 0.54 - 0.46 * cos (2.0 * 3.14159265358979323846 * (double) j / (double) (length - 1));
}

/* The host pipeline in double (see MFCC_HOST_F64): the same steps as the
 * float one below, as Studio's Python computes them. */
static int
mfcc_f64 (const em_dsp_mfcc_params *p, const em_dsp_frames *frames, const em_dsp_rfft *plan,
          const em_dsp_mel_filterbank *fb, const layout *l, const float *in, size_t n_samples,
          float *out)
{
  size_t n = (size_t) p->fft_length, nf = (size_t) p->num_filters;
  size_t nc = (size_t) p->num_cepstral, rows = frames->count;
  size_t m = frames->length < n ? frames->length : n;
  size_t sh = (size_t) p->pre_shift % n_samples, r, j, k;
  double cof = p->pre_cof, inv_n = 1.0 / (double) n;
  int status;

  if (l->win_d != NULL)
    for (j = 0; j < m; j++)
      l->win_d[j] = hamming (j, frames->length);
  em_dsp_mel_filterbank_weights_f64 (fb, l->weights_d);
  em_dsp_dct2_ortho_table_f64 (nf, nc, l->dct_d);
  for (j = m; j < n; j++)
    l->frame_d[j] = 0.0;

  for (r = 0; r < rows; r++)
    {
      double *row = l->feat_d + r * nc, energy = 0.0;
      size_t start = r * frames->stride;

      /* Pre-emphasis with np.roll's wrap-around (the head, at < sh, uses
       * the window's last samples; a separate loop, so the body has no
       * branch and vectorises), then the frame cut to fft_length (or
       * zero-padded: the tail was cleared above). */
      for (j = 0; j < m && start + j < sh; j++)
        l->frame_d[j] = (double) in[start + j] - cof * (double) in[start + j + n_samples - sh];
      for (; j < m; j++)
        l->frame_d[j] = (double) in[start + j] - cof * (double) in[start + j - sh];
      if (l->win_d != NULL)
        for (j = 0; j < m; j++)
          l->frame_d[j] *= l->win_d[j];
      em_dsp_rfft_f64 (plan, l->frame_d, l->work_d);
      for (k = 0; k <= n / 2; k++)
        {
          double re = l->work_d[2 * k], im = l->work_d[2 * k + 1];
          l->power_d[k] = (re * re + im * im) * inv_n;
          energy += l->power_d[k];
        }
      em_dsp_mel_filterbank_apply_f64 (fb, l->weights_d, l->power_d, l->mel_d);
      for (k = 0; k < nf; k++)
        l->mel_d[k] = log (l->mel_d[k] == 0.0 ? 1e-10 : l->mel_d[k]);
      em_dsp_dct2_ortho_f64 (l->dct_d, nf, nc, l->mel_d, row);
      row[0] = log (energy == 0.0 ? 1e-10 : energy);
    }

  if (p->win_size > 0)
    {
      status = em_dsp_cmvnw_f64 (l->feat_d, rows, nc, (size_t) p->win_size, 1, l->cmvn,
                                 l->cmvn_bytes);
      if (status != EM_DSP_OK)
        return status;
    }
  for (j = 0; j < rows * nc; j++)
    out[j] = (float) l->feat_d[j];
  return EM_DSP_OK;
}
#endif

static int
read_memory (size_t offset, size_t length, float *out, void *user)
{
  memcpy (out, (const float *) user + offset, length * sizeof (float));
  return 0;
}

/* Both entry points: the window in memory (@in) or read frame by frame
 * through @read (@in NULL: the float pipeline in every build). */
static int
mfcc_run (const em_dsp_mfcc_params *p, double fs, const float *in, em_dsp_read_fn read, void *user,
          size_t n_samples, float *out, void *scratch, size_t scratch_bytes)
{
  em_dsp_frames frames;
  em_dsp_mel_filterbank fb;
  em_dsp_preemphasis pre;
  em_dsp_rfft *plan;
  layout l;
  size_t nf, nc, r, k;
  size_t n = (size_t) p->fft_length, m;
  double log_energy, log_energy0 = 0.0;
  int status, f64;

  status = check (p, fs, n_samples, &frames, NULL);
  if (status != EM_DSP_OK)
    return status;
  if (in != NULL && !em_dsp_all_finite_f32 (in, n_samples))
    return EM_DSP_ERR_NOT_FINITE;

  f64 = in != NULL && MFCC_HOST_F64;
  plan_layout (p, &frames, f64, NULL, &l);
  if (scratch == NULL || ((size_t) scratch & (EM_DSP_ALIGN - 1)) != 0
      || scratch_bytes < l.total)
    return EM_DSP_ERR_SCRATCH;
  plan_layout (p, &frames, f64, scratch, &l);

  nf = (size_t) p->num_filters;
  nc = (size_t) p->num_cepstral;
  plan = em_dsp_rfft_init ((size_t) p->fft_length, l.plan, l.plan_bytes);
  if (plan == NULL)
    return EM_DSP_ERR_SCRATCH;
  status = em_dsp_mel_filterbank_init (&fb, nf, (size_t) p->fft_length, fs, p->low_frequency,
                                       p->high_frequency, l.filterbank, l.filterbank_bytes);
  if (status != EM_DSP_OK)
    return status;
#if MFCC_HOST_F64
  if (f64)
    return mfcc_f64 (p, &frames, plan, &fb, &l, in, n_samples, out);
#endif
  /* From here on the device path: float, and dsp/'s own maths rather
   * than libm's (em-dsp-math.h says why). */
  em_dsp_dct2_ortho_table_f32 (nf, nc, l.dct);
  m = frames.length < n ? frames.length : n;
  if (l.win != NULL)
    {
      for (k = 0; k < m; k++)
        {
          float s = 0.0f, c = 1.0f;
          if (frames.length >= 2)
            em_dsp_sincos_turn ((uint32_t) k, (uint32_t) (frames.length - 1), &s, &c);
          l.win[k] = 0.54f - 0.46f * c;
        }
    }

  pre.scale = 1.0f;
  pre.cof = (float) p->pre_cof;
  pre.shift = (size_t) p->pre_shift;

  for (r = 0; r < frames.count; r++)
    {
      float *row = out + r * nc;
      double energy;

      /* The frame's samples and those pre-emphasis subtracts go into frame
       * and work (free until the FFT); the arithmetic is
       * em_dsp_preemphasis_f32's. The window in memory is read the same
       * way, so both entry points share every operation. */
      status = em_dsp_frame_read_f32 (in != NULL ? read_memory : read, in != NULL ? (void *) in : user, n_samples,
                                      r * frames.stride, m, pre.shift, l.frame, l.work);
      if (status != EM_DSP_OK)
        return status;
      for (k = 0; k < m; k++)
        l.frame[k] = pre.scale * l.frame[k] - pre.cof * (pre.scale * l.work[k]);
      if (l.win != NULL)
        for (k = 0; k < m; k++)
          l.frame[k] *= l.win[k];
      for (k = m; k < n; k++)
        l.frame[k] = 0.0f;
      em_dsp_rfft_power_f32 (plan, l.frame, l.power, l.work);
      energy = frame_energy (l.frame, (size_t) p->fft_length);
      em_dsp_mel_filterbank_apply_f32 (&fb, l.power, l.mel);
      em_dsp_zero_handling_f32 (l.mel, nf);
      /* Positive after zero handling; a subnormal is scaled by 2^23 into
       * the range em_dsp_ln_f32 takes (ln 2^23 = 15.9423851). */
      for (k = 0; k < nf; k++)
        l.mel[k] = l.mel[k] >= 1.17549435e-38f ? em_dsp_ln_f32 (l.mel[k])
                   : em_dsp_ln_f32 (l.mel[k] * 8388608.0f) - 15.9423851f;
      em_dsp_dct2_ortho_f32 (l.dct, nf, nc, l.mel, row);
      /* speechpy's dc_elimination: c0 becomes the log frame energy
       * (zero handling: an all-zero frame counts as 1e-10). */
      log_energy = em_dsp_ln_f64 (energy == 0.0 ? 1e-10 : energy);
      if (r == 0)
        log_energy0 = log_energy;
      /* cmvnw removes any per-column constant, so with it c0 is kept
       * relative to frame 0, in double until here: the float then holds
       * the small frame-to-frame changes exactly instead of rounding them
       * at the ulp of ~20 (2e-6). */
      row[0] = (float) (p->win_size > 0 ? log_energy - log_energy0 : log_energy);
    }

  if (p->win_size > 0)
    return em_dsp_cmvnw_f32 (out, frames.count, nc, (size_t) p->win_size, 1, l.cmvn,
                             l.cmvn_bytes);
  return EM_DSP_OK;
}

int
em_dsp_mfcc_f32 (const em_dsp_mfcc_params *p, double fs, const float *in,
                 size_t n_samples, float *out, void *scratch, size_t scratch_bytes)
{
  if (in == NULL)
    return EM_DSP_ERR_PARAM;
  return mfcc_run (p, fs, in, NULL, NULL, n_samples, out, scratch, scratch_bytes);
}

int
em_dsp_mfcc_f32_read (const em_dsp_mfcc_params *p, double fs, em_dsp_read_fn read, void *user,
                      size_t n_samples, float *out, void *scratch, size_t scratch_bytes)
{
  if (read == NULL)
    return EM_DSP_ERR_PARAM;
  return mfcc_run (p, fs, NULL, read, user, n_samples, out, scratch, scratch_bytes);
}
