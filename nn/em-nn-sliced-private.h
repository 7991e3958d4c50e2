/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-sliced-private.h — data-parallel training over a fixed number of
 * batch slices. Not part of the contract.
 *
 * Profiling the Fashion-MNIST benchmark showed half of a training step is
 * memory-bound passes (pooling, activations, im2col) and that OpenBLAS's
 * own threads do not pay for the sgemms of a 64-window batch. So a batch is
 * cut into a fixed number of slices; each slice runs forward and backward on
 * its own replica network (sharing the model's weights, with its own
 * activations and parameter gradients, OpenBLAS single-threaded inside), the
 * slices run on as many threads as OpenBLAS was set to use, and the slices'
 * parameter gradients are summed in slice order.
 *
 * The slice count depends on the model and the batch size only, never on
 * the thread count, so a fixed seed gives bit-identical training on one
 * thread or many. Models with batch normalization keep one slice: their
 * batch statistics (and moving averages) need the whole batch.
 */
#pragma once

#include "em-nn-net.h"

G_BEGIN_DECLS

typedef struct _EmNnSliced EmNnSliced;

/* Replicas of @model for batches of up to @max_batch windows. @dropout is
 * the caller's dropout stream, used as is with one slice; several slices
 * draw from streams of their own, derived from @seed. */
EmNnSliced  *em_nn_sliced_new      (EmNnModel *model, int max_batch, guint64 seed, GRand *dropout,
                                    GError **error);
void         em_nn_sliced_free     (EmNnSliced *s);
int          em_nn_sliced_n_slices (EmNnSliced *s);

/* As em_nn_net_forward / em_nn_net_backward over the whole batch. After a
 * backward the gradients of em_nn_sliced_params() hold the batch's sum. */
const float *em_nn_sliced_forward  (EmNnSliced *s, const float *x, int n, gboolean training);
void         em_nn_sliced_backward (EmNnSliced *s, const float *d_output, int n, gboolean softmax_fused);
GArray      *em_nn_sliced_params   (EmNnSliced *s);

G_END_DECLS
