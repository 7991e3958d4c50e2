/* SPDX-License-Identifier: Apache-2.0 */
/* An imported model's cost on a Cortex-M4F: measured under QEMU when the
 * tools are there (em-codegen-measure.h), else estimated. */
#include <string.h>
#include "em-model-cost.h"
#include "em-block-registry.h"
#include "em-error.h"

/* Ember's int8 kernels on a Cortex-M4 (-Os, the DSP-extension path the
 * library selects there), measured under QEMU on the two reference models
 * (tests/cli/test_cli_model_import.py: 5.2-5.5 instructions per MAC):
 * instructions per multiply-accumulate plus a cost per value an op writes.
 * Only used when the count cannot be measured. */
#define INSNS_PER_MAC   5.0
#define INSNS_PER_VALUE 10.0

static guint64
model_values (const EmNnImported *imp)
{
  guint64 n = 0;

  for (guint i = 0; i < imp->layers->len; i++)
    n += (guint64) em_nn_dims_size (g_array_index (imp->layers, EmNnImportedLayer, i).out);
  return n;
}

guint64
em_model_cost_estimate (const EmNnImported *imp)
{
  return (guint64) (em_nn_imported_macs (imp) * INSNS_PER_MAC + model_values (imp) * INSNS_PER_VALUE);
}

/* The model alone behind a passthrough input, as codegen sees a deployed
 * impulse: the raw block's device code over an n-value window. */
EmCodegenImpulse *
em_model_cost_impulse (const EmNnImported *imp, GError **error)
{
  g_autoptr(EmCodegenImpulse) cg = em_codegen_impulse_new ();
  EmBlock *block = em_block_registry_lookup (em_block_registry_get_default (), "raw");
  const EmProcessingOps *ops = block != NULL ? em_block_get_processing_ops (block) : NULL;
  guint32 n = (guint32) em_nn_dims_size (imp->input), n_out = (guint32) em_nn_dims_size (imp->output);
  EmFeatureShape shape = { 0, 0 };
  g_autoptr(GStrvBuilder) lb = g_strv_builder_new ();
  EmCodegenDsp *d;
  void *state = NULL;
  char err[256] = "";
  int status;

  if (ops == NULL || ops->device_code == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "the raw processing block is not installed");
      return NULL;
    }
  if (imp->compiled == NULL || !em_nn_compiled_program (imp->compiled)->is_int8)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "only int8 programs are profiled on a target");
      return NULL;
    }
  cg->input = (EmSignalInfo) { EM_INPUT_TIME_SERIES, n, 1, 0, 0, 16000 };
  if (ops->init (NULL, 0, &cg->input, &state, &shape, err, sizeof err) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "raw block: %s", err);
      return NULL;
    }
  d = g_new0 (EmCodegenDsp, 1);
  d->id = g_strdup ("raw");
  d->plugin = g_strdup ("raw");
  d->n_frames = n;
  d->n_axes = 1;
  d->n_features = n;
  d->axis_index = g_new0 (guint32, 1);
  status = ops->device_code (state, &d->code, err, sizeof err);
  ops->free (state);
  g_ptr_array_add (cg->dsp, d);
  if (status != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "raw block: %s", err);
      return NULL;
    }
  cg->axes = g_strsplit ("value", ",", -1);
  cg->window_ms = n / 16.0;
  cg->window_increase_ms = cg->window_ms;
  cg->learn_id = g_strdup ("byom");
  cg->learn_plugin = g_strdup ("classification");
  cg->task = EM_TASK_CLASSIFICATION;
  cg->format = "emnq";
  cg->model = em_nn_compiled_save (imp->compiled);
  cg->int8 = TRUE;
  for (guint32 i = 0; i < n_out; i++)
    {
      g_autofree char *name = g_strdup_printf ("output_%u", i);
      g_strv_builder_add (lb, name);
    }
  cg->labels = g_strv_builder_end (lb);
  cg->project_name = g_strdup ("profile");
  cg->model_version = g_strdup ("imported");
  return g_steal_pointer (&cg);
}

void
em_model_cost_clear (EmModelCost *cost)
{
  g_clear_pointer (&cost->why_estimated, g_free);
}

gboolean
em_model_cost_count (const EmNnImported *imp, EmCodegenProgressFunc progress, gpointer user_data,
                     GCancellable *cancellable, EmModelCost *out, GError **error)
{
  g_autoptr(EmCodegenImpulse) cg = NULL;
  g_autoptr(GError) local = NULL;
  EmCodegenInsns insns;

  out->why_estimated = NULL;
  if ((cg = em_model_cost_impulse (imp, &local)) != NULL &&
      em_codegen_measure_insns (cg, NULL, 0, progress, user_data, cancellable, &insns, &local))
    {
      /* The model's part: the passthrough DSP is a copy, not the model's cost. */
      out->instructions = insns.nn;
      out->measured = TRUE;
      return TRUE;
    }
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  out->instructions = em_model_cost_estimate (imp);
  out->measured = FALSE;
  out->why_estimated = g_strndup (local->message, strcspn (local->message, "\n"));
  return TRUE;
}

char *
em_model_cost_describe (const EmModelCost *cost)
{
  if (cost->measured)
    return g_strdup_printf ("%" G_GUINT64_FORMAT ", measured on an emulated Cortex-M4F", cost->instructions);
  return g_strdup_printf ("about %" G_GUINT64_FORMAT " (estimated: %.0f per MAC, %.0f "
                          "per value written, for the Cortex-M4 DSP-extension kernels; not measured: %s)",
                          cost->instructions, INSNS_PER_MAC, INSNS_PER_VALUE,
                          cost->why_estimated != NULL ? cost->why_estimated : "unknown");
}
