/* SPDX-License-Identifier: Apache-2.0 */
/* Runs kernel cases written by ref_kernels.py and writes what the kernels
 * produce, so the Python reference can compare them byte for byte.
 *
 * Usage: nn-kernel-run CASES OUT
 *
 * CASES is a stream of whitespace-separated tokens: a case name, then its
 * parameters in the order read_* below consumes them. Integers are decimal;
 * floats and doubles are C99 hex floats (exact); an array is its length
 * followed by its elements (length 0 for a NULL bias). OUT gets one line
 * per case: the case name, then integers in decimal and floats as %a. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "em-nn-kernels.h"

static FILE *in_f;

static void
die (const char *what)
{
  fprintf (stderr, "nn-kernel-run: %s\n", what);
  exit (2);
}

static long long
read_int (void)
{
  char tok[128];
  char *end;
  long long v;

  if (fscanf (in_f, "%127s", tok) != 1)
    die ("unexpected end of the case file");
  v = strtoll (tok, &end, 10);
  if (*end != '\0')
    die ("malformed integer in the case file");
  return v;
}

static double
read_double (void)
{
  char tok[128];
  char *end;
  double v;

  if (fscanf (in_f, "%127s", tok) != 1)
    die ("unexpected end of the case file");
  v = strtod (tok, &end);
  if (*end != '\0')
    die ("malformed float in the case file");
  return v;
}

static void *
xcalloc (size_t n, size_t size)
{
  void *p = calloc (n > 0 ? n : 1, size);
  if (p == NULL)
    die ("out of memory");
  return p;
}

static int32_t *
read_i32s (int32_t *n_out)
{
  int32_t n = (int32_t) read_int (), i;
  int32_t *v = xcalloc ((size_t) n, sizeof *v);

  for (i = 0; i < n; i++)
    v[i] = (int32_t) read_int ();
  *n_out = n;
  return v;
}

static int8_t *
read_s8s (int32_t *n_out)
{
  int32_t n = (int32_t) read_int (), i;
  int8_t *v = xcalloc ((size_t) n, sizeof *v);

  for (i = 0; i < n; i++)
    v[i] = (int8_t) read_int ();
  *n_out = n;
  return v;
}

static float *
read_f32s (int32_t *n_out)
{
  int32_t n = (int32_t) read_int (), i;
  float *v = xcalloc ((size_t) n, sizeof *v);

  for (i = 0; i < n; i++)
    v[i] = (float) read_double ();
  *n_out = n;
  return v;
}

static void
read_geom (EmNnGeom *g)
{
  g->in_h = (int32_t) read_int ();
  g->in_w = (int32_t) read_int ();
  g->in_c = (int32_t) read_int ();
  g->out_h = (int32_t) read_int ();
  g->out_w = (int32_t) read_int ();
  g->out_c = (int32_t) read_int ();
  g->kernel_h = (int32_t) read_int ();
  g->kernel_w = (int32_t) read_int ();
  g->stride_h = (int32_t) read_int ();
  g->stride_w = (int32_t) read_int ();
  g->pad_top = (int32_t) read_int ();
  g->pad_left = (int32_t) read_int ();
  g->depth_multiplier = (int32_t) read_int ();
}

static void
write_s8s (FILE *out, const int8_t *v, int32_t n)
{
  int32_t i;
  for (i = 0; i < n; i++)
    fprintf (out, " %d", v[i]);
}

static void
write_f32s (FILE *out, const float *v, int32_t n)
{
  int32_t i;
  for (i = 0; i < n; i++)
    fprintf (out, " %a", (double) v[i]);
}

/* conv_s8 / dw_s8 / dense_s8 share the quantization block. */
static void
read_quant (EmNnQuantConv *q, int32_t **mult, int32_t **shift)
{
  int32_t n;
  q->input_offset = (int32_t) read_int ();
  q->output_offset = (int32_t) read_int ();
  q->act_min = (int32_t) read_int ();
  q->act_max = (int32_t) read_int ();
  *mult = read_i32s (&n);
  *shift = read_i32s (&n);
  q->multiplier = *mult;
  q->shift = *shift;
}

static void
run_conv_s8 (FILE *out, int depthwise)
{
  EmNnGeom g;
  EmNnQuantConv q;
  int32_t *mult, *shift, *bias, n_in, n_f, n_b, n_out;
  int8_t *input, *filter, *output;

  read_geom (&g);
  read_quant (&q, &mult, &shift);
  input = read_s8s (&n_in);
  filter = read_s8s (&n_f);
  bias = read_i32s (&n_b);
  n_out = g.out_h * g.out_w * g.out_c;
  output = xcalloc ((size_t) n_out, 1);
  if (depthwise)
    em_nn_depthwise_s8 (&g, &q, input, filter, n_b > 0 ? bias : NULL, output);
  else
    em_nn_conv2d_s8 (&g, &q, input, filter, n_b > 0 ? bias : NULL, output);
  write_s8s (out, output, n_out);
  free (mult); free (shift); free (bias); free (input); free (filter); free (output);
}

static void
run_dense_s8 (FILE *out)
{
  EmNnQuantConv q;
  int32_t in_n = (int32_t) read_int (), out_n = (int32_t) read_int ();
  int32_t *mult, *shift, *bias, n;
  int8_t *input, *weights, *output;

  read_quant (&q, &mult, &shift);
  input = read_s8s (&n);
  weights = read_s8s (&n);
  bias = read_i32s (&n);
  output = xcalloc ((size_t) out_n, 1);
  em_nn_dense_s8 (in_n, out_n, &q, input, weights, n > 0 ? bias : NULL, output);
  write_s8s (out, output, out_n);
  free (mult); free (shift); free (bias); free (input); free (weights); free (output);
}

static void
run_pool_s8 (FILE *out, int average)
{
  EmNnGeom g;
  int32_t act_min, act_max, n, n_out;
  int8_t *input, *output;

  read_geom (&g);
  act_min = (int32_t) read_int ();
  act_max = (int32_t) read_int ();
  input = read_s8s (&n);
  n_out = g.out_h * g.out_w * g.in_c;
  output = xcalloc ((size_t) n_out, 1);
  if (average)
    em_nn_avgpool_s8 (&g, act_min, act_max, input, output);
  else
    em_nn_maxpool_s8 (&g, act_min, act_max, input, output);
  write_s8s (out, output, n_out);
  free (input); free (output);
}

static void
run_add_s8 (FILE *out)
{
  EmNnQuantAdd q;
  float s1 = (float) read_double ();
  int32_t zp1 = (int32_t) read_int ();
  float s2 = (float) read_double ();
  int32_t zp2 = (int32_t) read_int ();
  float so = (float) read_double ();
  int32_t zpo = (int32_t) read_int ();
  int32_t act_min = (int32_t) read_int (), act_max = (int32_t) read_int ();
  int32_t n;
  int8_t *a = read_s8s (&n), *b = read_s8s (&n), *output = xcalloc ((size_t) n, 1);

  em_nn_quant_add_prepare (s1, zp1, s2, zp2, so, zpo, act_min, act_max, &q);
  em_nn_add_s8 (n, &q, a, b, output);
  fprintf (out, " %d %d %d %d %d %d %d %d %d %d %d %d", q.input1_offset, q.input2_offset,
           q.output_offset, q.left_shift, q.input1_multiplier, q.input1_shift,
           q.input2_multiplier, q.input2_shift, q.output_multiplier, q.output_shift,
           q.act_min, q.act_max);
  write_s8s (out, output, n);
  free (a); free (b); free (output);
}

static void
run_lut_s8 (FILE *out)
{
  EmNnActivation act = (EmNnActivation) read_int ();
  float in_scale = (float) read_double ();
  int32_t in_zp = (int32_t) read_int ();
  float out_scale = (float) read_double ();
  int32_t out_zp = (int32_t) read_int ();
  int8_t table[256];
  int32_t n;
  int8_t *input = read_s8s (&n), *output = xcalloc ((size_t) n, 1);

  em_nn_make_lut_s8 (act, in_scale, in_zp, out_scale, out_zp, table);
  em_nn_lut_s8 (n, table, input, output);
  write_s8s (out, table, 256);
  write_s8s (out, output, n);
  free (input); free (output);
}

static void
run_softmax_s8 (FILE *out)
{
  float in_scale = (float) read_double ();
  uint32_t table[256];
  int32_t n, i;
  int8_t *input = read_s8s (&n), *output = xcalloc ((size_t) n, 1);

  em_nn_make_softmax_lut_s8 (in_scale, table);
  em_nn_softmax_s8 (n, table, input, output);
  for (i = 0; i < 256; i++)
    fprintf (out, " %u", (unsigned) table[i]);
  write_s8s (out, output, n);
  free (input); free (output);
}

static void
run_float (FILE *out, const char *kind)
{
  EmNnGeom g;
  int32_t n, n2, n3, n_out = 0;
  float *input, *filter = NULL, *bias = NULL, *output = NULL;
  EmNnActivation act;

  if (strcmp (kind, "conv_f32") == 0 || strcmp (kind, "dw_f32") == 0)
    {
      read_geom (&g);
      act = (EmNnActivation) read_int ();
      input = read_f32s (&n);
      filter = read_f32s (&n2);
      bias = read_f32s (&n3);
      n_out = g.out_h * g.out_w * g.out_c;
      output = xcalloc ((size_t) n_out, sizeof *output);
      if (kind[0] == 'c')
        em_nn_conv2d_f32 (&g, input, filter, n3 > 0 ? bias : NULL, act, output);
      else
        em_nn_depthwise_f32 (&g, input, filter, n3 > 0 ? bias : NULL, act, output);
    }
  else if (strcmp (kind, "dense_f32") == 0)
    {
      int32_t in_n = (int32_t) read_int ();
      n_out = (int32_t) read_int ();
      act = (EmNnActivation) read_int ();
      input = read_f32s (&n);
      filter = read_f32s (&n2);
      bias = read_f32s (&n3);
      output = xcalloc ((size_t) n_out, sizeof *output);
      em_nn_dense_f32 (in_n, n_out, input, filter, n3 > 0 ? bias : NULL, act, output);
    }
  else if (strcmp (kind, "maxpool_f32") == 0 || strcmp (kind, "avgpool_f32") == 0)
    {
      read_geom (&g);
      input = read_f32s (&n);
      n_out = g.out_h * g.out_w * g.in_c;
      output = xcalloc ((size_t) n_out, sizeof *output);
      if (kind[0] == 'm')
        em_nn_maxpool_f32 (&g, input, output);
      else
        em_nn_avgpool_f32 (&g, input, output);
    }
  else if (strcmp (kind, "gap_f32") == 0)
    {
      int32_t h = (int32_t) read_int (), w = (int32_t) read_int (), c = (int32_t) read_int ();
      input = read_f32s (&n);
      n_out = c;
      output = xcalloc ((size_t) n_out, sizeof *output);
      em_nn_global_avgpool_f32 (h, w, c, input, output);
    }
  else if (strcmp (kind, "add_f32") == 0)
    {
      act = (EmNnActivation) read_int ();
      input = read_f32s (&n);
      filter = read_f32s (&n2);
      n_out = n;
      output = xcalloc ((size_t) n_out, sizeof *output);
      em_nn_add_f32 (n, input, filter, act, output);
    }
  else if (strcmp (kind, "act_f32") == 0)
    {
      act = (EmNnActivation) read_int ();
      input = read_f32s (&n);
      n_out = n;
      /* In place, as the header allows. */
      em_nn_activation_f32 (n, act, input, input);
      output = input;
      input = NULL;
    }
  else if (strcmp (kind, "softmax_f32") == 0)
    {
      input = read_f32s (&n);
      n_out = n;
      output = xcalloc ((size_t) n_out, sizeof *output);
      em_nn_softmax_f32 (n, input, output);
    }
  else
    {
      fprintf (stderr, "nn-kernel-run: unknown case '%s'\n", kind);
      exit (2);
    }
  write_f32s (out, output, n_out);
  free (input); free (filter); free (bias); free (output);
}

static void
run_case (FILE *out, const char *kind)
{
  if (strcmp (kind, "conv_s8") == 0)
    run_conv_s8 (out, 0);
  else if (strcmp (kind, "dw_s8") == 0)
    run_conv_s8 (out, 1);
  else if (strcmp (kind, "dense_s8") == 0)
    run_dense_s8 (out);
  else if (strcmp (kind, "maxpool_s8") == 0)
    run_pool_s8 (out, 0);
  else if (strcmp (kind, "avgpool_s8") == 0)
    run_pool_s8 (out, 1);
  else if (strcmp (kind, "add_s8") == 0)
    run_add_s8 (out);
  else if (strcmp (kind, "lut_s8") == 0)
    run_lut_s8 (out);
  else if (strcmp (kind, "softmax_s8") == 0)
    run_softmax_s8 (out);
  else if (strcmp (kind, "qmul") == 0)
    {
      int32_t m, s;
      em_nn_quantize_multiplier (read_double (), &m, &s);
      fprintf (out, " %d %d", m, s);
    }
  else if (strcmp (kind, "mbqm") == 0)
    {
      int32_t x = (int32_t) read_int (), m = (int32_t) read_int (), s = (int32_t) read_int ();
      fprintf (out, " %d", em_nn_multiply_by_quantized_multiplier (x, m, s));
    }
  else if (strcmp (kind, "srdhm") == 0)
    {
      int32_t a = (int32_t) read_int (), b = (int32_t) read_int ();
      fprintf (out, " %d", em_nn_saturating_rounding_doubling_high_mul (a, b));
    }
  else if (strcmp (kind, "rdpot") == 0)
    {
      int32_t x = (int32_t) read_int (), e = (int32_t) read_int ();
      fprintf (out, " %d", em_nn_rounding_divide_by_pot (x, e));
    }
  else if (strcmp (kind, "quantize_s8") == 0)
    {
      float scale = (float) read_double ();
      int32_t zp = (int32_t) read_int (), n;
      float *input = read_f32s (&n);
      int8_t *output = xcalloc ((size_t) n, 1);
      em_nn_quantize_s8 (n, scale, zp, input, output);
      write_s8s (out, output, n);
      free (input); free (output);
    }
  else if (strcmp (kind, "dequantize_s8") == 0)
    {
      float scale = (float) read_double ();
      int32_t zp = (int32_t) read_int (), n;
      int8_t *input = read_s8s (&n);
      float *output = xcalloc ((size_t) n, sizeof *output);
      em_nn_dequantize_s8 (n, scale, zp, input, output);
      write_f32s (out, output, n);
      free (input); free (output);
    }
  else
    run_float (out, kind);
}

int
main (int argc, char **argv)
{
  char kind[64];
  FILE *out;

  if (argc != 3)
    die ("usage: nn-kernel-run CASES OUT");
  in_f = fopen (argv[1], "r");
  if (in_f == NULL)
    die ("cannot open the case file");
  out = fopen (argv[2], "w");
  if (out == NULL)
    die ("cannot create the output file");
  while (fscanf (in_f, "%63s", kind) == 1)
    {
      fputs (kind, out);
      run_case (out, kind);
      fputc ('\n', out);
    }
  fclose (in_f);
  if (fclose (out) != 0)
    die ("cannot write the output file");
  return 0;
}
