/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-optim-private.h — the optimizers behind em_nn_train: Adam (Keras'
 * form, bias-corrected step size) and SGD with momentum (Keras' form
 * v = m·v − lr·g; w += v), each with decoupled weight decay
 * w −= lr·wd·w on the parameters marked decay. */
#pragma once

#include "em-nn-net.h"
#include "em-nn-train.h"

G_BEGIN_DECLS

typedef struct _EmNnOptim EmNnOptim;

/* State (moments) for @params (element-type EmNnParam), zero. */
EmNnOptim *em_nn_optim_new  (GArray *params, EmNnOptimizer kind, double momentum,
                             double weight_decay);
/* One update from the gradients currently in @params at rate @lr. */
void       em_nn_optim_step (EmNnOptim *optim, GArray *params, double lr);
void       em_nn_optim_free (EmNnOptim *optim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmNnOptim, em_nn_optim_free)

G_END_DECLS
