/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include "em-error.h"
#include "em-projection.h"

static double
normal (GRand *rand)
{
  double u = 1 - g_rand_double (rand), v = g_rand_double (rand);
  return sqrt (-2 * log (u)) * cos (2 * G_PI * v);
}

/* Two orthogonal ±1 patterns (Hadamard rows 1 and 2): orthogonal over any
 * multiple of four columns, and every column has the same |loading|, so
 * standardising the columns does not turn the principal axes. */
static double
axis_u (gsize j)
{
  return j & 1 ? -1 : 1;
}

static double
axis_v (gsize j)
{
  return j & 2 ? -1 : 1;
}

/* Elongated Gaussian: std 3·√d along u/|u|, 1.5·√d along v/|v|, 1 across,
 * then each column gets its own scale and offset (which standardising must
 * undo). */
static float *
elongated (GRand *rand, gsize n, gsize d)
{
  float *x = g_new (float, n * d);

  for (gsize i = 0; i < n; i++)
    {
      double a = 3 * normal (rand), b = 1.5 * normal (rand);
      for (gsize j = 0; j < d; j++)
        {
          double v = a * axis_u (j) + b * axis_v (j) + normal (rand);
          x[i * d + j] = (float) (v * (0.5 + (j % 7) * 0.75) + 100.0 * (j % 5));
        }
    }
  return x;
}

/* Checks output column @c as PCA scores s = Z·w of the standardised data Z:
 * g = Zᵀs / n = C·w must be λ·w with |w| = 1 and λ = var(s), so Z·ĝ must
 * give s back (the eigenvector residual, returned), and ĝ must be the known
 * axis (|cos| returned in @cosine). */
static double
check_axis (const float *x, gsize n, gsize d, const float *out, guint c, double (*axis) (gsize),
            double *cosine)
{
  g_autofree double *mean = g_new0 (double, d);
  g_autofree double *sd = g_new0 (double, d);
  g_autofree double *g = g_new0 (double, d);
  double norm = 0, dot = 0, lambda = 0, res = 0;

  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < d; j++)
      mean[j] += x[i * d + j] / (double) n;
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < d; j++)
      sd[j] += (x[i * d + j] - mean[j]) * (x[i * d + j] - mean[j]) / (double) n;
  for (gsize j = 0; j < d; j++)
    sd[j] = sqrt (sd[j]);
  for (gsize i = 0; i < n; i++)
    {
      lambda += out[2 * i + c] * (double) out[2 * i + c] / (double) n;
      for (gsize j = 0; j < d; j++)
        g[j] += (x[i * d + j] - mean[j]) / sd[j] * out[2 * i + c] / (double) n;
    }
  for (gsize j = 0; j < d; j++)
    {
      norm += g[j] * g[j];
      dot += g[j] * axis (j);
    }
  norm = sqrt (norm);
  *cosine = fabs (dot) / (norm * sqrt ((double) d));
  g_assert_cmpfloat (fabs (norm - lambda), <, 1e-3 * lambda);
  for (gsize i = 0; i < n; i++)
    {
      double s = 0;
      for (gsize j = 0; j < d; j++)
        s += (x[i * d + j] - mean[j]) / sd[j] * g[j] / norm;
      res += (s - out[2 * i + c]) * (s - out[2 * i + c]);
    }
  return sqrt (res / (n * lambda));
}

static void
test_pca_axis (gconstpointer data)
{
  gsize d = GPOINTER_TO_SIZE (data), n = 2000;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autofree float *x = elongated (rand, n, d);
  g_autofree float *out = g_new (float, 2 * n);
  g_autofree float *again = g_new (float, 2 * n);
  g_autoptr(GError) error = NULL;
  double var0 = 0, var1 = 0, cos_u, cos_v, res_u, res_v;

  g_assert_true (em_projection_pca (x, n, d, out, &error));
  g_assert_no_error (error);
  res_u = check_axis (x, n, d, out, 0, axis_u, &cos_u);
  res_v = check_axis (x, n, d, out, 1, axis_v, &cos_v);
  g_test_message ("d = %" G_GSIZE_FORMAT ": |cos| to axis 1 %.6f, to axis 2 %.6f; residuals %.2g %.2g",
                  d, cos_u, cos_v, res_u, res_v);
  g_assert_cmpfloat (res_u, <, 1e-4);
  g_assert_cmpfloat (res_v, <, 1e-4);
  g_assert_cmpfloat (cos_u, >, 0.999);
  g_assert_cmpfloat (cos_v, >, 0.999);
  for (gsize i = 0; i < n; i++)
    {
      var0 += out[2 * i] * out[2 * i];
      var1 += out[2 * i + 1] * out[2 * i + 1];
    }
  g_assert_cmpfloat (var0, >, var1);
  g_assert_true (em_projection_pca (x, n, d, again, &error));
  g_assert_cmpmem (out, 2 * n * sizeof (float), again, 2 * n * sizeof (float));
}

static void
test_pca_constant_column (void)
{
  const gsize n = 500, d = 6;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autofree float *x = elongated (rand, n, d);
  g_autofree float *with = g_new (float, n * (d + 1));
  g_autofree float *out = g_new (float, 2 * n);
  g_autofree float *ref = g_new (float, 2 * n);
  g_autoptr(GError) error = NULL;

  /* The same data with a constant column inserted at index 2. */
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0, k = 0; j < d + 1; j++)
      with[i * (d + 1) + j] = j == 2 ? 3.25f : x[i * d + k++];
  g_assert_true (em_projection_pca (x, n, d, ref, &error));
  g_assert_true (em_projection_pca (with, n, d + 1, out, &error));
  g_assert_no_error (error);
  for (gsize e = 0; e < 2 * n; e++)
    {
      g_assert_true (isfinite (out[e]));
      g_assert_cmpfloat_with_epsilon (out[e], ref[e], 1e-4);
    }

  /* Nothing varies: all zeros, no NaN. One varying column: a line. */
  for (gsize e = 0; e < n * d; e++)
    x[e] = 1.5f;
  g_assert_true (em_projection_pca (x, n, d, out, &error));
  for (gsize e = 0; e < 2 * n; e++)
    g_assert_cmpfloat (out[e], ==, 0.0f);
  for (gsize i = 0; i < n; i++)
    x[i * d + 4] = (float) i;
  g_assert_true (em_projection_pca (x, n, d, out, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (out[0], -sqrt (3.0) * (n - 1) / sqrt ((double) n * n - 1), 1e-4);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (out[2 * i + 1], ==, 0.0f);
  /* A single row has no variance at all. */
  g_assert_true (em_projection_pca (x, 1, d, out, &error));
  g_assert_cmpfloat (out[0], ==, 0.0f);
  g_assert_cmpfloat (out[1], ==, 0.0f);
}

static void
test_pca_errors (void)
{
  float x[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
  float out[8];
  g_autoptr(GError) error = NULL;

  x[7] = NAN;
  g_assert_false (em_projection_pca (x, 4, 3, out, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "row 2"));
}

/* @n_clusters Gaussian blobs (std 1) around centres drawn with std 6 in @d
 * dimensions; labels in @labels. */
static float *
clusters (guint32 seed, gsize n, gsize d, guint n_clusters, guint *labels)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree double *centre = g_new (double, n_clusters * d);
  float *x = g_new (float, n * d);

  for (gsize e = 0; e < n_clusters * d; e++)
    centre[e] = 6 * normal (rand);
  for (gsize i = 0; i < n; i++)
    {
      labels[i] = i % n_clusters;
      for (gsize j = 0; j < d; j++)
        x[i * d + j] = (float) (centre[labels[i] * d + j] + normal (rand));
    }
  return x;
}

typedef struct {
  double        last;
  guint         calls;
  double        cancel_at;  /* cancel when reached; > 1: never */
  GCancellable *cancellable;
} Progress;

static void
on_progress (double fraction, gpointer user_data)
{
  Progress *p = user_data;

  g_assert_cmpfloat (fraction, >=, p->last);
  g_assert_cmpfloat (fraction, <=, 1.0);
  p->last = fraction;
  p->calls++;
  if (fraction >= p->cancel_at)
    g_cancellable_cancel (p->cancellable);
}

static void
test_tsne_clusters (void)
{
  const gsize n = 500, d = 40;
  const guint n_clusters = 5, vote_k = 5;
  g_autofree guint *labels = g_new (guint, n);
  g_autofree float *x = clusters (3, n, d, n_clusters, labels);
  g_autofree float *out = g_new (float, 2 * n);
  g_autoptr(GError) error = NULL;
  Progress progress = { 0, 0, 2.0, NULL };
  guint agree = 0;

  g_assert_true (em_projection_tsne (x, n, d, 30, 0, 1, on_progress, &progress, NULL, out, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (progress.last, ==, 1.0);
  g_assert_cmpuint (progress.calls, >=, 10);

  /* Leave-one-out 5-NN vote in the embedding against the true cluster. */
  for (gsize i = 0; i < n; i++)
    {
      float best_d[5];
      guint best_l[5], votes[5] = { 0 }, winner = 0;

      for (guint e = 0; e < vote_k; e++)
        best_d[e] = INFINITY;
      g_assert_true (isfinite (out[2 * i]) && isfinite (out[2 * i + 1]));
      for (gsize j = 0; j < n; j++)
        {
          float dx = out[2 * i] - out[2 * j], dy = out[2 * i + 1] - out[2 * j + 1];
          float dist = dx * dx + dy * dy;
          guint e;

          if (j == i || dist >= best_d[vote_k - 1])
            continue;
          for (e = vote_k - 1; e > 0 && best_d[e - 1] > dist; e--)
            {
              best_d[e] = best_d[e - 1];
              best_l[e] = best_l[e - 1];
            }
          best_d[e] = dist;
          best_l[e] = labels[j];
        }
      for (guint e = 0; e < vote_k; e++)
        votes[best_l[e]]++;
      for (guint c = 1; c < n_clusters; c++)
        if (votes[c] > votes[winner])
          winner = c;
      agree += winner == labels[i];
    }
  g_test_message ("kNN agreement %u / %" G_GSIZE_FORMAT, agree, n);
  g_assert_cmpuint (agree, >=, n * 95 / 100);
}

static void
test_tsne_determinism (void)
{
  const gsize n = 400, d = 20;
  g_autofree guint *labels = g_new (guint, n);
  g_autofree float *x = clusters (5, n, d, 3, labels);
  g_autofree float *a = g_new (float, 2 * n);
  g_autofree float *b = g_new (float, 2 * n);
  g_autofree float *c = g_new (float, 2 * n);
  g_autoptr(GError) error = NULL;

  g_assert_true (em_projection_tsne (x, n, d, 20, 300, 42, NULL, NULL, NULL, a, &error));
  g_assert_true (em_projection_tsne (x, n, d, 20, 300, 42, NULL, NULL, NULL, b, &error));
  g_assert_true (em_projection_tsne (x, n, d, 20, 300, 43, NULL, NULL, NULL, c, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (a, 2 * n * sizeof (float), b, 2 * n * sizeof (float));
  g_assert_true (memcmp (a, c, 2 * n * sizeof (float)) != 0);
}

static void
test_tsne_degenerate (void)
{
  const gsize n = 60, d = 5;
  g_autofree float *x = g_new (float, n * d);
  g_autofree float *out = g_new (float, 2 * n);
  g_autoptr(GError) error = NULL;

  /* All points identical, then identical except one feature with two
   * values: no NaN, and a finite layout. */
  for (gsize e = 0; e < n * d; e++)
    x[e] = 2.0f;
  g_assert_true (em_projection_tsne (x, n, d, 5, 200, 1, NULL, NULL, NULL, out, &error));
  g_assert_no_error (error);
  for (gsize e = 0; e < 2 * n; e++)
    g_assert_true (isfinite (out[e]));
  for (gsize i = 0; i < n; i++)
    x[i * d + 3] = (float) (i % 2);
  g_assert_true (em_projection_tsne (x, n, d, 5, 200, 1, NULL, NULL, NULL, out, &error));
  g_assert_no_error (error);
  for (gsize e = 0; e < 2 * n; e++)
    g_assert_true (isfinite (out[e]));
}

static void
test_tsne_errors (void)
{
  const gsize n = 50, d = 3;
  g_autofree float *x = g_new0 (float, 20001 * d);
  float out[2 * 50];
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GError *error = NULL;

  for (gsize e = 0; e < n * d; e++)
    x[e] = (float) (e % 17);
  g_assert_false (em_projection_tsne (x, 3, d, 0.5, 0, 1, NULL, NULL, NULL, out, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (em_projection_tsne (x, n, d, 30, 0, 1, NULL, NULL, NULL, out, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "perplexity"));
  g_clear_error (&error);
  g_assert_false (em_projection_tsne (x, n, d, 0, 0, 1, NULL, NULL, NULL, out, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (em_projection_tsne (x, 20001, d, 30, 0, 1, NULL, NULL, NULL, out, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "PCA"));
  g_clear_error (&error);

  x[10] = INFINITY;
  g_assert_false (em_projection_tsne (x, n, d, 5, 0, 1, NULL, NULL, NULL, out, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  x[10] = NAN;
  g_assert_false (em_projection_tsne (x, n, d, 5, 0, 1, NULL, NULL, NULL, out, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  x[10] = 1;

  g_cancellable_cancel (cancellable);
  g_assert_false (em_projection_tsne (x, n, d, 5, 0, 1, NULL, NULL, cancellable, out, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_CANCELLED);
  g_clear_error (&error);
}

static void
test_tsne_cancel_midway (void)
{
  const gsize n = 300, d = 10;
  g_autofree guint *labels = g_new (guint, n);
  g_autofree float *x = clusters (9, n, d, 3, labels);
  g_autofree float *out = g_new (float, 2 * n);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Progress progress = { 0, 0, 0.5, cancellable };

  for (gsize e = 0; e < 2 * n; e++)
    out[e] = -7.0f;
  g_assert_false (em_projection_tsne (x, n, d, 10, 0, 1, on_progress, &progress, cancellable, out, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_CANCELLED);
  g_assert_cmpfloat (progress.last, <, 0.6);
  /* Output is written only on success. */
  for (gsize e = 0; e < 2 * n; e++)
    g_assert_cmpfloat (out[e], ==, -7.0f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* d = 8: whole Jacobi; 128: subspace iteration on the correlation matrix;
   * 1100: subspace iteration multiplying by the data. */
  g_test_add_data_func ("/projection/pca/axis/8", GSIZE_TO_POINTER (8), test_pca_axis);
  g_test_add_data_func ("/projection/pca/axis/128", GSIZE_TO_POINTER (128), test_pca_axis);
  g_test_add_data_func ("/projection/pca/axis/1100", GSIZE_TO_POINTER (1100), test_pca_axis);
  g_test_add_func ("/projection/pca/constant-column", test_pca_constant_column);
  g_test_add_func ("/projection/pca/errors", test_pca_errors);
  g_test_add_func ("/projection/tsne/clusters", test_tsne_clusters);
  g_test_add_func ("/projection/tsne/determinism", test_tsne_determinism);
  g_test_add_func ("/projection/tsne/degenerate", test_tsne_degenerate);
  g_test_add_func ("/projection/tsne/errors", test_tsne_errors);
  g_test_add_func ("/projection/tsne/cancel-midway", test_tsne_cancel_midway);
  return g_test_run ();
}
