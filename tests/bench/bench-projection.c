/* SPDX-License-Identifier: Apache-2.0 */
/* Benchmark (not a test): PCA and Barnes-Hut t-SNE on clustered synthetic
 * features, n = 2k, 5k, 20k at d = 650 (or the sizes given). Prints seconds
 * per phase: the PCA reduction, neighbours + affinities, the 1000
 * iterations.
 *   bench-projection [N ...] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "em-projection.h"

#define D 650

typedef struct {
  double start;
  double reduced;   /* PCA to 50 dims done */
  double affinity;  /* kNN and P done, optimisation starts */
} Marks;

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static void
on_progress (double fraction, gpointer user_data)
{
  Marks *m = user_data;

  /* em_projection_tsne reports 0.02 after the PCA and ~0.1 after the
   * affinities; the first report past each marks the phase end. */
  if (fraction >= 0.02 && m->reduced == 0)
    m->reduced = now_s ();
  if (fraction >= 0.09 && m->affinity == 0)
    m->affinity = now_s ();
}

static double
normal (GRand *rand)
{
  double u = 1 - g_rand_double (rand), v = g_rand_double (rand);
  return sqrt (-2 * log (u)) * cos (2 * G_PI * v);
}

/* 10 clusters on a 20-dimensional subspace plus noise in all 650, like
 * spectral features: correlated columns, low intrinsic dimension. */
static float *
make_data (gsize n)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autofree double *basis = g_new (double, 20 * D);
  g_autofree double *centre = g_new (double, 10 * 20);
  float *x = g_new (float, n * D);

  for (gsize e = 0; e < 20 * D; e++)
    basis[e] = normal (rand);
  for (gsize e = 0; e < 10 * 20; e++)
    centre[e] = 3 * normal (rand);
  for (gsize i = 0; i < n; i++)
    {
      double z[20];
      for (guint a = 0; a < 20; a++)
        z[a] = centre[(i % 10) * 20 + a] + normal (rand);
      for (gsize j = 0; j < D; j++)
        {
          double v = 0.3 * normal (rand);
          for (guint a = 0; a < 20; a++)
            v += z[a] * basis[a * D + j];
          x[i * D + j] = (float) v;
        }
    }
  return x;
}

int
main (int argc, char **argv)
{
  gsize sizes[8] = { 2000, 5000, 20000 };
  guint n_sizes = 3;

  if (argc > 1)
    for (n_sizes = 0; n_sizes < 8 && n_sizes + 1 < (guint) argc; n_sizes++)
      sizes[n_sizes] = (gsize) g_ascii_strtoull (argv[n_sizes + 1], NULL, 10);
  printf ("%d cores\n%8s %8s %8s %8s %8s %8s\n", (int) g_get_num_processors (),
          "n", "pca", "tsne", "reduce", "affin", "iters");
  for (guint s = 0; s < n_sizes; s++)
    {
      gsize n = sizes[s];
      g_autofree float *x = make_data (n);
      g_autofree float *out = g_new (float, 2 * n);
      g_autoptr(GError) error = NULL;
      Marks m = { 0, 0, 0 };
      double t0, t_pca, t_end;

      t0 = now_s ();
      if (!em_projection_pca (x, n, D, out, &error))
        g_error ("pca: %s", error->message);
      t_pca = now_s () - t0;
      m.start = now_s ();
      if (!em_projection_tsne (x, n, D, 30, 1000, 1, on_progress, &m, NULL, out, &error))
        g_error ("tsne: %s", error->message);
      t_end = now_s ();
      printf ("%8" G_GSIZE_FORMAT " %8.2f %8.2f %8.2f %8.2f %8.2f\n", n, t_pca, t_end - m.start,
              m.reduced - m.start, m.affinity - m.reduced, t_end - m.affinity);
      fflush (stdout);
    }
  return 0;
}
