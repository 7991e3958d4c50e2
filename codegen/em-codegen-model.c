/* SPDX-License-Identifier: Apache-2.0 */
/* The model as C: an nn/ program's op list becomes straight-line kernel calls
 * at the arena offsets the compiler planned (the same calls, in the same
 * order, with the same arguments as em_nn_program_run makes, so the bytes
 * match); weights, biases, multipliers and tables become const arrays. An
 * anomaly model becomes an EmNnKmeansModel / EmNnGmmModel over const data. */
#include <math.h>
#include <string.h>
#include "em-codegen-private.h"
#include "em-nn-anomaly.h"
#include "em-nn-compile.h"

void
em_codegen_model_init (EmCodegenModel *m)
{
  memset (m, 0, sizeof *m);
  m->data = g_string_new (NULL);
  m->data_decl = g_string_new (NULL);
  m->setup = g_string_new (NULL);
  m->body = g_string_new (NULL);
  m->nn_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
em_codegen_model_clear (EmCodegenModel *m)
{
  if (m->data != NULL)
    g_string_free (m->data, TRUE);
  if (m->data_decl != NULL)
    g_string_free (m->data_decl, TRUE);
  if (m->setup != NULL)
    g_string_free (m->setup, TRUE);
  if (m->body != NULL)
    g_string_free (m->body, TRUE);
  g_clear_pointer (&m->nn_files, g_hash_table_unref);
}

static void
need (EmCodegenModel *m, const char *file)
{
  g_hash_table_add (m->nn_files, g_strdup (file));
}

/* --- literals -------------------------------------------------------------- */

void
em_codegen_append_float (GString *s, float v)
{
  char buf[48];

  /* 9 significant digits read back as the same float; a literal needs a
   * '.' or an exponent before its 'f'. */
  g_snprintf (buf, sizeof buf, "%.9g", (double) v);
  g_string_append (s, buf);
  if (strpbrk (buf, ".e") == NULL)
    g_string_append (s, ".0");
  g_string_append_c (s, 'f');
}

void
em_codegen_append_floats (GString *s, const float *v, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      g_string_append (s, i % 8 == 0 ? (i > 0 ? ",\n  " : "  ") : ", ");
      em_codegen_append_float (s, v[i]);
    }
}

void
em_codegen_append_ints (GString *s, const int32_t *v, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      g_string_append (s, i % 12 == 0 ? (i > 0 ? ",\n  " : "  ") : ", ");
      /* INT32_MIN has no literal of its own. */
      if (v[i] == G_MININT32)
        g_string_append (s, "(-2147483647 - 1)");
      else
        g_string_append_printf (s, "%" G_GINT32_FORMAT, v[i]);
    }
}

static void
append_int8s (GString *s, const int8_t *v, gsize n)
{
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, "%s%d", i % 16 == 0 ? (i > 0 ? ",\n  " : "  ") : ", ", v[i]);
}

static void
append_uint32s (GString *s, const uint32_t *v, gsize n)
{
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, "%s%" G_GUINT32_FORMAT "u", i % 8 == 0 ? (i > 0 ? ",\n  " : "  ") : ", ", v[i]);
}

void
em_codegen_append_string (GString *s, const char *text)
{
  g_string_append_c (s, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      unsigned char c = (unsigned char) *p;
      if (c == '"' || c == '\\')
        g_string_append_printf (s, "\\%c", c);
      else if (c < 0x20 || c == 0x7f || c == '?')
        /* '?' too: no trigraphs in generated code. */
        g_string_append_printf (s, "\\%03o", c);
      else
        g_string_append_c (s, (char) c);
    }
  g_string_append_c (s, '"');
}

/* One const array in ember_model_data.c and its extern declaration. */
typedef enum { ARR_F32, ARR_S8, ARR_S32, ARR_U32 } ArrKind;

static void
emit_array (EmCodegenModel *m, ArrKind kind, const char *name, const void *v, gsize n, const char *comment)
{
  static const char *const types[] = { "float", "int8_t", "int32_t", "uint32_t" };
  static const gsize sizes[] = { 4, 1, 4, 4 };

  g_string_append_printf (m->data_decl, "extern const %s %s[%" G_GSIZE_FORMAT "];\n", types[kind], name, n);
  if (comment != NULL)
    g_string_append_printf (m->data, "/* %s */\n", comment);
  g_string_append_printf (m->data, "const %s %s[%" G_GSIZE_FORMAT "] = {\n", types[kind], name, n);
  switch (kind)
    {
    case ARR_F32: em_codegen_append_floats (m->data, v, n); break;
    case ARR_S8: append_int8s (m->data, v, n); break;
    case ARR_S32: em_codegen_append_ints (m->data, v, n); break;
    case ARR_U32: append_uint32s (m->data, v, n); break;
    }
  g_string_append (m->data, "\n};\n\n");
  m->weight_bytes += n * sizes[kind];
}

/* --- neural networks ------------------------------------------------------- */

static const char *
act_name (EmNnActivation act)
{
  switch (act)
    {
    case EM_NN_ACT_RELU: return "EM_NN_ACT_RELU";
    case EM_NN_ACT_RELU6: return "EM_NN_ACT_RELU6";
    case EM_NN_ACT_SIGMOID: return "EM_NN_ACT_SIGMOID";
    case EM_NN_ACT_TANH: return "EM_NN_ACT_TANH";
    case EM_NN_ACT_NONE:
    default: return "EM_NN_ACT_NONE";
    }
}

static void
emit_geom (GString *s, const char *name, const EmNnGeom *g)
{
  g_string_append_printf (s,
                          "static const EmNnGeom %s = {\n"
                          "  %d, %d, %d,  %d, %d, %d,  %d, %d,  %d, %d,  %d, %d,  %d\n};\n",
                          name, g->in_h, g->in_w, g->in_c, g->out_h, g->out_w, g->out_c, g->kernel_h, g->kernel_w,
                          g->stride_h, g->stride_w, g->pad_top, g->pad_left, g->depth_multiplier);
}

/* "(const int8_t *) (a + 128)" for tensor @t. */
static char *
tensor_ref (const EmNnProgram *p, int32_t t, gboolean is_const)
{
  return g_strdup_printf ("(%s%s *) (a + %" G_GUINT32_FORMAT ")", is_const ? "const " : "",
                          p->is_int8 ? "int8_t" : "float", p->tensors[t].offset);
}

static gboolean
check_program (const EmNnProgram *p, GError **error)
{
  for (guint32 i = 0; i < p->n_tensors; i++)
    {
      gsize bytes = (gsize) p->tensors[i].size * (p->is_int8 ? 1 : 4);
      if ((gsize) p->tensors[i].offset + bytes > p->arena_size)
        {
          g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID,
                       "model: tensor %u lies outside the planned arena", i);
          return FALSE;
        }
    }
  for (guint32 i = 0; i < p->n_ops; i++)
    {
      const EmNnOp *op = &p->ops[i];
      if (op->input < 0 || (guint32) op->input >= p->n_tensors || op->output < 0 ||
          (guint32) op->output >= p->n_tensors ||
          ((op->kind == EM_NN_OP_ADD || op->kind == EM_NN_OP_CONCAT) &&
           (op->input2 < 0 || (guint32) op->input2 >= p->n_tensors)))
        {
          g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "model: op %u uses a tensor it does not have", i);
          return FALSE;
        }
    }
  return TRUE;
}

/* Weights, bias and requantization arrays of a conv / depthwise / dense op. */
static void
emit_op_data (EmCodegenModel *m, const EmNnProgram *p, const EmNnOp *op, guint32 i, const char *prefix,
              const char *op_name, int32_t out_c, gsize n_weights)
{
  g_autofree char *w = g_strdup_printf ("%sw%u", prefix, i);
  g_autofree char *b = g_strdup_printf ("%sb%u", prefix, i);
  g_autofree char *what = g_strdup_printf ("op %u (%s): weights", i, op_name);

  emit_array (m, p->is_int8 ? ARR_S8 : ARR_F32, w, op->weights, n_weights, what);
  if (op->bias != NULL)
    emit_array (m, p->is_int8 ? ARR_S32 : ARR_F32, b, op->bias, (gsize) out_c, NULL);
  if (p->is_int8)
    {
      g_autofree char *mul = g_strdup_printf ("%sm%u", prefix, i);
      g_autofree char *sh = g_strdup_printf ("%ss%u", prefix, i);

      emit_array (m, ARR_S32, mul, op->q.multiplier, (gsize) out_c, NULL);
      emit_array (m, ARR_S32, sh, op->q.shift, (gsize) out_c, NULL);
      g_string_append_printf (m->setup, "static const EmNnQuantConv %sq%u = { %d, %d, %s, %s, %d, %d };\n", prefix, i,
                              op->q.input_offset, op->q.output_offset, mul, sh, op->q.act_min, op->q.act_max);
    }
}

static gboolean
emit_op (EmCodegenModel *m, const EmNnProgram *p, guint32 i, const char *prefix, const char *op_name,
         GError **error)
{
  const EmNnOp *op = &p->ops[i];
  const EmNnTensor *ti = &p->tensors[op->input], *to = &p->tensors[op->output];
  const EmNnGeom *g = &op->geom;
  gboolean s8 = p->is_int8;
  const char *sfx = s8 ? "s8" : "f32";
  g_autofree char *in = tensor_ref (p, op->input, TRUE);
  g_autofree char *out = tensor_ref (p, op->output, FALSE);
  g_autofree char *gname = g_strdup_printf ("%sg%u", prefix, i);
  g_autofree char *w = g_strdup_printf ("%sw%u", prefix, i);
  g_autofree char *b = NULL;
  g_autofree char *q = g_strdup_printf ("&%sq%u", prefix, i);
  GString *s = m->body;

  b = op->bias != NULL ? g_strdup_printf ("%sb%u", prefix, i) : g_strdup ("NULL");
  g_string_append_printf (s, "  /* %u: %s */\n", i, op_name);
  switch (op->kind)
    {
    case EM_NN_OP_CONV2D:
    case EM_NN_OP_DEPTHWISE:
      {
        gboolean conv = op->kind == EM_NN_OP_CONV2D;
        gsize n = conv ? (gsize) g->out_c * g->kernel_h * g->kernel_w * g->in_c
                       : (gsize) g->kernel_h * g->kernel_w * g->out_c;

        if (op->weights == NULL || (s8 && (op->q.multiplier == NULL || op->q.shift == NULL)))
          goto corrupt;
        emit_geom (m->setup, gname, g);
        emit_op_data (m, p, op, i, prefix, op_name, g->out_c, n);
        if (s8)
          g_string_append_printf (s, "  em_nn_%s_s8 (&%s, %s, %s, %s, %s, %s);\n", conv ? "conv2d" : "depthwise", gname,
                                  q, in, w, b, out);
        else
          g_string_append_printf (s, "  em_nn_%s_f32 (&%s, %s, %s, %s, %s, %s);\n", conv ? "conv2d" : "depthwise",
                                  gname, in, w, b, act_name (op->act), out);
        break;
      }
    case EM_NN_OP_DENSE:
      if (op->weights == NULL || (s8 && (op->q.multiplier == NULL || op->q.shift == NULL)))
        goto corrupt;
      emit_op_data (m, p, op, i, prefix, op_name, (int32_t) to->size, (gsize) ti->size * to->size);
      if (s8)
        g_string_append_printf (s, "  em_nn_dense_s8 (%u, %u, %s, %s, %s, %s, %s);\n", ti->size, to->size, q, in, w,
                                b, out);
      else
        g_string_append_printf (s, "  em_nn_dense_f32 (%u, %u, %s, %s, %s, %s, %s);\n", ti->size, to->size, in, w, b,
                                act_name (op->act), out);
      break;
    case EM_NN_OP_MAXPOOL:
    case EM_NN_OP_AVGPOOL:
      emit_geom (m->setup, gname, g);
      if (s8)
        g_string_append_printf (s, "  em_nn_%s_s8 (&%s, %d, %d, %s, %s);\n",
                                op->kind == EM_NN_OP_MAXPOOL ? "maxpool" : "avgpool", gname, op->q.act_min,
                                op->q.act_max, in, out);
      else
        g_string_append_printf (s, "  em_nn_%s_f32 (&%s, %s, %s);\n", op->kind == EM_NN_OP_MAXPOOL ? "maxpool" : "avgpool",
                                gname, in, out);
      break;
    case EM_NN_OP_GLOBAL_AVGPOOL:
      if (s8)
        {
          /* The runner's whole-plane window (TFLite's MEAN over h, w). */
          EmNnGeom plane = { 0 };
          plane.in_h = plane.kernel_h = ti->h;
          plane.in_w = plane.kernel_w = ti->w;
          plane.in_c = plane.out_c = ti->c;
          plane.out_h = plane.out_w = 1;
          plane.stride_h = plane.stride_w = 1;
          plane.depth_multiplier = 1;
          emit_geom (m->setup, gname, &plane);
          g_string_append_printf (s, "  em_nn_avgpool_s8 (&%s, %d, %d, %s, %s);\n", gname, op->q.act_min, op->q.act_max,
                                  in, out);
        }
      else
        g_string_append_printf (s, "  em_nn_global_avgpool_f32 (%d, %d, %d, %s, %s);\n", ti->h, ti->w, ti->c, in, out);
      break;
    case EM_NN_OP_ADD:
      {
        g_autofree char *in2 = tensor_ref (p, op->input2, TRUE);
        if (s8)
          {
            const EmNnQuantAdd *qa = &op->add;
            g_string_append_printf (m->setup,
                                    "static const EmNnQuantAdd %sa%u = {\n  %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d\n};\n",
                                    prefix, i, qa->input1_offset, qa->input2_offset, qa->output_offset, qa->left_shift,
                                    qa->input1_multiplier, qa->input1_shift, qa->input2_multiplier, qa->input2_shift,
                                    qa->output_multiplier, qa->output_shift, qa->act_min, qa->act_max);
            g_string_append_printf (s, "  em_nn_add_s8 (%u, &%sa%u, %s, %s, %s);\n", to->size, prefix, i, in, in2, out);
          }
        else
          g_string_append_printf (s, "  em_nn_add_f32 (%u, %s, %s, %s, %s);\n", to->size, in, in2, act_name (op->act), out);
        break;
      }
    case EM_NN_OP_ACTIVATION:
      if (s8)
        {
          g_autofree char *lut = g_strdup_printf ("%slut%u", prefix, i);
          if (op->lut == NULL)
            goto corrupt;
          emit_array (m, ARR_S8, lut, op->lut, 256, "activation table");
          g_string_append_printf (s, "  em_nn_lut_s8 (%u, %s, %s, %s);\n", to->size, lut, in, out);
        }
      else
        g_string_append_printf (s, "  em_nn_activation_f32 (%u, %s, %s, %s);\n", to->size, act_name (op->act), in, out);
      break;
    case EM_NN_OP_SOFTMAX:
      if (s8)
        {
          g_autofree char *lut = g_strdup_printf ("%sexp%u", prefix, i);
          if (op->softmax_lut == NULL)
            goto corrupt;
          emit_array (m, ARR_U32, lut, op->softmax_lut, 256, "softmax exp table");
          g_string_append_printf (s, "  em_nn_softmax_s8 (%u, %s, %s, %s);\n", to->size, lut, in, out);
        }
      else
        g_string_append_printf (s, "  em_nn_softmax_f32 (%u, %s, %s);\n", to->size, in, out);
      break;
    case EM_NN_OP_SOFTMAX_TFLM:
      {
        /* TFLite Micro's fixed-point softmax (imported int8 models): its
         * exps precomputed for every difference from the row maximum. */
        g_autofree char *lut = g_strdup_printf ("%sexp%u", prefix, i);
        if (!s8 || op->softmax_exp == NULL || ti->c < 1)
          goto corrupt;
        need (m, "em-nn-kernels-s8-softmax.c");
        emit_array (m, ARR_S32, lut, op->softmax_exp, 256, "softmax exp table (TFLite Micro fixed point, Q0.31)");
        g_string_append_printf (s, "  em_nn_softmax_tflm_s8 (%u, %d, %s, %s, %s);\n", ti->size / (guint32) ti->c,
                                ti->c, lut, in, out);
        break;
      }
    case EM_NN_OP_COPY:
      g_string_append_printf (s, "  memmove (%s, %s, %uu);\n", out, in, to->size * (s8 ? 1 : 4));
      break;
    case EM_NN_OP_PAD:
      emit_geom (m->setup, gname, g);
      need (m, "em-nn-kernels-layout.c");
      if (s8)
        g_string_append_printf (s, "  em_nn_pad_s8 (&%s, %d, %s, %s);\n", gname, op->q.output_offset, in, out);
      else
        g_string_append_printf (s, "  em_nn_pad_f32 (&%s, %s, %s);\n", gname, in, out);
      break;
    case EM_NN_OP_CONCAT:
      {
        g_autofree char *in2 = tensor_ref (p, op->input2, TRUE);
        need (m, "em-nn-kernels-layout.c");
        g_string_append_printf (s, "  em_nn_concat_%s (%d, %d, %d, %s, %s, %s);\n", sfx, g->in_h, g->in_w, g->in_c, in,
                                in2, out);
        break;
      }
    default:
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "model: op %u has a kind (%d) codegen does not know",
                   i, (int) op->kind);
      return FALSE;
    }
  (void) sfx;
  return TRUE;

corrupt:
  g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "model: op %u (%s) lacks its constant data", i, op_name);
  return FALSE;
}

/* The smallest arena any placement of @p's tensors could have: the most
 * bytes live at any one op. A tensor is live from the op that writes it
 * (the input: from the start) to the last op that reads it (the output: to
 * the end). The bytes live at an op are the union of the live tensors'
 * byte ranges in the planned arena: aliases (a reshape sharing its
 * source's bytes) count once, and tensors live together never overlap, so
 * the union is the sum of the distinct buffers whatever the placement. */
static guint32
arena_lower_bound (const EmNnProgram *p)
{
  g_autofree int32_t *first = g_new (int32_t, MAX (p->n_tensors, 1));
  g_autofree int32_t *last = g_new (int32_t, MAX (p->n_tensors, 1));
  g_autofree guint64 *lo = g_new (guint64, MAX (p->n_tensors, 1));
  g_autofree guint64 *hi = g_new (guint64, MAX (p->n_tensors, 1));
  int32_t end = p->n_ops > 0 ? (int32_t) p->n_ops - 1 : 0;
  guint64 best = 0;

  for (guint32 t = 0; t < p->n_tensors; t++)
    first[t] = last[t] = -1;
  first[p->input_tensor] = 0;
  for (guint32 i = 0; i < p->n_ops; i++)
    {
      const EmNnOp *op = &p->ops[i];
      if (first[op->output] < 0)
        first[op->output] = (int32_t) i;
      last[op->output] = MAX (last[op->output], (int32_t) i);
      last[op->input] = MAX (last[op->input], (int32_t) i);
      if (op->input2 >= 0)
        last[op->input2] = MAX (last[op->input2], (int32_t) i);
    }
  last[p->output_tensor] = end;
  for (int32_t i = 0; i <= end; i++)
    {
      guint32 n = 0;
      guint64 live = 0, reach = 0;

      for (guint32 t = 0; t < p->n_tensors; t++)
        if (first[t] >= 0 && first[t] <= i && i <= MAX (last[t], first[t]))
          {
            guint32 k = n++;
            guint64 a = p->tensors[t].offset, b = a + (guint64) p->tensors[t].size * (p->is_int8 ? 1 : 4);
            /* insertion sort by start */
            while (k > 0 && lo[k - 1] > a)
              {
                lo[k] = lo[k - 1];
                hi[k] = hi[k - 1];
                k--;
              }
            lo[k] = a;
            hi[k] = b;
          }
      for (guint32 k = 0; k < n; k++)
        {
          guint64 a = MAX (lo[k], reach);
          if (hi[k] > a)
            live += hi[k] - a;
          reach = MAX (reach, hi[k]);
        }
      best = MAX (best, live);
    }
  return (guint32) best;
}

gboolean
em_codegen_emit_nn (GBytes *emnq, gboolean int8, guint32 n_inputs, guint32 n_outputs, const char *prefix,
                    EmCodegenModel *m, GError **error)
{
  g_autoptr(EmNnCompiled) compiled = NULL;
  g_autoptr(GError) local = NULL;
  const EmNnProgram *p;
  const char *const *names;
  const EmNnTensor *ti, *to;

  compiled = em_nn_compiled_load (emnq, &local);
  if (compiled == NULL)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "model: %s", local->message);
      return FALSE;
    }
  p = em_nn_compiled_program (compiled);
  names = em_nn_compiled_op_names (compiled);
  if (!p->is_int8 != !int8)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "model: expected the %s program, got the %s one",
                   int8 ? "int8" : "float", p->is_int8 ? "int8" : "float");
      return FALSE;
    }
  if (p->input_tensor < 0 || (guint32) p->input_tensor >= p->n_tensors || p->output_tensor < 0 ||
      (guint32) p->output_tensor >= p->n_tensors || !check_program (p, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "model: no input or output tensor");
      return FALSE;
    }
  ti = &p->tensors[p->input_tensor];
  to = &p->tensors[p->output_tensor];
  if (ti->size != n_inputs || to->size != n_outputs)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID,
                   "model: takes %u values and gives %u, but the impulse has %u features and %u outputs", ti->size,
                   to->size, n_inputs, n_outputs);
      return FALSE;
    }

  m->arena_bytes = p->arena_size;
  m->arena_min_bytes = arena_lower_bound (p);
  m->n_inputs = n_inputs;
  m->n_outputs = n_outputs;
  m->n_ops = p->n_ops;
  need (m, p->is_int8 ? "em-nn-kernels-s8.c" : "em-nn-kernels-f32.c");
  /* empty unless the device build defines EM_NN_USE_CMSIS_NN / targets a
   * core with the DSP extension (Cortex-M4, M7, M33) */
  if (p->is_int8)
    need (m, "em-nn-kernels-s8-cmsis.c"), need (m, "em-nn-kernels-s8-dsp.c");
  need (m, "em-nn-kernels.h");
  /* quantize / dequantize at the edges and the s8 kernels' requantization. */
  if (p->is_int8)
    need (m, "em-nn-quant-math.c");
  /* object detection: per-cell softmax and the cell merge after the model */
  if (m->grid_w > 0)
    {
      need (m, "em-nn-fomo-post.c");
      need (m, "em-nn-fomo.h");
    }

  g_string_append (m->body, "  uint8_t *a = em_arena;\n\n");
  if (p->is_int8)
    {
      g_string_append_printf (m->body, "  em_nn_quantize_s8 (%u, ", ti->size);
      em_codegen_append_float (m->body, ti->scale);
      g_string_append_printf (m->body, ", %d, features, (int8_t *) (a + %u));\n", ti->zero_point, ti->offset);
    }
  else
    g_string_append_printf (m->body, "  memcpy (a + %u, features, %uu);\n", ti->offset, ti->size * 4);
  for (guint32 i = 0; i < p->n_ops; i++)
    if (!emit_op (m, p, i, prefix, names != NULL && names[i] != NULL ? names[i] : "op", error))
      return FALSE;
  if (p->is_int8)
    {
      g_string_append_printf (m->body, "  em_nn_dequantize_s8 (%u, ", to->size);
      em_codegen_append_float (m->body, to->scale);
      g_string_append_printf (m->body, ", %d, (const int8_t *) (a + %u), outputs);\n", to->zero_point, to->offset);
    }
  else
    g_string_append_printf (m->body, "  memcpy (outputs, a + %u, %uu);\n", to->offset, to->size * 4);
  return TRUE;
}

/* --- anomaly --------------------------------------------------------------- */

gboolean
em_codegen_emit_anomaly (GBytes *json, guint32 n_inputs, const char *prefix, EmCodegenModel *m, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(EmNnAnomaly) a = NULL;
  g_autofree char *text = NULL;
  g_autofree char *axes = g_strdup_printf ("%saxes", prefix);
  gsize len = 0;
  const char *data = g_bytes_get_data (json, &len);
  int dim;

  text = g_strndup (data, len);
  a = em_nn_anomaly_from_json (text, &local);
  if (a == NULL)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "anomaly model: %s", local->message);
      return FALSE;
    }
  dim = a->is_gmm ? a->gmm.dim : a->kmeans.dim;
  if (dim < 1 || a->n_axes != dim || a->axes == NULL)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "anomaly model: its axes do not match its size");
      return FALSE;
    }
  for (int j = 0; j < dim; j++)
    if (a->axes[j] < 0 || (guint32) a->axes[j] >= n_inputs)
      {
        g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID,
                     "anomaly model: feature %d is beyond the impulse's %u features", a->axes[j], n_inputs);
        return FALSE;
      }

  need (m, "em-nn-anomaly-score.c");
  need (m, "em-nn-anomaly.h");
  m->n_inputs = n_inputs;
  m->n_outputs = 1;
  emit_array (m, ARR_S32, axes, a->axes, (gsize) dim, "anomaly: the features it scores");
  if (a->is_gmm)
    {
      const EmNnGmmModel *g = &a->gmm;
      gsize prec = a->gmm.full ? (gsize) g->k * dim * dim : (gsize) g->k * dim;
      g_autofree char *lw = g_strdup_printf ("%slog_weights", prefix), *mu = g_strdup_printf ("%smeans", prefix);
      g_autofree char *pr = g_strdup_printf ("%sprecision", prefix), *ln = g_strdup_printf ("%slog_norm", prefix);

      emit_array (m, ARR_F32, lw, g->log_weights, (gsize) g->k, "GMM: log mixing weights");
      emit_array (m, ARR_F32, mu, g->means, (gsize) g->k * dim, "GMM: means");
      emit_array (m, ARR_F32, pr, g->precision, prec, g->full ? "GMM: precision Cholesky factors" : "GMM: inverse variances");
      emit_array (m, ARR_F32, ln, g->log_norm, (gsize) g->k, "GMM: log normalizing constants");
      g_string_append_printf (m->setup, "static const EmNnGmmModel %sgmm = { %d, %d, %d, %s, %s, %s, %s };\n", prefix,
                              g->k, dim, g->full ? 1 : 0, lw, mu, pr, ln);
      g_string_append_printf (m->setup, "static float %sx[%d];\n", prefix, 2 * dim);
      g_string_append_printf (m->body, "  int32_t j;\n\n  for (j = 0; j < %d; j++)\n    %sx[j] = features[%s[j]];\n", dim,
                              prefix, axes);
      g_string_append_printf (m->body, "  outputs[0] = em_nn_gmm_score (&%sgmm, %sx, %sx + %d);\n", prefix, prefix,
                              prefix, dim);
    }
  else
    {
      const EmNnKmeansModel *k = &a->kmeans;
      g_autofree char *c = g_strdup_printf ("%scentroids", prefix), *r = g_strdup_printf ("%sradius", prefix);

      emit_array (m, ARR_F32, c, k->centroids, (gsize) k->k * dim, "K-means: centroids");
      emit_array (m, ARR_F32, r, k->radius, (gsize) k->k, "K-means: cluster radii");
      g_string_append_printf (m->setup, "static const EmNnKmeansModel %skmeans = { %d, %d, %s, %s };\n", prefix, k->k, dim,
                              c, r);
      g_string_append_printf (m->setup, "static float %sx[%d];\n", prefix, dim);
      g_string_append_printf (m->body, "  int32_t j;\n\n  for (j = 0; j < %d; j++)\n    %sx[j] = features[%s[j]];\n", dim,
                              prefix, axes);
      g_string_append_printf (m->body, "  outputs[0] = em_nn_kmeans_score (&%skmeans, %sx);\n", prefix, prefix);
    }
  return TRUE;
}
