/* SPDX-License-Identifier: Apache-2.0 */
/* Float compile: the folded model becomes a flat op list over tensors at
 * planned arena offsets. The int8 compile (em-nn-compile-int8.c) starts
 * from the same op list, built with sigmoid / tanh kept apart, and
 * em-nn-compile-io.c saves and loads both. */
#include <math.h>
#include <string.h>
#include "em-nn-compile-private.h"
#include "em-nn-model-private.h"

/* Tensors beyond this many elements would not fit the uint32 byte offsets
 * of a float arena with room to spare. */
#define MAX_TENSOR_ELEMENTS (1 << 26)

void
em_nn_compiled_free (EmNnCompiled *compiled)
{
  if (compiled == NULL)
    return;
  g_free (compiled->ops);
  g_free (compiled->tensors);
  g_free (compiled->root);
  g_strfreev (compiled->op_names);
  g_clear_pointer (&compiled->blobs, g_ptr_array_unref);
  g_free (compiled->arena_mem);
  g_free (compiled);
}

gpointer
em_nn_compiled_keep (EmNnCompiled *compiled, gconstpointer data, gsize n)
{
  gpointer copy = g_malloc (n > 0 ? n : 1);

  if (n > 0)
    memcpy (copy, data, n);
  g_ptr_array_add (compiled->blobs, copy);
  compiled->weight_bytes += n;
  return copy;
}

const EmNnProgram *
em_nn_compiled_program (const EmNnCompiled *compiled)
{
  return &compiled->program;
}

gsize
em_nn_compiled_weight_bytes (const EmNnCompiled *compiled)
{
  return compiled->weight_bytes;
}

const char * const *
em_nn_compiled_op_names (const EmNnCompiled *compiled)
{
  return (const char * const *) compiled->op_names;
}

/* ---- building ---------------------------------------------------------- */

typedef struct {
  EmNnCompiled *c;
  GArray       *ops;      /* EmNnOp */
  GArray       *tensors;  /* EmNnTensor */
  GArray       *root;     /* int32_t */
  GPtrArray    *names;    /* char*, NULL-terminated at the end */
} Builder;

static int32_t
add_tensor (Builder *b, EmNnDims d, int32_t alias_of)
{
  EmNnTensor t = { 0 };
  int32_t index = (int32_t) b->tensors->len;
  int32_t root = alias_of >= 0 ? g_array_index (b->root, int32_t, alias_of) : index;

  t.size = (uint32_t) em_nn_dims_size (d);
  t.h = d.h;
  t.w = d.w;
  t.c = d.c;
  g_array_append_val (b->tensors, t);
  g_array_append_val (b->root, root);
  return index;
}

static void
add_op (Builder *b, const EmNnOp *op, char *name)
{
  g_array_append_val (b->ops, *op);
  g_ptr_array_add (b->names, name);
}

static EmNnOp
op_new (EmNnOpKind kind, int32_t input)
{
  EmNnOp op;

  memset (&op, 0, sizeof op);
  op.kind = kind;
  op.input = input;
  op.input2 = -1;
  op.output = -1;
  op.q.act_min = -128;
  op.q.act_max = 127;
  return op;
}

static gboolean
is_one_d (const EmNnLayer *l)
{
  return l->type == EM_NN_CONV1D || l->type == EM_NN_MAXPOOL1D || l->type == EM_NN_AVGPOOL1D;
}

static EmNnGeom
layer_geom (const EmNnLayer *l)
{
  EmNnGeom g;

  memset (&g, 0, sizeof g);
  g.in_h = l->in.h;
  g.in_w = l->in.w;
  g.in_c = l->in.c;
  g.out_h = l->out.h;
  g.out_w = l->out.w;
  g.out_c = l->out.c;
  g.kernel_h = l->kernel_h;
  g.kernel_w = l->kernel_w;
  g.stride_h = l->stride_h;
  g.stride_w = l->stride_w;
  g.pad_top = l->pad_top;
  g.pad_left = l->pad_left;
  g.depth_multiplier = l->type == EM_NN_DEPTHWISE_CONV2D ? MAX (l->depth_multiplier, 1) : 1;
  if (is_one_d (l))
    {
      /* 1-D layers act along w; h is 1 and nothing slides over it. */
      g.kernel_h = 1;
      g.stride_h = 1;
      g.pad_top = 0;
    }
  return g;
}

static gboolean
fusable_table (EmNnActivation act)
{
  return act == EM_NN_ACT_SIGMOID || act == EM_NN_ACT_TANH;
}

/* The layer that reads layer @i's output when exactly one does (and @i is
 * not the model output), else -1. */
static int
single_consumer (const EmNnModel *model, int i)
{
  int found = -1;

  if (i == (int) model->layers->len - 1)
    return -1;
  for (guint j = (guint) i + 1; j < model->layers->len; j++)
    {
      const EmNnLayer *l = g_ptr_array_index (model->layers, j);
      for (int k = 0; k < l->n_inputs; k++)
        if (l->inputs[k] == i)
          {
            if (found >= 0 && found != (int) j)
              return -1;
            found = (int) j;
          }
    }
  return found;
}

/* Emit the op that computes @op (output not yet set) with activation @act
 * into a new tensor of dims @out; with @split a sigmoid / tanh becomes a
 * separate ACTIVATION op. Returns the final output tensor. */
static int32_t
emit_with_act (Builder *b, EmNnOp *op, EmNnActivation act, EmNnDims out, const char *name,
               gboolean split)
{
  if (split && fusable_table (act))
    {
      EmNnOp a = op_new (EM_NN_OP_ACTIVATION, -1);
      op->act = EM_NN_ACT_NONE;
      op->output = add_tensor (b, out, -1);
      add_op (b, op, g_strdup (name));
      a.input = op->output;
      a.act = act;
      a.output = add_tensor (b, out, -1);
      add_op (b, &a, g_strdup_printf ("%s/%s", name, em_nn_activation_name (act)));
      return a.output;
    }
  op->act = act;
  op->output = add_tensor (b, out, -1);
  add_op (b, op, g_strdup (name));
  return op->output;
}

static gboolean
compile_error (GError **error, const EmNnLayer *l, const char *why)
{
  g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, "%s: %s", l->name, why);
  return FALSE;
}

static gboolean
build_layers (Builder *b, const EmNnModel *model, gboolean split, GError **error)
{
  guint n = model->layers->len;
  g_autofree int32_t *layer_tensor = g_new (int32_t, MAX (n, 1));
  g_autofree gboolean *fused = g_new0 (gboolean, MAX (n, 1));
  int32_t input = add_tensor (b, model->input, -1);

  b->c->program.input_tensor = input;
  b->c->program.output_tensor = input;
  for (guint i = 0; i < n; i++)
    {
      const EmNnLayer *l = g_ptr_array_index (model->layers, i);
      int32_t in[2] = { input, -1 };
      EmNnActivation act = l->activation;
      g_autofree char *name = g_strdup (l->name);
      EmNnDims out = l->out;
      EmNnOp op;
      int consumer, fused_into = -1;

      if (fused[i])
        continue;
      if ((gint64) em_nn_dims_size (l->out) > MAX_TENSOR_ELEMENTS)
        return compile_error (error, l, "output too large to compile");
      for (int k = 0; k < l->n_inputs && k < 2; k++)
        {
          int src = l->inputs[k];
          if (src >= (int) i || src < -1)
            return compile_error (error, l, "input is not an earlier layer");
          in[k] = src < 0 ? input : layer_tensor[src];
        }

      /* A following activation layer joins a kernel that has none, when
       * nothing else reads the kernel's raw output. */
      consumer = single_consumer (model, (int) i);
      if ((l->type == EM_NN_DENSE || l->type == EM_NN_CONV1D || l->type == EM_NN_CONV2D ||
           l->type == EM_NN_DEPTHWISE_CONV2D || l->type == EM_NN_ADD) &&
          act == EM_NN_ACT_NONE && consumer >= 0)
        {
          const EmNnLayer *next = g_ptr_array_index (model->layers, consumer);
          if (next->type == EM_NN_ACTIVATION && next->activation != EM_NN_ACT_NONE &&
              (!split || !fusable_table (next->activation)))
            {
              char *joined = g_strconcat (name, "+", next->name, NULL);
              g_free (name);
              name = joined;
              act = next->activation;
              out = next->out;
              fused[consumer] = TRUE;
              fused_into = consumer;
            }
        }

      switch (l->type)
        {
        case EM_NN_DENSE:
        case EM_NN_CONV1D:
        case EM_NN_CONV2D:
        case EM_NN_DEPTHWISE_CONV2D:
          {
            gsize expect;
            op = op_new (l->type == EM_NN_DENSE ? EM_NN_OP_DENSE :
                         l->type == EM_NN_DEPTHWISE_CONV2D ? EM_NN_OP_DEPTHWISE : EM_NN_OP_CONV2D,
                         in[0]);
            if (l->type == EM_NN_DENSE)
              {
                memset (&op.geom, 0, sizeof op.geom);
                op.geom.in_h = op.geom.in_w = op.geom.out_h = op.geom.out_w = 1;
                op.geom.in_c = em_nn_dims_size (l->in);
                op.geom.out_c = l->out.c;
                op.geom.kernel_h = op.geom.kernel_w = op.geom.stride_h = op.geom.stride_w = 1;
                op.geom.depth_multiplier = 1;
                expect = (gsize) op.geom.in_c * op.geom.out_c;
              }
            else
              {
                op.geom = layer_geom (l);
                expect = (gsize) op.geom.kernel_h * op.geom.kernel_w * op.geom.out_c *
                         (l->type == EM_NN_DEPTHWISE_CONV2D ? 1 : op.geom.in_c);
              }
            if (l->weights == NULL || l->n_weights != expect)
              return compile_error (error, l, "weights do not match the layer's shape");
            op.weights = em_nn_compiled_keep (b->c, l->weights, expect * sizeof (float));
            if (l->bias != NULL && l->n_bias > 0)
              {
                if (l->n_bias != (gsize) l->out.c)
                  return compile_error (error, l, "bias does not match the layer's shape");
                op.bias = em_nn_compiled_keep (b->c, l->bias, l->n_bias * sizeof (float));
              }
            layer_tensor[i] = emit_with_act (b, &op, act, out, name, split);
          }
          break;

        case EM_NN_MAXPOOL1D:
        case EM_NN_MAXPOOL2D:
        case EM_NN_AVGPOOL1D:
        case EM_NN_AVGPOOL2D:
          op = op_new (l->type == EM_NN_MAXPOOL1D || l->type == EM_NN_MAXPOOL2D ?
                       EM_NN_OP_MAXPOOL : EM_NN_OP_AVGPOOL, in[0]);
          op.geom = layer_geom (l);
          op.output = add_tensor (b, l->out, -1);
          add_op (b, &op, g_steal_pointer (&name));
          layer_tensor[i] = op.output;
          break;

        case EM_NN_GLOBAL_AVGPOOL:
          op = op_new (EM_NN_OP_GLOBAL_AVGPOOL, in[0]);
          /* One pool window over the whole plane, as the int8 runner does. */
          op.geom.in_h = op.geom.kernel_h = l->in.h;
          op.geom.in_w = op.geom.kernel_w = l->in.w;
          op.geom.in_c = op.geom.out_c = l->in.c;
          op.geom.out_h = op.geom.out_w = 1;
          op.geom.stride_h = op.geom.stride_w = op.geom.depth_multiplier = 1;
          op.output = add_tensor (b, l->out, -1);
          add_op (b, &op, g_steal_pointer (&name));
          layer_tensor[i] = op.output;
          break;

        case EM_NN_ADD:
          if (l->n_inputs != 2 || in[1] < 0)
            return compile_error (error, l, "add needs two inputs");
          op = op_new (EM_NN_OP_ADD, in[0]);
          op.input2 = in[1];
          layer_tensor[i] = emit_with_act (b, &op, act, out, name, split);
          break;

        case EM_NN_ACTIVATION:
          if (act == EM_NN_ACT_NONE)
            {
              layer_tensor[i] = add_tensor (b, l->out, in[0]);
              break;
            }
          op = op_new (EM_NN_OP_ACTIVATION, in[0]);
          op.act = act;
          op.output = add_tensor (b, l->out, -1);
          add_op (b, &op, g_steal_pointer (&name));
          layer_tensor[i] = op.output;
          break;

        case EM_NN_SOFTMAX:
          if (l->in.h * l->in.w != 1)
            return compile_error (error, l, "softmax over a non-flat input cannot be compiled; "
                                  "add a flatten layer before it");
          op = op_new (EM_NN_OP_SOFTMAX, in[0]);
          op.output = add_tensor (b, l->out, -1);
          add_op (b, &op, g_steal_pointer (&name));
          layer_tensor[i] = op.output;
          break;

        case EM_NN_DROPOUT:
        case EM_NN_FLATTEN:
        case EM_NN_RESHAPE:
          /* NHWC memory is already flat: the same bytes, another shape. */
          layer_tensor[i] = add_tensor (b, l->out, in[0]);
          break;

        case EM_NN_BATCHNORM:
        default:
          return compile_error (error, l, "layer type cannot be compiled (batchnorm must be folded)");
        }
      if (fused_into >= 0)
        layer_tensor[fused_into] = layer_tensor[i];
    }
  if (n > 0)
    b->c->program.output_tensor = layer_tensor[n - 1];
  return TRUE;
}

EmNnCompiled *
em_nn_compiled_build (const EmNnModel *model, gboolean split_tables, GError **error)
{
  g_autoptr(EmNnModel) folded = NULL;
  g_autoptr(EmNnCompiled) c = g_new0 (EmNnCompiled, 1);
  Builder b;
  gboolean ok;

  g_return_val_if_fail (model != NULL, NULL);
  /* A NaN weight would turn into an undefined float-to-int conversion in
   * quantization, and is a broken model anyway. */
  if (!em_nn_model_check_finite (model, error))
    return NULL;
  if (model->layers->len == 0)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, "model: has no layers to compile");
      return NULL;
    }
  folded = em_nn_model_fold (model, error);
  if (folded == NULL)
    return NULL;
  if ((gint64) em_nn_dims_size (folded->input) > MAX_TENSOR_ELEMENTS ||
      em_nn_dims_size (folded->input) <= 0)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "model input: size %d cannot be compiled", em_nn_dims_size (folded->input));
      return NULL;
    }
  c->blobs = g_ptr_array_new_with_free_func (g_free);
  b.c = c;
  b.ops = g_array_new (FALSE, TRUE, sizeof (EmNnOp));
  b.tensors = g_array_new (FALSE, TRUE, sizeof (EmNnTensor));
  b.root = g_array_new (FALSE, TRUE, sizeof (int32_t));
  b.names = g_ptr_array_new ();
  ok = build_layers (&b, folded, split_tables, error);
  c->program.n_ops = b.ops->len;
  c->program.n_tensors = b.tensors->len;
  c->ops = (EmNnOp *) (void *) g_array_free (b.ops, FALSE);
  c->tensors = (EmNnTensor *) (void *) g_array_free (b.tensors, FALSE);
  c->root = (int32_t *) (void *) g_array_free (b.root, FALSE);
  g_ptr_array_add (b.names, NULL);
  c->op_names = (char **) g_ptr_array_free (b.names, FALSE);
  c->program.ops = c->ops;
  c->program.tensors = c->tensors;
  if (!ok)
    return NULL;
  em_nn_compiled_plan (c, sizeof (float), TRUE);
  for (guint32 i = 0; i < c->program.n_ops; i++)
    {
      const char *why = NULL;
      if (!em_nn_op_check (&c->program, i, &why))
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL, "%s: cannot compile: %s",
                       c->op_names[i], why);
          return NULL;
        }
    }
  return g_steal_pointer (&c);
}

EmNnCompiled *
em_nn_compile_float (const EmNnModel *model, GError **error)
{
  return em_nn_compiled_build (model, FALSE, error);
}

/* ---- arena ------------------------------------------------------------- */

static uint32_t
align_up (uint64_t v)
{
  return (uint32_t) ((v + EM_NN_ARENA_ALIGN - 1u) / EM_NN_ARENA_ALIGN * EM_NN_ARENA_ALIGN);
}

void
em_nn_compiled_alloc_arena (EmNnCompiled *c)
{
  g_free (c->arena_mem);
  c->arena_mem = g_malloc0 ((gsize) c->program.arena_size + EM_NN_ARENA_ALIGN);
  c->arena = (void *) (((guintptr) c->arena_mem + EM_NN_ARENA_ALIGN - 1u) &
                       ~(guintptr) (EM_NN_ARENA_ALIGN - 1u));
}

void
em_nn_compiled_plan (EmNnCompiled *c, guint elem_size, gboolean reuse)
{
  EmNnProgram *p = &c->program;
  guint32 n = p->n_tensors;
  int32_t last_op = p->n_ops > 0 ? (int32_t) p->n_ops - 1 : 0;
  g_autofree uint32_t *sizes = g_new0 (uint32_t, n);
  g_autofree int32_t *first = g_new0 (int32_t, n);
  g_autofree int32_t *last = g_new0 (int32_t, n);
  g_autofree uint32_t *offsets = g_new0 (uint32_t, n);
  g_autofree int32_t *scratch = g_new0 (int32_t, 2 * (gsize) n);

  g_return_if_fail (c->root != NULL);
  /* Buffers are indexed by tensor; an alias gets size 0 and hands its
   * reads to its root, so it takes no bytes of its own. */
  for (guint32 t = 0; t < n; t++)
    {
      first[t] = last[t] = -1;
      if (c->root[t] == (int32_t) t)
        sizes[t] = c->tensors[t].size * elem_size;
    }
  first[p->input_tensor] = 0;
  for (guint32 i = 0; i < p->n_ops; i++)
    {
      const EmNnOp *op = &c->ops[i];
      int32_t r = c->root[op->output];
      if (first[r] < 0)
        first[r] = (int32_t) i;
      last[r] = MAX (last[r], (int32_t) i);
      last[c->root[op->input]] = MAX (last[c->root[op->input]], (int32_t) i);
      if (op->input2 >= 0)
        last[c->root[op->input2]] = MAX (last[c->root[op->input2]], (int32_t) i);
    }
  last[c->root[p->output_tensor]] = last_op;
  for (guint32 t = 0; t < n; t++)
    {
      if (first[t] < 0)
        first[t] = 0;
      if (last[t] < first[t])
        last[t] = first[t];
    }
  if (reuse)
    p->arena_size = em_nn_plan_arena (n, sizes, first, last, offsets, scratch);
  else
    {
      uint64_t end = 0;
      for (guint32 t = 0; t < n; t++)
        if (sizes[t] > 0)
          {
            offsets[t] = (uint32_t) end;
            end = align_up (end + sizes[t]);
          }
      p->arena_size = (uint32_t) end;
    }
  for (guint32 t = 0; t < n; t++)
    c->tensors[t].offset = offsets[c->root[t]];
  em_nn_compiled_alloc_arena (c);
}

/* ---- running ----------------------------------------------------------- */

void
em_nn_compiled_run (EmNnCompiled *compiled, const float *input, float *output)
{
  const EmNnProgram *p = &compiled->program;
  const EmNnTensor *ti = &p->tensors[p->input_tensor];
  const EmNnTensor *to = &p->tensors[p->output_tensor];
  void *in = em_nn_program_input (p, compiled->arena);
  int r;

  if (p->is_int8)
    em_nn_quantize_s8 ((int32_t) ti->size, ti->scale, ti->zero_point, input, in);
  else
    memcpy (in, input, (gsize) ti->size * sizeof (float));
  r = em_nn_program_run (p, compiled->arena);
  g_return_if_fail (r == 0);
  if (p->is_int8)
    em_nn_dequantize_s8 ((int32_t) to->size, to->scale, to->zero_point,
                         em_nn_program_output (p, compiled->arena), output);
  else
    memcpy (output, em_nn_program_output (p, compiled->arena), (gsize) to->size * sizeof (float));
}

void
em_nn_compiled_run_batch (EmNnCompiled *compiled, const float *input, int n, float *output)
{
  const EmNnProgram *p = &compiled->program;
  gsize in_n = p->tensors[p->input_tensor].size, out_n = p->tensors[p->output_tensor].size;

  for (int i = 0; i < n; i++)
    em_nn_compiled_run (compiled, input + (gsize) i * in_n, output + (gsize) i * out_n);
}
