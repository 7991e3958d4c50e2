/* SPDX-License-Identifier: Apache-2.0 */
/* K-means anomaly detection: centroids against the true blob means, the
 * radius contract (training windows score <= 1), determinism for a seed,
 * axis selection, every argument error and cancellation. */
#include <math.h>
#include <string.h>
#include "anomaly-test-data.h"
#include "em-nn-anomaly.h"
#include "em-nn-model.h"

static const double blob_means[3 * 2] = { 0, 0, 10, 0, 0, 10 };
static const int blob_counts[3] = { 100, 80, 120 };
#define N_BLOB 300

static void
make_blobs (float *x, int n_features, const int *axes, guint32 seed)
{
  test_blobs (x, n_features, axes, 2, 3, blob_counts, blob_means, NULL, 0.5, seed);
}

/* Index of the centroid nearest to (a, b). */
static int
nearest_centroid (const EmNnKmeansModel *m, double a, double b, double *dist)
{
  int best = -1;

  *dist = G_MAXDOUBLE;
  for (int c = 0; c < m->k; c++)
    {
      double d = hypot (m->centroids[c * 2] - a, m->centroids[c * 2 + 1] - b);
      if (d < *dist)
        {
          *dist = d;
          best = c;
        }
    }
  return best;
}

static void
test_kmeans_blobs (void)
{
  static const int axes[2] = { 0, 1 };
  g_autofree float *x = g_new (float, N_BLOB * 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnAnomaly) a = NULL;
  gboolean used[3] = { FALSE, FALSE, FALSE };
  float max_train = 0.0f, far, centre;

  make_blobs (x, 2, axes, 1);
  a = em_nn_kmeans_fit (x, N_BLOB, 2, NULL, 0, 3, 42, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (a);
  g_assert_false (a->is_gmm);
  g_assert_cmpint (a->n_axes, ==, 2);
  g_assert_cmpint (a->axes[0], ==, 0);
  g_assert_cmpint (a->axes[1], ==, 1);
  g_assert_cmpint (a->kmeans.k, ==, 3);
  g_assert_cmpint (a->kmeans.dim, ==, 2);

  /* Each true mean has its own centroid within 0.2 (the standard error
   * of a blob mean is 0.5/√80 ≈ 0.06). */
  for (int b = 0; b < 3; b++)
    {
      double dist;
      int c = nearest_centroid (&a->kmeans, blob_means[b * 2], blob_means[b * 2 + 1], &dist);

      g_test_message ("blob %d: centroid %d at (%.4f, %.4f), off by %.4f, radius %.4f", b, c,
                      a->kmeans.centroids[c * 2], a->kmeans.centroids[c * 2 + 1], dist,
                      a->kmeans.radius[c]);
      g_assert_cmpfloat (dist, <, 0.2);
      g_assert_false (used[c]);
      used[c] = TRUE;
      /* A radius is the farthest of ~100 points at sd 0.5: about 1.5–2.5. */
      g_assert_cmpfloat (a->kmeans.radius[c], >, 1.0);
      g_assert_cmpfloat (a->kmeans.radius[c], <, 3.5);
    }

  for (int i = 0; i < N_BLOB; i++)
    max_train = MAX (max_train, em_nn_anomaly_score (a, x + i * 2));
  g_test_message ("largest training score %.6f", max_train);
  g_assert_cmpfloat (max_train, <=, 1.0f);
  /* The farthest point of some cluster defines its radius: ~1. */
  g_assert_cmpfloat (max_train, >, 0.99f);

  {
    const float p_far[2] = { 40, -30 }, p_centre[2] = { 10, 0 };

    far = em_nn_anomaly_score (a, p_far);
    centre = em_nn_anomaly_score (a, p_centre);
  }
  g_test_message ("score far %.3f, at a blob mean %.3f", far, centre);
  g_assert_cmpfloat (far, >, 10.0f);
  g_assert_cmpfloat (centre, <, 0.2f);

  /* The score is distance / radius of the nearest centroid, by hand. */
  {
    const float p[2] = { 3.0f, 1.0f };
    double dist;
    int c = nearest_centroid (&a->kmeans, 3.0, 1.0, &dist);

    g_assert_cmpfloat_with_epsilon (em_nn_kmeans_score (&a->kmeans, p), dist / a->kmeans.radius[c], 1e-5);
  }
}

static void
test_kmeans_deterministic (void)
{
  static const int axes[2] = { 0, 1 };
  g_autofree float *x = g_new (float, N_BLOB * 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnAnomaly) a = NULL, b = NULL, c = NULL;
  gboolean differs = FALSE;

  make_blobs (x, 2, axes, 2);
  a = em_nn_kmeans_fit (x, N_BLOB, 2, NULL, 0, 3, 7, NULL, &error);
  g_assert_no_error (error);
  b = em_nn_kmeans_fit (x, N_BLOB, 2, NULL, 0, 3, 7, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (a->kmeans.centroids, 6 * sizeof (float), b->kmeans.centroids, 6 * sizeof (float));
  g_assert_cmpmem (a->kmeans.radius, 3 * sizeof (float), b->kmeans.radius, 3 * sizeof (float));

  /* Another seed still finds the blobs, but the seeding differs, which
   * shows in the order of the centroids for at least one of a few seeds. */
  for (guint64 seed = 8; seed < 16 && !differs; seed++)
    {
      g_clear_pointer (&c, em_nn_anomaly_free);
      c = em_nn_kmeans_fit (x, N_BLOB, 2, NULL, 0, 3, seed, NULL, &error);
      g_assert_no_error (error);
      differs = memcmp (a->kmeans.centroids, c->kmeans.centroids, 6 * sizeof (float)) != 0;
    }
  g_assert_true (differs);
}

/* Only the chosen axes count: the others hold NaN and garbage, and the
 * centroids come out in the order the axes were given. */
static void
test_kmeans_axes (void)
{
  static const int blob_axes[2] = { 3, 1 };
  static const int axes[2] = { 3, 1 };
  const int nf = 5;
  g_autofree float *x = g_new (float, N_BLOB * nf);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnAnomaly) a = NULL;
  float v[5] = { 0 };

  for (int i = 0; i < N_BLOB; i++)
    {
      x[i * nf + 0] = NAN;
      x[i * nf + 2] = (float) (i % 7) * 1000.0f;
      x[i * nf + 4] = i % 2 ? INFINITY : -1e30f;
    }
  make_blobs (x, nf, blob_axes, 3);
  a = em_nn_kmeans_fit (x, N_BLOB, nf, axes, 2, 3, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->n_axes, ==, 2);
  g_assert_cmpint (a->axes[0], ==, 3);
  g_assert_cmpint (a->axes[1], ==, 1);
  for (int b = 0; b < 3; b++)
    {
      double dist;

      nearest_centroid (&a->kmeans, blob_means[b * 2], blob_means[b * 2 + 1], &dist);
      g_assert_cmpfloat (dist, <, 0.2);
    }

  /* Changing an unchosen axis leaves the score alone; a chosen one does not. */
  v[3] = 10.0f;
  v[1] = 0.5f;
  {
    float s = em_nn_anomaly_score (a, v);

    v[0] = 1e6f;
    v[2] = -1e6f;
    v[4] = NAN;
    g_assert_cmpfloat (em_nn_anomaly_score (a, v), ==, s);
    v[1] = 30.0f;
    g_assert_cmpfloat (em_nn_anomaly_score (a, v), >, 5.0f);
  }
}

/* Many axes: em_nn_anomaly_score() gathers into the heap beyond 64. */
static void
test_kmeans_wide (void)
{
  const int nf = 70, n = 40;
  g_autofree float *x = g_new (float, n * nf);
  g_autofree float *probe = g_new0 (float, nf);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnAnomaly) a = NULL;

  for (int i = 0; i < n; i++)
    for (int j = 0; j < nf; j++)
      x[i * nf + j] = (float) ((i % 2) * 100 + (i * 31 + j * 17) % 11) * 0.1f;
  a = em_nn_kmeans_fit (x, n, nf, NULL, 0, 2, 3, NULL, &error);
  g_assert_no_error (error);
  for (int i = 0; i < n; i++)
    g_assert_cmpfloat (em_nn_anomaly_score (a, x + i * nf), <=, 1.0f);
  probe[69] = 500.0f;
  g_assert_cmpfloat (em_nn_anomaly_score (a, probe), >, 10.0f);
}

/* All windows equal: radius 0 gets a floor, the training point scores
 * <= 1 and anything else is far outside. */
static void
test_kmeans_identical (void)
{
  float x[6 * 2];
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnAnomaly) a = NULL;
  const float off[2] = { 1.5f, 2.0f };

  for (int i = 0; i < 12; i++)
    x[i] = i % 2 ? 2.0f : 1.0f;
  a = em_nn_kmeans_fit (x, 6, 2, NULL, 0, 3, 1, NULL, &error);
  g_assert_no_error (error);
  for (int c = 0; c < 3; c++)
    g_assert_cmpfloat (a->kmeans.radius[c], >, 0.0f);
  g_assert_cmpfloat (em_nn_anomaly_score (a, x), <=, 1.0f);
  g_assert_cmpfloat (em_nn_anomaly_score (a, off), >, 1e3f);
}

static void
expect_error (EmNnAnomaly *a, GError *error, const char *needle)
{
  g_assert_null (a);
  g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA);
  g_test_message ("error: %s", error->message);
  g_assert_null (strchr (error->message, '\n'));
  g_assert_nonnull (strstr (error->message, needle));
}

static void
test_errors (void)
{
  float x[20 * 4];
  static const int axes_ok[2] = { 0, 3 }, axes_bad[2] = { 0, 4 }, axes_neg[1] = { -1 };

  for (int i = 0; i < 80; i++)
    x[i] = (float) ((i * 7) % 13);

  for (int gmm = 0; gmm < 2; gmm++)
    {
#define FIT(xx, n, axes, n_axes, k)                                                      \
  (gmm ? em_nn_gmm_fit (xx, n, 4, axes, n_axes, k, TRUE, 1, NULL, &error)              \
       : em_nn_kmeans_fit (xx, n, 4, axes, n_axes, k, 1, NULL, &error))
      GError *error = NULL;
      EmNnAnomaly *a;

      a = FIT (x, 20, NULL, 0, 0);
      expect_error (a, error, "k is 0");
      g_clear_error (&error);
      a = FIT (x, 20, NULL, 0, -2);
      expect_error (a, error, "k is -2");
      g_clear_error (&error);
      a = FIT (x, 3, NULL, 0, 4);
      expect_error (a, error, "3 windows for k = 4");
      g_clear_error (&error);
      a = FIT (x, 20, axes_ok, 0, 2);
      expect_error (a, error, "no axes chosen");
      g_clear_error (&error);
      a = FIT (x, 20, axes_bad, 2, 2);
      expect_error (a, error, "axis 4 is out of range");
      g_clear_error (&error);
      a = FIT (x, 20, axes_neg, 1, 2);
      expect_error (a, error, "axis -1 is out of range");
      g_clear_error (&error);

      x[12 * 4 + 3] = NAN;
      a = FIT (x, 20, NULL, 0, 2);
      expect_error (a, error, "window 12, axis 3 is NaN");
      g_assert_cmpstr (error->message, ==, "window 12, axis 3 is NaN");
      g_clear_error (&error);
      /* ...but not when axis 3 is left out. */
      {
        static const int axes_012[3] = { 0, 1, 2 };
        a = FIT (x, 20, axes_012, 3, 2);
        g_assert_no_error (error);
        g_assert_nonnull (a);
        em_nn_anomaly_free (a);
      }
      x[12 * 4 + 3] = 1.0f;
      x[5 * 4 + 0] = -INFINITY;
      a = FIT (x, 20, axes_ok, 2, 2);
      expect_error (a, error, "window 5, axis 0 is infinite");
      g_clear_error (&error);
      x[5 * 4 + 0] = 0.0f;
#undef FIT
    }
}

static void
test_gmm_singular (void)
{
  float x[50];
  static const int twice[2] = { 0, 0 };
  g_autoptr(GError) error = NULL;
  EmNnAnomaly *a;

  /* One axis used twice, at a scale where 1e-6 vanishes in the variance
   * (~1e12): numerically singular even after the regularization. */
  for (int i = 0; i < 50; i++)
    x[i] = (float) (1e6 * ((i * 37) % 50 - 25));
  a = em_nn_gmm_fit (x, 50, 1, twice, 2, 1, TRUE, 1, NULL, &error);
  expect_error (a, error, "singular");
  g_clear_error (&error);

  /* At unit scale the regularization is enough. */
  for (int i = 0; i < 50; i++)
    x[i] = (float) ((i * 37) % 50 - 25) / 25.0f;
  a = em_nn_gmm_fit (x, 50, 1, twice, 2, 1, TRUE, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (a);
  em_nn_anomaly_free (a);
  /* Diagonal covariance never is singular. */
  for (int i = 0; i < 50; i++)
    x[i] = (float) (1e6 * ((i * 37) % 50 - 25));
  a = em_nn_gmm_fit (x, 50, 1, twice, 2, 1, FALSE, 1, NULL, &error);
  g_assert_no_error (error);
  em_nn_anomaly_free (a);
}

static void
test_cancel (void)
{
  static const int axes[2] = { 0, 1 };
  g_autofree float *x = g_new (float, N_BLOB * 2);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  EmNnAnomaly *a;

  make_blobs (x, 2, axes, 4);
  g_cancellable_cancel (cancellable);
  a = em_nn_kmeans_fit (x, N_BLOB, 2, NULL, 0, 3, 1, cancellable, &error);
  g_assert_null (a);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  a = em_nn_gmm_fit (x, N_BLOB, 2, NULL, 0, 3, FALSE, 1, cancellable, &error);
  g_assert_null (a);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/anomaly/kmeans/blobs", test_kmeans_blobs);
  g_test_add_func ("/nn/anomaly/kmeans/deterministic", test_kmeans_deterministic);
  g_test_add_func ("/nn/anomaly/kmeans/axes", test_kmeans_axes);
  g_test_add_func ("/nn/anomaly/kmeans/wide", test_kmeans_wide);
  g_test_add_func ("/nn/anomaly/kmeans/identical", test_kmeans_identical);
  g_test_add_func ("/nn/anomaly/errors", test_errors);
  g_test_add_func ("/nn/anomaly/gmm/singular", test_gmm_singular);
  g_test_add_func ("/nn/anomaly/cancel", test_cancel);
  return g_test_run ();
}
