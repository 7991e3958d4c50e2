/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-project.h"

G_BEGIN_DECLS

/* The project's feature cache: per (block key, sample hash) the features of
 * every window of the sample, n_windows × n_features float32. */

/* Hashes already cached for @block_key. (transfer full) (element-type utf8) */
GHashTable *em_feature_cache_list_hashes (EmProject *project, const char *block_key, GError **error);
gboolean    em_feature_cache_put         (EmProject *project, const char *block_key,
                                          const char *sample_hash, guint n_windows,
                                          guint n_features, const float *data, GError **error);
/* FALSE with EM_ERROR_NOT_FOUND when absent. @data: (transfer full) (out) */
gboolean    em_feature_cache_get         (EmProject *project, const char *block_key,
                                          const char *sample_hash, guint *n_windows,
                                          guint *n_features, float **data, GError **error);
/* Drop entries of keys not in @keep (NULL-terminated); returns rows removed or -1. */
gint64      em_feature_cache_prune       (EmProject *project, const char * const *keep, GError **error);

/* A 2-D projection of a block's features: records of (sample id, window, x, y). */
typedef struct {
  gint64 sample_id;
  guint  window;
  float  x, y;
} EmProjectedPoint;

gboolean    em_feature_projection_put    (EmProject *project, const char *block_key, const char *method,
                                          const EmProjectedPoint *points, gsize n_points, GError **error);
/* (transfer full) (element-type EmProjectedPoint) */
GArray     *em_feature_projection_get    (EmProject *project, const char *block_key, char **method,
                                          GError **error);

G_END_DECLS
