/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-fold.c — the inference form of a model: batchnorm folded into the
 * preceding dense / conv (or turned into a 1×1 depthwise scale and shift),
 * dropout removed, so the compiler and the device need no batchnorm op. */
#include <math.h>
#include <string.h>
#include "em-nn-model-private.h"

static gboolean
foldable_producer (const EmNnLayer *p)
{
  return (p->type == EM_NN_DENSE || p->type == EM_NN_CONV1D || p->type == EM_NN_CONV2D ||
          p->type == EM_NN_DEPTHWISE_CONV2D) && p->activation == EM_NN_ACT_NONE;
}

/* Per-channel scale γ/√(var+ε) and shift β − mean·scale, in double so the
 * folded weights round only once. */
static gboolean
bn_scale_shift (const EmNnLayer *bn, double *scale, double *shift, GError **error)
{
  for (int c = 0; c < bn->in.c; c++)
    {
      double v = (double) bn->moving_var[c] + bn->epsilon;
      if (!(v > 0.0) || !isfinite (v))
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                       "%s: moving variance %g + epsilon of channel %d is not positive",
                       bn->name, bn->moving_var[c], c);
          return FALSE;
        }
      scale[c] = bn->gamma[c] / sqrt (v);
      shift[c] = bn->beta[c] - bn->moving_mean[c] * scale[c];
    }
  return TRUE;
}

/* w' = w·s per output channel; b' = b·s + shift (a missing bias is 0). */
static void
fold_into (EmNnLayer *p, const EmNnLayer *bn, const double *scale, const double *shift)
{
  int out_c = p->out.c;

  g_assert (out_c == bn->in.c);
  if (p->type == EM_NN_DEPTHWISE_CONV2D)
    {
      /* [kh][kw][out_c]: the channel is the fastest index. */
      for (gsize k = 0; k < p->n_weights; k++)
        p->weights[k] = (float) (p->weights[k] * scale[k % out_c]);
    }
  else
    {
      /* dense [units][in], conv [filters][kh][kw][in_c]: a block per channel. */
      gsize per = p->n_weights / out_c;
      for (int c = 0; c < out_c; c++)
        for (gsize k = 0; k < per; k++)
          p->weights[c * per + k] = (float) (p->weights[c * per + k] * scale[c]);
    }
  if (p->bias == NULL)
    {
      p->bias = g_new0 (float, out_c);
      p->n_bias = out_c;
      p->n_params += out_c;
      p->use_bias = TRUE;
    }
  for (int c = 0; c < out_c; c++)
    p->bias[c] = (float) (p->bias[c] * scale[c] + shift[c]);
}

/* The batchnorm @bn rewritten in place as a 1×1 depthwise conv. */
static void
bn_to_depthwise (EmNnLayer *bn, const double *scale, const double *shift)
{
  int c = bn->in.c;

  g_clear_pointer (&bn->gamma, g_free);
  g_clear_pointer (&bn->beta, g_free);
  g_clear_pointer (&bn->moving_mean, g_free);
  g_clear_pointer (&bn->moving_var, g_free);
  bn->type = EM_NN_DEPTHWISE_CONV2D;
  bn->kernel_h = bn->kernel_w = 1;
  bn->stride_h = bn->stride_w = 1;
  bn->depth_multiplier = 1;
  bn->padding = EM_NN_PAD_VALID;
  bn->pad_top = bn->pad_left = 0;
  bn->activation = EM_NN_ACT_NONE;
  bn->use_bias = TRUE;
  bn->epsilon = bn->momentum = 0.0f;
  bn->weights = g_new (float, c);
  bn->bias = g_new (float, c);
  bn->n_weights = bn->n_bias = c;
  for (int k = 0; k < c; k++)
    {
      bn->weights[k] = (float) scale[k];
      bn->bias[k] = (float) shift[k];
    }
  bn->n_params = 2 * (gsize) c;
  bn->macs = (guint64) em_nn_dims_size (bn->out);
}

EmNnModel *
em_nn_model_fold (const EmNnModel *model, GError **error)
{
  guint n = model->layers->len;
  g_autoptr(EmNnModel) out = NULL;
  g_autofree EmNnLayer **work = g_new0 (EmNnLayer *, n);
  /* resolved[i]: the layer (or -1, the input) that now stands for layer i. */
  g_autofree int *resolved = g_new (int, n);
  /* consumers[i]: how many kept layers read layer i (after resolution);
   * index n counts the model output as one more reader. */
  g_autofree int *consumers = g_new0 (int, n + 1);
  g_autofree int *new_index = g_new (int, n);
  g_autofree double *scale = NULL, *shift = NULL;
  int out_layer;
  guint kept = 0;

  g_return_val_if_fail (model != NULL && n > 0, NULL);

  for (guint i = 0; i < n; i++)
    {
      work[i] = em_nn_layer_copy (g_ptr_array_index (model->layers, i));
      for (int k = 0; k < work[i]->n_inputs; k++)
        if (work[i]->inputs[k] >= 0)
          consumers[work[i]->inputs[k]]++;
    }
  consumers[n - 1]++;   /* the output is read by the caller */

  for (guint i = 0; i < n; i++)
    {
      EmNnLayer *l = work[i];

      for (int k = 0; k < l->n_inputs; k++)
        if (l->inputs[k] >= 0)
          l->inputs[k] = resolved[l->inputs[k]];
      resolved[i] = (int) i;

      if (l->type == EM_NN_DROPOUT)
        {
          int src = l->inputs[0];
          /* Its readers now read its input. */
          if (src >= 0)
            consumers[src] += consumers[i] - 1;
          resolved[i] = src;
          g_clear_pointer (&work[i], em_nn_layer_free);
        }
      else if (l->type == EM_NN_BATCHNORM)
        {
          int src = l->inputs[0];

          scale = g_renew (double, scale, l->in.c);
          shift = g_renew (double, shift, l->in.c);
          if (!bn_scale_shift (l, scale, shift, error))
            goto fail;
          if (src >= 0 && work[src] != NULL && foldable_producer (work[src]) && consumers[src] == 1)
            {
              fold_into (work[src], l, scale, shift);
              consumers[src] = consumers[i];
              resolved[i] = src;
              g_clear_pointer (&work[i], em_nn_layer_free);
            }
          else
            bn_to_depthwise (l, scale, shift);
        }
    }

  /* The output must be the last kept layer (a trailing dropout whose input
   * is not the layer before it would otherwise leave dead layers last). */
  out_layer = resolved[n - 1];
  for (guint i = (guint) (out_layer + 1); i < n; i++)
    if (work[i] != NULL)
      {
        g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                     "%s: layer does not lead to the model output", work[i]->name);
        goto fail;
      }
  if (out_layer < 0)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "model: no layer is left once dropout is removed");
      goto fail;
    }

  out = em_nn_model_new_empty (model->input);
  for (guint i = 0; i < n; i++)
    {
      new_index[i] = -1;
      if (work[i] == NULL)
        continue;
      for (int k = 0; k < work[i]->n_inputs; k++)
        if (work[i]->inputs[k] >= 0)
          work[i]->inputs[k] = new_index[work[i]->inputs[k]];
      new_index[i] = (int) kept++;
      g_ptr_array_add (out->layers, g_steal_pointer (&work[i]));
    }
  return g_steal_pointer (&out);

fail:
  for (guint i = 0; i < n; i++)
    em_nn_layer_free (work[i]);
  return NULL;
}
