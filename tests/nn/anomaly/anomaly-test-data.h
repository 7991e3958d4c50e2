/* SPDX-License-Identifier: Apache-2.0 */
/* Seeded Gaussian blobs for the anomaly tests. */
#pragma once

#include <math.h>
#include <glib.h>

/* A standard normal draw (Box–Muller; the second value is thrown away,
 * which costs nothing at these sizes and keeps the code obvious). */
static inline double
test_normal (GRand *rand)
{
  double u1 = 1.0 - g_rand_double (rand), u2 = g_rand_double (rand);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

/* Writes counts[b] points of blob b into x (row stride n_features): axis
 * axes[j] gets means[b][j] + chol[b] · z, chol a dim × dim lower factor
 * (NULL = identity × sd). Other axes are left as they are. */
static inline void
test_blobs (float *x, int n_features, const int *axes, int dim, int n_blobs, const int *counts,
            const double *means, const double *chol, double sd, guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  int row = 0;

  for (int b = 0; b < n_blobs; b++)
    for (int i = 0; i < counts[b]; i++, row++)
      {
        double z[16];

        g_assert_cmpint (dim, <=, 16);
        for (int j = 0; j < dim; j++)
          z[j] = test_normal (rand);
        for (int j = 0; j < dim; j++)
          {
            double v = means[b * dim + j];

            if (chol == NULL)
              v += sd * z[j];
            else
              for (int t = 0; t <= j; t++)
                v += chol[(b * dim + j) * dim + t] * z[t];
            x[row * n_features + axes[j]] = (float) v;
          }
      }
  g_rand_free (rand);
}
