/* SPDX-License-Identifier: Apache-2.0 */
/* Barnes-Hut t-SNE after van der Maaten, "Accelerating t-SNE using
 * Tree-Based Algorithms", JMLR 15 (2014): exact k nearest neighbours,
 * perplexity-calibrated sparse P, and a quadtree for the repulsive forces.
 * Written from the paper's description. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "em-error.h"
#include "em-projection-private.h"

#define MAX_POINTS       20000
/* k = 3·perplexity neighbours per point set the memory and the cost of
 * every iteration; beyond 100 a larger perplexity brings only cost. */
#define MAX_PERPLEXITY   100.0
#define PCA_DIMS         50
#define DEFAULT_ITER     1000
#define EXAGGERATION     12.0
#define EXAGGERATION_ITER 250
#define THETA            0.5
/* kNN tiling: a work chunk is KNN_QUERIES rows; candidates are packed in
 * panels of PANEL points stored dimension-major, so the inner loop is a
 * fixed-width vector operation, and swept in tiles of KNN_TILE points that
 * stay in cache while the chunk's queries pass over them. */
#define KNN_QUERIES      32
#define KNN_TILE         512
#define PANEL            8
#define QUERY_BLOCK      4
#define ROW_CHUNK        256
/* Quadtree leaves hold a few points: cheaper than descending to single
 * points, and a leaf close to a point is summed exactly anyway. */
#define LEAF_MAX         4
/* Beyond this depth the points of a cell are (nearly) identical. */
#define MAX_DEPTH        32
#define NO_LEAF          G_MAXUINT32

/* ---- exact k nearest neighbours ---- */

typedef struct {
  const float  *y;        /* n × dim */
  float        *panels;   /* n_panels × dim × PANEL */
  guint         n, dim, k, n_panels;
  guint32      *nbr;      /* n × k, by increasing distance */
  double       *dist2;    /* n × k */
  GCancellable *cancellable;
  gint          cancelled;
} KnnJob;

typedef struct {
  double  d2;
  guint32 j;
} Neighbour;

static int
neighbour_cmp (const void *a, const void *b)
{
  const Neighbour *x = a, *y = b;

  if (x->d2 != y->d2)
    return x->d2 < y->d2 ? -1 : 1;
  return x->j < y->j ? -1 : x->j > y->j;
}

/* Replace the largest of a max-heap of k distances and restore it. */
static void
heap_replace_top (float *hd, guint32 *hj, guint k, float d, guint32 j)
{
  guint pos = 0;

  for (;;)
    {
      guint child = 2 * pos + 1;
      if (child >= k)
        break;
      if (child + 1 < k && hd[child + 1] > hd[child])
        child++;
      if (hd[child] <= d)
        break;
      hd[pos] = hd[child];
      hj[pos] = hj[child];
      pos = child;
    }
  hd[pos] = d;
  hj[pos] = j;
}

static void
knn_chunk (guint chunk, gpointer data)
{
  KnnJob *job = data;
  guint n = job->n, dim = job->dim, k = job->k;
  guint q0 = chunk * KNN_QUERIES, q1 = MIN (n, q0 + KNN_QUERIES);
  g_autofree float *hd = NULL;
  g_autofree guint32 *hj = NULL;
  g_autofree Neighbour *sorted = NULL;

  if (g_atomic_int_get (&job->cancelled))
    return;
  if (job->cancellable != NULL && g_cancellable_is_cancelled (job->cancellable))
    {
      g_atomic_int_set (&job->cancelled, 1);
      return;
    }
  hd = g_new (float, (gsize) KNN_QUERIES * k);
  hj = g_new (guint32, (gsize) KNN_QUERIES * k);
  for (gsize e = 0; e < (gsize) KNN_QUERIES * k; e++)
    {
      hd[e] = INFINITY;
      hj[e] = G_MAXUINT32;
    }

  for (guint p0 = 0; p0 < job->n_panels; p0 += KNN_TILE / PANEL)
    {
      guint p1 = MIN (job->n_panels, p0 + KNN_TILE / PANEL);

      for (guint qb = q0; qb < q1; qb += QUERY_BLOCK)
        {
          const float *q[QUERY_BLOCK];

          /* A short last block repeats its last row; those results are dropped. */
          for (guint a = 0; a < QUERY_BLOCK; a++)
            q[a] = job->y + (gsize) MIN (qb + a, q1 - 1) * dim;
          for (guint p = p0; p < p1; p++)
            {
              const float *panel = job->panels + (gsize) p * dim * PANEL;
              float acc[QUERY_BLOCK][PANEL] = { { 0 } };

              for (guint t = 0; t < dim; t++)
                for (guint a = 0; a < QUERY_BLOCK; a++)
                  {
                    float qv = q[a][t];
                    for (guint b = 0; b < PANEL; b++)
                      {
                        float diff = qv - panel[t * PANEL + b];
                        acc[a][b] += diff * diff;
                      }
                  }
              for (guint a = 0; a < QUERY_BLOCK && qb + a < q1; a++)
                {
                  guint i = qb + a;
                  float *h = hd + (gsize) (i - q0) * k;
                  guint32 *hi = hj + (gsize) (i - q0) * k;

                  for (guint b = 0; b < PANEL; b++)
                    {
                      guint j = p * PANEL + b;
                      if (acc[a][b] < h[0] && j < n && j != i)
                        heap_replace_top (h, hi, k, acc[a][b], j);
                    }
                }
            }
        }
    }

  /* Distances again in double: the float sums above only choose the
   * neighbours; P is calibrated on exact values. */
  sorted = g_new (Neighbour, k);
  for (guint i = q0; i < q1; i++)
    {
      const guint32 *hi = hj + (gsize) (i - q0) * k;
      const float *yi = job->y + (gsize) i * dim;

      for (guint e = 0; e < k; e++)
        {
          const float *yj = job->y + (gsize) hi[e] * dim;
          double sum = 0;
          for (guint t = 0; t < dim; t++)
            {
              double diff = (double) yi[t] - yj[t];
              sum += diff * diff;
            }
          sorted[e].d2 = sum;
          sorted[e].j = hi[e];
        }
      qsort (sorted, k, sizeof (Neighbour), neighbour_cmp);
      for (guint e = 0; e < k; e++)
        {
          job->nbr[(gsize) i * k + e] = sorted[e].j;
          job->dist2[(gsize) i * k + e] = sorted[e].d2;
        }
    }
}

static gboolean
knn_search (KnnJob *job, EmParallel *par)
{
  gsize panel_size = (gsize) job->dim * PANEL;

  job->n_panels = (job->n + PANEL - 1) / PANEL;
  job->panels = g_new0 (float, MAX ((gsize) job->n_panels * panel_size, 1));
  for (guint i = 0; i < job->n; i++)
    for (guint t = 0; t < job->dim; t++)
      job->panels[(i / PANEL) * panel_size + t * PANEL + i % PANEL] = job->y[(gsize) i * job->dim + t];
  em_parallel_run (par, (job->n + KNN_QUERIES - 1) / KNN_QUERIES, knn_chunk, job);
  g_clear_pointer (&job->panels, g_free);
  return !g_atomic_int_get (&job->cancelled);
}

/* ---- affinities ---- */

typedef struct {
  guint32 col;
  float   val;
} Entry;

typedef struct {
  KnnJob *knn;
  double  perplexity;
  double *cond;      /* n × k: P(j | i) */
  guint  *row_ptr;   /* n + 1 */
  guint  *row_len;   /* entries left in each row after merging */
  Entry  *entries;
  double  scale;     /* 1 / 2n */
} AffinityJob;

/* Binary search for the Gaussian precision β that gives row i's conditional
 * distribution the wanted perplexity: entropy H = log S + β·E[δ] (nats),
 * which falls as β grows. Distances are shifted by the nearest one so the
 * largest weight is exp(0) and S can neither overflow nor vanish. */
static void
calibrate_row (const double *d2, guint k, double perplexity, double *p)
{
  double target = log (perplexity), beta = 1, lo = 0, hi = INFINITY, sum = 1;

  for (guint it = 0; it < 200; it++)
    {
      double wsum = 0, h;

      sum = 0;
      for (guint e = 0; e < k; e++)
        {
          double delta = d2[e] - d2[0];
          p[e] = exp (-beta * delta);
          sum += p[e];
          wsum += p[e] * delta;
        }
      h = log (sum) + beta * wsum / sum;
      if (fabs (h - target) < 1e-5)
        break;
      if (h > target)
        {
          lo = beta;
          beta = isinf (hi) ? beta * 2 : (beta + hi) / 2;
        }
      else
        {
          hi = beta;
          beta = (lo + beta) / 2;
        }
    }
  for (guint e = 0; e < k; e++)
    p[e] /= sum;
}

static void
calibrate_chunk (guint chunk, gpointer data)
{
  AffinityJob *job = data;
  guint k = job->knn->k, i1 = MIN (job->knn->n, (chunk + 1) * ROW_CHUNK);

  for (guint i = chunk * ROW_CHUNK; i < i1; i++)
    calibrate_row (job->knn->dist2 + (gsize) i * k, k, job->perplexity, job->cond + (gsize) i * k);
}

static int
entry_cmp (const void *a, const void *b)
{
  const Entry *x = a, *y = b;
  return x->col < y->col ? -1 : x->col > y->col;
}

/* Sort each row by column and add up the (at most two) entries of a pair:
 * P(j|i) from row i's list and P(i|j) from row j's. */
static void
merge_chunk (guint chunk, gpointer data)
{
  AffinityJob *job = data;
  guint i1 = MIN (job->knn->n, (chunk + 1) * ROW_CHUNK);

  for (guint i = chunk * ROW_CHUNK; i < i1; i++)
    {
      Entry *row = job->entries + job->row_ptr[i];
      guint len = job->row_ptr[i + 1] - job->row_ptr[i], out = 0;

      qsort (row, len, sizeof (Entry), entry_cmp);
      for (guint e = 0; e < len; e++)
        {
          if (out > 0 && row[out - 1].col == row[e].col)
            row[out - 1].val += row[e].val;
          else
            row[out++] = row[e];
        }
      for (guint e = 0; e < out; e++)
        row[e].val = (float) (row[e].val * job->scale);
      job->row_len[i] = out;
    }
}

typedef struct {
  guint *row_ptr;   /* n + 1 */
  Entry *entries;
} Sparse;

/* Symmetric P = (P(j|i) + P(i|j)) / 2n in CSR form. */
static void
build_affinities (KnnJob *knn, double perplexity, EmParallel *par, Sparse *p)
{
  guint n = knn->n, k = knn->k;
  AffinityJob job = { knn, perplexity, NULL, NULL, NULL, NULL, 1.0 / (2.0 * n) };
  g_autofree guint *fill = g_new (guint, n);
  g_autofree double *cond = g_new (double, (gsize) n * k);
  guint total = 0;

  job.cond = cond;
  em_parallel_run (par, (n + ROW_CHUNK - 1) / ROW_CHUNK, calibrate_chunk, &job);

  job.row_ptr = g_new0 (guint, n + 1);
  job.row_len = g_new (guint, n);
  for (gsize e = 0; e < (gsize) n * k; e++)
    job.row_ptr[knn->nbr[e] + 1]++;
  for (guint i = 0; i < n; i++)
    job.row_ptr[i + 1] += job.row_ptr[i] + k;
  job.entries = g_new (Entry, job.row_ptr[n]);
  memcpy (fill, job.row_ptr, n * sizeof (guint));
  for (guint i = 0; i < n; i++)
    for (guint e = 0; e < k; e++)
      {
        guint j = knn->nbr[(gsize) i * k + e];
        double v = cond[(gsize) i * k + e];
        job.entries[fill[i]++] = (Entry) { j, (float) v };
        job.entries[fill[j]++] = (Entry) { i, (float) v };
      }
  em_parallel_run (par, (n + ROW_CHUNK - 1) / ROW_CHUNK, merge_chunk, &job);

  /* Drop the gaps merging left between rows. */
  p->row_ptr = g_new (guint, n + 1);
  for (guint i = 0; i < n; i++)
    {
      const Entry *row = job.entries + job.row_ptr[i];
      p->row_ptr[i] = total;
      for (guint e = 0; e < job.row_len[i]; e++)
        job.entries[total++] = row[e];
    }
  p->row_ptr[n] = total;
  p->entries = g_renew (Entry, job.entries, MAX (total, 1));
  g_free (job.row_ptr);
  g_free (job.row_len);
}

/* ---- quadtree ---- */

/* Nodes are stored in depth-first preorder: a node's first child follows it
 * and @next skips its subtree, so a traversal is a forward scan with jumps
 * and needs no stack. */
typedef struct {
  float   cx, cy;  /* centre of mass */
  float   far2;    /* (side / θ)²: summarise when the squared distance is larger */
  guint32 count;
  guint32 next;
  guint32 first;   /* leaves: first point in tree order; inner nodes: NO_LEAF */
} Node;

typedef struct {
  Node    *nodes;
  guint    n_nodes, cap;
  guint32 *order;    /* tree position → point; owns tmp */
  guint32 *tmp;
  float   *px, *py;  /* positions in tree order, so leaves are contiguous; px owns py */
} Tree;

static guint
quadrant (const double *y, guint32 i, double cx, double cy)
{
  return (y[2 * i] >= cx ? 1 : 0) | (y[2 * i + 1] >= cy ? 2 : 0);
}

static void
tree_node (Tree *t, const double *y, guint lo, guint hi, double cx, double cy, double half, guint depth)
{
  guint id = t->n_nodes++;
  guint count[4] = { 0 }, start[4];
  double sx = 0, sy = 0;

  if (id >= t->cap)
    {
      t->cap = MAX (2 * t->cap, 64);
      t->nodes = g_renew (Node, t->nodes, t->cap);
    }
  for (guint p = lo; p < hi; p++)
    {
      sx += y[2 * t->order[p]];
      sy += y[2 * t->order[p] + 1];
    }
  t->nodes[id] = (Node) { (float) (sx / (hi - lo)), (float) (sy / (hi - lo)),
                          (float) ((2 * half / THETA) * (2 * half / THETA)), hi - lo, id + 1, NO_LEAF };
  if (hi - lo <= LEAF_MAX || depth >= MAX_DEPTH)
    {
      t->nodes[id].first = lo;
      return;
    }
  for (guint p = lo; p < hi; p++)
    count[quadrant (y, t->order[p], cx, cy)]++;
  start[0] = lo;
  for (guint q = 1; q < 4; q++)
    start[q] = start[q - 1] + count[q - 1];
  for (guint p = lo; p < hi; p++)
    t->tmp[start[quadrant (y, t->order[p], cx, cy)]++] = t->order[p];
  memcpy (t->order + lo, t->tmp + lo, (hi - lo) * sizeof (guint32));
  for (guint q = 0, p = lo; q < 4; p += count[q], q++)
    if (count[q] > 0)
      tree_node (t, y, p, p + count[q], cx + (q & 1 ? half : -half) / 2, cy + (q & 2 ? half : -half) / 2,
                 half / 2, depth + 1);
  t->nodes[id].next = t->n_nodes;
}

/* FALSE if the embedding holds a non-finite coordinate (a diverged run). */
static gboolean
tree_build (Tree *t, const double *y, guint n)
{
  double x0 = y[0], x1 = y[0], y0 = y[1], y1 = y[1], half;

  for (guint i = 0; i < n; i++)
    {
      if (!isfinite (y[2 * i]) || !isfinite (y[2 * i + 1]))
        return FALSE;
      x0 = MIN (x0, y[2 * i]);
      x1 = MAX (x1, y[2 * i]);
      y0 = MIN (y0, y[2 * i + 1]);
      y1 = MAX (y1, y[2 * i + 1]);
    }
  /* A little margin so that the largest coordinates fall inside. */
  half = MAX (x1 - x0, y1 - y0) / 2 * (1 + 1e-6) + 1e-12;
  for (guint i = 0; i < n; i++)
    t->order[i] = i;
  t->n_nodes = 0;
  tree_node (t, y, 0, n, (x0 + x1) / 2, (y0 + y1) / 2, half, 0);
  for (guint p = 0; p < n; p++)
    {
      t->px[p] = (float) y[2 * t->order[p]];
      t->py[p] = (float) y[2 * t->order[p] + 1];
    }
  return TRUE;
}

/* ---- gradient ---- */

typedef struct {
  guint         n;
  const Tree   *tree;
  const Sparse *p;
  const double *y;     /* n × 2 */
  double       *attr;  /* n × 2: Σ_j p_ij w_ij (y_i − y_j) */
  double       *rep;   /* n × 2: Σ_j w_ij² (y_i − y_j), to divide by Z */
  double       *z;     /* n: Σ_j w_ij, summed into Z in index order */
} ForceJob;

/* Forces on the points at tree positions [chunk·ROW_CHUNK, ...): walking
 * them in tree order keeps neighbouring walks in cache. w = 1 / (1 + d²). */
static void
force_chunk (guint chunk, gpointer data)
{
  ForceJob *job = data;
  const Tree *t = job->tree;
  const Node *nodes = t->nodes;
  guint n_nodes = t->n_nodes, p1 = MIN (job->n, (chunk + 1) * ROW_CHUNK);

  for (guint pos = chunk * ROW_CHUNK; pos < p1; pos++)
    {
      guint32 i = t->order[pos];
      double xi = t->px[pos], yi = t->py[pos], fx = 0, fy = 0, z = 0, ax = 0, ay = 0;
      guint nd = 0;

      while (nd < n_nodes)
        {
          const Node *node = &nodes[nd];
          double dx = xi - node->cx, dy = yi - node->cy, d2 = dx * dx + dy * dy;

          if (node->far2 < d2)
            {
              double w = 1 / (1 + d2), m = node->count * w;
              z += m;
              m *= w;
              fx += m * dx;
              fy += m * dy;
              nd = node->next;
            }
          else if (node->first != NO_LEAF)
            {
              for (guint q = node->first; q < node->first + node->count; q++)
                {
                  double ex, ey, w;
                  if (q == pos)
                    continue;
                  ex = xi - t->px[q];
                  ey = yi - t->py[q];
                  w = 1 / (1 + ex * ex + ey * ey);
                  z += w;
                  w *= w;
                  fx += w * ex;
                  fy += w * ey;
                }
              nd = node->next;
            }
          else
            nd++;
        }
      for (guint e = job->p->row_ptr[i]; e < job->p->row_ptr[i + 1]; e++)
        {
          guint32 j = job->p->entries[e].col;
          double dx = job->y[2 * i] - job->y[2 * j], dy = job->y[2 * i + 1] - job->y[2 * j + 1];
          double pw = job->p->entries[e].val / (1 + dx * dx + dy * dy);
          ax += pw * dx;
          ay += pw * dy;
        }
      job->rep[2 * i] = fx;
      job->rep[2 * i + 1] = fy;
      job->z[i] = z;
      job->attr[2 * i] = ax;
      job->attr[2 * i + 1] = ay;
    }
}

/* ---- driver ---- */

static void
report (EmProjectionProgress progress, gpointer user_data, double fraction, int *last_percent)
{
  int percent = (int) (fraction * 100);

  if (progress != NULL && percent > *last_percent)
    {
      *last_percent = percent;
      progress (fraction, user_data);
    }
}

static double
normal (GRand *rand)
{
  /* Box-Muller; 1 − u keeps the logarithm's argument in (0, 1]. */
  double u = 1 - g_rand_double (rand), v = g_rand_double (rand);
  return sqrt (-2 * log (u)) * cos (2 * G_PI * v);
}

static gboolean
cancelled_error (GCancellable *cancellable, GError **error)
{
  if (cancellable == NULL || !g_cancellable_is_cancelled (cancellable))
    return FALSE;
  g_set_error (error, EM_ERROR, EM_ERROR_CANCELLED, "t-SNE cancelled");
  return TRUE;
}

/* t-SNE on the reduced data @y_in (n × dim); progress runs from
 * @progress_start to 1. */
static gboolean
tsne_run (const float *y_in, guint n, guint dim, double perplexity, guint n_iter, guint32 seed,
          EmParallel *par, EmProjectionProgress progress, gpointer user_data, double progress_start,
          GCancellable *cancellable, float *out, GError **error)
{
  guint k = MAX (1, (guint) (3 * perplexity));
  guint exaggeration_iter = MIN (EXAGGERATION_ITER, n_iter / 4);
  double eta = MAX (n / 12.0, 200.0);
  KnnJob knn = { y_in, NULL, n, dim, k, 0, NULL, NULL, cancellable, 0 };
  Sparse p = { NULL, NULL };
  Tree tree = { NULL, 0, 0, NULL, NULL, NULL, NULL };
  ForceJob force;
  g_autofree double *y = g_new (double, 2 * (gsize) n);
  g_autofree double *upd = g_new0 (double, 2 * (gsize) n);
  g_autofree double *gains = g_new (double, 2 * (gsize) n);
  g_autofree double *attr = g_new (double, 2 * (gsize) n);
  g_autofree double *rep = g_new (double, 2 * (gsize) n);
  g_autofree double *zpart = g_new (double, n);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  int last_percent = -1;
  gboolean ok = FALSE;

  report (progress, user_data, progress_start, &last_percent);
  knn.nbr = g_new (guint32, (gsize) n * k);
  knn.dist2 = g_new (double, (gsize) n * k);
  if (!knn_search (&knn, par))
    {
      cancelled_error (cancellable, error);
      goto out;
    }
  build_affinities (&knn, perplexity, par, &p);
  g_clear_pointer (&knn.nbr, g_free);
  g_clear_pointer (&knn.dist2, g_free);
  progress_start += (1 - progress_start) * 0.08;
  report (progress, user_data, progress_start, &last_percent);

  for (gsize c = 0; c < 2 * (gsize) n; c++)
    {
      y[c] = 1e-4 * normal (rand);
      gains[c] = 1;
    }
  tree.order = g_new (guint32, 2 * (gsize) n);
  tree.tmp = tree.order + n;
  tree.px = g_new (float, 2 * (gsize) n);
  tree.py = tree.px + n;
  force = (ForceJob) { n, &tree, &p, y, attr, rep, zpart };

  for (guint it = 0; it < n_iter; it++)
    {
      double exaggeration = it < exaggeration_iter ? EXAGGERATION : 1;
      double momentum = it < exaggeration_iter ? 0.5 : 0.8;
      double z = 0, mx = 0, my = 0;

      if (cancelled_error (cancellable, error))
        goto out;
      if (!tree_build (&tree, y, n))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "t-SNE diverged at iteration %u", it);
          goto out;
        }
      em_parallel_run (par, (n + ROW_CHUNK - 1) / ROW_CHUNK, force_chunk, &force);
      for (guint i = 0; i < n; i++)
        z += zpart[i];
      /* ∂C/∂y_i = 4 Σ_j (p_ij − q_ij) w_ij (y_i − y_j), q_ij = w_ij / Z.
       * Gains grow while the gradient keeps its direction and shrink when
       * it flips (the delta-bar-delta rule of the paper). */
      for (gsize c = 0; c < 2 * (gsize) n; c++)
        {
          double g = 4 * (exaggeration * attr[c] - rep[c] / z);

          if ((g > 0) - (g < 0) != (upd[c] > 0) - (upd[c] < 0))
            gains[c] += 0.2;
          else
            gains[c] *= 0.8;
          gains[c] = MAX (gains[c], 0.01);
          upd[c] = momentum * upd[c] - eta * gains[c] * g;
          y[c] += upd[c];
        }
      /* The cost does not depend on translation; re-centring keeps the
       * coordinates, and with them the float quadtree, well scaled. */
      for (guint i = 0; i < n; i++)
        {
          mx += y[2 * i];
          my += y[2 * i + 1];
        }
      mx /= n;
      my /= n;
      for (guint i = 0; i < n; i++)
        {
          y[2 * i] -= mx;
          y[2 * i + 1] -= my;
        }
      report (progress, user_data, progress_start + (1 - progress_start) * (it + 1) / n_iter, &last_percent);
    }
  for (gsize c = 0; c < 2 * (gsize) n; c++)
    out[c] = (float) y[c];
  if (progress != NULL && last_percent < 100)
    progress (1.0, user_data);
  ok = TRUE;

out:
  g_free (knn.nbr);
  g_free (knn.dist2);
  g_free (p.row_ptr);
  g_free (p.entries);
  g_free (tree.nodes);
  g_free (tree.order);
  g_free (tree.px);
  return ok;
}

gboolean
em_projection_tsne (const float *x, gsize n, gsize d, double perplexity, guint n_iter,
                    guint32 seed, EmProjectionProgress progress, gpointer user_data,
                    GCancellable *cancellable, float *out, GError **error)
{
  g_autofree float *reduced = NULL;
  EmParallel *par;
  guint dim = 0;
  gboolean ok;

  g_return_val_if_fail (x != NULL || n == 0 || d == 0, FALSE);
  g_return_val_if_fail (out != NULL || n == 0, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n < 4)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "t-SNE needs at least 4 points, got %" G_GSIZE_FORMAT, n);
      return FALSE;
    }
  if (n > MAX_POINTS)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "t-SNE is limited to %d points, got %" G_GSIZE_FORMAT "; use PCA for larger sets",
                   MAX_POINTS, n);
      return FALSE;
    }
  if (!(perplexity > 0) || perplexity > MAX_PERPLEXITY)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "t-SNE perplexity must be above 0 and at most %g, got %g", MAX_PERPLEXITY, perplexity);
      return FALSE;
    }
  if (3 * perplexity >= (double) n)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "t-SNE perplexity %g is too large for %" G_GSIZE_FORMAT " points; it must be below n / 3 = %.1f",
                   perplexity, n, n / 3.0);
      return FALSE;
    }
  if (cancelled_error (cancellable, error))
    return FALSE;

  if (progress != NULL)
    progress (0.0, user_data);
  par = em_parallel_new ();
  ok = em_projection_pca_scores (x, n, d, PCA_DIMS, TRUE, par, &reduced, &dim, error)
    && tsne_run (reduced, (guint) n, dim, perplexity, n_iter > 0 ? n_iter : DEFAULT_ITER, seed, par,
                 progress, user_data, 0.02, cancellable, out, error);
  em_parallel_free (par);
  return ok;
}
