/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-net.h — forward and backward passes of an EmNnModel over
 * mini-batches, for training. Float32, NHWC, batch-major: a batch of n
 * inputs is n × input-size floats. Convolutions run as im2col + OpenBLAS
 * sgemm; everything is deterministic for a given thread count. (The
 * trainer runs one net per batch slice on its own threads with OpenBLAS
 * single-threaded inside: see em-nn-sliced-private.h.)
 */
#pragma once

#include <glib.h>
#include "em-nn-model.h"

G_BEGIN_DECLS

typedef struct _EmNnNet EmNnNet;

/* Workspace (activations, gradients, im2col buffers) for @model at up to
 * @max_batch windows. @model is borrowed and must outlive the net; the net
 * reads and writes its parameters in place. (transfer full) */
EmNnNet     *em_nn_net_new       (EmNnModel *model, int max_batch, GError **error);
void         em_nn_net_free      (EmNnNet *net);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmNnNet, em_nn_net_free)

/* Forward n ≤ max_batch windows. training: dropout drops (inverted dropout,
 * drawn from @rand), batchnorm normalizes with the batch's statistics and
 * updates its moving mean/variance (Keras momentum); otherwise dropout is the
 * identity and batchnorm uses the moving statistics. Returns the output
 * (n × output size), owned by the net, valid until the next forward. */
const float *em_nn_net_forward   (EmNnNet *net, const float *x, int n, gboolean training, GRand *rand);

/* Backward after a forward with the same n. @d_output is dLoss/dOutput
 * (n × output size), already divided by the batch size as the loss wants.
 * If @softmax_fused and the last layer is softmax, @d_output is instead the
 * gradient with respect to the softmax's input (p - t for cross-entropy),
 * which is numerically safer. Parameter gradients are overwritten (not
 * accumulated) with this batch's. */
void         em_nn_net_backward  (EmNnNet *net, const float *d_output, int n, gboolean softmax_fused);

/* Gradient of the loss with respect to the input of the last backward
 * (n × input size), for gradient checks. */
const float *em_nn_net_input_grad (EmNnNet *net);

/* A parameter tensor and its gradient. decay: weight decay applies
 * (kernels), not to biases or batchnorm parameters. */
typedef struct {
  float    *value;
  float    *grad;
  gsize     n;
  gboolean  decay;
  const char *layer;   /* layer name, for messages */
} EmNnParam;

/* Every trainable parameter tensor, in layer order. (transfer none) (element-type EmNnParam) */
GArray      *em_nn_net_params    (EmNnNet *net);

G_END_DECLS
