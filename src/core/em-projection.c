/* SPDX-License-Identifier: Apache-2.0 */
/* PCA (also t-SNE's first step) and the fork-join helper both use.
 * Standardise, then find the leading eigenvectors of the correlation matrix
 * by block subspace iteration with Rayleigh-Ritz: we need 2 or 50 of them,
 * never all d. */
#include <math.h>
#include <string.h>
#include "em-error.h"
#include "em-projection-private.h"

/* The covariance is summed over this many fixed row ranges, each into its
 * own matrix, then added in order: a fixed cut keeps the result independent
 * of the core count while still using up to four cores. */
#define PCA_PARTS           4
/* Rows standardised at a time into a scratch buffer that stays in cache. */
#define CHUNK_ROWS          32
/* Above this many columns the d × d correlation matrix costs more (n·d²/2
 * and d² memory per part) than multiplying by the data in each iteration. */
#define COVARIANCE_MAX_COLS 1024
/* Up to this many columns the eigen-problem is solved whole with Jacobi. */
#define JACOBI_MAX_COLS     64
#define SCORE_ROWS          1024

/* ---- fork-join over a thread pool ---- */

struct _EmParallel {
  GThreadPool   *pool;
  guint          n_workers;  /* pool threads; the caller works too */
  GMutex         lock;
  GCond          idle;
  guint          busy;       /* workers still draining the current job */
  EmParallelFunc func;
  gpointer       data;
  guint          n_chunks;
  gint           next;       /* atomic: next chunk to hand out */
};

static void
parallel_drain (EmParallel *self)
{
  for (;;)
    {
      guint chunk = (guint) g_atomic_int_add (&self->next, 1);
      if (chunk >= self->n_chunks)
        return;
      self->func (chunk, self->data);
    }
}

static void
parallel_worker (gpointer task, gpointer user_data)
{
  EmParallel *self = user_data;

  parallel_drain (self);
  g_mutex_lock (&self->lock);
  if (--self->busy == 0)
    g_cond_signal (&self->idle);
  g_mutex_unlock (&self->lock);
}

EmParallel *
em_parallel_new (void)
{
  EmParallel *self = g_new0 (EmParallel, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->idle);
  self->n_workers = MIN (g_get_num_processors (), 16) - 1;
  if (self->n_workers > 0)
    self->pool = g_thread_pool_new (parallel_worker, self, self->n_workers, TRUE, NULL);
  if (self->pool == NULL)
    self->n_workers = 0;
  return self;
}

void
em_parallel_run (EmParallel *self, guint n_chunks, EmParallelFunc func, gpointer data)
{
  guint helpers = n_chunks > 1 ? MIN (self->n_workers, n_chunks - 1) : 0;

  self->func = func;
  self->data = data;
  self->n_chunks = n_chunks;
  g_atomic_int_set (&self->next, 0);
  g_mutex_lock (&self->lock);
  self->busy = helpers;
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < helpers; i++)
    g_thread_pool_push (self->pool, GUINT_TO_POINTER (1), NULL);
  parallel_drain (self);
  g_mutex_lock (&self->lock);
  while (self->busy > 0)
    g_cond_wait (&self->idle, &self->lock);
  g_mutex_unlock (&self->lock);
}

void
em_parallel_free (EmParallel *self)
{
  if (self == NULL)
    return;
  if (self->pool != NULL)
    g_thread_pool_free (self->pool, FALSE, TRUE);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->idle);
  g_free (self);
}

/* ---- standardisation ---- */

typedef struct {
  const float *x;
  gsize        n, d;
  guint        m;       /* non-constant columns kept */
  guint        stride;  /* m rounded up to 4: row length of a standardised chunk */
  guint       *cols;    /* the kept columns' indices */
  double      *mean;
  double      *scale;   /* 1 / standard deviation */
} Standard;

static void
standard_clear (Standard *s)
{
  g_clear_pointer (&s->cols, g_free);
  g_clear_pointer (&s->mean, g_free);
  g_clear_pointer (&s->scale, g_free);
}

static gboolean
standard_init (Standard *s, const float *x, gsize n, gsize d, GError **error)
{
  g_autofree double *sum = g_new0 (double, d);
  g_autofree double *sq = g_new0 (double, d);
  g_autofree float *lo = g_new (float, d);
  g_autofree float *hi = g_new (float, d);

  memset (s, 0, sizeof *s);
  s->x = x;
  s->n = n;
  s->d = d;
  if (n > 0 && d > 0)
    {
      memcpy (lo, x, d * sizeof (float));
      memcpy (hi, x, d * sizeof (float));
    }
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < d; j++)
      {
        float v = x[i * d + j];
        if (!isfinite (v))
          {
            g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                         "feature %" G_GSIZE_FORMAT " of row %" G_GSIZE_FORMAT " is not a finite number", j, i);
            return FALSE;
          }
        sum[j] += v;
        lo[j] = MIN (lo[j], v);
        hi[j] = MAX (hi[j], v);
      }
  /* Two passes: the sum of squared deviations does not cancel the way
   * Σx² − n·mean² does on features with a large offset. */
  for (gsize j = 0; j < d; j++)
    sum[j] /= (double) n;
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < d; j++)
      {
        double dev = x[i * d + j] - sum[j];
        sq[j] += dev * dev;
      }
  s->cols = g_new (guint, MAX (d, 1));
  s->mean = g_new (double, MAX (d, 1));
  s->scale = g_new (double, MAX (d, 1));
  for (gsize j = 0; j < d; j++)
    /* min == max is the exact test for "constant"; a variance threshold
     * would drop tiny-but-real features that standardising is meant to
     * bring to scale. */
    if (hi[j] > lo[j] && sq[j] > 0)
      {
        s->cols[s->m] = (guint) j;
        s->mean[s->m] = sum[j];
        s->scale[s->m] = 1.0 / sqrt (sq[j] / (double) n);
        s->m++;
      }
  s->stride = (s->m + 3) & ~3u;
  return TRUE;
}

/* Standardised kept columns of @rows rows from @row0 into @buf (rows × stride),
 * zero-padded so kernels can work in blocks of four columns. */
static void
standard_rows (const Standard *s, gsize row0, guint rows, double *buf)
{
  for (guint r = 0; r < rows; r++)
    {
      const float *src = s->x + (row0 + r) * s->d;
      double *dst = buf + (gsize) r * s->stride;
      guint c;

      for (c = 0; c < s->m; c++)
        dst[c] = (src[s->cols[c]] - s->mean[c]) * s->scale[c];
      for (; c < s->stride; c++)
        dst[c] = 0;
    }
}

/* ---- the symmetric operator whose top eigenvectors we want ---- */

typedef struct {
  const Standard *s;
  EmParallel     *par;
  double         *cov;              /* stride × stride, or NULL: multiply by the data */
  double         *parts[PCA_PARTS];
  const double   *q;                /* m × l input of the current product */
  double         *z;                /* m × l output */
  guint           l;
} Operator;

/* Upper triangle of Σ zᵀz over one row range, in 4 × 4 register tiles. */
static void
covariance_part (guint part, gpointer data)
{
  Operator *op = data;
  const Standard *s = op->s;
  guint stride = s->stride;
  gsize r0 = s->n * part / PCA_PARTS, r1 = s->n * (part + 1) / PCA_PARTS;
  double *c = op->parts[part];
  g_autofree double *buf = g_new (double, (gsize) CHUNK_ROWS * stride);

  memset (c, 0, (gsize) stride * stride * sizeof (double));
  for (gsize row = r0; row < r1; row += CHUNK_ROWS)
    {
      guint rows = (guint) MIN (CHUNK_ROWS, r1 - row);

      standard_rows (s, row, rows, buf);
      for (guint j = 0; j < stride; j += 4)
        for (guint k = j; k < stride; k += 4)
          {
            double acc[4][4] = { { 0 } };

            for (guint r = 0; r < rows; r++)
              {
                const double *b = buf + (gsize) r * stride;
                for (guint a = 0; a < 4; a++)
                  for (guint e = 0; e < 4; e++)
                    acc[a][e] += b[j + a] * b[k + e];
              }
            for (guint a = 0; a < 4; a++)
              for (guint e = 0; e < 4; e++)
                c[(gsize) (j + a) * stride + k + e] += acc[a][e];
          }
    }
}

/* z = zᵀ(z·q) / n over one row range, without forming the covariance. */
static void
implicit_part (guint part, gpointer data)
{
  Operator *op = data;
  const Standard *s = op->s;
  guint stride = s->stride, m = s->m, l = op->l;
  gsize r0 = s->n * part / PCA_PARTS, r1 = s->n * (part + 1) / PCA_PARTS;
  double *z = op->parts[part];
  g_autofree double *buf = g_new (double, (gsize) CHUNK_ROWS * stride);
  g_autofree double *w = g_new (double, (gsize) CHUNK_ROWS * l);

  memset (z, 0, (gsize) m * l * sizeof (double));
  for (gsize row = r0; row < r1; row += CHUNK_ROWS)
    {
      guint rows = (guint) MIN (CHUNK_ROWS, r1 - row);

      standard_rows (s, row, rows, buf);
      memset (w, 0, (gsize) rows * l * sizeof (double));
      for (guint r = 0; r < rows; r++)
        for (guint j = 0; j < m; j++)
          {
            double b = buf[(gsize) r * stride + j];
            const double *qj = op->q + (gsize) j * l;
            for (guint c = 0; c < l; c++)
              w[(gsize) r * l + c] += b * qj[c];
          }
      for (guint r = 0; r < rows; r++)
        for (guint j = 0; j < m; j++)
          {
            double b = buf[(gsize) r * stride + j];
            double *zj = z + (gsize) j * l;
            for (guint c = 0; c < l; c++)
              zj[c] += b * w[(gsize) r * l + c];
          }
    }
}

#define COV_ROWS 32

static void
covariance_apply_rows (guint chunk, gpointer data)
{
  Operator *op = data;
  guint m = op->s->m, stride = op->s->stride, l = op->l;
  guint i1 = MIN (m, (chunk + 1) * COV_ROWS);

  for (guint i = chunk * COV_ROWS; i < i1; i++)
    {
      double *zi = op->z + (gsize) i * l;
      memset (zi, 0, l * sizeof (double));
      for (guint j = 0; j < m; j++)
        {
          double cij = op->cov[(gsize) i * stride + j];
          const double *qj = op->q + (gsize) j * l;
          for (guint c = 0; c < l; c++)
            zi[c] += cij * qj[c];
        }
    }
}

static void
operator_apply (Operator *op, const double *q, double *z, guint l)
{
  guint m = op->s->m;

  op->q = q;
  op->z = z;
  op->l = l;
  if (op->cov != NULL)
    {
      em_parallel_run (op->par, (m + COV_ROWS - 1) / COV_ROWS, covariance_apply_rows, op);
      return;
    }
  em_parallel_run (op->par, PCA_PARTS, implicit_part, op);
  for (gsize e = 0; e < (gsize) m * l; e++)
    {
      double sum = 0;
      for (guint p = 0; p < PCA_PARTS; p++)
        sum += op->parts[p][e];
      z[e] = sum / (double) op->s->n;
    }
}

/* Correlation matrix (stride × stride, symmetric, zero outside m × m). */
static double *
correlation_matrix (Operator *op)
{
  const Standard *s = op->s;
  gsize size = (gsize) s->stride * s->stride;
  double *cov = g_new (double, size);

  for (guint p = 0; p < PCA_PARTS; p++)
    op->parts[p] = g_new (double, size);
  em_parallel_run (op->par, PCA_PARTS, covariance_part, op);
  for (gsize e = 0; e < size; e++)
    {
      double sum = 0;
      for (guint p = 0; p < PCA_PARTS; p++)
        sum += op->parts[p][e];
      cov[e] = sum / (double) s->n;
    }
  for (guint i = 0; i < s->stride; i++)
    for (guint j = 0; j < i; j++)
      cov[(gsize) i * s->stride + j] = cov[(gsize) j * s->stride + i];
  for (guint p = 0; p < PCA_PARTS; p++)
    g_clear_pointer (&op->parts[p], g_free);
  return cov;
}

/* ---- small dense eigen-solver ---- */

/* Cyclic Jacobi on the symmetric s × s matrix @a (destroyed): eigenvalues
 * in @lam, descending, and the matching eigenvectors as the columns of @u. */
static void
jacobi_eigen (double *a, guint s, double *lam, double *u)
{
  g_autofree guint *order = g_new (guint, s);
  g_autofree double *v = g_new0 (double, (gsize) s * s);

  for (guint i = 0; i < s; i++)
    v[(gsize) i * s + i] = 1;
  for (guint sweep = 0; sweep < 100; sweep++)
    {
      double off = 0, diag = 0;

      for (guint p = 0; p < s; p++)
        {
          diag += a[(gsize) p * s + p] * a[(gsize) p * s + p];
          for (guint q = p + 1; q < s; q++)
            off += a[(gsize) p * s + q] * a[(gsize) p * s + q];
        }
      if (off <= 1e-30 * diag || off == 0)
        break;
      for (guint p = 0; p < s; p++)
        for (guint q = p + 1; q < s; q++)
          {
            double apq = a[(gsize) p * s + q], theta, t, c, sn;

            if (fabs (apq) < 1e-300)
              continue;
            /* The rotation that zeroes a[p][q]: t = tan φ is the smaller
             * root of t² + 2θt − 1 = 0, which keeps |φ| ≤ π/4. */
            theta = (a[(gsize) q * s + q] - a[(gsize) p * s + p]) / (2 * apq);
            t = (theta >= 0 ? 1.0 : -1.0) / (fabs (theta) + sqrt (theta * theta + 1));
            c = 1 / sqrt (t * t + 1);
            sn = t * c;
            for (guint k = 0; k < s; k++)
              {
                double akp = a[(gsize) k * s + p], akq = a[(gsize) k * s + q];
                a[(gsize) k * s + p] = c * akp - sn * akq;
                a[(gsize) k * s + q] = sn * akp + c * akq;
              }
            for (guint k = 0; k < s; k++)
              {
                double apk = a[(gsize) p * s + k], aqk = a[(gsize) q * s + k];
                a[(gsize) p * s + k] = c * apk - sn * aqk;
                a[(gsize) q * s + k] = sn * apk + c * aqk;
              }
            for (guint k = 0; k < s; k++)
              {
                double vkp = v[(gsize) k * s + p], vkq = v[(gsize) k * s + q];
                v[(gsize) k * s + p] = c * vkp - sn * vkq;
                v[(gsize) k * s + q] = sn * vkp + c * vkq;
              }
          }
    }
  /* Selection sort by eigenvalue, descending; stable for ties. */
  for (guint i = 0; i < s; i++)
    order[i] = i;
  for (guint i = 0; i < s; i++)
    {
      guint best = i;
      for (guint j = i + 1; j < s; j++)
        if (a[(gsize) order[j] * s + order[j]] > a[(gsize) order[best] * s + order[best]])
          best = j;
      guint tmp = order[i];
      order[i] = order[best];
      order[best] = tmp;
    }
  for (guint c = 0; c < s; c++)
    {
      lam[c] = a[(gsize) order[c] * s + order[c]];
      for (guint k = 0; k < s; k++)
        u[(gsize) k * s + c] = v[(gsize) k * s + order[c]];
    }
}

/* Orthonormalise the l columns of the m × l matrix @q (modified Gram-Schmidt,
 * twice). A column that collapses, because the data has rank < l, is
 * replaced by a random direction orthogonal to the others. */
static void
orthonormalise (double *q, guint m, guint l, GRand *rand)
{
  for (guint c = 0; c < l; c++)
    for (guint attempt = 0;; attempt++)
      {
        double norm0 = 0, norm = 0;

        for (guint i = 0; i < m; i++)
          norm0 += q[(gsize) i * l + c] * q[(gsize) i * l + c];
        for (guint pass = 0; pass < 2; pass++)
          for (guint p = 0; p < c; p++)
            {
              double dot = 0;
              for (guint i = 0; i < m; i++)
                dot += q[(gsize) i * l + c] * q[(gsize) i * l + p];
              for (guint i = 0; i < m; i++)
                q[(gsize) i * l + c] -= dot * q[(gsize) i * l + p];
            }
        for (guint i = 0; i < m; i++)
          norm += q[(gsize) i * l + c] * q[(gsize) i * l + c];
        if ((norm > 1e-20 * norm0 && norm > 0) || attempt >= 8)
          {
            norm = norm > 0 ? 1 / sqrt (norm) : 0;
            for (guint i = 0; i < m; i++)
              q[(gsize) i * l + c] *= norm;
            break;
          }
        for (guint i = 0; i < m; i++)
          q[(gsize) i * l + c] = g_rand_double_range (rand, -1, 1);
      }
}

/* The @k leading eigenvectors of the operator as the columns of @vec (m × k). */
static void
top_eigenvectors (Operator *op, guint k, guint max_iter, double tol, double *vec)
{
  guint m = op->s->m;
  guint l = MIN (m, k + 10);
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x9e3779b9);
  g_autofree double *q = g_new (double, (gsize) m * l);
  g_autofree double *z = g_new (double, (gsize) m * l);
  g_autofree double *t = g_new (double, (gsize) l * l);
  g_autofree double *u = g_new (double, (gsize) l * l);
  g_autofree double *lam = g_new (double, l);
  g_autofree double *prev = g_new0 (double, l);

  for (gsize e = 0; e < (gsize) m * l; e++)
    q[e] = g_rand_double_range (rand, -1, 1);
  orthonormalise (q, m, l, rand);
  for (guint it = 1;; it++)
    {
      gboolean converged = it > 1;

      operator_apply (op, q, z, l);
      /* Rayleigh-Ritz: the best approximations within span(q). */
      for (guint a = 0; a < l; a++)
        for (guint b = a; b < l; b++)
          {
            double dot = 0;
            for (guint i = 0; i < m; i++)
              dot += q[(gsize) i * l + a] * z[(gsize) i * l + b] + q[(gsize) i * l + b] * z[(gsize) i * l + a];
            t[(gsize) a * l + b] = t[(gsize) b * l + a] = dot / 2;
          }
      jacobi_eigen (t, l, lam, u);
      /* Ritz values converge twice as fast as the vectors, hence the small
       * tolerance. */
      for (guint c = 0; c < k; c++)
        if (fabs (lam[c] - prev[c]) > tol * fabs (lam[0]))
          converged = FALSE;
      memcpy (prev, lam, l * sizeof (double));
      if (converged || it >= max_iter)
        {
          for (guint i = 0; i < m; i++)
            for (guint c = 0; c < k; c++)
              {
                double sum = 0;
                for (guint b = 0; b < l; b++)
                  sum += q[(gsize) i * l + b] * u[(gsize) b * l + c];
                vec[(gsize) i * k + c] = sum;
              }
          return;
        }
      for (guint i = 0; i < m; i++)
        for (guint c = 0; c < l; c++)
          {
            double sum = 0;
            for (guint b = 0; b < l; b++)
              sum += z[(gsize) i * l + b] * u[(gsize) b * l + c];
            q[(gsize) i * l + c] = sum;
          }
      orthonormalise (q, m, l, rand);
    }
}

/* ---- scores ---- */

typedef struct {
  const Standard *s;
  const double   *vec;   /* m × k, or NULL: the standardised columns themselves */
  guint           k;
  float          *out;   /* n × k */
} ScoreJob;

static void
score_rows (guint chunk, gpointer data)
{
  ScoreJob *job = data;
  const Standard *s = job->s;
  gsize r0 = (gsize) chunk * SCORE_ROWS, r1 = MIN (s->n, r0 + SCORE_ROWS);
  g_autofree double *buf = g_new (double, (gsize) CHUNK_ROWS * s->stride);
  g_autofree double *acc = g_new (double, job->k);

  for (gsize row = r0; row < r1; row += CHUNK_ROWS)
    {
      guint rows = (guint) MIN (CHUNK_ROWS, r1 - row);

      standard_rows (s, row, rows, buf);
      for (guint r = 0; r < rows; r++)
        {
          const double *b = buf + (gsize) r * s->stride;
          float *o = job->out + (row + r) * job->k;

          if (job->vec == NULL)
            {
              for (guint c = 0; c < job->k; c++)
                o[c] = (float) b[c];
              continue;
            }
          memset (acc, 0, job->k * sizeof (double));
          for (guint j = 0; j < s->m; j++)
            for (guint c = 0; c < job->k; c++)
              acc[c] += b[j] * job->vec[(gsize) j * job->k + c];
          for (guint c = 0; c < job->k; c++)
            o[c] = (float) acc[c];
        }
    }
}

gboolean
em_projection_pca_scores (const float *x, gsize n, gsize d, guint k, gboolean distances_only,
                          EmParallel *par, float **scores, guint *k_out, GError **error)
{
  Standard s;
  Operator op = { &s, par, NULL, { NULL }, NULL, NULL, 0 };
  ScoreJob job = { &s, NULL, 0, NULL };
  g_autofree double *vec = NULL;

  if (!standard_init (&s, x, n, d, error))
    {
      standard_clear (&s);
      return FALSE;
    }
  job.k = MIN (k, s.m);
  job.out = g_new0 (float, MAX (n * job.k, 1));
  /* When every dimension is kept, the PCA is a rotation: distances between
   * rows do not change, so the solve can be skipped. */
  if (job.k > 0 && !(distances_only && job.k == s.m))
    {
      vec = g_new (double, (gsize) s.m * job.k);
      if (s.m <= COVARIANCE_MAX_COLS)
        op.cov = correlation_matrix (&op);
      if (s.m <= JACOBI_MAX_COLS)
        {
          g_autofree double *a = g_new (double, (gsize) s.m * s.m);
          g_autofree double *u = g_new (double, (gsize) s.m * s.m);
          g_autofree double *lam = g_new (double, s.m);

          for (guint i = 0; i < s.m; i++)
            memcpy (a + (gsize) i * s.m, op.cov + (gsize) i * s.stride, s.m * sizeof (double));
          jacobi_eigen (a, s.m, lam, u);
          for (guint i = 0; i < s.m; i++)
            memcpy (vec + (gsize) i * job.k, u + (gsize) i * s.m, job.k * sizeof (double));
        }
      else
        {
          /* Multiplying by the data is costly, so that path gets few
           * iterations; t-SNE only needs the leading subspace roughly. */
          guint max_iter = op.cov != NULL ? (distances_only ? 40 : 150) : (distances_only ? 6 : 30);

          if (op.cov == NULL)
            for (guint p = 0; p < PCA_PARTS; p++)
              op.parts[p] = g_new (double, (gsize) s.m * (MIN (s.m, job.k + 10)));
          top_eigenvectors (&op, job.k, max_iter, distances_only ? 1e-6 : 1e-12, vec);
          for (guint p = 0; p < PCA_PARTS; p++)
            g_clear_pointer (&op.parts[p], g_free);
        }
      g_clear_pointer (&op.cov, g_free);
      /* An eigenvector's sign is arbitrary; pin it so that reruns and
       * small data changes do not mirror the plot. */
      for (guint c = 0; c < job.k; c++)
        {
          guint best = 0;
          for (guint i = 1; i < s.m; i++)
            if (fabs (vec[(gsize) i * job.k + c]) > fabs (vec[(gsize) best * job.k + c]))
              best = i;
          if (vec[(gsize) best * job.k + c] < 0)
            for (guint i = 0; i < s.m; i++)
              vec[(gsize) i * job.k + c] = -vec[(gsize) i * job.k + c];
        }
      job.vec = vec;
    }
  if (job.k > 0)
    em_parallel_run (par, (guint) ((n + SCORE_ROWS - 1) / SCORE_ROWS), score_rows, &job);
  standard_clear (&s);
  *scores = job.out;
  *k_out = job.k;
  return TRUE;
}

gboolean
em_projection_pca (const float *x, gsize n, gsize d, float *out, GError **error)
{
  g_autofree float *scores = NULL;
  EmParallel *par;
  guint k = 0;
  gboolean ok;

  g_return_val_if_fail (x != NULL || n == 0 || d == 0, FALSE);
  g_return_val_if_fail (out != NULL || n == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n == 0)
    return TRUE;
  par = em_parallel_new ();
  ok = em_projection_pca_scores (x, n, d, 2, FALSE, par, &scores, &k, error);
  em_parallel_free (par);
  if (!ok)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    for (guint c = 0; c < 2; c++)
      out[2 * i + c] = c < k ? scores[i * k + c] : 0.0f;
  return TRUE;
}
