/* SPDX-License-Identifier: Apache-2.0 */
/* The model description: shape inference (TensorFlow padding), parameter
 * and MAC counts checked by hand, every invalid architecture refused with
 * the layer's name, Glorot initialization, JSON round trip, and the saved
 * blob with every kind of corruption. */
#include <math.h>
#include <string.h>
#include "em-nn-model.h"

static EmNnModel *
parse_ok (const char *json)
{
  g_autoptr(GError) error = NULL;
  EmNnModel *m = em_nn_model_new_from_json (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (m);
  return m;
}

static EmNnLayer *
layer (const EmNnModel *m, guint i)
{
  g_assert_cmpuint (i, <, m->layers->len);
  return g_ptr_array_index (m->layers, i);
}

static void
assert_dims (EmNnDims d, int h, int w, int c)
{
  g_assert_cmpint (d.h, ==, h);
  g_assert_cmpint (d.w, ==, w);
  g_assert_cmpint (d.c, ==, c);
}

static const char kws_json[] =
  "{\"input_shape\": [49, 13], \"layers\": ["
  " {\"type\": \"reshape\", \"shape\": [1, 49, 13]},"
  " {\"type\": \"conv1d\", \"filters\": 8, \"kernel_size\": 3, \"padding\": \"same\", \"activation\": \"relu\"},"
  " {\"type\": \"maxpool1d\", \"pool_size\": 2},"
  " {\"type\": \"conv1d\", \"filters\": 16, \"kernel_size\": 3, \"activation\": \"relu\"},"
  " {\"type\": \"maxpool1d\", \"pool_size\": 2},"
  " {\"type\": \"dropout\", \"rate\": 0.25},"
  " {\"type\": \"flatten\"},"
  " {\"type\": \"dense\", \"units\": 3},"
  " {\"type\": \"softmax\"}]}";

static void
test_kws (void)
{
  g_autoptr(EmNnModel) m = parse_ok (kws_json);

  assert_dims (m->input, 1, 49, 13);
  g_assert_cmpuint (m->layers->len, ==, 9);
  g_assert_cmpstr (layer (m, 0)->name, ==, "reshape_0");
  g_assert_cmpstr (layer (m, 7)->name, ==, "dense_7");
  assert_dims (layer (m, 0)->out, 1, 49, 13);
  /* conv1d same: w = ceil(49/1) = 49; pad_total = 48 + 3 - 49 = 2 → left 1.
   * params 8·3·13 + 8 = 320; MACs 49·8·3·13 = 15288. */
  assert_dims (layer (m, 1)->out, 1, 49, 8);
  g_assert_cmpint (layer (m, 1)->pad_left, ==, 1);
  g_assert_cmpint (layer (m, 1)->pad_top, ==, 0);
  g_assert_cmpint (layer (m, 1)->kernel_h, ==, 1);
  g_assert_cmpint (layer (m, 1)->stride_h, ==, 1);
  g_assert_cmpint (layer (m, 1)->activation, ==, EM_NN_ACT_RELU);
  g_assert_cmpuint (layer (m, 1)->n_params, ==, 320);
  g_assert_cmpuint (layer (m, 1)->n_weights, ==, 312);
  g_assert_cmpuint (layer (m, 1)->macs, ==, 15288);
  /* maxpool1d 2 (stride 2, valid): (49 − 2)/2 + 1 = 24. */
  assert_dims (layer (m, 2)->out, 1, 24, 8);
  g_assert_cmpint (layer (m, 2)->stride_w, ==, 2);
  /* conv1d valid: 24 − 3 + 1 = 22; params 16·3·8 + 16 = 400; MACs 22·16·3·8 = 8448. */
  assert_dims (layer (m, 3)->out, 1, 22, 16);
  g_assert_cmpuint (layer (m, 3)->n_params, ==, 400);
  g_assert_cmpuint (layer (m, 3)->macs, ==, 8448);
  /* maxpool 2: 11; flatten 11·16 = 176; dense 176·3 + 3 = 531, MACs 528. */
  assert_dims (layer (m, 4)->out, 1, 11, 16);
  assert_dims (layer (m, 5)->out, 1, 11, 16);
  g_assert_cmpfloat (layer (m, 5)->rate, ==, 0.25f);
  assert_dims (layer (m, 6)->out, 1, 1, 176);
  assert_dims (layer (m, 7)->out, 1, 1, 3);
  g_assert_cmpuint (layer (m, 7)->n_params, ==, 531);
  g_assert_cmpuint (layer (m, 7)->macs, ==, 528);
  g_assert_cmpint (layer (m, 7)->activation, ==, EM_NN_ACT_NONE);
  assert_dims (em_nn_model_output (m), 1, 1, 3);
  /* 320 + 400 + 531; 15288 + 8448 + 528. */
  g_assert_cmpuint (em_nn_model_n_params (m), ==, 1251);
  g_assert_cmpuint (em_nn_model_macs (m), ==, 24264);
  /* Inputs default to the previous layer; the first reads the model input. */
  g_assert_cmpint (layer (m, 0)->inputs[0], ==, -1);
  g_assert_cmpint (layer (m, 4)->inputs[0], ==, 3);
  g_assert_cmpint (layer (m, 4)->n_inputs, ==, 1);
}

static void
test_cnn (void)
{
  g_autoptr(EmNnModel) m = parse_ok (
    "{\"input_shape\": [28, 28, 1], \"layers\": ["
    " {\"type\": \"conv2d\", \"filters\": 16, \"kernel_size\": 3, \"padding\": \"same\", \"activation\": \"relu\"},"
    " {\"type\": \"maxpool2d\", \"pool_size\": 2},"
    " {\"type\": \"conv2d\", \"filters\": 32, \"kernel_size\": [3, 3], \"activation\": \"relu\"},"
    " {\"type\": \"maxpool2d\"},"
    " {\"type\": \"flatten\"},"
    " {\"type\": \"dense\", \"units\": 10},"
    " {\"type\": \"softmax\"}]}");

  /* conv same: 28×28×16, params 16·9 + 16 = 160, MACs 28·28·16·9 = 112896. */
  assert_dims (layer (m, 0)->out, 28, 28, 16);
  g_assert_cmpuint (layer (m, 0)->n_params, ==, 160);
  g_assert_cmpuint (layer (m, 0)->macs, ==, 112896);
  g_assert_cmpint (layer (m, 0)->pad_top, ==, 1);
  assert_dims (layer (m, 1)->out, 14, 14, 16);
  /* conv valid: 12×12×32, params 32·9·16 + 32 = 4640, MACs 144·32·144 = 663552. */
  assert_dims (layer (m, 2)->out, 12, 12, 32);
  g_assert_cmpuint (layer (m, 2)->n_params, ==, 4640);
  g_assert_cmpuint (layer (m, 2)->macs, ==, 663552);
  /* The pool's default size is 2 (Keras). */
  assert_dims (layer (m, 3)->out, 6, 6, 32);
  assert_dims (layer (m, 4)->out, 1, 1, 1152);
  /* dense 1152·10 + 10 = 11530. */
  g_assert_cmpuint (layer (m, 5)->n_params, ==, 11530);
  g_assert_cmpuint (layer (m, 5)->macs, ==, 11520);
  g_assert_cmpuint (em_nn_model_n_params (m), ==, 160 + 4640 + 11530);
  g_assert_cmpuint (em_nn_model_macs (m), ==, 112896 + 663552 + 11520);
}

static const char mobile_json[] =
  "{\"input_shape\": [16, 16, 3], \"layers\": ["
  " {\"type\": \"conv2d\", \"name\": \"stem\", \"filters\": 8, \"kernel_size\": 3, \"strides\": 2, \"padding\": \"same\", \"activation\": \"relu\"},"
  " {\"type\": \"conv2d\", \"name\": \"expand\", \"filters\": 16, \"kernel_size\": 1, \"activation\": \"relu6\"},"
  " {\"type\": \"depthwise_conv2d\", \"name\": \"dw\", \"kernel_size\": 3, \"strides\": 2, \"padding\": \"same\", \"use_bias\": false},"
  " {\"type\": \"batchnorm\", \"name\": \"bn\", \"epsilon\": 0.001, \"momentum\": 0.9},"
  " {\"type\": \"activation\", \"name\": \"act\", \"activation\": \"relu6\"},"
  " {\"type\": \"conv2d\", \"name\": \"project\", \"filters\": 8, \"kernel_size\": 1},"
  " {\"type\": \"avgpool2d\", \"name\": \"skip\", \"inputs\": [\"stem\"], \"pool_size\": [2, 2]},"
  " {\"type\": \"add\", \"name\": \"residual\", \"inputs\": [\"project\", \"skip\"]},"
  " {\"type\": \"global_avgpool\"},"
  " {\"type\": \"dense\", \"units\": 4, \"activation\": \"sigmoid\"}]}";

static void
test_mobilenet_block (void)
{
  g_autoptr(EmNnModel) m = parse_ok (mobile_json);

  /* stem: ceil(16/2) = 8; pad_total = 7·2 + 3 − 16 = 1 → top 0 (odd total:
   * the extra row goes to the bottom). params 8·27 + 8 = 224, MACs 64·8·27. */
  assert_dims (layer (m, 0)->out, 8, 8, 8);
  g_assert_cmpint (layer (m, 0)->pad_top, ==, 0);
  g_assert_cmpuint (layer (m, 0)->n_params, ==, 224);
  g_assert_cmpuint (layer (m, 0)->macs, ==, 13824);
  /* expand 1×1: params 8·16 + 16 = 144, MACs 64·16·8 = 8192. */
  assert_dims (layer (m, 1)->out, 8, 8, 16);
  g_assert_cmpuint (layer (m, 1)->n_params, ==, 144);
  g_assert_cmpuint (layer (m, 1)->macs, ==, 8192);
  /* depthwise 3×3 s2 same: 4×4×16, no bias: 9·16 = 144 params, MACs 16·16·9 = 2304. */
  assert_dims (layer (m, 2)->out, 4, 4, 16);
  g_assert_cmpuint (layer (m, 2)->n_params, ==, 144);
  g_assert_null (layer (m, 2)->bias);
  g_assert_cmpuint (layer (m, 2)->macs, ==, 2304);
  g_assert_cmpint (layer (m, 2)->depth_multiplier, ==, 1);
  /* batchnorm counts 4·c as Keras does. */
  g_assert_cmpuint (layer (m, 3)->n_params, ==, 64);
  g_assert_cmpfloat_with_epsilon (layer (m, 3)->momentum, 0.9, 1e-7);
  g_assert_nonnull (layer (m, 3)->moving_var);
  assert_dims (layer (m, 4)->out, 4, 4, 16);
  g_assert_cmpint (layer (m, 4)->activation, ==, EM_NN_ACT_RELU6);
  /* project: 16·8 + 8 = 136, MACs 16·8·16 = 2048. */
  g_assert_cmpuint (layer (m, 5)->n_params, ==, 136);
  g_assert_cmpuint (layer (m, 5)->macs, ==, 2048);
  /* skip reads the stem, not the layer before it. */
  g_assert_cmpint (layer (m, 6)->inputs[0], ==, 0);
  assert_dims (layer (m, 6)->out, 4, 4, 8);
  g_assert_cmpint (layer (m, 7)->n_inputs, ==, 2);
  g_assert_cmpint (layer (m, 7)->inputs[0], ==, 5);
  g_assert_cmpint (layer (m, 7)->inputs[1], ==, 6);
  assert_dims (layer (m, 7)->out, 4, 4, 8);
  assert_dims (layer (m, 8)->out, 1, 1, 8);
  /* dense 8·4 + 4 = 36. */
  g_assert_cmpuint (em_nn_model_n_params (m), ==, 224 + 144 + 144 + 64 + 136 + 36);
  g_assert_cmpuint (em_nn_model_macs (m), ==, 13824 + 8192 + 2304 + 2048 + 32);
}

static void
test_depth_multiplier (void)
{
  g_autoptr(EmNnModel) m = parse_ok (
    "{\"input_shape\": [5, 6, 3], \"layers\": ["
    " {\"type\": \"depthwise_conv2d\", \"kernel_size\": [3, 2], \"depth_multiplier\": 2}]}");
  EmNnLayer *l = layer (m, 0);

  /* valid: h 5 − 3 + 1 = 3, w 6 − 2 + 1 = 5, c 3·2. */
  assert_dims (l->out, 3, 5, 6);
  g_assert_cmpuint (l->n_weights, ==, 3 * 2 * 6);
  g_assert_cmpuint (l->n_bias, ==, 6);
  g_assert_cmpuint (l->macs, ==, 3 * 5 * 6 * 3 * 2);
}

typedef struct {
  int in_h, in_w, k, s;
  gboolean same;
  int out_h, out_w, pad_top, pad_left;
} PadCase;

static void
test_padding (void)
{
  /* Hand-computed with TF's rules: same out = ceil(in/s),
   * pad_total = max((out − 1)·s + k − in, 0), top = total / 2. */
  static const PadCase cases[] = {
    { 7, 8, 3, 2, TRUE, 4, 4, 1, 0 },    /* totals 2 (even) and 1 (odd) */
    { 7, 7, 4, 1, TRUE, 7, 7, 1, 1 },    /* total 3: 1 before, 2 after */
    { 5, 2, 5, 1, TRUE, 5, 2, 2, 2 },    /* kernel larger than the input: fine with same */
    { 10, 9, 1, 4, TRUE, 3, 3, 0, 0 },   /* total negative → 0 */
    { 7, 8, 3, 2, FALSE, 3, 3, 0, 0 },   /* valid: ceil(5/2) = 3, ceil(6/2) = 3 */
    { 8, 3, 3, 3, FALSE, 2, 1, 0, 0 },
    { 6, 6, 6, 1, FALSE, 1, 1, 0, 0 },   /* kernel = input */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const PadCase *c = &cases[i];
      g_autofree char *json = g_strdup_printf (
        "{\"input_shape\": [%d, %d, 2], \"layers\": [{\"type\": \"conv2d\", \"filters\": 1,"
        " \"kernel_size\": %d, \"strides\": %d, \"padding\": \"%s\"}]}",
        c->in_h, c->in_w, c->k, c->s, c->same ? "same" : "valid");
      g_autoptr(EmNnModel) m = parse_ok (json);
      EmNnLayer *l = layer (m, 0);

      g_test_message ("case %" G_GSIZE_FORMAT, i);
      assert_dims (l->out, c->out_h, c->out_w, 1);
      g_assert_cmpint (l->pad_top, ==, c->pad_top);
      g_assert_cmpint (l->pad_left, ==, c->pad_left);
    }

  /* Pools: default stride = pool size; same pads (cells ignored). */
  {
    g_autoptr(EmNnModel) m = parse_ok (
      "{\"input_shape\": [7, 7, 1], \"layers\": ["
      " {\"type\": \"maxpool2d\", \"name\": \"a\", \"pool_size\": 3},"
      " {\"type\": \"avgpool2d\", \"name\": \"b\", \"inputs\": [\"input\"], \"pool_size\": 3, \"padding\": \"same\"},"
      " {\"type\": \"avgpool2d\", \"name\": \"c\", \"inputs\": [\"input\"], \"pool_size\": 3, \"strides\": 1}]}");
    assert_dims (layer (m, 0)->out, 2, 2, 1);
    g_assert_cmpint (layer (m, 0)->stride_h, ==, 3);
    assert_dims (layer (m, 1)->out, 3, 3, 1);
    g_assert_cmpint (layer (m, 1)->pad_top, ==, 1);   /* total 2·3 + 3 − 7 = 2 */
    assert_dims (layer (m, 2)->out, 5, 5, 1);
    g_assert_cmpint (layer (m, 1)->inputs[0], ==, -1);
  }
}

typedef struct {
  const char *name;   /* expected in the message */
  const char *reason; /* expected in the message too (may be NULL) */
  const char *json;
} BadCase;

#define IN1D "{\"input_shape\": [49, 13], \"layers\": ["
#define IN2D "{\"input_shape\": [8, 8, 3], \"layers\": ["

static void
test_errors (void)
{
  static const BadCase cases[] = {
    { "rnn", "unknown layer type 'lstm'", IN1D "{\"type\": \"lstm\", \"name\": \"rnn\"}]}" },
    { "c", "padding 'foo'", IN2D "{\"type\": \"conv2d\", \"name\": \"c\", \"filters\": 2, \"kernel_size\": 3, \"padding\": \"foo\"}]}" },
    { "dense_1", "'units'", IN1D "{\"type\": \"flatten\"}, {\"type\": \"dense\"}]}" },
    { "conv2d_0", "'filters'", IN2D "{\"type\": \"conv2d\", \"kernel_size\": 3}]}" },
    { "conv2d_0", "'kernel_size'", IN2D "{\"type\": \"conv2d\", \"filters\": 3}]}" },
    { "depthwise_conv2d_0", "'kernel_size'", IN2D "{\"type\": \"depthwise_conv2d\"}]}" },
    { "r", "'shape'", IN1D "{\"type\": \"reshape\", \"name\": \"r\"}]}" },
    { "d", "positive", IN1D "{\"type\": \"flatten\"}, {\"type\": \"dense\", \"name\": \"d\", \"units\": 0}]}" },
    { "c", "positive", IN2D "{\"type\": \"conv2d\", \"name\": \"c\", \"filters\": -2, \"kernel_size\": 3}]}" },
    { "c", "positive", IN2D "{\"type\": \"conv2d\", \"name\": \"c\", \"filters\": 2, \"kernel_size\": [3, 0]}]}" },
    { "c", "positive", IN2D "{\"type\": \"conv2d\", \"name\": \"c\", \"filters\": 2, \"kernel_size\": 3, \"strides\": 0}]}" },
    { "p", "positive", IN2D "{\"type\": \"maxpool2d\", \"name\": \"p\", \"pool_size\": 0}]}" },
    { "dw", "positive", IN2D "{\"type\": \"depthwise_conv2d\", \"name\": \"dw\", \"kernel_size\": 3, \"depth_multiplier\": 0}]}" },
    { "c", "integer", IN2D "{\"type\": \"conv2d\", \"name\": \"c\", \"filters\": 2.5, \"kernel_size\": 3}]}" },
    { "model", "input_shape", "{\"input_shape\": [0, 3], \"layers\": [{\"type\": \"flatten\"}]}" },
    { "model", "input_shape", "{\"input_shape\": [1, 2, 3, 4], \"layers\": [{\"type\": \"flatten\"}]}" },
    { "model", "input_shape", "{\"layers\": [{\"type\": \"flatten\"}]}" },
    { "sum", "'nope' is not an earlier layer", IN1D "{\"type\": \"flatten\", \"name\": \"f\"}, {\"type\": \"add\", \"name\": \"sum\", \"inputs\": [\"f\", \"nope\"]}]}" },
    { "a", "'b' is not an earlier layer", IN1D "{\"type\": \"flatten\", \"name\": \"a\", \"inputs\": [\"b\"]}, {\"type\": \"flatten\", \"name\": \"b\"}]}" },
    { "a", "'a' is not an earlier layer", IN1D "{\"type\": \"flatten\", \"name\": \"a\", \"inputs\": [\"a\"]}]}" },
    { "sum", "two", IN1D "{\"type\": \"flatten\", \"name\": \"f\"}, {\"type\": \"add\", \"name\": \"sum\", \"inputs\": [\"f\"]}]}" },
    { "sum", "two", IN1D "{\"type\": \"flatten\", \"name\": \"f\"}, {\"type\": \"add\", \"name\": \"sum\"}]}" },
    { "sum", "1×49×13 and 1×1×637", IN1D "{\"type\": \"flatten\", \"name\": \"f\"}, {\"type\": \"add\", \"name\": \"sum\", \"inputs\": [\"input\", \"f\"]}]}" },
    { "r", "637 elements", IN1D "{\"type\": \"reshape\", \"name\": \"r\", \"shape\": [7, 7, 12]}]}" },
    { "conv1d_0", "height 1", IN2D "{\"type\": \"conv1d\", \"filters\": 2, \"kernel_size\": 3}]}" },
    { "maxpool1d_0", "height 1", IN2D "{\"type\": \"maxpool1d\"}]}" },
    { "avgpool1d_0", "height 1", IN2D "{\"type\": \"avgpool1d\"}]}" },
    { "big", "kernel 9×9 does not fit input 8×8 with padding valid", IN2D "{\"type\": \"conv2d\", \"name\": \"big\", \"filters\": 1, \"kernel_size\": 9}]}" },
    { "c1", "kernel 1×50 does not fit input 1×49", IN1D "{\"type\": \"conv1d\", \"name\": \"c1\", \"filters\": 1, \"kernel_size\": 50}]}" },
    { "pool", "pool 3×3 does not fit input 2×2", "{\"input_shape\": [2, 2, 1], \"layers\": [{\"type\": \"maxpool2d\", \"name\": \"pool\", \"pool_size\": 3}]}" },
    { "model", "no layers", "{\"input_shape\": [4], \"layers\": []}" },
    { "model", "layers", "{\"input_shape\": [4]}" },
    { "dense_2", "dense_2: input 1×49×8 is not flat; add a flatten layer",
      IN1D "{\"type\": \"reshape\", \"shape\": [1, 49, 13]}, {\"type\": \"conv1d\", \"filters\": 8, \"kernel_size\": 3, \"padding\": \"same\"}, {\"type\": \"dense\", \"units\": 3}]}" },
    { "x", "duplicate", IN1D "{\"type\": \"flatten\", \"name\": \"x\"}, {\"type\": \"softmax\", \"name\": \"x\"}]}" },
    { "softmax_1", "duplicate", IN1D "{\"type\": \"flatten\", \"name\": \"softmax_1\"}, {\"type\": \"softmax\"}]}" },
    { "input", "reserved", IN1D "{\"type\": \"flatten\", \"name\": \"input\"}]}" },
    { "f", "unknown key 'unit'", IN1D "{\"type\": \"flatten\", \"name\": \"f\", \"unit\": 3}]}" },
    { "a", "unknown activation 'gelu'", IN1D "{\"type\": \"activation\", \"name\": \"a\", \"activation\": \"gelu\"}]}" },
    { "a", "'activation'", IN1D "{\"type\": \"activation\", \"name\": \"a\"}]}" },
    { "d", "'rate'", IN1D "{\"type\": \"dropout\", \"name\": \"d\", \"rate\": 1.0}]}" },
    { "b", "'epsilon'", IN1D "{\"type\": \"batchnorm\", \"name\": \"b\", \"epsilon\": -1}]}" },
    { "c", "use_bias", IN2D "{\"type\": \"conv2d\", \"name\": \"c\", \"filters\": 1, \"kernel_size\": 1, \"use_bias\": 1}]}" },
    { "conv1d_0", "kernel_size", IN1D "{\"type\": \"conv1d\", \"filters\": 1, \"kernel_size\": [3, 3]}]}" },
    { "huge", "too many", IN1D "{\"type\": \"flatten\"}, {\"type\": \"dense\", \"name\": \"huge\", \"units\": 16000000}]}" },
    { "layer 1", "type", IN1D "{\"type\": \"flatten\"}, {\"name\": \"q\"}]}" },
    { "layer 0", "object", IN1D "3]}" },
    { "model", "invalid JSON", "{\"input_shape\": [4], \"layers\": [" },
    { "model", "object", "[1, 2]" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EmNnModel) m = em_nn_model_new_from_json (cases[i].json, &error);

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, error ? error->message : "(accepted)");
      g_assert_null (m);
      g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL);
      g_assert_true (g_str_has_prefix (error->message, cases[i].name));
      g_assert_nonnull (strstr (error->message, cases[i].reason));
      g_assert_null (strchr (error->message, '\n'));
    }
}

static void
test_init_weights (void)
{
  g_autoptr(EmNnModel) a = parse_ok (mobile_json);
  g_autoptr(EmNnModel) b = parse_ok (mobile_json);
  g_autoptr(EmNnModel) c = parse_ok (mobile_json);
  gsize differ = 0;

  /* Parsed parameters are zero. */
  for (gsize k = 0; k < layer (a, 0)->n_weights; k++)
    g_assert_cmpfloat (layer (a, 0)->weights[k], ==, 0.0f);

  em_nn_model_init_weights (a, 42);
  em_nn_model_init_weights (b, 42);
  em_nn_model_init_weights (c, 43);
  for (guint i = 0; i < a->layers->len; i++)
    {
      EmNnLayer *la = layer (a, i), *lb = layer (b, i), *lc = layer (c, i);
      double fan_in = 0, fan_out = 0, limit, max_abs = 0, sum = 0;

      if (la->n_weights > 0)
        g_assert_cmpmem (la->weights, la->n_weights * 4, lb->weights, lb->n_weights * 4);
      for (gsize k = 0; k < la->n_weights; k++)
        differ += la->weights[k] != lc->weights[k];
      for (gsize k = 0; k < la->n_bias; k++)
        g_assert_cmpfloat (la->bias[k], ==, 0.0f);

      switch (la->type)
        {
        case EM_NN_CONV2D:
          fan_in = la->kernel_h * la->kernel_w * la->in.c;
          fan_out = la->kernel_h * la->kernel_w * la->filters;
          break;
        case EM_NN_DEPTHWISE_CONV2D:
          fan_in = la->kernel_h * la->kernel_w * la->in.c;
          fan_out = la->kernel_h * la->kernel_w * la->depth_multiplier;
          break;
        case EM_NN_DENSE:
          fan_in = la->in.c;
          fan_out = la->units;
          break;
        case EM_NN_BATCHNORM:
          for (int k = 0; k < la->in.c; k++)
            {
              g_assert_cmpfloat (la->gamma[k], ==, 1.0f);
              g_assert_cmpfloat (la->beta[k], ==, 0.0f);
              g_assert_cmpfloat (la->moving_mean[k], ==, 0.0f);
              g_assert_cmpfloat (la->moving_var[k], ==, 1.0f);
            }
          continue;
        default:
          g_assert_null (la->weights);
          continue;
        }
      limit = sqrt (6.0 / (fan_in + fan_out));
      for (gsize k = 0; k < la->n_weights; k++)
        {
          g_assert_cmpfloat (fabs (la->weights[k]), <=, limit);
          max_abs = MAX (max_abs, fabs (la->weights[k]));
          sum += la->weights[k];
        }
      /* Uniform over the whole range, centred: with ≥ 36 draws the largest
       * is well above half the limit and the mean near zero. */
      g_test_message ("%s: limit %g max %g mean %g", la->name, limit, max_abs, sum / la->n_weights);
      g_assert_cmpfloat (max_abs, >, 0.5 * limit);
      g_assert_cmpfloat (fabs (sum / la->n_weights), <, 0.35 * limit);
    }
  g_assert_cmpuint (differ, >, 600);

  /* copy and copy_weights carry the weights; copies are independent. */
  {
    g_autoptr(EmNnModel) d = em_nn_model_copy (a);
    g_autoptr(EmNnModel) e = parse_ok (mobile_json);
    g_assert_cmpuint (d->layers->len, ==, a->layers->len);
    g_assert_cmpstr (layer (d, 6)->name, ==, "skip");
    g_assert_true (layer (d, 0)->weights != layer (a, 0)->weights);
    g_assert_cmpmem (layer (d, 0)->weights, 4 * layer (a, 0)->n_weights, layer (a, 0)->weights, 4 * layer (a, 0)->n_weights);
    em_nn_model_copy_weights (e, c);
    g_assert_cmpmem (layer (e, 9)->weights, 4 * layer (c, 9)->n_weights, layer (c, 9)->weights, 4 * layer (c, 9)->n_weights);
    g_assert_cmpfloat (layer (e, 3)->moving_var[5], ==, 1.0f);
  }
}

/* The architecture as a string with every layer's inferred facts, to compare
 * two parses. */
static char *
describe (const EmNnModel *m)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "in %d %d %d\n", m->input.h, m->input.w, m->input.c);
  for (guint i = 0; i < m->layers->len; i++)
    {
      const EmNnLayer *l = layer (m, i);
      g_string_append_printf (s, "%s t%d n%d i%d,%d u%d f%d k%d,%d s%d,%d m%d p%d a%d b%d r%g e%g mo%g "
                              "rs%d,%d,%d in%d,%d,%d out%d,%d,%d pad%d,%d macs%" G_GUINT64_FORMAT
                              " np%" G_GSIZE_FORMAT " nw%" G_GSIZE_FORMAT " nb%" G_GSIZE_FORMAT "\n",
                              l->name, l->type, l->n_inputs, l->inputs[0], l->n_inputs > 1 ? l->inputs[1] : 0,
                              l->units, l->filters, l->kernel_h, l->kernel_w, l->stride_h, l->stride_w,
                              l->depth_multiplier, l->padding, l->activation, l->use_bias, l->rate,
                              l->epsilon, l->momentum, l->reshape.h, l->reshape.w, l->reshape.c,
                              l->in.h, l->in.w, l->in.c, l->out.h, l->out.w, l->out.c,
                              l->pad_top, l->pad_left, l->macs, l->n_params, l->n_weights, l->n_bias);
    }
  return g_string_free (s, FALSE);
}

static void
test_json_round_trip (void)
{
  const char *models[] = { kws_json, mobile_json,
    "{\"input_shape\": [6, 7, 2], \"layers\": ["
    " {\"type\": \"conv2d\", \"name\": \"odd \\\"name\\\"\", \"filters\": 3, \"kernel_size\": [3, 2], \"strides\": [2, 1], \"padding\": \"same\", \"use_bias\": false, \"activation\": \"tanh\"},"
    " {\"type\": \"batchnorm\", \"epsilon\": 1e-5, \"momentum\": 0.95},"
    " {\"type\": \"add\", \"inputs\": [\"batchnorm_1\", \"odd \\\"name\\\"\"], \"activation\": \"relu\"},"
    " {\"type\": \"maxpool2d\", \"pool_size\": [2, 1], \"strides\": [1, 1], \"padding\": \"same\"},"
    " {\"type\": \"reshape\", \"shape\": [3, 21]},"
    " {\"type\": \"avgpool1d\", \"pool_size\": 3, \"strides\": 2},"
    " {\"type\": \"global_avgpool\"},"
    " {\"type\": \"dense\", \"units\": 2, \"use_bias\": false, \"activation\": \"sigmoid\"}]}" };

  for (gsize i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr(EmNnModel) a = parse_ok (models[i]);
      g_autofree char *json = em_nn_model_to_json (a);
      g_autoptr(EmNnModel) b = parse_ok (json);
      g_autofree char *json2 = em_nn_model_to_json (b);
      g_autofree char *da = describe (a), *db = describe (b);
      g_autofree char *summary = em_nn_model_summary (a);

      g_test_message ("%s\n%s", json, summary);
      g_assert_cmpstr (da, ==, db);
      g_assert_cmpstr (json, ==, json2);
      /* The summary names every layer and states the totals. */
      for (guint k = 0; k < a->layers->len; k++)
        g_assert_nonnull (strstr (summary, layer (a, k)->name));
      g_assert_nonnull (strstr (summary, "Total params"));
    }
  {
    g_autoptr(EmNnModel) m = parse_ok (kws_json);
    g_autofree char *summary = em_nn_model_summary (m);
    g_autofree char *json = em_nn_model_to_json (m);
    g_assert_nonnull (strstr (summary, "1,251"));
    g_assert_nonnull (strstr (summary, "24,264"));
    g_assert_nonnull (strstr (summary, "1×49×8"));
    g_assert_nonnull (strstr (json, "\"rate\": 0.25"));
  }
}

static GBytes *
with_bytes (GBytes *orig, gsize off, const void *data, gsize n)
{
  gsize size;
  const guint8 *p = g_bytes_get_data (orig, &size);
  guint8 *c = g_memdup2 (p, size);

  memcpy (c + off, data, n);
  return g_bytes_new_take (c, size);
}

static void
assert_corrupt (GBytes *blob, const char *reason)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) m = em_nn_model_load (blob, &error);

  g_assert_null (m);
  g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "model blob: "));
  g_assert_null (strchr (error->message, '\n'));
  if (reason != NULL)
    g_assert_nonnull (strstr (error->message, reason));
}

static void
test_save_load (void)
{
  g_autoptr(EmNnModel) m = parse_ok (mobile_json);
  g_autoptr(GBytes) blob = NULL, blob2 = NULL;
  g_autoptr(EmNnModel) back = NULL;
  g_autoptr(GError) error = NULL;
  gsize size, json_len;
  const guint8 *p;

  em_nn_model_init_weights (m, 7);
  layer (m, 3)->moving_mean[2] = 0.5f;
  layer (m, 0)->bias[1] = -1.25f;
  blob = em_nn_model_save (m);
  p = g_bytes_get_data (blob, &size);
  g_assert_cmpmem (p, 4, "EMNN", 4);
  g_assert_cmpuint (p[4], ==, 1);
  json_len = p[8] | p[9] << 8 | p[10] << 16 | (gsize) p[11] << 24;
  g_assert_cmpuint (size, ==, 12 + json_len + 4 * em_nn_model_n_params (m));

  back = em_nn_model_load (blob, &error);
  g_assert_no_error (error);
  blob2 = em_nn_model_save (back);
  g_assert_true (g_bytes_equal (blob, blob2));
  for (guint i = 0; i < m->layers->len; i++)
    {
      EmNnLayer *a = layer (m, i), *b = layer (back, i);
      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpuint (a->n_weights, ==, b->n_weights);
      if (a->n_weights)
        g_assert_cmpmem (a->weights, 4 * a->n_weights, b->weights, 4 * b->n_weights);
      if (a->n_bias)
        g_assert_cmpmem (a->bias, 4 * a->n_bias, b->bias, 4 * b->n_bias);
      if (a->type == EM_NN_BATCHNORM)
        {
          g_assert_cmpmem (a->moving_mean, 4 * a->in.c, b->moving_mean, 4 * b->in.c);
          g_assert_cmpmem (a->moving_var, 4 * a->in.c, b->moving_var, 4 * b->in.c);
        }
    }
  g_assert_true (em_nn_model_check_finite (back, &error));

  /* Every truncation is refused, never a crash. */
  for (gsize n = 0; n < size; n++)
    {
      g_autoptr(GBytes) t = g_bytes_new_from_bytes (blob, 0, n);
      g_autoptr(GError) e = NULL;
      g_autoptr(EmNnModel) bad = em_nn_model_load (t, &e);
      g_assert_null (bad);
      g_assert_error (e, EM_NN_ERROR, EM_NN_ERROR_CORRUPT);
    }
  {
    g_autoptr(GBytes) t = g_bytes_new_from_bytes (blob, 0, 5);
    assert_corrupt (t, "5 bytes, too short");
  }
  {
    g_autoptr(GBytes) t = g_bytes_new_from_bytes (blob, 0, size - 6);
    g_autofree char *want = g_strdup_printf ("%" G_GSIZE_FORMAT " parameter bytes, the architecture needs %"
                                             G_GSIZE_FORMAT, 4 * em_nn_model_n_params (m) - 6,
                                             4 * em_nn_model_n_params (m));
    assert_corrupt (t, want);
  }
  {
    g_autoptr(GBytes) t = g_bytes_new_from_bytes (blob, 0, 12 + json_len - 1);
    assert_corrupt (t, "runs past the end");
  }
  {
    g_autofree guint8 *longer = g_malloc (size + 4);
    g_autoptr(GBytes) t = NULL;
    memcpy (longer, p, size);
    memset (longer + size, 0, 4);
    t = g_bytes_new_take (g_steal_pointer (&longer), size + 4);
    assert_corrupt (t, "parameter bytes, the architecture needs");
  }
  {
    g_autoptr(GBytes) t = with_bytes (blob, 0, "EMNX", 4);
    assert_corrupt (t, "magic");
  }
  {
    const guint8 v2[4] = { 2, 0, 0, 0 };
    g_autoptr(GBytes) t = with_bytes (blob, 4, v2, 4);
    assert_corrupt (t, "version 2");
  }
  {
    const guint8 huge[4] = { 0xff, 0xff, 0xff, 0xff };
    g_autoptr(GBytes) t = with_bytes (blob, 8, huge, 4);
    assert_corrupt (t, "runs past the end");
  }
  {
    /* Break the JSON: the parse message is passed on. */
    g_autoptr(GBytes) t = with_bytes (blob, 12, "[", 1);
    assert_corrupt (t, "architecture: model");
  }
  {
    /* A valid JSON with an impossible architecture. */
    const char *s = strstr ((const char *) p + 12, "\"filters\": 16");
    g_autoptr(GBytes) t = NULL;
    g_assert_nonnull (s);
    t = with_bytes (blob, s - (const char *) p, "\"filters\": -1", 13);
    assert_corrupt (t, "architecture: expand: 'filters' must be positive");
  }
  {
    const float bad[2] = { NAN, INFINITY };
    for (int k = 0; k < 2; k++)
      {
        g_autoptr(GBytes) t = with_bytes (blob, 12 + json_len + 4 * 3, &bad[k], 4);
        assert_corrupt (t, k == 0 ? "stem: weights[3] is NaN" : "stem: weights[3] is infinite");
      }
  }
  {
    g_autoptr(GBytes) t = with_bytes (blob, size - 4, (float[]) { NAN }, 4);
    assert_corrupt (t, "dense_9: bias[3] is NaN");
  }

  /* check_finite names the layer. */
  layer (m, 3)->moving_var[1] = NAN;
  g_clear_error (&error);
  g_assert_false (em_nn_model_check_finite (m, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "bn: moving_var[1]"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/model/kws", test_kws);
  g_test_add_func ("/nn/model/cnn", test_cnn);
  g_test_add_func ("/nn/model/mobilenet-block", test_mobilenet_block);
  g_test_add_func ("/nn/model/depth-multiplier", test_depth_multiplier);
  g_test_add_func ("/nn/model/padding", test_padding);
  g_test_add_func ("/nn/model/errors", test_errors);
  g_test_add_func ("/nn/model/init-weights", test_init_weights);
  g_test_add_func ("/nn/model/json-round-trip", test_json_round_trip);
  g_test_add_func ("/nn/model/save-load", test_save_load);
  return g_test_run ();
}
