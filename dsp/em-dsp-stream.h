/* SPDX-License-Identifier: Apache-2.0 */
/* em-dsp-stream.h — the audio blocks' frames read through a callback
 * (em_dsp_read_fn) instead of from a window in memory: what
 * em_dsp_mfcc_f32_read, em_dsp_mfe_f32_read and em_dsp_spectrogram_f32_read
 * use, so a device never holds the raw window whole. */
#ifndef EM_DSP_STREAM_H
#define EM_DSP_STREAM_H

#include "em-dsp.h"
#include "em-dsp-fft.h"
#include "em-dsp-speech.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The streaming twins (see em_dsp_read_fn). em_dsp_frame_read_f32 reads
 * x[start … start+m−1] into cur and, when prev != NULL, the samples
 * pre-emphasis subtracts, x[(start + j − shift) mod n_samples], into prev
 * (start + m ≤ n_samples, shift ≥ 1); em_dsp_frame_power_read_f32 is
 * em_dsp_frame_power_f32 on the samples it reads (the same bits; work
 * holds them meanwhile). Both return EM_DSP_OK, EM_DSP_ERR_READ when read
 * fails or EM_DSP_ERR_NOT_FINITE for a NaN or Inf among them. */
int em_dsp_frame_read_f32 (em_dsp_read_fn read, void *user, size_t n_samples, size_t start, size_t m,
                           size_t shift, float *cur, float *prev);
int em_dsp_frame_power_read_f32 (const em_dsp_rfft *plan, em_dsp_read_fn read, void *user,
                                 size_t n_samples, size_t start, size_t frame_len,
                                 const em_dsp_preemphasis *pre, float *power, float *frame_buf,
                                 float *work);

#ifdef __cplusplus
}
#endif

#endif /* EM_DSP_STREAM_H */
