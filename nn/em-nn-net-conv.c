/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-net-conv.c — conv1d / conv2d / dense (im2col + one sgemm per batch)
 * and depthwise conv (direct loops), forward and backward.
 *
 * A convolution over NHWC data is a matrix product: each output position
 * (b, oy, ox) is one row of im2col — its receptive field in (ky, kx, ic)
 * order, the order of the filter's [out_c][kh][kw][in_c] layout — so
 *   Y[rows][F] = col[rows][K] · Wᵀ,   K = kh·kw·in_c,
 * and Y comes out in NHWC with no reordering. The backward pass is the same
 * product turned around: dW = dYᵀ·col, dcol = dY·W, then col2im adds every
 * dcol entry back to the input cell it was copied from. Dense is the case
 * where col is the input itself (as is a 1×1, stride-1, unpadded conv).
 *
 * Each conv keeps its im2col rows from forward to backward (kh·kw times its
 * input) while all of them fit a budget; past it convs share one buffer
 * and rebuild the rows in backward, which costs one more pass over memory.
 */
#include <cblas.h>
#include <string.h>
#include "em-nn-net-private.h"

static gboolean
conv_is_direct (const EmNnLayer *l)
{
  EmNnGeom g;

  if (l->type == EM_NN_DENSE)
    return TRUE;
  em_nn_net_geom (l, &g);
  return g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1
         && g.pad_top == 0 && g.pad_left == 0 && g.out_h == g.in_h && g.out_w == g.in_w;
}

/* Filters (or units) F and the length K of one filter. */
static void
conv_shape (const EmNnLayer *l, int *F, int *K)
{
  *F = l->type == EM_NN_DENSE ? l->units : l->filters;
  *K = (int) (l->n_weights / (gsize) *F);
}

gsize
em_nn_net_conv_col_size (const EmNnLayer *l, int max_batch)
{
  int F, K;

  if (conv_is_direct (l))
    return 0;
  conv_shape (l, &F, &K);
  return (gsize) max_batch * l->out.h * l->out.w * K;
}

static void
im2col (const EmNnGeom *g, const float *x, int n, float *col)
{
  const int c = g->in_c, kw = g->kernel_w, kh = g->kernel_h;
  const gsize K = (gsize) kh * kw * c, in_plane = (gsize) g->in_h * g->in_w * c;
  float *row = col;

  for (int b = 0; b < n; b++)
    {
      const float *xb = x + b * in_plane;
      for (int oy = 0; oy < g->out_h; oy++)
        {
          const int y0 = oy * g->stride_h - g->pad_top;
          for (int ox = 0; ox < g->out_w; ox++, row += K)
            {
              const int x0 = ox * g->stride_w - g->pad_left;
              const int kx0 = MAX (0, -x0), kx1 = MIN (kw, g->in_w - x0);
              for (int ky = 0; ky < kh; ky++)
                {
                  const int iy = y0 + ky;
                  float *dst = row + (gsize) ky * kw * c;
                  const float *src;
                  int len;
                  if (iy < 0 || iy >= g->in_h)
                    {
                      memset (dst, 0, sizeof (float) * kw * c);
                      continue;
                    }
                  /* The in-bounds part of one kernel row is contiguous in
                   * NHWC memory. */
                  if (kx0 > 0)
                    memset (dst, 0, sizeof (float) * kx0 * c);
                  src = xb + ((gsize) iy * g->in_w + x0 + kx0) * c;
                  dst += kx0 * c;
                  len = (kx1 - kx0) * c;
                  for (int j = 0; j < len; j++)
                    dst[j] = src[j];
                  if (kx1 < kw)
                    memset (dst + len, 0, sizeof (float) * (kw - kx1) * c);
                }
            }
        }
    }
}

/* dx += col2im(col); padding cells are dropped. */
static void
col2im_add (const EmNnGeom *g, const float *col, int n, float *dx)
{
  const int c = g->in_c, kw = g->kernel_w, kh = g->kernel_h;
  const gsize K = (gsize) kh * kw * c, in_plane = (gsize) g->in_h * g->in_w * c;
  const float *row = col;

  for (int b = 0; b < n; b++)
    {
      float *xb = dx + b * in_plane;
      for (int oy = 0; oy < g->out_h; oy++)
        {
          const int y0 = oy * g->stride_h - g->pad_top;
          const int ky0 = MAX (0, -y0), ky1 = MIN (kh, g->in_h - y0);
          for (int ox = 0; ox < g->out_w; ox++, row += K)
            {
              const int x0 = ox * g->stride_w - g->pad_left;
              const int kx0 = MAX (0, -x0), kx1 = MIN (kw, g->in_w - x0);
              const int len = (kx1 - kx0) * c;
              for (int ky = ky0; ky < ky1; ky++)
                {
                  const float *src = row + ((gsize) ky * kw + kx0) * c;
                  float *dst = xb + ((gsize) (y0 + ky) * g->in_w + x0 + kx0) * c;
                  for (int j = 0; j < len; j++)
                    dst[j] += src[j];
                }
            }
        }
    }
}

/* ---- batch slices for em_nn_net_parallel -------------------------------- */

typedef struct {
  const EmNnGeom *g;
  const float    *src;
  float          *dst;
  gsize           src_stride, dst_stride;   /* floats per sample */
} ColJob;

static void
im2col_slice (gpointer data, int b0, int b1)
{
  ColJob *j = data;

  im2col (j->g, j->src + b0 * j->src_stride, b1 - b0, j->dst + b0 * j->dst_stride);
}

static void
col2im_slice (gpointer data, int b0, int b1)
{
  ColJob *j = data;

  col2im_add (j->g, j->src + b0 * j->src_stride, b1 - b0, j->dst + b0 * j->dst_stride);
}

static void
run_im2col (EmNnNet *net, const EmNnGeom *g, const float *x, int n, float *col)
{
  const gsize rows = (gsize) g->out_h * g->out_w;
  ColJob j = { g, x, col, (gsize) g->in_h * g->in_w * g->in_c,
               rows * g->kernel_h * g->kernel_w * g->in_c };

  em_nn_net_parallel (net, n, n * j.dst_stride, im2col_slice, &j);
}

typedef struct {
  float          *y;
  const float    *bias;
  float          *dy;
  int             F;
  gsize           per_sample;   /* floats */
  EmNnActivation  act;
} RowJob;

static void
bias_act_slice (gpointer data, int b0, int b1)
{
  RowJob *j = data;
  float *y = j->y + b0 * j->per_sample;
  const gsize count = (b1 - b0) * j->per_sample;
  const int F = j->F;

  /* bias and the common ReLU in one pass over Y */
  if (j->bias != NULL && j->act == EM_NN_ACT_RELU)
    for (gsize r = 0; r < count; r += F)
      {
        float *yr = y + r;
        for (int f = 0; f < F; f++)
          {
            float v = yr[f] + j->bias[f];
            yr[f] = v > 0.0f ? v : 0.0f;
          }
      }
  else
    {
      if (j->bias != NULL)
        for (gsize r = 0; r < count; r += F)
          {
            float *yr = y + r;
            for (int f = 0; f < F; f++)
              yr[f] += j->bias[f];
          }
      em_nn_net_act_forward (j->act, y, count);
    }
}

static void
act_backward_slice (gpointer data, int b0, int b1)
{
  RowJob *j = data;

  em_nn_net_act_backward (j->act, j->y + b0 * j->per_sample, j->dy + b0 * j->per_sample,
                          (b1 - b0) * j->per_sample);
}

void
em_nn_net_conv_forward (EmNnNet *net, EmNnNetLayer *L, const float *x, int n)
{
  const EmNnLayer *l = L->layer;
  const float *a = x;
  int F, K, rows;
  float *y = L->out;

  conv_shape (l, &F, &K);
  rows = (int) ((gsize) n * L->out_size / F);
  if (!conv_is_direct (l))
    {
      EmNnGeom g;
      em_nn_net_geom (l, &g);
      run_im2col (net, &g, x, n, L->col);
      L->col_fresh = L->col_kept;
      a = L->col;
    }
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, rows, F, K, 1.0f, a, K, l->weights, K,
               0.0f, y, F);
  if (!L->tail_in_pool && (l->bias != NULL || l->activation != EM_NN_ACT_NONE))
    {
      RowJob j = { y, l->bias, NULL, F, L->out_size, l->activation };
      em_nn_net_parallel (net, n, (gsize) n * L->out_size, bias_act_slice, &j);
    }
}

void
em_nn_net_conv_backward_params (EmNnNet *net, EmNnNetLayer *L, const float *x, float *dy, int n)
{
  const EmNnLayer *l = L->layer;
  const float *a = x;
  int F, K, rows;

  conv_shape (l, &F, &K);
  rows = (int) ((gsize) n * L->out_size / F);
  /* From here on dy is the gradient before the activation. */
  if (l->activation != EM_NN_ACT_NONE && !L->tail_in_pool)
    {
      RowJob j = { L->out, NULL, dy, F, L->out_size, l->activation };
      em_nn_net_parallel (net, n, (gsize) n * L->out_size, act_backward_slice, &j);
    }
  if (!conv_is_direct (l))
    {
      if (!L->col_fresh)
        {
          EmNnGeom g;
          em_nn_net_geom (l, &g);
          run_im2col (net, &g, x, n, L->col);
        }
      a = L->col;
    }
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, F, K, rows, 1.0f, dy, F, a, K, 0.0f,
               L->d_weights, K);
  if (L->d_bias != NULL)
    {
      float *db = L->d_bias;
      memset (db, 0, sizeof (float) * F);
      for (int r = 0; r < rows; r++)
        {
          const float *dr = dy + (gsize) r * F;
          for (int f = 0; f < F; f++)
            db[f] += dr[f];
        }
    }
}

void
em_nn_net_conv_backward_input (EmNnNet *net, EmNnNetLayer *L, const float *dy, float *dx,
                               gboolean accumulate, int n)
{
  const EmNnLayer *l = L->layer;
  EmNnGeom g;
  int F, K, rows;

  conv_shape (l, &F, &K);
  rows = (int) ((gsize) n * L->out_size / F);
  if (conv_is_direct (l))
    {
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, K, F, 1.0f, dy, F, l->weights,
                   K, accumulate ? 1.0f : 0.0f, dx, K);
      return;
    }
  em_nn_net_geom (l, &g);
  /* dcol overwrites the rows, which dW no longer needs */
  L->col_fresh = FALSE;
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, K, F, 1.0f, dy, F, l->weights, K,
               0.0f, L->col, K);
  if (!accumulate)
    memset (dx, 0, sizeof (float) * n * L->in_size);
  {
    ColJob j = { &g, L->col, dx, (gsize) g.out_h * g.out_w * K, (gsize) L->in_size };
    em_nn_net_parallel (net, n, n * j.src_stride, col2im_slice, &j);
  }
}

/* ---- depthwise ---------------------------------------------------------- */

void
em_nn_net_depthwise_forward (EmNnNet *net, EmNnNetLayer *L, const float *x, int n)
{
  const EmNnLayer *l = L->layer;
  EmNnGeom g;
  int in_c, dm, out_c;
  gsize in_plane;

  (void) net;
  em_nn_net_geom (l, &g);
  in_c = g.in_c;
  dm = g.depth_multiplier;
  out_c = in_c * dm;
  in_plane = (gsize) g.in_h * g.in_w * in_c;
  for (int b = 0; b < n; b++)
    {
      const float *xb = x + b * in_plane;
      float *yb = L->out + (gsize) b * L->out_size;
      for (int oy = 0; oy < g.out_h; oy++)
        {
          const int y0 = oy * g.stride_h - g.pad_top;
          const int ky0 = MAX (0, -y0), ky1 = MIN (g.kernel_h, g.in_h - y0);
          for (int ox = 0; ox < g.out_w; ox++)
            {
              const int x0 = ox * g.stride_w - g.pad_left;
              const int kx0 = MAX (0, -x0), kx1 = MIN (g.kernel_w, g.in_w - x0);
              float *out = yb + ((gsize) oy * g.out_w + ox) * out_c;
              for (int oc = 0; oc < out_c; oc++)
                out[oc] = l->bias != NULL ? l->bias[oc] : 0.0f;
              for (int ky = ky0; ky < ky1; ky++)
                for (int kx = kx0; kx < kx1; kx++)
                  {
                    const float *in = xb + ((gsize) (y0 + ky) * g.in_w + x0 + kx) * in_c;
                    const float *f = l->weights + ((gsize) ky * g.kernel_w + kx) * out_c;
                    if (dm == 1)
                      for (int ic = 0; ic < in_c; ic++)
                        out[ic] += in[ic] * f[ic];
                    else
                      for (int ic = 0; ic < in_c; ic++)
                        for (int m = 0; m < dm; m++)
                          out[ic * dm + m] += in[ic] * f[ic * dm + m];
                  }
            }
        }
    }
  em_nn_net_act_forward (l->activation, L->out, (gsize) n * L->out_size);
}

void
em_nn_net_depthwise_backward_params (EmNnNet *net, EmNnNetLayer *L, const float *x, float *dy,
                                     int n)
{
  const EmNnLayer *l = L->layer;
  EmNnGeom g;
  int in_c, dm, out_c;
  gsize in_plane;

  (void) net;
  em_nn_net_geom (l, &g);
  in_c = g.in_c;
  dm = g.depth_multiplier;
  out_c = in_c * dm;
  in_plane = (gsize) g.in_h * g.in_w * in_c;
  em_nn_net_act_backward (l->activation, L->out, dy, (gsize) n * L->out_size);
  memset (L->d_weights, 0, sizeof (float) * l->n_weights);
  if (L->d_bias != NULL)
    memset (L->d_bias, 0, sizeof (float) * l->n_bias);
  for (int b = 0; b < n; b++)
    {
      const float *xb = x + b * in_plane;
      const float *db = dy + (gsize) b * L->out_size;
      for (int oy = 0; oy < g.out_h; oy++)
        {
          const int y0 = oy * g.stride_h - g.pad_top;
          const int ky0 = MAX (0, -y0), ky1 = MIN (g.kernel_h, g.in_h - y0);
          for (int ox = 0; ox < g.out_w; ox++)
            {
              const int x0 = ox * g.stride_w - g.pad_left;
              const int kx0 = MAX (0, -x0), kx1 = MIN (g.kernel_w, g.in_w - x0);
              const float *d = db + ((gsize) oy * g.out_w + ox) * out_c;
              if (L->d_bias != NULL)
                for (int oc = 0; oc < out_c; oc++)
                  L->d_bias[oc] += d[oc];
              for (int ky = ky0; ky < ky1; ky++)
                for (int kx = kx0; kx < kx1; kx++)
                  {
                    const float *in = xb + ((gsize) (y0 + ky) * g.in_w + x0 + kx) * in_c;
                    float *dw = L->d_weights + ((gsize) ky * g.kernel_w + kx) * out_c;
                    for (int ic = 0; ic < in_c; ic++)
                      for (int m = 0; m < dm; m++)
                        dw[ic * dm + m] += d[ic * dm + m] * in[ic];
                  }
            }
        }
    }
}

void
em_nn_net_depthwise_backward_input (EmNnNet *net, EmNnNetLayer *L, const float *dy, float *dx,
                                    gboolean accumulate, int n)
{
  const EmNnLayer *l = L->layer;
  EmNnGeom g;
  int in_c, dm, out_c;
  gsize in_plane;

  (void) net;
  em_nn_net_geom (l, &g);
  in_c = g.in_c;
  dm = g.depth_multiplier;
  out_c = in_c * dm;
  in_plane = (gsize) g.in_h * g.in_w * in_c;
  if (!accumulate)
    memset (dx, 0, sizeof (float) * n * in_plane);
  for (int b = 0; b < n; b++)
    {
      float *xb = dx + b * in_plane;
      const float *db = dy + (gsize) b * L->out_size;
      for (int oy = 0; oy < g.out_h; oy++)
        {
          const int y0 = oy * g.stride_h - g.pad_top;
          const int ky0 = MAX (0, -y0), ky1 = MIN (g.kernel_h, g.in_h - y0);
          for (int ox = 0; ox < g.out_w; ox++)
            {
              const int x0 = ox * g.stride_w - g.pad_left;
              const int kx0 = MAX (0, -x0), kx1 = MIN (g.kernel_w, g.in_w - x0);
              const float *d = db + ((gsize) oy * g.out_w + ox) * out_c;
              for (int ky = ky0; ky < ky1; ky++)
                for (int kx = kx0; kx < kx1; kx++)
                  {
                    float *in = xb + ((gsize) (y0 + ky) * g.in_w + x0 + kx) * in_c;
                    const float *f = l->weights + ((gsize) ky * g.kernel_w + kx) * out_c;
                    if (dm == 1)
                      for (int ic = 0; ic < in_c; ic++)
                        in[ic] += d[ic] * f[ic];
                    else
                      for (int ic = 0; ic < in_c; ic++)
                        {
                          float s = 0.0f;
                          for (int m = 0; m < dm; m++)
                            s += d[ic * dm + m] * f[ic * dm + m];
                          in[ic] += s;
                        }
                  }
            }
        }
    }
}
