/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-codegen-measure.h"
#include "em-nn-import.h"

G_BEGIN_DECLS

/* What an imported model costs on a Cortex-M4F, for `ember-cli model
 * profile` and the app's "Bring your own model" page. */

/* The model alone behind a passthrough input (the raw block over an
 * n-value window), as codegen sees a deployed impulse. Only int8 programs:
 * EM_ERROR_UNSUPPORTED otherwise. (transfer full) */
EmCodegenImpulse *em_model_cost_impulse (const EmNnImported *imp, GError **error);

/* Instructions per inference from the layer table alone: a per-MAC guess
 * fitted to the measured reference models (em-model-cost.c says how). */
guint64           em_model_cost_estimate (const EmNnImported *imp);

typedef struct {
  guint64  instructions;  /* per inference */
  gboolean measured;      /* TRUE: counted on the emulated Cortex-M4F; FALSE: em_model_cost_estimate() */
  char    *why_estimated; /* (nullable) why it could not be measured */
} EmModelCost;

void              em_model_cost_clear (EmModelCost *cost);

/* Measures the model's instructions on the emulated Cortex-M4F
 * (em_codegen_measure_insns on em_model_cost_impulse, one window of zeros:
 * int8 kernels take the same path for any input) when it can, else fills
 * in the estimate with the reason. Fails only when cancelled. */
gboolean          em_model_cost_count (const EmNnImported *imp, EmCodegenProgressFunc progress,
                                       gpointer user_data, GCancellable *cancellable, EmModelCost *out,
                                       GError **error);

/* The instructions per inference for people: "12345, measured on an
 * emulated Cortex-M4F" or "about 12345 (estimated: …)". (transfer full) */
char             *em_model_cost_describe (const EmModelCost *cost);

G_END_DECLS
