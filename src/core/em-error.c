/* SPDX-License-Identifier: Apache-2.0 */
#include "em-error.h"

G_DEFINE_QUARK (ember-error-quark, em_error)
