/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-anomaly.h — anomaly detection on chosen feature axes.
 *
 * K-means: k centroids (k-means++ seeding, Lloyd iterations); each cluster's
 * radius is the largest distance of its training points to the centroid.
 * Score = distance to the nearest centroid / that cluster's radius (so < 1
 * is inside what was seen, > 1 is outside).
 * GMM: k components fitted by EM (initialized from k-means), diagonal or
 * full covariance (regularized by 1e-6 on the diagonal); score = negative
 * log-likelihood of the window.
 *
 * Fitting (em-nn-kmeans.c, em-nn-gmm.c) is host code with GLib; scoring
 * (em-nn-anomaly-score.c) is portable C99 with no allocation, for devices.
 */
#pragma once

#include <stdint.h>

/* ---- portable scoring (no GLib) ---------------------------------------- */

typedef struct {
  int32_t      k, dim;
  const float *centroids;     /* [k][dim] */
  const float *radius;        /* [k] (> 0) */
} EmNnKmeansModel;

typedef struct {
  int32_t      k, dim;
  int32_t      full;          /* 1: full covariance, 0: diagonal */
  const float *log_weights;   /* [k] */
  const float *means;         /* [k][dim] */
  /* Precomputed at fit time so scoring is cheap:
   * diagonal: inv_var [k][dim]; full: precision Cholesky factor L [k][dim][dim]
   * (lower triangular, precision = L Lᵀ). */
  const float *precision;
  const float *log_norm;      /* [k]: log of each component's normalizing constant, incl. -dim/2 log 2π */
} EmNnGmmModel;

/* x: [dim] (already the chosen axes) */
float em_nn_kmeans_score (const EmNnKmeansModel *m, const float *x);
/* scratch: dim floats (full covariance only; may be NULL for diagonal) */
float em_nn_gmm_score    (const EmNnGmmModel *m, const float *x, float *scratch);

/* ---- host fitting (GLib) ------------------------------------------------ */
#ifndef EM_NN_ANOMALY_PORTABLE_ONLY
#include <gio/gio.h>

G_BEGIN_DECLS

/* An owned model (arrays allocated) + the chosen axes. */
typedef struct {
  gboolean         is_gmm;
  int              n_axes;
  int             *axes;          /* [n_axes] indices into the feature vector */
  EmNnKmeansModel  kmeans;        /* valid when !is_gmm */
  EmNnGmmModel     gmm;           /* valid when is_gmm */
} EmNnAnomaly;

/* x: n × n_features; axes NULL = all. Errors: n < k, NaN, k < 1. (transfer full) */
EmNnAnomaly *em_nn_kmeans_fit   (const float *x, int n, int n_features, const int *axes, int n_axes,
                                 int k, guint64 seed, GCancellable *cancellable, GError **error);
EmNnAnomaly *em_nn_gmm_fit      (const float *x, int n, int n_features, const int *axes, int n_axes,
                                 int k, gboolean full_covariance, guint64 seed,
                                 GCancellable *cancellable, GError **error);
/* Score one full feature vector (selects the axes itself). */
float        em_nn_anomaly_score (const EmNnAnomaly *a, const float *features);
void         em_nn_anomaly_free  (EmNnAnomaly *a);
/* JSON with every array (round-trips exactly: floats printed with %.9g). */
char        *em_nn_anomaly_to_json   (const EmNnAnomaly *a);
EmNnAnomaly *em_nn_anomaly_from_json (const char *json, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmNnAnomaly, em_nn_anomaly_free)
G_END_DECLS
#endif
