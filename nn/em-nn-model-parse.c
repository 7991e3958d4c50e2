/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-model-parse.c — the JSON architecture: every key checked, shapes
 * inferred with TensorFlow's padding rules, parameters and MACs counted.
 * Errors name the layer and the reason. */
#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include "em-nn-model-private.h"

/* Every key the JSON may use; anything else is most likely a typo. */
static const char *known_keys[] = {
  "type", "name", "inputs", "units", "filters", "kernel_size", "strides",
  "pool_size", "padding", "depth_multiplier", "activation", "use_bias",
  "rate", "epsilon", "momentum", "shape", NULL
};

/* One layer's parameters at most (1 GiB of float32): beyond that an
 * architecture is a mistake, and refusing it beats aborting in malloc. */
#define MAX_LAYER_PARAMS (G_GUINT64_CONSTANT (1) << 28)

/* ---- JSON parsing ----------------------------------------------------- */

typedef struct {
  JsonObject *obj;
  const char *name;
} Ctx;

static gboolean
invalid (GError **error, const char *name, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
invalid (GError **error, const char *name, const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, "%s: %s", name, msg);
  return FALSE;
}

/* An integer JSON value (integral doubles such as 3.0 accepted). */
static gboolean
node_int (JsonNode *node, gint64 *out)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *out = json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      {
        double d = json_node_get_double (node);
        if (d != floor (d) || fabs (d) > 1e9)
          return FALSE;
        *out = (gint64) d;
        return TRUE;
      }
    default:
      return FALSE;
    }
}

/* A positive int key; absent gives @def (or an error when @def is 0). */
static gboolean
get_pos_int (Ctx *ctx, const char *key, int def, int *out, GError **error)
{
  JsonNode *node = json_object_get_member (ctx->obj, key);
  gint64 v;

  if (node == NULL)
    {
      if (def <= 0)
        return invalid (error, ctx->name, "missing required key '%s'", key);
      *out = def;
      return TRUE;
    }
  if (!node_int (node, &v))
    return invalid (error, ctx->name, "'%s' must be an integer", key);
  if (v <= 0 || v > (1 << 24))
    return invalid (error, ctx->name, "'%s' must be positive (got %" G_GINT64_FORMAT ")", key, v);
  *out = (int) v;
  return TRUE;
}

/* An int or [a, b] (2-D) / [a] (1-D) key, each positive. def_h/def_w 0 =
 * required. */
static gboolean
get_pair (Ctx *ctx, const char *key, gboolean one_d, int def_h, int def_w,
          int *out_h, int *out_w, GError **error)
{
  JsonNode *node = json_object_get_member (ctx->obj, key);
  gint64 v[2];
  guint n;

  if (node == NULL)
    {
      if (def_h <= 0)
        return invalid (error, ctx->name, "missing required key '%s'", key);
      *out_h = def_h;
      *out_w = def_w;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      n = json_array_get_length (a);
      if (n != (one_d ? 1u : 2u))
        return invalid (error, ctx->name, "'%s' must be an integer or a list of %s",
                        key, one_d ? "one integer" : "two integers");
      for (guint i = 0; i < n; i++)
        if (!node_int (json_array_get_element (a, i), &v[i]))
          return invalid (error, ctx->name, "'%s' must hold integers", key);
    }
  else if (node_int (node, &v[0]))
    {
      n = 1;
    }
  else
    return invalid (error, ctx->name, "'%s' must be an integer or a list of integers", key);

  if (n == 1)
    v[1] = v[0];
  if (one_d)
    v[0] = 1;
  for (int i = 0; i < 2; i++)
    if (v[i] <= 0 || v[i] > (1 << 24))
      return invalid (error, ctx->name, "'%s' must be positive (got %" G_GINT64_FORMAT ")", key, v[i]);
  *out_h = (int) v[0];
  *out_w = (int) v[1];
  return TRUE;
}

static gboolean
get_float (Ctx *ctx, const char *key, float def, float lo, float hi, gboolean hi_open,
           float *out, GError **error)
{
  JsonNode *node = json_object_get_member (ctx->obj, key);
  double d;

  if (node == NULL)
    {
      *out = def;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_DOUBLE &&
       json_node_get_value_type (node) != G_TYPE_INT64))
    return invalid (error, ctx->name, "'%s' must be a number", key);
  d = json_node_get_double (node);
  if (!isfinite (d) || d < lo || d > hi || (hi_open && d >= hi))
    return invalid (error, ctx->name, "'%s' %g is out of range [%g, %g%s", key, d, lo, hi,
                    hi_open ? ")" : "]");
  *out = (float) d;
  return TRUE;
}

static gboolean
get_string (Ctx *ctx, const char *key, const char **out, GError **error)
{
  JsonNode *node = json_object_get_member (ctx->obj, key);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, ctx->name, "'%s' must be a string", key);
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_activation (Ctx *ctx, gboolean required, EmNnActivation *out, GError **error)
{
  const char *s;

  if (!get_string (ctx, "activation", &s, error))
    return FALSE;
  if (s == NULL)
    {
      if (required && !json_object_has_member (ctx->obj, "activation"))
        return invalid (error, ctx->name, "missing required key 'activation'");
      *out = EM_NN_ACT_NONE;
      return TRUE;
    }
  if (em_nn_activation_from_name (s, out))
    return TRUE;
  return invalid (error, ctx->name,
                  "unknown activation '%s' (linear, relu, relu6, sigmoid or tanh)", s);
}

static gboolean
get_padding (Ctx *ctx, EmNnPadding *out, GError **error)
{
  const char *s;

  if (!get_string (ctx, "padding", &s, error))
    return FALSE;
  if (s == NULL || strcmp (s, "valid") == 0)
    *out = EM_NN_PAD_VALID;
  else if (strcmp (s, "same") == 0)
    *out = EM_NN_PAD_SAME;
  else
    return invalid (error, ctx->name, "unknown padding '%s' (valid or same)", s);
  return TRUE;
}

static gboolean
get_bool (Ctx *ctx, const char *key, gboolean def, gboolean *out, GError **error)
{
  JsonNode *node = json_object_get_member (ctx->obj, key);

  if (node == NULL)
    {
      *out = def;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return invalid (error, ctx->name, "'%s' must be true or false", key);
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* A shape list of 1–3 positive ints: [n] → (1,1,n), [w,c] → (1,w,c). */
static gboolean
parse_dims (JsonNode *node, const char *owner, const char *key, EmNnDims *out, GError **error)
{
  JsonArray *a;
  gint64 v[3];
  guint n;

  if (node == NULL)
    return invalid (error, owner, "missing required key '%s'", key);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, owner, "'%s' must be a list of 1 to 3 integers", key);
  a = json_node_get_array (node);
  n = json_array_get_length (a);
  if (n < 1 || n > 3)
    return invalid (error, owner, "'%s' must have 1 to 3 dimensions (got %u)", key, n);
  for (guint i = 0; i < n; i++)
    {
      if (!node_int (json_array_get_element (a, i), &v[i]))
        return invalid (error, owner, "'%s' must hold integers", key);
      if (v[i] <= 0 || v[i] > (1 << 24))
        return invalid (error, owner, "'%s' dimension %u must be positive (got %" G_GINT64_FORMAT ")",
                        key, i, v[i]);
    }
  out->h = n == 3 ? (int) v[0] : 1;
  out->w = n >= 2 ? (int) v[n - 2] : 1;
  out->c = (int) v[n - 1];
  if ((gint64) out->h * out->w * out->c > (1 << 28))
    return invalid (error, owner, "'%s' has too many elements", key);
  return TRUE;
}

/* TensorFlow's output size and leading padding along one axis. */
static gboolean
window_axis (Ctx *ctx, EmNnPadding padding, int in, int k, int s, int *out, int *pad)
{
  if (padding == EM_NN_PAD_VALID)
    {
      if (k > in)
        return FALSE;
      *out = (in - k) / s + 1;   /* = ceil((in - k + 1) / s) */
      *pad = 0;
    }
  else
    {
      int total;
      *out = (in + s - 1) / s;
      total = MAX ((*out - 1) * s + k - in, 0);
      *pad = total / 2;
    }
  (void) ctx;
  return TRUE;
}

static gboolean
infer_window (Ctx *ctx, EmNnLayer *l, GError **error)
{
  if (!window_axis (ctx, l->padding, l->in.h, l->kernel_h, l->stride_h, &l->out.h, &l->pad_top) ||
      !window_axis (ctx, l->padding, l->in.w, l->kernel_w, l->stride_w, &l->out.w, &l->pad_left))
    {
      gboolean pool = l->type != EM_NN_CONV1D && l->type != EM_NN_CONV2D &&
                      l->type != EM_NN_DEPTHWISE_CONV2D;
      return invalid (error, ctx->name, "%s %d×%d does not fit input %d×%d with padding valid",
                      pool ? "pool" : "kernel", l->kernel_h, l->kernel_w, l->in.h, l->in.w);
    }
  return TRUE;
}

static gboolean
check_keys (Ctx *ctx, GError **error)
{
  g_autoptr(GList) members = json_object_get_members (ctx->obj);

  for (GList *m = members; m != NULL; m = m->next)
    if (!g_strv_contains (known_keys, m->data))
      return invalid (error, ctx->name, "unknown key '%s'", (const char *) m->data);
  return TRUE;
}

static gboolean
need_1d (Ctx *ctx, EmNnLayer *l, GError **error)
{
  g_autofree char *s = NULL;

  if (l->in.h == 1)
    return TRUE;
  s = em_nn_dims_to_string (l->in);
  return invalid (error, ctx->name, "a 1-D layer needs an input of height 1, got %s "
                  "(use the 2-D layer or a reshape)", s);
}

/* Hyper-parameters and output shape of one layer whose inputs are set. */
static gboolean
parse_layer_params (Ctx *ctx, EmNnLayer *l, const EmNnDims *in2, GError **error)
{
  gboolean one_d = l->type == EM_NN_CONV1D || l->type == EM_NN_MAXPOOL1D ||
                   l->type == EM_NN_AVGPOOL1D;

  if (one_d && !need_1d (ctx, l, error))
    return FALSE;

  switch (l->type)
    {
    case EM_NN_DENSE:
      if (!get_pos_int (ctx, "units", 0, &l->units, error) ||
          !get_activation (ctx, FALSE, &l->activation, error) ||
          !get_bool (ctx, "use_bias", TRUE, &l->use_bias, error))
        return FALSE;
      if (l->in.h != 1 || l->in.w != 1)
        {
          g_autofree char *s = em_nn_dims_to_string (l->in);
          return invalid (error, ctx->name, "input %s is not flat; add a flatten layer", s);
        }
      l->out = (EmNnDims) { 1, 1, l->units };
      l->macs = (guint64) l->in.c * l->units;
      break;

    case EM_NN_CONV1D:
    case EM_NN_CONV2D:
    case EM_NN_DEPTHWISE_CONV2D:
      if (l->type == EM_NN_DEPTHWISE_CONV2D)
        {
          if (!get_pos_int (ctx, "depth_multiplier", 1, &l->depth_multiplier, error))
            return FALSE;
        }
      else if (!get_pos_int (ctx, "filters", 0, &l->filters, error))
        return FALSE;
      if (!get_pair (ctx, "kernel_size", one_d, 0, 0, &l->kernel_h, &l->kernel_w, error) ||
          !get_pair (ctx, "strides", one_d, 1, 1, &l->stride_h, &l->stride_w, error) ||
          !get_padding (ctx, &l->padding, error) ||
          !get_activation (ctx, FALSE, &l->activation, error) ||
          !get_bool (ctx, "use_bias", TRUE, &l->use_bias, error) ||
          !infer_window (ctx, l, error))
        return FALSE;
      if (l->type == EM_NN_DEPTHWISE_CONV2D)
        {
          l->out.c = l->in.c * l->depth_multiplier;
          l->macs = (guint64) l->out.h * l->out.w * l->out.c * l->kernel_h * l->kernel_w;
        }
      else
        {
          l->out.c = l->filters;
          l->macs = (guint64) l->out.h * l->out.w * l->out.c * l->kernel_h * l->kernel_w * l->in.c;
        }
      break;

    case EM_NN_MAXPOOL1D:
    case EM_NN_MAXPOOL2D:
    case EM_NN_AVGPOOL1D:
    case EM_NN_AVGPOOL2D:
      if (!get_pair (ctx, "pool_size", one_d, 2, 2, &l->kernel_h, &l->kernel_w, error))
        return FALSE;
      if (one_d)
        l->kernel_h = 1;
      if (!get_pair (ctx, "strides", one_d, l->kernel_h, l->kernel_w, &l->stride_h, &l->stride_w, error) ||
          !get_padding (ctx, &l->padding, error) ||
          !infer_window (ctx, l, error))
        return FALSE;
      l->out.c = l->in.c;
      break;

    case EM_NN_GLOBAL_AVGPOOL:
      l->out = (EmNnDims) { 1, 1, l->in.c };
      break;

    case EM_NN_BATCHNORM:
      if (!get_float (ctx, "epsilon", 1e-3f, 0.0f, 1.0f, FALSE, &l->epsilon, error) ||
          !get_float (ctx, "momentum", 0.99f, 0.0f, 1.0f, FALSE, &l->momentum, error))
        return FALSE;
      if (l->epsilon <= 0.0f)
        return invalid (error, ctx->name, "'epsilon' must be positive");
      l->out = l->in;
      break;

    case EM_NN_DROPOUT:
      if (!get_float (ctx, "rate", 0.5f, 0.0f, 1.0f, TRUE, &l->rate, error))
        return FALSE;
      l->out = l->in;
      break;

    case EM_NN_FLATTEN:
      l->out = (EmNnDims) { 1, 1, em_nn_dims_size (l->in) };
      break;

    case EM_NN_RESHAPE:
      if (!parse_dims (json_object_get_member (ctx->obj, "shape"), ctx->name, "shape",
                       &l->reshape, error))
        return FALSE;
      if (em_nn_dims_size (l->reshape) != em_nn_dims_size (l->in))
        {
          g_autofree char *a = em_nn_dims_to_string (l->in);
          g_autofree char *b = em_nn_dims_to_string (l->reshape);
          return invalid (error, ctx->name, "cannot reshape %s (%d elements) to %s (%d elements)",
                          a, em_nn_dims_size (l->in), b, em_nn_dims_size (l->reshape));
        }
      l->out = l->reshape;
      break;

    case EM_NN_ADD:
      if (!get_activation (ctx, FALSE, &l->activation, error))
        return FALSE;
      if (in2->h != l->in.h || in2->w != l->in.w || in2->c != l->in.c)
        {
          g_autofree char *a = em_nn_dims_to_string (l->in);
          g_autofree char *b = em_nn_dims_to_string (*in2);
          return invalid (error, ctx->name, "cannot add inputs of different shapes %s and %s", a, b);
        }
      l->out = l->in;
      break;

    case EM_NN_ACTIVATION:
      if (!get_activation (ctx, TRUE, &l->activation, error))
        return FALSE;
      l->out = l->in;
      break;

    case EM_NN_SOFTMAX:
      l->out = l->in;
      break;
    }
  if ((gint64) l->out.h * l->out.w * l->out.c > (1 << 28))
    return invalid (error, ctx->name, "output has too many elements");
  return TRUE;
}

static int
find_layer (EmNnModel *m, const char *name)
{
  for (guint i = 0; i < m->layers->len; i++)
    if (strcmp (((EmNnLayer *) g_ptr_array_index (m->layers, i))->name, name) == 0)
      return (int) i;
  return -2;
}

static EmNnDims
dims_of (EmNnModel *m, int index)
{
  return index < 0 ? m->input : ((EmNnLayer *) g_ptr_array_index (m->layers, index))->out;
}

static gboolean
parse_inputs (Ctx *ctx, EmNnModel *m, EmNnLayer *l, int index, GError **error)
{
  JsonNode *node = json_object_get_member (ctx->obj, "inputs");
  int want = l->type == EM_NN_ADD ? 2 : 1;
  JsonArray *a;

  if (node == NULL)
    {
      if (want == 2)
        return invalid (error, ctx->name, "add needs 'inputs' with two layer names");
      l->n_inputs = 1;
      l->inputs[0] = index - 1;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (a = json_node_get_array (node)) != (guint) want)
    return invalid (error, ctx->name, "'inputs' must be a list of %s",
                    want == 1 ? "one layer name" : "two layer names (add)");
  l->n_inputs = want;
  for (int i = 0; i < want; i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      const char *s;
      int k;

      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
        return invalid (error, ctx->name, "'inputs' must hold layer names");
      s = json_node_get_string (e);
      k = strcmp (s, EM_NN_MODEL_INPUT_NAME) == 0 ? -1 : find_layer (m, s);
      if (k == -2)
        return invalid (error, ctx->name, "input '%s' is not an earlier layer", s);
      l->inputs[i] = k;
    }
  return TRUE;
}

static gboolean
parse_layer (EmNnModel *m, JsonNode *node, int index, gboolean alloc, GError **error)
{
  g_autofree char *fallback = g_strdup_printf ("layer %d", index);
  g_autofree char *default_name = NULL;
  Ctx ctx = { NULL, fallback };
  EmNnLayer *l;
  const char *type_s = NULL, *name = NULL;
  gboolean found = FALSE;
  EmNnDims in2 = { 0, 0, 0 };

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, fallback, "must be an object");
  ctx.obj = json_node_get_object (node);
  if (!get_string (&ctx, "type", &type_s, error))
    return FALSE;
  if (type_s == NULL)
    return invalid (error, fallback, "missing required key 'type'");

  l = g_new0 (EmNnLayer, 1);
  found = em_nn_layer_type_from_name (type_s, &l->type);
  if (!get_string (&ctx, "name", &name, error))
    goto fail;
  if (name == NULL)
    name = default_name = g_strdup_printf ("%s_%d", type_s, index);
  if (*name == '\0')
    {
      invalid (error, fallback, "'name' must not be empty");
      goto fail;
    }
  l->name = g_strdup (name);
  ctx.name = l->name;
  if (!found)
    {
      invalid (error, ctx.name, "unknown layer type '%s'", type_s);
      goto fail;
    }
  if (strcmp (name, EM_NN_MODEL_INPUT_NAME) == 0)
    {
      invalid (error, ctx.name, "the name '%s' is reserved for the model input", name);
      goto fail;
    }
  if (find_layer (m, name) >= 0)
    {
      invalid (error, ctx.name, "duplicate layer name");
      goto fail;
    }
  if (!check_keys (&ctx, error) || !parse_inputs (&ctx, m, l, index, error))
    goto fail;
  l->in = dims_of (m, l->inputs[0]);
  if (l->n_inputs == 2)
    in2 = dims_of (m, l->inputs[1]);
  l->use_bias = FALSE;
  if (!parse_layer_params (&ctx, l, &in2, error))
    goto fail;
  em_nn_layer_param_sizes (l);
  if ((guint64) l->n_weights + l->n_bias > MAX_LAYER_PARAMS)
    {
      invalid (error, ctx.name, "%" G_GUINT64_FORMAT " parameters is too many for one layer",
               (guint64) l->n_weights + l->n_bias);
      goto fail;
    }
  if (alloc)
    em_nn_layer_alloc_params (l);
  g_ptr_array_add (m->layers, l);
  return TRUE;

fail:
  em_nn_layer_free (l);
  return FALSE;
}

EmNnModel *
em_nn_model_new_from_json (const char *json, GError **error)
{
  return em_nn_model_parse (json, TRUE, error);
}

EmNnModel *
em_nn_model_parse (const char *json, gboolean alloc, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  g_autoptr(EmNnModel) m = NULL;
  JsonObject *root;
  JsonNode *layers_node;
  JsonArray *layers;
  EmNnDims input;

  g_return_val_if_fail (json != NULL, NULL);
  if (!json_parser_load_from_data (parser, json, -1, &local))
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, "model: invalid JSON: %s",
                   local->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      invalid (error, "model", "the architecture must be a JSON object");
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  if (!parse_dims (json_object_get_member (root, "input_shape"), "model", "input_shape", &input, error))
    return NULL;
  layers_node = json_object_get_member (root, "layers");
  if (layers_node == NULL || !JSON_NODE_HOLDS_ARRAY (layers_node))
    {
      invalid (error, "model", "missing 'layers' list");
      return NULL;
    }
  layers = json_node_get_array (layers_node);
  if (json_array_get_length (layers) == 0)
    {
      invalid (error, "model", "has no layers");
      return NULL;
    }
  m = em_nn_model_new_empty (input);
  for (guint i = 0; i < json_array_get_length (layers); i++)
    if (!parse_layer (m, json_array_get_element (layers, i), (int) i, alloc, error))
      return NULL;
  return g_steal_pointer (&m);
}
