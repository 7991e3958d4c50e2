/* SPDX-License-Identifier: Apache-2.0 */
/* FOMO post-processing (cells → objects) on hand-built grids: touching
 * objects of different classes, separate blobs of one class, objects at
 * the borders, nothing at all, more objects than room, 4- versus
 * 8-connectivity, the int8 path and bad arguments. */
#include <math.h>
#include <string.h>
#include <glib.h>

#include "em-nn-fomo.h"

#define GW 12
#define GH 12
#define C 3 /* object classes: cell tensors have 4 channels */
#define CH (C + 1)

typedef struct {
  float probs[GH * GW * CH];
  int32_t scratch[GH * GW * 2];
  EmNnFomoPostParams params;
} Grid;

static void
grid_init (Grid *g)
{
  memset (g, 0, sizeof *g);
  for (int i = 0; i < GH * GW; i++)
    g->probs[i * CH] = 1; /* all background */
  g->params.input_w = 96;
  g->params.input_h = 96;
  g->params.grid_w = GW;
  g->params.grid_h = GH;
  g->params.n_classes = C;
  g->params.threshold = 0.5f;
  g->params.connectivity = 4;
}

/* Cell (row, col) gets probability p for @label, the rest to background. */
static void
set_cell (Grid *g, int row, int col, int label, float p)
{
  float *cell = g->probs + (row * GW + col) * CH;

  memset (cell, 0, CH * sizeof (float));
  cell[0] = 1 - p;
  cell[label] = p;
}

static int
run (Grid *g, EmNnFomoObject *out, int capacity)
{
  return em_nn_fomo_objects_f32 (&g->params, g->probs, out, capacity, g->scratch, sizeof g->scratch);
}

static void
assert_object (const EmNnFomoObject *o, int label, float x, float y, float w, float h, float score, int n_cells)
{
  g_assert_cmpint (o->label, ==, label);
  g_assert_cmpfloat_with_epsilon (o->x, x, 1e-4);
  g_assert_cmpfloat_with_epsilon (o->y, y, 1e-4);
  g_assert_cmpfloat_with_epsilon (o->w, w, 1e-4);
  g_assert_cmpfloat_with_epsilon (o->h, h, 1e-4);
  g_assert_cmpfloat_with_epsilon (o->score, score, 1e-6);
  g_assert_cmpint (o->n_cells, ==, n_cells);
  /* the centroid lies inside the merged cells' box */
  g_assert_cmpfloat (o->cx, >=, o->x);
  g_assert_cmpfloat (o->cx, <=, o->x + o->w);
  g_assert_cmpfloat (o->cy, >=, o->y);
  g_assert_cmpfloat (o->cy, <=, o->y + o->h);
}

static void
test_scratch_size (void)
{
  g_assert_cmpuint (em_nn_fomo_scratch_bytes (12, 12), ==, 12 * 12 * 8);
  g_assert_cmpuint (em_nn_fomo_scratch_bytes (0, 12), ==, 0);
}

static void
test_all_background (void)
{
  Grid g;
  EmNnFomoObject out[4];

  grid_init (&g);
  /* below threshold is background too */
  set_cell (&g, 5, 5, 2, 0.49f);
  g_assert_cmpint (run (&g, out, 4), ==, 0);
  g_assert_cmpint (run (&g, NULL, 0), ==, 0);
}

/* One object of class 1 (2×2 cells) touching one of class 2 (1×2 cells)
 * along an edge: two objects, not one. */
static void
test_touching_classes (void)
{
  Grid g;
  EmNnFomoObject out[4];

  grid_init (&g);
  set_cell (&g, 3, 3, 1, 0.9f);
  set_cell (&g, 3, 4, 1, 0.7f);
  set_cell (&g, 4, 3, 1, 0.7f);
  set_cell (&g, 4, 4, 1, 0.6f);
  set_cell (&g, 3, 5, 2, 0.8f);
  set_cell (&g, 4, 5, 2, 0.8f);
  g_assert_cmpint (run (&g, out, 4), ==, 2);
  assert_object (&out[0], 1, 24, 24, 16, 16, 0.9f, 4);
  assert_object (&out[1], 2, 40, 24, 8, 16, 0.8f, 2);
  /* probability-weighted centroid: pulled towards the 0.9 cell at (3, 3) */
  g_assert_cmpfloat_with_epsilon (out[0].cx, (0.9 * 28 + 0.7 * 36 + 0.7 * 28 + 0.6 * 36) / 2.9, 1e-4);
  g_assert_cmpfloat_with_epsilon (out[0].cy, (0.9 * 28 + 0.7 * 28 + 0.7 * 36 + 0.6 * 36) / 2.9, 1e-4);
  g_assert_cmpfloat_with_epsilon (out[1].cx, 44, 1e-5);
  g_assert_cmpfloat_with_epsilon (out[1].cy, 32, 1e-5);
}

/* Two blobs of one class a cell apart stay two objects; an L-shaped blob
 * is one, with its bounding box. */
static void
test_same_class_blobs (void)
{
  Grid g;
  EmNnFomoObject out[4];

  grid_init (&g);
  set_cell (&g, 2, 2, 3, 0.8f);
  set_cell (&g, 2, 4, 3, 0.95f);
  /* an L: (7,1) (8,1) (8,2) (8,3) */
  set_cell (&g, 7, 1, 3, 0.6f);
  set_cell (&g, 8, 1, 3, 0.6f);
  set_cell (&g, 8, 2, 3, 0.6f);
  set_cell (&g, 8, 3, 3, 0.7f);
  g_assert_cmpint (run (&g, out, 4), ==, 3);
  assert_object (&out[0], 3, 16, 16, 8, 8, 0.8f, 1);
  assert_object (&out[1], 3, 32, 16, 8, 8, 0.95f, 1);
  assert_object (&out[2], 3, 8, 56, 24, 16, 0.7f, 4);
}

/* Diagonal neighbours merge with 8-connectivity only. */
static void
test_connectivity (void)
{
  Grid g;
  EmNnFomoObject out[4];

  grid_init (&g);
  set_cell (&g, 5, 5, 1, 0.9f);
  set_cell (&g, 6, 6, 1, 0.9f);
  set_cell (&g, 7, 7, 1, 0.9f);
  g_assert_cmpint (run (&g, out, 4), ==, 3);
  g.params.connectivity = 8;
  g_assert_cmpint (run (&g, out, 4), ==, 1);
  assert_object (&out[0], 1, 40, 40, 24, 24, 0.9f, 3);
  g_assert_cmpfloat_with_epsilon (out[0].cx, 52, 1e-4);
}

/* Objects in the corners and along the edges come out inside the input,
 * and cells on opposite edges do not wrap around into one object. */
static void
test_borders (void)
{
  Grid g;
  EmNnFomoObject out[8];

  grid_init (&g);
  g.params.connectivity = 8;
  set_cell (&g, 0, 0, 1, 0.9f);
  set_cell (&g, 0, GW - 1, 1, 0.9f);
  set_cell (&g, GH - 1, 0, 1, 0.9f);
  set_cell (&g, GH - 1, GW - 1, 2, 0.9f);
  set_cell (&g, GH - 2, GW - 1, 2, 0.8f);
  g_assert_cmpint (run (&g, out, 8), ==, 4);
  assert_object (&out[0], 1, 0, 0, 8, 8, 0.9f, 1);
  assert_object (&out[1], 1, 88, 0, 8, 8, 0.9f, 1);
  assert_object (&out[2], 2, 88, 80, 8, 16, 0.9f, 2);
  assert_object (&out[3], 1, 0, 88, 8, 8, 0.9f, 1);
  for (int i = 0; i < 4; i++)
    {
      g_assert_cmpfloat (out[i].x + out[i].w, <=, 96);
      g_assert_cmpfloat (out[i].y + out[i].h, <=, 96);
    }
}

/* A grid whose cells are not square and not whole pixels. */
static void
test_scaling (void)
{
  Grid g;
  EmNnFomoObject out[2];

  grid_init (&g);
  g.params.input_w = 160;
  g.params.input_h = 90;
  set_cell (&g, 11, 11, 1, 0.9f);
  g_assert_cmpint (run (&g, out, 2), ==, 1);
  assert_object (&out[0], 1, 160.0f * 11 / 12, 90.0f * 11 / 12, 160.0f / 12, 90.0f / 12, 0.9f, 1);
  g_assert_cmpfloat_with_epsilon (out[0].cx, 160.0 * 11.5 / 12, 1e-4);
  g_assert_cmpfloat_with_epsilon (out[0].cy, 90.0 * 11.5 / 12, 1e-4);
}

/* More objects than room: the count is the total found, the output keeps
 * the strongest, and nothing is written past the capacity. */
static void
test_capacity (void)
{
  Grid g;
  EmNnFomoObject out[4];
  const float scores[5] = { 0.6f, 0.9f, 0.7f, 0.95f, 0.8f };
  float kept[3];

  grid_init (&g);
  for (int i = 0; i < 5; i++)
    set_cell (&g, 1, 2 * i, 1 + i % C, scores[i]);
  memset (out, 0x5a, sizeof out);
  g_assert_cmpint (run (&g, out, 3), ==, 5);
  for (int i = 0; i < 3; i++)
    kept[i] = out[i].score;
  /* the three best, whatever the order: 0.95, 0.9, 0.8 */
  g_assert_cmpfloat_with_epsilon (kept[0] + kept[1] + kept[2], 0.95 + 0.9 + 0.8, 1e-5);
  g_assert_cmpfloat (MIN (kept[0], MIN (kept[1], kept[2])), ==, 0.8f);
  {
    EmNnFomoObject untouched;
    memset (&untouched, 0x5a, sizeof untouched);
    g_assert_cmpmem (&out[3], sizeof out[3], &untouched, sizeof untouched);
  }
  /* counting only */
  g_assert_cmpint (run (&g, NULL, 0), ==, 5);
  g_assert_cmpint (run (&g, out, 4), ==, 5);
  /* exactly full: raster order kept */
  grid_init (&g);
  set_cell (&g, 0, 0, 1, 0.9f);
  set_cell (&g, 5, 0, 2, 0.9f);
  g_assert_cmpint (run (&g, out, 2), ==, 2);
  g_assert_cmpint (out[0].label, ==, 1);
  g_assert_cmpint (out[1].label, ==, 2);
}

/* A full grid of one class is one object (the flood fill's stack holds
 * every cell at most once). */
static void
test_full_grid (void)
{
  Grid g;
  EmNnFomoObject out[1];

  grid_init (&g);
  g.params.connectivity = 8;
  for (int r = 0; r < GH; r++)
    for (int c = 0; c < GW; c++)
      set_cell (&g, r, c, 2, 0.6f + 0.01f * r);
  g_assert_cmpint (run (&g, out, 1), ==, 1);
  assert_object (&out[0], 2, 0, 0, 96, 96, 0.6f + 0.01f * 11, GH * GW);
}

/* The best object class decides, even when a cell has several above
 * nothing; the lower class wins a tie. */
static void
test_cell_class (void)
{
  Grid g;
  EmNnFomoObject out[2];
  float *cell;

  grid_init (&g);
  g.params.threshold = 0.3f;
  cell = g.probs + (4 * GW + 4) * CH;
  cell[0] = 0.2f, cell[1] = 0.35f, cell[2] = 0.45f, cell[3] = 0;
  cell = g.probs + (8 * GW + 8) * CH;
  cell[0] = 0.2f, cell[1] = 0, cell[2] = 0.4f, cell[3] = 0.4f;
  g_assert_cmpint (run (&g, out, 2), ==, 2);
  g_assert_cmpint (out[0].label, ==, 2);
  g_assert_cmpint (out[1].label, ==, 2);
}

/* int8 probabilities give the same objects as their float values. */
static void
test_s8 (void)
{
  Grid g;
  int8_t q[GH * GW * CH];
  EmNnFomoObject a[8], b[8];
  const float scale = 1.0f / 256;
  const int zp = -128;
  int na, nb;

  grid_init (&g);
  set_cell (&g, 3, 3, 1, 0.75f);
  set_cell (&g, 3, 4, 1, 0.5f);
  set_cell (&g, 9, 10, 3, 0.875f);
  for (int i = 0; i < GH * GW * CH; i++)
    {
      int v = (int) lrintf (g.probs[i] / scale) + zp;
      q[i] = (int8_t) CLAMP (v, -128, 127);
      g.probs[i] = (q[i] - zp) * scale;
    }
  na = run (&g, a, 8);
  nb = em_nn_fomo_objects_s8 (&g.params, q, scale, zp, b, 8, g.scratch, sizeof g.scratch);
  g_assert_cmpint (na, ==, 2);
  g_assert_cmpint (nb, ==, na);
  g_assert_cmpmem (a, na * sizeof *a, b, nb * sizeof *b);
  g_assert_cmpint (em_nn_fomo_objects_s8 (&g.params, q, 0, zp, b, 8, g.scratch, sizeof g.scratch), ==,
                   EM_NN_FOMO_ERR_PARAM);
  g_assert_cmpint (em_nn_fomo_objects_s8 (&g.params, q, scale, 200, b, 8, g.scratch, sizeof g.scratch), ==,
                   EM_NN_FOMO_ERR_PARAM);
}

static void
test_bad_arguments (void)
{
  Grid g;
  EmNnFomoObject out[2];
  EmNnFomoPostParams p;

  grid_init (&g);
  g_assert_cmpint (em_nn_fomo_objects_f32 (NULL, g.probs, out, 2, g.scratch, sizeof g.scratch), ==, EM_NN_FOMO_ERR_PARAM);
  g_assert_cmpint (em_nn_fomo_objects_f32 (&g.params, NULL, out, 2, g.scratch, sizeof g.scratch), ==, EM_NN_FOMO_ERR_PARAM);
  g_assert_cmpint (em_nn_fomo_objects_f32 (&g.params, g.probs, NULL, 2, g.scratch, sizeof g.scratch), ==, EM_NN_FOMO_ERR_PARAM);
  g_assert_cmpint (em_nn_fomo_objects_f32 (&g.params, g.probs, out, -1, g.scratch, sizeof g.scratch), ==, EM_NN_FOMO_ERR_PARAM);
  g_assert_cmpint (em_nn_fomo_objects_f32 (&g.params, g.probs, out, 2, NULL, 0), ==, EM_NN_FOMO_ERR_SCRATCH);
  g_assert_cmpint (em_nn_fomo_objects_f32 (&g.params, g.probs, out, 2, g.scratch, sizeof g.scratch - 1), ==,
                   EM_NN_FOMO_ERR_SCRATCH);
  g_assert_cmpint (em_nn_fomo_objects_f32 (&g.params, g.probs, out, 2, (char *) g.scratch + 1, sizeof g.scratch - 4), ==,
                   EM_NN_FOMO_ERR_SCRATCH);
  p = g.params, p.connectivity = 6;
  g_assert_cmpint (em_nn_fomo_objects_f32 (&p, g.probs, out, 2, g.scratch, sizeof g.scratch), ==, EM_NN_FOMO_ERR_PARAM);
  p = g.params, p.threshold = NAN;
  g_assert_cmpint (em_nn_fomo_objects_f32 (&p, g.probs, out, 2, g.scratch, sizeof g.scratch), ==, EM_NN_FOMO_ERR_PARAM);
  p = g.params, p.threshold = 1.5f;
  g_assert_cmpint (em_nn_fomo_objects_f32 (&p, g.probs, out, 2, g.scratch, sizeof g.scratch), ==, EM_NN_FOMO_ERR_PARAM);
  p = g.params, p.n_classes = 0;
  g_assert_cmpint (em_nn_fomo_objects_f32 (&p, g.probs, out, 2, g.scratch, sizeof g.scratch), ==, EM_NN_FOMO_ERR_PARAM);
  p = g.params, p.grid_w = 0;
  g_assert_cmpint (em_nn_fomo_objects_f32 (&p, g.probs, out, 2, g.scratch, sizeof g.scratch), ==, EM_NN_FOMO_ERR_PARAM);
  p = g.params, p.input_h = 0;
  g_assert_cmpint (em_nn_fomo_objects_f32 (&p, g.probs, out, 2, g.scratch, sizeof g.scratch), ==, EM_NN_FOMO_ERR_PARAM);
}

static void
test_softmax (void)
{
  float z[2 * 4] = { 1, 2, 3, 4, 1000, 1000, -1000, 0 };
  float p[2 * 4];

  em_nn_fomo_softmax_f32 (z, 2, 4, p);
  for (int i = 0; i < 2; i++)
    {
      double sum = 0;
      for (int c = 0; c < 4; c++)
        {
          g_assert_true (isfinite (p[i * 4 + c]));
          sum += p[i * 4 + c];
        }
      g_assert_cmpfloat_with_epsilon (sum, 1, 1e-6);
    }
  g_assert_cmpfloat_with_epsilon (p[3], exp (4) / (exp (1) + exp (2) + exp (3) + exp (4)), 1e-6);
  g_assert_cmpfloat_with_epsilon (p[4], 0.5, 1e-6);
  g_assert_cmpfloat (p[6], ==, 0);
  /* in place */
  em_nn_fomo_softmax_f32 (z, 2, 4, z);
  g_assert_cmpmem (z, sizeof z, p, sizeof p);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fomo/post/scratch-size", test_scratch_size);
  g_test_add_func ("/fomo/post/all-background", test_all_background);
  g_test_add_func ("/fomo/post/touching-classes", test_touching_classes);
  g_test_add_func ("/fomo/post/same-class-blobs", test_same_class_blobs);
  g_test_add_func ("/fomo/post/connectivity", test_connectivity);
  g_test_add_func ("/fomo/post/borders", test_borders);
  g_test_add_func ("/fomo/post/scaling", test_scaling);
  g_test_add_func ("/fomo/post/capacity", test_capacity);
  g_test_add_func ("/fomo/post/full-grid", test_full_grid);
  g_test_add_func ("/fomo/post/cell-class", test_cell_class);
  g_test_add_func ("/fomo/post/s8", test_s8);
  g_test_add_func ("/fomo/post/bad-arguments", test_bad_arguments);
  g_test_add_func ("/fomo/post/softmax", test_softmax);
  return g_test_run ();
}
