/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-net.c — the training workspace: buffers sized once for max_batch,
 * the forward walk in layer order and the backward walk in reverse order,
 * and the parameter list the optimizer updates.
 *
 * Gradients flow through one buffer per layer output. A layer read by
 * several consumers (a residual add, the model input feeding two branches)
 * receives the first consumer's gradient by assignment and the others' by
 * accumulation, so no buffer needs clearing first. A layer whose output
 * gradient nobody wrote (a dead branch) has a zero gradient: it is skipped
 * and its parameter gradients are zero.
 *
 * The first convolution's input gradient (the model input's) costs a full
 * sgemm + col2im and training never reads it, so it is computed only when
 * em_nn_net_input_grad() asks for it.
 *
 * OpenBLAS threads the matrix products; the memory-bound loops around them
 * (im2col, col2im, bias + activation, max-pool) are split over the batch
 * on as many threads as OpenBLAS is set to use (em_nn_net_parallel), so on
 * two cores they do not leave one idle. Each slice writes its own samples,
 * so results do not depend on the split.
 */
#include <cblas.h>
#include <string.h>
#include "em-nn-net-private.h"

/* im2col floats (all convs together) kept from forward to backward:
 * 64 Mi floats = 256 MiB, which holds typical embedded-size nets. */
#define COL_KEEP_BUDGET ((gsize) 64 * 1024 * 1024)

/* Below this many floats a loop is done before a helper thread wakes. */
#ifndef PARALLEL_MIN_WORK
#define PARALLEL_MIN_WORK 32768
#endif
#define MAX_THREADS 16

typedef struct {
  EmNnNetSliceFunc func;
  gpointer         data;
  int              b0, b1;
} Slice;

static void
slice_worker (gpointer task, gpointer user_data)
{
  Slice *s = task;
  EmNnNet *net = user_data;

  s->func (s->data, s->b0, s->b1);
  g_mutex_lock (&net->lock);
  if (--net->pending == 0)
    g_cond_signal (&net->done);
  g_mutex_unlock (&net->lock);
}

void
em_nn_net_parallel (EmNnNet *net, int n, gsize work, EmNnNetSliceFunc func, gpointer data)
{
  Slice slices[MAX_THREADS];
  int t = work >= PARALLEL_MIN_WORK ? CLAMP (openblas_get_num_threads (), 1, MAX_THREADS) : 1;

  t = MIN (t, n);
  if (t > 1 && net->pool_threads < t - 1)
    {
      if (net->pool == NULL)
        net->pool = g_thread_pool_new (slice_worker, net, t - 1, TRUE, NULL);
      else
        g_thread_pool_set_max_threads (net->pool, t - 1, NULL);
      net->pool_threads = net->pool != NULL ? t - 1 : 0;
    }
  t = MIN (t, net->pool_threads + 1);
  if (t <= 1)
    {
      func (data, 0, n);
      return;
    }
  net->pending = t - 1;
  for (int k = 1; k < t; k++)
    {
      slices[k] = (Slice) { func, data, (int) ((gint64) n * k / t), (int) ((gint64) n * (k + 1) / t) };
      g_thread_pool_push (net->pool, &slices[k], NULL);
    }
  func (data, 0, (int) ((gint64) n / t));
  g_mutex_lock (&net->lock);
  while (net->pending > 0)
    g_cond_wait (&net->done, &net->lock);
  g_mutex_unlock (&net->lock);
}

const float *
em_nn_net_layer_input (EmNnNet *net, const EmNnLayer *layer, int k)
{
  int idx = layer->inputs[k];

  return idx < 0 ? net->input : net->layers[idx].out;
}

void
em_nn_net_geom (const EmNnLayer *layer, EmNnGeom *g)
{
  g->in_h = layer->in.h;
  g->in_w = layer->in.w;
  g->in_c = layer->in.c;
  g->out_h = layer->out.h;
  g->out_w = layer->out.w;
  g->out_c = layer->out.c;
  g->kernel_h = MAX (layer->kernel_h, 1);
  g->kernel_w = MAX (layer->kernel_w, 1);
  g->stride_h = MAX (layer->stride_h, 1);
  g->stride_w = MAX (layer->stride_w, 1);
  g->pad_top = layer->pad_top;
  g->pad_left = layer->pad_left;
  g->depth_multiplier = MAX (layer->depth_multiplier, 1);
}

static gboolean
check_params (const EmNnLayer *l, int in_size, GError **error)
{
  EmNnGeom g;
  gsize want_w = 0, want_b = 0;

  em_nn_net_geom (l, &g);
  switch (l->type)
    {
    case EM_NN_DENSE:
      /* Weights over the whole flattened input, or (Keras on a 3-D input)
       * over the channels of every position. */
      if (l->units < 1 || l->weights == NULL
          || (l->n_weights != (gsize) l->units * in_size
              && l->n_weights != (gsize) l->units * l->in.c))
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                       "%s: dense weights hold %" G_GSIZE_FORMAT " values, expected %d units × %d inputs",
                       l->name, l->weights != NULL ? l->n_weights : 0, l->units, in_size);
          return FALSE;
        }
      want_w = l->n_weights;
      want_b = l->units;
      if ((gsize) em_nn_dims_size (l->out)
          != (gsize) l->units * (in_size / (l->n_weights / (gsize) l->units)))
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                       "%s: dense output size %d does not match %d units", l->name,
                       em_nn_dims_size (l->out), l->units);
          return FALSE;
        }
      break;
    case EM_NN_CONV1D:
    case EM_NN_CONV2D:
      want_w = (gsize) l->filters * g.kernel_h * g.kernel_w * g.in_c;
      want_b = l->filters;
      if (l->filters < 1 || l->out.c != l->filters)
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                       "%s: output has %d channels but the conv has %d filters", l->name, l->out.c,
                       l->filters);
          return FALSE;
        }
      break;
    case EM_NN_DEPTHWISE_CONV2D:
      want_w = (gsize) g.kernel_h * g.kernel_w * g.in_c * g.depth_multiplier;
      want_b = (gsize) g.in_c * g.depth_multiplier;
      if (l->out.c != g.in_c * g.depth_multiplier)
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                       "%s: output has %d channels, expected %d × depth multiplier %d", l->name,
                       l->out.c, g.in_c, g.depth_multiplier);
          return FALSE;
        }
      break;
    case EM_NN_BATCHNORM:
      if (l->gamma == NULL || l->beta == NULL || l->moving_mean == NULL || l->moving_var == NULL)
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                       "%s: batchnorm parameters are not allocated", l->name);
          return FALSE;
        }
      return TRUE;
    default:
      return TRUE;
    }
  if (want_w != 0 && (l->weights == NULL || l->n_weights != want_w))
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "%s: weights hold %" G_GSIZE_FORMAT " values, expected %" G_GSIZE_FORMAT,
                   l->name, l->weights != NULL ? l->n_weights : 0, want_w);
      return FALSE;
    }
  if (l->weights == NULL)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, "%s: weights are not allocated",
                   l->name);
      return FALSE;
    }
  if (l->bias != NULL && l->n_bias != want_b)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "%s: bias holds %" G_GSIZE_FORMAT " values, expected %" G_GSIZE_FORMAT, l->name,
                   l->n_bias, want_b);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_geometry (const EmNnLayer *l, GError **error)
{
  EmNnGeom g;

  em_nn_net_geom (l, &g);
  if (g.out_h < 1 || g.out_w < 1 || g.out_c < 1
      || (gint64) (g.out_h - 1) * g.stride_h - g.pad_top >= g.in_h
      || (gint64) (g.out_w - 1) * g.stride_w - g.pad_left >= g.in_w
      || g.pad_top < 0 || g.pad_left < 0 || g.pad_top >= g.kernel_h || g.pad_left >= g.kernel_w)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "%s: output %d×%d×%d does not follow from input %d×%d×%d, kernel %d×%d, "
                   "strides %d×%d, padding %d/%d", l->name, g.out_h, g.out_w, g.out_c, g.in_h,
                   g.in_w, g.in_c, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w, g.pad_top,
                   g.pad_left);
      return FALSE;
    }
  return TRUE;
}

static void
add_param (EmNnNet *net, float *value, float *grad, gsize n, gboolean decay, const char *layer)
{
  EmNnParam p = { value, grad, n, decay, layer };

  g_array_append_val (net->params, p);
}

/* Hand each conv's bias and activation to the tiling max pool that is its
 * only reader (see EmNnNetLayer.fused). */
static void
fuse_conv_pool (EmNnNet *net)
{
  for (guint i = 0; i < net->n_layers; i++)
    {
      EmNnNetLayer *P = &net->layers[i], *C;
      const EmNnLayer *p = P->layer;
      EmNnGeom g;

      if ((p->type != EM_NN_MAXPOOL1D && p->type != EM_NN_MAXPOOL2D) || p->inputs[0] < 0)
        continue;
      em_nn_net_geom (p, &g);
      C = &net->layers[p->inputs[0]];
      if (g.stride_h != g.kernel_h || g.stride_w != g.kernel_w || C->n_consumers != 1
          || (C->layer->type != EM_NN_CONV1D && C->layer->type != EM_NN_CONV2D)
          || (C->layer->activation != EM_NN_ACT_RELU && C->layer->activation != EM_NN_ACT_NONE))
        continue;
      P->fused.conv = C->layer;
      C->tail_in_pool = TRUE;
    }
}

EmNnNet *
em_nn_net_new (EmNnModel *model, int max_batch, GError **error)
{
  g_autoptr(EmNnNet) net = NULL;
  gsize col = 0, kept = 0;

  g_return_val_if_fail (model != NULL, NULL);
  if (max_batch < 1)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "net: max_batch must be at least 1 (got %d)", max_batch);
      return NULL;
    }
  if (model->layers == NULL || model->layers->len == 0)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, "net: the model has no layers");
      return NULL;
    }

  net = g_new0 (EmNnNet, 1);
  net->model = model;
  net->max_batch = max_batch;
  net->in_size = em_nn_dims_size (model->input);
  net->n_layers = model->layers->len;
  net->layers = g_new0 (EmNnNetLayer, net->n_layers);
  net->params = g_array_new (FALSE, FALSE, sizeof (EmNnParam));
  net->own_rand = g_rand_new_with_seed (1);
  g_mutex_init (&net->lock);
  g_cond_init (&net->done);
  if (net->in_size < 1)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "net: the model input %d×%d×%d is empty", model->input.h, model->input.w,
                   model->input.c);
      return NULL;
    }
  net->input = g_new (float, (gsize) max_batch * net->in_size);
  net->input_grad = g_new (float, (gsize) max_batch * net->in_size);

  for (guint i = 0; i < net->n_layers; i++)
    {
      EmNnNetLayer *L = &net->layers[i];
      EmNnLayer *l = g_ptr_array_index (model->layers, i);
      gsize batch_out;
      int want_inputs = l->type == EM_NN_ADD ? 2 : 1;

      L->net = net;
      L->layer = l;
      if (l->n_inputs != want_inputs)
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                       "%s: takes %d input(s), the model gives %d", l->name, want_inputs, l->n_inputs);
          return NULL;
        }
      for (int k = 0; k < l->n_inputs; k++)
        {
          int idx = l->inputs[k];
          int size;
          if (idx < -1 || idx >= (int) i)
            {
              g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                           "%s: input %d is not an earlier layer", l->name, idx);
              return NULL;
            }
          size = idx < 0 ? net->in_size : net->layers[idx].out_size;
          if (k == 0)
            L->in_size = size;
          else if (size != L->in_size)
            {
              g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                           "%s: the two inputs of add differ in size (%d and %d)", l->name,
                           L->in_size, size);
              return NULL;
            }
          if (idx >= 0)
            net->layers[idx].n_consumers++;
        }
      L->out_size = em_nn_dims_size (l->out);
      if (L->in_size != em_nn_dims_size (l->in) || L->out_size < 1)
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                       "%s: input size %d does not match its declared input %d×%d×%d", l->name,
                       L->in_size, l->in.h, l->in.w, l->in.c);
          return NULL;
        }
      if (!check_params (l, L->in_size, error))
        return NULL;

      batch_out = (gsize) max_batch * L->out_size;
      L->grad = g_new (float, batch_out);
      switch (l->type)
        {
        case EM_NN_FLATTEN:
        case EM_NN_RESHAPE:
        case EM_NN_ADD:
        case EM_NN_ACTIVATION:
        case EM_NN_SOFTMAX:
        case EM_NN_GLOBAL_AVGPOOL:
          if (l->type != EM_NN_ADD && l->type != EM_NN_GLOBAL_AVGPOOL && L->out_size != L->in_size)
            {
              g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                           "%s: output size %d differs from input size %d", l->name, L->out_size,
                           L->in_size);
              return NULL;
            }
          if (l->type == EM_NN_GLOBAL_AVGPOOL && L->out_size != l->in.c)
            {
              g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                           "%s: global average pool output must have %d values", l->name, l->in.c);
              return NULL;
            }
          if (l->type != EM_NN_FLATTEN && l->type != EM_NN_RESHAPE)
            L->out_buf = g_new (float, batch_out);
          break;
        case EM_NN_DROPOUT:
          if (L->out_size != L->in_size || !(l->rate >= 0.0f && l->rate < 1.0f))
            {
              g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                           "%s: dropout rate %g is not in [0, 1)", l->name, l->rate);
              return NULL;
            }
          L->out_buf = g_new (float, batch_out);
          L->mask = g_new (float, batch_out);
          break;
        case EM_NN_BATCHNORM:
          if (L->out_size != L->in_size || l->out.c != l->in.c)
            {
              g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                           "%s: batchnorm must keep its input's shape", l->name);
              return NULL;
            }
          L->out_buf = g_new (float, batch_out);
          L->xhat = g_new (float, batch_out);
          L->mean = g_new0 (float, l->in.c);
          L->inv_std = g_new0 (float, l->in.c);
          L->d_gamma = g_new0 (float, l->in.c);
          L->d_beta = g_new0 (float, l->in.c);
          add_param (net, l->gamma, L->d_gamma, l->in.c, FALSE, l->name);
          add_param (net, l->beta, L->d_beta, l->in.c, FALSE, l->name);
          break;
        case EM_NN_MAXPOOL1D:
        case EM_NN_MAXPOOL2D:
        case EM_NN_AVGPOOL1D:
        case EM_NN_AVGPOOL2D:
          if (!check_geometry (l, error))
            return NULL;
          if (l->out.c != l->in.c)
            {
              g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                           "%s: a pool must keep the channel count", l->name);
              return NULL;
            }
          L->out_buf = g_new (float, batch_out);
          if (l->type == EM_NN_MAXPOOL1D || l->type == EM_NN_MAXPOOL2D)
            L->argmax = g_new (gint32, batch_out);
          break;
        case EM_NN_CONV1D:
        case EM_NN_CONV2D:
        case EM_NN_DEPTHWISE_CONV2D:
        case EM_NN_DENSE:
          if (l->type != EM_NN_DENSE && !check_geometry (l, error))
            return NULL;
          L->out_buf = g_new (float, batch_out);
          L->d_weights = g_new0 (float, l->n_weights);
          add_param (net, l->weights, L->d_weights, l->n_weights, TRUE, l->name);
          if (l->bias != NULL)
            {
              L->d_bias = g_new0 (float, l->n_bias);
              add_param (net, l->bias, L->d_bias, l->n_bias, FALSE, l->name);
            }
          if (l->type != EM_NN_DEPTHWISE_CONV2D)
            {
              gsize size = em_nn_net_conv_col_size (l, max_batch);
              /* Keeping each conv's im2col rows saves rebuilding them in
               * backward; past a budget the convs share one buffer. */
              if (size > 0 && kept + size <= COL_KEEP_BUDGET)
                {
                  L->col = g_new (float, size);
                  L->col_kept = TRUE;
                  kept += size;
                }
              else
                col = MAX (col, size);
            }
          break;
        default:
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                       "%s: layer type %d is not supported for training", l->name, (int) l->type);
          return NULL;
        }
      L->out = L->out_buf;
    }
  if (g_getenv ("EMBER_NN_NO_FUSION") == NULL)   /* test hook: the unfused reference */
    fuse_conv_pool (net);
  net->col_size = col;
  if (col > 0)
    net->col = g_new (float, col);
  for (guint i = 0; i < net->n_layers; i++)
    if (net->layers[i].col == NULL)
      net->layers[i].col = net->col;
  return g_steal_pointer (&net);
}

void
em_nn_net_free (EmNnNet *net)
{
  if (net == NULL)
    return;
  if (net->pool != NULL)
    g_thread_pool_free (net->pool, FALSE, TRUE);
  g_mutex_clear (&net->lock);
  g_cond_clear (&net->done);
  for (guint i = 0; net->layers != NULL && i < net->n_layers; i++)
    {
      EmNnNetLayer *L = &net->layers[i];
      g_free (L->out_buf);
      g_free (L->grad);
      g_free (L->d_weights);
      g_free (L->d_bias);
      g_free (L->d_gamma);
      g_free (L->d_beta);
      g_free (L->argmax);
      g_free (L->mask);
      g_free (L->xhat);
      g_free (L->mean);
      g_free (L->inv_std);
      if (L->col_kept)
        g_free (L->col);
    }
  g_free (net->layers);
  g_free (net->input);
  g_free (net->input_grad);
  g_free (net->col);
  if (net->params != NULL)
    g_array_unref (net->params);
  if (net->own_rand != NULL)
    g_rand_free (net->own_rand);
  g_free (net);
}

const float *
em_nn_net_forward (EmNnNet *net, const float *x, int n, gboolean training, GRand *rand)
{
  g_return_val_if_fail (net != NULL && x != NULL, NULL);
  g_return_val_if_fail (n >= 1 && n <= net->max_batch, NULL);

  net->n = n;
  memcpy (net->input, x, sizeof (float) * n * net->in_size);
  if (rand == NULL)
    rand = net->own_rand;

  for (guint i = 0; i < net->n_layers; i++)
    {
      EmNnNetLayer *L = &net->layers[i];
      EmNnLayer *l = L->layer;
      const float *in = em_nn_net_layer_input (net, l, 0);

      switch (l->type)
        {
        case EM_NN_DENSE:
        case EM_NN_CONV1D:
        case EM_NN_CONV2D:
          em_nn_net_conv_forward (net, L, in, n);
          break;
        case EM_NN_DEPTHWISE_CONV2D:
          em_nn_net_depthwise_forward (net, L, in, n);
          break;
        case EM_NN_MAXPOOL1D:
        case EM_NN_MAXPOOL2D:
          em_nn_net_maxpool_forward (L, in, n);
          break;
        case EM_NN_AVGPOOL1D:
        case EM_NN_AVGPOOL2D:
          em_nn_net_avgpool_forward (L, in, n);
          break;
        case EM_NN_GLOBAL_AVGPOOL:
          em_nn_net_gap_forward (L, in, n);
          break;
        case EM_NN_BATCHNORM:
          em_nn_net_batchnorm_forward (L, in, n, training);
          break;
        case EM_NN_DROPOUT:
          em_nn_net_dropout_forward (L, in, n, training, rand);
          break;
        case EM_NN_FLATTEN:
        case EM_NN_RESHAPE:
          /* NHWC memory is already in the target order: alias, no copy. */
          L->out = (float *) in;
          break;
        case EM_NN_ADD:
          em_nn_net_add_forward (L, in, em_nn_net_layer_input (net, l, 1), n);
          break;
        case EM_NN_ACTIVATION:
          memcpy (L->out, in, sizeof (float) * n * L->out_size);
          em_nn_net_act_forward (l->activation, L->out, (gsize) n * L->out_size);
          break;
        case EM_NN_SOFTMAX:
          em_nn_net_softmax_forward (L, in, n);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return net->layers[net->n_layers - 1].out;
}

/* Where the gradient of layer input @idx goes, and whether to add to it. */
static float *
grad_target (EmNnNet *net, int idx, gboolean *accumulate)
{
  if (idx < 0)
    {
      *accumulate = net->input_grad_written;
      net->input_grad_written = TRUE;
      return net->input_grad;
    }
  *accumulate = net->layers[idx].grad_written;
  net->layers[idx].grad_written = TRUE;
  return net->layers[idx].grad;
}

static void
zero_param_grads (EmNnNetLayer *L)
{
  const EmNnLayer *l = L->layer;

  if (L->d_weights != NULL)
    memset (L->d_weights, 0, sizeof (float) * l->n_weights);
  if (L->d_bias != NULL)
    memset (L->d_bias, 0, sizeof (float) * l->n_bias);
  if (L->d_gamma != NULL)
    memset (L->d_gamma, 0, sizeof (float) * l->in.c);
  if (L->d_beta != NULL)
    memset (L->d_beta, 0, sizeof (float) * l->in.c);
}

void
em_nn_net_backward (EmNnNet *net, const float *d_output, int n, gboolean softmax_fused)
{
  EmNnNetLayer *last;

  g_return_if_fail (net != NULL && d_output != NULL);
  g_return_if_fail (n == net->n);

  for (guint i = 0; i < net->n_layers; i++)
    {
      net->layers[i].grad_written = FALSE;
      net->layers[i].input_deferred = FALSE;
    }
  net->input_grad_written = FALSE;
  net->input_grad_ready = FALSE;

  /* The walk rewrites gradients in place (fused activations), so the
   * caller's buffer is copied once. */
  last = &net->layers[net->n_layers - 1];
  memcpy (last->grad, d_output, sizeof (float) * n * last->out_size);
  last->grad_written = TRUE;

  for (guint i = net->n_layers; i-- > 0;)
    {
      EmNnNetLayer *L = &net->layers[i];
      EmNnLayer *l = L->layer;
      const float *in = em_nn_net_layer_input (net, l, 0);
      gsize count = (gsize) n * L->in_size;
      gboolean acc;
      float *dx;

      if (!L->grad_written)
        {
          zero_param_grads (L);
          continue;
        }
      switch (l->type)
        {
        case EM_NN_DENSE:
        case EM_NN_CONV1D:
        case EM_NN_CONV2D:
        case EM_NN_DEPTHWISE_CONV2D:
          if (l->type == EM_NN_DEPTHWISE_CONV2D)
            em_nn_net_depthwise_backward_params (net, L, in, L->grad, n);
          else
            em_nn_net_conv_backward_params (net, L, in, L->grad, n);
          if (l->inputs[0] < 0)
            {
              L->input_deferred = TRUE;
              break;
            }
          dx = grad_target (net, l->inputs[0], &acc);
          if (l->type == EM_NN_DEPTHWISE_CONV2D)
            em_nn_net_depthwise_backward_input (net, L, L->grad, dx, acc, n);
          else
            em_nn_net_conv_backward_input (net, L, L->grad, dx, acc, n);
          break;
        case EM_NN_MAXPOOL1D:
        case EM_NN_MAXPOOL2D:
          dx = grad_target (net, l->inputs[0], &acc);
          em_nn_net_maxpool_backward (L, L->grad, dx, acc, n);
          break;
        case EM_NN_AVGPOOL1D:
        case EM_NN_AVGPOOL2D:
          dx = grad_target (net, l->inputs[0], &acc);
          em_nn_net_avgpool_backward (L, L->grad, dx, acc, n);
          break;
        case EM_NN_GLOBAL_AVGPOOL:
          dx = grad_target (net, l->inputs[0], &acc);
          em_nn_net_gap_backward (L, L->grad, dx, acc, n);
          break;
        case EM_NN_BATCHNORM:
          dx = grad_target (net, l->inputs[0], &acc);
          em_nn_net_batchnorm_backward (L, L->grad, dx, acc, n);
          break;
        case EM_NN_DROPOUT:
          dx = grad_target (net, l->inputs[0], &acc);
          em_nn_net_dropout_backward (L, L->grad, dx, acc, n);
          break;
        case EM_NN_FLATTEN:
        case EM_NN_RESHAPE:
          dx = grad_target (net, l->inputs[0], &acc);
          em_nn_net_pass_gradient (L->grad, dx, acc, count);
          break;
        case EM_NN_ADD:
        case EM_NN_ACTIVATION:
          em_nn_net_act_backward (l->activation, L->out, L->grad, count);
          for (int k = 0; k < l->n_inputs; k++)
            {
              dx = grad_target (net, l->inputs[k], &acc);
              em_nn_net_pass_gradient (L->grad, dx, acc, count);
            }
          break;
        case EM_NN_SOFTMAX:
          dx = grad_target (net, l->inputs[0], &acc);
          if (softmax_fused && L == last)
            em_nn_net_pass_gradient (L->grad, dx, acc, count);
          else
            em_nn_net_softmax_backward (L, L->grad, dx, acc, n);
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

const float *
em_nn_net_input_grad (EmNnNet *net)
{
  g_return_val_if_fail (net != NULL, NULL);

  if (!net->input_grad_ready)
    {
      for (guint i = net->n_layers; i-- > 0;)
        {
          EmNnNetLayer *L = &net->layers[i];
          gboolean acc;
          float *dx;

          if (!L->input_deferred)
            continue;
          dx = grad_target (net, -1, &acc);
          if (L->layer->type == EM_NN_DEPTHWISE_CONV2D)
            em_nn_net_depthwise_backward_input (net, L, L->grad, dx, acc, net->n);
          else
            em_nn_net_conv_backward_input (net, L, L->grad, dx, acc, net->n);
        }
      if (!net->input_grad_written)
        memset (net->input_grad, 0, sizeof (float) * net->n * net->in_size);
      net->input_grad_written = TRUE;
      net->input_grad_ready = TRUE;
    }
  return net->input_grad;
}

GArray *
em_nn_net_params (EmNnNet *net)
{
  g_return_val_if_fail (net != NULL, NULL);
  return net->params;
}
