/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-sample.h"

G_BEGIN_DECLS

/* Validate a PNG or JPEG file by decoding it completely (libpng / libjpeg);
 * returns an EM_SENSOR_IMAGE sample holding the encoded bytes unchanged,
 * with width, height, encoding and source format ("png" / "jpeg") set.
 * Truncated or corrupt images are errors. (transfer full) */
EmSample *em_image_read         (GBytes *bytes, GError **error);

/* Decode an image sample to 8-bit RGB, row-major, width × height × 3 bytes.
 * (transfer full) */
guint8   *em_image_decode_rgb   (EmSample *sample, guint *width, guint *height, GError **error);

/* Encode width × height × 3 RGB bytes as PNG. (transfer full) */
GBytes   *em_image_encode_png   (const guint8 *rgb, guint width, guint height, GError **error);

G_END_DECLS
