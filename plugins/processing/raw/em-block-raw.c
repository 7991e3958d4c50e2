/* SPDX-License-Identifier: Apache-2.0 */
/* "Raw data": the window itself, scaled. */
#include "em-block-util.h"
#include "em-dsp-raw.h"

static int
raw_init (const EmPluginParam *params, size_t n_params, const EmSignalInfo *input, void **state,
          EmFeatureShape *shape, char *err, size_t err_len)
{
  em_dsp_raw_params p;
  const char *reason = NULL;
  size_t n = 0;
  EmBlockState *s;
  int status;

  em_dsp_raw_params_default (&p);
  p.scale_axes = (float) em_plugin_param_double (params, n_params, "scale_axes", 1.0);
  status = em_dsp_raw_check (&p, input->n_frames, input->n_axes, &n, &reason);
  if (status != EM_DSP_OK)
    return em_block_fail (err, err_len, "raw", status, reason);
  s = em_block_state_new (input, sizeof p, 0);
  if (s == NULL)
    return em_block_fail (err, err_len, "raw", -1, "out of memory");
  *EM_BLOCK_PARAMS (s, em_dsp_raw_params) = p;
  s->n_features = n;
  s->macs = n;
  shape->rows = input->n_frames;
  shape->cols = input->n_axes;
  *state = s;
  return 0;
}

static int
raw_run (void *state, const EmSignal *signal, float *out, char *err, size_t err_len)
{
  EmBlockState *s = state;
  int status = em_dsp_raw_f32 (EM_BLOCK_PARAMS (s, em_dsp_raw_params), signal->data,
                               s->input.n_frames, s->input.n_axes, out);

  return status == EM_DSP_OK ? 0 : em_block_fail (err, err_len, "raw", status, NULL);
}

/* The device runs the same em_dsp_raw_f32 call with the same parameters. */
static int
raw_device_code (void *state, EmDeviceCode *code, char *err, size_t err_len)
{
  EmBlockState *s = state;
  const em_dsp_raw_params *p = EM_BLOCK_PARAMS (s, em_dsp_raw_params);
  char run[256];

  snprintf (run, sizeof run, "status = em_dsp_raw_f32 (&@P@params, @IN@, %uu, %uu, @OUT@);",
            s->input.n_frames, s->input.n_axes);
  return em_block_device_code (code, "raw", "em-dsp-raw.h em-dsp-raw.c", run, 0, err, err_len,
                               "static const em_dsp_raw_params @P@params = { %af };\n", p->scale_axes);
}

static const EmProcessingOps ops = {
  .init = raw_init, .run = raw_run, .free = em_block_state_free, .cost = em_block_cost,
  .device_code = raw_device_code,
};

static const EmBlockInfo blocks[] = { {
  .id = "raw",
  .kind = EM_BLOCK_PROCESSING,
  .name = "Raw data",
  .description = "The window's values as they are, times a scale: for models that learn their own features.",
  .version = 1,
  .params_schema =
    "[{\"name\": \"scale_axes\", \"type\": \"float\", \"default\": 1, \"min\": -1e9, \"max\": 1e9,"
    "  \"label\": \"Scale axes\", \"help\": \"Multiply every value by this\"}]",
  .input_kinds = EM_INPUT_TIME_SERIES | EM_INPUT_AUDIO,
  .ops = &ops,
} };

static const EmPluginInfo info = {
  .abi_version = EM_PLUGIN_ABI, .struct_size = sizeof (EmPluginInfo),
  .name = "Ember raw block", .version = "1", .n_blocks = 1, .blocks = blocks,
};

EM_PLUGIN_EXPORT const EmPluginInfo *
em_plugin_info (void)
{
  return &info;
}
