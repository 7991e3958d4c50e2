/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-import-onnx.c — a float ONNX model (e.g. exported by
 * torch.onnx.export) into an EmNnModel: protobuf-c parses the ModelProto
 * with the C code protoc-c generated from Debian's onnx.proto (see
 * nn/onnx/meson.build); the model's version, opset, input and initializers
 * are checked; every node is converted by nn/onnx/em-nn-onnx-ops.c into
 * Ember's JSON architecture with weights moved from NCHW to NHWC layouts;
 * the JSON is parsed by nn/ like any model, its inferred shapes compared
 * with ONNX's, and the weights filled in. Quantization is then Ember's
 * own (em_nn_compile_int8 with a calibration set). */
#include <string.h>
#include "em-nn-import.h"

#if EM_NN_HAVE_ONNX

#include "em-nn-onnx-private.h"
#include "em-nn-model-private.h"

#define MAX_INPUT_DIM 65536

/* The operators whose constant inputs are weights (for the layer table). */
static const char * const weighted_ops[] = { "Conv", "Gemm", "MatMul", "Add", "BatchNormalization", NULL };

static void
params_free (gpointer data)
{
  EmOnnxParams *p = data;

  g_free (p->weights);
  g_free (p->bias);
  g_free (p->gamma);
  g_free (p->beta);
  g_free (p->mean);
  g_free (p->var);
  g_free (p);
}

static void
ctx_clear (EmOnnxCtx *ctx)
{
  g_clear_pointer (&ctx->values, g_hash_table_unref);
  g_clear_pointer (&ctx->consts, g_hash_table_unref);
  g_clear_pointer (&ctx->uses, g_hash_table_unref);
  g_clear_pointer (&ctx->layers, g_ptr_array_unref);
  g_clear_pointer (&ctx->params, g_ptr_array_unref);
  g_clear_pointer (&ctx->names, g_ptr_array_unref);
  g_clear_pointer (&ctx->from_matmul, g_ptr_array_unref);
}

static gboolean
check_opset (const Onnx__ModelProto *m, int *opset, GError **error)
{
  *opset = 0;
  if (!m->has_ir_version || m->ir_version < 3)
    return em_onnx_fail (NULL, error, "not an ONNX model (no IR version 3 or later)");
  if (m->ir_version > 10)
    return em_onnx_fail (NULL, error, "IR version %" G_GINT64_FORMAT " is newer than Ember reads (3 to 10)",
                         m->ir_version);
  for (gsize i = 0; i < m->n_opset_import; i++)
    {
      const char *d = EM_ONNX_STR (m->opset_import[i]->domain);
      if (*d == '\0' || strcmp (d, "ai.onnx") == 0)
        {
          gint64 v = m->opset_import[i]->version;
          if (v < EM_NN_ONNX_OPSET_MIN || v > EM_NN_ONNX_OPSET_MAX)
            return em_onnx_fail (NULL, error, "opset %" G_GINT64_FORMAT " is not supported (%d to %d)",
                                 v, EM_NN_ONNX_OPSET_MIN, EM_NN_ONNX_OPSET_MAX);
          *opset = (int) v;
        }
    }
  if (*opset == 0)
    return em_onnx_fail (NULL, error, "the model imports no version of the standard ONNX opset");
  return TRUE;
}

/* All unsupported operators in one message. */
static gboolean
check_ops (const Onnx__GraphProto *g, GError **error)
{
  g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *list = NULL;

  for (gsize i = 0; i < g->n_node; i++)
    {
      const Onnx__NodeProto *n = g->node[i];
      g_autofree char *op = NULL;
      if (em_onnx_op_supported (n->domain, n->op_type))
        continue;
      op = *EM_ONNX_STR (n->domain) != '\0' ? g_strdup_printf ("%s:%s", n->domain, EM_ONNX_STR (n->op_type))
                                            : g_strdup (EM_ONNX_STR (n->op_type));
      if (!g_ptr_array_find_with_equal_func (bad, op, g_str_equal, NULL))
        g_ptr_array_add (bad, g_steal_pointer (&op));
    }
  if (bad->len == 0)
    return TRUE;
  g_ptr_array_add (bad, NULL);
  list = g_strjoinv (", ", (char **) bad->pdata);
  return em_onnx_fail (NULL, error, "unsupported operators: %s", list);
}

/* The one graph input that is not an initializer: float32, static shape
 * (the batch may be symbolic). */
static gboolean
read_input (EmOnnxCtx *ctx, const Onnx__GraphProto *g, EmOnnxValue *v, const char **name, GError **error)
{
  const Onnx__ValueInfoProto *in = NULL;
  const Onnx__TypeProto__Tensor *tt;
  gint64 d[4];
  guint64 n = 1;

  for (gsize i = 0; i < g->n_input; i++)
    if (!g_hash_table_contains (ctx->consts, EM_ONNX_STR (g->input[i]->name)))
      {
        if (in != NULL)
          return em_onnx_fail (NULL, error, "the model has several inputs ('%s', '%s'); Ember needs one",
                               EM_ONNX_STR (in->name), EM_ONNX_STR (g->input[i]->name));
        in = g->input[i];
      }
  if (in == NULL || *EM_ONNX_STR (in->name) == '\0')
    return em_onnx_fail (NULL, error, "the model has no input");
  *name = in->name;
  if (in->type == NULL || in->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
      (tt = in->type->tensor_type) == NULL || tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
    return em_onnx_fail (NULL, error, "input '%s' is not a float32 tensor", in->name);
  if (tt->shape == NULL || tt->shape->n_dim < 2 || tt->shape->n_dim > 4)
    return em_onnx_fail (NULL, error, "input '%s' must have a shape of rank 2 (N, features), "
                         "3 (N, C, L) or 4 (N, C, H, W)", in->name);
  for (gsize i = 0; i < tt->shape->n_dim; i++)
    {
      const Onnx__TensorShapeProto__Dimension *dim = tt->shape->dim[i];
      gboolean fixed = dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
      if (i == 0)
        {
          if (fixed && dim->dim_value != 1)
            return em_onnx_fail (NULL, error, "input '%s': batch %" G_GINT64_FORMAT " (Ember runs one window, "
                                 "export with batch 1)", in->name, dim->dim_value);
          continue;
        }
      if (!fixed)
        return em_onnx_fail (NULL, error, "input '%s': dimension %zu is not static ('%s'); "
                             "export with a fixed input shape", in->name, i,
                             dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM
                             ? EM_ONNX_STR (dim->dim_param) : "unknown");
      if (dim->dim_value < 1 || dim->dim_value > MAX_INPUT_DIM)
        return em_onnx_fail (NULL, error, "input '%s': dimension %zu is %" G_GINT64_FORMAT,
                             in->name, i, dim->dim_value);
      d[i] = dim->dim_value;
      n *= (guint64) d[i];
    }
  if (n > (1 << 24))
    return em_onnx_fail (NULL, error, "input '%s' has too many elements", in->name);
  memset (v, 0, sizeof *v);
  v->layer = -1;
  v->rank = (int) tt->shape->n_dim;
  v->dims = v->rank == 4 ? (EmNnDims) { (int) d[2], (int) d[3], (int) d[1] }
          : v->rank == 3 ? (EmNnDims) { 1, (int) d[2], (int) d[1] }
          : (EmNnDims) { 1, 1, (int) d[1] };
  return TRUE;
}

static gboolean
fill_layer (EmNnLayer *l, const EmOnnxParams *p, GError **error)
{
  struct { float *dst; gsize n_dst; const float *src; gsize n_src; } t[] = {
    { l->weights, l->n_weights, p->weights, p->n_weights },
    { l->bias, l->n_bias, p->bias, p->n_bias },
    { l->gamma, l->gamma ? (gsize) l->in.c : 0, p->gamma, p->n_channels },
    { l->beta, l->beta ? (gsize) l->in.c : 0, p->beta, p->n_channels },
    { l->moving_mean, l->moving_mean ? (gsize) l->in.c : 0, p->mean, p->n_channels },
    { l->moving_var, l->moving_var ? (gsize) l->in.c : 0, p->var, p->n_channels },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (t); i++)
    {
      if ((t[i].dst != NULL) != (t[i].src != NULL) || (t[i].src != NULL && t[i].n_dst != t[i].n_src))
        return em_onnx_fail (NULL, error, "%s: converted parameters do not fit the layer (%zu for %zu)",
                             l->name, t[i].n_src, t[i].n_dst);
      if (t[i].src != NULL)
        memcpy (t[i].dst, t[i].src, t[i].n_src * sizeof (float));
    }
  return TRUE;
}

/* Parse the architecture, compare shapes, fill the weights. */
static EmNnModel *
build_model (EmOnnxCtx *ctx, EmNnDims input, GError **error)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *obj = json_object_new ();
  JsonArray *shape = json_array_new (), *layers = json_array_new ();
  g_autoptr(EmNnModel) model = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *json = NULL;

  json_array_add_int_element (shape, input.h);
  json_array_add_int_element (shape, input.w);
  json_array_add_int_element (shape, input.c);
  json_object_set_array_member (obj, "input_shape", shape);
  for (guint i = 0; i < ctx->layers->len; i++)
    json_array_add_object_element (layers, json_object_ref (g_ptr_array_index (ctx->layers, i)));
  json_object_set_array_member (obj, "layers", layers);
  json_node_take_object (root, obj);
  json = json_to_string (root, FALSE);
  model = em_nn_model_new_from_json (json, &local);
  if (model == NULL)
    {
      em_onnx_fail (NULL, error, "the converted model does not parse: %s", local->message);
      return NULL;
    }
  for (guint i = 0; i < model->layers->len; i++)
    if (!fill_layer (g_ptr_array_index (model->layers, i), g_ptr_array_index (ctx->params, i), error))
      return NULL;
  if (!em_nn_model_check_finite (model, &local))
    {
      em_onnx_fail (NULL, error, "%s", local->message);
      return NULL;
    }
  return g_steal_pointer (&model);
}

static gboolean
same_dims (EmNnDims a, EmNnDims b)
{
  return a.h == b.h && a.w == b.w && a.c == b.c;
}

EmNnImported *
em_nn_import_onnx (const guint8 *data, gsize len, GError **error)
{
  g_autoptr(EmNnImported) imp = NULL;
  g_autoptr(GArray) node_layer = g_array_new (FALSE, TRUE, sizeof (int));
  g_autoptr(GArray) node_params = g_array_new (FALSE, TRUE, sizeof (guint64));
  EmOnnxCtx ctx = { 0 };
  Onnx__ModelProto *m;
  const Onnx__GraphProto *g;
  const char *input_name = NULL;
  EmOnnxValue in, *out;
  gboolean ok = FALSE;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  m = onnx__model_proto__unpack (NULL, len, data);
  if (m == NULL)
    {
      em_onnx_fail (NULL, error, "not an ONNX model (%zu bytes that do not parse as a protobuf ModelProto; "
                    "truncated or damaged?)", len);
      return NULL;
    }
  ctx.values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ctx.consts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ctx.uses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ctx.layers = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  ctx.params = g_ptr_array_new_with_free_func (params_free);
  ctx.names = g_ptr_array_new_with_free_func (g_free);
  ctx.from_matmul = g_ptr_array_new ();

  g = m->graph;
  if (!check_opset (m, &ctx.opset, error))
    goto done;
  if (g == NULL || g->n_node == 0)
    {
      em_onnx_fail (NULL, error, "the model has no graph");
      goto done;
    }
  if (g->n_sparse_initializer > 0)
    {
      em_onnx_fail (NULL, error, "sparse initializers are not supported");
      goto done;
    }
  for (gsize i = 0; i < g->n_initializer; i++)
    {
      const Onnx__TensorProto *t = g->initializer[i];
      g_autofree char *what = g_strdup_printf ("initializer '%s'", EM_ONNX_STR (t->name));
      if (!em_onnx_check_tensor (t, what, error))
        goto done;
      g_hash_table_insert (ctx.consts, g_strdup (EM_ONNX_STR (t->name)), (gpointer) t);
    }
  if (!check_ops (g, error) || !read_input (&ctx, g, &in, &input_name, error))
    goto done;
  if (g->n_output != 1)
    {
      em_onnx_fail (NULL, error, "the model has %zu outputs; Ember needs one", g->n_output);
      goto done;
    }
  g_hash_table_insert (ctx.values, g_strdup (input_name), g_memdup2 (&in, sizeof in));
  for (gsize i = 0; i < g->n_node; i++)
    for (gsize k = 0; k < g->node[i]->n_input; k++)
      {
        const char *s = EM_ONNX_STR (g->node[i]->input[k]);
        g_hash_table_insert (ctx.uses, g_strdup (s), GINT_TO_POINTER (GPOINTER_TO_INT (g_hash_table_lookup (ctx.uses, s)) + 1));
      }

  for (gsize i = 0; i < g->n_node; i++)
    {
      guint before = ctx.layers->len;
      guint64 n_params = 0;
      int layer = -1;
      ctx.node = g->node[i];
      ctx.node_name = *EM_ONNX_STR (ctx.node->name) != '\0' ? ctx.node->name
                      : ctx.node->n_output > 0 ? EM_ONNX_STR (ctx.node->output[0]) : "";
      for (gsize k = 0; k < ctx.node->n_output; k++)
        {
          const char *s = EM_ONNX_STR (ctx.node->output[k]);
          if (*s != '\0' && (g_hash_table_contains (ctx.values, s) || g_hash_table_contains (ctx.consts, s)))
            {
              em_onnx_fail (&ctx, error, "output '%s' is defined twice", s);
              goto done;
            }
        }
      for (gsize k = 0; k < ctx.node->n_input; k++)
        {
          const Onnx__TensorProto *t = g_hash_table_lookup (ctx.consts, EM_ONNX_STR (ctx.node->input[k]));
          guint64 n = 1;
          for (gsize d = 0; t != NULL && d < t->n_dims; d++)
            n *= (guint64) t->dims[d];
          n_params += t != NULL ? n : 0;
        }
      if (!em_onnx_convert_node (&ctx, error))
        goto done;
      if (ctx.layers->len > before)
        layer = (int) ctx.layers->len - 1;
      /* Clip's bounds, Reshape's shape, Pad's pads are not parameters. */
      if (!g_strv_contains (weighted_ops, ctx.node->op_type))
        n_params = 0;
      g_array_append_val (node_layer, layer);
      g_array_append_val (node_params, n_params);
    }
  ctx.node = NULL;

  out = g_hash_table_lookup (ctx.values, EM_ONNX_STR (g->output[0]->name));
  if (out == NULL || out->layer < 0)
    {
      em_onnx_fail (NULL, error, "the output '%s' is not computed by any supported node",
                    EM_ONNX_STR (g->output[0]->name));
      goto done;
    }
  if (out->layer != (int) ctx.layers->len - 1)
    {
      em_onnx_fail (NULL, error, "the output '%s' is not the last layer computed", g->output[0]->name);
      goto done;
    }
  if (out->chw)
    {
      em_onnx_fail (NULL, error, "the output '%s' is a flattened image, whose element order differs "
                    "between ONNX and Ember", g->output[0]->name);
      goto done;
    }

  imp = em_nn_imported_new (EM_NN_IMPORT_ONNX);
  imp->model = build_model (&ctx, in.dims, error);
  if (imp->model == NULL)
    goto done;
  /* Every value's shape as ONNX defines it must be what nn/ inferred. */
  {
    GHashTableIter it;
    gpointer key, val;
    g_hash_table_iter_init (&it, ctx.values);
    while (g_hash_table_iter_next (&it, &key, &val))
      {
        const EmOnnxValue *v = val;
        const EmNnLayer *l;
        if (v->layer < 0)
          continue;
        l = g_ptr_array_index (imp->model->layers, v->layer);
        if (!same_dims (l->out, v->dims))
          {
            g_autofree char *a = em_nn_dims_to_string (l->out), *b = em_nn_dims_to_string (v->dims);
            em_onnx_fail (NULL, error, "tensor '%s': Ember computes %s where ONNX has %s",
                          (const char *) key, a, b);
            goto done;
          }
      }
  }
  {
    g_autofree char *producer = g_strdup_printf ("%s %s (ONNX IR %" G_GINT64_FORMAT ", opset %d)",
                                                 *EM_ONNX_STR (m->producer_name) ? m->producer_name
                                                 : "unknown producer",
                                                 EM_ONNX_STR (m->producer_version), m->ir_version, ctx.opset);
    g_free (imp->producer);
    imp->producer = g_utf8_make_valid (producer, -1);
  }
  imp->input = in.dims;
  imp->output = out->dims;
  for (gsize i = 0; i < g->n_node; i++)
    {
      const Onnx__NodeProto *n = g->node[i];
      const EmOnnxValue *v;
      int layer = g_array_index (node_layer, int, i);
      guint64 macs = 0;
      if (strcmp (n->op_type, "Constant") == 0)
        continue;
      v = g_hash_table_lookup (ctx.values, EM_ONNX_STR (n->output[0]));
      if (layer >= 0)
        macs = ((const EmNnLayer *) g_ptr_array_index (imp->model->layers, layer))->macs;
      g_autofree char *name = g_utf8_make_valid (n->output[0], -1);
      em_nn_imported_add_layer (imp, name, n->op_type, v != NULL ? v->dims : (EmNnDims) { 0, 0, 0 },
                                g_array_index (node_params, guint64, i), macs);
    }
  ok = TRUE;

done:
  ctx_clear (&ctx);
  onnx__model_proto__free_unpacked (m, NULL);
  return ok ? g_steal_pointer (&imp) : NULL;
}

#else /* !EM_NN_HAVE_ONNX */

EmNnImported *
em_nn_import_onnx (const guint8 *data, gsize len, GError **error)
{
  g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
               "ONNX: this Ember was built without ONNX support (it needs protobuf-c-compiler, "
               "libprotobuf-c-dev and libonnx-dev at build time; reconfigure with -Donnx=enabled)");
  return NULL;
}

#endif
