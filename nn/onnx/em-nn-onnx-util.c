/* SPDX-License-Identifier: Apache-2.0 */
/* ONNX import helpers: checked tensor reading, typed attributes, and the
 * Ember layer list being built. Every count in the file is compared with
 * what the dims promise before any data is touched. */
#include <string.h>
#include "em-nn-onnx-private.h"
#include "em-nn-model-private.h"

gboolean
em_onnx_fail (EmOnnxCtx *ctx, GError **error, const char *fmt, ...)
{
  g_autofree char *msg = NULL, *line = NULL, *valid = NULL;
  va_list ap;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (ctx != NULL && ctx->node != NULL)
    line = g_strdup_printf ("ONNX: %s '%s': %s", EM_ONNX_STR (ctx->node->op_type), ctx->node_name, msg);
  else
    line = g_strdup_printf ("ONNX: %s", msg);
  /* Names come from the file: keep the message one line of UTF-8. */
  valid = g_utf8_make_valid (line, -1);
  for (char *c = valid; *c != '\0'; c++)
    if ((guchar) *c < 0x20)
      *c = ' ';
  g_set_error_literal (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, valid);
  return FALSE;
}

/* Bytes per element; 0 for types Ember never reads (string, complex). */
static gsize
elem_size (int type)
{
  switch (type)
    {
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
    case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL:
      return 1;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT16:
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16:
    case ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16:
      return 2;
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32:
      return 4;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64:
      return 8;
    default:
      return 0;
    }
}

/* How many elements the typed (not raw) field of @t holds. */
static gsize
typed_count (const Onnx__TensorProto *t)
{
  switch (t->data_type)
    {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
      return t->n_float_data;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
      return t->n_int64_data;
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
      return t->n_double_data;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64:
      return t->n_uint64_data;
    default:
      return t->n_int32_data;
    }
}

gboolean
em_onnx_check_tensor (const Onnx__TensorProto *t, const char *what, GError **error)
{
  guint64 n = 1;
  gsize es = elem_size (t->data_type);

  if (t->n_dims > 8)
    return em_onnx_fail (NULL, error, "%s: %zu dimensions is too many", what, t->n_dims);
  for (gsize d = 0; d < t->n_dims; d++)
    {
      if (t->dims[d] < 0 || t->dims[d] > EM_NN_ONNX_MAX_ELEMENTS)
        return em_onnx_fail (NULL, error, "%s: dimension %zu is %" G_GINT64_FORMAT, what, d, t->dims[d]);
      n *= (guint64) t->dims[d];
      if (n > EM_NN_ONNX_MAX_ELEMENTS)
        return em_onnx_fail (NULL, error, "%s: more than %d elements", what, EM_NN_ONNX_MAX_ELEMENTS);
    }
  if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
    return em_onnx_fail (NULL, error, "%s: data in an external file is not supported "
                         "(export the model as one file)", what);
  if (t->segment != NULL)
    return em_onnx_fail (NULL, error, "%s: segmented tensors are not supported", what);
  if (es == 0)
    return em_onnx_fail (NULL, error, "%s: data type %d is not supported", what, t->data_type);
  if (t->has_raw_data)
    {
      if (t->raw_data.len != n * es)
        return em_onnx_fail (NULL, error, "%s: %zu bytes of data for %" G_GUINT64_FORMAT
                             " elements of %zu bytes", what, t->raw_data.len, n, es);
    }
  else if (typed_count (t) != n)
    return em_onnx_fail (NULL, error, "%s: %zu values for dims of %" G_GUINT64_FORMAT " elements",
                         what, typed_count (t), n);
  return TRUE;
}

void
em_onnx_const_clear (EmOnnxConst *c)
{
  g_clear_pointer (&c->f, g_free);
  g_clear_pointer (&c->i, g_free);
  c->n = 0;
  c->rank = -1;
}

gboolean
em_onnx_read_tensor (const Onnx__TensorProto *t, EmOnnxConst *out, const char *what, GError **error)
{
  gboolean is_float = t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  gboolean is_int = t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 ||
                    t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32;
  const guint8 *raw = t->raw_data.data;

  memset (out, 0, sizeof *out);
  out->rank = -1;
  if (!em_onnx_check_tensor (t, what, error))
    return FALSE;
  if (!is_float && !is_int)
    return em_onnx_fail (NULL, error, "%s: data type %d where float32 or an integer is needed",
                         what, t->data_type);
  out->rank = (int) t->n_dims;
  out->n = 1;
  for (gsize d = 0; d < t->n_dims; d++)
    {
      out->dims[d] = t->dims[d];
      out->n *= (gsize) t->dims[d];
    }
  if (is_float)
    {
      out->f = g_new (float, MAX (out->n, 1));
      for (gsize k = 0; k < out->n; k++)
        {
          if (t->has_raw_data)
            {
              guint32 u;
              memcpy (&u, raw + 4 * k, 4);
              u = GUINT32_FROM_LE (u);
              memcpy (&out->f[k], &u, 4);
            }
          else
            out->f[k] = t->float_data[k];
        }
    }
  else
    {
      gboolean i64 = t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
      out->i = g_new (gint64, MAX (out->n, 1));
      for (gsize k = 0; k < out->n; k++)
        {
          if (t->has_raw_data && i64)
            {
              guint64 u;
              memcpy (&u, raw + 8 * k, 8);
              out->i[k] = (gint64) GUINT64_FROM_LE (u);
            }
          else if (t->has_raw_data)
            {
              guint32 u;
              memcpy (&u, raw + 4 * k, 4);
              out->i[k] = (gint32) GUINT32_FROM_LE (u);
            }
          else
            out->i[k] = i64 ? t->int64_data[k] : t->int32_data[k];
        }
    }
  return TRUE;
}

gboolean
em_onnx_input_const (EmOnnxCtx *ctx, guint i, gboolean want_float, gboolean optional,
                     EmOnnxConst *out, GError **error)
{
  const char *name = i < ctx->node->n_input ? EM_ONNX_STR (ctx->node->input[i]) : "";
  const Onnx__TensorProto *t;
  g_autofree char *what = NULL;

  memset (out, 0, sizeof *out);
  out->rank = -1;
  if (*name == '\0')
    return optional ? TRUE : em_onnx_fail (ctx, error, "input %u is missing", i + 1);
  t = g_hash_table_lookup (ctx->consts, name);
  if (t == NULL)
    return em_onnx_fail (ctx, error, "input %u ('%s') must be a constant (an initializer)", i + 1, name);
  what = g_strdup_printf ("tensor '%s'", name);
  if (!em_onnx_read_tensor (t, out, what, error))
    return FALSE;
  if (want_float != (out->f != NULL))
    {
      em_onnx_const_clear (out);
      return em_onnx_fail (ctx, error, "input %u ('%s') must be %s", i + 1, name,
                           want_float ? "float32" : "integer");
    }
  return TRUE;
}

EmOnnxValue *
em_onnx_input_value (EmOnnxCtx *ctx, guint i, GError **error)
{
  const char *name = i < ctx->node->n_input ? EM_ONNX_STR (ctx->node->input[i]) : "";
  EmOnnxValue *v;

  if (*name == '\0')
    {
      em_onnx_fail (ctx, error, "input %u is missing", i + 1);
      return NULL;
    }
  v = g_hash_table_lookup (ctx->values, name);
  if (v == NULL)
    {
      if (g_hash_table_contains (ctx->consts, name))
        em_onnx_fail (ctx, error, "input %u ('%s') is a constant; Ember needs a computed tensor here",
                      i + 1, name);
      else
        em_onnx_fail (ctx, error, "input %u ('%s') is not defined before this node", i + 1, name);
    }
  return v;
}

int
em_onnx_value_shape (const EmOnnxValue *v, gint64 shape[4])
{
  shape[0] = 1;
  if (v->rank == 4)
    {
      shape[1] = v->dims.c;
      shape[2] = v->dims.h;
      shape[3] = v->dims.w;
    }
  else if (v->rank == 3)
    {
      shape[1] = v->dims.c;
      shape[2] = v->dims.w;
    }
  else
    shape[1] = em_nn_dims_size (v->dims);
  return v->rank;
}

static const Onnx__AttributeProto *
find_attr (EmOnnxCtx *ctx, const char *name)
{
  for (gsize i = 0; i < ctx->node->n_attribute; i++)
    if (g_strcmp0 (ctx->node->attribute[i]->name, name) == 0)
      return ctx->node->attribute[i];
  return NULL;
}

gboolean
em_onnx_check_attrs (EmOnnxCtx *ctx, const char * const *allowed, GError **error)
{
  for (gsize i = 0; i < ctx->node->n_attribute; i++)
    {
      const char *name = EM_ONNX_STR (ctx->node->attribute[i]->name);
      if (!g_strv_contains (allowed, name))
        return em_onnx_fail (ctx, error, "attribute '%s' is not supported", name);
      if (ctx->node->attribute[i]->ref_attr_name != NULL)
        return em_onnx_fail (ctx, error, "attribute '%s' refers to a function attribute", name);
    }
  return TRUE;
}

static gboolean
attr_type (EmOnnxCtx *ctx, const Onnx__AttributeProto *a, int type, const char *what, GError **error)
{
  if (!a->has_type || (int) a->type != type)
    return em_onnx_fail (ctx, error, "attribute '%s' must be %s", EM_ONNX_STR (a->name), what);
  return TRUE;
}

gboolean
em_onnx_attr_int (EmOnnxCtx *ctx, const char *name, gint64 def, gint64 *out, GError **error)
{
  const Onnx__AttributeProto *a = find_attr (ctx, name);

  *out = def;
  if (a == NULL)
    return TRUE;
  if (!attr_type (ctx, a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, "an integer", error))
    return FALSE;
  *out = a->i;
  return TRUE;
}

gboolean
em_onnx_attr_float (EmOnnxCtx *ctx, const char *name, float def, float *out, GError **error)
{
  const Onnx__AttributeProto *a = find_attr (ctx, name);

  *out = def;
  if (a == NULL)
    return TRUE;
  if (!attr_type (ctx, a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT, "a float", error))
    return FALSE;
  *out = a->f;
  return TRUE;
}

gboolean
em_onnx_attr_ints (EmOnnxCtx *ctx, const char *name, gint64 *out, int *n, GError **error)
{
  const Onnx__AttributeProto *a = find_attr (ctx, name);
  int cap = *n;

  *n = 0;
  if (a == NULL)
    return TRUE;
  if (!attr_type (ctx, a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS, "a list of integers", error))
    return FALSE;
  if (a->n_ints > (gsize) cap)
    return em_onnx_fail (ctx, error, "attribute '%s' has %zu values (at most %d)", name, a->n_ints, cap);
  for (gsize i = 0; i < a->n_ints; i++)
    out[i] = a->ints[i];
  *n = (int) a->n_ints;
  return TRUE;
}

gboolean
em_onnx_attr_string (EmOnnxCtx *ctx, const char *name, char **out, GError **error)
{
  const Onnx__AttributeProto *a = find_attr (ctx, name);

  *out = NULL;
  if (a == NULL)
    return TRUE;
  if (!attr_type (ctx, a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING, "a string", error))
    return FALSE;
  *out = g_strndup ((const char *) a->s.data, a->s.len);
  return TRUE;
}

const Onnx__TensorProto *
em_onnx_attr_tensor (EmOnnxCtx *ctx, const char *name)
{
  const Onnx__AttributeProto *a = find_attr (ctx, name);

  if (a == NULL || !a->has_type || a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR)
    return NULL;
  return a->t;
}

JsonArray *
em_onnx_pair (int a, int b)
{
  JsonArray *arr = json_array_new ();

  json_array_add_int_element (arr, a);
  json_array_add_int_element (arr, b);
  return arr;
}

static gboolean
name_taken (EmOnnxCtx *ctx, const char *name)
{
  if (strcmp (name, EM_NN_MODEL_INPUT_NAME) == 0)
    return TRUE;
  for (guint i = 0; i < ctx->names->len; i++)
    if (strcmp (g_ptr_array_index (ctx->names, i), name) == 0)
      return TRUE;
  return FALSE;
}

int
em_onnx_add_layer (EmOnnxCtx *ctx, const char *type, JsonObject *obj, int in0, int in1,
                   EmOnnxParams *params)
{
  g_autofree char *base = g_utf8_make_valid (*ctx->node_name != '\0' ? ctx->node_name : type, -1);
  char *name = g_strdup (base);
  JsonArray *inputs = json_array_new ();
  int ins[2] = { in0, in1 };

  for (int k = 2; name_taken (ctx, name); k++)
    {
      g_free (name);
      name = g_strdup_printf ("%s_%d", base, k);
    }
  if (obj == NULL)
    obj = json_object_new ();
  json_object_set_string_member (obj, "type", type);
  json_object_set_string_member (obj, "name", name);
  for (int k = 0; k < 2; k++)
    if (ins[k] >= -1)
      json_array_add_string_element (inputs, ins[k] < 0 ? EM_NN_MODEL_INPUT_NAME
                                     : (const char *) g_ptr_array_index (ctx->names, ins[k]));
  json_object_set_array_member (obj, "inputs", inputs);
  g_ptr_array_add (ctx->layers, obj);
  g_ptr_array_add (ctx->params, params != NULL ? params : g_new0 (EmOnnxParams, 1));
  g_ptr_array_add (ctx->names, name);
  g_ptr_array_add (ctx->from_matmul, NULL);
  return (int) ctx->layers->len - 1;
}

void
em_onnx_set_value (EmOnnxCtx *ctx, guint i, const EmOnnxValue *v)
{
  if (i < ctx->node->n_output && ctx->node->output[i] != NULL && *ctx->node->output[i] != '\0')
    g_hash_table_insert (ctx->values, g_strdup (ctx->node->output[i]), g_memdup2 (v, sizeof *v));
}
