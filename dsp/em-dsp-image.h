/* SPDX-License-Identifier: Apache-2.0 */
/* Image block (Edge Impulse image_custom v1; DSP-REFERENCE §1.6) plus the
 * resize the image input stage does before it.
 *
 * Resize of an 8-bit RGB image (HWC, 3 bytes per pixel) to width × height:
 *  - squash: the whole image, stretched to the new size;
 *  - fit_shortest: crop the largest rectangle with the target's aspect ratio
 *    (integer pixels: the short side whole, the long side rounded to the
 *    nearest pixel), placed by crop_anchor, then squash it;
 *  - fit_longest: letterbox: squash the whole image to the largest size with
 *    the same aspect ratio that fits (long side exact, short side rounded),
 *    place it by crop_anchor and pad the rest with 0 (black).
 * Anchors place the kept region: top_left … bottom_right; "center" splits
 * the slack with integer division (the extra pixel goes right/bottom).
 * Interpolation is bilinear in double with pixel centres aligned
 * (src = (dst + 0.5)·src_size/dst_size − 0.5, clamped to the edge pixels),
 * the result rounded to the nearest byte (halves up). No antialiasing, so a
 * large downscale aliases like OpenCV's INTER_LINEAR.
 *
 * Features: RGB → R/255, G/255, B/255 interleaved (HWC, C = 3);
 * grayscale → 0.299·R/255 + 0.587·G/255 + 0.114·B/255 (ITU-R 601-2, C = 1).
 * Output: width × height × C floats in [0, 1], row-major from the top row. */
#ifndef EM_DSP_IMAGE_H
#define EM_DSP_IMAGE_H

#include "em-dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EM_DSP_IMAGE_MAX_SIDE 8192

typedef enum {
  EM_DSP_IMAGE_RGB = 0,
  EM_DSP_IMAGE_GRAYSCALE = 1,
} em_dsp_image_channels;

/* Values match the SDK's EI_CLASSIFIER_RESIZE_* constants where both exist
 * (0 is "none" there: no resize, the input must already have the size). */
typedef enum {
  EM_DSP_RESIZE_NONE = 0,
  EM_DSP_RESIZE_FIT_SHORTEST = 1,
  EM_DSP_RESIZE_FIT_LONGEST = 2,
  EM_DSP_RESIZE_SQUASH = 3,
} em_dsp_resize_mode;

typedef enum {
  EM_DSP_ANCHOR_TOP_LEFT = 0,
  EM_DSP_ANCHOR_TOP_CENTER,
  EM_DSP_ANCHOR_TOP_RIGHT,
  EM_DSP_ANCHOR_MIDDLE_LEFT,
  EM_DSP_ANCHOR_CENTER,
  EM_DSP_ANCHOR_MIDDLE_RIGHT,
  EM_DSP_ANCHOR_BOTTOM_LEFT,
  EM_DSP_ANCHOR_BOTTOM_CENTER,
  EM_DSP_ANCHOR_BOTTOM_RIGHT,
} em_dsp_crop_anchor;

typedef struct {
  em_dsp_image_channels channels;  /* [RGB] */
  size_t width;                    /* [96] output pixels, 1 … 8192 */
  size_t height;                   /* [96] */
  em_dsp_resize_mode resize_mode;  /* [squash] */
  em_dsp_crop_anchor crop_anchor;  /* [center] */
} em_dsp_image_params;

void   em_dsp_image_params_default (em_dsp_image_params *p);

/* Errors: EM_DSP_ERR_PARAM (bad enum, size 0 or over the maximum),
 * EM_DSP_ERR_SHAPE (empty source, or mode none with a source of another
 * size). *n_features = width·height·C. */
int    em_dsp_image_check (const em_dsp_image_params *p, size_t src_w, size_t src_h,
                           size_t *n_features, const char **reason);
/* width·height·3 bytes for the resized image. */
size_t em_dsp_image_scratch_bytes (const em_dsp_image_params *p);

/* Resize only: src src_w × src_h × 3 bytes → dst width × height × 3 bytes. */
int    em_dsp_image_resize_u8 (const em_dsp_image_params *p, const uint8_t *src,
                               size_t src_w, size_t src_h, uint8_t *dst);

/* Resize and convert: out gets width·height·C floats. */
int    em_dsp_image_f32 (const em_dsp_image_params *p, const uint8_t *src,
                         size_t src_w, size_t src_h, float *out,
                         void *scratch, size_t scratch_bytes);

/* Studio's raw image layout is one float per pixel holding 0xRRGGBB (exact
 * in float32, < 2^24). Unpack n such values into n·3 bytes; values outside
 * 0 … 0xFFFFFF or not whole numbers give EM_DSP_ERR_PARAM. */
int    em_dsp_image_unpack_rgb_f32 (const float *packed, size_t n, uint8_t *rgb);

#ifdef __cplusplus
}
#endif

#endif /* EM_DSP_IMAGE_H */
