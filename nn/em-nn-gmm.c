/* SPDX-License-Identifier: Apache-2.0 */
/* Gaussian mixture fitting by EM for anomaly detection. All the work is in
 * double; the model handed out holds what em_nn_gmm_score() needs (see the
 * convention at the top of em-nn-anomaly-score.c). */
#include <float.h>
#include <math.h>
#include <string.h>
#include "em-nn-anomaly-private.h"
#include "em-nn-model.h"

#define GMM_MAX_ITERATIONS 500
#define GMM_TOLERANCE      1e-6   /* on the mean log-likelihood per window */
#define GMM_REGULARIZATION 1e-6   /* added to every variance */
/* A Cholesky pivot² below this fraction of its diagonal entry means the
 * matrix is numerically singular (condition number beyond ~1e12). */
#define GMM_PIVOT_RATIO    1e-12
/* Below this many responsibility-weighted windows a component has nothing
 * left to estimate from and falls back to the global statistics. */
#define GMM_MIN_MASS       1e-8

typedef struct {
  int      k, dim;
  gboolean full;
  double  *w;          /* [k] */
  double  *mu;         /* [k][dim] */
  double  *cov;        /* full: [k][dim][dim], the lower Cholesky factor C of Σ
                        * (Σ = C Cᵀ); diagonal: [k][dim] variances */
  double  *log_norm;   /* [k] -dim/2 log 2π - 1/2 log|Σ| */
  double  *global_mu;  /* [dim] fallback for an emptied component */
  double  *global_cov; /* like one component of cov, before factoring */
} Params;

static void
params_clear (Params *p)
{
  g_free (p->w);
  g_free (p->mu);
  g_free (p->cov);
  g_free (p->log_norm);
  g_free (p->global_mu);
  g_free (p->global_cov);
}

static gsize
cov_size (const Params *p)
{
  return p->full ? (gsize) p->dim * p->dim : (gsize) p->dim;
}

/* In-place lower Cholesky of the dim × dim matrix a (only the lower
 * triangle is read; the upper is zeroed). FALSE when not positive definite
 * to working precision. */
static gboolean
cholesky (double *a, int dim)
{
  for (int j = 0; j < dim; j++)
    {
      double diag = a[j * dim + j], s = diag;

      for (int t = 0; t < j; t++)
        s -= a[j * dim + t] * a[j * dim + t];
      if (!isfinite (s) || s <= GMM_PIVOT_RATIO * fabs (diag) || s <= 0.0)
        return FALSE;
      a[j * dim + j] = sqrt (s);
      for (int i = j + 1; i < dim; i++)
        {
          double v = a[i * dim + j];

          for (int t = 0; t < j; t++)
            v -= a[i * dim + t] * a[j * dim + t];
          a[i * dim + j] = v / a[j * dim + j];
          a[j * dim + i] = 0.0;
        }
    }
  return TRUE;
}

static void
singular_error (GError **error, int c)
{
  g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_DATA,
               "GMM component %d: the full covariance is singular even after regularization "
               "(axes that duplicate each other at a large scale?)", c);
}

/* Weighted covariance of d around mu into out (full or diagonal), with the
 * regularization added. r: [n] weights with stride, total mass. */
static void
weighted_cov (const Params *p, const EmNnAnomalyData *d, const double *r, int r_stride,
              double mass, const double *mu, double *out)
{
  const int dim = d->dim;

  memset (out, 0, sizeof (double) * cov_size (p));
  for (int i = 0; i < d->n; i++)
    {
      const double *xi = d->x + (gsize) i * dim;
      double ri = r != NULL ? r[(gsize) i * r_stride] : 1.0;

      if (ri == 0.0)
        continue;
      for (int a = 0; a < dim; a++)
        {
          double da = xi[a] - mu[a];

          if (!p->full)
            out[a] += ri * da * da;
          else
            for (int b = 0; b <= a; b++)
              out[a * dim + b] += ri * da * (xi[b] - mu[b]);
        }
    }
  for (int a = 0; a < dim; a++)
    {
      if (!p->full)
        out[a] = out[a] / mass + GMM_REGULARIZATION;
      else
        {
          for (int b = 0; b <= a; b++)
            out[a * dim + b] /= mass;
          out[a * dim + a] += GMM_REGULARIZATION;
        }
    }
}

/* M-step from responsibilities r [n][k]; also factors each covariance and
 * fills log_norm. */
static gboolean
m_step (Params *p, const EmNnAnomalyData *d, const double *r, GError **error)
{
  const int n = d->n, dim = d->dim, k = p->k;

  for (int c = 0; c < k; c++)
    {
      double mass = 0.0, log_det = 0.0;
      double *mu = p->mu + (gsize) c * dim;
      double *cov = p->cov + (gsize) c * cov_size (p);

      for (int i = 0; i < n; i++)
        mass += r[(gsize) i * k + c];
      if (mass < GMM_MIN_MASS)
        {
          memcpy (mu, p->global_mu, sizeof (double) * dim);
          memcpy (cov, p->global_cov, sizeof (double) * cov_size (p));
          p->w[c] = GMM_MIN_MASS / n;
        }
      else
        {
          memset (mu, 0, sizeof (double) * dim);
          for (int i = 0; i < n; i++)
            for (int j = 0; j < dim; j++)
              mu[j] += r[(gsize) i * k + c] * d->x[(gsize) i * dim + j];
          for (int j = 0; j < dim; j++)
            mu[j] /= mass;
          weighted_cov (p, d, r + c, k, mass, mu, cov);
          p->w[c] = mass / n;
        }

      if (p->full)
        {
          if (!cholesky (cov, dim))
            {
              singular_error (error, c);
              return FALSE;
            }
          for (int j = 0; j < dim; j++)
            log_det += 2.0 * log (cov[j * dim + j]);
        }
      else
        for (int j = 0; j < dim; j++)
          log_det += log (cov[j]);
      p->log_norm[c] = -0.5 * dim * log (2.0 * G_PI) - 0.5 * log_det;
    }
  return TRUE;
}

/* E-step: responsibilities into r [n][k]; returns the mean log-likelihood. */
static double
e_step (const Params *p, const EmNnAnomalyData *d, double *r, double *z)
{
  const int n = d->n, dim = d->dim, k = p->k;
  double total = 0.0;

  for (int i = 0; i < n; i++)
    {
      const double *xi = d->x + (gsize) i * dim;
      double *ri = r + (gsize) i * k;
      double top = -G_MAXDOUBLE, sum = 0.0, ll;

      for (int c = 0; c < k; c++)
        {
          const double *mu = p->mu + (gsize) c * dim;
          const double *cov = p->cov + (gsize) c * cov_size (p);
          double maha = 0.0;

          if (p->full)
            /* Forward substitution C z = x - μ, then maha = |z|². */
            for (int a = 0; a < dim; a++)
              {
                double v = xi[a] - mu[a];

                for (int b = 0; b < a; b++)
                  v -= cov[a * dim + b] * z[b];
                z[a] = v / cov[a * dim + a];
                maha += z[a] * z[a];
              }
          else
            for (int a = 0; a < dim; a++)
              maha += (xi[a] - mu[a]) * (xi[a] - mu[a]) / cov[a];
          ri[c] = log (p->w[c]) + p->log_norm[c] - 0.5 * maha;
          top = MAX (top, ri[c]);
        }
      for (int c = 0; c < k; c++)
        sum += exp (ri[c] - top);
      ll = top + log (sum);
      for (int c = 0; c < k; c++)
        ri[c] = exp (ri[c] - ll);
      total += ll;
    }
  return total / n;
}

/* Fills the scoring model from the fitted parameters. log_norm is
 * recomputed from the float-rounded precision so the stored model is
 * consistent with itself, not just close to the double fit. */
static gboolean
export_model (const Params *p, EmNnAnomaly *a, GError **error)
{
  const int k = p->k, dim = p->dim;
  float *log_w = (float *) a->gmm.log_weights;
  float *means = (float *) a->gmm.means;
  float *prec = (float *) a->gmm.precision;
  float *log_norm = (float *) a->gmm.log_norm;
  g_autofree double *cinv = p->full ? g_new (double, (gsize) dim * dim) : NULL;
  g_autofree double *pm = p->full ? g_new (double, (gsize) dim * dim) : NULL;

  for (int c = 0; c < k; c++)
    {
      const double *cov = p->cov + (gsize) c * cov_size (p);
      double half_log_det_prec = 0.0;

      log_w[c] = (float) log (p->w[c]);
      for (int j = 0; j < dim; j++)
        means[(gsize) c * dim + j] = (float) p->mu[(gsize) c * dim + j];

      if (!p->full)
        {
          for (int j = 0; j < dim; j++)
            {
              float iv = (float) (1.0 / cov[j]);

              prec[(gsize) c * dim + j] = iv;
              half_log_det_prec += 0.5 * log ((double) iv);
            }
        }
      else
        {
          float *L = prec + (gsize) c * dim * dim;

          /* C⁻¹ column by column (lower triangular), then the precision
           * Σ⁻¹ = C⁻ᵀ C⁻¹, then its own lower Cholesky factor L. */
          memset (cinv, 0, sizeof (double) * dim * dim);
          for (int col = 0; col < dim; col++)
            for (int row = col; row < dim; row++)
              {
                double v = row == col ? 1.0 : 0.0;

                for (int t = col; t < row; t++)
                  v -= cov[row * dim + t] * cinv[t * dim + col];
                cinv[row * dim + col] = v / cov[row * dim + row];
              }
          for (int i = 0; i < dim; i++)
            for (int j = 0; j <= i; j++)
              {
                double s = 0.0;

                for (int t = i; t < dim; t++)
                  s += cinv[t * dim + i] * cinv[t * dim + j];
                pm[i * dim + j] = s;
              }
          if (!cholesky (pm, dim))
            {
              singular_error (error, c);
              return FALSE;
            }
          for (int i = 0; i < dim * dim; i++)
            L[i] = (float) pm[i];
          for (int j = 0; j < dim; j++)
            {
              if (!(L[j * dim + j] > 0.0f) || !isfinite (L[j * dim + j]))
                {
                  singular_error (error, c);
                  return FALSE;
                }
              half_log_det_prec += log ((double) L[j * dim + j]);
            }
        }
      log_norm[c] = (float) (-0.5 * dim * log (2.0 * G_PI) + half_log_det_prec);
    }
  return TRUE;
}

EmNnAnomaly *
em_nn_gmm_fit (const float *x, int n, int n_features, const int *axes, int n_axes, int k,
               gboolean full_covariance, guint64 seed, GCancellable *cancellable, GError **error)
{
  EmNnAnomalyData d;
  Params p = { 0 };
  g_autoptr(EmNnAnomaly) a = NULL;
  g_autofree double *centroids = NULL, *r = NULL, *z = NULL;
  g_autofree int *assign = NULL;
  double prev = -G_MAXDOUBLE;
  gboolean ok = FALSE;

  if (!em_nn_anomaly_data_init (&d, x, n, n_features, axes, n_axes, k, error))
    return NULL;
  centroids = g_new (double, (gsize) k * d.dim);
  assign = g_new (int, n);
  if (!em_nn_kmeans_run (&d, k, seed, centroids, assign, cancellable, error))
    goto out;

  p.k = k;
  p.dim = d.dim;
  p.full = full_covariance;
  p.w = g_new (double, k);
  p.mu = g_new (double, (gsize) k * d.dim);
  p.cov = g_new (double, (gsize) k * cov_size (&p));
  p.log_norm = g_new (double, k);
  p.global_mu = g_new0 (double, d.dim);
  p.global_cov = g_new (double, cov_size (&p));
  for (int i = 0; i < n; i++)
    for (int j = 0; j < d.dim; j++)
      p.global_mu[j] += d.x[(gsize) i * d.dim + j] / n;
  weighted_cov (&p, &d, NULL, 0, n, p.global_mu, p.global_cov);

  /* EM starts from the k-means partition as hard responsibilities. */
  r = g_new0 (double, (gsize) n * k);
  z = g_new (double, d.dim);
  for (int i = 0; i < n; i++)
    r[(gsize) i * k + assign[i]] = 1.0;

  for (int iter = 0; iter < GMM_MAX_ITERATIONS; iter++)
    {
      double ll;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;
      if (!m_step (&p, &d, r, error))
        goto out;
      ll = e_step (&p, &d, r, z);
      if (!isfinite (ll))
        {
          g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_DIVERGED,
                       "GMM: the log-likelihood became %g at iteration %d", ll, iter);
          goto out;
        }
      /* The parameters of the last M-step are the ones ll was measured on. */
      if (iter > 0 && ll - prev < GMM_TOLERANCE)
        break;
      prev = ll;
    }

  a = em_nn_anomaly_new_gmm (k, full_covariance, d.axes, d.dim);
  ok = export_model (&p, a, error);

out:
  params_clear (&p);
  em_nn_anomaly_data_clear (&d);
  return ok ? g_steal_pointer (&a) : NULL;
}
