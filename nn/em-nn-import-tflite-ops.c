/* SPDX-License-Identifier: Apache-2.0 */
/* One conversion per TFLite operator (see em-nn-import-tflite.c for the
 * rules they follow): geometry from the tensors' shapes and the options,
 * padding by TFLite's formulas, weights and biases copied out of the file,
 * int8 requantization from the model's own scales. */
#include <math.h>
#include <string.h>
#include "em-nn-import-tflite-conv.h"
#include "em-nn-quant-tflm-private.h"

/* An activation input already written (by the model input or an earlier op). */
static gint32
tfl_input_of (Conv *cv, const TflOp *src, guint32 k, const char *what)
{
  gint32 t = k < src->n_inputs ? src->inputs[k] : -1;

  if (t < 0)
    {
      tfl_fail (cv, "%s: input %u is absent", what, k);
      return -1;
    }
  if (cv->map[t] < 0)
    {
      tfl_fail (cv, "%s: tensor %d (%s) is read before anything writes it", what, t, cv->m->tensors[t].name);
      return -1;
    }
  return cv->map[t];
}

static gint32
tfl_output_of (Conv *cv, const TflOp *src, gint32 alias_of, const char *what)
{
  gint32 t;

  if (src->n_outputs < 1)
    {
      tfl_fail (cv, "%s: has no output", what);
      return -1;
    }
  t = src->outputs[0];
  if (cv->map[t] >= 0)
    {
      tfl_fail (cv, "%s: tensor %d (%s) is written twice", what, t, cv->m->tensors[t].name);
      return -1;
    }
  return tfl_program_tensor (cv, t, alias_of);
}

static gboolean
tfl_want_options (Conv *cv, const TflOp *src, guint8 type, const char *what)
{
  if (src->options_type != type)
    return tfl_fail (cv, "%s: options of type %u, expected %u", what, src->options_type, type);
  return TRUE;
}

static gboolean
tfl_conv_op (Conv *cv, const TflOp *src, guint32 index, const char *what, gboolean depthwise)
{
  gint32 in = tfl_input_of (cv, src, 0, what), out, wt = src->n_inputs > 1 ? src->inputs[1] : -1;
  const TflTensor *w;
  EmNnOp op;
  EmNnGeom *g = &op.geom;
  gint32 oc, kh, kw;
  guint64 n_weights, macs;

  if (in < 0 || (out = tfl_output_of (cv, src, -1, what)) < 0)
    return FALSE;
  if (wt < 0 || !tfl_want_options (cv, src, depthwise ? 2 : 1, what))
    return tfl_fail (cv, "%s: weights or options missing", what);
  w = &cv->m->tensors[wt];
  if (w->rank != 4)
    return tfl_fail (cv, "%s: weights of rank %d, expected 4", what, w->rank);
  op = tfl_new_op (depthwise ? EM_NN_OP_DEPTHWISE : EM_NN_OP_CONV2D, in, out);
  oc = depthwise ? w->shape[3] : w->shape[0];
  kh = w->shape[1];
  kw = w->shape[2];
  g->in_h = TENSOR (in)->h;
  g->in_w = TENSOR (in)->w;
  g->in_c = TENSOR (in)->c;
  g->out_h = TENSOR (out)->h;
  g->out_w = TENSOR (out)->w;
  g->out_c = TENSOR (out)->c;
  g->kernel_h = kh;
  g->kernel_w = kw;
  g->stride_w = (gint32) CLAMP (src->opt[1], 0, 1000);
  g->stride_h = (gint32) CLAMP (src->opt[2], 0, 1000);
  if (oc != g->out_c || (depthwise ? (w->shape[0] != 1 || oc % g->in_c != 0) : w->shape[3] != g->in_c))
    return tfl_fail (cv, "%s: weights [%d, %d, %d, %d] do not match input %d and output %d channels", what,
                 w->shape[0], w->shape[1], w->shape[2], w->shape[3], g->in_c, g->out_c);
  g->depth_multiplier = depthwise ? oc / g->in_c : 1;
  if ((depthwise ? src->opt[5] != 1 || src->opt[6] != 1 : src->opt[4] != 1 || src->opt[5] != 1))
    return tfl_fail (cv, "%s: dilation is not supported", what);
  if (!tfl_pad_of (cv, what, src->opt[0], g->in_h, kh, g->stride_h, g->out_h, &g->pad_top) ||
      !tfl_pad_of (cv, what, src->opt[0], g->in_w, kw, g->stride_w, g->out_w, &g->pad_left))
    return FALSE;
  n_weights = (guint64) kh * kw * oc * (depthwise ? 1 : g->in_c);
  op.weights = tfl_const_data (cv, wt, cv->int8 ? TFL_INT8 : TFL_FLOAT32, n_weights, FALSE, "weights");
  if (op.weights == NULL)
    return FALSE;
  op.bias = tfl_const_data (cv, src->n_inputs > 2 ? src->inputs[2] : -1, cv->int8 ? TFL_INT32 : TFL_FLOAT32,
                        (guint64) oc, TRUE, "bias");
  if (cv->error != NULL && *cv->error != NULL)
    return FALSE;
  if (cv->int8 && !tfl_requant (cv, what, wt, in, out, oc, &op))
    return FALSE;
  if (!tfl_fused_act (cv, what, depthwise ? src->opt[4] : src->opt[3], out, &op))
    return FALSE;
  macs = (guint64) g->out_h * g->out_w * oc * kh * kw * (depthwise ? 1 : g->in_c);
  tfl_push_op (cv, &op, index, src);
  tfl_row (cv, src, src->outputs[0], n_weights + (op.bias != NULL ? (guint64) oc : 0), macs);
  return TRUE;
}

static gboolean
tfl_dense_op (Conv *cv, const TflOp *src, guint32 index, const char *what)
{
  gint32 in = tfl_input_of (cv, src, 0, what), out, wt = src->n_inputs > 1 ? src->inputs[1] : -1;
  const TflTensor *w;
  guint64 in_n, out_n;
  EmNnOp op;

  if (in < 0 || (out = tfl_output_of (cv, src, -1, what)) < 0)
    return FALSE;
  if (wt < 0 || !tfl_want_options (cv, src, 8, what))
    return tfl_fail (cv, "%s: weights or options missing", what);
  if (src->opt[1] != 0)
    return tfl_fail (cv, "%s: shuffled weights are not supported", what);
  w = &cv->m->tensors[wt];
  in_n = TENSOR (in)->size;
  out_n = TENSOR (out)->size;
  if (w->rank != 2 || (guint64) w->shape[0] != out_n || (guint64) w->shape[1] != in_n)
    return tfl_fail (cv, "%s: weights do not match %" G_GUINT64_FORMAT " inputs and %" G_GUINT64_FORMAT " outputs", what,
                 in_n, out_n);
  op = tfl_new_op (EM_NN_OP_DENSE, in, out);
  op.weights = tfl_const_data (cv, wt, cv->int8 ? TFL_INT8 : TFL_FLOAT32, in_n * out_n, FALSE, "weights");
  if (op.weights == NULL)
    return FALSE;
  op.bias = tfl_const_data (cv, src->n_inputs > 2 ? src->inputs[2] : -1, cv->int8 ? TFL_INT32 : TFL_FLOAT32, out_n,
                        TRUE, "bias");
  if (cv->error != NULL && *cv->error != NULL)
    return FALSE;
  if (cv->int8 && !tfl_requant (cv, what, wt, in, out, (gint32) out_n, &op))
    return FALSE;
  if (!tfl_fused_act (cv, what, src->opt[0], out, &op))
    return FALSE;
  tfl_push_op (cv, &op, index, src);
  tfl_row (cv, src, src->outputs[0], in_n * out_n + (op.bias != NULL ? out_n : 0), in_n * out_n);
  return TRUE;
}

static gboolean
tfl_pool_op (Conv *cv, const TflOp *src, guint32 index, const char *what, gboolean max)
{
  gint32 in = tfl_input_of (cv, src, 0, what), out;
  EmNnOp op;
  EmNnGeom *g = &op.geom;

  if (in < 0 || (out = tfl_output_of (cv, src, -1, what)) < 0 || !tfl_want_options (cv, src, 5, what))
    return FALSE;
  op = tfl_new_op (max ? EM_NN_OP_MAXPOOL : EM_NN_OP_AVGPOOL, in, out);
  g->in_h = TENSOR (in)->h;
  g->in_w = TENSOR (in)->w;
  g->in_c = TENSOR (in)->c;
  g->out_h = TENSOR (out)->h;
  g->out_w = TENSOR (out)->w;
  g->out_c = TENSOR (out)->c;
  g->stride_w = (gint32) CLAMP (src->opt[1], 0, 1000);
  g->stride_h = (gint32) CLAMP (src->opt[2], 0, 1000);
  g->kernel_w = (gint32) CLAMP (src->opt[3], 0, 1000);
  g->kernel_h = (gint32) CLAMP (src->opt[4], 0, 1000);
  if (g->in_c != g->out_c)
    return tfl_fail (cv, "%s: input and output channels differ", what);
  if (cv->int8 && (TENSOR (in)->scale != TENSOR (out)->scale || TENSOR (in)->zero_point != TENSOR (out)->zero_point))
    return tfl_fail (cv, "%s: input and output quantization differ", what);
  if (!tfl_pad_of (cv, what, src->opt[0], g->in_h, g->kernel_h, g->stride_h, g->out_h, &g->pad_top) ||
      !tfl_pad_of (cv, what, src->opt[0], g->in_w, g->kernel_w, g->stride_w, g->out_w, &g->pad_left) ||
      !tfl_fused_act (cv, what, src->opt[5], out, &op))
    return FALSE;
  if (!cv->int8 && op.act != EM_NN_ACT_NONE)
    return tfl_fail (cv, "%s: a fused activation on a float pool is not supported", what);
  tfl_push_op (cv, &op, index, src);
  tfl_row (cv, src, src->outputs[0], 0, 0);
  return TRUE;
}

static gboolean
tfl_same_quant (Conv *cv, gint32 a, gint32 b)
{
  return !cv->int8 || (TENSOR (a)->scale == TENSOR (b)->scale && TENSOR (a)->zero_point == TENSOR (b)->zero_point);
}

static gboolean
tfl_pad_op (Conv *cv, const TflOp *src, guint32 index, const char *what)
{
  gint32 in = tfl_input_of (cv, src, 0, what), out, pt = src->n_inputs > 1 ? src->inputs[1] : -1;
  const TflTensor *x;
  const gint32 *pads;
  gint32 v[8] = { 0 };
  EmNnOp op;
  EmNnGeom *g = &op.geom;

  if (in < 0 || (out = tfl_output_of (cv, src, -1, what)) < 0)
    return FALSE;
  x = &cv->m->tensors[src->inputs[0]];
  if (x->rank != 4 && x->rank != 3)
    return tfl_fail (cv, "%s: only 3-D and 4-D inputs are supported", what);
  if ((pads = tfl_const_data (cv, pt, TFL_INT32, (guint64) x->rank * 2, FALSE, "paddings")) == NULL)
    return FALSE;
  for (int k = 0; k < 2 * x->rank; k++)
    v[k] = (gint32) GINT32_FROM_LE (pads[k]);
  if (x->rank == 3)
    {
      /* [batch, w, c] → [batch, (h), w, c] */
      memmove (v + 4, v + 2, 4 * sizeof (gint32));
      v[2] = v[3] = 0;
    }
  for (int k = 0; k < 8; k++)
    if (v[k] < 0 || v[k] > (1 << 16))
      return tfl_fail (cv, "%s: padding %d out of range", what, v[k]);
  if (v[0] != 0 || v[1] != 0 || v[6] != 0 || v[7] != 0)
    return tfl_fail (cv, "%s: only height and width can be padded", what);
  op = tfl_new_op (EM_NN_OP_PAD, in, out);
  g->in_h = TENSOR (in)->h;
  g->in_w = TENSOR (in)->w;
  g->in_c = TENSOR (in)->c;
  g->out_h = TENSOR (out)->h;
  g->out_w = TENSOR (out)->w;
  g->out_c = TENSOR (out)->c;
  g->pad_top = v[2];
  g->pad_left = v[4];
  g->kernel_h = g->kernel_w = g->stride_h = g->stride_w = 1;
  if ((gint64) g->in_h + v[2] + v[3] != g->out_h || (gint64) g->in_w + v[4] + v[5] != g->out_w ||
      g->in_c != g->out_c || !tfl_same_quant (cv, in, out))
    return tfl_fail (cv, "%s: the output does not match the padded input", what);
  /* TFLite pads an int8 tensor with its zero point: the value 0.0. */
  op.q.output_offset = cv->int8 ? TENSOR (out)->zero_point : 0;
  tfl_push_op (cv, &op, index, src);
  tfl_row (cv, src, src->outputs[0], 0, 0);
  return TRUE;
}

/* Two or more inputs along one axis, as a chain of two-input ops. */
static gboolean
tfl_concat_op (Conv *cv, const TflOp *src, guint32 index, const char *what)
{
  gint32 acc, axis, rank, tout;
  gint64 outer = 1, acc_chunk;
  const TflTensor *xo;

  if (src->n_inputs < 2 || !tfl_want_options (cv, src, 10, what))
    return tfl_fail (cv, "%s: needs two inputs or more and its options", what);
  if (src->opt[1] != ACT_NONE)
    return tfl_fail (cv, "%s: a fused activation is not supported", what);
  if ((acc = tfl_input_of (cv, src, 0, what)) < 0)
    return FALSE;
  tout = src->outputs != NULL && src->n_outputs > 0 ? src->outputs[0] : -1;
  if (tout < 0)
    return tfl_fail (cv, "%s: has no output", what);
  xo = &cv->m->tensors[tout];
  rank = xo->rank;
  axis = (gint32) CLAMP (src->opt[0], -64, 64);
  if (axis < 0)
    axis += rank;
  if (rank < 1 || axis < 0 || axis >= rank)
    return tfl_fail (cv, "%s: axis %d out of range", what, (gint32) src->opt[0]);
  for (gint32 k = 0; k < axis; k++)
    outer *= xo->shape[k];
  if (TENSOR (acc)->size % outer != 0)
    return tfl_fail (cv, "%s: input 0 does not match the output", what);
  acc_chunk = TENSOR (acc)->size / outer;
  for (guint32 j = 1; j < src->n_inputs; j++)
    {
      gint32 b = tfl_input_of (cv, src, j, what), dst;
      gint64 chunk;
      EmNnOp op;

      if (b < 0)
        return FALSE;
      if (TENSOR (b)->size % outer != 0 || !tfl_same_quant (cv, b, acc))
        return tfl_fail (cv, "%s: input %u differs in shape or quantization", what, j);
      chunk = TENSOR (b)->size / outer;
      if (j + 1 == src->n_inputs)
        {
          if ((dst = tfl_output_of (cv, src, -1, what)) < 0)
            return FALSE;
          if (!tfl_same_quant (cv, dst, acc) || TENSOR (dst)->size != outer * (acc_chunk + chunk))
            return tfl_fail (cv, "%s: the output differs in size or quantization", what);
        }
      else
        {
          EmNnTensor t = *TENSOR (acc);
          gint32 root;
          t.h = 1;
          t.w = (gint32) outer;
          t.c = (gint32) (acc_chunk + chunk);
          t.size = (guint32) (outer * (acc_chunk + chunk));
          dst = (gint32) cv->tensors->len;
          root = dst;
          g_array_append_val (cv->tensors, t);
          g_array_append_val (cv->root, root);
        }
      op = tfl_new_op (EM_NN_OP_CONCAT, acc, dst);
      op.input2 = b;
      op.geom.in_h = (gint32) outer;
      op.geom.in_w = (gint32) acc_chunk;
      op.geom.in_c = (gint32) chunk;
      tfl_push_op (cv, &op, index, src);
      acc = dst;
      acc_chunk += chunk;
    }
  tfl_row (cv, src, tout, 0, 0);
  return TRUE;
}

static gboolean
tfl_tflm_status (Conv *cv, const char *what, EmNnTflmStatus status, float scale)
{
  switch (status)
    {
    case EM_NN_TFLM_OK:
      return TRUE;
    case EM_NN_TFLM_SCALE_TOO_SMALL:
      return tfl_fail (cv, "%s: input scale %g is too small for TFLite Micro's int8 kernel", what, (double) scale);
    case EM_NN_TFLM_SCALE_TOO_LARGE:
      return tfl_fail (cv, "%s: input scale %g is too large for TFLite Micro's int8 kernel", what, (double) scale);
    case EM_NN_TFLM_BAD_SCALE:
    default:
      return tfl_fail (cv, "%s: input scale %g is not a positive number", what, (double) scale);
    }
}

/* int8 LOGISTIC / TANH: TFLite Micro's fixed-point function evaluated for
 * all 256 inputs at generation time (em-nn-quant-tflm.c), so the device
 * keeps a table lookup and gives TFLM's bytes for every input. */
static gboolean
tfl_tflm_q4_lut (Conv *cv, const char *what, gboolean is_tanh, gint32 in, gint32 out, EmNnOp *op)
{
  int8_t table[256];
  float scale = TENSOR (in)->scale;

  /* TFLM's LOGISTIC Prepare insists on it; its output is 1/256 steps from -128. */
  if (!is_tanh && TENSOR (out)->zero_point != -128)
    return tfl_fail (cv, "%s: int8 output must have zero point -128", what);
  if (!tfl_tflm_status (cv, what, is_tanh ? em_nn_tflm_tanh_table (scale, TENSOR (in)->zero_point, table)
                                          : em_nn_tflm_logistic_table (scale, TENSOR (in)->zero_point, table),
                        scale))
    return FALSE;
  op->lut = em_nn_compiled_keep (cv->c, table, sizeof table);
  return TRUE;
}

gboolean
tfl_convert_op (Conv *cv, guint32 index)
{
  const TflOp *src = &cv->m->ops[index];
  g_autofree char *what = g_strdup_printf ("operator %u (%s)", index, src->code_name);
  gint32 in, out, in2;
  EmNnOp op;

  switch (src->code)
    {
    case TFL_OP_CONV_2D:
      return tfl_conv_op (cv, src, index, what, FALSE);
    case TFL_OP_DEPTHWISE_CONV_2D:
      return tfl_conv_op (cv, src, index, what, TRUE);
    case TFL_OP_FULLY_CONNECTED:
      return tfl_dense_op (cv, src, index, what);
    case TFL_OP_MAX_POOL_2D:
    case TFL_OP_AVERAGE_POOL_2D:
      return tfl_pool_op (cv, src, index, what, src->code == TFL_OP_MAX_POOL_2D);
    case TFL_OP_PAD:
      return tfl_pad_op (cv, src, index, what);
    case TFL_OP_CONCATENATION:
      return tfl_concat_op (cv, src, index, what);
    case TFL_OP_RESHAPE:
    case TFL_OP_SQUEEZE:
      if ((in = tfl_input_of (cv, src, 0, what)) < 0 || (out = tfl_output_of (cv, src, in, what)) < 0)
        return FALSE;
      if (TENSOR (in)->size != TENSOR (out)->size || !tfl_same_quant (cv, in, out))
        return tfl_fail (cv, "%s: input and output differ in size or quantization", what);
      tfl_row (cv, src, src->outputs[0], 0, 0);
      return TRUE;
    default:
      break;
    }

  if ((in = tfl_input_of (cv, src, 0, what)) < 0 || (out = tfl_output_of (cv, src, -1, what)) < 0)
    return FALSE;
  op = tfl_new_op (EM_NN_OP_ACTIVATION, in, out);
  switch (src->code)
    {
    case TFL_OP_ADD:
      if ((in2 = tfl_input_of (cv, src, 1, what)) < 0)
        return FALSE;
      if (TENSOR (in)->size != TENSOR (out)->size || TENSOR (in2)->size != TENSOR (out)->size)
        return tfl_fail (cv, "%s: broadcasting is not supported", what);
      op.kind = EM_NN_OP_ADD;
      op.input2 = in2;
      if (!tfl_want_options (cv, src, 11, what) || !tfl_fused_act (cv, what, src->opt[0], out, &op))
        return FALSE;
      if (cv->int8)
        em_nn_quant_add_prepare (TENSOR (in)->scale, TENSOR (in)->zero_point, TENSOR (in2)->scale,
                                 TENSOR (in2)->zero_point, TENSOR (out)->scale, TENSOR (out)->zero_point,
                                 op.q.act_min, op.q.act_max, &op.add);
      break;
    case TFL_OP_SOFTMAX:
      {
        guint32 bits = (guint32) src->opt[0];
        float beta;
        memcpy (&beta, &bits, sizeof beta);
        if (!tfl_want_options (cv, src, 9, what))
          return FALSE;
        if (!isfinite (beta) || !(beta > 0.0f) || (!cv->int8 && beta != 1.0f))
          return tfl_fail (cv, "%s: beta %g is not supported", what, (double) beta);
        if (TENSOR (in)->size != TENSOR (out)->size)
          return tfl_fail (cv, "%s: input and output differ in size", what);
        op.kind = EM_NN_OP_SOFTMAX;
        if (cv->int8)
          {
            /* TFLite Micro's fixed-point softmax over the last dimension,
             * its exps precomputed for every difference from the row's
             * maximum (em-nn-quant-tflm.c). */
            EmNnTflmSoftmax sp;
            int32_t table[256];
            if (fabsf (TENSOR (out)->scale * 256.0f - 1.0f) > 1e-5f || TENSOR (out)->zero_point != -128)
              return tfl_fail (cv, "%s: int8 output must have scale 1/256 and zero point -128", what);
            if (TENSOR (in)->c != TENSOR (out)->c)
              return tfl_fail (cv, "%s: input and output differ in their last dimension", what);
            switch (em_nn_tflm_softmax_prepare ((double) beta, (double) TENSOR (in)->scale, &sp))
              {
              case EM_NN_TFLM_OK:
                break;
              case EM_NN_TFLM_SCALE_TOO_SMALL:
                return tfl_fail (cv, "%s: beta %g times input scale %g is too small for TFLite Micro's int8 softmax "
                                 "(it must exceed 2^-26)", what, (double) beta, (double) TENSOR (in)->scale);
              default:
                return tfl_fail (cv, "%s: input scale %g is not a positive number", what, (double) TENSOR (in)->scale);
              }
            em_nn_tflm_softmax_table (&sp, table);
            op.kind = EM_NN_OP_SOFTMAX_TFLM;
            op.softmax_exp = em_nn_compiled_keep (cv->c, table, sizeof table);
          }
        break;
      }
    case TFL_OP_MEAN:
      {
        const TflTensor *x = &cv->m->tensors[src->inputs[0]];
        const gint32 *axes;
        gint32 axis_t = src->n_inputs > 1 ? src->inputs[1] : -1;
        guint64 n_axes = axis_t >= 0 ? (cv->m->tensors[axis_t].rank == 0 ? 1 : (guint64) cv->m->tensors[axis_t].shape[0]) : 0;
        gboolean h = FALSE, w = FALSE;
        if (x->rank != 4 || n_axes < 1 || n_axes > 4)
          return tfl_fail (cv, "%s: only the mean over height and width of a 4-D tensor is supported", what);
        axes = tfl_const_data (cv, axis_t, TFL_INT32, n_axes, FALSE, "axes");
        if (axes == NULL)
          return FALSE;
        for (guint64 k = 0; k < n_axes; k++)
          {
            gint32 a = (gint32) GINT32_FROM_LE (axes[k]);
            h |= a == 1 || a == -3;
            w |= a == 2 || a == -2;
            if (a != 1 && a != 2 && a != -3 && a != -2)
              h = w = FALSE, k = n_axes;
          }
        if (!h || !w || TENSOR (out)->size != (guint32) TENSOR (in)->c || !tfl_same_quant (cv, in, out))
          return tfl_fail (cv, "%s: only the mean over height and width with unchanged quantization is supported", what);
        op.kind = EM_NN_OP_GLOBAL_AVGPOOL;
        break;
      }
    case TFL_OP_QUANTIZE:
      /* int8 → int8 (the edge QUANTIZE from float was taken off before). */
      op.lut = tfl_make_lut (cv, LUT_REQUANT, in, out);
      break;
    case TFL_OP_DEQUANTIZE:
      return tfl_fail (cv, "%s: float tensors inside an int8 model are not supported", what);
    case TFL_OP_RELU:
    case TFL_OP_RELU6:
    case TFL_OP_LOGISTIC:
    case TFL_OP_TANH:
      if (TENSOR (in)->size != TENSOR (out)->size)
        return tfl_fail (cv, "%s: input and output differ in size", what);
      if (cv->int8 && (src->code == TFL_OP_LOGISTIC || src->code == TFL_OP_TANH))
        {
          if (!tfl_tflm_q4_lut (cv, what, src->code == TFL_OP_TANH, in, out, &op))
            return FALSE;
        }
      else if (cv->int8)
        op.lut = tfl_make_lut (cv, src->code == TFL_OP_RELU ? LUT_RELU : LUT_RELU6, in, out);
      else
        op.act = src->code == TFL_OP_RELU ? EM_NN_ACT_RELU : src->code == TFL_OP_RELU6 ? EM_NN_ACT_RELU6 :
                 src->code == TFL_OP_LOGISTIC ? EM_NN_ACT_SIGMOID : EM_NN_ACT_TANH;
      break;
    default:
      return tfl_fail (cv, "%s: not supported", what);
    }
  tfl_push_op (cv, &op, index, src);
  tfl_row (cv, src, src->outputs[0], 0, 0);
  return TRUE;
}

