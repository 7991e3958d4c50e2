/* SPDX-License-Identifier: Apache-2.0 */
/* "MFE": mel filterbank energies with a noise floor, for non-voice audio. */
#include "em-block-audio.h"
#include "em-dsp-mfe.h"

static int
mfe_init (const EmPluginParam *params, size_t n, const EmSignalInfo *input, void **state,
          EmFeatureShape *shape, char *err, size_t err_len)
{
  em_dsp_mfe_params p;
  const char *reason = NULL;
  size_t rows = 0, cols = 0;
  EmBlockState *s;
  int status;

  if (em_block_audio_one_axis (input, "mfe", err, err_len) != 0)
    return -1;
  em_dsp_mfe_params_default (&p);
  p.frame_length = em_plugin_param_double (params, n, "frame_length", 0.02);
  p.frame_stride = em_plugin_param_double (params, n, "frame_stride", 0.01);
  p.num_filters = (int) em_plugin_param_int (params, n, "num_filters", 40);
  p.fft_length = (int) em_plugin_param_int (params, n, "fft_length", 256);
  p.low_frequency = em_plugin_param_double (params, n, "low_frequency", 0);
  p.high_frequency = em_plugin_param_double (params, n, "high_frequency", 0);
  p.noise_floor_db = em_plugin_param_double (params, n, "noise_floor_db", -52);
  status = em_dsp_mfe_check (&p, input->frequency_hz, input->n_frames, &reason);
  if (status == EM_DSP_OK)
    status = em_dsp_mfe_shape (&p, input->frequency_hz, input->n_frames, &rows, &cols);
  if (status != EM_DSP_OK)
    return em_block_fail (err, err_len, "mfe", status, reason);
  s = em_block_state_new (input, sizeof p, em_dsp_mfe_scratch_bytes (&p, input->frequency_hz, input->n_frames));
  if (s == NULL)
    return em_block_fail (err, err_len, "mfe", -1, "out of memory");
  *EM_BLOCK_PARAMS (s, em_dsp_mfe_params) = p;
  s->n_features = rows * cols;
  s->macs = em_block_audio_macs (rows, (size_t) p.fft_length, (size_t) p.num_filters);
  shape->rows = (uint32_t) rows;
  shape->cols = (uint32_t) cols;
  *state = s;
  return 0;
}

static int
mfe_run (void *state, const EmSignal *signal, float *out, char *err, size_t err_len)
{
  EmBlockState *s = state;
  int status = em_dsp_mfe_f32 (EM_BLOCK_PARAMS (s, em_dsp_mfe_params), s->input.frequency_hz, signal->data,
                               s->input.n_frames, out, s->scratch, s->scratch_bytes);

  return status == EM_DSP_OK ? 0 : em_block_fail (err, err_len, "mfe", status, NULL);
}

static int
mfe_autotune (const EmPluginParam *params, size_t n, const EmSignal *examples, size_t n_examples,
              char *out, size_t out_len, char *err, size_t err_len)
{
  return em_block_audio_autotune (params, n, examples, n_examples, 1, out, out_len, "mfe", err, err_len);
}

/* The device runs the same em_dsp_mfe_f32 call with the same parameters. */
static int
mfe_device_code (void *state, EmDeviceCode *code, char *err, size_t err_len)
{
  EmBlockState *s = state;
  const em_dsp_mfe_params *p = EM_BLOCK_PARAMS (s, em_dsp_mfe_params);
  char run[256];

  snprintf (run, sizeof run, "status = em_dsp_mfe_f32 (&@P@params, %a, @IN@, %uu, @OUT@, @SCRATCH@, @SCRATCH_BYTES@);",
            s->input.frequency_hz, s->input.n_frames);
  return em_block_device_code (code, "mfe", "em-dsp-mfe.h em-dsp-mfe.c", run, s->scratch_bytes, err, err_len,
                               "static const em_dsp_mfe_params @P@params = {\n"
                               "  %a, %a, %d, %d, %a, %a, %a, %d\n};\n",
                               p->frame_length, p->frame_stride, p->num_filters, p->fft_length, p->low_frequency,
                               p->high_frequency, p->noise_floor_db, p->quantize);
}

static const EmProcessingOps ops = {
  .init = mfe_init, .run = mfe_run, .free = em_block_state_free, .cost = em_block_cost,
  .autotune = mfe_autotune, .device_code = mfe_device_code,
};

static const EmBlockInfo blocks[] = { {
  .id = "mfe",
  .kind = EM_BLOCK_PROCESSING,
  .name = "Audio (MFE)",
  .description = "Mel filterbank energies above a noise floor: for non-voice audio such as machines and animals.",
  .version = 4,
  .params_schema =
    "[" EM_AUDIO_FRAME_SCHEMA ("0.01")
    " {\"name\": \"num_filters\", \"type\": \"int\", \"default\": 40, \"min\": 2, \"max\": 512, \"label\": \"Filter number\"},"
    " {\"name\": \"fft_length\", \"type\": \"int\", \"default\": 256, \"min\": 4, \"max\": 8192,"
    "  \"label\": \"FFT length\", \"help\": \"A power of two\"},"
    " {\"name\": \"low_frequency\", \"type\": \"float\", \"default\": 0, \"min\": 0, \"max\": 192000, \"units\": \"Hz\", \"label\": \"Low frequency\"},"
    " {\"name\": \"high_frequency\", \"type\": \"float\", \"default\": 0, \"min\": 0, \"max\": 192000, \"units\": \"Hz\","
    "  \"label\": \"High frequency\", \"help\": \"0 means half the sampling rate\"},"
    " {\"name\": \"noise_floor_db\", \"type\": \"float\", \"default\": -52, \"min\": -200, \"max\": 0, \"units\": \"dB\","
    "  \"label\": \"Noise floor\", \"help\": \"Energies below this are dropped\"}]",
  .input_kinds = EM_INPUT_AUDIO | EM_INPUT_TIME_SERIES,
  .ops = &ops,
} };

static const EmPluginInfo info = {
  .abi_version = EM_PLUGIN_ABI, .struct_size = sizeof (EmPluginInfo),
  .name = "Ember MFE block", .version = "4", .n_blocks = 1, .blocks = blocks,
};

EM_PLUGIN_EXPORT const EmPluginInfo *
em_plugin_info (void)
{
  return &info;
}
