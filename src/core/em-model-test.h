/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-learn.h"

G_BEGIN_DECLS

typedef struct {
  float threshold; /* classification: a window whose top probability is below it is "uncertain"; 0 = 0.6 */
} EmModelTestOptions;

/* Run the stored model of learning block @block_id (NULL: the first) over
 * every window of the enabled testing samples, as float and, when the block
 * has one, as int8; store each variant's metrics and per-window predictions
 * (replacing the last test's) in one transaction.
 *   classification: accuracy, per-class precision / recall / F1, confusion
 *     matrix, uncertain rate (em_nn_class_metrics) + per-sample accuracy by
 *     majority of the sample's certain windows;
 *   regression: MSE, MAE, RMSE; anomaly: score mean / min / max, overall and per label;
 *   object detection: per-class precision / recall / F1 by centroids (em-model-test-detect.h).
 * Errors: no model (NOT_FOUND); a model trained on another impulse or other
 * params (INVALID_DATA, "out of date: retrain"); no testing windows.
 * @result: (out) (optional) as em_model_test_load() returns. */
gboolean  em_model_test         (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry,
                                 const char *block_id, const EmModelTestOptions *options,
                                 EmProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                                 char **result, GError **error);

/* The last stored test of @block_id as one JSON object:
 * {"block", "plugin", "task", "labels", "trained_us", "tested_us",
 *  "float": {metrics}, "int8": {metrics} or null, "int8_unavailable": reason (when null)}.
 * NOT_FOUND when the block has no model or was not tested. (transfer full) */
char     *em_model_test_load    (EmProject *project, const char *block_id, GError **error);

/* On a worker thread (GTask), for the app; @progress runs on that thread.
 * The result is em_model_test()'s @result. */
void      em_model_test_async   (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry,
                                 const char *block_id, const EmModelTestOptions *options,
                                 EmProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
char     *em_model_test_finish  (EmProject *project, GAsyncResult *result, GError **error);

G_END_DECLS
