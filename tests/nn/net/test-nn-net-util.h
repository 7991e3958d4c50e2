/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the em-nn-net test programs. */
#pragma once

#include <math.h>
#include <string.h>
#include "em-nn-net.h"
#include "em-nn-kernels.h"

typedef enum { X_UNIFORM, X_DISTINCT, X_AWAY } XFill;

/* A model from JSON with Glorot weights and, unlike Keras' defaults,
 * non-trivial biases and batchnorm parameters. */
static inline EmNnModel *
make_model (const char *json, guint64 seed)
{
  g_autoptr(GError) error = NULL;
  EmNnModel *m = em_nn_model_new_from_json (json, &error);
  g_autoptr(GRand) r = g_rand_new_with_seed ((guint32) seed + 100);

  g_assert_no_error (error);
  g_assert_nonnull (m);
  em_nn_model_init_weights (m, seed);
  /* Non-trivial biases and batchnorm parameters, so their gradients and
   * their effect on the input gradients are exercised too. */
  for (guint i = 0; i < m->layers->len; i++)
    {
      EmNnLayer *l = g_ptr_array_index (m->layers, i);
      for (gsize k = 0; l->bias != NULL && k < l->n_bias; k++)
        l->bias[k] = (float) g_rand_double_range (r, -0.3, 0.3);
      if (l->gamma != NULL)
        for (int k = 0; k < l->in.c; k++)
          {
            l->gamma[k] = (float) g_rand_double_range (r, 0.5, 1.5);
            l->beta[k] = (float) g_rand_double_range (r, -0.3, 0.3);
            l->moving_mean[k] = (float) g_rand_double_range (r, -0.2, 0.2);
            l->moving_var[k] = (float) g_rand_double_range (r, 0.5, 1.5);
          }
    }
  return m;
}

static inline void
fill_x (float *x, gsize count, XFill how, GRand *r)
{
  if (how == X_DISTINCT)
    {
      /* A shuffled ladder: every pair differs by far more than 2h. */
      double step = MAX (0.004, 2.0 / count);
      for (gsize i = 0; i < count; i++)
        x[i] = (float) ((i - count / 2.0) * step);
      for (gsize i = count; i > 1; i--)
        {
          gsize j = g_rand_int_range (r, 0, (gint32) i);
          float t = x[i - 1];
          x[i - 1] = x[j];
          x[j] = t;
        }
      return;
    }
  for (gsize i = 0; i < count; i++)
    {
      if (how == X_UNIFORM)
        x[i] = (float) g_rand_double_range (r, -1.0, 1.0);
      else
        do
          x[i] = (float) g_rand_double_range (r, -8.0, 8.0);
        while (fabsf (x[i]) < 0.05f || fabsf (x[i] - 6.0f) < 0.05f);
    }
}

