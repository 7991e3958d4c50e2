/* SPDX-License-Identifier: Apache-2.0 */
/* "Image": pixels scaled to 0..1, RGB or grayscale. The input block has
 * already resized the image to the impulse's width × height. */
#include <string.h>
#include "em-block-util.h"
#include "em-dsp-image.h"

static int
image_init (const EmPluginParam *params, size_t n_params, const EmSignalInfo *input, void **state,
            EmFeatureShape *shape, char *err, size_t err_len)
{
  em_dsp_image_params p;
  const char *reason = NULL;
  size_t n = 0, pixels;
  EmBlockState *s;
  int status;

  if (input->input_kind != EM_INPUT_IMAGE || input->n_axes != 3)
    return em_block_fail (err, err_len, "image", EM_DSP_ERR_PARAM, "the image block needs an image input");
  em_dsp_image_params_default (&p);
  p.channels = strcmp (em_plugin_param_string (params, n_params, "channels", "RGB"), "Grayscale") == 0
             ? EM_DSP_IMAGE_GRAYSCALE : EM_DSP_IMAGE_RGB;
  p.width = input->width;
  p.height = input->height;
  p.resize_mode = EM_DSP_RESIZE_NONE;
  status = em_dsp_image_check (&p, input->width, input->height, &n, &reason);
  if (status != EM_DSP_OK)
    return em_block_fail (err, err_len, "image", status, reason);
  pixels = (size_t) input->width * input->height;
  /* Scratch: the 8-bit pixels, then the DSP's own scratch. */
  s = em_block_state_new (input, sizeof p, pixels * 3 + EM_DSP_ALIGN + em_dsp_image_scratch_bytes (&p));
  if (s == NULL)
    return em_block_fail (err, err_len, "image", -1, "out of memory");
  *EM_BLOCK_PARAMS (s, em_dsp_image_params) = p;
  s->n_features = n;
  s->macs = (uint64_t) pixels * 3;
  shape->rows = input->height * input->width;
  shape->cols = p.channels == EM_DSP_IMAGE_RGB ? 3 : 1;
  *state = s;
  return 0;
}

static int
image_run (void *state, const EmSignal *signal, float *out, char *err, size_t err_len)
{
  EmBlockState *s = state;
  size_t n = (size_t) s->input.width * s->input.height * 3;
  size_t offset = (n + EM_DSP_ALIGN - 1) & ~(size_t) (EM_DSP_ALIGN - 1);
  uint8_t *pixels = s->scratch;
  int status;

  for (size_t i = 0; i < n; i++)
    {
      float v = signal->data[i];
      pixels[i] = (uint8_t) (v <= 0 ? 0 : v >= 255 ? 255 : v + 0.5f);
    }
  status = em_dsp_image_f32 (EM_BLOCK_PARAMS (s, em_dsp_image_params), pixels, s->input.width,
                             s->input.height, out, (char *) s->scratch + offset, s->scratch_bytes - offset);
  return status == EM_DSP_OK ? 0 : em_block_fail (err, err_len, "image", status, NULL);
}

/* The device runs what image_run() does: 8-bit pixels into the front of the
 * scratch, then the same em_dsp_image_f32 call. */
static int
image_device_code (void *state, EmDeviceCode *code, char *err, size_t err_len)
{
  EmBlockState *s = state;
  const em_dsp_image_params *p = EM_BLOCK_PARAMS (s, em_dsp_image_params);
  size_t n = (size_t) s->input.width * s->input.height * 3;
  size_t offset = (n + EM_DSP_ALIGN - 1) & ~(size_t) (EM_DSP_ALIGN - 1);
  char run[640];

  snprintf (run, sizeof run,
            "{\n"
            "  uint8_t *px = (uint8_t *) @SCRATCH@;\n"
            "  size_t i;\n"
            "  for (i = 0; i < %zuu; i++)\n"
            "    {\n"
            "      float v = (@IN@)[i];\n"
            "      px[i] = (uint8_t) (v <= 0 ? 0 : v >= 255 ? 255 : v + 0.5f);\n"
            "    }\n"
            "  status = em_dsp_image_f32 (&@P@params, px, %uu, %uu, @OUT@, (char *) @SCRATCH@ + %zuu,\n"
            "                             @SCRATCH_BYTES@ - %zuu);\n"
            "}",
            n, s->input.width, s->input.height, offset, offset);
  return em_block_device_code (code, "image", "em-dsp-image.h em-dsp-image.c", run, s->scratch_bytes, err, err_len,
                               "static const em_dsp_image_params @P@params = {\n"
                               "  (em_dsp_image_channels) %d, %zuu, %zuu, (em_dsp_resize_mode) %d, (em_dsp_crop_anchor) %d\n};\n",
                               (int) p->channels, p->width, p->height, (int) p->resize_mode, (int) p->crop_anchor);
}

static const EmProcessingOps ops = {
  .init = image_init, .run = image_run, .free = em_block_state_free, .cost = em_block_cost,
  .device_code = image_device_code,
};

static const EmBlockInfo blocks[] = { {
  .id = "image",
  .kind = EM_BLOCK_PROCESSING,
  .name = "Image",
  .description = "Pixels scaled to 0..1 in RGB or grayscale: the input of image classifiers and detectors.",
  .version = 1,
  .params_schema =
    "[{\"name\": \"channels\", \"type\": \"enum\", \"default\": \"RGB\", \"values\": [\"RGB\", \"Grayscale\"],"
    "  \"label\": \"Colour depth\"}]",
  .input_kinds = EM_INPUT_IMAGE,
  .ops = &ops,
} };

static const EmPluginInfo info = {
  .abi_version = EM_PLUGIN_ABI, .struct_size = sizeof (EmPluginInfo),
  .name = "Ember image block", .version = "1", .n_blocks = 1, .blocks = blocks,
};

EM_PLUGIN_EXPORT const EmPluginInfo *
em_plugin_info (void)
{
  return &info;
}
