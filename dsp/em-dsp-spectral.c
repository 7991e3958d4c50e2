/* SPDX-License-Identifier: Apache-2.0 */
#include "em-dsp-spectral.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "em-dsp-fft.h"
#include "em-dsp-stats.h"
#include "em-dsp-wavelet.h"

/* The LF set is computed on the signal decimated by this much more. */
#define LF_RATIO 10

void
em_dsp_spectral_params_default (em_dsp_spectral_params *p)
{
  p->scale_axes = 1.0f;
  p->input_decimation_ratio = 1;
  p->filter_type = EM_DSP_FILTER_NONE;
  p->filter_cutoff = 3.0f;
  p->filter_order = 6;
  p->analysis_type = EM_DSP_SPECTRAL_FFT;
  p->fft_length = 16;
  p->do_log = 1;
  p->do_fft_overlap = 1;
  p->wavelet_level = 1;
  memset (p->wavelet, 0, sizeof p->wavelet);
  memcpy (p->wavelet, "db4", 3);
  p->extra_low_freq = 0;
}

static int
is_wavelet (const em_dsp_spectral_params *p)
{
  return p->analysis_type == EM_DSP_SPECTRAL_WAVELET;
}

/* The wavelet index, or −1 (also when the name is not NUL-terminated). */
static int
wavelet_index_of (const em_dsp_spectral_params *p)
{
  if (memchr (p->wavelet, '\0', sizeof p->wavelet) == NULL)
    return -1;
  return em_dsp_wavelet_find (p->wavelet);
}

static size_t
round_up (size_t v)
{
  return (v + (EM_DSP_ALIGN - 1)) & ~(size_t) (EM_DSP_ALIGN - 1);
}

/* Bin range [*start, *stop) of the max-hold spectrum at sampling rate fs. */
static void
bin_range (const em_dsp_spectral_params *p, double fs, size_t *start, size_t *stop)
{
  size_t half = (size_t) p->fft_length / 2;
  double cutoff = p->filter_cutoff, bin;

  *start = 1;
  *stop = half + 1;
  if (p->filter_type == EM_DSP_FILTER_NONE)
    return;
  if (cutoff > fs / 2.0)
    cutoff = fs / 2.0;
  bin = cutoff * (double) p->fft_length / fs;
  /* (long) truncates toward zero like Python's int(). */
  if (p->filter_type == EM_DSP_FILTER_LOW)
    {
      long s = (long) (bin + 0.5) + 1;
      *stop = s < 2 ? 2 : ((size_t) s > half + 1 ? half + 1 : (size_t) s);
    }
  else
    {
      long s = (long) (bin - 0.5) + 1;
      *start = s < 1 ? 1 : ((size_t) s > half ? half : (size_t) s);
    }
}

size_t
em_dsp_spectral_axis_features (const em_dsp_spectral_params *p, float fs, int low_freq)
{
  size_t start, stop;
  double f = (double) fs / (double) p->input_decimation_ratio;

  if (is_wavelet (p))
    return low_freq ? 0 : EM_DSP_WAVELET_FEATURES * (size_t) (p->wavelet_level + 1);
  if (low_freq && !p->extra_low_freq)
    return 0;
  if (low_freq)
    f /= LF_RATIO;
  bin_range (p, f, &start, &stop);
  return 5 + (stop - start);
}

#define FAIL(code, why) do { if (reason) *reason = (why); return (code); } while (0)

int
em_dsp_spectral_check (const em_dsp_spectral_params *p, float fs,
                       size_t n_frames, size_t n_axes,
                       size_t *n_features, const char **reason)
{
  size_t n_eff, per_axis;
  em_dsp_butter filt;
  int rc;

  if (reason)
    *reason = "ok";
  if (n_features)
    *n_features = 0;
  if (!(fs > 0.0f) || !isfinite (fs))
    FAIL (EM_DSP_ERR_PARAM, "the sampling frequency must be above 0 Hz");
  if (n_axes == 0)
    FAIL (EM_DSP_ERR_PARAM, "the input must have at least one axis");
  if (!isfinite (p->scale_axes))
    FAIL (EM_DSP_ERR_PARAM, "scale_axes must be a finite number");
  if (p->analysis_type != EM_DSP_SPECTRAL_FFT && !is_wavelet (p))
    FAIL (EM_DSP_ERR_PARAM, "analysis_type must be FFT or Wavelet");
  if (!is_wavelet (p) && (p->fft_length < 0 || !em_dsp_fft_length_ok ((size_t) p->fft_length)))
    FAIL (EM_DSP_ERR_FFT_LENGTH, "fft_length must be a power of two between 4 and 8192");
  if (is_wavelet (p) && wavelet_index_of (p) < 0)
    FAIL (EM_DSP_ERR_PARAM, "wavelet is not a known wavelet name (haar, db2-db10, sym2-sym10, "
                            "coif1-coif3, biorN.M, rbioN.M)");
  if (is_wavelet (p) && (p->wavelet_level < 1 || p->wavelet_level > 20))
    FAIL (EM_DSP_ERR_PARAM, "wavelet_level must be 1 to 20");
  if (!em_dsp_decimate_ratio_ok (p->input_decimation_ratio))
    FAIL (EM_DSP_ERR_PARAM, "input_decimation_ratio must be 1, 3, 10, 30, 100 or 1000");
  if (p->filter_type != EM_DSP_FILTER_NONE && p->filter_type != EM_DSP_FILTER_LOW
      && p->filter_type != EM_DSP_FILTER_HIGH)
    FAIL (EM_DSP_ERR_PARAM, "filter_type must be none, low or high");
  if (p->filter_order < 0 || p->filter_order > EM_DSP_BUTTER_MAX_ORDER || (p->filter_order & 1))
    FAIL (EM_DSP_ERR_PARAM, "filter_order must be even: 0, 2, 4, 6 or 8");
  if (p->filter_type != EM_DSP_FILTER_NONE)
    {
      float fs_eff = fs / (float) p->input_decimation_ratio;
      if (!(p->filter_cutoff > 0.0f) || !isfinite (p->filter_cutoff))
        FAIL (EM_DSP_ERR_PARAM, "filter_cutoff must be above 0 Hz");
      if (p->filter_order > 0)
        {
          if (!((double) p->filter_cutoff < 0.5 * (double) fs_eff))
            FAIL (EM_DSP_ERR_PARAM,
                  "filter_cutoff must be below half the sampling frequency (after decimation)");
          rc = em_dsp_butter_design (&filt, p->filter_type, p->filter_order, fs_eff, p->filter_cutoff);
          if (rc == EM_DSP_ERR_UNSTABLE)
            FAIL (rc, "the filter is unstable at this cutoff: raise filter_cutoff or decimate the input");
          if (rc != EM_DSP_OK)
            FAIL (rc, "the filter parameters are out of range");
        }
    }
  if (n_frames == 0)
    FAIL (EM_DSP_ERR_SHAPE, "the window is empty");
  n_eff = em_dsp_decimate_length (n_frames, p->input_decimation_ratio);
  if (is_wavelet (p) && em_dsp_wavelet_max_level (n_eff) < p->wavelet_level)
    FAIL (EM_DSP_ERR_SHAPE,
          "the window is too short for wavelet_level: after decimation it needs 32·2^level samples");
  if (!is_wavelet (p) && n_eff < (size_t) p->fft_length / 2)
    FAIL (EM_DSP_ERR_SHAPE,
          "the window is too short: after decimation it needs at least fft_length/2 samples");
  if (!is_wavelet (p) && p->extra_low_freq && n_eff < LF_RATIO * ((size_t) p->fft_length / 2))
    FAIL (EM_DSP_ERR_SHAPE,
          "the window is too short for extra_low_freq: after decimation it needs 10·fft_length/2 samples");

  per_axis = em_dsp_spectral_axis_features (p, fs, 0) + em_dsp_spectral_axis_features (p, fs, 1);
  if (n_features)
    *n_features = per_axis * n_axes;
  return EM_DSP_OK;
}

/* Scratch regions, each EM_DSP_ALIGN-aligned. */
typedef struct {
  size_t plan, sig, lf, seg, work, spec, wav, total;
} layout;

static void
make_layout (const em_dsp_spectral_params *p, size_t n_frames, layout *l)
{
  size_t nfft = is_wavelet (p) ? 0 : (size_t) p->fft_length;
  size_t o = 0;

  l->plan = o;
  if (nfft)
    o += round_up (em_dsp_rfft_plan_bytes (nfft));
  l->sig = o;
  o += round_up (n_frames * sizeof (float));
  l->wav = o;
  if (is_wavelet (p))
    o += round_up (em_dsp_wavelet_scratch_floats (n_frames, wavelet_index_of (p)) * sizeof (float));
  l->lf = o;
  if (nfft && p->extra_low_freq)
    o += round_up ((n_frames / LF_RATIO + 1) * sizeof (float));
  l->seg = o;
  if (nfft)
    o += round_up (nfft * sizeof (float));
  l->work = o;
  if (nfft)
    o += round_up ((nfft + 2) * sizeof (float));
  l->spec = o;
  if (nfft)
    o += round_up ((nfft / 2 + 1) * sizeof (float)) * 2;  /* power + max-hold */
  l->total = o;
}

size_t
em_dsp_spectral_scratch_bytes (const em_dsp_spectral_params *p, size_t n_frames)
{
  layout l;
  if (is_wavelet (p) ? wavelet_index_of (p) < 0
                     : (p->fft_length < 0 || !em_dsp_fft_length_ok ((size_t) p->fft_length)))
    return 0;
  make_layout (p, n_frames, &l);
  return l.total;
}

typedef struct {
  const em_dsp_rfft *plan;
  float *seg;
  float *work;
  float *power;
  float *spec;
} spectrum_ctx;

/* Max-hold power spectrum of x[0..n) into ctx->spec (fft_length/2+1). */
static void
max_hold (const em_dsp_spectral_params *p, const spectrum_ctx *ctx, const float *x, size_t n)
{
  size_t nfft = (size_t) p->fft_length, half = nfft / 2;
  size_t step = p->do_fft_overlap ? nfft - nfft / 2 : nfft;
  size_t ix, k;

  for (k = 0; k <= half; k++)
    ctx->spec[k] = 0.0f;
  for (ix = 0; ix < n; ix += step)
    {
      size_t len = n - ix < nfft ? n - ix : nfft;
      for (k = 0; k < len; k++)
        ctx->seg[k] = x[ix + k];
      for (; k < nfft; k++)
        ctx->seg[k] = 0.0f;
      em_dsp_rfft_power_f32 (ctx->plan, ctx->seg, ctx->power, ctx->work);
      for (k = 0; k <= half; k++)
        if (ctx->power[k] > ctx->spec[k])
          ctx->spec[k] = ctx->power[k];
    }
}

/* Mean removal and the feature set of one (already filtered) axis at fs.
 * Returns the number of features written. */
static size_t
axis_features (const em_dsp_spectral_params *p, const spectrum_ctx *ctx, double fs,
               float *x, size_t n, float *out)
{
  size_t half = (size_t) p->fft_length / 2, start, stop, k, o = 0;
  em_dsp_moments m;
  float mean = em_dsp_mean_f32 (x, n, 1);

  for (k = 0; k < n; k++)
    x[k] -= mean;

  em_dsp_moments_f32 (x, n, 1, &m);
  out[o++] = em_dsp_rms_f32 (x, n, 1);
  out[o++] = em_dsp_moments_skew (&m);
  out[o++] = em_dsp_moments_kurtosis (&m);

  max_hold (p, ctx, x, n);
  em_dsp_moments_f32 (ctx->spec, half + 1, 1, &m);
  out[o++] = em_dsp_moments_skew (&m);
  out[o++] = em_dsp_moments_kurtosis (&m);

  bin_range (p, fs, &start, &stop);
  for (k = start; k < stop; k++)
    {
      float v = ctx->spec[k];
      if (p->do_log)
        v = v == 0.0f ? -10.0f : log10f (v);
      out[o++] = v;
    }
  return o;
}

int
em_dsp_spectral_f32 (const em_dsp_spectral_params *p, float fs,
                     const float *in, size_t n_frames, size_t n_axes,
                     float *out, void *scratch, size_t scratch_bytes)
{
  unsigned char *mem = scratch;
  size_t n_feat, n_eff, n_lf = 0, per_axis, per_axis_lf, a, i;
  double fs_eff, fs_lf;
  em_dsp_butter filt;
  spectrum_ctx ctx;
  float *sig, *lf;
  layout l;
  int rc;

  rc = em_dsp_spectral_check (p, fs, n_frames, n_axes, &n_feat, NULL);
  if (rc != EM_DSP_OK)
    return rc;
  make_layout (p, n_frames, &l);
  if (mem == NULL || ((size_t) mem & (EM_DSP_ALIGN - 1)) != 0 || scratch_bytes < l.total)
    return EM_DSP_ERR_SCRATCH;
  for (i = 0; i < n_frames * n_axes; i++)
    if (!isfinite (in[i]))
      return EM_DSP_ERR_NOT_FINITE;

  memset (&ctx, 0, sizeof ctx);
  if (!is_wavelet (p))
    {
      ctx.plan = em_dsp_rfft_init ((size_t) p->fft_length, mem + l.plan, l.sig - l.plan);
      if (ctx.plan == NULL)
        return EM_DSP_ERR_SCRATCH;
      ctx.seg = (float *) (void *) (mem + l.seg);
      ctx.work = (float *) (void *) (mem + l.work);
      ctx.power = (float *) (void *) (mem + l.spec);
      ctx.spec = ctx.power
                 + round_up (((size_t) p->fft_length / 2 + 1) * sizeof (float)) / sizeof (float);
    }
  sig = (float *) (void *) (mem + l.sig);
  lf = (float *) (void *) (mem + l.lf);

  fs_eff = (double) fs / (double) p->input_decimation_ratio;
  fs_lf = fs_eff / LF_RATIO;
  n_eff = em_dsp_decimate_length (n_frames, p->input_decimation_ratio);
  if (p->extra_low_freq)
    n_lf = em_dsp_decimate_length (n_eff, LF_RATIO);
  per_axis = em_dsp_spectral_axis_features (p, fs, 0);
  per_axis_lf = em_dsp_spectral_axis_features (p, fs, 1);
  em_dsp_butter_design (&filt, p->filter_order > 0 ? p->filter_type : EM_DSP_FILTER_NONE,
                        p->filter_order, (float) fs_eff, p->filter_cutoff);

  for (a = 0; a < n_axes; a++)
    {
      for (i = 0; i < n_frames; i++)
        sig[i] = in[i * n_axes + a] * p->scale_axes;
      em_dsp_decimate_f32 (sig, n_frames, 1, p->input_decimation_ratio, sig);
      em_dsp_butter_f32 (&filt, sig, n_eff, 1);
      if (is_wavelet (p))
        {
          float mean = em_dsp_mean_f32 (sig, n_eff, 1);
          for (i = 0; i < n_eff; i++)
            sig[i] -= mean;
          rc = em_dsp_wavelet_features_f32 (sig, n_eff, wavelet_index_of (p), p->wavelet_level,
                                            out + a * per_axis, (float *) (void *) (mem + l.wav),
                                            (l.lf - l.wav) / sizeof (float));
          if (rc != EM_DSP_OK)
            return rc;
          continue;
        }
      /* The LF branch starts from the filtered signal, before axis_features
       * removes the mean in place. */
      if (p->extra_low_freq)
        em_dsp_decimate_f32 (sig, n_eff, 1, LF_RATIO, lf);
      axis_features (p, &ctx, fs_eff, sig, n_eff, out + a * per_axis);
      if (p->extra_low_freq)
        axis_features (p, &ctx, fs_lf, lf, n_lf, out + n_axes * per_axis + a * per_axis_lf);
    }
  return EM_DSP_OK;
}

int
em_dsp_spectral_feature_name (const em_dsp_spectral_params *p, float fs,
                              size_t n_axes, const char *const *axis_names,
                              size_t i, char *buf, size_t buf_len)
{
  static const char *const stat_names[5] = {
    "RMS", "Skewness", "Kurtosis", "Spectral Skewness", "Spectral Kurtosis"
  };
  size_t n_feat, per_axis, per_axis_lf, axis, j, start, stop;
  double f = (double) fs / (double) p->input_decimation_ratio, width;
  const char *suffix = "";
  char axis_buf[24];
  const char *axis_name;

  if (buf == NULL || buf_len == 0
      || em_dsp_spectral_check (p, fs, (size_t) -1 / 2, n_axes, &n_feat, NULL) != EM_DSP_OK
      || i >= n_feat)
    return EM_DSP_ERR_PARAM;
  per_axis = em_dsp_spectral_axis_features (p, fs, 0);
  per_axis_lf = em_dsp_spectral_axis_features (p, fs, 1);
  if (i < per_axis * n_axes)
    {
      axis = i / per_axis;
      j = i % per_axis;
    }
  else
    {
      axis = (i - per_axis * n_axes) / per_axis_lf;
      j = (i - per_axis * n_axes) % per_axis_lf;
      f /= LF_RATIO;
      suffix = " LF";
    }
  if (axis_names)
    axis_name = axis_names[axis];
  else
    {
      snprintf (axis_buf, sizeof axis_buf, "axis%u", (unsigned) axis);
      axis_name = axis_buf;
    }
  if (is_wavelet (p))
    {
      snprintf (buf, buf_len, "%s L%u-%s", axis_name, (unsigned) (j / EM_DSP_WAVELET_FEATURES),
                em_dsp_wavelet_feature_name (j % EM_DSP_WAVELET_FEATURES));
      return EM_DSP_OK;
    }
  if (j < 5)
    {
      snprintf (buf, buf_len, "%s %s%s", axis_name, stat_names[j], suffix);
      return EM_DSP_OK;
    }
  bin_range (p, f, &start, &stop);
  width = f / (double) p->fft_length;
  j = j - 5 + start;
  snprintf (buf, buf_len, "%s Spectral Power %.2f - %.2f Hz%s", axis_name,
            ((double) j - 0.5) * width, ((double) j + 0.5) * width, suffix);
  return EM_DSP_OK;
}
