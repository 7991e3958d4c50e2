/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-net-layers.c — the layers without a matrix product: activations,
 * pools, batchnorm, dropout, add and softmax, over a batch, forward and
 * backward. Forward arithmetic follows the inference kernels of
 * em-nn-kernels-f32.c (same padding rules, same order of operations) so a
 * trained model gives the same numbers when it runs on a device.
 */
#include <math.h>
#include <string.h>
#include "em-nn-net-private.h"

void
em_nn_net_act_forward (EmNnActivation act, float *y, gsize n)
{
  switch (act)
    {
    case EM_NN_ACT_RELU:
      for (gsize i = 0; i < n; i++)
        y[i] = y[i] > 0.0f ? y[i] : 0.0f;
      break;
    case EM_NN_ACT_RELU6:
      for (gsize i = 0; i < n; i++)
        y[i] = y[i] > 0.0f ? (y[i] < 6.0f ? y[i] : 6.0f) : 0.0f;
      break;
    case EM_NN_ACT_SIGMOID:
      for (gsize i = 0; i < n; i++)
        y[i] = 1.0f / (1.0f + expf (-y[i]));
      break;
    case EM_NN_ACT_TANH:
      for (gsize i = 0; i < n; i++)
        y[i] = tanhf (y[i]);
      break;
    case EM_NN_ACT_NONE:
    default:
      break;
    }
}

/* Every supported activation's derivative is a function of its output, so
 * backward needs no copy of the pre-activation values. */
void
em_nn_net_act_backward (EmNnActivation act, const float *y, float *dy, gsize n)
{
  switch (act)
    {
    case EM_NN_ACT_RELU:
      for (gsize i = 0; i < n; i++)
        dy[i] = y[i] > 0.0f ? dy[i] : 0.0f;
      break;
    case EM_NN_ACT_RELU6:
      for (gsize i = 0; i < n; i++)
        dy[i] = y[i] > 0.0f && y[i] < 6.0f ? dy[i] : 0.0f;
      break;
    case EM_NN_ACT_SIGMOID:
      for (gsize i = 0; i < n; i++)
        dy[i] *= y[i] * (1.0f - y[i]);
      break;
    case EM_NN_ACT_TANH:
      for (gsize i = 0; i < n; i++)
        dy[i] *= 1.0f - y[i] * y[i];
      break;
    case EM_NN_ACT_NONE:
    default:
      break;
    }
}

void
em_nn_net_pass_gradient (const float *dy, float *dx, gboolean accumulate, gsize count)
{
  if (!accumulate)
    memcpy (dx, dy, sizeof (float) * count);
  else
    for (gsize i = 0; i < count; i++)
      dx[i] += dy[i];
}

/* ---- pools -------------------------------------------------------------- */

/* One output cell's window, clipped to the input. */
typedef struct {
  int y0, x0, ky0, ky1, kx0, kx1;
} Window;

static inline void
window_at (const EmNnGeom *g, int oy, int ox, Window *w)
{
  w->y0 = oy * g->stride_h - g->pad_top;
  w->x0 = ox * g->stride_w - g->pad_left;
  w->ky0 = MAX (0, -w->y0);
  w->ky1 = MIN (g->kernel_h, g->in_h - w->y0);
  w->kx0 = MAX (0, -w->x0);
  w->kx1 = MIN (g->kernel_w, g->in_w - w->x0);
}

/* A pool pass over samples [b0, b1), for em_nn_net_parallel. */
typedef struct {
  EmNnNetLayer *L;
  const float  *x;        /* forward: input; backward: dy */
  float        *dx;       /* backward */
  gboolean      accumulate;
} PoolJob;

/* The fused conv's bias and activation on one pooled cell (see
 * EmNnNetLayer.fused). */
static inline void
conv_tail (const EmNnLayer *conv, float *restrict out, int c)
{
  if (conv->bias != NULL)
    for (int ch = 0; ch < c; ch++)
      out[ch] += conv->bias[ch];
  if (conv->activation == EM_NN_ACT_RELU)
    for (int ch = 0; ch < c; ch++)
      out[ch] = out[ch] > 0.0f ? out[ch] : 0.0f;
}

static void
maxpool_forward_slice (gpointer data, int b0, int b1)
{
  PoolJob *j = data;
  EmNnNetLayer *L = j->L;
  const EmNnLayer *conv = L->fused.conv;
  const float *x = j->x;
  EmNnGeom g;
  int c;

  em_nn_net_geom (L->layer, &g);
  c = g.in_c;
  for (int b = b0; b < b1; b++)
    {
      const float *xb = x + (gsize) b * L->in_size;
      float *yb = L->out + (gsize) b * L->out_size;
      gint32 *ab = L->argmax + (gsize) b * L->out_size;
      for (int oy = 0; oy < g.out_h; oy++)
        for (int ox = 0; ox < g.out_w; ox++)
          {
            Window w;
            gsize o = ((gsize) oy * g.out_w + ox) * c;
            float *restrict out = yb + o;
            gint32 *restrict arg = ab + o;
            window_at (&g, oy, ox, &w);
            for (int ch = 0; ch < c; ch++)
              {
                out[ch] = -HUGE_VALF;
                arg[ch] = -1;
              }
            for (int ky = w.ky0; ky < w.ky1; ky++)
              for (int kx = w.kx0; kx < w.kx1; kx++)
                {
                  gint32 base = ((w.y0 + ky) * g.in_w + (w.x0 + kx)) * c;
                  const float *restrict in = xb + base;
                  /* Strictly greater, as the inference kernel: the first
                   * of tied cells wins and receives the gradient. Written
                   * without a branch, which random data mispredicts. */
                  for (int ch = 0; ch < c; ch++)
                    {
                      float v = in[ch], cur = out[ch];
                      gint32 m = -(gint32) (v > cur);
                      out[ch] = v > cur ? v : cur;
                      arg[ch] = (arg[ch] & ~m) | ((base + ch) & m);
                    }
                }
            if (conv != NULL)
              conv_tail (conv, out, c);
          }
    }
}

void
em_nn_net_maxpool_forward (EmNnNetLayer *L, const float *x, int n)
{
  PoolJob j = { L, x, NULL, FALSE };

  em_nn_net_parallel (L->net, n, (gsize) n * L->in_size, maxpool_forward_slice, &j);
}

/* Pools whose windows tile the input (stride = pool size, the usual case)
 * write every input cell's gradient once instead of clearing and then
 * scattering. */
static void
maxpool_backward_tiled (gpointer data, int b0, int b1)
{
  PoolJob *j = data;
  EmNnNetLayer *L = j->L;
  const float *dy = j->x;
  float *dx = j->dx;
  const gboolean accumulate = j->accumulate;
  const gboolean relu_mask = L->fused.conv != NULL && L->fused.conv->activation == EM_NN_ACT_RELU;
  EmNnGeom geom, *g = &geom;
  int c, y_end, x_end;

  em_nn_net_geom (L->layer, g);
  c = g->in_c;
  /* cells past the last window get no gradient */
  y_end = MIN (g->in_h, g->out_h * g->stride_h - g->pad_top);
  x_end = MIN (g->in_w, g->out_w * g->stride_w - g->pad_left);
  for (int b = b0; b < b1; b++)
    {
      const float *db = dy + (gsize) b * L->out_size;
      const gint32 *ab = L->argmax + (gsize) b * L->out_size;
      float *xb = dx + (gsize) b * L->in_size;
      if (!accumulate)
        for (int iy = 0; iy < g->in_h; iy++)
          {
            float *row = xb + (gsize) iy * g->in_w * c;
            if (iy >= y_end)
              memset (row, 0, sizeof (float) * g->in_w * c);
            else if (x_end < g->in_w)
              memset (row + (gsize) x_end * c, 0, sizeof (float) * (g->in_w - x_end) * c);
          }
      for (int oy = 0; oy < g->out_h; oy++)
        for (int ox = 0; ox < g->out_w; ox++)
          {
            Window w;
            gsize o = ((gsize) oy * g->out_w + ox) * c;
            float *restrict d = (float *) db + o;
            const gint32 *restrict arg = ab + o;
            window_at (g, oy, ox, &w);
            /* the fused conv's ReLU derivative, taken at the pooled output
             * (dy is ours to overwrite) */
            if (relu_mask)
              {
                const float *restrict y = L->out + (gsize) b * L->out_size + o;
                for (int ch = 0; ch < c; ch++)
                  d[ch] = y[ch] > 0.0f ? d[ch] : 0.0f;
              }
            for (int ky = w.ky0; ky < w.ky1; ky++)
              for (int kx = w.kx0; kx < w.kx1; kx++)
                {
                  gint32 base = ((w.y0 + ky) * g->in_w + (w.x0 + kx)) * c;
                  float *restrict in = xb + base;
                  if (accumulate)
                    for (int ch = 0; ch < c; ch++)
                      {
                        float v = d[ch];
                        in[ch] += arg[ch] == base + ch ? v : 0.0f;
                      }
                  else
                    for (int ch = 0; ch < c; ch++)
                      {
                        float v = d[ch];
                        in[ch] = arg[ch] == base + ch ? v : 0.0f;
                      }
                }
          }
    }
}

void
em_nn_net_maxpool_backward (EmNnNetLayer *L, const float *dy, float *dx, gboolean accumulate, int n)
{
  EmNnGeom g;

  em_nn_net_geom (L->layer, &g);
  if (g.stride_h == g.kernel_h && g.stride_w == g.kernel_w)
    {
      PoolJob j = { L, dy, dx, accumulate };
      em_nn_net_parallel (L->net, n, (gsize) n * L->in_size, maxpool_backward_tiled, &j);
      return;
    }
  if (!accumulate)
    memset (dx, 0, sizeof (float) * n * L->in_size);
  for (int b = 0; b < n; b++)
    {
      const float *db = dy + (gsize) b * L->out_size;
      const gint32 *ab = L->argmax + (gsize) b * L->out_size;
      float *xb = dx + (gsize) b * L->in_size;
      for (int o = 0; o < L->out_size; o++)
        if (ab[o] >= 0)
          xb[ab[o]] += db[o];
    }
}

void
em_nn_net_avgpool_forward (EmNnNetLayer *L, const float *x, int n)
{
  EmNnGeom g;
  int c;

  em_nn_net_geom (L->layer, &g);
  c = g.in_c;
  for (int b = 0; b < n; b++)
    {
      const float *xb = x + (gsize) b * L->in_size;
      float *yb = L->out + (gsize) b * L->out_size;
      for (int oy = 0; oy < g.out_h; oy++)
        for (int ox = 0; ox < g.out_w; ox++)
          {
            Window w;
            float *out = yb + ((gsize) oy * g.out_w + ox) * c;
            int count;
            window_at (&g, oy, ox, &w);
            count = MAX (0, w.ky1 - w.ky0) * MAX (0, w.kx1 - w.kx0);
            for (int ch = 0; ch < c; ch++)
              out[ch] = 0.0f;
            for (int ky = w.ky0; ky < w.ky1; ky++)
              for (int kx = w.kx0; kx < w.kx1; kx++)
                {
                  const float *in = xb + ((gsize) (w.y0 + ky) * g.in_w + (w.x0 + kx)) * c;
                  for (int ch = 0; ch < c; ch++)
                    out[ch] += in[ch];
                }
            if (count > 0)
              for (int ch = 0; ch < c; ch++)
                out[ch] /= (float) count;
          }
    }
}

void
em_nn_net_avgpool_backward (EmNnNetLayer *L, const float *dy, float *dx, gboolean accumulate, int n)
{
  EmNnGeom g;
  int c;

  em_nn_net_geom (L->layer, &g);
  c = g.in_c;
  if (!accumulate)
    memset (dx, 0, sizeof (float) * n * L->in_size);
  for (int b = 0; b < n; b++)
    {
      const float *db = dy + (gsize) b * L->out_size;
      float *xb = dx + (gsize) b * L->in_size;
      for (int oy = 0; oy < g.out_h; oy++)
        for (int ox = 0; ox < g.out_w; ox++)
          {
            Window w;
            const float *d = db + ((gsize) oy * g.out_w + ox) * c;
            int count;
            float scale;
            window_at (&g, oy, ox, &w);
            count = MAX (0, w.ky1 - w.ky0) * MAX (0, w.kx1 - w.kx0);
            if (count == 0)
              continue;
            scale = 1.0f / (float) count;
            for (int ky = w.ky0; ky < w.ky1; ky++)
              for (int kx = w.kx0; kx < w.kx1; kx++)
                {
                  float *in = xb + ((gsize) (w.y0 + ky) * g.in_w + (w.x0 + kx)) * c;
                  for (int ch = 0; ch < c; ch++)
                    in[ch] += d[ch] * scale;
                }
          }
    }
}

void
em_nn_net_gap_forward (EmNnNetLayer *L, const float *x, int n)
{
  const int c = L->out_size, cells = L->in_size / c;

  for (int b = 0; b < n; b++)
    {
      const float *xb = x + (gsize) b * L->in_size;
      float *out = L->out + (gsize) b * c;
      for (int ch = 0; ch < c; ch++)
        out[ch] = 0.0f;
      for (int p = 0; p < cells; p++)
        for (int ch = 0; ch < c; ch++)
          out[ch] += xb[(gsize) p * c + ch];
      for (int ch = 0; ch < c; ch++)
        out[ch] /= (float) cells;
    }
}

void
em_nn_net_gap_backward (EmNnNetLayer *L, const float *dy, float *dx, gboolean accumulate, int n)
{
  const int c = L->out_size, cells = L->in_size / c;
  const float scale = 1.0f / (float) cells;

  for (int b = 0; b < n; b++)
    {
      const float *d = dy + (gsize) b * c;
      float *xb = dx + (gsize) b * L->in_size;
      for (int p = 0; p < cells; p++)
        {
          float *row = xb + (gsize) p * c;
          if (accumulate)
            for (int ch = 0; ch < c; ch++)
              row[ch] += d[ch] * scale;
          else
            for (int ch = 0; ch < c; ch++)
              row[ch] = d[ch] * scale;
        }
    }
}

/* ---- batchnorm ---------------------------------------------------------- */

void
em_nn_net_batchnorm_forward (EmNnNetLayer *L, const float *x, int n, gboolean training)
{
  const EmNnLayer *l = L->layer;
  const int c = l->in.c;
  const gsize rows = (gsize) n * L->in_size / c;

  L->bn_training = training;
  if (training)
    {
      /* Two passes in double: the variance of a batch with a large mean
       * loses every digit in a one-pass float sum of squares. */
      double *sum = g_newa (double, c);
      const double m = l->momentum;
      for (int ch = 0; ch < c; ch++)
        sum[ch] = 0.0;
      for (gsize r = 0; r < rows; r++)
        for (int ch = 0; ch < c; ch++)
          sum[ch] += x[r * c + ch];
      for (int ch = 0; ch < c; ch++)
        {
          L->mean[ch] = (float) (sum[ch] / rows);
          sum[ch] = 0.0;
        }
      for (gsize r = 0; r < rows; r++)
        for (int ch = 0; ch < c; ch++)
          {
            double d = x[r * c + ch] - L->mean[ch];
            sum[ch] += d * d;
          }
      for (int ch = 0; ch < c; ch++)
        {
          double var = sum[ch] / rows;   /* biased, as Keras normalizes with */
          L->inv_std[ch] = (float) (1.0 / sqrt (var + l->epsilon));
          l->moving_mean[ch] = (float) (m * l->moving_mean[ch] + (1.0 - m) * L->mean[ch]);
          l->moving_var[ch] = (float) (m * l->moving_var[ch] + (1.0 - m) * var);
        }
    }
  else
    for (int ch = 0; ch < c; ch++)
      {
        L->mean[ch] = l->moving_mean[ch];
        L->inv_std[ch] = (float) (1.0 / sqrt ((double) l->moving_var[ch] + l->epsilon));
      }

  for (gsize r = 0; r < rows; r++)
    {
      const float *xr = x + r * c;
      float *hr = L->xhat + r * c, *yr = L->out + r * c;
      for (int ch = 0; ch < c; ch++)
        {
          hr[ch] = (xr[ch] - L->mean[ch]) * L->inv_std[ch];
          yr[ch] = l->gamma[ch] * hr[ch] + l->beta[ch];
        }
    }
}

void
em_nn_net_batchnorm_backward (EmNnNetLayer *L, const float *dy, float *dx, gboolean accumulate, int n)
{
  const EmNnLayer *l = L->layer;
  const int c = l->in.c;
  const gsize rows = (gsize) n * L->in_size / c;
  float *k1 = g_newa (float, c), *k2 = g_newa (float, c), *k0 = g_newa (float, c);

  memset (L->d_gamma, 0, sizeof (float) * c);
  memset (L->d_beta, 0, sizeof (float) * c);
  for (gsize r = 0; r < rows; r++)
    {
      const float *dr = dy + r * c, *hr = L->xhat + r * c;
      for (int ch = 0; ch < c; ch++)
        {
          L->d_beta[ch] += dr[ch];
          L->d_gamma[ch] += dr[ch] * hr[ch];
        }
    }
  /* dx = γ·inv_std·(dy − mean(dy) − x̂·mean(dy·x̂)) with batch statistics;
   * the moving statistics are constants, so then only the first term. */
  for (int ch = 0; ch < c; ch++)
    {
      k0[ch] = l->gamma[ch] * L->inv_std[ch];
      k1[ch] = L->bn_training ? L->d_beta[ch] / (float) rows : 0.0f;
      k2[ch] = L->bn_training ? L->d_gamma[ch] / (float) rows : 0.0f;
    }
  for (gsize r = 0; r < rows; r++)
    {
      const float *dr = dy + r * c, *hr = L->xhat + r * c;
      float *xr = dx + r * c;
      if (accumulate)
        for (int ch = 0; ch < c; ch++)
          xr[ch] += k0[ch] * (dr[ch] - k1[ch] - hr[ch] * k2[ch]);
      else
        for (int ch = 0; ch < c; ch++)
          xr[ch] = k0[ch] * (dr[ch] - k1[ch] - hr[ch] * k2[ch]);
    }
}

/* ---- dropout, add, softmax ---------------------------------------------- */

void
em_nn_net_dropout_forward (EmNnNetLayer *L, const float *x, int n, gboolean training, GRand *rand)
{
  const float rate = L->layer->rate;
  const gsize count = (gsize) n * L->out_size;
  /* keep ⇔ a uniform 32-bit draw ≥ rate·2³², one draw per value */
  const guint64 threshold = (guint64) ((double) rate * 4294967296.0);
  const float scale = 1.0f / (1.0f - rate);

  L->dropped = training && rate > 0.0f;
  if (!L->dropped)
    {
      L->out = (float *) x;   /* identity: alias, no copy */
      return;
    }
  L->out = L->out_buf;
  for (gsize i = 0; i < count; i++)
    {
      L->mask[i] = (guint64) g_rand_int (rand) >= threshold ? scale : 0.0f;
      L->out[i] = x[i] * L->mask[i];
    }
}

void
em_nn_net_dropout_backward (EmNnNetLayer *L, const float *dy, float *dx, gboolean accumulate, int n)
{
  const gsize count = (gsize) n * L->out_size;

  if (!L->dropped)
    {
      em_nn_net_pass_gradient (dy, dx, accumulate, count);
      return;
    }
  if (accumulate)
    for (gsize i = 0; i < count; i++)
      dx[i] += dy[i] * L->mask[i];
  else
    for (gsize i = 0; i < count; i++)
      dx[i] = dy[i] * L->mask[i];
}

void
em_nn_net_add_forward (EmNnNetLayer *L, const float *a, const float *b, int n)
{
  const gsize count = (gsize) n * L->out_size;

  for (gsize i = 0; i < count; i++)
    L->out[i] = a[i] + b[i];
  em_nn_net_act_forward (L->layer->activation, L->out, count);
}

/* Softmax over each sample's whole output, as the inference program runs it
 * (em_nn_softmax_f32 over the tensor's size). */
void
em_nn_net_softmax_forward (EmNnNetLayer *L, const float *x, int n)
{
  const int k = L->out_size;

  for (int b = 0; b < n; b++)
    {
      const float *xb = x + (gsize) b * k;
      float *p = L->out + (gsize) b * k;
      float m = xb[0], sum = 0.0f;
      for (int i = 1; i < k; i++)
        if (xb[i] > m)
          m = xb[i];
      for (int i = 0; i < k; i++)
        {
          p[i] = expf (xb[i] - m);
          sum += p[i];
        }
      for (int i = 0; i < k; i++)
        p[i] /= sum;
    }
}

void
em_nn_net_softmax_backward (EmNnNetLayer *L, const float *dy, float *dx, gboolean accumulate, int n)
{
  const int k = L->out_size;

  /* dx = p ⊙ (dy − ⟨dy, p⟩): the Jacobian diag(p) − p pᵀ times dy. */
  for (int b = 0; b < n; b++)
    {
      const float *p = L->out + (gsize) b * k, *d = dy + (gsize) b * k;
      float *xb = dx + (gsize) b * k;
      float dot = 0.0f;
      for (int i = 0; i < k; i++)
        dot += d[i] * p[i];
      if (accumulate)
        for (int i = 0; i < k; i++)
          xb[i] += p[i] * (d[i] - dot);
      else
        for (int i = 0; i < k; i++)
          xb[i] = p[i] * (d[i] - dot);
    }
}
