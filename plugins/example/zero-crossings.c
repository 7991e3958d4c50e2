/* SPDX-License-Identifier: Apache-2.0 */
/* An example processing block built outside Ember's tree, with nothing but
 * ember-plugin.h:
 *
 *     cc -shared -fPIC -O2 -I/usr/local/include/ember zero-crossings.c -o libzero-crossings.so
 *     EMBER_PLUGIN_PATH=$PWD ember-cli blocks show zero-crossings
 *
 * Per axis it computes the zero-crossing rate (crossings per second) and the
 * peak absolute value, optionally after removing the mean. */
#include <math.h>
#include <stdlib.h>
#include "ember-plugin.h"

typedef struct {
  uint32_t n_frames, n_axes;
  double   frequency_hz;
  int      remove_mean;
  double   threshold;
} ZcState;

static int
zc_init (const EmPluginParam *params, size_t n_params, const EmSignalInfo *input, void **state,
         EmFeatureShape *out_shape, char *err, size_t err_len)
{
  ZcState *s;

  if (input->input_kind == EM_INPUT_IMAGE || input->n_frames < 2)
    return em_plugin_error (err, err_len, -1, "zero-crossings needs time series of at least 2 frames");
  s = calloc (1, sizeof *s);
  if (s == NULL)
    return em_plugin_error (err, err_len, -1, "out of memory");
  s->n_frames = input->n_frames;
  s->n_axes = input->n_axes;
  s->frequency_hz = input->frequency_hz;
  s->remove_mean = em_plugin_param_bool (params, n_params, "remove_mean", 1);
  s->threshold = em_plugin_param_double (params, n_params, "threshold", 0.0);
  out_shape->rows = input->n_axes;
  out_shape->cols = 2;
  *state = s;
  return 0;
}

static int
zc_run (void *state, const EmSignal *signal, float *out, char *err, size_t err_len)
{
  const ZcState *s = state;

  for (uint32_t a = 0; a < s->n_axes; a++)
    {
      double mean = 0, peak = 0;
      uint32_t crossings = 0;
      int prev = 0;

      if (s->remove_mean)
        {
          for (uint32_t f = 0; f < s->n_frames; f++)
            mean += signal->data[f * s->n_axes + a];
          mean /= s->n_frames;
        }
      for (uint32_t f = 0; f < s->n_frames; f++)
        {
          double v = signal->data[f * s->n_axes + a] - mean;
          /* A crossing counts only once the signal leaves the dead band. */
          int side = v > s->threshold ? 1 : v < -s->threshold ? -1 : 0;
          if (side != 0 && prev != 0 && side != prev)
            crossings++;
          if (side != 0)
            prev = side;
          if (fabs (v) > peak)
            peak = fabs (v);
        }
      out[a * 2] = (float) (crossings * s->frequency_hz / s->n_frames);
      out[a * 2 + 1] = (float) peak;
    }
  return 0;
}

static void
zc_free (void *state)
{
  free (state);
}

static const EmProcessingOps zc_ops = {
  .init = zc_init,
  .run = zc_run,
  .free = zc_free,
};

static const EmBlockInfo blocks[] = {
  {
    .id = "zero-crossings",
    .kind = EM_BLOCK_PROCESSING,
    .name = "Zero crossings",
    .description = "Zero-crossing rate and peak per axis: a cheap feature for vibration and motion.",
    .version = 1,
    .params_schema =
      "[{\"name\": \"remove_mean\", \"type\": \"bool\", \"default\": true, \"label\": \"Remove mean\","
      "  \"help\": \"Subtract each axis's mean first, so an offset does not hide crossings\"},"
      " {\"name\": \"threshold\", \"type\": \"float\", \"default\": 0.0, \"min\": 0, \"max\": 1000,"
      "  \"label\": \"Dead band\", \"help\": \"Values within ±threshold do not count as a side\"}]",
    .input_kinds = EM_INPUT_TIME_SERIES | EM_INPUT_AUDIO,
    .ops = &zc_ops,
  },
};

static const EmPluginInfo info = {
  .abi_version = EM_PLUGIN_ABI,
  .struct_size = sizeof (EmPluginInfo),
  .name = "zero-crossings example",
  .version = "1.0",
  .n_blocks = 1,
  .blocks = blocks,
};

EM_PLUGIN_EXPORT const EmPluginInfo *
em_plugin_info (void)
{
  return &info;
}
