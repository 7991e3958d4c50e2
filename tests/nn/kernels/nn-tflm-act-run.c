/* SPDX-License-Identifier: Apache-2.0 */
/* Runs Ember's TFLite Micro int8 softmax / logistic / tanh (the
 * generation-time tables of nn/em-nn-quant-tflm.c and the device kernel of
 * nn/em-nn-kernels-s8-softmax.c) on cases read from a file, one per line,
 * and prints one result line per case, for ref_tflm_act.py to compare with
 * its own implementation:
 *   softmax BETA SCALE ROWS DEPTH v...  →  "ok MULT SHIFT DIFF_MIN e[0..255] o..." | "err STATUS"
 *   logistic SCALE ZP                    →  "ok t[0] ... t[255]"          | "err STATUS"
 *   tanh SCALE ZP                        →  same
 *   fx A                                 →  "ok EXP5(A') EXP4(A') 1/(1+A) (1-A)/(1+A) LOGISTIC4(A) TANH4(A)"
 *                                           with A' = -|A| (raw Q0.31 results of the fixed-point
 *                                           functions, so a difference far below one output step shows)
 * BETA and SCALE are float32 bit patterns in hex (exact). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "em-nn-quant-tflm-private.h"

static float
hex_float (const char *s)
{
  unsigned long bits = strtoul (s, NULL, 16);
  uint32_t u = (uint32_t) bits;
  float f;

  memcpy (&f, &u, sizeof f);
  return f;
}

static int
run_softmax (FILE *in, FILE *out)
{
  char beta_s[16], scale_s[16];
  long rows, depth, n, i;
  EmNnTflmSoftmax p;
  EmNnTflmStatus st;
  int32_t table[256];
  int8_t *x, *y;

  if (fscanf (in, "%15s %15s %ld %ld", beta_s, scale_s, &rows, &depth) != 4 || rows < 1 || depth < 1 ||
      rows * depth > (1L << 24))
    return -1;
  n = rows * depth;
  x = malloc ((size_t) n);
  y = malloc ((size_t) n);
  if (x == NULL || y == NULL)
    return -1;
  for (i = 0; i < n; i++)
    {
      int v;
      if (fscanf (in, "%d", &v) != 1 || v < -128 || v > 127)
        return -1;
      x[i] = (int8_t) v;
    }
  st = em_nn_tflm_softmax_prepare ((double) hex_float (beta_s), (double) hex_float (scale_s), &p);
  if (st != EM_NN_TFLM_OK)
    fprintf (out, "err %d\n", (int) st);
  else
    {
      em_nn_tflm_softmax_table (&p, table);
      em_nn_softmax_tflm_s8 ((int32_t) rows, (int32_t) depth, table, x, y);
      fprintf (out, "ok %ld %ld %ld", (long) p.multiplier, (long) p.left_shift, (long) p.diff_min);
      for (i = 0; i < 256; i++)
        fprintf (out, " %ld", (long) table[i]);
      for (i = 0; i < n; i++)
        fprintf (out, " %d", y[i]);
      fputc ('\n', out);
      /* In place gives the same bytes (the kernel reads the input twice). */
      em_nn_softmax_tflm_s8 ((int32_t) rows, (int32_t) depth, table, x, x);
      if (memcmp (x, y, (size_t) n) != 0)
        {
          fprintf (stderr, "softmax in place differs\n");
          return -1;
        }
    }
  free (x);
  free (y);
  return 0;
}

static int
run_q4 (FILE *in, FILE *out, int is_tanh)
{
  char scale_s[16];
  int zp, i;
  int8_t table[256];
  EmNnTflmStatus st;

  if (fscanf (in, "%15s %d", scale_s, &zp) != 2)
    return -1;
  st = is_tanh ? em_nn_tflm_tanh_table (hex_float (scale_s), zp, table)
               : em_nn_tflm_logistic_table (hex_float (scale_s), zp, table);
  if (st != EM_NN_TFLM_OK)
    {
      fprintf (out, "err %d\n", (int) st);
      return 0;
    }
  fputs ("ok", out);
  for (i = 0; i < 256; i++)
    fprintf (out, " %d", table[i]);
  fputc ('\n', out);
  return 0;
}

static int
run_fx (FILE *in, FILE *out)
{
  long a;
  int32_t x, neg;

  if (fscanf (in, "%ld", &a) != 1 || a < INT32_MIN || a > INT32_MAX)
    return -1;
  x = (int32_t) a;
  neg = x > 0 ? -x : x;
  fprintf (out, "ok %ld %ld %ld %ld %ld %ld\n", (long) em_nn_tflm_exp_on_negative_values (neg, 5),
           (long) em_nn_tflm_exp_on_negative_values (neg, 4), (long) em_nn_fx_one_over_one_plus_x (x < 0 ? -x : x),
           (long) em_nn_fx_one_minus_x_over_one_plus_x (x < 0 ? -x : x), (long) em_nn_tflm_logistic (x, 4),
           (long) em_nn_tflm_tanh (x, 4));
  return 0;
}

int
main (int argc, char **argv)
{
  FILE *in, *out = stdout;
  char kind[16];
  long line = 0;

  if (argc != 2 || (in = fopen (argv[1], "r")) == NULL)
    {
      fprintf (stderr, "usage: nn-tflm-act-run CASES\n");
      return 2;
    }
  while (fscanf (in, "%15s", kind) == 1)
    {
      int r;
      line++;
      if (strcmp (kind, "softmax") == 0)
        r = run_softmax (in, out);
      else if (strcmp (kind, "logistic") == 0)
        r = run_q4 (in, out, 0);
      else if (strcmp (kind, "tanh") == 0)
        r = run_q4 (in, out, 1);
      else if (strcmp (kind, "fx") == 0)
        r = run_fx (in, out);
      else
        r = -1;
      if (r != 0)
        {
          fprintf (stderr, "nn-tflm-act-run: case %ld (%s): malformed\n", line, kind);
          return 2;
        }
    }
  fclose (in);
  return 0;
}
