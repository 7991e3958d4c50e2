/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "em-dsp-image.h"
#include "em-error.h"
#include "em-image-window.h"
#include "formats/em-image.h"

static gboolean
parse_anchor (const char *name, em_dsp_crop_anchor *out)
{
  static const char * const names[] = {
    "top-left", "top-center", "top-right", "middle-left", "middle-center", "middle-right",
    "bottom-left", "bottom-center", "bottom-right",
  };

  if (name == NULL || g_strcmp0 (name, "center") == 0)
    {
      *out = EM_DSP_ANCHOR_CENTER;
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (name, names[i]) == 0)
      {
        *out = (em_dsp_crop_anchor) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
em_image_window_fill (EmSample *sample, const EmInputConfig *config, float *out, GError **error)
{
  g_autofree guint8 *rgb = NULL;
  g_autofree guint8 *resized = NULL;
  em_dsp_image_params params;
  guint width = 0, height = 0;
  gsize n = (gsize) config->width * config->height * 3;
  int status;

  em_dsp_image_params_default (&params);
  params.width = config->width;
  params.height = config->height;
  params.resize_mode = config->resize_mode == EM_RESIZE_FIT_SHORTEST ? EM_DSP_RESIZE_FIT_SHORTEST
                     : config->resize_mode == EM_RESIZE_FIT_LONGEST ? EM_DSP_RESIZE_FIT_LONGEST
                     : EM_DSP_RESIZE_SQUASH;
  if (!parse_anchor (config->crop_anchor, &params.crop_anchor))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "input block: unknown crop anchor '%s' (top-left ... middle-center ... bottom-right)",
                   config->crop_anchor);
      return FALSE;
    }
  rgb = em_image_decode_rgb (sample, &width, &height, error);
  if (rgb == NULL)
    return FALSE;
  resized = g_malloc (n);
  status = em_dsp_image_resize_u8 (&params, rgb, width, height, resized);
  if (status != EM_DSP_OK)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "cannot resize %ux%u to %ux%u: %s", width, height,
                   config->width, config->height, em_dsp_status_string (status));
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    out[i] = resized[i];
  return TRUE;
}
