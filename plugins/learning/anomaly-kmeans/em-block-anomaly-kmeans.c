/* SPDX-License-Identifier: Apache-2.0 */
/* "Anomaly detection (K-means)": flags windows unlike the training data. No
 * int8 form: load(int8 = 1) gives the same float scorer, which devices run as
 * is (see em-learn-anomaly.c). */
#include "em-learn-util.h"

static int
kmeans_defaults (const EmLearnInfo *info, char *out, size_t out_len, char *err, size_t err_len)
{
  /* The schema's defaults suit any input; nothing to suggest. */
  if (out != NULL && out_len > 0)
    out[0] = '\0';
  return 0;
}

static int
kmeans_train (const EmPluginParam *params, size_t n_params, const EmLearnInfo *info, const EmLearnData *data,
              const EmLearnCallbacks *callbacks, void **model, size_t *model_len, char *report,
              size_t report_len, char *err, size_t err_len)
{
  return em_learn_anomaly_train (EM_LEARN_ANOMALY_KMEANS, params, n_params, info, data, callbacks,
                                 model, model_len, report, report_len, err, err_len);
}

static int
kmeans_load (const void *model, size_t model_len, int int8, void **state, uint32_t *n_outputs, char *err,
             size_t err_len)
{
  return em_learn_anomaly_load (EM_LEARN_ANOMALY_KMEANS, model, model_len, int8, state, n_outputs, err, err_len);
}

static int
kmeans_export (const void *model, size_t model_len, int int8, const char **format, void **out, size_t *out_len,
               char *err, size_t err_len)
{
  return em_learn_anomaly_export (EM_LEARN_ANOMALY_KMEANS, model, model_len, int8, format, out, out_len, err, err_len);
}

static const EmLearningOps ops = {
  .task = EM_TASK_ANOMALY,
  .defaults = kmeans_defaults,
  .train = kmeans_train,
  .free_model = em_learn_free_model,
  .load = kmeans_load,
  .run = em_learn_anomaly_run,
  .free = em_learn_anomaly_free,
  .export_model = kmeans_export,
};

static const EmBlockInfo blocks[] = { {
  .id = "anomaly-kmeans",
  .kind = EM_BLOCK_LEARNING,
  .name = "Anomaly detection (K-means)",
  .description = "Learns clusters of normal windows; the score is the distance to the nearest cluster over its radius "
                 "(above 1 = outside anything seen in training).",
  .version = 1,
  .params_schema =
    "["
    "{\"name\": \"clusters\", \"type\": \"int\", \"default\": 32, \"min\": 1, \"max\": 256,"
    " \"label\": \"Clusters\", \"help\": \"Groups of normal windows; at most the number of training windows\"},"
    "{\"name\": \"axes\", \"type\": \"string\", \"default\": \"\", \"label\": \"Features\","
    " \"help\": \"Comma-separated feature indices to model (from 0); empty = all\"},"
    "{\"name\": \"seed\", \"type\": \"int\", \"default\": 1, \"min\": 0, \"max\": 2147483647,"
    " \"label\": \"Random seed\"}]",
  .input_kinds = EM_INPUT_TIME_SERIES | EM_INPUT_AUDIO | EM_INPUT_IMAGE,
  .ops = &ops,
} };

static const EmPluginInfo info = {
  .abi_version = EM_PLUGIN_ABI, .struct_size = sizeof (EmPluginInfo),
  .name = "Ember K-means anomaly block", .version = "1", .n_blocks = 1, .blocks = blocks,
};

EM_PLUGIN_EXPORT const EmPluginInfo *
em_plugin_info (void)
{
  return &info;
}
