/* SPDX-License-Identifier: Apache-2.0 */
/* int8 post-training quantization. The float program with sigmoid / tanh
 * kept apart (so every int8 tensor has a float twin) runs over the
 * calibration windows with a no-reuse arena, every tensor's min / max is
 * recorded, and each op is then rewritten in TFLite's int8 scheme:
 * activations asymmetric per tensor, weights symmetric per output channel,
 * int32 bias at input_scale × weight_scale, requantization by multiplier +
 * shift. */
#include <math.h>
#include <string.h>
#include "em-nn-compile-private.h"
#include "em-nn-model-private.h"

typedef struct {
  float lo, hi;
} Range;

/* Asymmetric: [lo, hi] (widened to hold 0, so zero padding and ReLU's
 * floor are exact) onto [-128, 127]. */
static void
choose_quant (Range r, float *scale, int32_t *zero_point)
{
  double lo = MIN (r.lo, 0.0f), hi = MAX (r.hi, 0.0f);
  double s = (hi - lo) / 255.0;
  double zp;

  /* An all-zero tensor (a dead ReLU) takes any scale; a tiny one would only
   * blow up the requantization multipliers downstream. */
  if (!(s >= 1e-9))
    s = 1.0 / 255.0;
  *scale = (float) s;
  zp = round (-128.0 - lo / (double) *scale);
  *zero_point = (int32_t) CLAMP (zp, -128.0, 127.0);
}

static void
act_range (EmNnActivation act, float scale, int32_t zp, int32_t *lo, int32_t *hi)
{
  *lo = -128;
  *hi = 127;
  if (act == EM_NN_ACT_RELU || act == EM_NN_ACT_RELU6)
    *lo = MAX (-128, zp);
  if (act == EM_NN_ACT_RELU6)
    *hi = (int32_t) MIN (127.0, zp + round (6.0 / scale));
}

static void
calibrate (EmNnCompiled *f, const float *calibration, int n, Range *ranges)
{
  const EmNnProgram *p = &f->program;
  gsize in_n = p->tensors[p->input_tensor].size;

  for (guint32 t = 0; t < p->n_tensors; t++)
    {
      ranges[t].lo = G_MAXFLOAT;
      ranges[t].hi = -G_MAXFLOAT;
    }
  /* Every buffer at its own offset: after a run all of them hold this
   * window's values. */
  em_nn_compiled_plan (f, sizeof (float), FALSE);
  for (int i = 0; i < n; i++)
    {
      memcpy (em_nn_program_input (p, f->arena), calibration + (gsize) i * in_n, in_n * sizeof (float));
      em_nn_program_run (p, f->arena);
      for (guint32 t = 0; t < p->n_tensors; t++)
        {
          const float *v;
          if (f->root[t] != (int32_t) t)
            continue;
          v = (const float *) (const void *) ((const guint8 *) f->arena + p->tensors[t].offset);
          for (guint32 k = 0; k < p->tensors[t].size; k++)
            {
              ranges[t].lo = MIN (ranges[t].lo, v[k]);
              ranges[t].hi = MAX (ranges[t].hi, v[k]);
            }
        }
    }
}

/* Weight element (channel c, tap k) of a conv / depthwise / dense op. */
static gsize
weight_index (const EmNnOp *op, gsize c, gsize k, gsize terms, gsize n_out)
{
  if (op->kind == EM_NN_OP_DEPTHWISE)
    return k * n_out + c;
  return c * terms + k;
}

static gboolean
quantize_conv (EmNnCompiled *q, const EmNnProgram *fp, guint32 i, EmNnOp *op, GError **error)
{
  const EmNnOp *src = &fp->ops[i];
  const EmNnTensor *ti = &q->tensors[q->root[src->input]], *to = &q->tensors[src->output];
  gsize terms = (gsize) em_nn_op_terms (fp, src);
  gsize n_out = src->kind == EM_NN_OP_DENSE ? to->size : (gsize) src->geom.out_c;
  const float *w = src->weights, *b = src->bias;
  g_autofree int8_t *qw = g_new (int8_t, terms * n_out);
  g_autofree int32_t *qb = g_new (int32_t, n_out);
  g_autofree int32_t *mult = g_new (int32_t, n_out);
  g_autofree int32_t *shift = g_new (int32_t, n_out);
  double limit = (double) em_nn_bias_limit ((gint64) terms);

  if (limit < 0)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "%s: %" G_GSIZE_FORMAT " products per output are too many for int8 accumulation",
                   q->op_names[i], terms);
      return FALSE;
    }
  for (gsize c = 0; c < n_out; c++)
    {
      float max_abs = 0.0f, scale;
      double real;
      for (gsize k = 0; k < terms; k++)
        max_abs = MAX (max_abs, fabsf (w[weight_index (src, c, k, terms, n_out)]));
      scale = max_abs > 0.0f ? max_abs / 127.0f : 1.0f;
      for (gsize k = 0; k < terms; k++)
        {
          gsize at = weight_index (src, c, k, terms, n_out);
          float v = roundf (w[at] / scale);
          qw[at] = (int8_t) CLAMP (v, -127.0f, 127.0f);
        }
      if (b != NULL)
        {
          double v = round ((double) b[c] / ((double) ti->scale * scale));
          qb[c] = (int32_t) CLAMP (v, -limit, limit);
        }
      real = (double) ti->scale * scale / (double) to->scale;
      em_nn_quantize_multiplier (real, &mult[c], &shift[c]);
    }
  op->weights = em_nn_compiled_keep (q, qw, terms * n_out);
  op->bias = b != NULL ? em_nn_compiled_keep (q, qb, n_out * sizeof (int32_t)) : NULL;
  op->q.multiplier = em_nn_compiled_keep (q, mult, n_out * sizeof (int32_t));
  op->q.shift = em_nn_compiled_keep (q, shift, n_out * sizeof (int32_t));
  op->q.input_offset = -ti->zero_point;
  op->q.output_offset = to->zero_point;
  act_range (src->act, to->scale, to->zero_point, &op->q.act_min, &op->q.act_max);
  return TRUE;
}

/* The output quantization an op imposes (TFLite's fixed conventions and
 * pass-through ops), or FALSE when it comes from calibration. */
static gboolean
fixed_output_quant (const EmNnOp *op, const EmNnTensor *in, float *scale, int32_t *zp)
{
  switch (op->kind)
    {
    case EM_NN_OP_MAXPOOL:
    case EM_NN_OP_AVGPOOL:
    case EM_NN_OP_GLOBAL_AVGPOOL:
    case EM_NN_OP_COPY:
      *scale = in->scale;
      *zp = in->zero_point;
      return TRUE;
    case EM_NN_OP_SOFTMAX:
      *scale = 1.0f / 256.0f;
      *zp = -128;
      return TRUE;
    case EM_NN_OP_ACTIVATION:
      if (op->act == EM_NN_ACT_SIGMOID)
        {
          *scale = 1.0f / 256.0f;
          *zp = -128;
          return TRUE;
        }
      if (op->act == EM_NN_ACT_TANH)
        {
          *scale = 1.0f / 128.0f;
          *zp = 0;
          return TRUE;
        }
      return FALSE;
    default:
      return FALSE;
    }
}

static gboolean
quantize_ops (EmNnCompiled *q, const EmNnCompiled *f, const Range *ranges, GError **error)
{
  const EmNnProgram *fp = &f->program;
  EmNnTensor *tensors = q->tensors;
  int32_t *root = q->root;

  choose_quant (ranges[fp->input_tensor], &tensors[fp->input_tensor].scale,
                &tensors[fp->input_tensor].zero_point);
  for (guint32 i = 0; i < fp->n_ops; i++)
    {
      const EmNnOp *src = &fp->ops[i];
      EmNnOp *op = &q->ops[i];
      /* Aliases read their root's quantization. */
      EmNnTensor *in = &tensors[root[src->input]], *out = &tensors[src->output];

      *op = *src;
      op->weights = op->bias = NULL;
      op->q.multiplier = op->q.shift = NULL;
      op->q.act_min = -128;
      op->q.act_max = 127;
      if (!fixed_output_quant (src, in, &out->scale, &out->zero_point))
        choose_quant (ranges[src->output], &out->scale, &out->zero_point);

      switch (src->kind)
        {
        case EM_NN_OP_CONV2D:
        case EM_NN_OP_DEPTHWISE:
        case EM_NN_OP_DENSE:
          if (!quantize_conv (q, fp, i, op, error))
            return FALSE;
          break;
        case EM_NN_OP_ADD:
          {
            const EmNnTensor *in2 = &tensors[root[src->input2]];
            int32_t lo, hi;
            act_range (src->act, out->scale, out->zero_point, &lo, &hi);
            em_nn_quant_add_prepare (in->scale, in->zero_point, in2->scale, in2->zero_point,
                                     out->scale, out->zero_point, lo, hi, &op->add);
          }
          break;
        case EM_NN_OP_ACTIVATION:
          {
            int8_t table[256];
            em_nn_make_lut_s8 (src->act, in->scale, in->zero_point, out->scale, out->zero_point, table);
            op->lut = em_nn_compiled_keep (q, table, sizeof table);
          }
          break;
        case EM_NN_OP_SOFTMAX:
          {
            uint32_t table[256];
            em_nn_make_softmax_lut_s8 (in->scale, table);
            op->softmax_lut = em_nn_compiled_keep (q, table, sizeof table);
          }
          break;
        default:
          break;
        }
    }
  for (guint32 t = 0; t < fp->n_tensors; t++)
    {
      tensors[t].scale = tensors[root[t]].scale;
      tensors[t].zero_point = tensors[root[t]].zero_point;
    }
  return TRUE;
}

EmNnCompiled *
em_nn_compile_int8 (const EmNnModel *model, const float *calibration, int n, GError **error)
{
  g_autoptr(EmNnCompiled) f = NULL;
  g_autoptr(EmNnCompiled) q = NULL;
  g_autofree Range *ranges = NULL;
  const EmNnProgram *fp;
  gsize in_n;

  g_return_val_if_fail (model != NULL, NULL);
  if (calibration == NULL || n < 1)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                   "int8 calibration: needs at least one window (got %d)", n);
      return NULL;
    }
  in_n = (gsize) em_nn_dims_size (model->input);
  for (gsize k = 0; k < (gsize) n * in_n; k++)
    if (!isfinite (calibration[k]))
      {
        g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                     "int8 calibration: window %" G_GSIZE_FORMAT " has a NaN or infinite value",
                     k / in_n);
        return NULL;
      }
  f = em_nn_compiled_build (model, TRUE, error);
  if (f == NULL)
    return NULL;
  fp = &f->program;
  ranges = g_new (Range, fp->n_tensors);
  calibrate (f, calibration, n, ranges);

  q = g_new0 (EmNnCompiled, 1);
  q->blobs = g_ptr_array_new_with_free_func (g_free);
  q->ops = g_new0 (EmNnOp, MAX (fp->n_ops, 1));
  q->tensors = g_memdup2 (f->tensors, sizeof (EmNnTensor) * fp->n_tensors);
  q->root = g_memdup2 (f->root, sizeof (int32_t) * fp->n_tensors);
  q->op_names = g_strdupv (f->op_names);
  q->program = *fp;
  q->program.is_int8 = 1;
  q->program.ops = q->ops;
  q->program.tensors = q->tensors;
  if (!quantize_ops (q, f, ranges, error))
    return NULL;
  em_nn_compiled_plan (q, 1, TRUE);
  for (guint32 i = 0; i < q->program.n_ops; i++)
    {
      const char *why = NULL;
      if (!em_nn_op_check (&q->program, i, &why))
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, "%s: cannot quantize: %s",
                       q->op_names[i], why);
          return NULL;
        }
    }
  return g_steal_pointer (&q);
}
