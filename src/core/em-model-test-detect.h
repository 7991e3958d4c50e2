/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-learn.h"

G_BEGIN_DECLS

/* Model testing for an object-detection block: run the float or int8
 * model over every window of @set and score its objects against the
 * windows' boxes with em_nn_fomo_metrics (per-class precision / recall / F1,
 * a predicted centroid counting when it falls inside a ground-truth box of
 * the same class). Appends one EmPrediction per window to @predictions:
 * predicted = the best-scoring object's label (NULL when none), confidence =
 * its score, value = the number of objects. Returns the metrics JSON
 * object; EM_ERROR_UNSUPPORTED when the block cannot load the variant.
 * (transfer full) */
char *em_model_test_detection (const EmLearningOps *ops, GBytes *blob, gboolean int8, const EmLearnSet *set,
                               const char *block_id, EmProgressFunc progress, gpointer user_data,
                               GCancellable *cancellable, GArray *predictions, GError **error);

G_END_DECLS
