/* SPDX-License-Identifier: Apache-2.0 */
/* Driver of test_dsp_kernels.py: runs Ember's int8 conv2d, depthwise
 * conv2d and dense kernels over random shapes and data, and over a few
 * shapes of the reference models (TFLM's micro_speech and person_detect),
 * and prints one line per case with the parameters and an FNV-1a hash of
 * the output bytes.
 *
 * The same file is built three times: natively (the portable kernels), for
 * a Cortex-M4F with the DSP-extension kernels, and for the same core with
 * -DEM_NN_NO_DSP_EXT (portable again). The lines must be identical; under
 * QEMU, dev_mark_begin/dev_mark_end bracket each kernel call so the
 * instruction-counting plugin gives one count per case.
 *
 * The cases are made by a seeded xorshift generator, so every build sees
 * the same data. Usage on the host: dsp-kernels [N_RANDOM [SEED]]; the
 * firmware uses DEV_N_RANDOM / DEV_SEED. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "em-nn-kernels.h"

#ifndef DEV_N_RANDOM
#define DEV_N_RANDOM 300
#endif
#ifndef DEV_SEED
#define DEV_SEED 20260412u
#endif

/* Large enough for the model shapes below (micro_speech's 49×40 input and
 * 25×20×8 output, person_detect's 48×48×8 → 48×48×16 pointwise layer). */
#define MAX_IN 36864
#define MAX_FILTER 16384
#define MAX_OUT 36864
#define MAX_C 256

static int8_t dev_input[MAX_IN], dev_filter[MAX_FILTER], dev_output[MAX_OUT + 16];
static int32_t dev_bias[MAX_C], dev_mult[MAX_C], dev_shift[MAX_C];

volatile uint32_t dev_phase;
__attribute__ ((noinline)) void dev_mark_begin (void);
__attribute__ ((noinline)) void dev_mark_end (void);
void dev_mark_begin (void) { dev_phase = 1; }
void dev_mark_end (void) { dev_phase = 2; }

static uint32_t rng;

static uint32_t
next (void)
{
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

/* Uniform in [lo, hi]. */
static int32_t
pick (int32_t lo, int32_t hi)
{
  return lo + (int32_t) (next () % (uint32_t) (hi - lo + 1));
}

static void
fill_s8 (int8_t *p, int32_t n)
{
  for (int32_t i = 0; i < n; i++)
    p[i] = (int8_t) (next () & 0xff);
}

/* Per-channel requantization that keeps most outputs off the rails:
 * the real multiplier is about 1 / (the accumulator's spread), varied
 * per channel; multipliers in [2^30, 2^31) or 0 as QuantizeMultiplier
 * makes. */
static void
fill_quant (int32_t out_c, int32_t depth, EmNnQuantConv *q)
{
  int32_t bits = 0;

  while ((1 << bits) < depth)
    bits++;
  for (int32_t c = 0; c < out_c; c++)
    {
      dev_mult[c] = (int32_t) (0x40000000u | (next () & 0x3fffffffu));
      /* accumulators reach about 2^(14 + bits/2): shift them to ~2^7. */
      dev_shift[c] = -(7 + bits / 2) + pick (-2, 2);
      if (pick (0, 40) == 0)
        dev_shift[c] = pick (-31, 1);   /* now and then an extreme one */
      if (pick (0, 60) == 0)
        dev_mult[c] = 0;                /* a channel of zero scale */
      dev_bias[c] = pick (-30000, 30000);
    }
  q->input_offset = pick (-127, 128);
  q->output_offset = pick (-128, 127);
  q->multiplier = dev_mult;
  q->shift = dev_shift;
  q->act_min = -128;
  q->act_max = 127;
  switch (pick (0, 3))
    {
    case 1: /* ReLU-like */
      q->act_min = q->output_offset;
      break;
    case 2: /* ReLU6-like */
      q->act_min = q->output_offset;
      q->act_max = q->output_offset + 60 > 127 ? 127 : q->output_offset + 60;
      break;
    default:
      break;
    }
}

static uint32_t
fnv (const int8_t *p, int32_t n)
{
  uint32_t h = 2166136261u;

  for (int32_t i = 0; i < n; i++)
    h = (h ^ (uint8_t) p[i]) * 16777619u;
  return h;
}

enum { CONV, DEPTHWISE, DENSE };
static const char *const kind_names[] = { "conv2d", "depthwise", "dense" };

/* One case: geometry given (out_* filled in here from the padding), data
 * from the generator. Returns 0 if the shape does not fit the buffers. */
static int
run_case (const char *label, int kind, EmNnGeom *g, int32_t pad_bottom, int32_t pad_right, int with_bias)
{
  EmNnQuantConv q;
  int32_t n_in, n_filter, n_out, depth;

  if (kind == DENSE)
    {
      n_in = g->in_c;
      n_filter = g->in_c * g->out_c;
      n_out = g->out_c;
      depth = g->in_c;
    }
  else
    {
      g->out_h = (g->in_h + g->pad_top + pad_bottom - g->kernel_h) / g->stride_h + 1;
      g->out_w = (g->in_w + g->pad_left + pad_right - g->kernel_w) / g->stride_w + 1;
      if (g->out_h < 1 || g->out_w < 1)
        return 0;
      if (kind == DEPTHWISE)
        g->out_c = g->in_c * g->depth_multiplier;
      n_in = g->in_h * g->in_w * g->in_c;
      n_filter = g->kernel_h * g->kernel_w * g->out_c * (kind == CONV ? g->in_c : 1);
      n_out = g->out_h * g->out_w * g->out_c;
      depth = g->kernel_h * g->kernel_w * (kind == CONV ? g->in_c : 1);
    }
  if (n_in > MAX_IN || n_filter > MAX_FILTER || n_out > MAX_OUT || g->out_c > MAX_C)
    return 0;
  fill_s8 (dev_input, n_in);
  fill_s8 (dev_filter, n_filter);
  fill_quant (g->out_c, depth, &q);
  /* Poison: a kernel that skips an output is caught. */
  memset (dev_output, 0x5a, (size_t) n_out + 16);

  dev_mark_begin ();
  if (kind == CONV)
    em_nn_conv2d_s8 (g, &q, dev_input, dev_filter, with_bias ? dev_bias : NULL, dev_output);
  else if (kind == DEPTHWISE)
    em_nn_depthwise_s8 (g, &q, dev_input, dev_filter, with_bias ? dev_bias : NULL, dev_output);
  else
    em_nn_dense_s8 (g->in_c, g->out_c, &q, dev_input, dev_filter, with_bias ? dev_bias : NULL, dev_output);
  dev_mark_end ();

  printf ("%s %s in=%ldx%ldx%ld out=%ldx%ldx%ld k=%ldx%ld s=%ldx%ld pad=%ld,%ld,%ld,%ld dm=%ld bias=%d "
          "zp=%ld,%ld act=%ld,%ld macs=%ld hash=%08lx tail=%08lx\n",
          label, kind_names[kind], (long) g->in_h, (long) g->in_w, (long) g->in_c, (long) g->out_h,
          (long) g->out_w, (long) g->out_c, (long) g->kernel_h, (long) g->kernel_w, (long) g->stride_h,
          (long) g->stride_w, (long) g->pad_top, (long) g->pad_left, (long) pad_bottom, (long) pad_right,
          (long) g->depth_multiplier, with_bias, (long) q.input_offset, (long) q.output_offset,
          (long) q.act_min, (long) q.act_max, (long) n_out * depth, (unsigned long) fnv (dev_output, n_out),
          (unsigned long) fnv (dev_output + n_out, 16));
  return 1;
}

static void
random_case (int32_t index)
{
  EmNnGeom g;
  char label[16];
  int kind = pick (0, 9) < 4 ? CONV : pick (0, 5) < 4 ? DEPTHWISE : DENSE;
  int32_t pad_bottom, pad_right;

  memset (&g, 0, sizeof g);
  snprintf (label, sizeof label, "R%ld", (long) index);
  if (kind == DENSE)
    {
      g.in_c = pick (1, 300);
      g.out_c = pick (1, 20);
      run_case (label, kind, &g, 0, 0, pick (0, 4) != 0);
      return;
    }
  g.in_h = pick (1, 12);
  g.in_w = pick (1, 12);
  g.in_c = pick (1, kind == CONV ? 24 : 40);
  g.kernel_h = pick (1, g.in_h < 5 ? g.in_h + 1 : 5);
  g.kernel_w = pick (1, g.in_w < 5 ? g.in_w + 1 : 5);
  g.stride_h = pick (1, 3);
  g.stride_w = pick (1, 3);
  /* Padding anywhere from none to kernel - 1 on each side (VALID, SAME,
   * and the lopsided ones in between). */
  g.pad_top = pick (0, g.kernel_h - 1);
  g.pad_left = pick (0, g.kernel_w - 1);
  pad_bottom = pick (0, g.kernel_h - 1);
  pad_right = pick (0, g.kernel_w - 1);
  if (kind == CONV)
    g.out_c = pick (1, 24);
  else
    {
      static const int32_t dms[] = { 1, 1, 1, 2, 3, 4, 8 };
      g.depth_multiplier = dms[pick (0, 6)];
      if (g.depth_multiplier > 1)
        g.in_c = pick (1, 6);
    }
  if (!run_case (label, kind, &g, pad_bottom, pad_right, pick (0, 4) != 0))
    printf ("%s skipped\n", label);
}

/* Layers of the two TFLM reference models (and a few like them), for the
 * instruction counts: "M" cases. */
static void
model_cases (void)
{
  static const struct {
    const char *label;
    int kind;
    int32_t in_h, in_w, in_c, out_c, k_h, k_w, s, pad_top, pad_left, pad_bottom, pad_right, dm;
  } cases[] = {
    /* micro_speech: depthwise 10×8 stride 2, multiplier 8 on 49×40×1, SAME; FC 4000 → 4 */
    { "M-speech-dw", DEPTHWISE, 49, 40, 1, 8, 10, 8, 2, 4, 3, 5, 3, 8 },
    { "M-speech-fc", DENSE, 1, 1, 4000, 4, 1, 1, 1, 0, 0, 0, 0, 0 },
    /* person_detect: the first conv (3×3 s2, 1 → 8, SAME) ... */
    { "M-person-conv0", CONV, 96, 96, 1, 8, 3, 3, 2, 0, 0, 1, 1, 0 },
    /* ... a depthwise 3×3 s1 and s2 and the pointwise 1×1 layers */
    { "M-person-dw1", DEPTHWISE, 48, 48, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1 },
    { "M-person-pw1", CONV, 48, 48, 8, 16, 1, 1, 1, 0, 0, 0, 0, 0 },
    { "M-person-dw4", DEPTHWISE, 24, 24, 32, 32, 3, 3, 2, 0, 0, 1, 1, 1 },
    { "M-person-pw3", CONV, 24, 24, 32, 32, 1, 1, 1, 0, 0, 0, 0, 0 },
    { "M-person-dw7", DEPTHWISE, 6, 6, 128, 128, 3, 3, 1, 1, 1, 1, 1, 1 },
    { "M-person-pw7", CONV, 6, 6, 128, 128, 1, 1, 1, 0, 0, 0, 0, 0 },
    { "M-person-fc", DENSE, 1, 1, 256, 2, 1, 1, 1, 0, 0, 0, 0, 0 },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      EmNnGeom g;

      memset (&g, 0, sizeof g);
      g.in_h = cases[i].in_h;
      g.in_w = cases[i].in_w;
      g.in_c = cases[i].in_c;
      g.out_c = cases[i].out_c;
      g.kernel_h = cases[i].k_h;
      g.kernel_w = cases[i].k_w;
      g.stride_h = g.stride_w = cases[i].s;
      g.pad_top = cases[i].pad_top;
      g.pad_left = cases[i].pad_left;
      g.depth_multiplier = cases[i].dm;
      if (!run_case (cases[i].label, cases[i].kind, &g, cases[i].pad_bottom, cases[i].pad_right, 1))
        printf ("%s skipped\n", cases[i].label);
    }
}

int
main (int argc, char **argv)
{
  long n = DEV_N_RANDOM;

  rng = DEV_SEED;
  if (argc > 1)
    n = strtol (argv[1], NULL, 10);
  if (argc > 2)
    rng = (uint32_t) strtoul (argv[2], NULL, 10) | 1u;
#ifdef EM_NN_DSP_EXT
  printf ("kernels dsp\n");
#else
  printf ("kernels portable\n");
#endif
  model_cases ();
  for (long i = 0; i < n; i++)
    random_case ((int32_t) i);
  printf ("done\n");
  fflush (stdout);
  return 0;
}
