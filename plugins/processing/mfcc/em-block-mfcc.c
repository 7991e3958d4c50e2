/* SPDX-License-Identifier: Apache-2.0 */
/* "MFCC": mel-frequency cepstral coefficients, for human speech. */
#include "em-block-audio.h"
#include "em-dsp-mfcc.h"

static int
mfcc_init (const EmPluginParam *params, size_t n, const EmSignalInfo *input, void **state,
           EmFeatureShape *shape, char *err, size_t err_len)
{
  em_dsp_mfcc_params p;
  const char *reason = NULL, *window;
  size_t rows = 0, cols = 0;
  EmBlockState *s;
  int status;

  if (em_block_audio_one_axis (input, "mfcc", err, err_len) != 0)
    return -1;
  em_dsp_mfcc_params_default (&p);
  p.num_cepstral = (int) em_plugin_param_int (params, n, "num_cepstral", 13);
  p.frame_length = em_plugin_param_double (params, n, "frame_length", 0.02);
  p.frame_stride = em_plugin_param_double (params, n, "frame_stride", 0.02);
  p.num_filters = (int) em_plugin_param_int (params, n, "num_filters", 32);
  p.fft_length = (int) em_plugin_param_int (params, n, "fft_length", 256);
  p.win_size = (int) em_plugin_param_int (params, n, "win_size", 101);
  p.low_frequency = em_plugin_param_double (params, n, "low_frequency", 0);
  p.high_frequency = em_plugin_param_double (params, n, "high_frequency", 0);
  p.pre_cof = em_plugin_param_double (params, n, "pre_cof", 0.98);
  p.pre_shift = (int) em_plugin_param_int (params, n, "pre_shift", 1);
  window = em_plugin_param_string (params, n, "window", "none");
  if (strcmp (window, "none") == 0)
    p.window = EM_DSP_MFCC_WINDOW_NONE;
  else if (strcmp (window, "hamming") == 0)
    p.window = EM_DSP_MFCC_WINDOW_HAMMING;
  else
    return em_block_fail (err, err_len, "mfcc", EM_DSP_ERR_PARAM, "window must be none or hamming");
  status = em_dsp_mfcc_check (&p, input->frequency_hz, input->n_frames, &reason);
  if (status == EM_DSP_OK)
    status = em_dsp_mfcc_shape (&p, input->frequency_hz, input->n_frames, &rows, &cols);
  if (status != EM_DSP_OK)
    return em_block_fail (err, err_len, "mfcc", status, reason);
  s = em_block_state_new (input, sizeof p, em_dsp_mfcc_scratch_bytes (&p, input->frequency_hz, input->n_frames));
  if (s == NULL)
    return em_block_fail (err, err_len, "mfcc", -1, "out of memory");
  *EM_BLOCK_PARAMS (s, em_dsp_mfcc_params) = p;
  s->n_features = rows * cols;
  s->macs = em_block_audio_macs (rows, (size_t) p.fft_length, (size_t) p.num_filters) +
            (uint64_t) rows * p.num_filters * cols;
  shape->rows = (uint32_t) rows;
  shape->cols = (uint32_t) cols;
  *state = s;
  return 0;
}

static int
mfcc_run (void *state, const EmSignal *signal, float *out, char *err, size_t err_len)
{
  EmBlockState *s = state;
  int status = em_dsp_mfcc_f32 (EM_BLOCK_PARAMS (s, em_dsp_mfcc_params), s->input.frequency_hz, signal->data,
                                s->input.n_frames, out, s->scratch, s->scratch_bytes);

  return status == EM_DSP_OK ? 0 : em_block_fail (err, err_len, "mfcc", status, NULL);
}

static int
mfcc_autotune (const EmPluginParam *params, size_t n, const EmSignal *examples, size_t n_examples,
               char *out, size_t out_len, char *err, size_t err_len)
{
  return em_block_audio_autotune (params, n, examples, n_examples, 1, out, out_len, "mfcc", err, err_len);
}

/* Scratch RAM as a device needs it: the host's double pipeline (see
 * em-dsp-mfcc.h) takes more than the float32 one a device runs. */
static int
mfcc_cost (void *state, uint64_t *macs, uint64_t *scratch_bytes)
{
  EmBlockState *s = state;

  em_block_cost (state, macs, scratch_bytes);
  *scratch_bytes = em_dsp_mfcc_scratch_bytes_device (EM_BLOCK_PARAMS (s, em_dsp_mfcc_params),
                                                     s->input.frequency_hz, s->input.n_frames);
  return 0;
}

/* The device runs the same em_dsp_mfcc_f32 call with the same parameters. */
static int
mfcc_device_code (void *state, EmDeviceCode *code, char *err, size_t err_len)
{
  EmBlockState *s = state;
  const em_dsp_mfcc_params *p = EM_BLOCK_PARAMS (s, em_dsp_mfcc_params);
  char run[256];
  /* The host's scratch holds its double pipeline; the device runs float32. */
  uint64_t device_bytes = em_dsp_mfcc_scratch_bytes_device (p, s->input.frequency_hz, s->input.n_frames);

  snprintf (run, sizeof run, "status = em_dsp_mfcc_f32 (&@P@params, %a, @IN@, %uu, @OUT@, @SCRATCH@, @SCRATCH_BYTES@);",
            s->input.frequency_hz, s->input.n_frames);
  return em_block_device_code (code, "mfcc", "em-dsp-mfcc.h em-dsp-mfcc.c", run, device_bytes, err, err_len,
                               "static const em_dsp_mfcc_params @P@params = {\n"
                               "  %d, %a, %a, %d, %d, %d, %a, %a, %a, %d, %d\n};\n",
                               p->num_cepstral, p->frame_length, p->frame_stride, p->num_filters, p->fft_length,
                               p->win_size, p->low_frequency, p->high_frequency, p->pre_cof, p->pre_shift,
                               p->window);
}

static const EmProcessingOps ops = {
  .init = mfcc_init, .run = mfcc_run, .free = em_block_state_free, .cost = mfcc_cost,
  .autotune = mfcc_autotune, .device_code = mfcc_device_code,
};

static const EmBlockInfo blocks[] = { {
  .id = "mfcc",
  .kind = EM_BLOCK_PROCESSING,
  .name = "MFCC",
  .description = "Mel-frequency cepstral coefficients: the classic features for human speech and keywords.",
  .version = 4,
  .params_schema =
    "[{\"name\": \"num_cepstral\", \"type\": \"int\", \"default\": 13, \"min\": 1, \"max\": 128,"
    "  \"label\": \"Number of coefficients\"}, "
    EM_AUDIO_FRAME_SCHEMA ("0.02")
    " {\"name\": \"num_filters\", \"type\": \"int\", \"default\": 32, \"min\": 2, \"max\": 512, \"label\": \"Filter number\"},"
    " {\"name\": \"fft_length\", \"type\": \"int\", \"default\": 256, \"min\": 4, \"max\": 8192,"
    "  \"label\": \"FFT length\", \"help\": \"A power of two\"},"
    " {\"name\": \"win_size\", \"type\": \"int\", \"default\": 101, \"min\": 0, \"max\": 1001,"
    "  \"label\": \"Normalization window size\", \"help\": \"Odd number of frames; 0 turns normalization off\"},"
    " {\"name\": \"low_frequency\", \"type\": \"float\", \"default\": 0, \"min\": 0, \"max\": 192000, \"units\": \"Hz\", \"label\": \"Low frequency\"},"
    " {\"name\": \"high_frequency\", \"type\": \"float\", \"default\": 0, \"min\": 0, \"max\": 192000, \"units\": \"Hz\","
    "  \"label\": \"High frequency\", \"help\": \"0 means half the sampling rate\"},"
    " {\"name\": \"pre_cof\", \"type\": \"float\", \"default\": 0.98, \"min\": 0, \"max\": 1, \"label\": \"Pre-emphasis coefficient\"},"
    " {\"name\": \"pre_shift\", \"type\": \"int\", \"default\": 1, \"min\": 1, \"max\": 100, \"label\": \"Pre-emphasis shift\"},"
    " {\"name\": \"window\", \"type\": \"enum\", \"default\": \"none\", \"values\": [\"none\", \"hamming\"],"
    "  \"label\": \"Frame window\", \"help\": \"none matches Edge Impulse's MFCC\"}]",
  .input_kinds = EM_INPUT_AUDIO | EM_INPUT_TIME_SERIES,
  .ops = &ops,
} };

static const EmPluginInfo info = {
  .abi_version = EM_PLUGIN_ABI, .struct_size = sizeof (EmPluginInfo),
  .name = "Ember MFCC block", .version = "4", .n_blocks = 1, .blocks = blocks,
};

EM_PLUGIN_EXPORT const EmPluginInfo *
em_plugin_info (void)
{
  return &info;
}
