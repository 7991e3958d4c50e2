/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-project.h"

G_BEGIN_DECLS

/* A trained model as the project stores it: one per learning block. */
typedef struct {
  char   *block_id;   /* the learning block's id in the impulse */
  char   *plugin;     /* the learning block id in the registry that trained it */
  char   *params_key; /* fingerprint of the features and params it was trained on */
  GStrv   labels;     /* classification: the classes, sorted; else empty (never NULL) */
  GBytes *blob;       /* the plugin's model blob; NULL when read without it */
  char   *report;     /* JSON object: the plugin's report plus Ember's training facts */
  gint64  created;    /* µs since the epoch */
} EmModel;

void      em_model_free               (EmModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmModel, em_model_free)

/* Store @model, replacing the block's previous model and dropping that
 * model's test results and predictions, in one transaction. */
gboolean  em_model_store_put          (EmProject *project, const EmModel *model, GError **error);
/* NULL + EM_ERROR_NOT_FOUND when the block has no model. (transfer full) */
EmModel  *em_model_store_get          (EmProject *project, const char *block_id, gboolean with_blob,
                                       GError **error);
/* Removes the model and its test results; FALSE + EM_ERROR_NOT_FOUND when none. */
gboolean  em_model_store_delete       (EmProject *project, const char *block_id, GError **error);

/* One tested window. */
typedef struct {
  gint64      sample_id;
  guint       window;
  const char *actual;     /* the sample's label */
  const char *predicted;  /* class label; NULL when uncertain, or for regression / anomaly */
  double      confidence; /* top probability; NAN when not a classifier */
  double      value;      /* regression output or anomaly score; NAN for a classifier */
} EmPrediction;

/* Store a variant's ("float" or "int8") metrics (a JSON object) and its
 * predictions, replacing what was stored for it. Fails with
 * EM_ERROR_NOT_FOUND when the block has no model. Call inside
 * em_project_begin() to store several variants at once. */
gboolean  em_model_store_put_test     (EmProject *project, const char *block_id, const char *variant,
                                       const char *metrics, const EmPrediction *predictions,
                                       gsize n_predictions, GError **error);
/* The metrics JSON of a variant; NULL + EM_ERROR_NOT_FOUND when not tested.
 * @created: (out) (optional) µs since the epoch. (transfer full) */
char     *em_model_store_get_test     (EmProject *project, const char *block_id, const char *variant,
                                       gint64 *created, GError **error);
/* Stored predictions of a variant, by sample then window. */
gint64    em_model_store_count_predictions (EmProject *project, const char *block_id, const char *variant,
                                            GError **error);

G_END_DECLS
