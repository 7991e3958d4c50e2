/* SPDX-License-Identifier: Apache-2.0 */
/* TFLite model → nn/ program. An int8 model keeps its own quantization:
 * scales, zero points and per-channel weight scales become the multipliers
 * and shifts TensorFlow Lite's Prepare computes (in double, rounded by
 * em_nn_quantize_multiplier like QuantizeMultiplier), so the program gives
 * TFLite's bytes. Element-wise int8 ops (RELU, RELU6, int8→int8 QUANTIZE,
 * LOGISTIC, TANH) become 256-entry tables: RELU and requantization tables
 * are filled with TFLite's integer arithmetic, so they are exact; LOGISTIC
 * and TANH tables hold TFLite Micro's fixed-point function evaluated for
 * every input, and int8 SOFTMAX becomes TFLM's fixed-point softmax with its
 * exps precomputed (em-nn-quant-tflm.c), so those are exact too.
 * A QUANTIZE from the float model input and a DEQUANTIZE to the float
 * model output become the program's edges (codegen quantizes features and
 * dequantizes outputs with the same formulas), so a float-interface int8
 * model imports too. RESHAPE and SQUEEZE only rename bytes (NHWC is flat).
 * A float32 model becomes a float program whose weights may come from
 * DEQUANTIZE ops of float16 or int8 constants (decoded once, here), and
 * then Ember's float network (em-nn-import-tflite-model.c), which Ember
 * stores and quantizes like a model it trained. */
#include <math.h>
#include <string.h>
#include "em-nn-import-tflite-conv.h"

gboolean
tfl_fail (Conv *cv, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  if (cv->error != NULL && *cv->error != NULL)
    return FALSE;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (cv->error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, msg);
  return FALSE;
}

gboolean
tfl_supported (gint32 code)
{
  switch (code)
    {
    case TFL_OP_ADD: case TFL_OP_AVERAGE_POOL_2D: case TFL_OP_CONV_2D: case TFL_OP_DEPTHWISE_CONV_2D:
    case TFL_OP_DEQUANTIZE: case TFL_OP_FULLY_CONNECTED: case TFL_OP_LOGISTIC: case TFL_OP_MAX_POOL_2D:
    case TFL_OP_RELU: case TFL_OP_RELU6: case TFL_OP_RESHAPE: case TFL_OP_SOFTMAX: case TFL_OP_TANH:
    case TFL_OP_MEAN: case TFL_OP_SQUEEZE: case TFL_OP_QUANTIZE: case TFL_OP_PAD: case TFL_OP_CONCATENATION:
      return TRUE;
    default:
      return FALSE;
    }
}

/* (h, w, c) of a batch-1 tensor: [n], [1, n], [1, w, c], [1, h, w, c]. */
gboolean
tfl_tensor_dims (Conv *cv, guint32 t, EmNnDims *d)
{
  const TflTensor *x = &cv->m->tensors[t];
  gint64 size = 1;

  d->h = d->w = d->c = 1;
  if (x->rank >= 2 && x->shape[0] != 1)
    return tfl_fail (cv, "tensor %u (%s): batch %d; only batch 1 is supported", t, x->name, x->shape[0]);
  if (x->rank > 4)
    return tfl_fail (cv, "tensor %u (%s): rank %d; at most 4 is supported", t, x->name, x->rank);
  for (int k = 0; k < x->rank; k++)
    size *= x->shape[k];
  if (size > (1 << 24))
    return tfl_fail (cv, "tensor %u (%s): %" G_GINT64_FORMAT " elements is too many", t, x->name, size);
  switch (x->rank)
    {
    case 0: break;
    case 1: d->c = x->shape[0]; break;
    case 2: d->c = x->shape[1]; break;
    case 3: d->w = x->shape[1]; d->c = x->shape[2]; break;
    default: d->h = x->shape[1]; d->w = x->shape[2]; d->c = x->shape[3]; break;
    }
  return TRUE;
}

gboolean
tfl_tensor_quant (Conv *cv, guint32 t, float *scale, gint32 *zp)
{
  const TflTensor *x = &cv->m->tensors[t];
  gint64 z;

  if (x->n_scales != 1 || x->n_zero_points != 1)
    return tfl_fail (cv, "tensor %u (%s): an int8 activation needs one scale and zero point, it has %u",
                 t, x->name, x->n_scales);
  *scale = tfl_scale (x, 0);
  z = tfl_zero_point (x, 0);
  if (!isfinite (*scale) || !(*scale > 0.0f) || *scale > 1e10f)
    return tfl_fail (cv, "tensor %u (%s): scale %g out of range", t, x->name, (double) *scale);
  if (z < -128 || z > 127)
    return tfl_fail (cv, "tensor %u (%s): zero point %" G_GINT64_FORMAT " out of int8", t, x->name, z);
  *zp = (gint32) z;
  return TRUE;
}

/* The program tensor of activation tensor @t (created on first use);
 * @alias_of: a program tensor whose bytes it shares, or -1. */
gint32
tfl_program_tensor (Conv *cv, gint32 t, gint32 alias_of)
{
  const TflTensor *x;
  EmNnTensor pt = { 0 };
  EmNnDims d;
  gint32 index, root;

  if (t < 0)
    {
      tfl_fail (cv, "a required input is absent");
      return -1;
    }
  if (cv->map[t] >= 0)
    return cv->map[t];
  x = &cv->m->tensors[t];
  if (x->type != (cv->int8 ? TFL_INT8 : TFL_FLOAT32))
    {
      tfl_fail (cv, "tensor %u (%s): type %u in a %s model; mixed types are not supported", t, x->name, x->type,
            cv->int8 ? "int8" : "float32");
      return -1;
    }
  if (cv->m->buffers[x->buffer].len != 0)
    {
      tfl_fail (cv, "tensor %u (%s): an operator's data input is constant; not supported", t, x->name);
      return -1;
    }
  if (!tfl_tensor_dims (cv, t, &d))
    return -1;
  pt.h = d.h;
  pt.w = d.w;
  pt.c = d.c;
  pt.size = (guint32) em_nn_dims_size (d);
  if (cv->int8 && !tfl_tensor_quant (cv, t, &pt.scale, &pt.zero_point))
    return -1;
  index = (gint32) cv->tensors->len;
  root = alias_of >= 0 ? g_array_index (cv->root, gint32, alias_of) : index;
  g_array_append_val (cv->tensors, pt);
  g_array_append_val (cv->root, root);
  cv->map[t] = index;
  return index;
}

/* Constant tensor @t: @count elements of @type (4 or 1 bytes), copied
 * into the program. NULL when @t is -1 and @optional. */
gconstpointer
tfl_const_data (Conv *cv, gint32 t, guint8 type, guint64 count, gboolean optional, const char *what)
{
  const TflTensor *x;
  const TflBuffer *b;
  guint64 elem = type == TFL_INT8 || type == TFL_UINT8 ? 1 : 4;
  guint64 n = 1;

  if (t < 0)
    {
      if (!optional)
        tfl_fail (cv, "%s is absent", what);
      return NULL;
    }
  x = &cv->m->tensors[t];
  b = &cv->m->buffers[x->buffer];
  for (int k = 0; k < x->rank; k++)
    n *= (guint64) x->shape[k];
  if (cv->dequantized != NULL && cv->dequantized[t] != NULL && type == TFL_FLOAT32 && n == count)
    return cv->dequantized[t];
  if (x->type != type)
    {
      tfl_fail (cv, "tensor %d (%s): %s has type %u, expected %u", t, x->name, what, x->type, type);
      return NULL;
    }
  if (n != count)
    {
      tfl_fail (cv, "tensor %d (%s): %s has %" G_GUINT64_FORMAT " elements, expected %" G_GUINT64_FORMAT, t, x->name,
            what, n, count);
      return NULL;
    }
  if (b->len != count * elem)
    {
      tfl_fail (cv, "tensor %d (%s): buffer %u holds %" G_GSIZE_FORMAT " bytes, expected %" G_GUINT64_FORMAT, t, x->name,
            x->buffer, b->len, count * elem);
      return NULL;
    }
  return em_nn_compiled_keep (cv->c, b->data, (gsize) (count * elem));
}

gboolean
tfl_pad_of (Conv *cv, const char *what, gint64 padding, int in, int k, int stride, int out, gint32 *pad)
{
  int expect, total;

  if (stride < 1 || stride > 64 || k < 1 || k > 64)
    return tfl_fail (cv, "%s: stride %d or window %d out of range", what, stride, k);
  if (padding == PAD_SAME)
    {
      expect = (in + stride - 1) / stride;
      total = MAX ((out - 1) * stride + k - in, 0);
      *pad = total / 2;
    }
  else if (padding == PAD_VALID)
    {
      expect = in >= k ? (in - k) / stride + 1 : 0;
      *pad = 0;
    }
  else
    return tfl_fail (cv, "%s: unknown padding %" G_GINT64_FORMAT, what, padding);
  if (out != expect)
    return tfl_fail (cv, "%s: output size %d does not follow from input %d, window %d, stride %d", what, out, in, k,
                 stride);
  return TRUE;
}

/* int8 output range of a fused activation (TFLite's
 * CalculateActivationRangeQuantized); float: the kernel activation. */
gboolean
tfl_fused_act (Conv *cv, const char *what, gint64 act, gint32 out, EmNnOp *op)
{
  const EmNnTensor *to = &g_array_index (cv->tensors, EmNnTensor, out);

  op->q.act_min = -128;
  op->q.act_max = 127;
  op->act = EM_NN_ACT_NONE;
  if (act == ACT_NONE)
    return TRUE;
  if (act != ACT_RELU && act != ACT_RELU6 && act != ACT_RELU_N1_TO_1)
    return tfl_fail (cv, "%s: fused activation %" G_GINT64_FORMAT " is not supported", what, act);
  if (!cv->int8)
    {
      if (act == ACT_RELU_N1_TO_1)
        return tfl_fail (cv, "%s: fused RELU_N1_TO_1 in a float model is not supported", what);
      op->act = act == ACT_RELU ? EM_NN_ACT_RELU : EM_NN_ACT_RELU6;
      return TRUE;
    }
  if (act == ACT_RELU_N1_TO_1)
    {
      op->q.act_min = MAX (-128, to->zero_point + (gint32) roundf (-1.0f / to->scale));
      op->q.act_max = MIN (127, to->zero_point + (gint32) roundf (1.0f / to->scale));
    }
  else
    {
      op->q.act_min = MAX (-128, to->zero_point);
      if (act == ACT_RELU6)
        op->q.act_max = MIN (127, to->zero_point + (gint32) roundf (6.0f / to->scale));
    }
  if (op->q.act_min > op->q.act_max)
    return tfl_fail (cv, "%s: empty activation range", what);
  return TRUE;
}

void
tfl_push_op (Conv *cv, EmNnOp *op, guint32 index, const TflOp *src)
{
  g_autofree char *lower = g_ascii_strdown (src->code_name, -1);

  g_array_append_val (cv->ops, *op);
  /* Tensor names can hold anything (even a comment's end); codegen puts
   * op names in comments, so use the op's kind and index. */
  g_ptr_array_add (cv->names, g_strdup_printf ("%s_%u", lower, index));
}

EmNnOp
tfl_new_op (EmNnOpKind kind, gint32 in, gint32 out)
{
  EmNnOp op;

  memset (&op, 0, sizeof op);
  op.kind = kind;
  op.input = in;
  op.input2 = -1;
  op.output = out;
  op.q.act_min = -128;
  op.q.act_max = 127;
  op.geom.depth_multiplier = 1;
  return op;
}


/* Per-channel multipliers and shifts for input × filter → output. */
gboolean
tfl_requant (Conv *cv, const char *what, gint32 weights_t, gint32 in, gint32 out, gint32 out_c, EmNnOp *op)
{
  const TflTensor *w = &cv->m->tensors[weights_t];
  int32_t *mult = g_new (int32_t, out_c), *shift = g_new (int32_t, out_c);
  gboolean ok = TRUE;

  if (w->n_scales != 1 && w->n_scales != (guint32) out_c)
    ok = tfl_fail (cv, "%s: %u weight scales for %d output channels", what, w->n_scales, out_c);
  for (guint32 k = 0; ok && k < w->n_zero_points; k++)
    if (tfl_zero_point (w, k) != 0)
      ok = tfl_fail (cv, "%s: int8 weights with a nonzero zero point are not supported", what);
  for (gint32 k = 0; ok && k < out_c; k++)
    {
      float ws = tfl_scale (w, w->n_scales == 1 ? 0 : (guint32) k);
      double real;
      if (!isfinite (ws) || ws < 0.0f)
        {
          ok = tfl_fail (cv, "%s: weight scale %g out of range", what, (double) ws);
          break;
        }
      real = (double) TENSOR (in)->scale * (double) ws / (double) TENSOR (out)->scale;
      em_nn_quantize_multiplier (real, &mult[k], &shift[k]);
    }
  if (ok)
    {
      op->q.input_offset = -TENSOR (in)->zero_point;
      op->q.output_offset = TENSOR (out)->zero_point;
      op->q.multiplier = em_nn_compiled_keep (cv->c, mult, sizeof (int32_t) * out_c);
      op->q.shift = em_nn_compiled_keep (cv->c, shift, sizeof (int32_t) * out_c);
    }
  g_free (mult);
  g_free (shift);
  return ok;
}


const int8_t *
tfl_make_lut (Conv *cv, LutKind kind, gint32 in, gint32 out)
{
  const EmNnTensor *ti = TENSOR (in), *to = TENSOR (out);
  int8_t table[256];
  int32_t mult, shift, lo = -128, hi = 127;

  /* TFLite's Requantize / ReluQuantized: rescale by in/out scale in fixed
   * point, add the output zero point, clamp. (LOGISTIC and TANH tables
   * come from em-nn-quant-tflm.c, TFLM's own fixed-point path.) */
  em_nn_quantize_multiplier ((double) ti->scale / (double) to->scale, &mult, &shift);
  if (kind != LUT_REQUANT)
    lo = MAX (-128, to->zero_point);
  if (kind == LUT_RELU6)
    hi = MIN (127, to->zero_point + (int32_t) roundf (6.0f / to->scale));
  for (int32_t v = -128; v <= 127; v++)
    {
      int32_t r = em_nn_multiply_by_quantized_multiplier (v - ti->zero_point, mult, shift) + to->zero_point;
      table[v + 128] = (int8_t) CLAMP (r, lo, hi);
    }
  return em_nn_compiled_keep (cv->c, table, sizeof table);
}

void
tfl_row (Conv *cv, const TflOp *src, gint32 out_t, guint64 params, guint64 macs)
{
  EmNnDims d = { 1, 1, 1 };
  const TflTensor *x = &cv->m->tensors[out_t];
  int r = x->rank;

  if (r >= 1)
    d.c = x->shape[r - 1];
  if (r >= 3)
    d.w = x->shape[r - 2];
  if (r >= 4)
    d.h = x->shape[r - 3];
  em_nn_imported_add_layer (cv->imp, x->name, src->code_name, d, params, macs);
}


/* IEEE half → float (normals, subnormals, infinities, NaN). */
static float
half_to_float (guint16 h)
{
  guint32 sign = (guint32) (h >> 15) << 31, exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
  float f;

  if (exp == 0)
    {
      f = ldexpf ((float) mant, -24);
      return sign ? -f : f;
    }
  bits = exp == 0x1f ? sign | 0x7f800000u | (mant << 13) : sign | ((exp + 112) << 23) | (mant << 13);
  memcpy (&f, &bits, sizeof f);
  return f;
}

/* A float model may keep its weights as float16 or int8 constants behind
 * DEQUANTIZE ops (TFLite's float16 and "dynamic range" weight
 * compression): compute those float tensors once, here, so that the ops
 * reading them find constant float32 weights. Returns whether op @i was
 * one of them (then it is no program op). */
static gboolean
dequantize_constant (Conv *cv, guint32 i, gboolean *is_const)
{
  const TflOp *src = &cv->m->ops[i];
  const TflTensor *x, *y;
  const TflBuffer *b;
  guint64 n = 1, inner = 1;
  float *v;
  gint32 qd;

  *is_const = FALSE;
  if (src->code != TFL_OP_DEQUANTIZE || src->n_inputs < 1 || src->n_outputs < 1 || src->inputs[0] < 0 ||
      cv->m->buffers[cv->m->tensors[src->inputs[0]].buffer].len == 0)
    return TRUE;
  *is_const = TRUE;
  x = &cv->m->tensors[src->inputs[0]];
  y = &cv->m->tensors[src->outputs[0]];
  b = &cv->m->buffers[x->buffer];
  for (int k = 0; k < x->rank; k++)
    n *= (guint64) x->shape[k];
  if (y->type != TFL_FLOAT32 || y->rank != x->rank || memcmp (y->shape, x->shape, sizeof (gint32) * x->rank) != 0)
    return tfl_fail (cv, "operator %u (DEQUANTIZE): tensor %d (%s) is not a float32 tensor of the input's shape", i,
                     src->outputs[0], y->name);
  if (x->type != TFL_FLOAT16 && x->type != TFL_INT8)
    return tfl_fail (cv, "operator %u (DEQUANTIZE): constant of type %u; only float16 and int8 are supported", i,
                     x->type);
  if (b->len != n * (x->type == TFL_FLOAT16 ? 2 : 1) || n > (1 << 24))
    return tfl_fail (cv, "tensor %d (%s): buffer %u holds %" G_GSIZE_FORMAT " bytes for %" G_GUINT64_FORMAT
                     " elements", src->inputs[0], x->name, x->buffer, b->len, n);
  qd = x->n_scales > 1 ? x->quantized_dimension : 0;
  if (x->type == TFL_INT8)
    {
      if (x->n_scales == 0 || (x->n_scales > 1 && (qd < 0 || qd >= x->rank || (guint32) x->shape[qd] != x->n_scales)) ||
          (x->n_zero_points != x->n_scales && x->n_zero_points > 1))
        return tfl_fail (cv, "tensor %d (%s): %u scales do not match its shape", src->inputs[0], x->name,
                         x->n_scales);
      for (int k = qd + 1; k < x->rank; k++)
        inner *= (guint64) x->shape[k];
    }
  v = g_new (float, MAX (n, 1));
  for (guint64 k = 0; k < n; k++)
    if (x->type == TFL_FLOAT16)
      v[k] = half_to_float ((guint16) (b->data[2 * k] | (b->data[2 * k + 1] << 8)));
    else
      {
        guint32 ch = x->n_scales > 1 ? (guint32) ((k / inner) % (guint64) x->shape[qd]) : 0;
        gint64 zp = x->n_zero_points == 0 ? 0 : tfl_zero_point (x, x->n_zero_points > 1 ? ch : 0);
        v[k] = tfl_scale (x, ch) * (float) ((gint64) (gint8) b->data[k] - zp);
      }
  cv->dequantized[src->outputs[0]] = em_nn_compiled_keep (cv->c, v, sizeof (float) * n);
  g_free (v);
  return TRUE;
}

static gboolean
convert (Conv *cv)
{
  const TflModel *m = cv->m;
  gint32 in_t = m->inputs[0], out_t = m->outputs[0], prog_in = in_t, prog_out = out_t;
  const TflTensor *tin = &m->tensors[in_t], *tout = &m->tensors[out_t];
  const TflOp *first = &m->ops[0], *last = &m->ops[m->n_ops - 1];
  guint32 begin = 0, end = m->n_ops;
  EmNnImported *imp = cv->imp;

  /* A float interface around an int8 model: its QUANTIZE and DEQUANTIZE
   * are the program's edges. */
  if (first->code == TFL_OP_QUANTIZE && first->n_inputs >= 1 && first->n_outputs >= 1 &&
      first->inputs[0] == in_t && tin->type == TFL_FLOAT32)
    {
      prog_in = first->outputs[0];
      begin = 1;
    }
  if (end > begin && last->code == TFL_OP_DEQUANTIZE && last->n_inputs >= 1 && last->n_outputs >= 1 &&
      last->outputs[0] == out_t && tout->type == TFL_FLOAT32)
    {
      prog_out = last->inputs[0];
      end--;
    }
  if (prog_out < 0 || end <= begin)
    return tfl_fail (cv, "the model has no operators besides its input and output conversion");
  if (m->tensors[prog_in].type == TFL_INT8)
    cv->int8 = TRUE;
  else if (m->tensors[prog_in].type != TFL_FLOAT32)
    return tfl_fail (cv, "tensor %d (%s): input type %u; only int8 and float32 are supported", prog_in,
                 m->tensors[prog_in].name, m->tensors[prog_in].type);
  if (tfl_program_tensor (cv, prog_in, -1) < 0)
    return FALSE;
  if (begin == 1)
    tfl_row (cv, first, first->outputs[0], 0, 0);
  for (guint32 i = begin; i < end; i++)
    {
      gboolean is_const = FALSE;
      if (!cv->int8 && !dequantize_constant (cv, i, &is_const))
        return FALSE;
      if (is_const)
        tfl_row (cv, &m->ops[i], m->ops[i].outputs[0], 0, 0);
      else if (!tfl_convert_op (cv, i))
        return FALSE;
    }
  if (end < m->n_ops)
    tfl_row (cv, last, last->outputs[0], 0, 0);
  if (cv->map[prog_out] < 0)
    return tfl_fail (cv, "tensor %d (%s): the model output is not computed by any operator", prog_out,
                 m->tensors[prog_out].name);
  cv->c->program.input_tensor = cv->map[prog_in];
  cv->c->program.output_tensor = cv->map[prog_out];
  if (cv->c->program.input_tensor == cv->c->program.output_tensor || cv->ops->len == 0)
    return tfl_fail (cv, "the model computes nothing");

  imp->input = (EmNnDims) { TENSOR (cv->map[prog_in])->h, TENSOR (cv->map[prog_in])->w, TENSOR (cv->map[prog_in])->c };
  imp->output = (EmNnDims) { TENSOR (cv->map[prog_out])->h, TENSOR (cv->map[prog_out])->w,
                             TENSOR (cv->map[prog_out])->c };
  imp->input_int8 = tin->type == TFL_INT8;
  imp->output_int8 = tout->type == TFL_INT8;
  if (cv->int8)
    {
      imp->input_scale = TENSOR (cv->map[prog_in])->scale;
      imp->input_zero_point = TENSOR (cv->map[prog_in])->zero_point;
      imp->output_scale = TENSOR (cv->map[prog_out])->scale;
      imp->output_zero_point = TENSOR (cv->map[prog_out])->zero_point;
    }
  return TRUE;
}

EmNnImported *
em_nn_import_tflite (const guint8 *data, gsize len, GError **error)
{
  g_autoptr(TflModel) m = NULL;
  g_autoptr(EmNnImported) imp = NULL;
  g_autoptr(EmNnCompiled) c = NULL;
  g_autoptr(GString) missing = NULL;
  g_autofree gint32 *map = NULL;
  Conv cv = { 0 };
  gboolean ok;

  m = tfl_model_read (data, len, error);
  if (m == NULL)
    return NULL;
  if (m->n_inputs != 1 || m->n_outputs != 1)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "%u inputs and %u outputs; only models with one of each are supported", m->n_inputs, m->n_outputs);
      return NULL;
    }
  if (m->n_ops == 0)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, "the model has no operators");
      return NULL;
    }
  /* Every unsupported operator at once, each named once. */
  missing = g_string_new (NULL);
  for (guint32 i = 0; i < m->n_ops; i++)
    if (!tfl_supported (m->ops[i].code))
      {
        g_autofree char *needle = g_strdup_printf (", %s,", m->ops[i].code_name);
        g_autofree char *hay = g_strdup_printf (", %s,", missing->str);
        if (strstr (hay, needle) == NULL)
          g_string_append_printf (missing, "%s%s", missing->len > 0 ? ", " : "", m->ops[i].code_name);
      }
  if (missing->len > 0)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, "unsupported operators: %s", missing->str);
      return NULL;
    }

  imp = em_nn_imported_new (EM_NN_IMPORT_TFLITE);
  g_free (imp->producer);
  imp->producer = g_strdup_printf ("TFLite schema v%u%s%s", m->version, m->description[0] != '\0' ? ", " : "",
                                   m->description);
  c = g_new0 (EmNnCompiled, 1);
  c->blobs = g_ptr_array_new_with_free_func (g_free);
  map = g_new (gint32, MAX (m->n_tensors, 1));
  for (guint32 t = 0; t < m->n_tensors; t++)
    map[t] = -1;
  cv.m = m;
  cv.imp = imp;
  cv.c = c;
  cv.map = map;
  cv.error = error;
  cv.ops = g_array_new (FALSE, TRUE, sizeof (EmNnOp));
  cv.tensors = g_array_new (FALSE, TRUE, sizeof (EmNnTensor));
  cv.root = g_array_new (FALSE, TRUE, sizeof (gint32));
  cv.names = g_ptr_array_new ();
  cv.dequantized = g_new0 (const float *, MAX (m->n_tensors, 1));
  ok = convert (&cv);
  g_free (cv.dequantized);
  c->program.n_ops = cv.ops->len;
  c->program.n_tensors = cv.tensors->len;
  c->ops = (EmNnOp *) (void *) g_array_free (cv.ops, FALSE);
  c->tensors = (EmNnTensor *) (void *) g_array_free (cv.tensors, FALSE);
  c->root = (gint32 *) (void *) g_array_free (cv.root, FALSE);
  g_ptr_array_add (cv.names, NULL);
  c->op_names = (char **) g_ptr_array_free (cv.names, FALSE);
  c->program.ops = c->ops;
  c->program.tensors = c->tensors;
  c->program.is_int8 = cv.int8;
  if (!ok)
    return NULL;
  em_nn_compiled_plan (c, cv.int8 ? 1 : sizeof (float), TRUE);
  for (guint32 i = 0; i < c->program.n_ops; i++)
    {
      const char *why = NULL;
      if (!em_nn_op_check (&c->program, i, &why))
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, "%s: cannot convert: %s", c->op_names[i], why);
          return NULL;
        }
    }
  if (!cv.int8)
    {
      g_autoptr(GError) local = NULL;
      imp->model = tfl_float_model (c, &local);
      if (imp->model == NULL)
        imp->no_model_reason = g_strdup (local->message);
    }
  imp->compiled = g_steal_pointer (&c);
  return g_steal_pointer (&imp);
}
