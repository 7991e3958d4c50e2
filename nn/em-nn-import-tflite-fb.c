/* SPDX-License-Identifier: Apache-2.0 */
/* A reader for the part of the TensorFlow Lite flatbuffer schema (v3) that
 * Ember converts. No flatbuffers library: the format is small and every
 * read goes through the checks below, because the file is untrusted input.
 *
 * Flatbuffer facts this relies on: all integers little-endian; the file
 * starts with a u32 offset to the root table and the identifier "TFL3"; a
 * table starts with an i32 whose subtraction from the table's position
 * gives its vtable; a vtable is u16 vtable size, u16 table size, then one
 * u16 per field (0 = absent, else the field's offset in the table);
 * offsets to sub-tables, vectors and strings are u32 relative to where
 * they are stored; a vector is a u32 count then the elements. */
#include <string.h>
#include "em-nn-import-tflite-private.h"
#include "em-nn-model.h"

/* Sizes far above any model a microcontroller runs, but small enough that
 * products of them cannot overflow 64 bits. */
#define MAX_ITEMS   (1u << 20)

typedef struct {
  const guint8 *d;
  gsize         n;
} Fb;

typedef struct {
  gsize   pos;      /* the table */
  gsize   vt;       /* its vtable */
  guint16 vt_len, tbl_len;
} FbTable;

static guint16
rd16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static guint32
rd32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static gint64
rd64 (const guint8 *p)
{
  return (gint64) ((guint64) rd32 (p) | ((guint64) rd32 (p + 4) << 32));
}

static gboolean G_GNUC_PRINTF (2, 3)
fail (GError **error, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, msg);
  return FALSE;
}

static gboolean
fb_table (const Fb *fb, guint64 pos, FbTable *t, const char *what, GError **error)
{
  gint64 vt;

  if (pos + 4 > fb->n)
    return fail (error, "%s: table offset %" G_GUINT64_FORMAT " beyond the end of the file", what, pos);
  vt = (gint64) pos - (gint32) rd32 (fb->d + pos);
  if (vt < 0 || (guint64) vt + 4 > fb->n)
    return fail (error, "%s: vtable out of range", what);
  t->pos = (gsize) pos;
  t->vt = (gsize) vt;
  t->vt_len = rd16 (fb->d + vt);
  t->tbl_len = rd16 (fb->d + vt + 2);
  if (t->vt_len < 4 || t->vt_len % 2 != 0 || (guint64) vt + t->vt_len > fb->n)
    return fail (error, "%s: vtable size %u out of range", what, t->vt_len);
  if (t->tbl_len < 4 || pos + t->tbl_len > fb->n)
    return fail (error, "%s: table size %u out of range", what, t->tbl_len);
  return TRUE;
}

/* Where field @id lies (0 = absent); FALSE when the vtable puts @size bytes
 * of it outside the table. */
static gboolean
fb_field (const Fb *fb, const FbTable *t, guint id, guint size, gsize *at, const char *what, GError **error)
{
  guint16 off;

  *at = 0;
  if (4u + 2u * id + 2u > t->vt_len)
    return TRUE;
  off = rd16 (fb->d + t->vt + 4 + 2 * id);
  if (off == 0)
    return TRUE;
  if (off < 4 || (guint) off + size > t->tbl_len)
    return fail (error, "%s: field %u lies outside its table", what, id);
  *at = t->pos + off;
  return TRUE;
}

static gboolean
fb_scalar (const Fb *fb, const FbTable *t, guint id, guint size, gint64 def, gint64 *v, gboolean *present,
           const char *what, GError **error)
{
  gsize at;

  if (!fb_field (fb, t, id, size, &at, what, error))
    return FALSE;
  if (present != NULL)
    *present = at != 0;
  if (at == 0)
    *v = def;
  else if (size == 1)
    *v = (gint8) fb->d[at];
  else if (size == 4)
    *v = (gint32) rd32 (fb->d + at);
  else
    *v = rd64 (fb->d + at);
  return TRUE;
}

/* The target of offset field @id; 0 when absent. */
static gboolean
fb_ref (const Fb *fb, const FbTable *t, guint id, gsize *target, const char *what, GError **error)
{
  gsize at;
  guint64 to;

  *target = 0;
  if (!fb_field (fb, t, id, 4, &at, what, error))
    return FALSE;
  if (at == 0)
    return TRUE;
  to = (guint64) at + rd32 (fb->d + at);
  if (to + 4 > fb->n || to == 0)
    return fail (error, "%s: field %u points beyond the end of the file", what, id);
  *target = (gsize) to;
  return TRUE;
}

/* Vector field: its elements start at *start, *count of @elem bytes. An
 * absent vector is empty. */
static gboolean
fb_vector (const Fb *fb, const FbTable *t, guint id, guint elem, gsize *start, guint32 *count,
           const char *what, GError **error)
{
  gsize to;

  *start = 0;
  *count = 0;
  if (!fb_ref (fb, t, id, &to, what, error))
    return FALSE;
  if (to == 0)
    return TRUE;
  *count = rd32 (fb->d + to);
  if (*count > MAX_ITEMS || (guint64) to + 4 + (guint64) *count * elem > fb->n)
    return fail (error, "%s: vector of %u items runs beyond the end of the file", what, *count);
  *start = to + 4;
  return TRUE;
}

static gboolean
fb_string (const Fb *fb, const FbTable *t, guint id, char **out, const char *what, GError **error)
{
  gsize start;
  guint32 n;

  if (!fb_vector (fb, t, id, 1, &start, &n, what, error))
    return FALSE;
  *out = n > 0 ? g_utf8_make_valid ((const char *) fb->d + start, n) : g_strdup ("");
  return TRUE;
}

/* Element @i of a vector of tables. */
static gboolean
fb_elem_table (const Fb *fb, gsize start, guint32 i, FbTable *t, const char *what, GError **error)
{
  gsize at = start + 4 * (gsize) i;
  return fb_table (fb, (guint64) at + rd32 (fb->d + at), t, what, error);
}

static gboolean
fb_ints (const Fb *fb, const FbTable *t, guint id, gint32 **out, guint32 *n, const char *what, GError **error)
{
  gsize start;

  *out = NULL;
  if (!fb_vector (fb, t, id, 4, &start, n, what, error))
    return FALSE;
  *out = g_new (gint32, MAX (*n, 1));
  for (guint32 i = 0; i < *n; i++)
    (*out)[i] = (gint32) rd32 (fb->d + start + 4 * (gsize) i);
  return TRUE;
}

/* ---- names --------------------------------------------------------------- */

static const char *const op_names[] = {
  "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE",
  "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED", "HASHTABLE_LOOKUP", "L2_NORMALIZATION",
  "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC", "LSH_PROJECTION", "LSTM", "MAX_POOL_2D",
  "MUL", "RELU", "RELU_N1_TO_1", "RELU6", "RESHAPE", "RESIZE_BILINEAR", "RNN", "SOFTMAX",
  "SPACE_TO_DEPTH", "SVDF", "TANH", "CONCAT_EMBEDDINGS", "SKIP_GRAM", "CALL", "CUSTOM",
  "EMBEDDING_LOOKUP_SPARSE", "PAD", "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER", "BATCH_TO_SPACE_ND",
  "SPACE_TO_BATCH_ND", "TRANSPOSE", "MEAN", "SUB", "DIV", "SQUEEZE", "UNIDIRECTIONAL_SEQUENCE_LSTM",
  "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP", "TOPK_V2", "SPLIT", "LOG_SOFTMAX", "DELEGATE",
  "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU", "MAXIMUM", "ARG_MAX", "MINIMUM", "LESS", "NEG",
  "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL", "SELECT", "SLICE", "SIN", "TRANSPOSE_CONV",
  "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL", "NOT_EQUAL", "LOG", "SUM", "SQRT", "RSQRT",
  "SHAPE", "POW", "ARG_MIN", "FAKE_QUANT", "REDUCE_PROD", "REDUCE_MAX", "PACK", "LOGICAL_OR",
  "ONE_HOT", "LOGICAL_AND", "UNPACK", "REDUCE_MIN", "FLOOR_DIV", "REDUCE_ANY", "SQUARE",
  "ZEROS_LIKE", "FILL", "FLOOR_MOD", "RANGE", "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU",
  "SQUARED_DIFFERENCE", "MIRROR_PAD", "ABS", "SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2", "ADD_N",
  "GATHER_ND", "COS", "WHERE", "RANK", "ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG", "QUANTIZE",
  "MATRIX_SET_DIAG", "ROUND", "HARD_SWISH", "IF", "WHILE", "NON_MAX_SUPPRESSION_V4",
  "NON_MAX_SUPPRESSION_V5", "SCATTER_ND", "SELECT_V2", "DENSIFY", "SEGMENT_SUM", "BATCH_MATMUL",
};

const char *
tfl_op_name (gint32 code)
{
  if (code >= 0 && (gsize) code < G_N_ELEMENTS (op_names))
    return op_names[code];
  return NULL;
}

/* ---- options ------------------------------------------------------------- */

/* Field sizes of the BuiltinOptions tables read ('1' int8/bool, '4' int32,
 * 'f' float32), by union type, with defaults other than 0. */
typedef struct {
  guint8      type;
  const char *sizes;
  gint64      defaults[8];
} OptLayout;

static const OptLayout opt_layouts[] = {
  { 1, "144144", { 0, 0, 0, 0, 1, 1 } },      /* Conv2DOptions */
  { 2, "1444144", { 0, 0, 0, 0, 0, 1, 1 } },  /* DepthwiseConv2DOptions */
  { 5, "144441", { 0 } },                     /* Pool2DOptions */
  { 8, "1111", { 0 } },                       /* FullyConnectedOptions */
  { 9, "f", { 0 } },                          /* SoftmaxOptions (beta as float bits) */
  { 10, "41", { 0 } },                        /* ConcatenationOptions */
  { 11, "11", { 0, 1 } },                     /* AddOptions */
  { 27, "1", { 0 } },                         /* ReducerOptions */
};

static gboolean
read_options (const Fb *fb, const FbTable *op_t, TflOp *op, const char *what, GError **error)
{
  gint64 type;
  gsize to;
  FbTable t;
  const OptLayout *layout = NULL;

  if (!fb_scalar (fb, op_t, 3, 1, 0, &type, NULL, what, error) || !fb_ref (fb, op_t, 4, &to, what, error))
    return FALSE;
  op->options_type = (guint8) type;
  for (gsize i = 0; i < G_N_ELEMENTS (opt_layouts); i++)
    if (opt_layouts[i].type == op->options_type)
      layout = &opt_layouts[i];
  if (layout != NULL)
    for (guint i = 0; layout->sizes[i] != '\0'; i++)
      op->opt[i] = layout->defaults[i];
  if (to == 0 || layout == NULL)
    return TRUE;
  if (!fb_table (fb, to, &t, what, error))
    return FALSE;
  for (guint i = 0; layout->sizes[i] != '\0'; i++)
    {
      guint size = layout->sizes[i] == '1' ? 1 : 4;
      if (!fb_scalar (fb, &t, i, size, layout->defaults[i], &op->opt[i], &op->opt_present[i], what, error))
        return FALSE;
      if (layout->sizes[i] == 'f')
        op->opt[i] = (guint32) op->opt[i];
    }
  return TRUE;
}

/* ---- model --------------------------------------------------------------- */

void
tfl_model_free (TflModel *m)
{
  if (m == NULL)
    return;
  for (guint32 i = 0; m->tensors != NULL && i < m->n_tensors; i++)
    g_free (m->tensors[i].name);
  for (guint32 i = 0; m->ops != NULL && i < m->n_ops; i++)
    {
      g_free (m->ops[i].code_name);
      g_free (m->ops[i].inputs);
      g_free (m->ops[i].outputs);
    }
  g_free (m->tensors);
  g_free (m->ops);
  g_free (m->buffers);
  g_free (m->inputs);
  g_free (m->outputs);
  g_free (m->description);
  g_free (m);
}

float
tfl_scale (const TflTensor *t, guint32 i)
{
  guint32 bits = rd32 (t->scales + 4 * (gsize) i);
  float f;

  memcpy (&f, &bits, sizeof f);
  return f;
}

gint64
tfl_zero_point (const TflTensor *t, guint32 i)
{
  return rd64 (t->zero_points + 8 * (gsize) i);
}

static gboolean
read_tensor (const Fb *fb, gsize start, guint32 i, guint32 n_buffers, TflTensor *x, GError **error)
{
  g_autofree char *what = g_strdup_printf ("tensor %u", i);
  FbTable t, q;
  gsize vec, qref;
  guint32 rank;
  gint64 v;

  if (!fb_elem_table (fb, start, i, &t, what, error) || !fb_vector (fb, &t, 0, 4, &vec, &rank, what, error))
    return FALSE;
  if (rank > TFL_MAX_RANK)
    return fail (error, "%s: rank %u is more than %d", what, rank, TFL_MAX_RANK);
  x->rank = (int) rank;
  for (guint32 d = 0; d < rank; d++)
    {
      x->shape[d] = (gint32) rd32 (fb->d + vec + 4 * (gsize) d);
      if (x->shape[d] < 1 || x->shape[d] > (1 << 24))
        return fail (error, "%s: dimension %u is %d", what, d, x->shape[d]);
    }
  if (!fb_scalar (fb, &t, 1, 1, 0, &v, NULL, what, error))
    return FALSE;
  x->type = (guint8) v;
  if (!fb_scalar (fb, &t, 2, 4, 0, &v, NULL, what, error))
    return FALSE;
  x->buffer = (guint32) v;
  if (x->buffer >= n_buffers)
    return fail (error, "%s: buffer %u out of range", what, x->buffer);
  if (!fb_string (fb, &t, 3, &x->name, what, error) || !fb_ref (fb, &t, 4, &qref, what, error))
    return FALSE;
  if (qref != 0)
    {
      if (!fb_table (fb, qref, &q, what, error) ||
          !fb_vector (fb, &q, 2, 4, &vec, &x->n_scales, what, error))
        return FALSE;
      x->scales = fb->d + vec;
      if (!fb_vector (fb, &q, 3, 8, &vec, &x->n_zero_points, what, error))
        return FALSE;
      x->zero_points = fb->d + vec;
      if (!fb_scalar (fb, &q, 6, 4, 0, &v, NULL, what, error))
        return FALSE;
      x->quantized_dimension = (gint32) v;
      if (x->n_zero_points != 0 && x->n_zero_points != x->n_scales)
        return fail (error, "%s: %u scales but %u zero points", what, x->n_scales, x->n_zero_points);
    }
  return TRUE;
}

static gboolean
check_indices (const gint32 *idx, guint32 n, guint32 n_tensors, gboolean optional, const char *what,
               GError **error)
{
  for (guint32 k = 0; k < n; k++)
    if (idx[k] >= (gint32) n_tensors || idx[k] < (optional ? -1 : 0))
      return fail (error, "%s: tensor index %d out of range", what, idx[k]);
  return TRUE;
}

static void
free_names (char **names, guint32 n)
{
  for (guint32 i = 0; names != NULL && i < n; i++)
    g_clear_pointer (&names[i], g_free);
}

TflModel *
tfl_model_read (const guint8 *data, gsize len, GError **error)
{
  g_autoptr(TflModel) m = g_new0 (TflModel, 1);
  Fb fb = { data, len };
  FbTable root, sg, t;
  gsize codes, subgraphs, buffers, ops, tensors;
  guint32 n_codes, n_subgraphs;
  g_autofree gint32 *code_of = NULL;
  g_autofree char **code_names = NULL;
  gboolean ok = TRUE;
  gint64 v;

  if (len < 8 || memcmp (data + 4, "TFL3", 4) != 0)
    {
      fail (error, "not a TensorFlow Lite model (no \"TFL3\" identifier)");
      return NULL;
    }
  if (!fb_table (&fb, rd32 (data), &root, "model", error) ||
      !fb_scalar (&fb, &root, 0, 4, 0, &v, NULL, "model", error))
    return NULL;
  m->version = (guint32) v;
  if (m->version != 3)
    {
      fail (error, "schema version %u is not the supported 3", m->version);
      return NULL;
    }
  if (!fb_string (&fb, &root, 3, &m->description, "model description", error) ||
      !fb_vector (&fb, &root, 1, 4, &codes, &n_codes, "operator codes", error) ||
      !fb_vector (&fb, &root, 2, 4, &subgraphs, &n_subgraphs, "subgraphs", error) ||
      !fb_vector (&fb, &root, 4, 4, &buffers, &m->n_buffers, "buffers", error))
    return NULL;

  /* Buffers: each a table whose field 0 is the bytes. */
  m->buffers = g_new0 (TflBuffer, MAX (m->n_buffers, 1));
  for (guint32 i = 0; i < m->n_buffers; i++)
    {
      g_autofree char *what = g_strdup_printf ("buffer %u", i);
      gsize start;
      guint32 n;
      gint64 off;

      if (!fb_elem_table (&fb, buffers, i, &t, what, error) ||
          !fb_vector (&fb, &t, 0, 1, &start, &n, what, error) ||
          !fb_scalar (&fb, &t, 1, 8, 0, &off, NULL, what, error))
        return NULL;
      if (off != 0)
        {
          fail (error, "%s: data outside the flatbuffer (offset %" G_GINT64_FORMAT ") is not supported", what, off);
          return NULL;
        }
      m->buffers[i].data = n > 0 ? data + start : NULL;
      m->buffers[i].len = n;
    }

  code_of = g_new0 (gint32, MAX (n_codes, 1));
  code_names = g_new0 (char *, MAX (n_codes, 1) + 1);
  for (guint32 i = 0; i < n_codes; i++)
    {
      g_autofree char *what = g_strdup_printf ("operator code %u", i);
      gint64 deprecated, code;
      if (!fb_elem_table (&fb, codes, i, &t, what, error) ||
          !fb_scalar (&fb, &t, 0, 1, 0, &deprecated, NULL, what, error) ||
          !fb_scalar (&fb, &t, 3, 4, 0, &code, NULL, what, error))
        {
          free_names (code_names, n_codes);
          return NULL;
        }
      /* Codes above 127 live in builtin_code; older files only fill the
       * deprecated byte. */
      code_of[i] = (gint32) MAX (deprecated, code);
      if (code_of[i] == 32 && !fb_string (&fb, &t, 1, &code_names[i], what, error))
        {
          free_names (code_names, n_codes);
          return NULL;
        }
    }

  if (n_subgraphs != 1)
    {
      free_names (code_names, n_codes);
      fail (error, "%u subgraphs; only models with one are supported", n_subgraphs);
      return NULL;
    }
  if (!fb_elem_table (&fb, subgraphs, 0, &sg, "subgraph 0", error) ||
      !fb_vector (&fb, &sg, 0, 4, &tensors, &m->n_tensors, "tensors", error) ||
      !fb_vector (&fb, &sg, 3, 4, &ops, &m->n_ops, "operators", error) ||
      !fb_ints (&fb, &sg, 1, &m->inputs, &m->n_inputs, "subgraph inputs", error) ||
      !fb_ints (&fb, &sg, 2, &m->outputs, &m->n_outputs, "subgraph outputs", error))
    {
      free_names (code_names, n_codes);
      return NULL;
    }
  m->tensors = g_new0 (TflTensor, MAX (m->n_tensors, 1));
  for (guint32 i = 0; i < m->n_tensors; i++)
    if (!read_tensor (&fb, tensors, i, m->n_buffers, &m->tensors[i], error))
      {
        free_names (code_names, n_codes);
        return NULL;
      }
  if (!check_indices (m->inputs, m->n_inputs, m->n_tensors, FALSE, "subgraph inputs", error) ||
      !check_indices (m->outputs, m->n_outputs, m->n_tensors, FALSE, "subgraph outputs", error))
    {
      free_names (code_names, n_codes);
      return NULL;
    }

  m->ops = g_new0 (TflOp, MAX (m->n_ops, 1));
  for (guint32 i = 0; i < m->n_ops; i++)
    {
      g_autofree char *what = g_strdup_printf ("operator %u", i);
      TflOp *op = &m->ops[i];
      gint64 idx;
      const char *name;

      if (!fb_elem_table (&fb, ops, i, &t, what, error) ||
          !fb_scalar (&fb, &t, 0, 4, 0, &idx, NULL, what, error) ||
          !fb_ints (&fb, &t, 1, &op->inputs, &op->n_inputs, what, error) ||
          !fb_ints (&fb, &t, 2, &op->outputs, &op->n_outputs, what, error) ||
          !read_options (&fb, &t, op, what, error))
        {
          ok = FALSE;
          break;
        }
      if (idx < 0 || (guint64) idx >= n_codes)
        {
          ok = fail (error, "%s: operator code %" G_GINT64_FORMAT " out of range", what, (gint64) (guint32) idx);
          break;
        }
      op->code = code_of[idx];
      name = tfl_op_name (op->code);
      if (op->code == 32 && code_names[idx] != NULL)
        op->code_name = g_strdup (code_names[idx]);
      else
        op->code_name = name != NULL ? g_strdup (name) : g_strdup_printf ("BUILTIN_%d", op->code);
      if (!check_indices (op->inputs, op->n_inputs, m->n_tensors, TRUE, what, error) ||
          !check_indices (op->outputs, op->n_outputs, m->n_tensors, FALSE, what, error))
        {
          ok = FALSE;
          break;
        }
    }
  free_names (code_names, n_codes);
  if (!ok)
    return NULL;
  return g_steal_pointer (&m);
}
