/* SPDX-License-Identifier: Apache-2.0 */
/* Anomaly scoring for devices: C99, no GLib, no allocation.
 *
 * GMM convention (shared with em-nn-gmm.c, which fills the model):
 *   log p_k(x) = log_weights[k] + log_norm[k] - 1/2 * maha_k(x)
 *   log_weights[k] = log w_k                 (mixing weight only)
 *   log_norm[k]    = -dim/2 log 2π - 1/2 log|Σ_k|
 *   maha_k(x)      = (x-μ_k)ᵀ Σ_k⁻¹ (x-μ_k)
 *                  = Σ_j (x_j-μ_kj)² inv_var_kj          (diagonal)
 *                  = |Lᵀ (x-μ_k)|²,  Σ_k⁻¹ = L Lᵀ         (full)
 *   score(x)       = -log Σ_k exp(log p_k(x))   (log-sum-exp, max first)
 */
#define EM_NN_ANOMALY_PORTABLE_ONLY
#include "em-nn-anomaly.h"

#include <math.h>
#include <stddef.h>

float
em_nn_kmeans_score (const EmNnKmeansModel *m, const float *x)
{
  float best = HUGE_VALF;
  int32_t best_k = 0;

  for (int32_t k = 0; k < m->k; k++)
    {
      const float *c = m->centroids + (size_t) k * (size_t) m->dim;
      float d2 = 0.0f;

      for (int32_t j = 0; j < m->dim; j++)
        {
          float d = x[j] - c[j];
          d2 += d * d;
        }
      /* Strict "<" so ties go to the lowest index, as at fit time. */
      if (d2 < best)
        {
          best = d2;
          best_k = k;
        }
    }
  return sqrtf (best) / m->radius[best_k];
}

/* Squared Mahalanobis distance of x to component k. */
static float
gmm_maha (const EmNnGmmModel *m, int32_t k, const float *x, float *scratch)
{
  const size_t dim = (size_t) m->dim;
  const float *mu = m->means + (size_t) k * dim;
  float acc = 0.0f;

  if (!m->full)
    {
      const float *iv = m->precision + (size_t) k * dim;

      for (size_t j = 0; j < dim; j++)
        {
          float d = x[j] - mu[j];
          acc += d * d * iv[j];
        }
      return acc;
    }

  {
    const float *L = m->precision + (size_t) k * dim * dim;

    /* The difference is used dim/2 times on average; keep it in the
     * caller's scratch rather than recomputing it per product. */
    if (scratch != NULL)
      for (size_t i = 0; i < dim; i++)
        scratch[i] = x[i] - mu[i];

    /* (Lᵀ d)_j = Σ_{i >= j} L[i][j] d_i: only the lower triangle is read. */
    for (size_t j = 0; j < dim; j++)
      {
        float y = 0.0f;

        for (size_t i = j; i < dim; i++)
          {
            float d = scratch != NULL ? scratch[i] : x[i] - mu[i];
            y += L[i * dim + j] * d;
          }
        acc += y * y;
      }
    return acc;
  }
}

float
em_nn_gmm_score (const EmNnGmmModel *m, const float *x, float *scratch)
{
  float top = -HUGE_VALF;
  float sum = 0.0f;

  /* Streaming log-sum-exp: sum is Σ exp(lp - top) for the running maximum
   * top, rescaled when a larger term arrives, so every exp() is <= 1 and
   * no buffer of k log-densities is needed. */
  for (int32_t k = 0; k < m->k; k++)
    {
      float lp = m->log_weights[k] + m->log_norm[k] - 0.5f * gmm_maha (m, k, x, scratch);

      if (lp > top)
        {
          sum = sum * expf (top - lp) + 1.0f;
          top = lp;
        }
      else
        sum += expf (lp - top);
    }
  if (!(top > -HUGE_VALF))
    return HUGE_VALF;
  return -(top + logf (sum));
}
