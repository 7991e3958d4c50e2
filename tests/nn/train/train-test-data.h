/* SPDX-License-Identifier: Apache-2.0 */
/* Small synthetic data sets and model helpers for the training tests. */
#pragma once

#include <math.h>
#include <string.h>
#include "em-nn-model.h"
#include "em-nn-train.h"

typedef struct {
  EmNnDataset d;
  float      *x;
  int        *y;
  float      *yv;
} TestData;

static inline void
test_data_free (TestData *t)
{
  g_free (t->x);
  g_free (t->y);
  g_free (t->yv);
  g_free (t);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestData, test_data_free)

static inline double
test_gauss (GRand *r)
{
  double u1 = MAX (g_rand_double (r), 1e-300), u2 = g_rand_double (r);
  return sqrt (-2 * log (u1)) * cos (2 * G_PI * u2);
}

/* counts[k] windows of class k around centre k (a distance @sep apart along
 * axis k), noise σ 1 in @dim dimensions. Rows interleaved by class. */
static inline TestData *
test_blobs (const int *counts, int k, int dim, double sep, guint32 seed)
{
  TestData *t = g_new0 (TestData, 1);
  g_autoptr(GRand) r = g_rand_new_with_seed (seed);
  int n = 0;

  for (int c = 0; c < k; c++)
    n += counts[c];
  t->x = g_new (float, (gsize) n * dim);
  t->y = g_new (int, n);
  int left[16], i = 0;
  memcpy (left, counts, k * sizeof (int));
  while (i < n)
    for (int c = 0; c < k; c++)
      if (left[c]-- > 0)
        {
          for (int j = 0; j < dim; j++)
            t->x[(gsize) i * dim + j] = (float) (test_gauss (r) + (j == c ? sep : 0));
          t->y[i++] = c;
        }
  t->d = (EmNnDataset) { .n = n, .n_features = dim, .x = t->x, .y = t->y, .n_classes = k };
  return t;
}

static inline TestData *
test_blobs3 (void)
{
  const int counts[3] = { 50, 50, 50 };
  return test_blobs (counts, 3, 8, 5.0, 17);
}

/* 1-D patterns: class c is a fixed random ±1 template over 16 steps × 2
 * channels plus noise σ 0.5. */
static inline TestData *
test_patterns (int n, guint32 seed)
{
  TestData *t = g_new0 (TestData, 1);
  g_autoptr(GRand) r = g_rand_new_with_seed (seed);
  float tmpl[3][32];

  for (int c = 0; c < 3; c++)
    for (int j = 0; j < 32; j++)
      tmpl[c][j] = g_rand_boolean (r) ? 1.f : -1.f;
  t->x = g_new (float, (gsize) n * 32);
  t->y = g_new (int, n);
  for (int i = 0; i < n; i++)
    {
      t->y[i] = i % 3;
      for (int j = 0; j < 32; j++)
        t->x[i * 32 + j] = tmpl[i % 3][j] + (float) (0.5 * test_gauss (r));
    }
  t->d = (EmNnDataset) { .n = n, .n_features = 32, .x = t->x, .y = t->y, .n_classes = 3 };
  return t;
}

/* y = 2·x0 − x1 over x uniform in [−1, 1]^4. */
static inline TestData *
test_linear (int n, guint32 seed)
{
  TestData *t = g_new0 (TestData, 1);
  g_autoptr(GRand) r = g_rand_new_with_seed (seed);

  t->x = g_new (float, (gsize) n * 4);
  t->yv = g_new (float, n);
  for (int i = 0; i < n; i++)
    {
      for (int j = 0; j < 4; j++)
        t->x[i * 4 + j] = (float) g_rand_double_range (r, -1, 1);
      t->yv[i] = 2 * t->x[i * 4] - t->x[i * 4 + 1];
    }
  t->d = (EmNnDataset) { .n = n, .n_features = 4, .x = t->x, .y_value = t->yv, .n_outputs = 1 };
  return t;
}

#define MLP_JSON(in, classes) \
  "{\"input_shape\": [" #in "], \"layers\": [" \
  "{\"type\": \"dense\", \"units\": 16, \"activation\": \"relu\"}," \
  "{\"type\": \"dense\", \"units\": " #classes "}," \
  "{\"type\": \"softmax\"}]}"

#define CONV1D_JSON \
  "{\"input_shape\": [16, 2], \"layers\": [" \
  "{\"type\": \"conv1d\", \"filters\": 6, \"kernel_size\": 3, \"padding\": \"same\", \"activation\": \"relu\"}," \
  "{\"type\": \"maxpool1d\", \"pool_size\": 2}," \
  "{\"type\": \"dropout\", \"rate\": 0.1}," \
  "{\"type\": \"flatten\"}," \
  "{\"type\": \"dense\", \"units\": 3}," \
  "{\"type\": \"softmax\"}]}"

static inline EmNnModel *
test_model (const char *json, guint64 seed)
{
  g_autoptr(GError) error = NULL;
  EmNnModel *m = em_nn_model_new_from_json (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (m);
  em_nn_model_init_weights (m, seed);
  return m;
}

/* Every parameter array of @m concatenated (weights, bias, batchnorm). */
static inline GByteArray *
test_model_bytes (const EmNnModel *m)
{
  GByteArray *b = g_byte_array_new ();

  for (guint i = 0; i < m->layers->len; i++)
    {
      const EmNnLayer *l = g_ptr_array_index (m->layers, i);
      if (l->weights != NULL)
        g_byte_array_append (b, (const guint8 *) l->weights, l->n_weights * sizeof (float));
      if (l->bias != NULL)
        g_byte_array_append (b, (const guint8 *) l->bias, l->n_bias * sizeof (float));
      const float *bn[4] = { l->gamma, l->beta, l->moving_mean, l->moving_var };
      for (int k = 0; k < 4; k++)
        if (bn[k] != NULL)
          g_byte_array_append (b, (const guint8 *) bn[k], l->in.c * sizeof (float));
    }
  return b;
}

/* Fraction of windows whose arg-max output is the label. */
static inline double
test_accuracy (EmNnModel *m, const EmNnDataset *d)
{
  int k = d->n_classes, right = 0;
  g_autofree float *p = g_new (float, (gsize) d->n * k);
  g_autoptr(GError) error = NULL;

  g_assert_true (em_nn_predict (m, d->x, d->n, p, &error));
  g_assert_no_error (error);
  for (int i = 0; i < d->n; i++)
    {
      int best = 0;
      for (int j = 1; j < k; j++)
        if (p[i * k + j] > p[i * k + best])
          best = j;
      right += best == d->y[i];
    }
  return (double) right / d->n;
}
