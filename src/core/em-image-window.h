/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-impulse.h"

G_BEGIN_DECLS

/* Decode an image sample and resize it to the input block's width × height
 * (resize mode + crop anchor) into @out: height × width × 3 floats, RGB,
 * 0..255, row-major. */
gboolean em_image_window_fill (EmSample *sample, const EmInputConfig *config, float *out,
                               GError **error);

G_END_DECLS
