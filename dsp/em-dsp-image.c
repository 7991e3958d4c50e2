/* SPDX-License-Identifier: Apache-2.0 */
#include "em-dsp-image.h"

#include <math.h>
#include <string.h>

void
em_dsp_image_params_default (em_dsp_image_params *p)
{
  p->channels = EM_DSP_IMAGE_RGB;
  p->width = 96;
  p->height = 96;
  p->resize_mode = EM_DSP_RESIZE_SQUASH;
  p->crop_anchor = EM_DSP_ANCHOR_CENTER;
}

#define FAIL(code, why) do { if (reason) *reason = (why); return (code); } while (0)

int
em_dsp_image_check (const em_dsp_image_params *p, size_t src_w, size_t src_h,
                    size_t *n_features, const char **reason)
{
  if (reason)
    *reason = "ok";
  if (n_features)
    *n_features = 0;
  if (p->channels != EM_DSP_IMAGE_RGB && p->channels != EM_DSP_IMAGE_GRAYSCALE)
    FAIL (EM_DSP_ERR_PARAM, "channels must be RGB or Grayscale");
  if (p->width < 1 || p->height < 1 || p->width > EM_DSP_IMAGE_MAX_SIDE
      || p->height > EM_DSP_IMAGE_MAX_SIDE)
    FAIL (EM_DSP_ERR_PARAM, "width and height must be 1 to 8192 pixels");
  if (p->resize_mode != EM_DSP_RESIZE_NONE && p->resize_mode != EM_DSP_RESIZE_SQUASH
      && p->resize_mode != EM_DSP_RESIZE_FIT_SHORTEST && p->resize_mode != EM_DSP_RESIZE_FIT_LONGEST)
    FAIL (EM_DSP_ERR_PARAM, "resize_mode must be squash, fit-shortest or fit-longest");
  if ((int) p->crop_anchor < EM_DSP_ANCHOR_TOP_LEFT || p->crop_anchor > EM_DSP_ANCHOR_BOTTOM_RIGHT)
    FAIL (EM_DSP_ERR_PARAM, "crop_anchor is not one of the nine anchors");
  if (src_w < 1 || src_h < 1 || src_w > EM_DSP_IMAGE_MAX_SIDE || src_h > EM_DSP_IMAGE_MAX_SIDE)
    FAIL (EM_DSP_ERR_SHAPE, "the source image must be 1 to 8192 pixels on each side");
  if (p->resize_mode == EM_DSP_RESIZE_NONE && (src_w != p->width || src_h != p->height))
    FAIL (EM_DSP_ERR_SHAPE, "resize_mode none needs a source of exactly width × height");
  if (n_features)
    *n_features = p->width * p->height * (p->channels == EM_DSP_IMAGE_RGB ? 3 : 1);
  return EM_DSP_OK;
}

size_t
em_dsp_image_scratch_bytes (const em_dsp_image_params *p)
{
  return p->width * p->height * 3;
}

/* Offset of a kept span of size `keep` inside `total` for an anchor column
 * (0 left/top, 1 centre, 2 right/bottom). */
static size_t
anchor_offset (size_t total, size_t keep, int where)
{
  if (keep >= total || where == 0)
    return 0;
  return where == 1 ? (total - keep) / 2 : total - keep;
}

static size_t
clamp_size (size_t v, size_t hi)
{
  return v < 1 ? 1 : (v > hi ? hi : v);
}

/* Squash-resize the cw × ch region at (cx, cy) of src into an rw × rh block
 * of dst (row stride dst_w pixels) at (ox, oy). */
static void
resize_region (const uint8_t *src, size_t src_w, size_t cx, size_t cy, size_t cw, size_t ch,
               uint8_t *dst, size_t dst_w, size_t ox, size_t oy, size_t rw, size_t rh)
{
  size_t dx, dy, c;

  for (dy = 0; dy < rh; dy++)
    {
      double fy = ((double) dy + 0.5) * (double) ch / (double) rh - 0.5;
      size_t y0, y1;
      double wy;
      if (fy < 0.0)
        fy = 0.0;
      if (fy > (double) (ch - 1))
        fy = (double) (ch - 1);
      y0 = (size_t) fy;
      y1 = y0 + 1 < ch ? y0 + 1 : y0;
      wy = fy - (double) y0;
      for (dx = 0; dx < rw; dx++)
        {
          double fx = ((double) dx + 0.5) * (double) cw / (double) rw - 0.5;
          const uint8_t *r0, *r1;
          size_t x0, x1;
          double wx;
          if (fx < 0.0)
            fx = 0.0;
          if (fx > (double) (cw - 1))
            fx = (double) (cw - 1);
          x0 = (size_t) fx;
          x1 = x0 + 1 < cw ? x0 + 1 : x0;
          wx = fx - (double) x0;
          r0 = src + ((cy + y0) * src_w + cx) * 3;
          r1 = src + ((cy + y1) * src_w + cx) * 3;
          for (c = 0; c < 3; c++)
            {
              /* Spelled out term by term so the numpy reference can repeat
               * the same double operations and agree to the byte. */
              double top = (double) r0[x0 * 3 + c] * (1.0 - wx) + (double) r0[x1 * 3 + c] * wx;
              double bot = (double) r1[x0 * 3 + c] * (1.0 - wx) + (double) r1[x1 * 3 + c] * wx;
              double v = top * (1.0 - wy) + bot * wy;
              v = floor (v + 0.5);
              dst[((oy + dy) * dst_w + ox + dx) * 3 + c] = (uint8_t) (v < 0 ? 0 : (v > 255 ? 255 : v));
            }
        }
    }
}

int
em_dsp_image_resize_u8 (const em_dsp_image_params *p, const uint8_t *src,
                        size_t src_w, size_t src_h, uint8_t *dst)
{
  size_t dw = p->width, dh = p->height;
  int ax, ay;
  int rc = em_dsp_image_check (p, src_w, src_h, NULL, NULL);

  if (rc != EM_DSP_OK)
    return rc;
  ax = (int) p->crop_anchor % 3;
  ay = (int) p->crop_anchor / 3;
  /* Aspect ratios are compared in integers (src_w·dh vs dw·src_h) so equal
   * ratios never depend on rounding. */
  switch (p->resize_mode)
    {
    case EM_DSP_RESIZE_NONE:
    case EM_DSP_RESIZE_SQUASH:
      resize_region (src, src_w, 0, 0, src_w, src_h, dst, dw, 0, 0, dw, dh);
      break;
    case EM_DSP_RESIZE_FIT_SHORTEST:
      {
        size_t cw = src_w, ch = src_h;
        if (src_w * dh > dw * src_h)  /* source wider: crop its sides */
          cw = clamp_size ((src_h * dw + dh / 2) / dh, src_w);
        else
          ch = clamp_size ((src_w * dh + dw / 2) / dw, src_h);
        resize_region (src, src_w, anchor_offset (src_w, cw, ax), anchor_offset (src_h, ch, ay),
                       cw, ch, dst, dw, 0, 0, dw, dh);
        break;
      }
    case EM_DSP_RESIZE_FIT_LONGEST:
      {
        size_t iw = dw, ih = dh;
        if (src_w * dh > dw * src_h)  /* source wider: bars above/below */
          ih = clamp_size ((src_h * dw + src_w / 2) / src_w, dh);
        else
          iw = clamp_size ((src_w * dh + src_h / 2) / src_h, dw);
        memset (dst, 0, dw * dh * 3);
        resize_region (src, src_w, 0, 0, src_w, src_h, dst, dw,
                       anchor_offset (dw, iw, ax), anchor_offset (dh, ih, ay), iw, ih);
        break;
      }
    default:
      return EM_DSP_ERR_PARAM;
    }
  return EM_DSP_OK;
}

int
em_dsp_image_f32 (const em_dsp_image_params *p, const uint8_t *src,
                  size_t src_w, size_t src_h, float *out,
                  void *scratch, size_t scratch_bytes)
{
  uint8_t *img = scratch;
  size_t i, n = p->width * p->height;
  int rc = em_dsp_image_check (p, src_w, src_h, NULL, NULL);

  if (rc != EM_DSP_OK)
    return rc;
  if (img == NULL || scratch_bytes < em_dsp_image_scratch_bytes (p))
    return EM_DSP_ERR_SCRATCH;
  rc = em_dsp_image_resize_u8 (p, src, src_w, src_h, img);
  if (rc != EM_DSP_OK)
    return rc;
  if (p->channels == EM_DSP_IMAGE_RGB)
    {
      for (i = 0; i < n * 3; i++)
        out[i] = (float) img[i] / 255.0f;
    }
  else
    {
      for (i = 0; i < n; i++)
        {
          float r = (float) img[3 * i] / 255.0f;
          float g = (float) img[3 * i + 1] / 255.0f;
          float b = (float) img[3 * i + 2] / 255.0f;
          out[i] = 0.299f * r + 0.587f * g + 0.114f * b;
        }
    }
  return EM_DSP_OK;
}

int
em_dsp_image_unpack_rgb_f32 (const float *packed, size_t n, uint8_t *rgb)
{
  size_t i;
  for (i = 0; i < n; i++)
    {
      float v = packed[i];
      unsigned long u;
      if (!(v >= 0.0f && v <= 16777215.0f) || v != floorf (v))
        return EM_DSP_ERR_PARAM;
      u = (unsigned long) v;
      rgb[3 * i] = (uint8_t) (u >> 16);
      rgb[3 * i + 1] = (uint8_t) ((u >> 8) & 0xff);
      rgb[3 * i + 2] = (uint8_t) (u & 0xff);
    }
  return EM_DSP_OK;
}
