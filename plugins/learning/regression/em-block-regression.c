/* SPDX-License-Identifier: Apache-2.0 */
/* "Regression": a small neural network predicting one number per window,
 * with an int8 copy for devices. */
#include "em-learn-util.h"

static int
regression_defaults (const EmLearnInfo *info, char *out, size_t out_len, char *err, size_t err_len)
{
  return em_learn_nn_defaults (EM_LEARN_REGRESSION, info, out, out_len, err, err_len);
}

static int
regression_train (const EmPluginParam *params, size_t n_params, const EmLearnInfo *info,
                  const EmLearnData *data, const EmLearnCallbacks *callbacks, void **model,
                  size_t *model_len, char *report, size_t report_len, char *err, size_t err_len)
{
  return em_learn_nn_train (EM_LEARN_REGRESSION, params, n_params, info, data, callbacks, model,
                            model_len, report, report_len, err, err_len);
}

static int
regression_load (const void *model, size_t model_len, int int8, void **state, uint32_t *n_outputs,
                 char *err, size_t err_len)
{
  return em_learn_nn_load (EM_LEARN_REGRESSION, model, model_len, int8, state, n_outputs, err, err_len);
}

static int
regression_export (const void *model, size_t model_len, int int8, const char **format, void **out, size_t *out_len,
                   char *err, size_t err_len)
{
  return em_learn_nn_export (EM_LEARN_REGRESSION, model, model_len, int8, format, out, out_len, err, err_len);
}

static const EmLearningOps ops = {
  .task = EM_TASK_REGRESSION,
  .defaults = regression_defaults,
  .train = regression_train,
  .free_model = em_learn_free_model,
  .load = regression_load,
  .run = em_learn_nn_run,
  .free = em_learn_nn_free,
  .export_model = regression_export,
};

static const EmBlockInfo blocks[] = { {
  .id = "regression",
  .kind = EM_BLOCK_LEARNING,
  .name = "Regression (neural network)",
  .description = "Predicts a number for each window (a weight, a speed, a level) with a small "
                 "neural network trained on the samples' values.",
  .version = 1,
  .params_schema =
    "[" EM_LEARN_NN_TRAINING_SCHEMA
    "{\"name\": \"loss\", \"type\": \"enum\", \"default\": \"mse\", \"values\": [\"mse\", \"huber\"],"
    " \"label\": \"Loss\", \"help\": \"Mean squared error, or Huber (less swayed by outliers)\"},"
    EM_LEARN_NN_COMMON_SCHEMA "]",
  .input_kinds = EM_INPUT_TIME_SERIES | EM_INPUT_AUDIO | EM_INPUT_IMAGE,
  .ops = &ops,
} };

static const EmPluginInfo info = {
  .abi_version = EM_PLUGIN_ABI, .struct_size = sizeof (EmPluginInfo),
  .name = "Ember regression block", .version = "1", .n_blocks = 1, .blocks = blocks,
};

EM_PLUGIN_EXPORT const EmPluginInfo *
em_plugin_info (void)
{
  return &info;
}
