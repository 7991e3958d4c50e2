/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-anomaly-private.h — what the k-means, GMM and I/O halves of the
 * anomaly fitting share. Not installed, not part of the contract. */
#pragma once

#include "em-nn-anomaly.h"

G_BEGIN_DECLS

/* The chosen axes of x gathered into a dense n × dim double matrix, after
 * checking every argument (k against n, axes in range, values finite). */
typedef struct {
  int     n, dim;
  int    *axes;      /* [dim] feature indices */
  double *x;         /* [n][dim] */
} EmNnAnomalyData;

gboolean em_nn_anomaly_data_init  (EmNnAnomalyData *d, const float *x, int n, int n_features,
                                   const int *axes, int n_axes, int k, GError **error);
void     em_nn_anomaly_data_clear (EmNnAnomalyData *d);

/* Lloyd's k-means with k-means++ seeding on d (k <= d->n). Fills
 * centroids [k][dim] and assign [n]. FALSE only when cancelled. */
gboolean em_nn_kmeans_run (const EmNnAnomalyData *d, int k, guint64 seed, double *centroids,
                           int *assign, GCancellable *cancellable, GError **error);

/* An EmNnAnomaly whose arrays are allocated (zeroed) for k components in
 * dim = n_axes dimensions; axes are copied. */
EmNnAnomaly *em_nn_anomaly_new_kmeans (int k, const int *axes, int n_axes);
EmNnAnomaly *em_nn_anomaly_new_gmm    (int k, gboolean full, const int *axes, int n_axes);

G_END_DECLS
