/* SPDX-License-Identifier: Apache-2.0 */
/* "Flatten": summary statistics per axis. */
#include "em-block-util.h"
#include "em-dsp-flatten.h"

static int
flatten_init (const EmPluginParam *params, size_t n_params, const EmSignalInfo *input, void **state,
              EmFeatureShape *shape, char *err, size_t err_len)
{
  em_dsp_flatten_params p;
  const char *reason = NULL;
  size_t n = 0;
  EmBlockState *s;
  int status;

  em_dsp_flatten_params_default (&p);
  p.scale_axes = (float) em_plugin_param_double (params, n_params, "scale_axes", 1.0);
  p.average = em_plugin_param_bool (params, n_params, "average", 1);
  p.minimum = em_plugin_param_bool (params, n_params, "minimum", 1);
  p.maximum = em_plugin_param_bool (params, n_params, "maximum", 1);
  p.rms = em_plugin_param_bool (params, n_params, "rms", 1);
  p.stdev = em_plugin_param_bool (params, n_params, "stdev", 1);
  p.skewness = em_plugin_param_bool (params, n_params, "skewness", 1);
  p.kurtosis = em_plugin_param_bool (params, n_params, "kurtosis", 1);
  status = em_dsp_flatten_check (&p, input->n_frames, input->n_axes, &n, &reason);
  if (status != EM_DSP_OK)
    return em_block_fail (err, err_len, "flatten", status, reason);
  s = em_block_state_new (input, sizeof p, em_dsp_flatten_scratch_bytes (&p, input->n_frames));
  if (s == NULL)
    return em_block_fail (err, err_len, "flatten", -1, "out of memory");
  *EM_BLOCK_PARAMS (s, em_dsp_flatten_params) = p;
  s->n_features = n;
  s->macs = (uint64_t) input->n_frames * input->n_axes * 6;
  shape->rows = 1;
  shape->cols = (uint32_t) n;
  *state = s;
  return 0;
}

static int
flatten_run (void *state, const EmSignal *signal, float *out, char *err, size_t err_len)
{
  EmBlockState *s = state;
  int status = em_dsp_flatten_f32 (EM_BLOCK_PARAMS (s, em_dsp_flatten_params), signal->data,
                                   s->input.n_frames, s->input.n_axes, out, s->scratch, s->scratch_bytes);

  return status == EM_DSP_OK ? 0 : em_block_fail (err, err_len, "flatten", status, NULL);
}

/* The device runs the same em_dsp_flatten_f32 call with the same parameters. */
static int
flatten_device_code (void *state, EmDeviceCode *code, char *err, size_t err_len)
{
  EmBlockState *s = state;
  const em_dsp_flatten_params *p = EM_BLOCK_PARAMS (s, em_dsp_flatten_params);
  char run[256];

  snprintf (run, sizeof run,
            "status = em_dsp_flatten_f32 (&@P@params, @IN@, %uu, %uu, @OUT@, @SCRATCH@, @SCRATCH_BYTES@);",
            s->input.n_frames, s->input.n_axes);
  return em_block_device_code (code, "flatten", "em-dsp-flatten.h em-dsp-flatten.c", run, s->scratch_bytes, err,
                               err_len,
                               "static const em_dsp_flatten_params @P@params = {\n"
                               "  %af, %d, %d, %d, %d, %d, %d, %d\n};\n",
                               p->scale_axes, p->average, p->minimum, p->maximum, p->rms, p->stdev, p->skewness,
                               p->kurtosis);
}

static const EmProcessingOps ops = {
  .init = flatten_init, .run = flatten_run, .free = em_block_state_free, .cost = em_block_cost,
  .device_code = flatten_device_code,
};

#define STAT(name, label) \
  "{\"name\": \"" name "\", \"type\": \"bool\", \"default\": true, \"label\": \"" label "\"}"

static const EmBlockInfo blocks[] = { {
  .id = "flatten",
  .kind = EM_BLOCK_PROCESSING,
  .name = "Flatten",
  .description = "Mean, minimum, maximum, RMS, standard deviation, skewness and kurtosis of each axis: "
                 "cheap features for slow-moving sensors.",
  .version = 1,
  .params_schema =
    "[{\"name\": \"scale_axes\", \"type\": \"float\", \"default\": 1, \"min\": -1e9, \"max\": 1e9,"
    "  \"label\": \"Scale axes\", \"help\": \"Multiply every value by this first\"}, "
    STAT ("average", "Average") ", " STAT ("minimum", "Minimum") ", " STAT ("maximum", "Maximum") ", "
    STAT ("rms", "Root-mean square") ", " STAT ("stdev", "Standard deviation") ", "
    STAT ("skewness", "Skewness") ", " STAT ("kurtosis", "Kurtosis") "]",
  .input_kinds = EM_INPUT_TIME_SERIES | EM_INPUT_AUDIO,
  .ops = &ops,
} };

static const EmPluginInfo info = {
  .abi_version = EM_PLUGIN_ABI, .struct_size = sizeof (EmPluginInfo),
  .name = "Ember flatten block", .version = "1", .n_blocks = 1, .blocks = blocks,
};

EM_PLUGIN_EXPORT const EmPluginInfo *
em_plugin_info (void)
{
  return &info;
}
