/* SPDX-License-Identifier: Apache-2.0 */
/* FOMO post-processing: per-cell class probabilities → objects. Portable
 * C99, no allocation: it runs on the device after the network, so the
 * flood fill keeps its stack and its marks in caller-provided scratch. */
#define EM_NN_FOMO_PORTABLE_ONLY
#include "em-nn-fomo.h"

#include <math.h>

size_t
em_nn_fomo_scratch_bytes (int32_t grid_w, int32_t grid_h)
{
  if (grid_w < 1 || grid_h < 1)
    return 0;
  return (size_t) grid_w * (size_t) grid_h * 2 * sizeof (int32_t);
}

/* e^x for x <= 0 (the softmax subtracts the maximum) with float +, * and
 * floorf only, so every C library gives the same bits: libm's expf differs
 * in the last bit between glibc and newlib, and a device must find the
 * objects Ember finds bit for bit (tests/device/test_cortex_m_detect.py).
 * Cody-Waite reduction to |r| <= ln 2 / 2 and a degree-7 Taylor polynomial:
 * under 2 ulp. Below -80 it returns 0, so no probability is subnormal (some
 * FPUs flush those to zero). */
static float
fomo_exp (float x)
{
  union { float f; uint32_t u; } scale;
  float n, r, p;

  if (x != x)
    return x;
  if (x < -80.0f)
    return 0.0f;
  n = floorf (x * 1.44269504f + 0.5f);
  r = (x - n * 0.693145751953125f) - n * 1.42860677e-6f;
  p = 1.0f + r * (1.0f + r * (0.5f + r * (1.66666672e-1f + r * (4.16666679e-2f + r * (8.33333377e-3f +
      r * (1.38888892e-3f + r * 1.98412701e-4f))))));
  scale.u = (uint32_t) ((int32_t) n + 127) << 23;
  return p * scale.f;
}

void
em_nn_fomo_softmax_f32 (const float *logits, int32_t n_cells, int32_t n_channels, float *probs)
{
  int32_t i, c;

  for (i = 0; i < n_cells; i++)
    {
      const float *z = logits + (size_t) i * n_channels;
      float *p = probs + (size_t) i * n_channels;
      float max = z[0], sum = 0;

      for (c = 1; c < n_channels; c++)
        if (z[c] > max)
          max = z[c];
      for (c = 0; c < n_channels; c++)
        {
          p[c] = fomo_exp (z[c] - max);
          sum += p[c];
        }
      for (c = 0; c < n_channels; c++)
        p[c] /= sum;
    }
}

/* One reader for both the float and the quantized output, so the two
 * entry points cannot drift apart. */
typedef struct {
  const float *f;
  const int8_t *q;
  float scale;
  int32_t zero_point;
} Probs;

static float
prob_at (const Probs *p, size_t i)
{
  return p->f != NULL ? p->f[i] : (float) (p->q[i] - p->zero_point) * p->scale;
}

/* Accumulates one connected group of cells. */
typedef struct {
  int32_t label;
  int32_t row0, row1, col0, col1; /* inclusive cell ranges */
  /* float, not double: Cortex-M4F has no double-precision unit */
  float sum_p, sum_px, sum_py;    /* probability-weighted cell centres */
  float sum_x, sum_y;             /* unweighted, for when every p is 0 (threshold 0) */
  float max_p;
  int32_t n;
} Group;

static void
group_add (Group *g, int32_t row, int32_t col, float p)
{
  if (row < g->row0) g->row0 = row;
  if (row > g->row1) g->row1 = row;
  if (col < g->col0) g->col0 = col;
  if (col > g->col1) g->col1 = col;
  g->sum_p += p;
  g->sum_px += p * ((float) col + 0.5f);
  g->sum_py += p * ((float) row + 0.5f);
  g->sum_x += (float) col + 0.5f;
  g->sum_y += (float) row + 0.5f;
  if (p > g->max_p)
    g->max_p = p;
  g->n++;
}

/* Keep the object: append while there is room, else replace the weakest
 * kept one if this one scores higher (ties keep the earlier object). */
static void
emit (const EmNnFomoObject *o, EmNnFomoObject *out, int32_t capacity, int32_t found)
{
  int32_t i, weakest = -1;

  if (found < capacity)
    {
      out[found] = *o;
      return;
    }
  for (i = 0; i < capacity; i++)
    if (o->score > out[i].score && (weakest < 0 || out[i].score <= out[weakest].score))
      weakest = i;
  if (weakest >= 0)
    out[weakest] = *o;
}

static int32_t
objects (const EmNnFomoPostParams *params, const Probs *probs, EmNnFomoObject *out,
         int32_t capacity, void *scratch, size_t scratch_bytes)
{
  static const int32_t d8[8][2] = { { -1, 0 }, { 1, 0 }, { 0, -1 }, { 0, 1 },
                                    { -1, -1 }, { -1, 1 }, { 1, -1 }, { 1, 1 } };
  int32_t gw, gh, ch, n_cells, i, found = 0;
  int32_t *cls, *stack;
  float cell_w, cell_h;

  if (params == NULL || (probs->f == NULL && probs->q == NULL) || capacity < 0 ||
      (out == NULL && capacity > 0))
    return EM_NN_FOMO_ERR_PARAM;
  if (params->input_w < 1 || params->input_h < 1 || params->grid_w < 1 || params->grid_h < 1 ||
      params->n_classes < 1 || !(params->threshold >= 0 && params->threshold <= 1) ||
      (params->connectivity != 4 && params->connectivity != 8) ||
      params->grid_w > 32768 || params->grid_h > 32768)
    return EM_NN_FOMO_ERR_PARAM;
  gw = params->grid_w;
  gh = params->grid_h;
  ch = params->n_classes + 1;
  n_cells = gw * gh;
  if (scratch == NULL || scratch_bytes < em_nn_fomo_scratch_bytes (gw, gh) ||
      ((uintptr_t) scratch & (sizeof (int32_t) - 1)) != 0)
    return EM_NN_FOMO_ERR_SCRATCH;
  cls = (int32_t *) scratch;
  stack = cls + n_cells;
  cell_w = (float) params->input_w / (float) gw;
  cell_h = (float) params->input_h / (float) gh;

  /* each cell's class, 0 = below threshold */
  for (i = 0; i < n_cells; i++)
    {
      int32_t c, best = 1;
      float best_p = prob_at (probs, (size_t) i * ch + 1);

      for (c = 2; c < ch; c++)
        {
          float p = prob_at (probs, (size_t) i * ch + c);
          if (p > best_p)
            best = c, best_p = p;
        }
      cls[i] = best_p >= params->threshold ? best : 0;
    }

  /* flood fill from each unvisited object cell; a visited cell's class is
   * negated, so the marks need no extra memory */
  for (i = 0; i < n_cells; i++)
    {
      Group g;
      EmNnFomoObject o;
      int32_t top = 0;

      if (cls[i] <= 0)
        continue;
      g.label = cls[i];
      g.row0 = g.row1 = i / gw;
      g.col0 = g.col1 = i % gw;
      g.sum_p = g.sum_px = g.sum_py = g.sum_x = g.sum_y = 0.0f;
      g.max_p = 0;
      g.n = 0;
      cls[i] = -cls[i];
      stack[top++] = i;
      while (top > 0)
        {
          int32_t cell = stack[--top], row = cell / gw, col = cell % gw, k;

          group_add (&g, row, col, prob_at (probs, (size_t) cell * ch + g.label));
          for (k = 0; k < params->connectivity; k++)
            {
              int32_t r = row + d8[k][0], c = col + d8[k][1], next;

              if (r < 0 || r >= gh || c < 0 || c >= gw)
                continue;
              next = r * gw + c;
              if (cls[next] == g.label)
                {
                  cls[next] = -g.label;
                  stack[top++] = next; /* each cell is pushed once: n_cells slots suffice */
                }
            }
        }

      o.label = g.label;
      o.x = (float) g.col0 * cell_w;
      o.y = (float) g.row0 * cell_h;
      o.w = (float) (g.col1 - g.col0 + 1) * cell_w;
      o.h = (float) (g.row1 - g.row0 + 1) * cell_h;
      if (g.sum_p > 0)
        {
          o.cx = g.sum_px / g.sum_p * cell_w;
          o.cy = g.sum_py / g.sum_p * cell_h;
        }
      else
        {
          o.cx = g.sum_x / (float) g.n * cell_w;
          o.cy = g.sum_y / (float) g.n * cell_h;
        }
      o.score = g.max_p;
      o.n_cells = g.n;
      emit (&o, out, capacity, found);
      found++;
    }
  return found;
}

int32_t
em_nn_fomo_objects_f32 (const EmNnFomoPostParams *params, const float *probs, EmNnFomoObject *out,
                        int32_t capacity, void *scratch, size_t scratch_bytes)
{
  Probs p;

  p.f = probs;
  p.q = NULL;
  p.scale = 1;
  p.zero_point = 0;
  if (probs == NULL)
    return EM_NN_FOMO_ERR_PARAM;
  return objects (params, &p, out, capacity, scratch, scratch_bytes);
}

int32_t
em_nn_fomo_objects_s8 (const EmNnFomoPostParams *params, const int8_t *probs, float scale,
                       int32_t zero_point, EmNnFomoObject *out, int32_t capacity, void *scratch,
                       size_t scratch_bytes)
{
  Probs p;

  p.f = NULL;
  p.q = probs;
  p.scale = scale;
  p.zero_point = zero_point;
  if (probs == NULL || !(scale > 0) || zero_point < -128 || zero_point > 127)
    return EM_NN_FOMO_ERR_PARAM;
  return objects (params, &p, out, capacity, scratch, scratch_bytes);
}
