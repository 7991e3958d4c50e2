/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include "em-nn-optim-private.h"

/* Keras' Adam constants, so a model trained here matches what users know. */
#define ADAM_BETA1 0.9
#define ADAM_BETA2 0.999
#define ADAM_EPS   1e-7

struct _EmNnOptim {
  EmNnOptimizer kind;
  double        momentum, weight_decay;
  guint64       t;          /* steps taken (Adam's bias correction) */
  guint         n_params;
  float       **m, **v;     /* per tensor: Adam first / second moment; SGD velocity in m */
};

EmNnOptim *
em_nn_optim_new (GArray *params, EmNnOptimizer kind, double momentum, double weight_decay)
{
  EmNnOptim *o = g_new0 (EmNnOptim, 1);

  o->kind = kind;
  o->momentum = momentum;
  o->weight_decay = weight_decay;
  o->n_params = params->len;
  o->m = g_new0 (float *, params->len);
  o->v = g_new0 (float *, params->len);
  for (guint i = 0; i < params->len; i++)
    {
      const EmNnParam *p = &g_array_index (params, EmNnParam, i);
      o->m[i] = g_new0 (float, MAX (p->n, 1));
      if (kind == EM_NN_OPTIMIZER_ADAM)
        o->v[i] = g_new0 (float, MAX (p->n, 1));
    }
  return o;
}

void
em_nn_optim_free (EmNnOptim *o)
{
  if (o == NULL)
    return;
  for (guint i = 0; i < o->n_params; i++)
    {
      g_free (o->m[i]);
      g_free (o->v[i]);
    }
  g_free (o->m);
  g_free (o->v);
  g_free (o);
}

void
em_nn_optim_step (EmNnOptim *o, GArray *params, double lr)
{
  g_return_if_fail (params->len == o->n_params);

  o->t++;
  /* Keras folds both bias corrections into the step size. */
  double alpha = lr * sqrt (1.0 - pow (ADAM_BETA2, (double) o->t)) / (1.0 - pow (ADAM_BETA1, (double) o->t));
  float decay_factor = (float) (1.0 - lr * o->weight_decay);

  for (guint i = 0; i < params->len; i++)
    {
      const EmNnParam *p = &g_array_index (params, EmNnParam, i);
      float *w = p->value, *m = o->m[i], *v = o->v[i];
      const float *g = p->grad;

      /* Decoupled decay (AdamW / SGDW): shrink the weights themselves, not
       * through the gradient, so Adam's scaling does not undo it. */
      if (p->decay && o->weight_decay != 0)
        for (gsize k = 0; k < p->n; k++)
          w[k] *= decay_factor;

      if (o->kind == EM_NN_OPTIMIZER_ADAM)
        {
          const float b1 = (float) ADAM_BETA1, b2 = (float) ADAM_BETA2;
          const float a = (float) alpha, eps = (float) ADAM_EPS;
          for (gsize k = 0; k < p->n; k++)
            {
              m[k] = b1 * m[k] + (1.f - b1) * g[k];
              v[k] = b2 * v[k] + (1.f - b2) * g[k] * g[k];
              w[k] -= a * m[k] / (sqrtf (v[k]) + eps);
            }
        }
      else
        {
          const float mom = (float) o->momentum, rate = (float) lr;
          for (gsize k = 0; k < p->n; k++)
            {
              m[k] = mom * m[k] - rate * g[k];
              w[k] += m[k];
            }
        }
    }
}
