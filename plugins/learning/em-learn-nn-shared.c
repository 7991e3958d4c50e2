/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include "em-learn-nn-shared.h"

gboolean
em_learn_nn_read_options (const EmPluginParam *params, size_t n, EmNnTrainOptions *o, gboolean *quantize,
                          GError **error)
{
  const char *optimizer = em_plugin_param_string (params, n, "optimizer", "adam");
  long seed = em_plugin_param_int (params, n, "seed", 1);

  em_nn_train_options_init (o);
  o->epochs = (int) em_plugin_param_int (params, n, "epochs", 30);
  o->learning_rate = em_plugin_param_double (params, n, "learning_rate", 0.005);
  o->batch_size = (int) em_plugin_param_int (params, n, "batch_size", 32);
  o->validation_split = em_plugin_param_int (params, n, "validation_pct", 20) / 100.0;
  o->weight_decay = em_plugin_param_double (params, n, "weight_decay", 0);
  o->early_stopping_patience = (int) em_plugin_param_int (params, n, "early_stopping_patience", 0);
  o->seed = (guint64) (seed < 0 ? 0 : seed);
  *quantize = em_plugin_param_bool (params, n, "quantize", 1);

  if (strcmp (optimizer, "adam") == 0)
    o->optimizer = EM_NN_OPTIMIZER_ADAM;
  else if (strcmp (optimizer, "sgd") == 0)
    o->optimizer = EM_NN_OPTIMIZER_SGD;
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "optimizer '%s' is not one of: adam, sgd", optimizer);
      return FALSE;
    }
  return TRUE;
}

GBytes *
em_learn_labels_bytes (const EmLearnInfo *info)
{
  GByteArray *a = g_byte_array_new ();

  for (guint32 i = 0; info->labels != NULL && i < info->n_classes; i++)
    {
      const char *label = info->labels[i] != NULL ? info->labels[i] : "";
      g_byte_array_append (a, (const guint8 *) label, (guint) strlen (label) + 1);
    }
  return g_byte_array_free_to_bytes (a);
}

void
em_learn_report_add_number (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

void
em_learn_report_add_history (JsonBuilder *b, const EmNnTrainResult *result, gboolean full, gboolean seconds)
{
  guint n_history = result != NULL && result->history != NULL ? result->history->len : 0;

  json_builder_set_member_name (b, "history");
  json_builder_begin_array (b);
  for (guint i = 0; full && i < n_history; i++)
    {
      const EmNnEpochStats *s = &g_array_index (result->history, EmNnEpochStats, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "epoch");
      json_builder_add_int_value (b, s->epoch);
      em_learn_report_add_number (b, "loss", s->loss);
      em_learn_report_add_number (b, "accuracy", s->accuracy);
      em_learn_report_add_number (b, "val_loss", s->val_loss);
      em_learn_report_add_number (b, "val_accuracy", s->val_accuracy);
      if (seconds)
        em_learn_report_add_number (b, "seconds", s->seconds);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

void
em_learn_report_add_sizes (JsonBuilder *b, const EmNnCompiled *fc, const EmNnCompiled *qc)
{
  json_builder_set_member_name (b, "float_arena_bytes");
  json_builder_add_int_value (b, em_nn_compiled_program (fc)->arena_size);
  json_builder_set_member_name (b, "float_weight_bytes");
  json_builder_add_int_value (b, (gint64) em_nn_compiled_weight_bytes (fc));
  json_builder_set_member_name (b, "quantized");
  json_builder_add_boolean_value (b, qc != NULL);
  json_builder_set_member_name (b, "int8_arena_bytes");
  if (qc != NULL)
    json_builder_add_int_value (b, em_nn_compiled_program (qc)->arena_size);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "int8_weight_bytes");
  if (qc != NULL)
    json_builder_add_int_value (b, (gint64) em_nn_compiled_weight_bytes (qc));
  else
    json_builder_add_null_value (b);
}

gboolean
em_learn_report_copy_out (EmLearnReportFunc build, gconstpointer args, char *report, size_t report_len)
{
  g_autofree char *full = build (args, TRUE);
  g_autofree char *brief = NULL;

  if (em_learn_copy_out (full, report, report_len))
    return TRUE;
  brief = build (args, FALSE);
  return em_learn_copy_out (brief, report, report_len);
}
