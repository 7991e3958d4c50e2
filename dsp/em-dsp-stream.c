/* SPDX-License-Identifier: Apache-2.0 */
/* Framing from a read callback; see em-dsp-stream.h. */
#include "em-dsp-stream.h"

#include <string.h>

int
em_dsp_frame_read_f32 (em_dsp_read_fn read, void *user, size_t n_samples, size_t start, size_t m,
                       size_t shift, float *cur, float *prev)
{
  size_t sh, b;

  if (read (start, m, cur, user) != 0)
    return EM_DSP_ERR_READ;
  if (prev != NULL)
    {
      /* prev[j] = x[(start + j − sh) mod N] (np.roll): one read, or two
       * when it wraps past the window's start. */
      sh = shift % n_samples;
      b = start >= sh ? start - sh : start + n_samples - sh;
      if (b + m <= n_samples)
        {
          if (read (b, m, prev, user) != 0)
            return EM_DSP_ERR_READ;
        }
      else if (read (b, n_samples - b, prev, user) != 0 ||
               read (0, m - (n_samples - b), prev + (n_samples - b), user) != 0)
        return EM_DSP_ERR_READ;
      if (!em_dsp_all_finite_f32 (prev, m))
        return EM_DSP_ERR_NOT_FINITE;
    }
  if (!em_dsp_all_finite_f32 (cur, m))
    return EM_DSP_ERR_NOT_FINITE;
  return EM_DSP_OK;
}

int
em_dsp_frame_power_read_f32 (const em_dsp_rfft *plan, em_dsp_read_fn read, void *user, size_t n_samples,
                             size_t start, size_t frame_len, const em_dsp_preemphasis *pre,
                             float *power, float *frame_buf, float *work)
{
  size_t n = em_dsp_rfft_length (plan);
  size_t m = frame_len < n ? frame_len : n, j;
  int status;

  /* work holds the shifted samples until the FFT needs it. */
  status = em_dsp_frame_read_f32 (read, user, n_samples, start, m, pre != NULL ? pre->shift : 0, frame_buf,
                                  pre != NULL ? work : NULL);
  if (status != EM_DSP_OK)
    return status;
  /* em_dsp_preemphasis_f32's arithmetic, so the result is the same bits. */
  if (pre != NULL)
    for (j = 0; j < m; j++)
      frame_buf[j] = pre->scale * frame_buf[j] - pre->cof * (pre->scale * work[j]);
  if (m < n)
    memset (frame_buf + m, 0, (n - m) * sizeof (float));
  em_dsp_rfft_power_f32 (plan, frame_buf, power, work);
  return EM_DSP_OK;
}
