/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-augment-private.h — the deterministic transforms behind
 * em_nn_augment_apply, exposed for tests. window and scratch hold
 * em_nn_dims_size(dims) floats. */
#pragma once

#include "em-nn-augment.h"

G_BEGIN_DECLS

/* Content moves by k cells along w (positive: to higher x); vacated cells are 0. */
void em_nn_augment_shift_w (EmNnDims dims, float *window, float *scratch, int k);
void em_nn_augment_flip_w  (EmNnDims dims, float *window);
void em_nn_augment_flip_h  (EmNnDims dims, float *window);
/* Set cells whose coordinate on axis (0 = h, 1 = w, 2 = c) lies in
 * [start, start + width) to value. */
void em_nn_augment_mask    (EmNnDims dims, float *window, int axis, int start, int width, float value);
/* Keep the fractions between the given side fractions and stretch them back
 * over the whole window (bilinear). All zero is the identity. */
void em_nn_augment_crop    (EmNnDims dims, float *window, float *scratch,
                            float top, float bottom, float left, float right);

G_END_DECLS
