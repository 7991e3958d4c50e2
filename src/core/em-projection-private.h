/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Pieces of em-projection.c (PCA, fork-join helper) that
 * em-projection-tsne.c (neighbours, affinities, quadtree, optimiser) uses. */

#include "em-projection.h"

G_BEGIN_DECLS

/* A small fork-join helper over a fixed set of threads. Work is given as
 * numbered chunks; each chunk must write only its own outputs, so results
 * never depend on which thread ran it (that is what keeps the projections
 * deterministic whatever the core count). */
typedef struct _EmParallel EmParallel;
typedef void (*EmParallelFunc) (guint chunk, gpointer data);

EmParallel *em_parallel_new  (void);
/* Runs @func for chunks 0 .. n_chunks-1 and returns when all are done. */
void        em_parallel_run  (EmParallel *self, guint n_chunks, EmParallelFunc func, gpointer data);
void        em_parallel_free (EmParallel *self);

/* Standardises @x (n × d), ignores constant columns and returns in @scores
 * (transfer full) the scores on the first k' = min(k, non-constant columns)
 * principal axes, n × k' floats, row-major; @k_out receives k'. With
 * @distances_only the caller only needs distances between rows: the
 * eigen-solver stops earlier and is skipped when k' covers every column.
 * Fails only on non-finite input. */
gboolean    em_projection_pca_scores (const float *x, gsize n, gsize d, guint k, gboolean distances_only,
                                      EmParallel *par, float **scores, guint *k_out, GError **error);

G_END_DECLS
