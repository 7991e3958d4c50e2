/* SPDX-License-Identifier: Apache-2.0 */
/* float32 kernels. The convolution's innermost loop runs over input
 * channels, which are contiguous both in the NHWC input and in the
 * [out_c][kh][kw][in_c] filter, so it streams through memory and a compiler
 * can vectorise it; padding cells are skipped instead of multiplied by 0. */
#include "em-nn-kernels.h"

#include <math.h>

static float
act_f32 (EmNnActivation act, float x)
{
  switch (act)
    {
    case EM_NN_ACT_RELU:
      return x > 0.0f ? x : 0.0f;
    case EM_NN_ACT_RELU6:
      return x > 0.0f ? (x < 6.0f ? x : 6.0f) : 0.0f;
    case EM_NN_ACT_SIGMOID:
      return 1.0f / (1.0f + expf (-x));
    case EM_NN_ACT_TANH:
      return tanhf (x);
    case EM_NN_ACT_NONE:
    default:
      return x;
    }
}

void
em_nn_conv2d_f32 (const EmNnGeom *g, const float *input, const float *filter,
                  const float *bias, EmNnActivation act, float *output)
{
  const int32_t in_c = g->in_c, kh = g->kernel_h, kw = g->kernel_w;
  int32_t oy, ox, oc, ky, ic;

  for (oy = 0; oy < g->out_h; oy++)
    {
      const int32_t y0 = oy * g->stride_h - g->pad_top;
      const int32_t ky0 = y0 < 0 ? -y0 : 0;
      const int32_t ky1 = g->in_h - y0 < kh ? g->in_h - y0 : kh;
      for (ox = 0; ox < g->out_w; ox++)
        {
          const int32_t x0 = ox * g->stride_w - g->pad_left;
          const int32_t kx0 = x0 < 0 ? -x0 : 0;
          const int32_t kx1 = g->in_w - x0 < kw ? g->in_w - x0 : kw;
          float *out = output + ((size_t) oy * g->out_w + ox) * g->out_c;
          for (oc = 0; oc < g->out_c; oc++)
            {
              float acc = bias != NULL ? bias[oc] : 0.0f;
              for (ky = ky0; ky < ky1; ky++)
                {
                  const float *in = input + ((size_t) (y0 + ky) * g->in_w + (x0 + kx0)) * in_c;
                  const float *f = filter + (((size_t) oc * kh + ky) * kw + kx0) * in_c;
                  /* The in-bounds columns of one filter row are adjacent in
                   * both arrays, so they form one contiguous dot product. */
                  const int32_t len = (kx1 - kx0) * in_c;
                  for (ic = 0; ic < len; ic++)
                    acc += in[ic] * f[ic];
                }
              out[oc] = act_f32 (act, acc);
            }
        }
    }
}

void
em_nn_depthwise_f32 (const EmNnGeom *g, const float *input, const float *filter,
                     const float *bias, EmNnActivation act, float *output)
{
  const int32_t in_c = g->in_c, dm = g->depth_multiplier > 0 ? g->depth_multiplier : 1;
  const int32_t out_c = in_c * dm;
  int32_t oy, ox, ky, kx, ic, m;

  for (oy = 0; oy < g->out_h; oy++)
    {
      const int32_t y0 = oy * g->stride_h - g->pad_top;
      const int32_t ky0 = y0 < 0 ? -y0 : 0;
      const int32_t ky1 = g->in_h - y0 < g->kernel_h ? g->in_h - y0 : g->kernel_h;
      for (ox = 0; ox < g->out_w; ox++)
        {
          const int32_t x0 = ox * g->stride_w - g->pad_left;
          const int32_t kx0 = x0 < 0 ? -x0 : 0;
          const int32_t kx1 = g->in_w - x0 < g->kernel_w ? g->in_w - x0 : g->kernel_w;
          float *out = output + ((size_t) oy * g->out_w + ox) * out_c;
          /* Accumulate in the output row, channel-innermost, so each tap is
           * one contiguous pass over channels. */
          for (ic = 0; ic < out_c; ic++)
            out[ic] = bias != NULL ? bias[ic] : 0.0f;
          for (ky = ky0; ky < ky1; ky++)
            for (kx = kx0; kx < kx1; kx++)
              {
                const float *in = input + ((size_t) (y0 + ky) * g->in_w + (x0 + kx)) * in_c;
                const float *f = filter + ((size_t) ky * g->kernel_w + kx) * out_c;
                if (dm == 1)
                  {
                    for (ic = 0; ic < in_c; ic++)
                      out[ic] += in[ic] * f[ic];
                  }
                else
                  {
                    for (ic = 0; ic < in_c; ic++)
                      for (m = 0; m < dm; m++)
                        out[ic * dm + m] += in[ic] * f[ic * dm + m];
                  }
              }
          for (ic = 0; ic < out_c; ic++)
            out[ic] = act_f32 (act, out[ic]);
        }
    }
}

void
em_nn_dense_f32 (int32_t in_n, int32_t out_n, const float *input, const float *weights,
                 const float *bias, EmNnActivation act, float *output)
{
  int32_t o, i;

  for (o = 0; o < out_n; o++)
    {
      const float *w = weights + (size_t) o * in_n;
      float acc = bias != NULL ? bias[o] : 0.0f;
      for (i = 0; i < in_n; i++)
        acc += input[i] * w[i];
      output[o] = act_f32 (act, acc);
    }
}

void
em_nn_maxpool_f32 (const EmNnGeom *g, const float *input, float *output)
{
  const int32_t c = g->in_c;
  int32_t oy, ox, ky, kx, ch;

  for (oy = 0; oy < g->out_h; oy++)
    {
      const int32_t y0 = oy * g->stride_h - g->pad_top;
      const int32_t ky0 = y0 < 0 ? -y0 : 0;
      const int32_t ky1 = g->in_h - y0 < g->kernel_h ? g->in_h - y0 : g->kernel_h;
      for (ox = 0; ox < g->out_w; ox++)
        {
          const int32_t x0 = ox * g->stride_w - g->pad_left;
          const int32_t kx0 = x0 < 0 ? -x0 : 0;
          const int32_t kx1 = g->in_w - x0 < g->kernel_w ? g->in_w - x0 : g->kernel_w;
          float *out = output + ((size_t) oy * g->out_w + ox) * c;
          for (ch = 0; ch < c; ch++)
            out[ch] = -HUGE_VALF;
          for (ky = ky0; ky < ky1; ky++)
            for (kx = kx0; kx < kx1; kx++)
              {
                const float *in = input + ((size_t) (y0 + ky) * g->in_w + (x0 + kx)) * c;
                for (ch = 0; ch < c; ch++)
                  if (in[ch] > out[ch])
                    out[ch] = in[ch];
              }
        }
    }
}

void
em_nn_avgpool_f32 (const EmNnGeom *g, const float *input, float *output)
{
  const int32_t c = g->in_c;
  int32_t oy, ox, ky, kx, ch;

  for (oy = 0; oy < g->out_h; oy++)
    {
      const int32_t y0 = oy * g->stride_h - g->pad_top;
      const int32_t ky0 = y0 < 0 ? -y0 : 0;
      const int32_t ky1 = g->in_h - y0 < g->kernel_h ? g->in_h - y0 : g->kernel_h;
      for (ox = 0; ox < g->out_w; ox++)
        {
          const int32_t x0 = ox * g->stride_w - g->pad_left;
          const int32_t kx0 = x0 < 0 ? -x0 : 0;
          const int32_t kx1 = g->in_w - x0 < g->kernel_w ? g->in_w - x0 : g->kernel_w;
          const int32_t count = (ky1 > ky0 ? ky1 - ky0 : 0) * (kx1 > kx0 ? kx1 - kx0 : 0);
          float *out = output + ((size_t) oy * g->out_w + ox) * c;
          for (ch = 0; ch < c; ch++)
            out[ch] = 0.0f;
          for (ky = ky0; ky < ky1; ky++)
            for (kx = kx0; kx < kx1; kx++)
              {
                const float *in = input + ((size_t) (y0 + ky) * g->in_w + (x0 + kx)) * c;
                for (ch = 0; ch < c; ch++)
                  out[ch] += in[ch];
              }
          if (count > 0)
            for (ch = 0; ch < c; ch++)
              out[ch] /= (float) count;
        }
    }
}

void
em_nn_global_avgpool_f32 (int32_t h, int32_t w, int32_t c, const float *input, float *output)
{
  const int32_t cells = h * w;
  int32_t p, ch;

  for (ch = 0; ch < c; ch++)
    output[ch] = 0.0f;
  for (p = 0; p < cells; p++)
    for (ch = 0; ch < c; ch++)
      output[ch] += input[(size_t) p * c + ch];
  if (cells > 0)
    for (ch = 0; ch < c; ch++)
      output[ch] /= (float) cells;
}

void
em_nn_add_f32 (int32_t n, const float *a, const float *b, EmNnActivation act, float *output)
{
  int32_t i;

  for (i = 0; i < n; i++)
    output[i] = act_f32 (act, a[i] + b[i]);
}

void
em_nn_activation_f32 (int32_t n, EmNnActivation act, const float *input, float *output)
{
  int32_t i;

  for (i = 0; i < n; i++)
    output[i] = act_f32 (act, input[i]);
}

void
em_nn_softmax_f32 (int32_t n, const float *input, float *output)
{
  float m, sum = 0.0f;
  int32_t i;

  if (n <= 0)
    return;
  m = input[0];
  for (i = 1; i < n; i++)
    if (input[i] > m)
      m = input[i];
  for (i = 0; i < n; i++)
    {
      output[i] = expf (input[i] - m);
      sum += output[i];
    }
  for (i = 0; i < n; i++)
    output[i] /= sum;
}
