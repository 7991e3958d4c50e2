/* SPDX-License-Identifier: Apache-2.0 */
/* MFE v4; see em-dsp-mfe.h and DSP-REFERENCE §1.3. */
#include "em-dsp-mfe.h"

#include <math.h>

#include "em-dsp-fft.h"
#include "em-dsp-log-private.h"
#include "em-dsp-speech.h"
#include "em-dsp-stream.h"

void
em_dsp_mfe_params_default (em_dsp_mfe_params *p)
{
  p->frame_length = 0.02;
  p->frame_stride = 0.01;
  p->num_filters = 40;
  p->fft_length = 256;
  p->low_frequency = 0.0;
  p->high_frequency = 0.0;
  p->noise_floor_db = -52.0;
  p->quantize = 1;
}

static int
fail (const char **reason, const char *why, int status)
{
  if (reason != NULL)
    *reason = why;
  return status;
}

static int
check (const em_dsp_mfe_params *p, double fs, size_t n_samples,
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
  if (!isfinite (p->noise_floor_db) || p->noise_floor_db == 12.0)
    return fail (reason, "noise_floor_db must be a finite number other than 12",
                 EM_DSP_ERR_PARAM);

  return em_dsp_speech_check_frames_mel (fs, n_samples, p->frame_length, p->frame_stride,
                                         p->num_filters, p->fft_length, p->low_frequency,
                                         p->high_frequency, frames, reason);
}

int
em_dsp_mfe_check (const em_dsp_mfe_params *p, double fs, size_t n_samples,
                  const char **reason)
{
  em_dsp_frames frames;
  return check (p, fs, n_samples, &frames, reason);
}

int
em_dsp_mfe_shape (const em_dsp_mfe_params *p, double fs, size_t n_samples,
                  size_t *rows, size_t *cols)
{
  em_dsp_frames frames;
  int status = check (p, fs, n_samples, &frames, NULL);

  *rows = status == EM_DSP_OK ? frames.count : 0;
  *cols = status == EM_DSP_OK ? (size_t) p->num_filters : 0;
  return status;
}

typedef struct {
  void *plan;
  void *filterbank;
  float *frame;      /* fft_length */
  float *work;       /* fft_length + 2 */
  float *power;      /* fft_length/2 + 1 */
  size_t plan_bytes, filterbank_bytes;
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
plan_layout (const em_dsp_mfe_params *p, unsigned char *base, layout *l)
{
  size_t n = (size_t) p->fft_length, used = 0;

  l->plan_bytes = em_dsp_rfft_plan_bytes (n);
  l->filterbank_bytes = em_dsp_mel_filterbank_bytes ((size_t) p->num_filters, n);
  l->plan = take (base, &used, l->plan_bytes);
  l->filterbank = take (base, &used, l->filterbank_bytes);
  l->frame = take (base, &used, n * sizeof (float));
  l->work = take (base, &used, (n + 2) * sizeof (float));
  l->power = take (base, &used, (n / 2 + 1) * sizeof (float));
  l->total = used;
}

size_t
em_dsp_mfe_scratch_bytes (const em_dsp_mfe_params *p, double fs, size_t n_samples)
{
  em_dsp_frames frames;
  layout l;

  if (check (p, fs, n_samples, &frames, NULL) != EM_DSP_OK)
    return 0;
  plan_layout (p, NULL, &l);
  return l.total;
}

/* Steps 3 (zero handling) to 6 on n mel energies, in place: a loop
 * without calls or branches, so that it vectorises. Only for finite
 * energies (see normalize_libm). */
static void
normalize (float *restrict v, size_t n, float nf_db, int quantize)
{
  float inv_range = 1.0f / (12.0f - nf_db);
  size_t i;

  for (i = 0; i < n; i++)
    {
      float e = v[i] == 0.0f ? 1e-10f : v[i];
      float y;
      e = e < 1e-30f ? 1e-30f : e;
      y = (10.0f * em_dsp_log10_normal (e) - nf_db) * inv_range;
      y = y > 0.0f ? y : 0.0f;
      v[i] = y < 1.0f ? y : 1.0f;
    }
  if (!quantize)
    return;
  for (i = 0; i < n; i++)
    {
      /* The SDK's roundf (halves away from zero) and clamp, exactly: for
       * 0 ≤ t ≤ 256, t − trunc(t) is exact. See the header for Python's
       * uint8 wrap at the top code. */
      float t = v[i] * 256.0f;
      float r = (float) (int32_t) t;
      float y;
      r += t - r >= 0.5f ? 1.0f : 0.0f;
      y = r * (1.0f / 256.0f);
      v[i] = y < 1.0f ? y : 1.0f;
    }
}

/* The same with libm, for an output holding Inf or NaN energies (only
 * inputs near float's range overflow the power spectrum). */
static void
normalize_libm (float *v, size_t n, float nf_db, int quantize)
{
  float inv_range = 1.0f / (12.0f - nf_db);
  size_t i;

  for (i = 0; i < n; i++)
    {
      float e = v[i] == 0.0f ? 1e-10f : v[i];
      float y;
      e = e < 1e-30f ? 1e-30f : e;
      y = (10.0f * log10f (e) - nf_db) * inv_range;
      y = y < 0.0f ? 0.0f : (y > 1.0f ? 1.0f : y);
      if (quantize)
        {
          y = roundf (y * 256.0f) / 256.0f;
          y = y > 1.0f ? 1.0f : y;
        }
      v[i] = y;
    }
}

/* Both entry points: the window in memory (@in) or read frame by frame. */
static int
mfe_run (const em_dsp_mfe_params *p, double fs, const float *in, em_dsp_read_fn read, void *user,
         size_t n_samples, float *out, void *scratch, size_t scratch_bytes)
{
  em_dsp_frames frames;
  em_dsp_mel_filterbank fb;
  em_dsp_preemphasis pre;
  em_dsp_rfft *plan;
  layout l;
  size_t nf, r;
  float nf_db;
  int status;

  status = check (p, fs, n_samples, &frames, NULL);
  if (status != EM_DSP_OK)
    return status;
  if (in != NULL && !em_dsp_all_finite_f32 (in, n_samples))
    return EM_DSP_ERR_NOT_FINITE;

  plan_layout (p, NULL, &l);
  if (scratch == NULL || ((size_t) scratch & (EM_DSP_ALIGN - 1)) != 0
      || scratch_bytes < l.total)
    return EM_DSP_ERR_SCRATCH;
  plan_layout (p, scratch, &l);

  nf = (size_t) p->num_filters;
  plan = em_dsp_rfft_init ((size_t) p->fft_length, l.plan, l.plan_bytes);
  if (plan == NULL)
    return EM_DSP_ERR_SCRATCH;
  status = em_dsp_mel_filterbank_init (&fb, nf, (size_t) p->fft_length, fs, p->low_frequency,
                                       p->high_frequency, l.filterbank, l.filterbank_bytes);
  if (status != EM_DSP_OK)
    return status;

  /* v3+ scales int16 audio to ±1 and pre-emphasises with fixed values. */
  pre.scale = 1.0f / 32768.0f;
  pre.cof = 0.98f;
  pre.shift = 1;
  nf_db = (float) p->noise_floor_db;

  for (r = 0; r < frames.count; r++)
    {
      float *row = out + r * nf;

      if (in != NULL)
        em_dsp_frame_power_f32 (plan, in, n_samples, r * frames.stride, frames.length, &pre,
                                l.power, l.frame, l.work);
      else if ((status = em_dsp_frame_power_read_f32 (plan, read, user, n_samples, r * frames.stride,
                                                      frames.length, &pre, l.power, l.frame, l.work)) != EM_DSP_OK)
        return status;
      em_dsp_mel_filterbank_apply_f32 (&fb, l.power, row);
    }
  /* Steps 3–6 in one pass over the whole output: one long loop runs its
   * vector body with less set-up than one per row. */
  if (em_dsp_all_finite_f32 (out, frames.count * nf))
    normalize (out, frames.count * nf, nf_db, p->quantize != 0);
  else
    normalize_libm (out, frames.count * nf, nf_db, p->quantize != 0);
  return EM_DSP_OK;
}

int
em_dsp_mfe_f32 (const em_dsp_mfe_params *p, double fs, const float *in,
                size_t n_samples, float *out, void *scratch, size_t scratch_bytes)
{
  if (in == NULL)
    return EM_DSP_ERR_PARAM;
  return mfe_run (p, fs, in, NULL, NULL, n_samples, out, scratch, scratch_bytes);
}

int
em_dsp_mfe_f32_read (const em_dsp_mfe_params *p, double fs, em_dsp_read_fn read, void *user,
                     size_t n_samples, float *out, void *scratch, size_t scratch_bytes)
{
  if (read == NULL)
    return EM_DSP_ERR_PARAM;
  return mfe_run (p, fs, NULL, read, user, n_samples, out, scratch, scratch_bytes);
}
