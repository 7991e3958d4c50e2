/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* 2-D projections of a feature matrix for the feature explorer.
 *
 * Input layout, for both calls: @x holds @n rows (points, e.g. windows) of
 * @d columns (features), row-major float32, n × d values. Every value must be
 * finite (NaN or ±Inf → EM_ERROR_INVALID_ARGUMENT). Columns are first
 * standardised to zero mean and unit variance (population variance); a
 * constant column carries no information and is ignored.
 *
 * Output: @out receives n × 2 float32, row-major (x0, y0, x1, y1, ...). It is
 * written only on success. Units are arbitrary: only relative positions mean
 * anything.
 *
 * Both calls are deterministic: the same input (and seed) gives bit-identical
 * output on a given build, whatever the number of cores, because work is cut
 * into pieces that do not depend on the thread count and partial sums are
 * combined in a fixed order. They use all cores of the machine. */

/* Called from the calling thread with @fraction in [0, 1], non-decreasing;
 * the last call is 1.0 on success. */
typedef void (*EmProjectionProgress) (double fraction, gpointer user_data);

/* Principal component analysis: out[i] = the scores of row i on the first
 * two principal axes of the standardised data (axis 1 the one of largest
 * variance). Each axis's sign is fixed so that its largest-magnitude loading
 * is positive. Missing axes (fewer than two non-constant columns, or n = 1)
 * give zeros. n = 0 does nothing. Any n. Up to 1024 non-constant columns it
 * works on the d × d correlation matrix (five of them in memory: 40 MB at
 * d = 1024; 0.6 s for 20k × 650 on two cores); above, it multiplies by the
 * data instead, in O(d · 12) memory and 30 passes over it. */
gboolean em_projection_pca  (const float *x, gsize n, gsize d, float *out, GError **error);

/* Barnes-Hut t-SNE (van der Maaten, JMLR 15, 2014).
 *
 * The standardised data is first reduced by PCA to min(50, d) dimensions;
 * P is calibrated to @perplexity on the exact k = ⌊3·perplexity⌋ nearest
 * neighbours of each point and symmetrised; the embedding starts from
 * N(0, 10⁻⁴) drawn from GRand seeded with @seed, and is optimised by
 * gradient descent with gains, momentum 0.5 then 0.8, learning rate
 * max(n / 12, 200) and early exaggeration 12 for the first
 * min(250, n_iter / 4) iterations. Repulsive forces are approximated with a
 * quadtree: a cell is summarised by its centre of mass when its side divided
 * by its distance to the point is below θ = 0.5.
 *
 * @n: 4 ≤ n ≤ 20000 (above: use em_projection_pca()).
 * @perplexity: 0 < perplexity ≤ 100 and 3·perplexity < n; 30 is the usual
 *   choice (then n must exceed 90).
 * @n_iter: gradient-descent iterations; 0 means the default, 1000.
 * @progress: (nullable) called at most once per 1 % of the work.
 * @cancellable: (nullable) checked between iterations and during the
 *   neighbour search; cancelling fails with EM_ERROR_CANCELLED.
 *
 * Errors: EM_ERROR_INVALID_ARGUMENT for the limits above or non-finite
 * input, EM_ERROR_CANCELLED, EM_ERROR_FAILED if the optimisation diverges.
 *
 * Cost: O(n²·50) for the neighbour search and O(n log n) per iteration:
 * on two cores, 2k points × 650 features take about 1.3 s and 20k about
 * 21 s (4 s of it the neighbour search); memory about n·k·40 bytes. */
gboolean em_projection_tsne (const float *x, gsize n, gsize d, double perplexity, guint n_iter,
                             guint32 seed, EmProjectionProgress progress, gpointer user_data,
                             GCancellable *cancellable, float *out, GError **error);

G_END_DECLS
