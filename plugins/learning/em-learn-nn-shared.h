/* SPDX-License-Identifier: Apache-2.0 */
/* What the two neural-network trainers (em-learn-nn.c for classification and
 * regression, object-detection/em-fomo-train.c) share: the training options
 * every network block has, the trained blob's labels, and the parts of the
 * training report (JSON) that read the same in both. */
#pragma once

#include <json-glib/json-glib.h>
#include "em-learn-util.h"
#include "em-nn-compile.h"
#include "em-nn-train.h"

G_BEGIN_DECLS

/* Resets @o (em_nn_train_options_init) and reads the options of
 * EM_LEARN_NN_TRAINING_SCHEMA plus early_stopping_patience and seed into it
 * (validation_pct as o->validation_split, 0..1), and "quantize" into
 * *quantize. The caller checks the ranges its own block allows. FALSE, with
 * @error set, when the optimizer is not adam or sgd. */
gboolean em_learn_nn_read_options (const EmPluginParam *params, size_t n, EmNnTrainOptions *o,
                                   gboolean *quantize, GError **error);

/* The class labels, each NUL-terminated, as the "LABL" section stores them
 * (a NULL label is stored as ""). (transfer full) */
GBytes *em_learn_labels_bytes (const EmLearnInfo *info);

/* A number member; NaN and infinities become null (JSON has no such values). */
void em_learn_report_add_number (JsonBuilder *b, const char *name, double v);

/* "history": one object per epoch of @result (epoch, loss, accuracy,
 * val_loss, val_accuracy, and seconds when @seconds); an empty array when
 * @full is FALSE or there is no history. */
void em_learn_report_add_history (JsonBuilder *b, const EmNnTrainResult *result, gboolean full,
                                  gboolean seconds);

/* float_arena_bytes, float_weight_bytes, quantized, and int8_arena_bytes,
 * int8_weight_bytes (null when @qc, the int8 program, is NULL). */
void em_learn_report_add_sizes (JsonBuilder *b, const EmNnCompiled *fc, const EmNnCompiled *qc);

/* Builds a report, with the epoch history when @full. (transfer full) */
typedef char *(*EmLearnReportFunc) (gconstpointer args, gboolean full);

/* Copies build(@args, TRUE) into @report (@report_len bytes); when that
 * does not fit, build(@args, FALSE): a long run's history can outgrow the
 * caller's buffer, and the report without it beats no report. FALSE when
 * neither fits. */
gboolean em_learn_report_copy_out (EmLearnReportFunc build, gconstpointer args, char *report,
                                   size_t report_len);

G_END_DECLS
