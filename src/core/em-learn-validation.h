/* SPDX-License-Identifier: Apache-2.0 */
/* The trained model on the validation windows its training held out: the
 * confusion matrix and accuracy / per-class precision, recall and F1 that
 * the learning page shows after training (testing uses the test set; this
 * is the training's own held-out part).
 *
 * The plugin ABI does not say which windows a block held out. Ember's
 * neural-network blocks hand their "validation_pct" and "seed" parameters
 * to nn/'s trainer, which splits each class on its own with a seeded
 * shuffle; em_learn_validation_rows() makes the same split, and
 * em_learn_validation_run() then checks it against the validation accuracy
 * the block reported for the epoch it kept. A block whose split differs (or
 * that holds nothing out) gets no matrix, with the reason, rather than a
 * matrix of windows it trained on. */
#pragma once

#include "em-learn.h"

G_BEGIN_DECLS

/* The rows (indices into the @n windows) a seeded, per-class split of
 * @fraction (0..1) holds out, as em_nn_train() chooses them for
 * validation_split = @fraction and seed = @seed: per class in index order,
 * shuffled (Fisher-Yates on the GRand of seed array {seed low, seed high,
 * 0}) when anything is held out, the first round(len × fraction) of each
 * class (at most len - 1). y: [n] classes in 0..n_classes-1.
 * *n_rows: (out) how many. (transfer full) (nullable) NULL when none. */
guint    *em_learn_validation_rows (const gint32 *y, guint n, guint n_classes, double fraction, guint64 seed,
                                    guint *n_rows);

/* What the block reported about the epoch it kept: from the per-epoch
 * progress (val_accuracy by epoch, 1-based; NAN where none) and its report's
 * "best_epoch" (0 or absent: the last epoch). NAN when unknown. */
double    em_learn_validation_reported_accuracy (const GArray *val_accuracy_by_epoch, const char *plugin_report);

/* For a classification model just trained by @ops on @set with @params:
 * runs the float model over the held-out windows and returns a JSON object
 *   {"windows", "accuracy", "labels", "confusion": [[actual][predicted]],
 *    "precision", "recall", "f1", "macro_f1", ... (em_nn_class_metrics_to_json,
 *    every window counted: threshold 0)}
 * or NULL with @reason (transfer full) set to why there is none: no
 * validation split, or a split Ember could not identify (the recount does
 * not give the block's reported accuracy @reported). Errors (FALSE, @error)
 * only when the model cannot be run. */
gboolean  em_learn_validation_run  (const EmLearningOps *ops, GBytes *blob, const EmLearnSet *set,
                                    const EmBlockParams *params, double reported, char **metrics,
                                    char **reason, GError **error);

G_END_DECLS
