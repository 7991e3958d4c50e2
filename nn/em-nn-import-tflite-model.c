/* SPDX-License-Identifier: Apache-2.0 */
/* A float32 TFLite model's program → an EmNnModel (Ember's JSON
 * architecture plus float weights), so that Ember can store it as a
 * learning block's float model and quantize it to int8 with a calibration
 * set, exactly like an ONNX model or one it trained.
 *
 * The converted float program (em-nn-import-tflite.c) already has every
 * operator checked and its geometry worked out; its weight layouts are
 * nn/'s (conv [filters][kh][kw][in_c], depthwise [kh][kw][c × mult], dense
 * [units][in]), which are TFLite's too. So each op becomes one layer:
 * CONV2D → conv2d, DEPTHWISE → depthwise_conv2d, DENSE → dense (a flatten
 * in front when its input is not flat), pools → maxpool2d / avgpool2d,
 * GLOBAL_AVGPOOL (MEAN) → global_avgpool, ADD → add, ACTIVATION →
 * activation, SOFTMAX → softmax. TFLite's RESHAPE / SQUEEZE alias bytes in
 * the program; here they become reshape layers where a reader sees another
 * shape. A PAD of zeros in front of a VALID convolution is what Keras
 * writes for TensorFlow's 'same' (ZeroPadding2D, MobileNet's stride-2
 * blocks): when the pads are exactly 'same''s, the two fold into one
 * convolution with padding 'same'. Anything the layer list cannot say
 * (CONCATENATION, other padding) is refused with the reason, never
 * approximated. The model is parsed back by nn/ and every layer's inferred
 * shape compared with the program's tensor. */
#include <string.h>
#include <json-glib/json-glib.h>
#include "em-nn-import-tflite-conv.h"
#include "em-nn-model-private.h"

typedef struct {
  const EmNnProgram *p;
  const EmNnCompiled *c;
  JsonArray  *layers;
  GPtrArray  *names;        /* layer names (owned) */
  GPtrArray  *weights;      /* per layer: const float * or NULL (borrowed from the program) */
  GPtrArray  *biases;
  GArray     *out_tensor;   /* per layer: the program tensor it computes, or -1 */
  gint32     *layer_of;     /* program tensor → layer index; -1 the model input; -2 none yet */
  gint32     *pad_of;       /* program tensor → the PAD op that wrote it, or -1 */
  GError    **error;
} ModelConv;

static gboolean
fail (ModelConv *mc, guint32 op, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (ModelConv *mc, guint32 op, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (mc->error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, "%s: %s",
               op < mc->p->n_ops ? mc->c->op_names[op] : "the model", msg);
  return FALSE;
}

static const char *
layer_name (ModelConv *mc, gint32 layer)
{
  return layer < 0 ? EM_NN_MODEL_INPUT_NAME : g_ptr_array_index (mc->names, layer);
}

static JsonArray *
pair (int a, int b)
{
  JsonArray *arr = json_array_new ();

  json_array_add_int_element (arr, a);
  json_array_add_int_element (arr, b);
  return arr;
}

/* Append a layer of @type reading layers @in0 (and @in1 when ≥ -1);
 * returns its index. @obj: more keys (owned), or NULL. */
static gint32
add_layer (ModelConv *mc, const char *type, const char *name, JsonObject *obj, gint32 in0, gint32 in1,
           gint32 out_tensor, const float *weights, const float *bias)
{
  JsonArray *inputs = json_array_new ();
  gint32 index = (gint32) mc->names->len;
  g_autofree char *unique = g_strdup_printf ("%s_%d", name, index);

  if (obj == NULL)
    obj = json_object_new ();
  json_object_set_string_member (obj, "type", type);
  json_object_set_string_member (obj, "name", unique);
  json_array_add_string_element (inputs, layer_name (mc, in0));
  if (in1 >= -1)
    json_array_add_string_element (inputs, layer_name (mc, in1));
  json_object_set_array_member (obj, "inputs", inputs);
  json_array_add_object_element (mc->layers, obj);
  g_ptr_array_add (mc->names, g_steal_pointer (&unique));
  g_ptr_array_add (mc->weights, (gpointer) weights);
  g_ptr_array_add (mc->biases, (gpointer) bias);
  g_array_append_val (mc->out_tensor, out_tensor);
  if (out_tensor >= 0)
    mc->layer_of[out_tensor] = index;
  return index;
}

static gboolean
same_shape (const EmNnTensor *a, const EmNnTensor *b)
{
  return a->h == b->h && a->w == b->w && a->c == b->c;
}

/* The layer whose output op @op reads as program tensor @t, adding a
 * reshape where TFLite reshaped (the program only renamed the bytes). */
static gboolean
source_of (ModelConv *mc, guint32 op, gint32 t, gint32 *layer)
{
  const EmNnTensor *x = &mc->p->tensors[t];
  gint32 root = mc->c->root[t], base;
  JsonObject *o;
  JsonArray *shape;

  if (mc->pad_of[t] >= 0)
    return fail (mc, op, "reads the output of %s; Ember folds a PAD only into the convolution right after it "
                 "(as 'same' padding)", mc->c->op_names[mc->pad_of[t]]);
  if (mc->layer_of[t] != -2)
    {
      *layer = mc->layer_of[t];
      return TRUE;
    }
  base = mc->layer_of[root];
  if (root == t || base == -2 || mc->pad_of[root] >= 0)
    return fail (mc, op, "reads tensor %d, which no earlier layer computes", t);
  if (same_shape (x, &mc->p->tensors[root]))
    {
      mc->layer_of[t] = base;
      *layer = base;
      return TRUE;
    }
  o = json_object_new ();
  shape = json_array_new ();
  json_array_add_int_element (shape, x->h);
  json_array_add_int_element (shape, x->w);
  json_array_add_int_element (shape, x->c);
  json_object_set_array_member (o, "shape", shape);
  *layer = add_layer (mc, "reshape", "reshape", o, base, -2, t, NULL, NULL);
  return TRUE;
}

/* Ember's padding (TensorFlow's rules) that reads what the op's geometry
 * reads: @pad_top / @pad_left over an input of @in_h × @in_w. */
static gboolean
padding_of (const EmNnGeom *g, int in_h, int in_w, int pad_top, int pad_left, const char **padding)
{
  int in[2] = { in_h, in_w }, k[2] = { g->kernel_h, g->kernel_w }, s[2] = { g->stride_h, g->stride_w };
  int out[2] = { g->out_h, g->out_w }, pad[2] = { pad_top, pad_left };
  gboolean valid = TRUE, same = TRUE;

  for (int a = 0; a < 2; a++)
    {
      int so = (in[a] + s[a] - 1) / s[a];
      int total = MAX ((so - 1) * s[a] + k[a] - in[a], 0);
      valid &= pad[a] == 0 && in[a] >= k[a] && (in[a] - k[a]) / s[a] + 1 == out[a];
      same &= so == out[a] && total / 2 == pad[a];
    }
  *padding = valid ? "valid" : same ? "same" : NULL;
  return *padding != NULL;
}

static void
set_window (JsonObject *o, const EmNnGeom *g, const char *size_key, const char *padding)
{
  json_object_set_array_member (o, size_key, pair (g->kernel_h, g->kernel_w));
  json_object_set_array_member (o, "strides", pair (g->stride_h, g->stride_w));
  json_object_set_string_member (o, "padding", padding);
}

static gboolean
conv_layer (ModelConv *mc, guint32 i, const EmNnOp *op)
{
  const EmNnGeom *g = &op->geom;
  gboolean dw = op->kind == EM_NN_OP_DEPTHWISE;
  gint32 in_t = op->input, src;
  int in_h = g->in_h, in_w = g->in_w, pad_top = g->pad_top, pad_left = g->pad_left;
  const char *padding;
  JsonObject *o;

  if (mc->pad_of[in_t] >= 0)
    {
      /* PAD of zeros, then this convolution. */
      const EmNnOp *pad = &mc->p->ops[mc->pad_of[in_t]];
      if (pad_top != 0 || pad_left != 0)
        return fail (mc, i, "padding on top of %s's is not supported", mc->c->op_names[mc->pad_of[in_t]]);
      in_t = pad->input;
      in_h = pad->geom.in_h;
      in_w = pad->geom.in_w;
      pad_top = pad->geom.pad_top;
      pad_left = pad->geom.pad_left;
      if (!padding_of (g, in_h, in_w, pad_top, pad_left, &padding) || strcmp (padding, "same") != 0)
        return fail (mc, i, "the PAD in front (top %d, left %d on %d×%d) is not TensorFlow's 'same' padding "
                     "for kernel %d×%d, stride %d×%d, which is all Ember computes", pad_top, pad_left, in_h, in_w,
                     g->kernel_h, g->kernel_w, g->stride_h, g->stride_w);
    }
  else if (!padding_of (g, in_h, in_w, pad_top, pad_left, &padding))
    return fail (mc, i, "its padding is neither 'valid' nor TensorFlow's 'same'");
  if (!source_of (mc, i, in_t, &src))
    return FALSE;
  o = json_object_new ();
  if (dw)
    json_object_set_int_member (o, "depth_multiplier", g->depth_multiplier);
  else
    json_object_set_int_member (o, "filters", g->out_c);
  set_window (o, g, "kernel_size", padding);
  json_object_set_string_member (o, "activation", em_nn_activation_name (op->act));
  json_object_set_boolean_member (o, "use_bias", op->bias != NULL);
  add_layer (mc, dw ? "depthwise_conv2d" : "conv2d", dw ? "depthwise_conv2d" : "conv2d", o, src, -2,
             op->output, op->weights, op->bias);
  return TRUE;
}

static gboolean
convert_op (ModelConv *mc, guint32 i)
{
  const EmNnOp *op = &mc->p->ops[i];
  const EmNnTensor *ti = &mc->p->tensors[op->input], *to = &mc->p->tensors[op->output];
  gint32 src, src2;
  const char *padding;
  JsonObject *o;

  switch (op->kind)
    {
    case EM_NN_OP_CONV2D:
    case EM_NN_OP_DEPTHWISE:
      return conv_layer (mc, i, op);
    case EM_NN_OP_PAD:
      /* Folded into the convolution that reads it (conv_layer). */
      mc->pad_of[op->output] = (gint32) i;
      return TRUE;
    case EM_NN_OP_CONCAT:
      return fail (mc, i, "CONCATENATION has no layer in Ember's float network yet, so Ember cannot quantize "
                   "this model; convert it to int8 with TensorFlow Lite instead");
    default:
      break;
    }
  if (!source_of (mc, i, op->input, &src))
    return FALSE;
  switch (op->kind)
    {
    case EM_NN_OP_DENSE:
      if (ti->h != 1 || ti->w != 1)
        src = add_layer (mc, "flatten", "flatten", NULL, src, -2, -1, NULL, NULL);
      o = json_object_new ();
      json_object_set_int_member (o, "units", (gint64) to->size);
      json_object_set_string_member (o, "activation", em_nn_activation_name (op->act));
      json_object_set_boolean_member (o, "use_bias", op->bias != NULL);
      add_layer (mc, "dense", "dense", o, src, -2, op->output, op->weights, op->bias);
      return TRUE;
    case EM_NN_OP_MAXPOOL:
    case EM_NN_OP_AVGPOOL:
      if (!padding_of (&op->geom, op->geom.in_h, op->geom.in_w, op->geom.pad_top, op->geom.pad_left, &padding))
        return fail (mc, i, "its padding is neither 'valid' nor TensorFlow's 'same'");
      o = json_object_new ();
      set_window (o, &op->geom, "pool_size", padding);
      add_layer (mc, op->kind == EM_NN_OP_MAXPOOL ? "maxpool2d" : "avgpool2d",
                 op->kind == EM_NN_OP_MAXPOOL ? "maxpool2d" : "avgpool2d", o, src, -2, op->output, NULL, NULL);
      return TRUE;
    case EM_NN_OP_GLOBAL_AVGPOOL:
      add_layer (mc, "global_avgpool", "mean", NULL, src, -2, op->output, NULL, NULL);
      return TRUE;
    case EM_NN_OP_ADD:
      if (!source_of (mc, i, op->input2, &src2))
        return FALSE;
      o = json_object_new ();
      json_object_set_string_member (o, "activation", em_nn_activation_name (op->act));
      add_layer (mc, "add", "add", o, src, src2, op->output, NULL, NULL);
      return TRUE;
    case EM_NN_OP_ACTIVATION:
      if (op->act == EM_NN_ACT_NONE)
        return fail (mc, i, "an activation op without a function");
      o = json_object_new ();
      json_object_set_string_member (o, "activation", em_nn_activation_name (op->act));
      add_layer (mc, "activation", "activation", o, src, -2, op->output, NULL, NULL);
      return TRUE;
    case EM_NN_OP_SOFTMAX:
      /* TFLite's softmax runs along the last axis, Ember's over the
       * whole (flat) tensor: the same only when there is one row. */
      if (ti->h != 1 || ti->w != 1)
        return fail (mc, i, "SOFTMAX over a %d×%d×%d tensor (rows of %d); Ember's softmax takes one flat vector",
                     ti->h, ti->w, ti->c, ti->c);
      add_layer (mc, "softmax", "softmax", NULL, src, -2, op->output, NULL, NULL);
      return TRUE;
    default:
      return fail (mc, i, "op kind %d has no Ember layer", (int) op->kind);
    }
}

/* The architecture parsed by nn/, shapes checked, weights copied in. */
static EmNnModel *
finish (ModelConv *mc, GError **error)
{
  const EmNnTensor *tin = &mc->p->tensors[mc->p->input_tensor];
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *obj = json_object_new ();
  JsonArray *shape = json_array_new ();
  g_autoptr(EmNnModel) model = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *json = NULL;

  json_array_add_int_element (shape, tin->h);
  json_array_add_int_element (shape, tin->w);
  json_array_add_int_element (shape, tin->c);
  json_object_set_array_member (obj, "input_shape", shape);
  json_object_set_array_member (obj, "layers", json_array_ref (mc->layers));
  json_node_take_object (root, obj);
  json = json_to_string (root, FALSE);
  model = em_nn_model_new_from_json (json, &local);
  if (model == NULL)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, "the converted float network does not parse: %s",
                   local->message);
      return NULL;
    }
  for (guint i = 0; i < model->layers->len; i++)
    {
      EmNnLayer *l = g_ptr_array_index (model->layers, i);
      const float *w = g_ptr_array_index (mc->weights, i), *b = g_ptr_array_index (mc->biases, i);
      gint32 t = g_array_index (mc->out_tensor, gint32, i);

      if (t >= 0 && !same_shape (&(EmNnTensor) { .h = l->out.h, .w = l->out.w, .c = l->out.c }, &mc->p->tensors[t]))
        {
          const EmNnTensor *x = &mc->p->tensors[t];
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                       "%s: Ember computes %d×%d×%d where the model has %d×%d×%d", l->name, l->out.h, l->out.w,
                       l->out.c, x->h, x->w, x->c);
          return NULL;
        }
      if ((l->weights != NULL) != (w != NULL) || (l->bias != NULL) != (b != NULL))
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, "%s: parameters do not fit the layer", l->name);
          return NULL;
        }
      /* The program's arrays have the lengths em_nn_op_check verified,
       * which are the layer's. */
      if (w != NULL)
        memcpy (l->weights, w, l->n_weights * sizeof (float));
      if (b != NULL)
        memcpy (l->bias, b, l->n_bias * sizeof (float));
    }
  if (!em_nn_model_check_finite (model, error))
    return NULL;
  return g_steal_pointer (&model);
}

EmNnModel *
tfl_float_model (const EmNnCompiled *c, GError **error)
{
  const EmNnProgram *p = &c->program;
  ModelConv mc = { 0 };
  EmNnModel *model = NULL;
  gint32 out_layer;
  gboolean ok = TRUE;

  g_return_val_if_fail (!p->is_int8 && c->root != NULL, NULL);
  mc.p = p;
  mc.c = c;
  mc.error = error;
  mc.layers = json_array_new ();
  mc.names = g_ptr_array_new_with_free_func (g_free);
  mc.weights = g_ptr_array_new ();
  mc.biases = g_ptr_array_new ();
  mc.out_tensor = g_array_new (FALSE, FALSE, sizeof (gint32));
  mc.layer_of = g_new (gint32, MAX (p->n_tensors, 1));
  mc.pad_of = g_new (gint32, MAX (p->n_tensors, 1));
  for (guint32 t = 0; t < p->n_tensors; t++)
    mc.layer_of[t] = -2, mc.pad_of[t] = -1;
  mc.layer_of[p->input_tensor] = -1;
  for (guint32 i = 0; ok && i < p->n_ops; i++)
    ok = convert_op (&mc, i);
  if (ok)
    ok = source_of (&mc, p->n_ops, p->output_tensor, &out_layer);
  if (ok && (out_layer < 0 || out_layer != (gint32) mc.names->len - 1))
    ok = fail (&mc, p->n_ops, "the output is not the last layer computed");
  if (ok)
    model = finish (&mc, error);
  json_array_unref (mc.layers);
  g_ptr_array_unref (mc.names);
  g_ptr_array_unref (mc.weights);
  g_ptr_array_unref (mc.biases);
  g_array_unref (mc.out_tensor);
  g_free (mc.layer_of);
  g_free (mc.pad_of);
  return model;
}
