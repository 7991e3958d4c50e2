/* SPDX-License-Identifier: Apache-2.0 */
#include "em-nn-model.h"

G_DEFINE_QUARK (em-nn-error-quark, em_nn_error)
