/* SPDX-License-Identifier: Apache-2.0 */
/* Checking, saving and loading compiled programs.
 *
 * Blob layout (all little-endian):
 *   "EMNQ", u32 version, u32 total length, u32 is_int8, u32 n_tensors,
 *   u32 n_ops, i32 input_tensor, i32 output_tensor, u32 arena_size;
 *   per tensor: u32 offset, u32 size, i32 h, w, c, f32 scale, i32 zero_point;
 *   per op: u32 kind, i32 act, i32 input, input2, output, 13 × i32 geometry,
 *     4 × i32 conv quantization (offsets, act_min, act_max), 12 × i32 ADD
 *     parameters, u32 name length + name, then six arrays each as u32 count
 *     + elements: weights (f32 | i8), bias (f32 | i32), multiplier (i32),
 *     shift (i32), lut (i8), softmax_lut (u32; for a SOFTMAX_TFLM op its
 *     i32 Q0.31 exp table);
 *   u64 FNV-1a of everything before it.
 * Version 2 is version 1 plus the SOFTMAX_TFLM op kind; a blob is written
 * as version 1 unless it has such an op, so builds that read only version
 * 1 keep reading what they can run, and version 1 blobs always load.
 * The checksum turns accidental damage into a clean refusal; the checks
 * behind it make sure that even a blob built to pass it cannot make a
 * kernel read outside its buffers or overflow its integer arithmetic. */
#include <math.h>
#include <string.h>
#include "em-nn-compile-private.h"

#define MAGIC "EMNQ"
#define VERSION 1u
#define VERSION_SOFTMAX_TFLM 2u
#define MAX_TENSORS 65536u
#define MAX_OPS 65536u
#define MAX_ELEMENTS (1u << 26)
#define MAX_ARENA (1u << 28)
#define MAX_NAME 4096u
#define MAX_KERNEL 1024
#define MAX_STRIDE 65535
#define HEADER_BYTES 36u
#define TENSOR_BYTES 28u
#define OP_FIXED_BYTES 164u
#define CHECKSUM_BYTES 8u

guint64
em_nn_compiled_checksum (const guint8 *data, gsize n)
{
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);

  for (gsize i = 0; i < n; i++)
    {
      h ^= data[i];
      h *= G_GUINT64_CONSTANT (1099511628211);
    }
  return h;
}

/* ---- checks ------------------------------------------------------------ */

#define FAIL(reason) do { *why = (reason); return FALSE; } while (0)

gboolean
em_nn_tensor_check (const EmNnProgram *p, guint32 t, const char **why)
{
  const EmNnTensor *x = &p->tensors[t];
  guint64 elem = p->is_int8 ? 1u : sizeof (float);

  if (x->h < 1 || x->w < 1 || x->c < 1 || (guint64) x->h * x->w * x->c != x->size ||
      x->size > MAX_ELEMENTS)
    FAIL ("tensor shape does not match its size");
  if (x->offset % EM_NN_ARENA_ALIGN != 0 || (guint64) x->offset + x->size * elem > p->arena_size)
    FAIL ("tensor lies outside the arena");
  if (p->is_int8 && (!isfinite (x->scale) || !(x->scale > 0.0f) ||
                     x->zero_point < -128 || x->zero_point > 127))
    FAIL ("tensor quantization out of range");
  return TRUE;
}

static gboolean
same_dims (const EmNnTensor *t, int32_t h, int32_t w, int32_t c)
{
  return t->h == h && t->w == w && t->c == c;
}

static gboolean
geom_ok (const EmNnGeom *g, const EmNnTensor *ti, const EmNnTensor *to)
{
  if (!same_dims (ti, g->in_h, g->in_w, g->in_c) || !same_dims (to, g->out_h, g->out_w, g->out_c))
    return FALSE;
  if (g->kernel_h < 1 || g->kernel_w < 1 || g->kernel_h > MAX_KERNEL || g->kernel_w > MAX_KERNEL ||
      g->stride_h < 1 || g->stride_w < 1 || g->stride_h > MAX_STRIDE || g->stride_w > MAX_STRIDE ||
      g->pad_top < 0 || g->pad_left < 0 || g->pad_top >= g->kernel_h || g->pad_left >= g->kernel_w)
    return FALSE;
  /* Every window starts inside the input (so none is all padding). */
  return (gint64) (g->out_h - 1) * g->stride_h - g->pad_top < g->in_h &&
         (gint64) (g->out_w - 1) * g->stride_w - g->pad_left < g->in_w;
}

static gboolean
apart (const EmNnProgram *p, int32_t a, int32_t b)
{
  guint64 elem = p->is_int8 ? 1u : sizeof (float);
  const EmNnTensor *x = &p->tensors[a], *y = &p->tensors[b];

  return (guint64) x->offset + x->size * elem <= y->offset ||
         (guint64) y->offset + y->size * elem <= x->offset;
}

gboolean
em_nn_op_check_shape (const EmNnProgram *p, guint32 i, const char **why)
{
  const EmNnOp *op = &p->ops[i];
  const EmNnGeom *g = &op->geom;
  const EmNnTensor *ti, *to;

  if (op->input < 0 || (guint32) op->input >= p->n_tensors ||
      op->output < 0 || (guint32) op->output >= p->n_tensors)
    FAIL ("tensor index out of range");
  if ((op->kind == EM_NN_OP_ADD || op->kind == EM_NN_OP_CONCAT) != (op->input2 >= 0) ||
      (op->input2 >= 0 && (guint32) op->input2 >= p->n_tensors))
    FAIL ("second input out of range");
  if ((int) op->act < EM_NN_ACT_NONE || (int) op->act > EM_NN_ACT_TANH)
    FAIL ("unknown activation");
  ti = &p->tensors[op->input];
  to = &p->tensors[op->output];
  if (!apart (p, op->input, op->output) || (op->input2 >= 0 && !apart (p, op->input2, op->output)))
    FAIL ("input and output share bytes");
  switch (op->kind)
    {
    case EM_NN_OP_CONV2D:
      if (!geom_ok (g, ti, to))
        FAIL ("geometry does not match the tensors");
      break;
    case EM_NN_OP_DEPTHWISE:
      if (!geom_ok (g, ti, to) || g->depth_multiplier < 1 ||
          (gint64) g->in_c * g->depth_multiplier != g->out_c)
        FAIL ("geometry does not match the tensors");
      break;
    case EM_NN_OP_MAXPOOL:
    case EM_NN_OP_AVGPOOL:
      if (!geom_ok (g, ti, to) || g->in_c != g->out_c)
        FAIL ("geometry does not match the tensors");
      break;
    case EM_NN_OP_GLOBAL_AVGPOOL:
      if (to->size != (guint32) ti->c || to->c != ti->c || (gint64) ti->h * ti->w > (1 << 20))
        FAIL ("global pool does not match its tensors");
      break;
    case EM_NN_OP_DENSE:
      break;
    case EM_NN_OP_ADD:
      if (ti->size != to->size || p->tensors[op->input2].size != to->size)
        FAIL ("add inputs and output differ in size");
      break;
    case EM_NN_OP_ACTIVATION:
    case EM_NN_OP_SOFTMAX:
    case EM_NN_OP_COPY:
      if (ti->size != to->size)
        FAIL ("input and output differ in size");
      break;
    case EM_NN_OP_SOFTMAX_TFLM:
      if (!p->is_int8 || ti->size != to->size || ti->c != to->c)
        FAIL ("TFLite softmax needs int8 input and output of one shape");
      break;
    case EM_NN_OP_PAD:
      if (!same_dims (ti, g->in_h, g->in_w, g->in_c) || !same_dims (to, g->out_h, g->out_w, g->out_c) ||
          g->in_c != g->out_c || g->pad_top < 0 || g->pad_left < 0 ||
          (gint64) g->in_h + g->pad_top > g->out_h || (gint64) g->in_w + g->pad_left > g->out_w ||
          (p->is_int8 && (op->q.output_offset < -128 || op->q.output_offset > 127)))
        FAIL ("padding does not match the tensors");
      break;
    case EM_NN_OP_CONCAT:
      if (g->in_h < 1 || g->in_w < 1 || g->in_c < 1 || (gint64) g->in_h * g->in_w != ti->size ||
          (gint64) g->in_h * g->in_c != p->tensors[op->input2].size ||
          (gint64) g->in_h * (g->in_w + g->in_c) != to->size)
        FAIL ("concatenation does not match the tensors");
      break;
    default:
      FAIL ("unknown op kind");
    }
  return TRUE;
}

static guint64
out_count (const EmNnProgram *p, const EmNnOp *op)
{
  return op->kind == EM_NN_OP_DENSE ? p->tensors[op->output].size : (guint64) op->geom.out_c;
}

gint64
em_nn_op_terms (const EmNnProgram *p, const EmNnOp *op)
{
  const EmNnGeom *g = &op->geom;

  switch (op->kind)
    {
    case EM_NN_OP_CONV2D:
      return (gint64) g->kernel_h * g->kernel_w * g->in_c;
    case EM_NN_OP_DEPTHWISE:
      return (gint64) g->kernel_h * g->kernel_w;
    case EM_NN_OP_DENSE:
      return p->tensors[op->input].size;
    default:
      return 0;
    }
}

void
em_nn_op_lengths (const EmNnProgram *p, guint32 i, EmNnOpLengths *len)
{
  const EmNnOp *op = &p->ops[i];
  gboolean conv = op->kind == EM_NN_OP_CONV2D || op->kind == EM_NN_OP_DEPTHWISE ||
                  op->kind == EM_NN_OP_DENSE;

  memset (len, 0, sizeof *len);
  if (conv)
    {
      /* Each factor is below 2^26, the kernel area below 2^20: no overflow
       * in 64 bits. */
      len->weights = (guint64) em_nn_op_terms (p, op) * out_count (p, op);
      len->bias = out_count (p, op);
      len->multiplier = p->is_int8 ? out_count (p, op) : 0;
    }
  len->lut = p->is_int8 && op->kind == EM_NN_OP_ACTIVATION ? 256 : 0;
  len->softmax_lut = p->is_int8 && (op->kind == EM_NN_OP_SOFTMAX || op->kind == EM_NN_OP_SOFTMAX_TFLM) ? 256 : 0;
}

/* Largest |a+offset| × |w|: 255 × 128. */
#define MAX_PRODUCT 32640

gint64
em_nn_bias_limit (gint64 n_terms)
{
  return ((gint64) 1 << 30) - n_terms * MAX_PRODUCT;
}

static gboolean
multiplier_ok (int32_t m, int32_t shift, int32_t max_shift)
{
  return (m == 0 || m >= (1 << 30)) && shift >= -31 && shift <= max_shift;
}

static gboolean
act_range_ok (int32_t lo, int32_t hi)
{
  return lo >= -128 && hi <= 127 && lo <= hi;
}

gboolean
em_nn_op_check (const EmNnProgram *p, guint32 i, const char **why)
{
  const EmNnOp *op = &p->ops[i];
  EmNnOpLengths len;

  if (!em_nn_op_check_shape (p, i, why))
    return FALSE;
  em_nn_op_lengths (p, i, &len);
  if (len.weights > 0 && op->weights == NULL)
    FAIL ("weights missing");
  if (!p->is_int8)
    return TRUE;

  switch (op->kind)
    {
    case EM_NN_OP_CONV2D:
    case EM_NN_OP_DEPTHWISE:
    case EM_NN_OP_DENSE:
      {
        /* The accumulator holds n_terms products and the bias; keeping it
         * within ±2^30 leaves room for the output offset, and a positive
         * shift may only scale it up to 2^30 too. */
        gint64 terms = em_nn_op_terms (p, op), limit = em_nn_bias_limit (terms);
        const int32_t *bias = op->bias;
        if (op->q.multiplier == NULL || op->q.shift == NULL)
          FAIL ("requantization missing");
        if (limit < 0)
          FAIL ("too many products per output for 32-bit accumulation");
        if (op->q.input_offset < -127 || op->q.input_offset > 128 ||
            op->q.output_offset < -128 || op->q.output_offset > 127 ||
            !act_range_ok (op->q.act_min, op->q.act_max))
          FAIL ("quantization parameters out of range");
        for (guint64 c = 0; c < len.multiplier; c++)
          {
            gint64 b = bias != NULL ? ABS ((gint64) bias[c]) : 0;
            int32_t s = op->q.shift[c];
            if (b > limit || !multiplier_ok (op->q.multiplier[c], s, 30))
              FAIL ("requantization out of range");
            if (s > 0 && (terms * MAX_PRODUCT + b) > (((gint64) 1 << 30) >> s))
              FAIL ("requantization could overflow 32 bits");
          }
      }
      break;
    case EM_NN_OP_MAXPOOL:
    case EM_NN_OP_AVGPOOL:
    case EM_NN_OP_GLOBAL_AVGPOOL:
      if (!act_range_ok (op->q.act_min, op->q.act_max))
        FAIL ("activation range out of int8");
      break;
    case EM_NN_OP_ADD:
      {
        const EmNnQuantAdd *a = &op->add;
        /* |(x + offset) << left_shift| < 2^28; input rescales at most 1;
         * the sum below 2^29, so the output scale may double it once. */
        if (a->input1_offset < -127 || a->input1_offset > 128 ||
            a->input2_offset < -127 || a->input2_offset > 128 ||
            a->output_offset < -128 || a->output_offset > 127 ||
            a->left_shift < 0 || a->left_shift > 20 ||
            !multiplier_ok (a->input1_multiplier, a->input1_shift, 0) ||
            !multiplier_ok (a->input2_multiplier, a->input2_shift, 0) ||
            !multiplier_ok (a->output_multiplier, a->output_shift, 1) ||
            !act_range_ok (a->act_min, a->act_max))
          FAIL ("add parameters out of range");
      }
      break;
    case EM_NN_OP_ACTIVATION:
      if (op->lut == NULL)
        FAIL ("lookup table missing");
      break;
    case EM_NN_OP_SOFTMAX:
      /* exp(0) is in every row's sum: zero would divide by zero. */
      if (op->softmax_lut == NULL || op->softmax_lut[0] == 0)
        FAIL ("softmax table missing or zero");
      break;
    case EM_NN_OP_SOFTMAX_TFLM:
      /* exp(0) = INT32_MAX is in every row's sum (so it is never 0), and
       * no exp is negative. */
      if (op->softmax_exp == NULL || op->softmax_exp[0] != G_MAXINT32)
        FAIL ("TFLite softmax table missing or exp(0) wrong");
      for (int d = 1; d < 256; d++)
        if (op->softmax_exp[d] < 0)
          FAIL ("TFLite softmax table has a negative exp");
      break;
    default:
      break;
    }
  return TRUE;
}

#undef FAIL

/* ---- save -------------------------------------------------------------- */

static void
put_u32 (GByteArray *b, guint32 v)
{
  guint8 x[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff };
  g_byte_array_append (b, x, 4);
}

static void
put_i32 (GByteArray *b, gint32 v)
{
  put_u32 (b, (guint32) v);
}

static void
put_f32 (GByteArray *b, float f)
{
  guint32 u;
  memcpy (&u, &f, 4);
  put_u32 (b, u);
}

/* elem: 1 (bytes as is), 4 (u32/i32/f32 words). */
static void
put_array (GByteArray *b, gconstpointer data, guint64 count, guint elem)
{
  if (data == NULL)
    count = 0;
  put_u32 (b, (guint32) count);
  if (elem == 1 && count > 0)
    g_byte_array_append (b, data, (guint) count);
  else if (elem == 1)
    return;
  else
    for (guint64 k = 0; k < count; k++)
      {
        guint32 u;
        memcpy (&u, (const guint8 *) data + 4 * k, 4);
        put_u32 (b, u);
      }
}

static void
put_geom (GByteArray *b, const EmNnGeom *g)
{
  const int32_t v[13] = { g->in_h, g->in_w, g->in_c, g->out_h, g->out_w, g->out_c, g->kernel_h,
                          g->kernel_w, g->stride_h, g->stride_w, g->pad_top, g->pad_left,
                          g->depth_multiplier };
  for (int k = 0; k < 13; k++)
    put_i32 (b, v[k]);
}

GBytes *
em_nn_compiled_save (const EmNnCompiled *compiled)
{
  const EmNnProgram *p = &compiled->program;
  GByteArray *b = g_byte_array_new ();
  guint64 sum;

  g_byte_array_append (b, (const guint8 *) MAGIC, 4);
  {
    guint32 version = VERSION;
    for (guint32 i = 0; i < p->n_ops; i++)
      if (p->ops[i].kind == EM_NN_OP_SOFTMAX_TFLM)
        version = VERSION_SOFTMAX_TFLM;
    put_u32 (b, version);
  }
  put_u32 (b, 0);    /* total length, patched below */
  put_u32 (b, p->is_int8 ? 1u : 0u);
  put_u32 (b, p->n_tensors);
  put_u32 (b, p->n_ops);
  put_i32 (b, p->input_tensor);
  put_i32 (b, p->output_tensor);
  put_u32 (b, p->arena_size);
  for (guint32 t = 0; t < p->n_tensors; t++)
    {
      const EmNnTensor *x = &p->tensors[t];
      put_u32 (b, x->offset);
      put_u32 (b, x->size);
      put_i32 (b, x->h);
      put_i32 (b, x->w);
      put_i32 (b, x->c);
      put_f32 (b, p->is_int8 ? x->scale : 0.0f);
      put_i32 (b, p->is_int8 ? x->zero_point : 0);
    }
  for (guint32 i = 0; i < p->n_ops; i++)
    {
      const EmNnOp *op = &p->ops[i];
      const EmNnQuantAdd *a = &op->add;
      const char *name = compiled->op_names[i];
      EmNnOpLengths len;
      const int32_t add[12] = { a->input1_offset, a->input2_offset, a->output_offset, a->left_shift,
                                a->input1_multiplier, a->input1_shift, a->input2_multiplier,
                                a->input2_shift, a->output_multiplier, a->output_shift,
                                a->act_min, a->act_max };

      em_nn_op_lengths (p, i, &len);
      put_u32 (b, (guint32) op->kind);
      put_i32 (b, (gint32) op->act);
      put_i32 (b, op->input);
      put_i32 (b, op->input2);
      put_i32 (b, op->output);
      put_geom (b, &op->geom);
      put_i32 (b, op->q.input_offset);
      put_i32 (b, op->q.output_offset);
      put_i32 (b, op->q.act_min);
      put_i32 (b, op->q.act_max);
      for (int k = 0; k < 12; k++)
        put_i32 (b, add[k]);
      put_u32 (b, (guint32) strlen (name));
      g_byte_array_append (b, (const guint8 *) name, (guint) strlen (name));
      put_array (b, op->weights, len.weights, p->is_int8 ? 1 : 4);
      put_array (b, op->bias, len.bias, 4);
      put_array (b, op->q.multiplier, len.multiplier, 4);
      put_array (b, op->q.shift, len.multiplier, 4);
      put_array (b, op->lut, len.lut, 1);
      put_array (b, op->kind == EM_NN_OP_SOFTMAX_TFLM ? (gconstpointer) op->softmax_exp : op->softmax_lut,
                 len.softmax_lut, 4);
    }
  {
    guint32 total = b->len + CHECKSUM_BYTES;
    guint8 le[4] = { total & 0xff, (total >> 8) & 0xff, (total >> 16) & 0xff, (total >> 24) & 0xff };
    memcpy (b->data + 8, le, 4);
  }
  sum = em_nn_compiled_checksum (b->data, b->len);
  put_u32 (b, (guint32) (sum & 0xffffffffu));
  put_u32 (b, (guint32) (sum >> 32));
  return g_byte_array_free_to_bytes (b);
}

/* ---- load -------------------------------------------------------------- */

typedef struct {
  const guint8 *d;
  gsize         n, pos;
  gboolean      ok;
} Reader;

static const guint8 *
get_bytes (Reader *r, guint64 n)
{
  const guint8 *at;

  if (!r->ok || n > r->n - r->pos)
    {
      r->ok = FALSE;
      return NULL;
    }
  at = r->d + r->pos;
  r->pos += (gsize) n;
  return at;
}

static guint32
get_u32 (Reader *r)
{
  const guint8 *x = get_bytes (r, 4);

  if (x == NULL)
    return 0;
  return (guint32) x[0] | (guint32) x[1] << 8 | (guint32) x[2] << 16 | (guint32) x[3] << 24;
}

static gint32
get_i32 (Reader *r)
{
  return (gint32) get_u32 (r);
}

static float
get_f32 (Reader *r)
{
  guint32 u = get_u32 (r);
  float f;
  memcpy (&f, &u, 4);
  return f;
}

/* An array of exactly @expect elements (or, when @optional, none). */
static gconstpointer
get_array (Reader *r, EmNnCompiled *c, guint64 expect, gboolean optional, guint elem,
           const char **why)
{
  guint32 count = get_u32 (r);
  const guint8 *raw;
  guint8 *data;

  if (!r->ok)
    return NULL;
  if (count == 0 && (optional || expect == 0))
    return NULL;
  if (count != expect)
    {
      r->ok = FALSE;
      *why = "array length does not match the op's geometry";
      return NULL;
    }
  raw = get_bytes (r, (guint64) count * elem);
  if (raw == NULL)
    return NULL;
  data = em_nn_compiled_keep (c, raw, (gsize) count * elem);
  if (elem == 4)
    for (guint32 k = 0; k < count; k++)
      {
        guint32 u = (guint32) raw[4 * k] | (guint32) raw[4 * k + 1] << 8 |
                    (guint32) raw[4 * k + 2] << 16 | (guint32) raw[4 * k + 3] << 24;
        memcpy (data + 4 * k, &u, 4);
      }
  return data;
}

static void
get_geom (Reader *r, EmNnGeom *g)
{
  int32_t *v[13] = { &g->in_h, &g->in_w, &g->in_c, &g->out_h, &g->out_w, &g->out_c, &g->kernel_h,
                     &g->kernel_w, &g->stride_h, &g->stride_w, &g->pad_top, &g->pad_left,
                     &g->depth_multiplier };
  for (int k = 0; k < 13; k++)
    *v[k] = get_i32 (r);
}

static gboolean
read_op (Reader *r, EmNnCompiled *c, guint32 i, guint32 version, const char **why)
{
  EmNnProgram *p = &c->program;
  EmNnOp *op = &c->ops[i];
  EmNnQuantAdd *a = &op->add;
  int32_t *add[12] = { &a->input1_offset, &a->input2_offset, &a->output_offset, &a->left_shift,
                       &a->input1_multiplier, &a->input1_shift, &a->input2_multiplier,
                       &a->input2_shift, &a->output_multiplier, &a->output_shift,
                       &a->act_min, &a->act_max };
  EmNnOpLengths len;
  guint32 name_len;
  const guint8 *name;

  op->kind = (EmNnOpKind) get_u32 (r);
  op->act = (EmNnActivation) get_i32 (r);
  op->input = get_i32 (r);
  op->input2 = get_i32 (r);
  op->output = get_i32 (r);
  get_geom (r, &op->geom);
  op->q.input_offset = get_i32 (r);
  op->q.output_offset = get_i32 (r);
  op->q.act_min = get_i32 (r);
  op->q.act_max = get_i32 (r);
  for (int k = 0; k < 12; k++)
    *add[k] = get_i32 (r);
  name_len = get_u32 (r);
  if (!r->ok)
    return FALSE;
  if (name_len > MAX_NAME || (name = get_bytes (r, name_len)) == NULL ||
      memchr (name, '\0', name_len) != NULL || !g_utf8_validate ((const char *) name, name_len, NULL))
    {
      *why = "bad op name";
      return FALSE;
    }
  c->op_names[i] = g_strndup ((const char *) name, name_len);
  if (op->kind == EM_NN_OP_SOFTMAX_TFLM && version < VERSION_SOFTMAX_TFLM)
    {
      *why = "op kind not in format version 1";
      return FALSE;
    }
  if (!em_nn_op_check_shape (p, i, why))
    return FALSE;
  em_nn_op_lengths (p, i, &len);
  op->weights = get_array (r, c, len.weights, FALSE, p->is_int8 ? 1 : 4, why);
  op->bias = get_array (r, c, len.bias, TRUE, 4, why);
  op->q.multiplier = get_array (r, c, len.multiplier, FALSE, 4, why);
  op->q.shift = get_array (r, c, len.multiplier, FALSE, 4, why);
  op->lut = get_array (r, c, len.lut, FALSE, 1, why);
  if (op->kind == EM_NN_OP_SOFTMAX_TFLM)
    op->softmax_exp = get_array (r, c, len.softmax_lut, FALSE, 4, why);
  else
    op->softmax_lut = get_array (r, c, len.softmax_lut, FALSE, 4, why);
  return r->ok;
}

static EmNnCompiled *
corrupt (GError **error, const char *why)
{
  g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_CORRUPT, "compiled model: %s", why);
  return NULL;
}

EmNnCompiled *
em_nn_compiled_load (GBytes *bytes, GError **error)
{
  g_autoptr(EmNnCompiled) c = NULL;
  EmNnProgram *p;
  Reader r = { 0 };
  const char *why = "truncated";
  guint32 version, total, is_int8, n_tensors, n_ops, arena;
  gint32 input, output;
  guint64 sum;

  g_return_val_if_fail (bytes != NULL, NULL);
  r.d = g_bytes_get_data (bytes, &r.n);
  r.ok = TRUE;
  if (r.n < HEADER_BYTES + CHECKSUM_BYTES || memcmp (r.d, MAGIC, 4) != 0)
    return corrupt (error, "not a compiled model (no EMNQ header)");
  r.pos = 4;
  version = get_u32 (&r);
  total = get_u32 (&r);
  if (version != VERSION && version != VERSION_SOFTMAX_TFLM)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_CORRUPT,
                   "compiled model: format version %u is not supported (this build reads %u and %u)",
                   version, VERSION, VERSION_SOFTMAX_TFLM);
      return NULL;
    }
  if (total != r.n)
    return corrupt (error, "length does not match the header (truncated?)");
  r.n -= CHECKSUM_BYTES;
  sum = (guint64) (r.d[r.n] | r.d[r.n + 1] << 8 | r.d[r.n + 2] << 16 | (guint32) r.d[r.n + 3] << 24) |
        (guint64) (r.d[r.n + 4] | r.d[r.n + 5] << 8 | r.d[r.n + 6] << 16 |
                   (guint32) r.d[r.n + 7] << 24) << 32;
  if (sum != em_nn_compiled_checksum (r.d, r.n))
    return corrupt (error, "checksum mismatch");

  is_int8 = get_u32 (&r);
  n_tensors = get_u32 (&r);
  n_ops = get_u32 (&r);
  input = get_i32 (&r);
  output = get_i32 (&r);
  arena = get_u32 (&r);
  if (is_int8 > 1 || n_tensors < 1 || n_tensors > MAX_TENSORS || n_ops > MAX_OPS ||
      arena > MAX_ARENA || input < 0 || (guint32) input >= n_tensors || output < 0 ||
      (guint32) output >= n_tensors ||
      (guint64) n_tensors * TENSOR_BYTES + (guint64) n_ops * OP_FIXED_BYTES > r.n - r.pos)
    return corrupt (error, "header out of range");

  c = g_new0 (EmNnCompiled, 1);
  c->blobs = g_ptr_array_new_with_free_func (g_free);
  c->tensors = g_new0 (EmNnTensor, n_tensors);
  c->ops = g_new0 (EmNnOp, MAX (n_ops, 1));
  c->op_names = g_new0 (char *, n_ops + 1);
  p = &c->program;
  p->is_int8 = (int) is_int8;
  p->n_tensors = n_tensors;
  p->n_ops = n_ops;
  p->tensors = c->tensors;
  p->ops = c->ops;
  p->input_tensor = input;
  p->output_tensor = output;
  p->arena_size = arena;
  for (guint32 t = 0; t < n_tensors; t++)
    {
      EmNnTensor *x = &c->tensors[t];
      x->offset = get_u32 (&r);
      x->size = get_u32 (&r);
      x->h = get_i32 (&r);
      x->w = get_i32 (&r);
      x->c = get_i32 (&r);
      x->scale = get_f32 (&r);
      x->zero_point = get_i32 (&r);
      if (!r.ok)
        return corrupt (error, "truncated");
      if (!em_nn_tensor_check (p, t, &why))
        return corrupt (error, why);
    }
  for (guint32 i = 0; i < n_ops; i++)
    {
      why = "truncated";
      if (!read_op (&r, c, i, version, &why))
        return corrupt (error, why);
    }
  if (r.pos != r.n)
    return corrupt (error, "trailing bytes after the last op");
  for (guint32 i = 0; i < n_ops; i++)
    if (!em_nn_op_check (p, i, &why))
      return corrupt (error, why);
  em_nn_compiled_alloc_arena (c);
  return g_steal_pointer (&c);
}
