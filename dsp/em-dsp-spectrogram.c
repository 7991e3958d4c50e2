/* SPDX-License-Identifier: Apache-2.0 */
/* Spectrogram v4; see em-dsp-spectrogram.h and DSP-REFERENCE §1.4. */
#include "em-dsp-spectrogram.h"

#include <math.h>

#include "em-dsp-fft.h"
#include "em-dsp-log-private.h"
#include "em-dsp-speech.h"
#include "em-dsp-stream.h"

void
em_dsp_spectrogram_params_default (em_dsp_spectrogram_params *p)
{
  p->frame_length = 0.02;
  p->frame_stride = 0.01;
  p->fft_length = 128;
  p->noise_floor_db = -52.0;
}

static int
fail (const char **reason, const char *why, int status)
{
  if (reason != NULL)
    *reason = why;
  return status;
}

static int
check (const em_dsp_spectrogram_params *p, double fs, size_t n_samples,
       em_dsp_frames *frames, const char **reason)
{
  int status;

  if (reason != NULL)
    *reason = NULL;
  status = em_dsp_speech_check_fs_fft (fs, p->fft_length, reason);
  if (status != EM_DSP_OK)
    return status;
  if (!isfinite (p->noise_floor_db) || p->noise_floor_db == 12.0)
    return fail (reason, "noise_floor_db must be a finite number other than 12",
                 EM_DSP_ERR_PARAM);

  status = em_dsp_speech_frames (fs, n_samples, p->frame_length, p->frame_stride, frames);
  /* Studio refuses frames or strides under 4 samples before it frames. */
  if (status != EM_DSP_ERR_PARAM && (frames->length < 4 || frames->stride < 4))
    return fail (reason, "frame_length and frame_stride must each be at least 4 samples",
                 EM_DSP_ERR_PARAM);
  if (status != EM_DSP_OK)
    return fail (reason, em_dsp_speech_frames_reason (status, frames), status);
  return EM_DSP_OK;
}

int
em_dsp_spectrogram_check (const em_dsp_spectrogram_params *p, double fs,
                          size_t n_samples, const char **reason)
{
  em_dsp_frames frames;
  return check (p, fs, n_samples, &frames, reason);
}

int
em_dsp_spectrogram_shape (const em_dsp_spectrogram_params *p, double fs,
                          size_t n_samples, size_t *rows, size_t *cols)
{
  em_dsp_frames frames;
  int status = check (p, fs, n_samples, &frames, NULL);

  *rows = status == EM_DSP_OK ? frames.count : 0;
  *cols = status == EM_DSP_OK ? (size_t) p->fft_length / 2 + 1 : 0;
  return status;
}

static size_t
align_up (size_t v)
{
  return (v + (EM_DSP_ALIGN - 1)) & ~(size_t) (EM_DSP_ALIGN - 1);
}

/* plan | frame (n floats) | work (n + 2 floats); the power goes straight
 * into the output row. */
static size_t
scratch_total (size_t n)
{
  return align_up (em_dsp_rfft_plan_bytes (n)) + align_up (n * sizeof (float))
         + align_up ((n + 2) * sizeof (float));
}

size_t
em_dsp_spectrogram_scratch_bytes (const em_dsp_spectrogram_params *p, double fs,
                                  size_t n_samples)
{
  em_dsp_frames frames;

  if (check (p, fs, n_samples, &frames, NULL) != EM_DSP_OK)
    return 0;
  return scratch_total ((size_t) p->fft_length);
}

/* Both entry points: the window in memory (@in) or read frame by frame. */
static int
spectrogram_run (const em_dsp_spectrogram_params *p, double fs, const float *in, em_dsp_read_fn read,
                 void *user, size_t n_samples, float *out, void *scratch, size_t scratch_bytes)
{
  em_dsp_frames frames;
  em_dsp_rfft *plan;
  size_t n, cols, plan_bytes, r, k;
  unsigned char *base = scratch;
  float *frame, *work, nf_db, inv_range;
  int status;

  status = check (p, fs, n_samples, &frames, NULL);
  if (status != EM_DSP_OK)
    return status;
  if (in != NULL && !em_dsp_all_finite_f32 (in, n_samples))
    return EM_DSP_ERR_NOT_FINITE;

  n = (size_t) p->fft_length;
  cols = n / 2 + 1;
  if (scratch == NULL || ((size_t) scratch & (EM_DSP_ALIGN - 1)) != 0
      || scratch_bytes < scratch_total (n))
    return EM_DSP_ERR_SCRATCH;
  plan_bytes = align_up (em_dsp_rfft_plan_bytes (n));
  plan = em_dsp_rfft_init (n, base, plan_bytes);
  if (plan == NULL)
    return EM_DSP_ERR_SCRATCH;
  frame = (float *) (void *) (base + plan_bytes);
  work = (float *) (void *) (base + plan_bytes + align_up (n * sizeof (float)));

  nf_db = (float) p->noise_floor_db;
  inv_range = 1.0f / (12.0f - nf_db);
  for (r = 0; r < frames.count; r++)
    {
      float *row = out + r * cols;

      if (in != NULL)
        em_dsp_frame_power_f32 (plan, in, n_samples, r * frames.stride, frames.length, NULL,
                                row, frame, work);
      else if ((status = em_dsp_frame_power_read_f32 (plan, read, user, n_samples, r * frames.stride,
                                                      frames.length, NULL, row, frame, work)) != EM_DSP_OK)
        return status;
      if (em_dsp_all_finite_f32 (row, cols))
        {
          /* Calls and branches kept out, so that the loop vectorises. */
          float *restrict v = row;
          for (k = 0; k < cols; k++)
            {
              float e = v[k] < 1e-30f ? 1e-30f : v[k];
              float y = (10.0f * em_dsp_log10_normal (e) - nf_db) * inv_range;
              /* v4: only the lower clip (v3 also clipped at 1). */
              v[k] = y > 0.0f ? y : 0.0f;
            }
        }
      else
        {
          /* Inf or NaN power (inputs near float's range): libm. */
          for (k = 0; k < cols; k++)
            {
              float v = row[k] < 1e-30f ? 1e-30f : row[k];
              float y = (10.0f * log10f (v) - nf_db) * inv_range;
              row[k] = y < 0.0f ? 0.0f : y;
            }
        }
    }
  return EM_DSP_OK;
}

int
em_dsp_spectrogram_f32 (const em_dsp_spectrogram_params *p, double fs, const float *in,
                        size_t n_samples, float *out, void *scratch, size_t scratch_bytes)
{
  if (in == NULL)
    return EM_DSP_ERR_PARAM;
  return spectrogram_run (p, fs, in, NULL, NULL, n_samples, out, scratch, scratch_bytes);
}

int
em_dsp_spectrogram_f32_read (const em_dsp_spectrogram_params *p, double fs, em_dsp_read_fn read, void *user,
                             size_t n_samples, float *out, void *scratch, size_t scratch_bytes)
{
  if (read == NULL)
    return EM_DSP_ERR_PARAM;
  return spectrogram_run (p, fs, NULL, read, user, n_samples, out, scratch, scratch_bytes);
}
