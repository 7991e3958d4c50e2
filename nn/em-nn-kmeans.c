/* SPDX-License-Identifier: Apache-2.0 */
/* K-means fitting for anomaly detection: argument checks shared with the
 * GMM, k-means++ seeding, Lloyd iterations, per-cluster radius. */
#include <float.h>
#include <math.h>
#include <string.h>
#include "em-nn-anomaly-private.h"
#include "em-nn-model.h"

#define KMEANS_MAX_ITERATIONS 300

gboolean
em_nn_anomaly_data_init (EmNnAnomalyData *d, const float *x, int n, int n_features,
                         const int *axes, int n_axes, int k, GError **error)
{
  int dim;

  memset (d, 0, sizeof *d);
  if (k < 1)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                   "anomaly model: k is %d, it needs at least 1 cluster", k);
      return FALSE;
    }
  if (n_features < 1)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                   "anomaly model: the feature vector has %d axes, it needs at least 1", n_features);
      return FALSE;
    }
  if (axes != NULL && n_axes < 1)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                   "anomaly model: no axes chosen (n_axes is %d)", n_axes);
      return FALSE;
    }
  if (axes != NULL)
    for (int a = 0; a < n_axes; a++)
      if (axes[a] < 0 || axes[a] >= n_features)
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                       "anomaly model: axis %d is out of range (the features have %d axes)",
                       axes[a], n_features);
          return FALSE;
        }
  if (n < k)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                   "anomaly model: %d windows for k = %d clusters, it needs at least k", MAX (n, 0), k);
      return FALSE;
    }
  dim = axes != NULL ? n_axes : n_features;
  if ((gsize) n > G_MAXSIZE / sizeof (double) / (gsize) dim)
    {
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                   "anomaly model: %d windows of %d axes do not fit in memory", n, dim);
      return FALSE;
    }

  d->n = n;
  d->dim = dim;
  d->axes = g_new (int, d->dim);
  for (int a = 0; a < d->dim; a++)
    d->axes[a] = axes != NULL ? axes[a] : a;
  d->x = g_new (double, (gsize) n * (gsize) dim);
  for (int i = 0; i < n; i++)
    for (int a = 0; a < d->dim; a++)
      {
        float v = x[(gsize) i * (gsize) n_features + (gsize) d->axes[a]];

        if (!isfinite (v))
          {
            g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
                         "window %d, axis %d is %s", i, d->axes[a], isnan (v) ? "NaN" : "infinite");
            em_nn_anomaly_data_clear (d);
            return FALSE;
          }
        d->x[(gsize) i * (gsize) d->dim + (gsize) a] = v;
      }
  return TRUE;
}

void
em_nn_anomaly_data_clear (EmNnAnomalyData *d)
{
  g_clear_pointer (&d->axes, g_free);
  g_clear_pointer (&d->x, g_free);
}

/* splitmix64: integer-only, so a seed gives the same model on every
 * platform (GRand's doubles are not specified that tightly). */
typedef struct {
  guint64 s;
} Prng;

static guint64
prng_next (Prng *p)
{
  guint64 z = (p->s += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 53 bits. */
static double
prng_uniform (Prng *p)
{
  return (double) (prng_next (p) >> 11) * (1.0 / 9007199254740992.0);
}

static int
prng_index (Prng *p, int n)
{
  return (int) (prng_next (p) % (guint64) n);
}

static double
dist2 (const double *a, const double *b, int dim)
{
  double s = 0.0;

  for (int j = 0; j < dim; j++)
    {
      double t = a[j] - b[j];
      s += t * t;
    }
  return s;
}

/* One index drawn with probability proportional to w (D² sampling); a
 * uniform one when every weight is 0 (all points sit on centroids). */
static int
draw_weighted (Prng *prng, const double *w, int n, double total)
{
  double r, cum = 0.0;
  int pick = -1;

  if (!(total > 0.0))
    return prng_index (prng, n);
  r = prng_uniform (prng) * total;
  for (int i = 0; i < n; i++)
    {
      if (w[i] <= 0.0)
        continue;
      pick = i;     /* the last positive one, should rounding leave r unreached */
      cum += w[i];
      if (cum > r)
        break;
    }
  return pick;
}

/* k-means++ seeding, in its greedy form: each new centroid is the best of
 * a few candidates drawn with probability proportional to the squared
 * distance to the nearest centroid so far (the one that lowers the total
 * most). Plain k-means++ with one candidate fairly often puts two seeds in
 * one blob and leaves Lloyd stuck with one centroid between two others. */
static void
seed_plus_plus (const EmNnAnomalyData *d, int k, Prng *prng, double *centroids)
{
  const int n = d->n, dim = d->dim;
  const int n_trials = 2 + (int) log ((double) k);
  g_autofree double *mind2 = g_new (double, n);
  g_autofree double *trial = g_new (double, n);
  g_autofree double *best_d2 = g_new (double, n);
  int pick = prng_index (prng, n);
  double total = 0.0;

  memcpy (centroids, d->x + (gsize) pick * dim, sizeof (double) * dim);
  for (int i = 0; i < n; i++)
    {
      mind2[i] = dist2 (d->x + (gsize) i * dim, centroids, dim);
      total += mind2[i];
    }
  for (int c = 1; c < k; c++)
    {
      double best_total = G_MAXDOUBLE;
      int best = 0;

      for (int t = 0; t < n_trials; t++)
        {
          int cand = draw_weighted (prng, mind2, n, total);
          const double *xc = d->x + (gsize) cand * dim;
          double sum = 0.0;

          for (int i = 0; i < n; i++)
            {
              trial[i] = MIN (mind2[i], dist2 (d->x + (gsize) i * dim, xc, dim));
              sum += trial[i];
            }
          if (sum < best_total)
            {
              best_total = sum;
              best = cand;
              memcpy (best_d2, trial, sizeof (double) * n);
            }
        }
      memcpy (centroids + (gsize) c * dim, d->x + (gsize) best * dim, sizeof (double) * dim);
      memcpy (mind2, best_d2, sizeof (double) * n);
      total = best_total;
    }
}

/* Nearest centroid for every point; TRUE when any assignment changed. */
static gboolean
assign_points (const EmNnAnomalyData *d, int k, const double *centroids, int *assign)
{
  gboolean changed = FALSE;

  for (int i = 0; i < d->n; i++)
    {
      const double *xi = d->x + (gsize) i * d->dim;
      double best = G_MAXDOUBLE;
      int best_c = 0;

      for (int c = 0; c < k; c++)
        {
          double t = dist2 (xi, centroids + (gsize) c * d->dim, d->dim);
          if (t < best)
            {
              best = t;
              best_c = c;
            }
        }
      if (assign[i] != best_c)
        changed = TRUE;
      assign[i] = best_c;
    }
  return changed;
}

/* Centroids become the means of their points; an empty cluster takes the
 * point farthest from its own centroid, which is the point the current
 * clustering explains worst. */
static void
update_centroids (const EmNnAnomalyData *d, int k, const int *assign, double *centroids)
{
  const int n = d->n, dim = d->dim;
  g_autofree int *count = g_new0 (int, k);
  g_autofree gboolean *taken = NULL;

  memset (centroids, 0, sizeof (double) * (gsize) k * dim);
  for (int i = 0; i < n; i++)
    {
      count[assign[i]]++;
      for (int j = 0; j < dim; j++)
        centroids[(gsize) assign[i] * dim + j] += d->x[(gsize) i * dim + j];
    }
  for (int c = 0; c < k; c++)
    if (count[c] > 0)
      for (int j = 0; j < dim; j++)
        centroids[(gsize) c * dim + j] /= count[c];

  for (int c = 0; c < k; c++)
    {
      double far = -1.0;
      int far_i = 0;

      if (count[c] > 0)
        continue;
      if (taken == NULL)
        taken = g_new0 (gboolean, n);
      for (int i = 0; i < n; i++)
        {
          double t;

          if (taken[i])
            continue;
          t = dist2 (d->x + (gsize) i * dim, centroids + (gsize) assign[i] * dim, dim);
          if (t > far)
            {
              far = t;
              far_i = i;
            }
        }
      taken[far_i] = TRUE;
      memcpy (centroids + (gsize) c * dim, d->x + (gsize) far_i * dim, sizeof (double) * dim);
    }
}

gboolean
em_nn_kmeans_run (const EmNnAnomalyData *d, int k, guint64 seed, double *centroids, int *assign,
                  GCancellable *cancellable, GError **error)
{
  Prng prng = { seed };

  seed_plus_plus (d, k, &prng, centroids);
  for (int i = 0; i < d->n; i++)
    assign[i] = -1;
  for (int iter = 0; iter < KMEANS_MAX_ITERATIONS; iter++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!assign_points (d, k, centroids, assign))
        return TRUE;
      update_centroids (d, k, assign, centroids);
    }
  /* Out of iterations: the centroids moved after the last assignment. */
  assign_points (d, k, centroids, assign);
  return TRUE;
}

EmNnAnomaly *
em_nn_kmeans_fit (const float *x, int n, int n_features, const int *axes, int n_axes, int k,
                  guint64 seed, GCancellable *cancellable, GError **error)
{
  EmNnAnomalyData d;
  g_autoptr(EmNnAnomaly) a = NULL;
  g_autofree double *centroids = NULL;
  g_autofree int *assign = NULL;
  g_autofree float *xf = NULL;
  float *cf, *radius;
  double spread = 0.0, floor_r;
  int dim;

  if (!em_nn_anomaly_data_init (&d, x, n, n_features, axes, n_axes, k, error))
    return NULL;
  dim = d.dim;
  centroids = g_new (double, (gsize) k * dim);
  assign = g_new (int, n);
  if (!em_nn_kmeans_run (&d, k, seed, centroids, assign, cancellable, error))
    {
      em_nn_anomaly_data_clear (&d);
      return NULL;
    }

  a = em_nn_anomaly_new_kmeans (k, d.axes, dim);
  cf = (float *) a->kmeans.centroids;
  radius = (float *) a->kmeans.radius;
  for (gsize i = 0; i < (gsize) k * dim; i++)
    cf[i] = (float) centroids[i];

  /* The radius is measured exactly the way em_nn_kmeans_score() measures
   * (float, nearest stored centroid), so every training window scores <= 1
   * by construction rather than by luck of rounding. */
  xf = g_new (float, dim);
  for (int i = 0; i < n; i++)
    {
      float best = G_MAXFLOAT;
      int best_c = 0;

      for (int j = 0; j < dim; j++)
        xf[j] = (float) d.x[(gsize) i * dim + j];
      for (int c = 0; c < k; c++)
        {
          float d2 = 0.0f;
          for (int j = 0; j < dim; j++)
            {
              float t = xf[j] - cf[(gsize) c * dim + j];
              d2 += t * t;
            }
          if (d2 < best)
            {
              best = d2;
              best_c = c;
            }
        }
      radius[best_c] = MAX (radius[best_c], sqrtf (best));
    }

  /* A cluster of identical points has radius 0; give it a floor relative
   * to how spread the data is, so the score stays finite yet large. */
  {
    g_autofree double *mean = g_new0 (double, dim);

    for (int i = 0; i < n; i++)
      for (int j = 0; j < dim; j++)
        mean[j] += d.x[(gsize) i * dim + j] / n;
    for (int i = 0; i < n; i++)
      spread += dist2 (d.x + (gsize) i * dim, mean, dim) / n;
    floor_r = MAX (1e-6 * sqrt (spread), (double) FLT_MIN);
  }
  /* The guard of a few ulps covers a device compiler contracting the
   * score's multiply-adds differently from this build. */
  for (int c = 0; c < k; c++)
    radius[c] = MAX (radius[c], (float) floor_r) * (1.0f + 8.0f * FLT_EPSILON);

  em_nn_anomaly_data_clear (&d);
  return g_steal_pointer (&a);
}
