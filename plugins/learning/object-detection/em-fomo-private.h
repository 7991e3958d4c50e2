/* SPDX-License-Identifier: Apache-2.0 */
/* The object-detection learning block (FOMO-style centroids), private to
 * this folder.
 *
 * The network maps the input image (height × width × channels, as the image
 * block gives it) to per-cell LOGITS [grid_h][grid_w][C + 1] (class 0 =
 * background). There is no softmax layer in it: nn/'s softmax layer (and
 * its int8 kernel) normalise a tensor as a whole, while FOMO needs one
 * softmax per cell, so training folds the per-cell softmax into the loss
 * (EM_NN_LOSS_FOMO) and inference applies em_nn_fomo_softmax_f32 to the
 * (dequantized) logits before em_nn_fomo_objects_f32. The exported program
 * ("emnq") therefore ends at the logits as well.
 *
 * Blob (em-learn-util.h, kind EM_LEARN_OBJECT_DETECTION): "MODL", "QINT"
 * (when quantized), "LABL" (the C box labels, sorted) and "FOMO": the
 * post-processing parameters as one text line
 *   "input_w input_h grid_w grid_h n_classes threshold connectivity".
 */
#pragma once

#include "em-learn-util.h"
#include "em-nn-compile.h"
#include "em-nn-fomo.h"
#include "em-nn-model.h"

G_BEGIN_DECLS

#define EM_FOMO_BLOCK "object-detection"

/* MobileNetV2-style backbone cut at 1/8 resolution plus the FOMO head, as
 * nn/ model JSON. channels: 1 or 3; alpha: width multiplier (0.35 default).
 * (transfer full) */
char      *em_fomo_architecture (guint32 width, guint32 height, guint32 channels, double alpha,
                                 guint32 n_classes);

/* The plugin ops (em-fomo-train.c, em-fomo-run.c). */
int        em_fomo_train  (const EmPluginParam *params, size_t n_params, const EmLearnInfo *info,
                           const EmLearnData *data, const EmLearnCallbacks *callbacks, void **model,
                           size_t *model_len, char *report, size_t report_len, char *err, size_t err_len);
int        em_fomo_load   (const void *model, size_t model_len, int int8, void **state, uint32_t *n_outputs,
                           char *err, size_t err_len);
int        em_fomo_run    (void *state, const float *features, float *out, char *err, size_t err_len);
void       em_fomo_free   (void *state);
int        em_fomo_export (const void *model, size_t model_len, int int8, const char **format, void **out,
                           size_t *out_len, char *err, size_t err_len);

/* Objects of one window from the program's output logits (n_cells × (C+1)),
 * which are turned into probabilities in place. @scratch:
 * em_nn_fomo_scratch_bytes(). Returns the object count (may exceed
 * @capacity) or a negative EmNnFomoStatus. */
int        em_fomo_objects      (const EmNnFomoPostParams *post, float *logits, EmNnFomoObject *out,
                                 int capacity, void *scratch, size_t scratch_bytes);

/* "FOMO" section text and back. */
char      *em_fomo_post_to_text   (const EmNnFomoPostParams *post);
gboolean   em_fomo_post_from_text (const char *text, gsize len, EmNnFomoPostParams *post);

G_END_DECLS
