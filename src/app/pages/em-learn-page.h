/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

#include "em-block-registry.h"
#include "em-project.h"
#include "em-series-model.h"
#include "em-layer-list.h"

G_BEGIN_DECLS

/* The page of one learning block of the impulse: its training settings,
 * made from the block's parameter schema (a neural network's
 * "architecture" as an editable layer list), Start / Cancel, loss and
 * accuracy curves that grow each epoch, and the trained model's report
 * (sizes, best epoch, and for a classifier the confusion matrix, accuracy
 * and per-class precision / recall / F1 on the validation windows the
 * training held out).
 * Settings are saved to the project's impulse as they are edited.
 *
 * Actions: "learn.train", "learn.cancel", "learn.reset-architecture".
 * Properties: "project", "registry", "block-id" (construct-only),
 * "training" (read-only). */
#define EM_TYPE_LEARN_PAGE (em_learn_page_get_type ())
G_DECLARE_FINAL_TYPE (EmLearnPage, em_learn_page, EM, LEARN_PAGE, GtkWidget)

/* @block_id: the learning block's id in the project's impulse; NULL = the
 * first. A block that is missing, or whose plugin is not installed, gives
 * a page saying so. */
GtkWidget     *em_learn_page_new              (EmProject       *project,
                                               EmBlockRegistry *registry,
                                               const char      *block_id);

/* (nullable) (transfer none) */
const char    *em_learn_page_get_block_id     (EmLearnPage *self);
gboolean       em_learn_page_get_training     (EmLearnPage *self);

/* Re-read the impulse and the stored model (the window calls it when the
 * impulse changed elsewhere). Does nothing while training. */
void           em_learn_page_reload           (EmLearnPage *self);

/* The curves: series "Training loss", "Validation loss" (and accuracy),
 * x = the epoch (1-based). (transfer none) */
EmSeriesModel *em_learn_page_get_loss_model     (EmLearnPage *self);
EmSeriesModel *em_learn_page_get_accuracy_model (EmLearnPage *self);

/* The editor of schema parameter @name (a GtkSpinButton, GtkSwitch,
 * AdwComboRow or AdwEntryRow), NULL when the block has no such parameter
 * or it is edited elsewhere (the architecture). (transfer none) */
GtkWidget     *em_learn_page_get_param_editor (EmLearnPage *self,
                                               const char  *name);
/* (nullable) (transfer none): only for blocks with an architecture. */
EmLayerList   *em_learn_page_get_layer_list   (EmLearnPage *self);

/* What the status line says: the epoch, the outcome, an error. (transfer none) */
const char    *em_learn_page_get_status       (EmLearnPage *self);
/* The accuracy line under the validation confusion matrix ("Accuracy
 * 87.5% on 24 validation windows"), NULL when no matrix is shown. (transfer none) */
const char    *em_learn_page_get_validation_accuracy (EmLearnPage *self);
/* The stored model's creation time (µs since the epoch), 0 when none is shown. */
gint64         em_learn_page_get_model_time   (EmLearnPage *self);

G_END_DECLS
