/* SPDX-License-Identifier: Apache-2.0 */
/* CMSIS-NN back end of the int8 conv2d, depthwise conv2d and dense kernels.
 *
 * Compiled only when a user's device build defines EM_NN_USE_CMSIS_NN and
 * also compiles and links Arm's CMSIS-NN, with "arm_nnfunctions.h" on the
 * include path. em_nn_conv2d_s8, em_nn_depthwise_s8 and em_nn_dense_s8 call
 * the functions below first; each returns nonzero when CMSIS-NN computed
 * the output and 0 when the portable kernel must, which it then does
 * unchanged. Without the define this file is empty and the portable
 * kernels are all there is (and all that Ember's host and tests run).
 *
 * Mapping (CMSIS-NN's documented API, arm_nnfunctions.h / arm_nn_types.h):
 * Ember's kernels already follow TFLite, as CMSIS-NN does, so the
 * parameters carry over one to one: NHWC batch 1; conv filter
 * [out_c][kh][kw][in_c], depthwise filter [1][kh][kw][in_c·dm], dense
 * weights [out_n][in_n] (CMSIS's filter_dims n = accumulation depth,
 * c = output depth); input_offset = −input zero point and output_offset =
 * +output zero point in both; multiplier / shift per output channel in
 * QuantizeMultiplier's form (Q31, positive shift = left); the activation
 * clamp in the output's int8 domain; padding = the top / left padding,
 * the rest following from the output size; dilation 1.
 *
 * When the portable kernel runs instead:
 *   - no bias (Ember allows NULL; not every CMSIS-NN version does);
 *   - dense with multipliers or shifts that differ between channels:
 *     arm_fully_connected_s8 takes one per-tensor pair;
 *   - dense where arm_fully_connected_s8_get_buffer_size is nonzero (MVE
 *     targets, where the buffer must hold precomputed kernel sums whose
 *     helper differs between CMSIS-NN versions);
 *   - the call needs more scratch than EM_NN_CMSIS_SCRATCH_BYTES;
 *   - CMSIS-NN returns anything but ARM_CMSIS_NN_SUCCESS.
 *
 * Scratch: Ember's program has no per-op scratch slot, so the CMSIS calls
 * share one static buffer of EM_NN_CMSIS_SCRATCH_BYTES bytes (default
 * 4096; a build defines its own, e.g. -DEM_NN_CMSIS_SCRATCH_BYTES=16384,
 * when a model's convolutions need more: CMSIS-NN's im2col buffer is about
 * 2 × kernel_h × kernel_w × in_c bytes on DSP cores). The static buffer
 * makes these kernels non-reentrant: run one model at a time per process.
 *
 * Ember's tests build this file against a test-only stand-in for the three
 * CMSIS-NN functions (tests/nn/cmsis/), which checks the glue only; the
 * real library is what runs on the user's device. */
#ifdef EM_NN_USE_CMSIS_NN

#include "em-nn-kernels.h"

#include <string.h>

#include "arm_nnfunctions.h"

#ifndef EM_NN_CMSIS_SCRATCH_BYTES
#define EM_NN_CMSIS_SCRATCH_BYTES 4096
#endif

/* int32_t elements: CMSIS reads its scratch as int16 / int32 vectors. One
 * extra element keeps the array legal when the size is defined as 0. */
static int32_t cmsis_scratch[(EM_NN_CMSIS_SCRATCH_BYTES + 3) / 4 + 1];

/* Points ctx at the static scratch when `need` bytes fit; 0 if not. */
static int
scratch_for (int32_t need, cmsis_nn_context *ctx)
{
  if (need < 0 || (uint32_t) need > (uint32_t) EM_NN_CMSIS_SCRATCH_BYTES)
    return 0;
  ctx->buf = need > 0 ? cmsis_scratch : NULL;
  ctx->size = need;
  return 1;
}

static void
set_dims (cmsis_nn_dims *d, int32_t n, int32_t h, int32_t w, int32_t c)
{
  d->n = n;
  d->h = h;
  d->w = w;
  d->c = c;
}

/* CMSIS-NN's quantization structs point at non-const arrays that it only
 * reads; a union drops the const without a cast warning. */
static int32_t *
unconst (const int32_t *p)
{
  union { const int32_t *c; int32_t *m; } u;

  u.c = p;
  return u.m;
}

int
em_nn_conv2d_s8_cmsis (const EmNnGeom *g, const EmNnQuantConv *q, const int8_t *input,
                       const int8_t *filter, const int32_t *bias, int8_t *output)
{
  cmsis_nn_conv_params cp;
  cmsis_nn_per_channel_quant_params qp;
  cmsis_nn_dims in_d, f_d, b_d, out_d;
  cmsis_nn_context ctx;

  if (bias == NULL)
    return 0;
  memset (&cp, 0, sizeof cp);
  cp.input_offset = q->input_offset;
  cp.output_offset = q->output_offset;
  cp.stride.w = g->stride_w;
  cp.stride.h = g->stride_h;
  cp.padding.w = g->pad_left;
  cp.padding.h = g->pad_top;
  cp.dilation.w = 1;
  cp.dilation.h = 1;
  cp.activation.min = q->act_min;
  cp.activation.max = q->act_max;
  qp.multiplier = unconst (q->multiplier);
  qp.shift = unconst (q->shift);
  set_dims (&in_d, 1, g->in_h, g->in_w, g->in_c);
  set_dims (&f_d, g->out_c, g->kernel_h, g->kernel_w, g->in_c);
  set_dims (&b_d, 1, 1, 1, g->out_c);
  set_dims (&out_d, 1, g->out_h, g->out_w, g->out_c);
  if (!scratch_for (arm_convolve_wrapper_s8_get_buffer_size (&cp, &in_d, &f_d, &out_d), &ctx))
    return 0;
  return arm_convolve_wrapper_s8 (&ctx, &cp, &qp, &in_d, input, &f_d, filter, &b_d, bias, &out_d, output)
         == ARM_CMSIS_NN_SUCCESS;
}

int
em_nn_depthwise_s8_cmsis (const EmNnGeom *g, const EmNnQuantConv *q, const int8_t *input,
                          const int8_t *filter, const int32_t *bias, int8_t *output)
{
  const int32_t dm = g->depth_multiplier > 0 ? g->depth_multiplier : 1;
  cmsis_nn_dw_conv_params cp;
  cmsis_nn_per_channel_quant_params qp;
  cmsis_nn_dims in_d, f_d, b_d, out_d;
  cmsis_nn_context ctx;

  if (bias == NULL)
    return 0;
  memset (&cp, 0, sizeof cp);
  cp.input_offset = q->input_offset;
  cp.output_offset = q->output_offset;
  cp.ch_mult = dm;
  cp.stride.w = g->stride_w;
  cp.stride.h = g->stride_h;
  cp.padding.w = g->pad_left;
  cp.padding.h = g->pad_top;
  cp.dilation.w = 1;
  cp.dilation.h = 1;
  cp.activation.min = q->act_min;
  cp.activation.max = q->act_max;
  qp.multiplier = unconst (q->multiplier);
  qp.shift = unconst (q->shift);
  /* Ember derives out_c from in_c and the multiplier; so does CMSIS. */
  set_dims (&in_d, 1, g->in_h, g->in_w, g->in_c);
  set_dims (&f_d, 1, g->kernel_h, g->kernel_w, g->in_c * dm);
  set_dims (&b_d, 1, 1, 1, g->in_c * dm);
  set_dims (&out_d, 1, g->out_h, g->out_w, g->in_c * dm);
  if (!scratch_for (arm_depthwise_conv_wrapper_s8_get_buffer_size (&cp, &in_d, &f_d, &out_d), &ctx))
    return 0;
  return arm_depthwise_conv_wrapper_s8 (&ctx, &cp, &qp, &in_d, input, &f_d, filter, &b_d, bias, &out_d,
                                        output)
         == ARM_CMSIS_NN_SUCCESS;
}

int
em_nn_dense_s8_cmsis (int32_t in_n, int32_t out_n, const EmNnQuantConv *q, const int8_t *input,
                      const int8_t *weights, const int32_t *bias, int8_t *output)
{
  cmsis_nn_fc_params fp;
  cmsis_nn_per_tensor_quant_params qp;
  cmsis_nn_dims in_d, f_d, b_d, out_d;
  cmsis_nn_context ctx;
  int32_t o;

  if (bias == NULL || out_n <= 0)
    return 0;
  for (o = 1; o < out_n; o++)
    if (q->multiplier[o] != q->multiplier[0] || q->shift[o] != q->shift[0])
      return 0;
  memset (&fp, 0, sizeof fp);
  fp.input_offset = q->input_offset;
  fp.filter_offset = 0;   /* symmetric weights */
  fp.output_offset = q->output_offset;
  fp.activation.min = q->act_min;
  fp.activation.max = q->act_max;
  qp.multiplier = q->multiplier[0];
  qp.shift = q->shift[0];
  set_dims (&in_d, 1, 1, 1, in_n);
  set_dims (&f_d, in_n, 1, 1, out_n);
  set_dims (&b_d, 1, 1, 1, out_n);
  set_dims (&out_d, 1, 1, 1, out_n);
  /* Nonzero only where the buffer must hold precomputed kernel sums. */
  if (arm_fully_connected_s8_get_buffer_size (&f_d) != 0)
    return 0;
  ctx.buf = NULL;
  ctx.size = 0;
  return arm_fully_connected_s8 (&ctx, &fp, &qp, &in_d, input, &f_d, weights, &b_d, bias, &out_d, output)
         == ARM_CMSIS_NN_SUCCESS;
}

#else
/* ISO C forbids an empty translation unit. */
typedef int em_nn_kernels_s8_cmsis_unused;
#endif /* EM_NN_USE_CMSIS_NN */
