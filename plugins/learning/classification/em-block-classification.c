/* SPDX-License-Identifier: Apache-2.0 */
/* "Classification": a small neural network trained on the impulse's
 * features, with an int8 copy for devices. */
#include "em-learn-util.h"

static int
classification_defaults (const EmLearnInfo *info, char *out, size_t out_len, char *err, size_t err_len)
{
  return em_learn_nn_defaults (EM_LEARN_CLASSIFICATION, info, out, out_len, err, err_len);
}

static int
classification_train (const EmPluginParam *params, size_t n_params, const EmLearnInfo *info,
                      const EmLearnData *data, const EmLearnCallbacks *callbacks, void **model,
                      size_t *model_len, char *report, size_t report_len, char *err, size_t err_len)
{
  return em_learn_nn_train (EM_LEARN_CLASSIFICATION, params, n_params, info, data, callbacks, model,
                            model_len, report, report_len, err, err_len);
}

static int
classification_load (const void *model, size_t model_len, int int8, void **state, uint32_t *n_outputs,
                     char *err, size_t err_len)
{
  return em_learn_nn_load (EM_LEARN_CLASSIFICATION, model, model_len, int8, state, n_outputs, err, err_len);
}

static int
classification_export (const void *model, size_t model_len, int int8, const char **format, void **out, size_t *out_len,
                       char *err, size_t err_len)
{
  return em_learn_nn_export (EM_LEARN_CLASSIFICATION, model, model_len, int8, format, out, out_len, err, err_len);
}

static const EmLearningOps ops = {
  .task = EM_TASK_CLASSIFICATION,
  .defaults = classification_defaults,
  .train = classification_train,
  .free_model = em_learn_free_model,
  .load = classification_load,
  .run = em_learn_nn_run,
  .free = em_learn_nn_free,
  .export_model = classification_export,
};

static const EmBlockInfo blocks[] = { {
  .id = "classification",
  .kind = EM_BLOCK_LEARNING,
  .name = "Classification (neural network)",
  .description = "Learns to tell your labels apart with a small neural network; the default layers "
                 "suit the features (1-D convolutions for audio, 2-D for images, dense otherwise).",
  .version = 1,
  .params_schema =
    "[" EM_LEARN_NN_TRAINING_SCHEMA
    "{\"name\": \"label_smoothing\", \"type\": \"float\", \"default\": 0, \"min\": 0, \"max\": 0.5,"
    " \"label\": \"Label smoothing\", \"help\": \"Soften the targets to curb overconfidence\"},"
    "{\"name\": \"class_weights\", \"type\": \"enum\", \"default\": \"none\", \"values\": [\"none\", \"balanced\"],"
    " \"label\": \"Class weights\", \"help\": \"Balanced: weigh rare labels up so each counts the same\"},"
    EM_LEARN_NN_COMMON_SCHEMA "]",
  .input_kinds = EM_INPUT_TIME_SERIES | EM_INPUT_AUDIO | EM_INPUT_IMAGE,
  .ops = &ops,
} };

static const EmPluginInfo info = {
  .abi_version = EM_PLUGIN_ABI, .struct_size = sizeof (EmPluginInfo),
  .name = "Ember classification block", .version = "1", .n_blocks = 1, .blocks = blocks,
};

EM_PLUGIN_EXPORT const EmPluginInfo *
em_plugin_info (void)
{
  return &info;
}
