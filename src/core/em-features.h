/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-block-registry.h"
#include "em-demo.h"
#include "em-impulse.h"

G_BEGIN_DECLS

/* What feature generation did for one processing block. */
typedef struct {
  char  *block_id;
  char  *block_key;     /* cache key: plugin, version, params, input block */
  guint  rows, cols;    /* feature shape per window */
  guint  n_samples;     /* enabled samples with features */
  guint  n_windows;
  guint  n_computed;    /* samples computed now (the rest came from the cache) */
  guint  n_skipped;     /* samples that could not be used (wrong rate, missing axis...) */
  char  *first_skip;    /* the first skip's reason, for the log */
} EmFeatureSummary;

void      em_feature_summary_free  (EmFeatureSummary *summary);

typedef struct {
  const char *only_block;  /* NULL: every processing block of the impulse */
  guint       n_threads;   /* 0: one per core */
  gboolean    tsne;        /* also a t-SNE projection (≤ 20k windows); PCA always */
} EmFeatureOptions;

/* Compute the features of every window of every enabled sample for the
 * impulse's processing blocks, reusing cached ones; store them and a 2-D
 * projection in the project. Cancel leaves what was stored consistent.
 * (out) summaries: (element-type EmFeatureSummary) (transfer full) */
gboolean  em_features_generate     (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry,
                                    const EmFeatureOptions *options, EmProgressFunc progress,
                                    gpointer user_data, GCancellable *cancellable,
                                    GPtrArray **summaries, GError **error);

/* The same as a GTask on a worker thread, for the app: @progress is called
 * on that thread (hand it to the main loop yourself); the result is the
 * summaries array. @impulse is copied. */
void      em_features_generate_async  (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry,
                                       const EmFeatureOptions *options, EmProgressFunc progress,
                                       gpointer progress_data, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
/* (element-type EmFeatureSummary) (transfer full) */
GPtrArray *em_features_generate_finish (EmProject *project, GAsyncResult *result, GError **error);

/* The cache key of a block of the impulse (also validates its params). (transfer full) */
char     *em_features_block_key    (EmImpulse *impulse, EmImpulseBlock *block, EmBlockRegistry *registry,
                                    GError **error);

G_END_DECLS
