/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-model.c — layers and models as data: names, copies, parameter
 * tensors, totals, and Keras' Glorot initialization. Parsing lives in
 * em-nn-model-parse.c. */
#include <math.h>
#include <string.h>
#include "em-nn-model-private.h"

static const struct {
  EmNnLayerType type;
  const char   *name;
} layer_types[] = {
  { EM_NN_DENSE, "dense" },
  { EM_NN_CONV1D, "conv1d" },
  { EM_NN_CONV2D, "conv2d" },
  { EM_NN_DEPTHWISE_CONV2D, "depthwise_conv2d" },
  { EM_NN_MAXPOOL1D, "maxpool1d" },
  { EM_NN_MAXPOOL2D, "maxpool2d" },
  { EM_NN_AVGPOOL1D, "avgpool1d" },
  { EM_NN_AVGPOOL2D, "avgpool2d" },
  { EM_NN_GLOBAL_AVGPOOL, "global_avgpool" },
  { EM_NN_BATCHNORM, "batchnorm" },
  { EM_NN_DROPOUT, "dropout" },
  { EM_NN_FLATTEN, "flatten" },
  { EM_NN_RESHAPE, "reshape" },
  { EM_NN_ADD, "add" },
  { EM_NN_ACTIVATION, "activation" },
  { EM_NN_SOFTMAX, "softmax" },
};

static const char *activation_names[] = {
  [EM_NN_ACT_NONE] = "linear",
  [EM_NN_ACT_RELU] = "relu",
  [EM_NN_ACT_RELU6] = "relu6",
  [EM_NN_ACT_SIGMOID] = "sigmoid",
  [EM_NN_ACT_TANH] = "tanh",
};

const char *
em_nn_layer_type_name (EmNnLayerType type)
{
  for (gsize i = 0; i < G_N_ELEMENTS (layer_types); i++)
    if (layer_types[i].type == type)
      return layer_types[i].name;
  return "unknown";
}

gboolean
em_nn_layer_type_from_name (const char *name, EmNnLayerType *out)
{
  for (gsize i = 0; i < G_N_ELEMENTS (layer_types); i++)
    if (strcmp (name, layer_types[i].name) == 0)
      {
        *out = layer_types[i].type;
        return TRUE;
      }
  return FALSE;
}

gboolean
em_nn_activation_from_name (const char *name, EmNnActivation *out)
{
  for (guint a = 0; a < G_N_ELEMENTS (activation_names); a++)
    if (strcmp (name, activation_names[a]) == 0)
      {
        *out = (EmNnActivation) a;
        return TRUE;
      }
  return FALSE;
}

const char *
em_nn_activation_name (EmNnActivation act)
{
  if ((guint) act < G_N_ELEMENTS (activation_names))
    return activation_names[act];
  return "unknown";
}

char *
em_nn_dims_to_string (EmNnDims d)
{
  return g_strdup_printf ("%d×%d×%d", d.h, d.w, d.c);
}

void
em_nn_layer_free (EmNnLayer *layer)
{
  if (layer == NULL)
    return;
  g_free (layer->name);
  g_free (layer->weights);
  g_free (layer->bias);
  g_free (layer->gamma);
  g_free (layer->beta);
  g_free (layer->moving_mean);
  g_free (layer->moving_var);
  g_free (layer);
}

static float *
dup_floats (const float *p, gsize n)
{
  return p != NULL ? g_memdup2 (p, n * sizeof (float)) : NULL;
}

EmNnLayer *
em_nn_layer_copy (const EmNnLayer *layer)
{
  EmNnLayer *c = g_new (EmNnLayer, 1);
  gsize nc = layer->type == EM_NN_BATCHNORM ? (gsize) layer->in.c : 0;

  *c = *layer;
  c->name = g_strdup (layer->name);
  c->weights = dup_floats (layer->weights, layer->n_weights);
  c->bias = dup_floats (layer->bias, layer->n_bias);
  c->gamma = dup_floats (layer->gamma, nc);
  c->beta = dup_floats (layer->beta, nc);
  c->moving_mean = dup_floats (layer->moving_mean, nc);
  c->moving_var = dup_floats (layer->moving_var, nc);
  return c;
}

void
em_nn_layer_param_sizes (EmNnLayer *l)
{
  guint64 n_weights = 0, n_bias = 0;

  switch (l->type)
    {
    case EM_NN_DENSE:
      n_weights = (guint64) l->units * (guint64) em_nn_dims_size (l->in);
      n_bias = l->units;
      break;
    case EM_NN_CONV1D:
    case EM_NN_CONV2D:
      n_weights = (guint64) l->filters * l->kernel_h * l->kernel_w * l->in.c;
      n_bias = l->filters;
      break;
    case EM_NN_DEPTHWISE_CONV2D:
      n_weights = (guint64) l->kernel_h * l->kernel_w * l->in.c * l->depth_multiplier;
      n_bias = (guint64) l->in.c * l->depth_multiplier;
      break;
    case EM_NN_BATCHNORM:
      l->n_weights = l->n_bias = 0;
      l->n_params = 4 * (gsize) l->in.c;
      return;
    default:
      l->n_weights = l->n_bias = l->n_params = 0;
      return;
    }
  if (!l->use_bias)
    n_bias = 0;
  l->n_weights = (gsize) n_weights;
  l->n_bias = (gsize) n_bias;
  l->n_params = (gsize) (n_weights + n_bias);
}

void
em_nn_layer_alloc_params (EmNnLayer *l)
{
  em_nn_layer_param_sizes (l);
  if (l->type == EM_NN_BATCHNORM)
    {
      l->gamma = g_new0 (float, l->in.c);
      l->beta = g_new0 (float, l->in.c);
      l->moving_mean = g_new0 (float, l->in.c);
      l->moving_var = g_new0 (float, l->in.c);
      return;
    }
  l->weights = l->n_weights > 0 ? g_new0 (float, l->n_weights) : NULL;
  l->bias = l->n_bias > 0 ? g_new0 (float, l->n_bias) : NULL;
}

int
em_nn_layer_tensors (const EmNnLayer *l, EmNnTensorRef out[EM_NN_LAYER_MAX_TENSORS])
{
  int n = 0;

  if (l->weights != NULL)
    out[n++] = (EmNnTensorRef) { l->weights, l->n_weights, "weights" };
  if (l->bias != NULL)
    out[n++] = (EmNnTensorRef) { l->bias, l->n_bias, "bias" };
  if (l->type == EM_NN_BATCHNORM && l->gamma != NULL)
    {
      gsize c = l->in.c;
      out[n++] = (EmNnTensorRef) { l->gamma, c, "gamma" };
      out[n++] = (EmNnTensorRef) { l->beta, c, "beta" };
      out[n++] = (EmNnTensorRef) { l->moving_mean, c, "moving_mean" };
      out[n++] = (EmNnTensorRef) { l->moving_var, c, "moving_var" };
    }
  return n;
}

EmNnModel *
em_nn_model_new_empty (EmNnDims input)
{
  EmNnModel *m = g_new0 (EmNnModel, 1);

  m->input = input;
  m->layers = g_ptr_array_new_with_free_func ((GDestroyNotify) em_nn_layer_free);
  return m;
}

void
em_nn_model_free (EmNnModel *model)
{
  if (model == NULL)
    return;
  g_ptr_array_unref (model->layers);
  g_free (model);
}

EmNnModel *
em_nn_model_copy (const EmNnModel *model)
{
  EmNnModel *c = em_nn_model_new_empty (model->input);

  for (guint i = 0; i < model->layers->len; i++)
    g_ptr_array_add (c->layers, em_nn_layer_copy (g_ptr_array_index (model->layers, i)));
  return c;
}

void
em_nn_model_copy_weights (EmNnModel *dst, const EmNnModel *src)
{
  g_return_if_fail (dst->layers->len == src->layers->len);
  for (guint i = 0; i < src->layers->len; i++)
    {
      EmNnTensorRef td[EM_NN_LAYER_MAX_TENSORS], ts[EM_NN_LAYER_MAX_TENSORS];
      int nd = em_nn_layer_tensors (g_ptr_array_index (dst->layers, i), td);
      int ns = em_nn_layer_tensors (g_ptr_array_index (src->layers, i), ts);

      g_return_if_fail (nd == ns);
      for (int t = 0; t < ns; t++)
        {
          g_return_if_fail (td[t].n == ts[t].n);
          if (td[t].data != ts[t].data)
            memcpy (td[t].data, ts[t].data, ts[t].n * sizeof (float));
        }
    }
}

EmNnDims
em_nn_model_output (const EmNnModel *model)
{
  const EmNnLayer *last;

  if (model->layers->len == 0)
    return model->input;
  last = g_ptr_array_index (model->layers, model->layers->len - 1);
  return last->out;
}

gsize
em_nn_model_n_params (const EmNnModel *model)
{
  gsize n = 0;

  for (guint i = 0; i < model->layers->len; i++)
    n += ((const EmNnLayer *) g_ptr_array_index (model->layers, i))->n_params;
  return n;
}

guint64
em_nn_model_macs (const EmNnModel *model)
{
  guint64 n = 0;

  for (guint i = 0; i < model->layers->len; i++)
    n += ((const EmNnLayer *) g_ptr_array_index (model->layers, i))->macs;
  return n;
}

/* ---- weight initialization ------------------------------------------- */

/* splitmix64: tiny, well mixed even for seed 0, and the same on every
 * platform, which rand() and GRand's float helpers do not promise. */
static guint64
splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Uniform in [-limit, limit): 24 random bits are exact in a float. */
static float
uniform_sym (guint64 *state, double limit)
{
  double u = (double) (splitmix64 (state) >> 40) * (1.0 / 16777216.0);

  return (float) ((2.0 * u - 1.0) * limit);
}

void
em_nn_model_init_weights (EmNnModel *model, guint64 seed)
{
  guint64 state = seed;

  for (guint i = 0; i < model->layers->len; i++)
    {
      EmNnLayer *l = g_ptr_array_index (model->layers, i);
      double fan_in = 0, fan_out = 0, limit;

      switch (l->type)
        {
        case EM_NN_DENSE:
          fan_in = em_nn_dims_size (l->in);
          fan_out = l->units;
          break;
        case EM_NN_CONV1D:
        case EM_NN_CONV2D:
          fan_in = (double) l->kernel_h * l->kernel_w * l->in.c;
          fan_out = (double) l->kernel_h * l->kernel_w * l->filters;
          break;
        case EM_NN_DEPTHWISE_CONV2D:
          /* Keras' depthwise kernel is (kh, kw, in_c, mult). */
          fan_in = (double) l->kernel_h * l->kernel_w * l->in.c;
          fan_out = (double) l->kernel_h * l->kernel_w * l->depth_multiplier;
          break;
        case EM_NN_BATCHNORM:
          for (int c = 0; c < l->in.c; c++)
            {
              l->gamma[c] = 1.0f;
              l->beta[c] = 0.0f;
              l->moving_mean[c] = 0.0f;
              l->moving_var[c] = 1.0f;
            }
          continue;
        default:
          continue;
        }
      limit = sqrt (6.0 / (fan_in + fan_out));
      for (gsize k = 0; k < l->n_weights; k++)
        l->weights[k] = uniform_sym (&state, limit);
      if (l->bias != NULL)
        memset (l->bias, 0, l->n_bias * sizeof (float));
    }
}
