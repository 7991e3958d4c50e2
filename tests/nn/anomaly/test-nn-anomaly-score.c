/* SPDX-License-Identifier: Apache-2.0 */
/* The device half of anomaly detection on its own: built with -std=c99
 * -pedantic -Werror and no GLib (so the header's portable part and
 * em-nn-anomaly-score.c stand alone), checked against hand-worked values.
 * Prints TAP. */
#define EM_NN_ANOMALY_PORTABLE_ONLY
#include "em-nn-anomaly.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int n_test, n_failed;

static void
check_close (double got, double want, double tol, const char *what)
{
  int ok = fabs (got - want) <= tol * (fabs (want) > 1.0 ? fabs (want) : 1.0);

  n_test++;
  if (!ok)
    n_failed++;
  printf ("%s %d - %s (got %.9g, want %.9g)\n", ok ? "ok" : "not ok", n_test, what, got, want);
}

static void
test_kmeans (void)
{
  static const float centroids[4] = { 0, 0, 10, 0 };
  static const float radius[2] = { 2, 0.5f };
  EmNnKmeansModel m;
  float x[2];

  m.k = 2;
  m.dim = 2;
  m.centroids = centroids;
  m.radius = radius;
  x[0] = 1; x[1] = 0;
  check_close (em_nn_kmeans_score (&m, x), 0.5, 1e-6, "kmeans: inside cluster 0");
  x[0] = 9; x[1] = 0;
  check_close (em_nn_kmeans_score (&m, x), 2.0, 1e-6, "kmeans: the nearest cluster's own radius");
  x[0] = 5; x[1] = 0;
  check_close (em_nn_kmeans_score (&m, x), 2.5, 1e-6, "kmeans: a tie goes to the first cluster");
  x[0] = 4; x[1] = 3;
  check_close (em_nn_kmeans_score (&m, x), 2.5, 1e-6, "kmeans: euclidean distance");

  /* A wide cluster next to a tight one: the point belongs to the tight
   * one by distance and is judged by its radius (1 / 0.5), not by the
   * smallest distance/radius ratio (3 / 10). */
  {
    static const float c2[4] = { 0, 0, 4, 0 };
    static const float r2[2] = { 10, 0.5f };

    m.centroids = c2;
    m.radius = r2;
    x[0] = 3; x[1] = 0;
    check_close (em_nn_kmeans_score (&m, x), 2.0, 1e-6, "kmeans: judged by the nearest centroid's radius");
  }
}

/* Reference NLL in double with the full precision P = L Lᵀ multiplied out,
 * not the triangular product the kernel uses. */
static double
ref_full (const float *log_w, const float *means, const float *L, const float *log_norm, int k, int dim,
          const float *x)
{
  double top = -1e300, lp[4], sum = 0.0;
  int c, i, j, t;

  for (c = 0; c < k; c++)
    {
      double maha = 0.0;
      for (i = 0; i < dim; i++)
        for (j = 0; j < dim; j++)
          {
            double p = 0.0;
            for (t = 0; t < dim; t++)
              p += (double) L[(c * dim + i) * dim + t] * L[(c * dim + j) * dim + t];
            maha += (x[i] - means[c * dim + i]) * p * (x[j] - means[c * dim + j]);
          }
      lp[c] = log_w[c] + log_norm[c] - 0.5 * maha;
      if (lp[c] > top)
        top = lp[c];
    }
  for (c = 0; c < k; c++)
    sum += exp (lp[c] - top);
  return -(top + log (sum));
}

static void
test_gmm (void)
{
  const double half_log_2pi = 0.5 * log (2.0 * 3.14159265358979323846);
  /* One diagonal component in 1-D: mean 0, variance 4. */
  static const float w1[1] = { 0 }, mu1[1] = { 0 }, iv1[1] = { 0.25f };
  float norm1[1];
  /* Two full components in 3-D. */
  static const float w2[2] = { -0.35667494f, -1.2039728f };   /* log 0.7, log 0.3 */
  static const float mu2[6] = { 0, 1, 2,   4, -1, 0.5f };
  static const float L2[18] = {
    1.2f, 0, 0,   -0.4f, 0.9f, 0,   0.3f, 0.2f, 2.0f,
    0.5f, 0, 0,   0.1f, 1.5f, 0,   -0.6f, 0.25f, 0.8f,
  };
  float norm2[2];
  EmNnGmmModel m;
  float x[3], scratch[3];
  int c, j;

  norm1[0] = (float) (-half_log_2pi - 0.5 * log (4.0));
  memset (&m, 0, sizeof m);
  m.k = 1;
  m.dim = 1;
  m.full = 0;
  m.log_weights = w1;
  m.means = mu1;
  m.precision = iv1;
  m.log_norm = norm1;
  x[0] = 2;
  check_close (em_nn_gmm_score (&m, x, NULL), half_log_2pi + 0.5 * log (4.0) + 0.5, 1e-6,
               "gmm diagonal 1-D: NLL of a point one sd out");

  for (c = 0; c < 2; c++)
    {
      double log_det_p = 0.0;
      for (j = 0; j < 3; j++)
        log_det_p += 2.0 * log (L2[(c * 3 + j) * 3 + j]);
      norm2[c] = (float) (-3.0 * half_log_2pi + 0.5 * log_det_p);
    }
  m.k = 2;
  m.dim = 3;
  m.full = 1;
  m.log_weights = w2;
  m.means = mu2;
  m.precision = L2;
  m.log_norm = norm2;
  {
    static const float points[5][3] = {
      { 0, 1, 2 }, { 4, -1, 0.5f }, { 2, 0, 1 }, { -1.5f, 2.5f, 0.3f }, { 3, 3, -3 },
    };
    int p;
    for (p = 0; p < 5; p++)
      {
        char what[80];
        double want = ref_full (w2, mu2, L2, norm2, 2, 3, points[p]);

        memcpy (x, points[p], sizeof x);
        sprintf (what, "gmm full 3-D, point %d, with scratch", p);
        check_close (em_nn_gmm_score (&m, x, scratch), want, 1e-5, what);
        sprintf (what, "gmm full 3-D, point %d, scratch NULL", p);
        check_close (em_nn_gmm_score (&m, x, NULL), want, 1e-5, what);
      }
  }
  /* So far out that every exp(log p) underflows a float: log-sum-exp
   * must still give the finite answer. */
  x[0] = 300; x[1] = -200; x[2] = 250;
  check_close (em_nn_gmm_score (&m, x, scratch), ref_full (w2, mu2, L2, norm2, 2, 3, x), 1e-5,
               "gmm full: far point without underflow");
}

int
main (void)
{
  test_kmeans ();
  test_gmm ();
  printf ("1..%d\n", n_test);
  return n_failed > 0;
}
