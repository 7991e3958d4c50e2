/* SPDX-License-Identifier: Apache-2.0 */
/* "Object detection (FOMO)": finds and counts objects in images by their
 * centroids on a grid of 1/8 the input (12 × 12 cells for 96 × 96), with a
 * small MobileNetV2-style network trained from scratch and an int8 copy for
 * devices. run() writes objects (ember-plugin.h, EM_LEARN_OBJECT_*). */
#include "em-fomo-private.h"

static int
fomo_defaults (const EmLearnInfo *info, char *out, size_t out_len, char *err, size_t err_len)
{
  if (info == NULL || info->n_features == 0)
    return em_learn_fail (err, err_len, EM_FOMO_BLOCK, "the impulse gives this block no features");
  if (!(info->input_kind & EM_INPUT_IMAGE))
    return em_learn_fail (err, err_len, EM_FOMO_BLOCK, "object detection needs an image input");
  /* The architecture follows from the input and alpha: nothing to suggest. */
  if (!em_learn_copy_out ("alpha=0.35\n", out, out_len))
    return em_learn_fail (err, err_len, EM_FOMO_BLOCK, "the defaults do not fit the output buffer");
  return 0;
}

static const EmLearningOps ops = {
  .task = EM_TASK_OBJECT_DETECTION,
  .defaults = fomo_defaults,
  .train = em_fomo_train,
  .free_model = em_learn_free_model,
  .load = em_fomo_load,
  .run = em_fomo_run,
  .free = em_fomo_free,
  .export_model = em_fomo_export,
};

static const EmBlockInfo blocks[] = { {
  .id = "object-detection",
  .kind = EM_BLOCK_LEARNING,
  .name = "Object detection (FOMO)",
  .description = "Finds and counts objects in images by their centre on a grid 1/8 of the image, with a "
                 "MobileNetV2-style network small enough for a microcontroller; label the images with boxes.",
  .version = 1,
  .params_schema =
    "["
    "{\"name\": \"epochs\", \"type\": \"int\", \"default\": 30, \"min\": 1, \"max\": 1000,"
    " \"label\": \"Training cycles\", \"help\": \"Passes over the training images\"},"
    "{\"name\": \"learning_rate\", \"type\": \"float\", \"default\": 0.005, \"min\": 1e-6, \"max\": 1,"
    " \"label\": \"Learning rate\", \"help\": \"Step size of the optimizer\"},"
    "{\"name\": \"batch_size\", \"type\": \"int\", \"default\": 32, \"min\": 1, \"max\": 1024,"
    " \"label\": \"Batch size\"},"
    "{\"name\": \"validation_pct\", \"type\": \"int\", \"default\": 20, \"min\": 0, \"max\": 50,"
    " \"units\": \"%\", \"label\": \"Validation set size\","
    " \"help\": \"Training images held out; the report gives precision, recall and F1 on them\"},"
    "{\"name\": \"alpha\", \"type\": \"float\", \"default\": 0.35, \"min\": 0.05, \"max\": 2,"
    " \"label\": \"Width multiplier\", \"help\": \"MobileNetV2 alpha: scales every layer's channels\"},"
    "{\"name\": \"object_weight\", \"type\": \"float\", \"default\": 100, \"min\": 0.01, \"max\": 10000,"
    " \"label\": \"Object weight\","
    " \"help\": \"How much more an object cell counts in the loss than a background cell\"},"
    "{\"name\": \"threshold\", \"type\": \"float\", \"default\": 0.5, \"min\": 0.01, \"max\": 1,"
    " \"label\": \"Detection threshold\", \"help\": \"A cell is an object when its class probability reaches this\"},"
    "{\"name\": \"optimizer\", \"type\": \"enum\", \"default\": \"adam\", \"values\": [\"adam\", \"sgd\"],"
    " \"label\": \"Optimizer\", \"help\": \"Adam, or SGD with momentum 0.9\"},"
    "{\"name\": \"weight_decay\", \"type\": \"float\", \"default\": 0, \"min\": 0, \"max\": 1,"
    " \"label\": \"Weight decay\", \"help\": \"Decoupled (AdamW style); 0 turns it off\"},"
    "{\"name\": \"early_stopping_patience\", \"type\": \"int\", \"default\": 0, \"min\": 0, \"max\": 1000,"
    " \"label\": \"Early stopping patience\","
    " \"help\": \"Stop after this many epochs without a better validation loss and keep the best; 0 = off\"},"
    "{\"name\": \"seed\", \"type\": \"int\", \"default\": 1, \"min\": 0, \"max\": 2147483647,"
    " \"label\": \"Random seed\", \"help\": \"The same seed and data give the same model\"},"
    "{\"name\": \"quantize\", \"type\": \"bool\", \"default\": true, \"label\": \"Quantize (int8)\","
    " \"help\": \"Also build an int8 model, calibrated on up to 500 training images\"}"
    "]",
  .input_kinds = EM_INPUT_IMAGE,
  .ops = &ops,
} };

static const EmPluginInfo info = {
  .abi_version = EM_PLUGIN_ABI, .struct_size = sizeof (EmPluginInfo),
  .name = "Ember object-detection block", .version = "1", .n_blocks = 1, .blocks = blocks,
};

EM_PLUGIN_EXPORT const EmPluginInfo *
em_plugin_info (void)
{
  return &info;
}
