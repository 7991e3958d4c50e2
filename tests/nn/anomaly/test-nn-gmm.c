/* SPDX-License-Identifier: Apache-2.0 */
/* GMM anomaly detection: fitted means, weights and covariances against the
 * blobs that made the data (diagonal and full), scores ordered as they
 * should be, and the JSON round trip for every model kind plus refusal of
 * corrupt JSON. The densities themselves are checked against scipy by
 * gmm_reference.py. */
#include <math.h>
#include <string.h>
#include "anomaly-test-data.h"
#include "em-nn-anomaly.h"
#include "em-nn-model.h"

/* Blob 0: 200 points, correlated (Σ = C Cᵀ = [[1, 0.8], [0.8, 1]]);
 * blob 1: 100 points, axis-aligned with sd 0.5 and 0.3. */
static const double g_means[2 * 2] = { -3, 1, 4, -2 };
static const double g_chol[2 * 2 * 2] = { 1, 0, 0.8, 0.6,   0.5, 0, 0, 0.3 };
static const int g_counts[2] = { 200, 100 };
#define N_GMM 300

static EmNnAnomaly *
fit_blobs (gboolean full, float *x)
{
  static const int axes[2] = { 0, 1 };
  g_autoptr(GError) error = NULL;
  EmNnAnomaly *a;

  test_blobs (x, 2, axes, 2, 2, g_counts, g_means, g_chol, 0, 11);
  a = em_nn_gmm_fit (x, N_GMM, 2, NULL, 0, 2, full, 5, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (a);
  return a;
}

/* Component covariance Σ_c recovered from the stored precision. */
static void
component_cov (const EmNnGmmModel *m, int c, double cov[4])
{
  double p[4], det;

  if (!m->full)
    {
      cov[0] = 1.0 / m->precision[c * 2];
      cov[3] = 1.0 / m->precision[c * 2 + 1];
      cov[1] = cov[2] = 0.0;
      return;
    }
  {
    const float *L = m->precision + c * 4;

    g_assert_cmpfloat (L[1], ==, 0.0f);   /* lower triangular */
    p[0] = L[0] * L[0];
    p[1] = p[2] = L[2] * L[0];
    p[3] = L[2] * L[2] + L[3] * L[3];
  }
  det = p[0] * p[3] - p[1] * p[2];
  cov[0] = p[3] / det;
  cov[3] = p[0] / det;
  cov[1] = cov[2] = -p[1] / det;
}

static void
check_gmm (gboolean full)
{
  g_autofree float *x = g_new (float, N_GMM * 2);
  g_autoptr(EmNnAnomaly) a = fit_blobs (full, x);
  const EmNnGmmModel *m = &a->gmm;
  double wsum = 0.0, mean_train = 0.0;
  float far_score;

  g_assert_true (a->is_gmm);
  g_assert_cmpint (m->k, ==, 2);
  g_assert_cmpint (m->dim, ==, 2);
  g_assert_cmpint (m->full, ==, full ? 1 : 0);
  for (int b = 0; b < 2; b++)
    {
      int c = -1;
      double best = G_MAXDOUBLE, cov[4];
      const double *C = g_chol + b * 4;
      double true_cov[4] = { C[0] * C[0], C[0] * C[2], C[0] * C[2], C[2] * C[2] + C[3] * C[3] };

      for (int cc = 0; cc < 2; cc++)
        {
          double d = hypot (m->means[cc * 2] - g_means[b * 2], m->means[cc * 2 + 1] - g_means[b * 2 + 1]);
          if (d < best)
            {
              best = d;
              c = cc;
            }
        }
      component_cov (m, c, cov);
      g_test_message ("%s blob %d: component %d mean off by %.4f, weight %.4f, "
                      "cov [%.3f %.3f; %.3f] (true [%.3f %.3f; %.3f])",
                      full ? "full" : "diag", b, c, best, exp (m->log_weights[c]),
                      cov[0], cov[1], cov[3], true_cov[0], true_cov[1], true_cov[3]);
      /* Standard error of a blob mean ≤ 1/√100 = 0.1. */
      g_assert_cmpfloat (best, <, 0.25);
      g_assert_cmpfloat (fabs (exp (m->log_weights[c]) - g_counts[b] / (double) N_GMM), <, 0.02);
      /* Variances within 30 % (sampling error of ~100–200 points is ~10–15 %). */
      g_assert_cmpfloat (fabs (cov[0] / true_cov[0] - 1.0), <, 0.3);
      g_assert_cmpfloat (fabs (cov[3] / true_cov[3] - 1.0), <, 0.3);
      if (full)
        g_assert_cmpfloat (fabs (cov[1] - true_cov[1]), <, 0.15);
    }
  for (int c = 0; c < 2; c++)
    wsum += exp (m->log_weights[c]);
  g_assert_cmpfloat (fabs (wsum - 1.0), <, 1e-5);

  for (int i = 0; i < N_GMM; i++)
    mean_train += em_nn_anomaly_score (a, x + i * 2) / N_GMM;
  {
    const float far[2] = { 20, 20 }, centre[2] = { 4, -2 };
    const float along[2] = { -1.5f, 2.2f }, across[2] = { -1.8f, -0.2f };

    far_score = em_nn_anomaly_score (a, far);
    g_test_message ("mean training NLL %.4f, far %.1f, blob centre %.4f", mean_train, far_score,
                    em_nn_anomaly_score (a, centre));
    g_assert_cmpfloat (far_score, >, mean_train + 100.0);
    g_assert_cmpfloat (em_nn_anomaly_score (a, centre), <, mean_train);
    /* Equally far (~1.9) from blob 0's mean, one along the correlation and
     * one across it: only the full model tells them apart. */
    if (full)
      g_assert_cmpfloat (em_nn_anomaly_score (a, across), >, em_nn_anomaly_score (a, along) + 3.0);
  }
}

static void
test_gmm_diag (void)
{
  check_gmm (FALSE);
}

static void
test_gmm_full (void)
{
  check_gmm (TRUE);
}

/* One full component on data with a known covariance: the density at the
 * mean is exactly -log_norm, which is -(-log 2π - 1/2 log|Σ|). */
static void
test_gmm_single (void)
{
  float x[4 * 2] = { 1, 0, -1, 0, 0, 2, 0, -2 };   /* mean 0, Σ = diag(0.5, 2) */
  const float zero[2] = { 0, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnAnomaly) full = em_nn_gmm_fit (x, 4, 2, NULL, 0, 1, TRUE, 1, NULL, &error);
  g_autoptr(EmNnAnomaly) diag = em_nn_gmm_fit (x, 4, 2, NULL, 0, 1, FALSE, 1, NULL, &error);
  double expect = log (2.0 * G_PI) + 0.5 * log ((0.5 + 1e-6) * (2.0 + 1e-6));

  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (full->gmm.log_weights[0], 0.0, 1e-7);
  g_assert_cmpfloat_with_epsilon (em_nn_anomaly_score (full, zero), expect, 1e-5);
  g_assert_cmpfloat_with_epsilon (em_nn_anomaly_score (diag, zero), expect, 1e-5);
  /* One unit along axis 0 is maha 1/0.5 = 2, i.e. +1 in NLL. */
  g_assert_cmpfloat_with_epsilon (em_nn_anomaly_score (full, x), expect + 1.0, 1e-4);
  g_assert_cmpfloat_with_epsilon (em_nn_anomaly_score (diag, x), expect + 1.0, 1e-4);
}

static void
check_round_trip (EmNnAnomaly *a, const float *probe, int n_probe, int nf)
{
  g_autofree char *json = em_nn_anomaly_to_json (a);
  g_autofree char *json2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnAnomaly) b = em_nn_anomaly_from_json (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (b);
  g_assert_cmpint (b->is_gmm, ==, a->is_gmm);
  g_assert_cmpmem (b->axes, b->n_axes * sizeof (int), a->axes, a->n_axes * sizeof (int));
  for (int i = 0; i < n_probe; i++)
    {
      float sa = em_nn_anomaly_score (a, probe + i * nf), sb = em_nn_anomaly_score (b, probe + i * nf);
      g_assert_cmpmem (&sa, sizeof sa, &sb, sizeof sb);   /* bit for bit */
    }
  json2 = em_nn_anomaly_to_json (b);
  g_assert_cmpstr (json, ==, json2);
}

static void
test_json_round_trip (void)
{
  g_autofree float *x = g_new (float, N_GMM * 2);
  g_autoptr(EmNnAnomaly) diag = fit_blobs (FALSE, x);
  g_autoptr(EmNnAnomaly) full = fit_blobs (TRUE, x);
  g_autoptr(EmNnAnomaly) km = NULL;
  g_autoptr(GError) error = NULL;
  static const int axes[1] = { 1 };
  float probe[40 * 2];

  km = em_nn_kmeans_fit (x, N_GMM, 2, axes, 1, 3, 9, NULL, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 40; i++)
    {
      probe[i * 2] = x[i * 7 * 2] + (float) (i % 5) * 0.37f;
      probe[i * 2 + 1] = x[i * 7 * 2 + 1] - (float) (i % 3) * 1.9f;
    }
  check_round_trip (diag, probe, 40, 2);
  check_round_trip (full, probe, 40, 2);
  check_round_trip (km, probe, 40, 2);
}

static void
test_json_corrupt (void)
{
  static const char *const bad[] = {
    "",
    "not json",
    "[1, 2]",
    "{\"type\": \"svm\", \"version\": 1, \"k\": 1, \"dim\": 1, \"axes\": [0]}",
    "{\"type\": 3, \"version\": 1, \"k\": 1, \"dim\": 1, \"axes\": [0]}",
    "{\"type\": \"kmeans\", \"version\": 2, \"k\": 1, \"dim\": 1, \"axes\": [0], \"centroids\": [0], \"radius\": [1]}",
    "{\"type\": \"kmeans\", \"version\": 1, \"k\": 0, \"dim\": 1, \"axes\": [0], \"centroids\": [], \"radius\": []}",
    "{\"type\": \"kmeans\", \"version\": 1, \"k\": 1, \"dim\": 0, \"axes\": [], \"centroids\": [], \"radius\": [1]}",
    "{\"type\": \"kmeans\", \"version\": 1, \"k\": 1, \"dim\": 2, \"axes\": [0], \"centroids\": [0, 0], \"radius\": [1]}",
    "{\"type\": \"kmeans\", \"version\": 1, \"k\": 1, \"dim\": 1, \"axes\": [-1], \"centroids\": [0], \"radius\": [1]}",
    "{\"type\": \"kmeans\", \"version\": 1, \"k\": 1, \"dim\": 1, \"axes\": [0.5], \"centroids\": [0], \"radius\": [1]}",
    "{\"type\": \"kmeans\", \"version\": 1, \"k\": 1, \"dim\": 1, \"axes\": [0], \"radius\": [1]}",
    "{\"type\": \"kmeans\", \"version\": 1, \"k\": 2, \"dim\": 1, \"axes\": [0], \"centroids\": [0], \"radius\": [1, 1]}",
    "{\"type\": \"kmeans\", \"version\": 1, \"k\": 1, \"dim\": 1, \"axes\": [0], \"centroids\": [\"0\"], \"radius\": [1]}",
    "{\"type\": \"kmeans\", \"version\": 1, \"k\": 1, \"dim\": 1, \"axes\": [0], \"centroids\": [1e39], \"radius\": [1]}",
    "{\"type\": \"kmeans\", \"version\": 1, \"k\": 1, \"dim\": 1, \"axes\": [0], \"centroids\": [0], \"radius\": [0]}",
    "{\"type\": \"kmeans\", \"version\": 1, \"k\": 1, \"dim\": 1, \"axes\": [0], \"centroids\": [0], \"radius\": [-2]}",
    "{\"type\": \"gmm\", \"version\": 1, \"k\": 1, \"dim\": 1, \"axes\": [0], \"covariance\": \"sparse\", "
      "\"log_weights\": [0], \"means\": [0], \"precision\": [1], \"log_norm\": [-1]}",
    "{\"type\": \"gmm\", \"version\": 1, \"k\": 1, \"dim\": 2, \"axes\": [0, 1], \"covariance\": \"full\", "
      "\"log_weights\": [0], \"means\": [0, 0], \"precision\": [1, 0], \"log_norm\": [-1]}",
    "{\"type\": \"gmm\", \"version\": 1, \"k\": 1, \"dim\": 2, \"axes\": [0, 1], \"covariance\": \"full\", "
      "\"log_weights\": [0], \"means\": [0, 0], \"precision\": [1, 0, 0.5, 0], \"log_norm\": [-1]}",
    "{\"type\": \"gmm\", \"version\": 1, \"k\": 1, \"dim\": 1, \"axes\": [0], \"covariance\": \"diagonal\", "
      "\"log_weights\": [null], \"means\": [0], \"precision\": [1], \"log_norm\": [-1]}",
    "{\"type\": \"gmm\", \"version\": 1, \"k\": 1, \"dim\": 1, \"axes\": [0], \"covariance\": \"diagonal\", "
      "\"log_weights\": [0], \"means\": [0], \"precision\": [1]}",
  };
  /* The same shapes, well formed, do load: the refusals above are about
   * the one thing changed in each. */
  static const char *const good[] = {
    "{\"type\": \"kmeans\", \"version\": 1, \"k\": 1, \"dim\": 1, \"axes\": [0], \"centroids\": [0], \"radius\": [1]}",
    "{\"type\": \"gmm\", \"version\": 1, \"k\": 1, \"dim\": 2, \"axes\": [0, 1], \"covariance\": \"full\", "
      "\"log_weights\": [0], \"means\": [0, 0], \"precision\": [1, 0, 0.5, 2], \"log_norm\": [-1]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      EmNnAnomaly *a = em_nn_anomaly_from_json (bad[i], &error);

      g_assert_null (a);
      g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_CORRUPT);
      g_test_message ("bad %u: %s", i, error->message);
      g_assert_null (strchr (error->message, '\n'));
    }
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EmNnAnomaly) a = em_nn_anomaly_from_json (good[i], &error);
      const float probe[2] = { 0, 0 };

      g_assert_no_error (error);
      g_assert_true (isfinite (em_nn_anomaly_score (a, probe)));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/anomaly/gmm/diagonal", test_gmm_diag);
  g_test_add_func ("/nn/anomaly/gmm/full", test_gmm_full);
  g_test_add_func ("/nn/anomaly/gmm/single", test_gmm_single);
  g_test_add_func ("/nn/anomaly/json/round-trip", test_json_round_trip);
  g_test_add_func ("/nn/anomaly/json/corrupt", test_json_corrupt);
  return g_test_run ();
}
