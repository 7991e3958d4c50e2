/* SPDX-License-Identifier: Apache-2.0 */
/* Fits a GMM on seeded blobs and prints, as one JSON object, the training
 * data, the model (em_nn_anomaly_to_json) and em_nn_anomaly_score() of a
 * set of probe windows, for gmm_reference.py to check against scipy.
 * Usage: gmm-ref-helper diagonal|full SEED */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "anomaly-test-data.h"
#include "em-nn-anomaly.h"

/* Three blobs in three axes of a four-axis feature vector (axis 2 is not
 * chosen and holds junk), one of them correlated. */
static const int counts[3] = { 150, 90, 60 };
static const double means[3 * 3] = { 0, 0, 0,   6, 1, -2,   -4, 5, 3 };
static const double chol[3 * 3 * 3] = {
  1.0, 0, 0,   0.7, 0.5, 0,   -0.3, 0.2, 0.6,
  0.4, 0, 0,   0, 0.8, 0,     0, 0, 0.3,
  0.6, 0, 0,   0.3, 0.6, 0,   0.1, -0.4, 0.9,
};
#define N 300
#define NF 4

static void
print_floats (const float *v, int n)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  putchar ('[');
  for (int i = 0; i < n; i++)
    printf ("%s%s", i ? ", " : "", g_ascii_formatd (buf, sizeof buf, "%.9g", v[i]));
  putchar (']');
}

int
main (int argc, char **argv)
{
  static const int axes[3] = { 3, 0, 1 };
  g_autofree float *x = g_new0 (float, N * NF);
  g_autofree float *probe = g_new (float, 60 * NF);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnAnomaly) a = NULL;
  g_autofree char *json = NULL;
  gboolean full;
  GRand *rand;

  if (argc != 3 || (strcmp (argv[1], "full") != 0 && strcmp (argv[1], "diagonal") != 0))
    {
      fprintf (stderr, "usage: gmm-ref-helper diagonal|full SEED\n");
      return 2;
    }
  full = strcmp (argv[1], "full") == 0;
  test_blobs (x, NF, axes, 3, 3, counts, means, chol, 0, (guint32) atoi (argv[2]));
  for (int i = 0; i < N; i++)
    x[i * NF + 2] = (float) (i % 17) * 100.0f;
  a = em_nn_gmm_fit (x, N, NF, axes, 3, 3, full, (guint64) atoi (argv[2]), NULL, &error);
  if (a == NULL)
    {
      fprintf (stderr, "fit failed: %s\n", error->message);
      return 1;
    }
  /* Probes: training windows, points between and beyond the blobs. */
  rand = g_rand_new_with_seed (99);
  for (int i = 0; i < 60; i++)
    for (int j = 0; j < NF; j++)
      probe[i * NF + j] = i < 20 ? x[(i * 15) * NF + j]
                                 : (float) g_rand_double_range (rand, -8.0 - i * 0.3, 8.0 + i * 0.3);
  g_rand_free (rand);

  json = em_nn_anomaly_to_json (a);
  printf ("{\"axes\": [3, 0, 1],\n\"train\": ");
  print_floats (x, N * NF);
  printf (",\n\"probe\": ");
  print_floats (probe, 60 * NF);
  printf (",\n\"scores\": [");
  for (int i = 0; i < 60; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      float s = em_nn_anomaly_score (a, probe + i * NF);
      printf ("%s%s", i ? ", " : "", g_ascii_formatd (buf, sizeof buf, "%.9g", s));
    }
  printf ("],\n\"model\": %s}\n", json);
  return 0;
}
