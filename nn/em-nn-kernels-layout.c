/* SPDX-License-Identifier: Apache-2.0 */
/* Layout kernels: PAD and CONCATENATION as TensorFlow Lite defines them
 * (PAD fills with zero, or for int8 with the zero point, i.e. the value
 * 0.0; CONCATENATION of int8 tensors that share their quantization is a
 * copy). They only move bytes, so the float and int8 versions share one
 * body over the element size. Portable C99, no allocation. */
#include <string.h>
#include "em-nn-kernels.h"

static void
pad_bytes (const EmNnGeom *g, size_t elem, const void *fill, const uint8_t *input, uint8_t *output)
{
  const size_t in_row = (size_t) g->in_w * g->in_c * elem;
  const size_t out_px = (size_t) g->out_c * elem;
  const size_t n = (size_t) g->out_h * g->out_w;
  int32_t y;
  size_t i;

  /* Fill everything, then copy the input rows into place. */
  for (i = 0; i < n; i++)
    {
      size_t k;
      for (k = 0; k < (size_t) g->out_c; k++)
        memcpy (output + i * out_px + k * elem, fill, elem);
    }
  for (y = 0; y < g->in_h; y++)
    memcpy (output + (((size_t) (y + g->pad_top) * g->out_w + g->pad_left) * out_px),
            input + (size_t) y * in_row, in_row);
}

void
em_nn_pad_s8 (const EmNnGeom *g, int8_t value, const int8_t *input, int8_t *output)
{
  pad_bytes (g, 1, &value, (const uint8_t *) input, (uint8_t *) output);
}

void
em_nn_pad_f32 (const EmNnGeom *g, const float *input, float *output)
{
  const float zero = 0.0f;
  pad_bytes (g, sizeof (float), &zero, (const uint8_t *) input, (uint8_t *) output);
}

static void
concat_bytes (int32_t outer, size_t n_a, size_t n_b, const uint8_t *a, const uint8_t *b, uint8_t *output)
{
  int32_t o;

  for (o = 0; o < outer; o++)
    {
      memcpy (output, a + (size_t) o * n_a, n_a);
      memcpy (output + n_a, b + (size_t) o * n_b, n_b);
      output += n_a + n_b;
    }
}

void
em_nn_concat_s8 (int32_t outer, int32_t n_a, int32_t n_b, const int8_t *a, const int8_t *b, int8_t *output)
{
  concat_bytes (outer, (size_t) n_a, (size_t) n_b, (const uint8_t *) a, (const uint8_t *) b, (uint8_t *) output);
}

void
em_nn_concat_f32 (int32_t outer, int32_t n_a, int32_t n_b, const float *a, const float *b, float *output)
{
  concat_bytes (outer, (size_t) n_a * sizeof (float), (size_t) n_b * sizeof (float), (const uint8_t *) a,
                (const uint8_t *) b, (uint8_t *) output);
}
