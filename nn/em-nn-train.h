/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-train.h — training loop: mini-batches, Adam / SGD+momentum,
 * decoupled weight decay, cross-entropy (label smoothing, class weights) or
 * MSE / Huber, validation split, early stopping with best-checkpoint restore,
 * learning-rate finder. A fixed seed gives an identical model.
 */
#pragma once

#include <gio/gio.h>
#include "em-nn-model.h"
#include "em-nn-augment.h"

G_BEGIN_DECLS

typedef enum {
  EM_NN_LOSS_CROSS_ENTROPY,   /* last layer softmax; y = class index */
  EM_NN_LOSS_MSE,             /* y_value = targets (n × outputs) */
  EM_NN_LOSS_HUBER,
  /* FOMO-style detection (em-nn-fomo.h): the model outputs per-cell LOGITS
   * [grid_h][grid_w][C + 1] (no softmax layer: the per-cell softmax is
   * folded into the loss here and applied after the network at inference,
   * em_nn_fomo_softmax_f32); y_cells = target class per cell; loss =
   * em_nn_fomo_loss per window averaged over the batch. */
  EM_NN_LOSS_FOMO,
} EmNnLoss;

typedef enum {
  EM_NN_OPTIMIZER_ADAM,
  EM_NN_OPTIMIZER_SGD,
} EmNnOptimizer;

/* Borrowed arrays. x: n × n_features (= model input size), row-major. */
typedef struct {
  int          n;
  int          n_features;
  const float *x;
  const int   *y;          /* classification: [n] in 0..n_classes-1; else NULL */
  int          n_classes;
  const float *y_value;    /* regression: n × n_outputs; else NULL */
  int          n_outputs;
  /* EM_NN_LOSS_FOMO: n × n_cells targets in 0..n_classes-1 (0 = background),
   * cells row-major as em_nn_fomo_targets() writes them; n_classes is then
   * C + 1, the model's output channels, and n_cells = output size / n_classes.
   * NULL otherwise. (Appended: zero-initialised datasets keep working.) */
  const int32_t *y_cells;
} EmNnDataset;

typedef struct {
  int            epochs;              /* 30 */
  int            batch_size;          /* 32 */
  double         learning_rate;       /* 0.005 */
  EmNnOptimizer  optimizer;           /* adam (beta1 0.9, beta2 0.999, eps 1e-7 as Keras) */
  double         momentum;            /* sgd: 0.9 */
  double         weight_decay;        /* decoupled (AdamW / SGDW style): 0 */
  EmNnLoss       loss;                /* cross-entropy */
  double         label_smoothing;     /* 0 */
  double         huber_delta;         /* 1.0 */
  const float   *class_weights;       /* [n_classes] or NULL */
  double         validation_split;    /* 0.2; stratified for classification, seeded */
  const EmNnDataset *validation;      /* explicit validation set instead of the split */
  int            early_stopping_patience; /* 0 = off; monitors val loss, restores best */
  guint64        seed;                /* 1 */
  EmNnAugment    augment;             /* all zero = off */
  double         object_weight;       /* fomo: weight of object cells, EM_NN_FOMO_OBJECT_WEIGHT (100) */
} EmNnTrainOptions;

void em_nn_train_options_init (EmNnTrainOptions *options);

typedef struct {
  int    epoch;          /* 1-based */
  int    n_epochs;
  double loss, accuracy;           /* training (accuracy: classification only, else NAN;
                                    * fomo: the share of object cells whose argmax is their class) */
  double val_loss, val_accuracy;   /* NAN without validation data */
  double seconds;                  /* this epoch's wall time */
} EmNnEpochStats;

/* Called after every epoch on the training thread. */
typedef void (*EmNnEpochFunc) (const EmNnEpochStats *stats, gpointer user_data);

typedef struct {
  GArray *history;       /* (element-type EmNnEpochStats) */
  int     best_epoch;    /* the epoch whose weights the model holds */
  gboolean stopped_early;
} EmNnTrainResult;

void em_nn_train_result_free (EmNnTrainResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmNnTrainResult, em_nn_train_result_free)

/* Check the data (finite features, labels in range, at least two classes
 * present, no class without windows, sizes matching the model's input and
 * output) and train @model's weights in place (initialize them first with
 * em_nn_model_init_weights). Cancel returns FALSE with G_IO_ERROR_CANCELLED
 * and leaves the best weights so far. (out) (optional) result. */
gboolean em_nn_train (EmNnModel *model, const EmNnDataset *data, const EmNnTrainOptions *options,
                      EmNnEpochFunc progress, gpointer user_data, GCancellable *cancellable,
                      EmNnTrainResult **result, GError **error);

/* "Balanced" class weights n / (n_classes × count_c). (transfer full) */
float   *em_nn_class_weights_balanced (const EmNnDataset *data);

/* Learning-rate range test (Smith): one pass raising the rate exponentially
 * from 1e-6 to 1; returns the rate one decade below the loss minimum. The
 * model's weights are restored afterwards. 0 on error. */
double   em_nn_find_learning_rate (EmNnModel *model, const EmNnDataset *data,
                                   const EmNnTrainOptions *options, GCancellable *cancellable,
                                   GError **error);

/* Float inference over n windows in batches: out n × output size. */
gboolean em_nn_predict (EmNnModel *model, const float *x, int n, float *out, GError **error);

/* The validation split em_nn_train() makes: with @y (classification) each
 * class is split on its own after a seeded shuffle, always leaving at least
 * one window of a class in training; without @y the shuffled whole is split.
 * Appends row indices (int) to @train and @val. Exported so the app can
 * check a block's reported validation accuracy on the very same rows. */
void em_nn_train_split_rows (const int *y, int n, int n_classes, double fraction, guint64 seed,
                             GArray *train, GArray *val);

G_END_DECLS
