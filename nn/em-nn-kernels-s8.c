/* SPDX-License-Identifier: Apache-2.0 */
/* int8 kernels with TensorFlow Lite's reference semantics: int32
 * accumulation of (input + input_offset) × filter, per-channel
 * requantization, then the output offset and the fused activation clamp.
 * Padding cells are skipped rather than read as zero, because a zero cell
 * in the quantized domain is not a zero value (the offset would add in). */
#include "em-nn-kernels.h"

static int8_t
clamp_s8 (int32_t v, int32_t lo, int32_t hi)
{
  if (v < lo)
    v = lo;
  if (v > hi)
    v = hi;
  return (int8_t) v;
}

static int32_t
requantize (int32_t acc, const EmNnQuantConv *q, int32_t oc)
{
  acc = em_nn_multiply_by_quantized_multiplier (acc, q->multiplier[oc], q->shift[oc]);
  return acc + q->output_offset;
}

/* The part [*start, *end) of a window of k cells at origin that lies
 * inside an input of n cells (*end <= *start when none does). Conv and
 * depthwise loops then run over inside cells only, without a bounds check
 * per cell. */
static void
window (int32_t origin, int32_t k, int32_t n, int32_t *start, int32_t *end)
{
  *start = origin < 0 ? -origin : 0;
  *end = n - origin < k ? n - origin : k;
}

/* acc + Σ (in[i·in_step] + off) · f[i·f_step] for i < n: one row of a
 * conv or depthwise window. At -Os, GCC inlines it and then spills the
 * loop's values among the outer loops' ones (1.5x the instructions of a
 * call per row); at -O2 inlined is faster. */
#if defined(__GNUC__) && defined(__OPTIMIZE_SIZE__)
__attribute__ ((noinline))
#endif
static int32_t
dot_s8 (const int8_t *in, int32_t in_step, const int8_t *f, int32_t f_step, int32_t n, int32_t off, int32_t acc)
{
  for (; n > 0; n--, in += in_step, f += f_step)
    acc += ((int32_t) *in + off) * (int32_t) *f;
  return acc;
}

void
em_nn_conv2d_s8 (const EmNnGeom *g, const EmNnQuantConv *q, const int8_t *input,
                 const int8_t *filter, const int32_t *bias, int8_t *output)
{
  const int32_t in_c = g->in_c, kh = g->kernel_h, kw = g->kernel_w, off = q->input_offset;
  int32_t oy, ox, oc, ky;

#ifdef EM_NN_USE_CMSIS_NN
  if (em_nn_conv2d_s8_cmsis (g, q, input, filter, bias, output))
    return;
#endif
#ifdef EM_NN_DSP_EXT
  /* The loops below then drop out of the binary. */
  em_nn_conv2d_s8_dsp (g, q, input, filter, bias, output);
  return;
#endif

  for (oy = 0; oy < g->out_h; oy++)
    {
      const int32_t y0 = oy * g->stride_h - g->pad_top;
      int32_t ky0, ky1;
      window (y0, kh, g->in_h, &ky0, &ky1);
      for (ox = 0; ox < g->out_w; ox++)
        {
          const int32_t x0 = ox * g->stride_w - g->pad_left;
          int32_t kx0, kx1, span;
          int8_t *out = output + ((size_t) oy * g->out_w + ox) * g->out_c;
          window (x0, kw, g->in_w, &kx0, &kx1);
          /* NHWC: a window row's inside cells, all their channels, are
           * contiguous in the input and in each filter. */
          span = (kx1 - kx0) * in_c;
          for (oc = 0; oc < g->out_c; oc++)
            {
              int32_t acc = 0;
              for (ky = ky0; ky < ky1; ky++)
                {
                  const int8_t *in = input + ((size_t) (y0 + ky) * g->in_w + (size_t) (x0 + kx0)) * in_c;
                  const int8_t *f = filter + (((size_t) oc * kh + ky) * kw + kx0) * in_c;
                  acc = dot_s8 (in, 1, f, 1, span, off, acc);
                }
              if (bias != NULL)
                acc += bias[oc];
              out[oc] = clamp_s8 (requantize (acc, q, oc), q->act_min, q->act_max);
            }
        }
    }
}

void
em_nn_depthwise_s8 (const EmNnGeom *g, const EmNnQuantConv *q, const int8_t *input,
                    const int8_t *filter, const int32_t *bias, int8_t *output)
{
  const int32_t in_c = g->in_c, dm = g->depth_multiplier > 0 ? g->depth_multiplier : 1;
  const int32_t out_c = in_c * dm, kw = g->kernel_w, off = q->input_offset;
  int32_t oy, ox, ic, m, ky;

#ifdef EM_NN_USE_CMSIS_NN
  if (em_nn_depthwise_s8_cmsis (g, q, input, filter, bias, output))
    return;
#endif
#ifdef EM_NN_DSP_EXT
  /* The loops below then drop out of the binary. */
  em_nn_depthwise_s8_dsp (g, q, input, filter, bias, output);
  return;
#endif

  for (oy = 0; oy < g->out_h; oy++)
    {
      const int32_t y0 = oy * g->stride_h - g->pad_top;
      int32_t ky0, ky1;
      window (y0, g->kernel_h, g->in_h, &ky0, &ky1);
      for (ox = 0; ox < g->out_w; ox++)
        {
          const int32_t x0 = ox * g->stride_w - g->pad_left;
          int32_t kx0, kx1;
          int8_t *out = output + ((size_t) oy * g->out_w + ox) * out_c;
          window (x0, kw, g->in_w, &kx0, &kx1);
          for (ic = 0; ic < in_c; ic++)
            for (m = 0; m < dm; m++)
              {
                const int32_t oc = ic * dm + m;
                int32_t acc = 0;
                for (ky = ky0; ky < ky1; ky++)
                  {
                    /* Cell (ky, kx0) of the window, then one cell right per
                     * step: in_c values in the input, out_c in the filter. */
                    const int8_t *in = input + ((size_t) (y0 + ky) * g->in_w + (size_t) (x0 + kx0)) * in_c + ic;
                    const int8_t *f = filter + ((size_t) ky * kw + kx0) * out_c + oc;
                    acc = dot_s8 (in, in_c, f, out_c, kx1 - kx0, off, acc);
                  }
                if (bias != NULL)
                  acc += bias[oc];
                out[oc] = clamp_s8 (requantize (acc, q, oc), q->act_min, q->act_max);
              }
        }
    }
}

void
em_nn_dense_s8 (int32_t in_n, int32_t out_n, const EmNnQuantConv *q, const int8_t *input,
                const int8_t *weights, const int32_t *bias, int8_t *output)
{
  int32_t o, i;

#ifdef EM_NN_USE_CMSIS_NN
  if (em_nn_dense_s8_cmsis (in_n, out_n, q, input, weights, bias, output))
    return;
#endif
#ifdef EM_NN_DSP_EXT
  /* The loops below then drop out of the binary. */
  em_nn_dense_s8_dsp (in_n, out_n, q, input, weights, bias, output);
  return;
#endif

  for (o = 0; o < out_n; o++)
    {
      const int8_t *w = weights + (size_t) o * in_n;
      int32_t acc = 0;
      for (i = 0; i < in_n; i++)
        acc += ((int32_t) input[i] + q->input_offset) * (int32_t) w[i];
      if (bias != NULL)
        acc += bias[o];
      output[o] = clamp_s8 (requantize (acc, q, o), q->act_min, q->act_max);
    }
}

void
em_nn_maxpool_s8 (const EmNnGeom *g, int32_t act_min, int32_t act_max, const int8_t *input, int8_t *output)
{
  const int32_t c = g->in_c;
  int32_t oy, ox, ch, ky, kx;

  for (oy = 0; oy < g->out_h; oy++)
    {
      const int32_t y0 = oy * g->stride_h - g->pad_top;
      int32_t ky0, ky1;
      window (y0, g->kernel_h, g->in_h, &ky0, &ky1);
      for (ox = 0; ox < g->out_w; ox++)
        {
          const int32_t x0 = ox * g->stride_w - g->pad_left;
          int32_t kx0, kx1;
          window (x0, g->kernel_w, g->in_w, &kx0, &kx1);
          for (ch = 0; ch < c; ch++)
            {
              int32_t best = -128;
              for (ky = ky0; ky < ky1; ky++)
                for (kx = kx0; kx < kx1; kx++)
                  {
                    int32_t v = input[((size_t) (y0 + ky) * g->in_w + (x0 + kx)) * c + ch];
                    if (v > best)
                      best = v;
                  }
              output[((size_t) oy * g->out_w + ox) * c + ch] = clamp_s8 (best, act_min, act_max);
            }
        }
    }
}

void
em_nn_avgpool_s8 (const EmNnGeom *g, int32_t act_min, int32_t act_max, const int8_t *input, int8_t *output)
{
  const int32_t c = g->in_c;
  int32_t oy, ox, ch, ky, kx;

  for (oy = 0; oy < g->out_h; oy++)
    {
      const int32_t y0 = oy * g->stride_h - g->pad_top;
      int32_t ky0, ky1;
      window (y0, g->kernel_h, g->in_h, &ky0, &ky1);
      for (ox = 0; ox < g->out_w; ox++)
        {
          const int32_t x0 = ox * g->stride_w - g->pad_left;
          int32_t kx0, kx1, count;
          window (x0, g->kernel_w, g->in_w, &kx0, &kx1);
          count = (ky1 > ky0 ? ky1 - ky0 : 0) * (kx1 > kx0 ? kx1 - kx0 : 0);
          for (ch = 0; ch < c; ch++)
            {
              int32_t sum = 0, avg = 0;
              for (ky = ky0; ky < ky1; ky++)
                for (kx = kx0; kx < kx1; kx++)
                  sum += input[((size_t) (y0 + ky) * g->in_w + (x0 + kx)) * c + ch];
              /* A window entirely in the padding (only a malformed geometry
               * gives one) averages nothing: 0 rather than a division by 0. */
              if (count > 0)
                avg = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
              output[((size_t) oy * g->out_w + ox) * c + ch] = clamp_s8 (avg, act_min, act_max);
            }
        }
    }
}

void
em_nn_add_s8 (int32_t n, const EmNnQuantAdd *q, const int8_t *a, const int8_t *b, int8_t *output)
{
  const int32_t scale = (int32_t) 1 << q->left_shift;
  int32_t i;

  for (i = 0; i < n; i++)
    {
      /* Multiply, not <<: shifting a negative value left is undefined in C. */
      int32_t v1 = ((int32_t) a[i] + q->input1_offset) * scale;
      int32_t v2 = ((int32_t) b[i] + q->input2_offset) * scale;
      int32_t s1 = em_nn_multiply_by_quantized_multiplier (v1, q->input1_multiplier, q->input1_shift);
      int32_t s2 = em_nn_multiply_by_quantized_multiplier (v2, q->input2_multiplier, q->input2_shift);
      int32_t raw = em_nn_multiply_by_quantized_multiplier (s1 + s2, q->output_multiplier, q->output_shift)
                    + q->output_offset;
      output[i] = clamp_s8 (raw, q->act_min, q->act_max);
    }
}

void
em_nn_lut_s8 (int32_t n, const int8_t table[256], const int8_t *input, int8_t *output)
{
  int32_t i;

  for (i = 0; i < n; i++)
    output[i] = table[(int32_t) input[i] + 128];
}

/* floor(num / den) for den > 0 and a quotient below 512, one bit at a
 * time by multiplication: a 64-bit division would link libgcc's routine
 * (0.7 kB on a Cortex-M, which has no such instruction). */
static uint32_t
div_u64_small (uint64_t num, uint64_t den)
{
  uint32_t q = 0, bit;

  for (bit = 256; bit != 0; bit >>= 1)
    if ((uint64_t) (q | bit) * den <= num)
      q |= bit;
  return q;
}

void
em_nn_softmax_s8 (int32_t n, const uint32_t table[256], const int8_t *input, int8_t *output)
{
  uint64_t sum = 0;
  int32_t i, m = -128;

  if (n <= 0)
    return;
  for (i = 0; i < n; i++)
    if (input[i] > m)
      m = input[i];
  for (i = 0; i < n; i++)
    sum += table[m - input[i]];
  /* Reading the input again (rather than keeping the exps) lets output
   * alias input without a scratch buffer. */
  for (i = 0; i < n; i++)
    {
      uint64_t e = table[m - input[i]];
      /* e ≤ sum, so the quotient is at most 256. */
      int32_t qv = (int32_t) div_u64_small (e * 256u + sum / 2u, sum) - 128;
      output[i] = (int8_t) (qv > 127 ? 127 : qv);
    }
}
