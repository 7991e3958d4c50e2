/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-net-private.h — the per-layer state of an EmNnNet and the layer
 * passes shared by em-nn-net.c (workspace, graph walk), em-nn-net-conv.c
 * (conv, depthwise, dense) and em-nn-net-layers.c (everything else).
 * Not part of the contract.
 *
 * Every pass works on a whole batch of n samples. A backward pass receives
 * dy, the gradient of its own output, in a buffer it may overwrite (the
 * walk owns one per layer), and dx, the gradient of its input, which it
 * either sets (accumulate FALSE) or adds to (accumulate TRUE: the producer
 * has several consumers and another one already wrote). dx NULL means the
 * input gradient is not wanted now.
 */
#pragma once

#include "em-nn-net.h"

G_BEGIN_DECLS

typedef struct {
  EmNnNet   *net;
  EmNnLayer *layer;
  int        in_size, out_size;     /* per sample */
  float     *out;                   /* n × out_size: out_buf or an alias of the input */
  float     *out_buf;               /* owned (NULL for layers that alias) */
  float     *grad;                  /* max_batch × out_size */
  int        n_consumers;
  gboolean   grad_written;          /* this backward */
  gboolean   input_deferred;        /* reads the model input; dx computed on demand */

  /* parameter gradients (NULL where the layer has none) */
  float     *d_weights, *d_bias, *d_gamma, *d_beta;

  /* what backward needs beyond the input and output */
  float     *col;                   /* conv: im2col rows (own buffer, or net->col shared) */
  gboolean   col_kept;              /* col is the layer's own buffer */
  gboolean   col_fresh;             /* ... and holds the last forward's rows */
  gint32    *argmax;                /* maxpool: input offset within the sample */
  float     *mask;                  /* dropout: 0 or 1 / (1 - rate) */
  float     *xhat;                  /* batchnorm: normalized input */
  float     *mean, *inv_std;        /* batchnorm: [c], of the last forward */
  gboolean   bn_training;           /* batchnorm: last forward used batch statistics */
  gboolean   dropped;               /* dropout: last forward dropped */

  /* A conv (bias, ReLU or no activation) read only by a tiling max pool
   * leaves its bias and activation to the pool: max and arg-max of the raw
   * sums are those of the activated values (per-channel bias and ReLU are
   * monotonic), so the pool adds the bias and activates only its quarter
   * of the values, and masks the gradient it routes back. That saves two
   * full passes over the conv's output per step, with identical results. */
  struct _EmNnNetLayerFused {
    const EmNnLayer *conv;          /* pool: the conv whose tail it does */
  } fused;
  gboolean   tail_in_pool;          /* conv: its out holds raw sums */
} EmNnNetLayer;

struct _EmNnNet {
  EmNnModel    *model;
  int           max_batch;
  int           n;                  /* of the last forward */
  int           in_size;
  float        *input;              /* copy of the last forward's input */
  float        *input_grad;
  gboolean      input_grad_written, input_grad_ready;
  float        *col;                /* im2col scratch shared by convs without their own */
  gsize         col_size;
  guint         n_layers;
  EmNnNetLayer *layers;
  GArray       *params;             /* EmNnParam */
  GRand        *own_rand;           /* dropout without a caller's GRand */
  /* helpers for em_nn_net_parallel (as many as OpenBLAS uses, minus one) */
  GThreadPool  *pool;
  int           pool_threads;
  GMutex        lock;
  GCond         done;
  int           pending;
};

/* Run func(data, b0, b1) over slices of samples [0, n) on as many threads
 * as OpenBLAS is set to use, when @work (floats touched) makes it worth a
 * thread hand-off. Slices write disjoint memory, so the result does not
 * depend on the thread count. */
typedef void (*EmNnNetSliceFunc) (gpointer data, int b0, int b1);
void   em_nn_net_parallel        (EmNnNet *net, int n, gsize work, EmNnNetSliceFunc func, gpointer data);

/* The input of @layer's input slot @k for the current batch. */
const float *em_nn_net_layer_input (EmNnNet *net, const EmNnLayer *layer, int k);

/* Geometry of a conv / depthwise / pool layer as the inference kernels see it. */
void   em_nn_net_geom            (const EmNnLayer *layer, EmNnGeom *g);
/* im2col rows of a conv layer (kh·kw·in_c floats each, n·out_h·out_w rows);
 * 0 when the conv reads its input as is (1×1, stride 1, no padding). */
gsize  em_nn_net_conv_col_size   (const EmNnLayer *layer, int max_batch);

/* Fused activations: y = act(y) in place, and dy *= act'(y) from the output. */
void   em_nn_net_act_forward     (EmNnActivation act, float *y, gsize n);
void   em_nn_net_act_backward    (EmNnActivation act, const float *y, float *dy, gsize n);

/* conv1d / conv2d / dense (em-nn-net-conv.c) */
void   em_nn_net_conv_forward        (EmNnNet *net, EmNnNetLayer *L, const float *x, int n);
void   em_nn_net_conv_backward_params (EmNnNet *net, EmNnNetLayer *L, const float *x, float *dy, int n);
void   em_nn_net_conv_backward_input (EmNnNet *net, EmNnNetLayer *L, const float *dy, float *dx,
                                      gboolean accumulate, int n);
void   em_nn_net_depthwise_forward   (EmNnNet *net, EmNnNetLayer *L, const float *x, int n);
void   em_nn_net_depthwise_backward_params (EmNnNet *net, EmNnNetLayer *L, const float *x, float *dy, int n);
void   em_nn_net_depthwise_backward_input (EmNnNet *net, EmNnNetLayer *L, const float *dy, float *dx,
                                           gboolean accumulate, int n);

/* the rest (em-nn-net-layers.c) */
void   em_nn_net_maxpool_forward     (EmNnNetLayer *L, const float *x, int n);
void   em_nn_net_maxpool_backward    (EmNnNetLayer *L, const float *dy, float *dx, gboolean accumulate, int n);
void   em_nn_net_avgpool_forward     (EmNnNetLayer *L, const float *x, int n);
void   em_nn_net_avgpool_backward    (EmNnNetLayer *L, const float *dy, float *dx, gboolean accumulate, int n);
void   em_nn_net_gap_forward         (EmNnNetLayer *L, const float *x, int n);
void   em_nn_net_gap_backward        (EmNnNetLayer *L, const float *dy, float *dx, gboolean accumulate, int n);
void   em_nn_net_batchnorm_forward   (EmNnNetLayer *L, const float *x, int n, gboolean training);
void   em_nn_net_batchnorm_backward  (EmNnNetLayer *L, const float *dy, float *dx, gboolean accumulate, int n);
void   em_nn_net_dropout_forward     (EmNnNetLayer *L, const float *x, int n, gboolean training, GRand *rand);
void   em_nn_net_dropout_backward    (EmNnNetLayer *L, const float *dy, float *dx, gboolean accumulate, int n);
void   em_nn_net_add_forward         (EmNnNetLayer *L, const float *a, const float *b, int n);
void   em_nn_net_softmax_forward     (EmNnNetLayer *L, const float *x, int n);
void   em_nn_net_softmax_backward    (EmNnNetLayer *L, const float *dy, float *dx, gboolean accumulate, int n);
/* dx = dy or dx += dy (identity layers, add's inputs, fused softmax). */
void   em_nn_net_pass_gradient       (const float *dy, float *dx, gboolean accumulate, gsize count);

G_END_DECLS
