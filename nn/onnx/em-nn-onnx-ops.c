/* SPDX-License-Identifier: Apache-2.0 */
/* One converter per ONNX operator, each reading the node's attributes and
 * constant inputs, checking them against what Ember's layer computes, and
 * appending the equivalent layer (or aliasing the tensor, for Dropout and
 * Identity). Anything Ember would compute differently is refused with the
 * reason: silently importing a different network is the failure to avoid. */
#include <math.h>
#include <string.h>
#include "em-nn-onnx-private.h"

/* ---- windows: Conv, MaxPool, AveragePool ---- */

typedef struct {
  int         kh, kw, sh, sw, oh, ow;
  EmNnPadding padding;
} Window;

/* Ember's (TensorFlow's) SAME padding along one axis. */
static void
same_axis (int in, int k, int s, int *out, int *before)
{
  int total;

  *out = (in + s - 1) / s;
  total = MAX ((*out - 1) * s + k - in, 0);
  *before = total / 2;
}

/* Read kernel_shape / strides / pads / auto_pad / dilations / ceil_mode of
 * the current node over value @x and find the Ember padding that reads the
 * same input positions, or refuse. @kh, @kw preset by the caller when the
 * kernel comes from a weight tensor (0 otherwise). */
static gboolean
read_window (EmOnnxCtx *ctx, const EmOnnxValue *x, Window *w, gboolean pool, GError **error)
{
  gint64 ks[2] = { 0, 0 }, st[2] = { 1, 1 }, pads[4] = { 0, 0, 0, 0 }, dil[2] = { 1, 1 };
  int nk = 2, ns = 2, np = 4, nd = 2, sp = x->rank - 2;
  int in[2], k[2], s[2], out[2], pb[2], pe[2];
  gint64 ceil_mode = 0;
  g_autofree char *auto_pad = NULL;

  if (x->rank < 3)
    return em_onnx_fail (ctx, error, "needs an image (N, C, H, W) or a sequence (N, C, L), got rank %d", x->rank);
  if (!em_onnx_attr_ints (ctx, "kernel_shape", ks, &nk, error) ||
      !em_onnx_attr_ints (ctx, "strides", st, &ns, error) ||
      !em_onnx_attr_ints (ctx, "pads", pads, &np, error) ||
      !em_onnx_attr_ints (ctx, "dilations", dil, &nd, error) ||
      !em_onnx_attr_int (ctx, "ceil_mode", 0, &ceil_mode, error) ||
      !em_onnx_attr_string (ctx, "auto_pad", &auto_pad, error))
    return FALSE;
  if ((nk != 0 && nk != sp) || (ns != 0 && ns != sp) || (np != 0 && np != 2 * sp) || (nd != 0 && nd != sp))
    return em_onnx_fail (ctx, error, "kernel_shape, strides, pads or dilations do not match a %d-D input", sp);
  if (nk == 0 && pool)
    return em_onnx_fail (ctx, error, "kernel_shape is missing");
  if (ns == 0)
    st[0] = st[1] = 1;
  if (nd == 0)
    dil[0] = dil[1] = 1;
  if (np == 0)
    memset (pads, 0, sizeof pads);
  /* A 1-D window acts along Ember's w with h = 1. */
  in[0] = sp == 2 ? x->dims.h : 1;
  in[1] = x->dims.w;
  for (int a = 0; a < 2; a++)
    {
      int src = sp == 2 ? a : 0;
      gboolean real = sp == 2 || a == 1;
      gint64 kk = nk > 0 ? ks[src] : (a == 0 ? w->kh : w->kw);
      if (!real)
        {
          k[a] = 1, s[a] = 1, pb[a] = 0, pe[a] = 0;
          continue;
        }
      if (nk > 0 && pool == FALSE && kk != (a == 0 ? w->kh : w->kw))
        return em_onnx_fail (ctx, error, "kernel_shape does not match the weights");
      if (kk < 1 || kk > 4096 || st[src] < 1 || st[src] > 4096)
        return em_onnx_fail (ctx, error, "kernel %" G_GINT64_FORMAT " stride %" G_GINT64_FORMAT
                             " out of range", kk, st[src]);
      if (dil[src] != 1)
        return em_onnx_fail (ctx, error, "dilation %" G_GINT64_FORMAT " is not supported (only 1)", dil[src]);
      if (pads[src] < 0 || pads[src] > 4096 || pads[src + sp] < 0 || pads[src + sp] > 4096)
        return em_onnx_fail (ctx, error, "padding out of range");
      k[a] = (int) kk, s[a] = (int) st[src], pb[a] = (int) pads[src], pe[a] = (int) pads[src + sp];
    }

  if (auto_pad != NULL && strcmp (auto_pad, "NOTSET") != 0 && strcmp (auto_pad, "") != 0)
    {
      if (strcmp (auto_pad, "VALID") == 0)
        memset (pb, 0, sizeof pb), memset (pe, 0, sizeof pe);
      else if (strcmp (auto_pad, "SAME_UPPER") == 0 || strcmp (auto_pad, "SAME_LOWER") == 0)
        for (int a = 0; a < 2; a++)
          {
            int o, before, total;
            same_axis (in[a], k[a], s[a], &o, &before);
            total = MAX ((o - 1) * s[a] + k[a] - in[a], 0);
            pb[a] = auto_pad[5] == 'U' ? before : total - before;
            pe[a] = total - pb[a];
          }
      else
        return em_onnx_fail (ctx, error, "auto_pad '%s' is unknown", auto_pad);
    }

  for (int a = 0; a < 2; a++)
    {
      gint64 span = (gint64) in[a] + pb[a] + pe[a] - k[a];
      if (span < 0)
        return em_onnx_fail (ctx, error, "kernel %d does not fit input %d", k[a], in[a]);
      out[a] = (int) (ceil_mode ? (span + s[a] - 1) / s[a] : span / s[a]) + 1;
      /* ceil_mode's extra window must still start inside input + pads. */
      if (ceil_mode && (gint64) (out[a] - 1) * s[a] >= in[a] + pb[a])
        out[a]--;
    }
  w->kh = k[0], w->kw = k[1], w->sh = s[0], w->sw = s[1], w->oh = out[0], w->ow = out[1];
  if (pb[0] == 0 && pb[1] == 0 && (in[0] - k[0]) / s[0] + 1 == out[0] &&
      (in[1] - k[1]) / s[1] + 1 == out[1] && in[0] >= k[0] && in[1] >= k[1])
    {
      w->padding = EM_NN_PAD_VALID;
      return TRUE;
    }
  for (int a = 0; a < 2; a++)
    {
      int o, before;
      same_axis (in[a], k[a], s[a], &o, &before);
      if (o != out[a] || before != pb[a])
        return em_onnx_fail (ctx, error, "padding (%d before, %d after) with kernel %d, stride %d on %d "
                             "is neither 'valid' nor TensorFlow-style 'same', which is all Ember computes",
                             pb[a], pe[a], k[a], s[a], in[a]);
    }
  w->padding = EM_NN_PAD_SAME;
  return TRUE;
}

static void
set_window (JsonObject *o, const Window *w, const char *size_key)
{
  json_object_set_array_member (o, size_key, em_onnx_pair (w->kh, w->kw));
  json_object_set_array_member (o, "strides", em_onnx_pair (w->sh, w->sw));
  json_object_set_string_member (o, "padding", w->padding == EM_NN_PAD_SAME ? "same" : "valid");
}

static gboolean
out_of_range (gint64 n)
{
  return n < 1 || n > EM_NN_ONNX_MAX_ELEMENTS;
}

/* ---- operators ---- */

static gboolean
op_conv (EmOnnxCtx *ctx, GError **error)
{
  static const char * const attrs[] = { "auto_pad", "dilations", "group", "kernel_shape", "pads",
                                        "strides", NULL };
  g_auto(EmOnnxConst) wt = { 0 }, b = { 0 };
  EmOnnxValue *x, y = { 0 };
  EmOnnxParams *p;
  JsonObject *o;
  Window w = { 0 };
  gint64 group, O, I;
  int in_c, kh, kw;
  gboolean dw;

  if (!em_onnx_check_attrs (ctx, attrs, error) || (x = em_onnx_input_value (ctx, 0, error)) == NULL ||
      !em_onnx_input_const (ctx, 1, TRUE, FALSE, &wt, error) ||
      !em_onnx_input_const (ctx, 2, TRUE, TRUE, &b, error) ||
      !em_onnx_attr_int (ctx, "group", 1, &group, error))
    return FALSE;
  if (wt.rank != x->rank)
    return em_onnx_fail (ctx, error, "weights of rank %d for an input of rank %d", wt.rank, x->rank);
  in_c = x->dims.c;
  O = wt.dims[0], I = wt.dims[1];
  kh = x->rank == 4 ? (int) wt.dims[2] : 1;
  kw = (int) wt.dims[x->rank - 1];
  dw = group == in_c && in_c > 1 && I == 1 && O % in_c == 0;
  if (group != 1 && !dw)
    return em_onnx_fail (ctx, error, "group %" G_GINT64_FORMAT " with %d input channels: only 1 "
                         "(a full conv) or one group per channel (depthwise) are supported", group, in_c);
  if (group == 1 && I != in_c)
    return em_onnx_fail (ctx, error, "weights for %" G_GINT64_FORMAT " input channels, input has %d", I, in_c);
  if (out_of_range (O) || kh < 1 || kw < 1)
    return em_onnx_fail (ctx, error, "weights of impossible shape");
  if (b.rank >= 0 && (b.rank != 1 || b.dims[0] != O))
    return em_onnx_fail (ctx, error, "bias of %zu values for %" G_GINT64_FORMAT " filters", b.n, O);
  w.kh = kh, w.kw = kw;
  if (!read_window (ctx, x, &w, FALSE, error))
    return FALSE;

  p = g_new0 (EmOnnxParams, 1);
  p->n_weights = wt.n;
  p->weights = g_new (float, wt.n);
  for (gint64 oc = 0; oc < O; oc++)
    for (int ky = 0; ky < kh; ky++)
      for (int kx = 0; kx < kw; kx++)
        for (gint64 ic = 0; ic < I; ic++)
          {
            float v = wt.f[((oc * I + ic) * kh + ky) * kw + kx];
            if (dw)   /* [kh][kw][in_c * mult], channel c * mult + m = ONNX's output order */
              p->weights[((gsize) ky * kw + kx) * O + oc] = v;
            else      /* [filters][kh][kw][in_c] */
              p->weights[(((gsize) oc * kh + ky) * kw + kx) * I + ic] = v;
          }
  if (b.rank >= 0)
    {
      p->bias = g_steal_pointer (&b.f);
      p->n_bias = (gsize) O;
    }
  o = json_object_new ();
  if (dw)
    json_object_set_int_member (o, "depth_multiplier", O / in_c);
  else
    json_object_set_int_member (o, "filters", O);
  set_window (o, &w, "kernel_size");
  json_object_set_boolean_member (o, "use_bias", p->bias != NULL);
  y.rank = x->rank;
  y.dims = (EmNnDims) { w.oh, w.ow, (int) O };
  y.layer = em_onnx_add_layer (ctx, dw ? "depthwise_conv2d" : "conv2d", o, x->layer, -2, p);
  em_onnx_set_value (ctx, 0, &y);
  return TRUE;
}

static gboolean
op_pool (EmOnnxCtx *ctx, GError **error)
{
  static const char * const attrs[] = { "auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads",
                                        "strides", "storage_order", "count_include_pad", NULL };
  gboolean max = strcmp (ctx->node->op_type, "MaxPool") == 0;
  EmOnnxValue *x, y = { 0 };
  gint64 include_pad = 0, storage = 0;
  Window w = { 0 };
  JsonObject *o;

  if (!em_onnx_check_attrs (ctx, attrs, error) || (x = em_onnx_input_value (ctx, 0, error)) == NULL ||
      !em_onnx_attr_int (ctx, "count_include_pad", 0, &include_pad, error) ||
      !em_onnx_attr_int (ctx, "storage_order", 0, &storage, error) ||
      !read_window (ctx, x, &w, TRUE, error))
    return FALSE;
  if (ctx->node->n_output > 1 && *EM_ONNX_STR (ctx->node->output[1]) != '\0')
    return em_onnx_fail (ctx, error, "the indices output is not supported");
  if (!max && include_pad && w.padding == EM_NN_PAD_SAME)
    return em_onnx_fail (ctx, error, "count_include_pad with padding is not supported");
  o = json_object_new ();
  set_window (o, &w, "pool_size");
  y.rank = x->rank;
  y.dims = (EmNnDims) { w.oh, w.ow, x->dims.c };
  y.layer = em_onnx_add_layer (ctx, max ? "maxpool2d" : "avgpool2d", o, x->layer, -2, NULL);
  em_onnx_set_value (ctx, 0, &y);
  return TRUE;
}

static gboolean
op_global_avgpool (EmOnnxCtx *ctx, GError **error)
{
  static const char * const attrs[] = { NULL };
  EmOnnxValue *x, y = { 0 };

  if (!em_onnx_check_attrs (ctx, attrs, error) || (x = em_onnx_input_value (ctx, 0, error)) == NULL)
    return FALSE;
  if (x->rank < 3)
    return em_onnx_fail (ctx, error, "needs an input of rank 3 or 4, got %d", x->rank);
  y.rank = x->rank;
  y.dims = (EmNnDims) { 1, 1, x->dims.c };
  y.layer = em_onnx_add_layer (ctx, "global_avgpool", NULL, x->layer, -2, NULL);
  em_onnx_set_value (ctx, 0, &y);
  return TRUE;
}

/* Dense weights [units][in] from B ([in, units], or [units, in] if
 * @trans_b), scaled; a (c, h, w)-ordered input permutes the columns. */
static EmOnnxParams *
dense_params (const EmOnnxValue *x, const EmOnnxConst *bt, gboolean trans_b, float alpha, gsize units)
{
  EmOnnxParams *p = g_new0 (EmOnnxParams, 1);
  gsize in = (gsize) em_nn_dims_size (x->dims);
  EmNnDims f = x->from;

  p->n_weights = units * in;
  p->weights = g_new (float, p->n_weights);
  for (gsize u = 0; u < units; u++)
    for (gsize j = 0; j < in; j++)
      {
        float v = trans_b ? bt->f[u * in + j] : bt->f[j * units + u];
        gsize k = j;
        if (x->chw)   /* ONNX column j = (c, y, x) → Ember (y, x, c) */
          {
            gsize c = j / ((gsize) f.h * f.w), yx = j % ((gsize) f.h * f.w);
            k = yx * f.c + c;
          }
        p->weights[u * in + k] = alpha * v;
      }
  return p;
}

static gboolean
flat_input (EmOnnxCtx *ctx, const EmOnnxValue *x, GError **error)
{
  if (x->rank != 2 && (x->dims.h != 1 || x->dims.w != 1))
    return em_onnx_fail (ctx, error, "needs a flat (N, features) input, got rank %d; add a Flatten", x->rank);
  return TRUE;
}

static gboolean
op_gemm (EmOnnxCtx *ctx, GError **error)
{
  static const char * const attrs[] = { "alpha", "beta", "transA", "transB", NULL };
  g_auto(EmOnnxConst) bt = { 0 }, c = { 0 };
  EmOnnxValue *x, y = { 0 };
  gint64 trans_a, trans_b, in, units;
  float alpha, beta;
  EmOnnxParams *p;
  JsonObject *o;

  if (!em_onnx_check_attrs (ctx, attrs, error) || (x = em_onnx_input_value (ctx, 0, error)) == NULL ||
      !em_onnx_input_const (ctx, 1, TRUE, FALSE, &bt, error) ||
      !em_onnx_input_const (ctx, 2, TRUE, TRUE, &c, error) ||
      !em_onnx_attr_int (ctx, "transA", 0, &trans_a, error) ||
      !em_onnx_attr_int (ctx, "transB", 0, &trans_b, error) ||
      !em_onnx_attr_float (ctx, "alpha", 1.0f, &alpha, error) ||
      !em_onnx_attr_float (ctx, "beta", 1.0f, &beta, error) ||
      !flat_input (ctx, x, error))
    return FALSE;
  if (trans_a)
    return em_onnx_fail (ctx, error, "transA is not supported");
  in = em_nn_dims_size (x->dims);
  if (bt.rank != 2 || bt.dims[trans_b ? 1 : 0] != in)
    return em_onnx_fail (ctx, error, "weights do not match an input of %" G_GINT64_FORMAT " features", in);
  units = bt.dims[trans_b ? 0 : 1];
  if (out_of_range (units))
    return em_onnx_fail (ctx, error, "weights of impossible shape");
  if (c.rank >= 0 && c.n != (gsize) units && c.n != 1)
    return em_onnx_fail (ctx, error, "bias of %zu values for %" G_GINT64_FORMAT " units", c.n, units);
  p = dense_params (x, &bt, trans_b != 0, alpha, (gsize) units);
  if (c.rank >= 0)
    {
      p->n_bias = (gsize) units;
      p->bias = g_new (float, units);
      for (gint64 u = 0; u < units; u++)
        p->bias[u] = beta * c.f[c.n == 1 ? 0 : u];
    }
  o = json_object_new ();
  json_object_set_int_member (o, "units", units);
  json_object_set_boolean_member (o, "use_bias", p->bias != NULL);
  y.rank = 2;
  y.dims = (EmNnDims) { 1, 1, (int) units };
  y.layer = em_onnx_add_layer (ctx, "dense", o, x->layer, -2, p);
  em_onnx_set_value (ctx, 0, &y);
  return TRUE;
}

static gboolean
op_matmul (EmOnnxCtx *ctx, GError **error)
{
  static const char * const attrs[] = { NULL };
  g_auto(EmOnnxConst) bt = { 0 };
  EmOnnxValue *x, y = { 0 };
  JsonObject *o;
  gint64 in;

  if (!em_onnx_check_attrs (ctx, attrs, error) || (x = em_onnx_input_value (ctx, 0, error)) == NULL ||
      !em_onnx_input_const (ctx, 1, TRUE, FALSE, &bt, error) || !flat_input (ctx, x, error))
    return FALSE;
  in = em_nn_dims_size (x->dims);
  if (bt.rank != 2 || bt.dims[0] != in || out_of_range (bt.dims[1]))
    return em_onnx_fail (ctx, error, "needs constant weights of shape (%" G_GINT64_FORMAT ", units)", in);
  o = json_object_new ();
  json_object_set_int_member (o, "units", bt.dims[1]);
  json_object_set_boolean_member (o, "use_bias", FALSE);
  y.rank = 2;
  y.dims = (EmNnDims) { 1, 1, (int) bt.dims[1] };
  y.layer = em_onnx_add_layer (ctx, "dense", o, x->layer, -2,
                               dense_params (x, &bt, FALSE, 1.0f, (gsize) bt.dims[1]));
  g_ptr_array_index (ctx->from_matmul, y.layer) = (gpointer) ctx->node;
  em_onnx_set_value (ctx, 0, &y);
  return TRUE;
}

static gboolean
op_add (EmOnnxCtx *ctx, GError **error)
{
  static const char * const attrs[] = { NULL };
  const char *a_name, *b_name;
  EmOnnxValue *a, *b, y;
  gboolean a_const, b_const;

  if (!em_onnx_check_attrs (ctx, attrs, error))
    return FALSE;
  if (ctx->node->n_input != 2)
    return em_onnx_fail (ctx, error, "needs 2 inputs");
  a_name = EM_ONNX_STR (ctx->node->input[0]);
  b_name = EM_ONNX_STR (ctx->node->input[1]);
  a_const = g_hash_table_contains (ctx->consts, a_name);
  b_const = g_hash_table_contains (ctx->consts, b_name);
  if (a_const && b_const)
    return em_onnx_fail (ctx, error, "adds two constants");
  if (a_const || b_const)
    {
      /* MatMul + Add is a dense layer with a bias. */
      g_auto(EmOnnxConst) c = { 0 };
      EmOnnxParams *p;
      JsonObject *o;
      if ((a = em_onnx_input_value (ctx, a_const ? 1 : 0, error)) == NULL ||
          !em_onnx_input_const (ctx, a_const ? 0 : 1, TRUE, FALSE, &c, error))
        return FALSE;
      if (a->layer < 0 || g_ptr_array_index (ctx->from_matmul, a->layer) == NULL ||
          GPOINTER_TO_INT (g_hash_table_lookup (ctx->uses, a_const ? b_name : a_name)) != 1 ||
          c.n != (gsize) a->dims.c || c.rank < 1 || c.dims[c.rank - 1] != a->dims.c)
        return em_onnx_fail (ctx, error, "adding a constant is only supported as the bias of a MatMul");
      p = g_ptr_array_index (ctx->params, a->layer);
      o = g_ptr_array_index (ctx->layers, a->layer);
      p->n_bias = c.n;
      p->bias = g_steal_pointer (&c.f);
      json_object_set_boolean_member (o, "use_bias", TRUE);
      g_ptr_array_index (ctx->from_matmul, a->layer) = NULL;
      em_onnx_set_value (ctx, 0, a);
      return TRUE;
    }
  if ((a = em_onnx_input_value (ctx, 0, error)) == NULL || (b = em_onnx_input_value (ctx, 1, error)) == NULL)
    return FALSE;
  if (a->rank != b->rank || a->chw != b->chw || memcmp (&a->dims, &b->dims, sizeof a->dims) != 0 ||
      (a->chw && memcmp (&a->from, &b->from, sizeof a->from) != 0))
    return em_onnx_fail (ctx, error, "inputs of different shapes (broadcasting is not supported)");
  y = *a;
  y.layer = em_onnx_add_layer (ctx, "add", NULL, a->layer, b->layer, NULL);
  em_onnx_set_value (ctx, 0, &y);
  return TRUE;
}

static gboolean
activation (EmOnnxCtx *ctx, const char *act, GError **error)
{
  EmOnnxValue *x, y;
  JsonObject *o;

  if ((x = em_onnx_input_value (ctx, 0, error)) == NULL)
    return FALSE;
  o = json_object_new ();
  json_object_set_string_member (o, "activation", act);
  y = *x;
  y.layer = em_onnx_add_layer (ctx, "activation", o, x->layer, -2, NULL);
  em_onnx_set_value (ctx, 0, &y);
  return TRUE;
}

static gboolean
op_simple_activation (EmOnnxCtx *ctx, GError **error)
{
  static const char * const attrs[] = { NULL };
  const char *op = ctx->node->op_type;

  if (!em_onnx_check_attrs (ctx, attrs, error))
    return FALSE;
  return activation (ctx, strcmp (op, "Relu") == 0 ? "relu" : strcmp (op, "Sigmoid") == 0 ? "sigmoid"
                     : "tanh", error);
}

static gboolean
op_clip (EmOnnxCtx *ctx, GError **error)
{
  static const char * const attrs[] = { "min", "max", NULL };
  float lo = -INFINITY, hi = INFINITY;

  if (!em_onnx_check_attrs (ctx, attrs, error))
    return FALSE;
  if (ctx->opset < 11)
    {
      if (!em_onnx_attr_float (ctx, "min", -INFINITY, &lo, error) ||
          !em_onnx_attr_float (ctx, "max", INFINITY, &hi, error))
        return FALSE;
    }
  else
    for (guint i = 1; i <= 2; i++)
      {
        g_auto(EmOnnxConst) c = { 0 };
        if (!em_onnx_input_const (ctx, i, TRUE, TRUE, &c, error))
          return FALSE;
        if (c.rank < 0)
          continue;
        if (c.n != 1)
          return em_onnx_fail (ctx, error, "min / max must be scalars");
        *(i == 1 ? &lo : &hi) = c.f[0];
      }
  if (lo == 0.0f && hi == 6.0f)
    return activation (ctx, "relu6", error);
  if (lo == 0.0f && isinf (hi) && hi > 0)
    return activation (ctx, "relu", error);
  return em_onnx_fail (ctx, error, "Clip to [%g, %g] is not supported (only ReLU6, [0, 6], and ReLU)", lo, hi);
}

static gboolean
op_softmax (EmOnnxCtx *ctx, GError **error)
{
  static const char * const attrs[] = { "axis", NULL };
  EmOnnxValue *x, y;
  gint64 axis;

  if (!em_onnx_check_attrs (ctx, attrs, error) || (x = em_onnx_input_value (ctx, 0, error)) == NULL ||
      !em_onnx_attr_int (ctx, "axis", ctx->opset >= 13 ? -1 : 1, &axis, error))
    return FALSE;
  if (axis < 0)
    axis += x->rank;
  /* Ember's softmax spans all of a flat tensor: ONNX's axis 1 of a flat
   * tensor (opset < 13 also flattens what follows the axis). */
  if (x->dims.h != 1 || x->dims.w != 1 || axis != 1)
    return em_onnx_fail (ctx, error, "only a softmax over the features of a flat (N, features) tensor "
                         "is supported");
  y = *x;
  y.layer = em_onnx_add_layer (ctx, "softmax", NULL, x->layer, -2, NULL);
  em_onnx_set_value (ctx, 0, &y);
  return TRUE;
}

/* A flat result of @x: Ember keeps (h, w, c) order. */
static gboolean
flatten_to (EmOnnxCtx *ctx, EmOnnxValue *x, GError **error)
{
  EmOnnxValue y = { 0 };

  if (x->rank == 2)
    {
      em_onnx_set_value (ctx, 0, x);
      return TRUE;
    }
  y.rank = 2;
  y.dims = (EmNnDims) { 1, 1, em_nn_dims_size (x->dims) };
  y.chw = x->dims.c > 1 && x->dims.h * x->dims.w > 1;
  y.from = x->dims;
  y.layer = em_onnx_add_layer (ctx, "flatten", NULL, x->layer, -2, NULL);
  em_onnx_set_value (ctx, 0, &y);
  return TRUE;
}

static gboolean
op_flatten (EmOnnxCtx *ctx, GError **error)
{
  static const char * const attrs[] = { "axis", NULL };
  EmOnnxValue *x;
  gint64 axis;

  if (!em_onnx_check_attrs (ctx, attrs, error) || (x = em_onnx_input_value (ctx, 0, error)) == NULL ||
      !em_onnx_attr_int (ctx, "axis", 1, &axis, error))
    return FALSE;
  if (axis != 1 && axis != 1 - x->rank)
    return em_onnx_fail (ctx, error, "axis %" G_GINT64_FORMAT " is not supported (only 1)", axis);
  return flatten_to (ctx, x, error);
}

static gboolean
op_reshape (EmOnnxCtx *ctx, GError **error)
{
  static const char * const attrs[] = { "allowzero", NULL };
  g_auto(EmOnnxConst) s = { 0 };
  gint64 in_shape[4], shape[4], known = 1, allow_zero;
  int in_rank, minus = -1;
  EmOnnxValue *x, y = { 0 };
  gboolean same_order;
  JsonArray *arr;
  JsonObject *o;

  if (!em_onnx_check_attrs (ctx, attrs, error) || (x = em_onnx_input_value (ctx, 0, error)) == NULL ||
      !em_onnx_input_const (ctx, 1, FALSE, FALSE, &s, error) ||
      !em_onnx_attr_int (ctx, "allowzero", 0, &allow_zero, error))
    return FALSE;
  in_rank = em_onnx_value_shape (x, in_shape);
  if (s.rank != 1 || s.n < 2 || s.n > 4)
    return em_onnx_fail (ctx, error, "target shape must have 2 to 4 dimensions");
  for (gsize i = 0; i < s.n; i++)
    {
      shape[i] = s.i[i];
      if (shape[i] == 0 && !allow_zero)
        {
          if (i >= (gsize) in_rank)
            return em_onnx_fail (ctx, error, "shape copies dimension %zu the input does not have", i);
          shape[i] = in_shape[i];
        }
      if (shape[i] == -1 && minus < 0)
        minus = (int) i;
      else if (shape[i] < 1 || shape[i] > EM_NN_ONNX_MAX_ELEMENTS)
        return em_onnx_fail (ctx, error, "target dimension %zu is %" G_GINT64_FORMAT, i, s.i[i]);
      else
        known *= shape[i];
      if (known > EM_NN_ONNX_MAX_ELEMENTS)
        return em_onnx_fail (ctx, error, "target shape too large");
    }
  if (minus >= 0)
    {
      if (em_nn_dims_size (x->dims) % known != 0)
        return em_onnx_fail (ctx, error, "cannot reshape %d elements", em_nn_dims_size (x->dims));
      shape[minus] = em_nn_dims_size (x->dims) / known;
      known *= shape[minus];
    }
  if (known != em_nn_dims_size (x->dims) || shape[0] != 1)
    return em_onnx_fail (ctx, error, "the target shape must keep the batch (1) and the %d elements",
                         em_nn_dims_size (x->dims));
  if (s.n == 2)
    return flatten_to (ctx, x, error);
  y.rank = (int) s.n;
  y.dims = s.n == 4 ? (EmNnDims) { (int) shape[2], (int) shape[3], (int) shape[1] }
                    : (EmNnDims) { 1, (int) shape[2], (int) shape[1] };
  /* Ember's reshape keeps memory order; that equals ONNX's only when at
   * most one of channels and positions is larger than 1 on both sides. */
  same_order = !x->chw && (x->rank == 2 || x->dims.c == 1 || x->dims.h * x->dims.w == 1) &&
               (y.dims.c == 1 || y.dims.h * y.dims.w == 1);
  if (!same_order)
    return em_onnx_fail (ctx, error, "this reshape would need a transpose between ONNX's NCHW and "
                         "Ember's NHWC layout, which is not supported");
  o = json_object_new ();
  arr = json_array_new ();
  json_array_add_int_element (arr, y.dims.h);
  json_array_add_int_element (arr, y.dims.w);
  json_array_add_int_element (arr, y.dims.c);
  json_object_set_array_member (o, "shape", arr);
  y.layer = em_onnx_add_layer (ctx, "reshape", o, x->layer, -2, NULL);
  em_onnx_set_value (ctx, 0, &y);
  return TRUE;
}

static gboolean
op_batchnorm (EmOnnxCtx *ctx, GError **error)
{
  static const char * const attrs[] = { "epsilon", "momentum", "spatial", "training_mode",
                                        "is_test", "consumed_inputs", NULL };
  EmOnnxConst c[4] = { { 0 } };
  EmOnnxValue *x, y;
  EmOnnxParams *p;
  JsonObject *o;
  gint64 training, spatial;
  float eps;
  gboolean ok = TRUE;

  if (!em_onnx_check_attrs (ctx, attrs, error) || (x = em_onnx_input_value (ctx, 0, error)) == NULL ||
      !em_onnx_attr_float (ctx, "epsilon", 1e-5f, &eps, error) ||
      !em_onnx_attr_int (ctx, "training_mode", 0, &training, error) ||
      !em_onnx_attr_int (ctx, "spatial", 1, &spatial, error))
    return FALSE;
  if (training || spatial != 1)
    return em_onnx_fail (ctx, error, "training mode / non-spatial batch normalization is not supported");
  for (gsize i = 1; i < ctx->node->n_output; i++)
    if (*EM_ONNX_STR (ctx->node->output[i]) != '\0')
      return em_onnx_fail (ctx, error, "the running statistics outputs are not supported");
  if (x->chw)
    return em_onnx_fail (ctx, error, "batch normalization of a flattened image is not supported");
  if (!(eps > 0.0f && eps <= 1.0f))
    return em_onnx_fail (ctx, error, "epsilon %g out of range", eps);
  for (guint i = 0; i < 4 && ok; i++)
    {
      ok = em_onnx_input_const (ctx, i + 1, TRUE, FALSE, &c[i], error);
      if (ok && c[i].n != (gsize) x->dims.c)
        ok = em_onnx_fail (ctx, error, "parameter %u has %zu values for %d channels", i + 2, c[i].n, x->dims.c);
    }
  if (!ok)
    {
      for (int i = 0; i < 4; i++)
        em_onnx_const_clear (&c[i]);
      return FALSE;
    }
  p = g_new0 (EmOnnxParams, 1);
  p->n_channels = (gsize) x->dims.c;
  p->gamma = c[0].f, p->beta = c[1].f, p->mean = c[2].f, p->var = c[3].f;
  o = json_object_new ();
  json_object_set_double_member (o, "epsilon", eps);
  y = *x;
  y.layer = em_onnx_add_layer (ctx, "batchnorm", o, x->layer, -2, p);
  em_onnx_set_value (ctx, 0, &y);
  return TRUE;
}

static gboolean
op_identity (EmOnnxCtx *ctx, GError **error)
{
  static const char * const attrs[] = { "ratio", "seed", "is_test", NULL };
  EmOnnxValue *x;

  if (!em_onnx_check_attrs (ctx, attrs, error) || (x = em_onnx_input_value (ctx, 0, error)) == NULL)
    return FALSE;
  if (ctx->node->n_output > 1 && *EM_ONNX_STR (ctx->node->output[1]) != '\0' &&
      g_hash_table_lookup (ctx->uses, ctx->node->output[1]) != NULL)
    return em_onnx_fail (ctx, error, "the dropout mask output is not supported");
  em_onnx_set_value (ctx, 0, x);
  return TRUE;
}

static gboolean
op_constant (EmOnnxCtx *ctx, GError **error)
{
  static const char * const attrs[] = { "value", NULL };
  const Onnx__TensorProto *t;
  g_autofree char *what = NULL;

  if (!em_onnx_check_attrs (ctx, attrs, error))
    return FALSE;
  t = em_onnx_attr_tensor (ctx, "value");
  what = g_strdup_printf ("constant '%s'", ctx->node_name);
  if (t == NULL || ctx->node->n_output != 1 || *EM_ONNX_STR (ctx->node->output[0]) == '\0')
    return em_onnx_fail (ctx, error, "only a tensor 'value' with one output is supported");
  if (!em_onnx_check_tensor (t, what, error))
    return FALSE;
  g_hash_table_insert (ctx->consts, g_strdup (ctx->node->output[0]), (gpointer) t);
  return TRUE;
}

/* PyTorch puts a Pad of zeros before every AveragePool with
 * count_include_pad: nothing to compute. Real padding has no Ember layer. */
static gboolean
op_pad (EmOnnxCtx *ctx, GError **error)
{
  static const char * const attrs[] = { "mode", "pads", "value", NULL };
  g_auto(EmOnnxConst) pads = { 0 }, value = { 0 };
  g_autofree char *mode = NULL;
  gint64 attr_pads[8];
  int n = 8;
  EmOnnxValue *x;

  if (!em_onnx_check_attrs (ctx, attrs, error) || (x = em_onnx_input_value (ctx, 0, error)) == NULL ||
      !em_onnx_attr_string (ctx, "mode", &mode, error) ||
      !em_onnx_attr_ints (ctx, "pads", attr_pads, &n, error))
    return FALSE;
  if (ctx->opset >= 11)
    {
      if (!em_onnx_input_const (ctx, 1, FALSE, FALSE, &pads, error) ||
          !em_onnx_input_const (ctx, 2, TRUE, TRUE, &value, error))
        return FALSE;
      if (ctx->node->n_input > 3 && *EM_ONNX_STR (ctx->node->input[3]) != '\0')
        return em_onnx_fail (ctx, error, "the axes input is not supported");
      n = (int) pads.n;
    }
  for (int i = 0; i < n; i++)
    if ((pads.i != NULL ? pads.i[i] : attr_pads[i]) != 0)
      return em_onnx_fail (ctx, error, "explicit padding is not supported (only a Pad of zeros)");
  em_onnx_set_value (ctx, 0, x);
  return TRUE;
}

typedef struct {
  const char *op;
  gboolean  (*convert) (EmOnnxCtx *ctx, GError **error);
} OpEntry;

static const OpEntry ops[] = {
  { "Conv", op_conv },
  { "MaxPool", op_pool },
  { "AveragePool", op_pool },
  { "GlobalAveragePool", op_global_avgpool },
  { "Gemm", op_gemm },
  { "MatMul", op_matmul },
  { "Add", op_add },
  { "Relu", op_simple_activation },
  { "Sigmoid", op_simple_activation },
  { "Tanh", op_simple_activation },
  { "Clip", op_clip },
  { "Softmax", op_softmax },
  { "Flatten", op_flatten },
  { "Reshape", op_reshape },
  { "BatchNormalization", op_batchnorm },
  { "Dropout", op_identity },
  { "Identity", op_identity },
  { "Constant", op_constant },
  { "Pad", op_pad },
};

static const OpEntry *
find_op (const char *domain, const char *op_type)
{
  if (domain != NULL && *domain != '\0' && strcmp (domain, "ai.onnx") != 0)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (ops); i++)
    if (g_strcmp0 (ops[i].op, op_type) == 0)
      return &ops[i];
  return NULL;
}

gboolean
em_onnx_op_supported (const char *domain, const char *op_type)
{
  return find_op (domain, op_type) != NULL;
}

gboolean
em_onnx_convert_node (EmOnnxCtx *ctx, GError **error)
{
  const OpEntry *e = find_op (ctx->node->domain, ctx->node->op_type);

  if (ctx->node->n_output < 1 || *EM_ONNX_STR (ctx->node->output[0]) == '\0')
    return em_onnx_fail (ctx, error, "has no output");
  return e->convert (ctx, error);
}
