/* SPDX-License-Identifier: Apache-2.0 */
/* TEST-ONLY implementation of the CMSIS-NN functions declared in this
 * folder's arm_nnfunctions.h, written from the CMSIS-NN documentation as
 * straightforward reference loops: acc = Σ (input + input_offset) ×
 * filter (padding cells contribute nothing), + bias, requantized per
 * channel (per tensor for fully connected) with arm_nn_requantize's
 * documented semantics = TFLite's MultiplyByQuantizedMultiplier (doubling
 * high multiply with rounding, then rounding right shift), + output_offset,
 * clamped to the activation range. Written independently of Ember's
 * kernels; it checks Ember's glue, not CMSIS-NN. The buffer sizes it
 * reports are made up (a DSP build's im2col-like size for convolutions) so
 * that the glue's scratch handling is exercised: the functions abort when
 * handed less scratch than they asked for. */
#include "arm_nnfunctions.h"
#include "arm-nn-shim.h"

#include <stdlib.h>
#include <string.h>

unsigned long arm_nn_shim_conv_calls, arm_nn_shim_dw_calls, arm_nn_shim_fc_calls;
int arm_nn_shim_refuse;
int arm_nn_shim_fc_mve;

static int32_t
high_mul (int32_t a, int32_t b)
{
  int64_t p, r;

  if (a == INT32_MIN && b == INT32_MIN)
    return INT32_MAX;
  p = (int64_t) a * b;
  p += p >= 0 ? ((int64_t) 1 << 30) : 1 - ((int64_t) 1 << 30);
  /* C's division truncates toward zero, as the reference's does. */
  r = p / ((int64_t) 1 << 31);
  return (int32_t) r;
}

static int32_t
div_pot (int32_t x, int32_t e)
{
  int64_t mask, rem, thr, q;

  if (e <= 0)
    return x;
  mask = ((int64_t) 1 << e) - 1;
  rem = (int64_t) x & mask;
  thr = (mask >> 1) + (x < 0 ? 1 : 0);
  /* floor division: the arithmetic shift */
  q = ((int64_t) x - rem) / ((int64_t) 1 << e);
  return (int32_t) (q + (rem > thr ? 1 : 0));
}

static int32_t
requantize (int32_t acc, int32_t multiplier, int32_t shift)
{
  int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;

  return div_pot (high_mul ((int32_t) ((uint32_t) acc << left), multiplier), right);
}

static int8_t
finish (int32_t acc, int32_t multiplier, int32_t shift, int32_t offset, const cmsis_nn_activation *act)
{
  int32_t v = requantize (acc, multiplier, shift) + offset;

  if (v < act->min)
    v = act->min;
  if (v > act->max)
    v = act->max;
  return (int8_t) v;
}

/* The scratch the caller promised must be there: scribble over it. */
static void
use_scratch (const cmsis_nn_context *ctx, int32_t need)
{
  if (need <= 0)
    return;
  if (ctx == NULL || ctx->buf == NULL || ctx->size < need)
    abort ();
  memset (ctx->buf, 0xa5, (size_t) need);
}

int32_t
arm_convolve_wrapper_s8_get_buffer_size (const cmsis_nn_conv_params *conv_params, const cmsis_nn_dims *input_dims,
                                         const cmsis_nn_dims *filter_dims, const cmsis_nn_dims *output_dims)
{
  (void) conv_params;
  (void) output_dims;
  /* two int16 columns of im2col */
  return 2 * input_dims->c * filter_dims->h * filter_dims->w * 2;
}

int32_t
arm_depthwise_conv_wrapper_s8_get_buffer_size (const cmsis_nn_dw_conv_params *dw_conv_params,
                                               const cmsis_nn_dims *input_dims, const cmsis_nn_dims *filter_dims,
                                               const cmsis_nn_dims *output_dims)
{
  (void) output_dims;
  return dw_conv_params->ch_mult == 1 ? input_dims->c * filter_dims->h * filter_dims->w * 2 : 0;
}

int32_t
arm_fully_connected_s8_get_buffer_size (const cmsis_nn_dims *filter_dims)
{
  return arm_nn_shim_fc_mve ? filter_dims->c * 4 : 0;
}

arm_cmsis_nn_status
arm_convolve_wrapper_s8 (const cmsis_nn_context *ctx, const cmsis_nn_conv_params *p,
                         const cmsis_nn_per_channel_quant_params *qp, const cmsis_nn_dims *in_d,
                         const int8_t *in, const cmsis_nn_dims *f_d, const int8_t *f,
                         const cmsis_nn_dims *b_d, const int32_t *bias, const cmsis_nn_dims *out_d, int8_t *out)
{
  int32_t n, oy, ox, oc, ky, kx, c;

  if (arm_nn_shim_refuse)
    return ARM_CMSIS_NN_ARG_ERROR;
  if (in_d->c != f_d->c || f_d->n != out_d->c || b_d->c != out_d->c || in_d->n != out_d->n)
    abort ();
  use_scratch (ctx, arm_convolve_wrapper_s8_get_buffer_size (p, in_d, f_d, out_d));
  for (n = 0; n < in_d->n; n++)
    for (oy = 0; oy < out_d->h; oy++)
      for (ox = 0; ox < out_d->w; ox++)
        for (oc = 0; oc < out_d->c; oc++)
          {
            int32_t acc = bias != NULL ? bias[oc] : 0;
            for (ky = 0; ky < f_d->h; ky++)
              for (kx = 0; kx < f_d->w; kx++)
                {
                  int32_t iy = oy * p->stride.h - p->padding.h + ky * p->dilation.h;
                  int32_t ix = ox * p->stride.w - p->padding.w + kx * p->dilation.w;
                  if (iy < 0 || iy >= in_d->h || ix < 0 || ix >= in_d->w)
                    continue;
                  for (c = 0; c < in_d->c; c++)
                    acc += (in[((n * in_d->h + iy) * in_d->w + ix) * in_d->c + c] + p->input_offset)
                           * f[((oc * f_d->h + ky) * f_d->w + kx) * f_d->c + c];
                }
            out[((n * out_d->h + oy) * out_d->w + ox) * out_d->c + oc]
              = finish (acc, qp->multiplier[oc], qp->shift[oc], p->output_offset, &p->activation);
          }
  arm_nn_shim_conv_calls++;
  return ARM_CMSIS_NN_SUCCESS;
}

arm_cmsis_nn_status
arm_depthwise_conv_wrapper_s8 (const cmsis_nn_context *ctx, const cmsis_nn_dw_conv_params *p,
                               const cmsis_nn_per_channel_quant_params *qp, const cmsis_nn_dims *in_d,
                               const int8_t *in, const cmsis_nn_dims *f_d, const int8_t *f,
                               const cmsis_nn_dims *b_d, const int32_t *bias, const cmsis_nn_dims *out_d,
                               int8_t *out)
{
  int32_t n, oy, ox, oc, ky, kx;

  if (arm_nn_shim_refuse)
    return ARM_CMSIS_NN_ARG_ERROR;
  if (out_d->c != in_d->c * p->ch_mult || f_d->c != out_d->c || b_d->c != out_d->c || f_d->n != 1)
    abort ();
  use_scratch (ctx, arm_depthwise_conv_wrapper_s8_get_buffer_size (p, in_d, f_d, out_d));
  for (n = 0; n < in_d->n; n++)
    for (oy = 0; oy < out_d->h; oy++)
      for (ox = 0; ox < out_d->w; ox++)
        for (oc = 0; oc < out_d->c; oc++)
          {
            /* output channel oc reads input channel oc / ch_mult */
            int32_t ic = oc / p->ch_mult, acc = bias != NULL ? bias[oc] : 0;
            for (ky = 0; ky < f_d->h; ky++)
              for (kx = 0; kx < f_d->w; kx++)
                {
                  int32_t iy = oy * p->stride.h - p->padding.h + ky * p->dilation.h;
                  int32_t ix = ox * p->stride.w - p->padding.w + kx * p->dilation.w;
                  if (iy < 0 || iy >= in_d->h || ix < 0 || ix >= in_d->w)
                    continue;
                  acc += (in[((n * in_d->h + iy) * in_d->w + ix) * in_d->c + ic] + p->input_offset)
                         * f[(ky * f_d->w + kx) * f_d->c + oc];
                }
            out[((n * out_d->h + oy) * out_d->w + ox) * out_d->c + oc]
              = finish (acc, qp->multiplier[oc], qp->shift[oc], p->output_offset, &p->activation);
          }
  arm_nn_shim_dw_calls++;
  return ARM_CMSIS_NN_SUCCESS;
}

arm_cmsis_nn_status
arm_fully_connected_s8 (const cmsis_nn_context *ctx, const cmsis_nn_fc_params *p,
                        const cmsis_nn_per_tensor_quant_params *qp, const cmsis_nn_dims *in_d,
                        const int8_t *in, const cmsis_nn_dims *f_d, const int8_t *f,
                        const cmsis_nn_dims *b_d, const int32_t *bias, const cmsis_nn_dims *out_d, int8_t *out)
{
  int32_t n, o, i, depth = f_d->n;

  if (arm_nn_shim_refuse)
    return ARM_CMSIS_NN_ARG_ERROR;
  if (in_d->h * in_d->w * in_d->c != depth || out_d->c != f_d->c || b_d->c != out_d->c)
    abort ();
  use_scratch (ctx, arm_fully_connected_s8_get_buffer_size (f_d));
  for (n = 0; n < in_d->n; n++)
    for (o = 0; o < out_d->c; o++)
      {
        int32_t acc = bias != NULL ? bias[o] : 0;
        for (i = 0; i < depth; i++)
          acc += (in[n * depth + i] + p->input_offset) * (f[o * depth + i] + p->filter_offset);
        out[n * out_d->c + o] = finish (acc, qp->multiplier, qp->shift, p->output_offset, &p->activation);
      }
  arm_nn_shim_fc_calls++;
  return ARM_CMSIS_NN_SUCCESS;
}
