/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the MFCC, MFE and spectrogram blocks: one axis of audio-like
 * data in, a frames × coefficients matrix out, and Studio's autotune. */
#ifndef EM_BLOCK_AUDIO_H
#define EM_BLOCK_AUDIO_H

#include "em-block-util.h"
#include "em-dsp-speech.h"

static inline int
em_block_audio_one_axis (const EmSignalInfo *input, const char *block, char *err, size_t err_len)
{
  if (input->input_kind == EM_INPUT_IMAGE)
    return em_block_fail (err, err_len, block, EM_DSP_ERR_PARAM, "needs audio or time series, not images");
  if (input->n_axes != 1)
    return em_block_fail (err, err_len, block, EM_DSP_ERR_PARAM,
                          "works on one axis; choose one in the impulse (axes)");
  return 0;
}

/* fft_length and num_filters for the frame length (Studio's audio_set_params). */
static inline int
em_block_audio_autotune (const EmPluginParam *params, size_t n_params, const EmSignal *examples,
                         size_t n_examples, int with_filters, char *out, size_t out_len,
                         const char *block, char *err, size_t err_len)
{
  double frame_length = em_plugin_param_double (params, n_params, "frame_length", 0.02);
  size_t fft = 0, filters = 0;
  int status;

  if (n_examples == 0)
    return em_block_fail (err, err_len, block, EM_DSP_ERR_PARAM, "autotune needs example windows");
  status = em_dsp_audio_autotune (examples[0].info.frequency_hz, frame_length, &fft, &filters);
  if (status != EM_DSP_OK)
    return em_block_fail (err, err_len, block, status, NULL);
  if (with_filters)
    snprintf (out, out_len, "fft_length=%zu\nnum_filters=%zu\n", fft, filters);
  else
    snprintf (out, out_len, "fft_length=%zu\n", fft);
  return 0;
}

/* Frames × (one FFT + a filterbank pass), for cost estimates. */
static inline uint64_t
em_block_audio_macs (size_t rows, size_t fft_length, size_t cols)
{
  return (uint64_t) rows * (2 * fft_length * em_block_log2 (fft_length) + fft_length + 2 * fft_length + cols * 8);
}

#define EM_AUDIO_FRAME_SCHEMA(stride_default) \
  "{\"name\": \"frame_length\", \"type\": \"float\", \"default\": 0.02, \"min\": 0.001, \"max\": 10, \"units\": \"s\"," \
  "  \"label\": \"Frame length\", \"help\": \"The length of each frame in seconds\"}," \
  " {\"name\": \"frame_stride\", \"type\": \"float\", \"default\": " stride_default ", \"min\": 0.001, \"max\": 10, \"units\": \"s\"," \
  "  \"label\": \"Frame stride\", \"help\": \"The step between successive frames in seconds\"},"

#endif /* EM_BLOCK_AUDIO_H */
