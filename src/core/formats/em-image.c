/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

#include "em-error.h"
#include "em-image.h"

/* Larger images are refused: a side beyond this is not a dataset image, and
 * a decoded 16384² RGB frame (768 MiB) is already as much as we allocate. */
#define IMAGE_MAX_SIDE 16384

/* deflate cannot expand more than 1032:1, so image data larger than this
 * multiple of the file cannot be in the file: it is truncated or lying. */
#define PNG_MAX_RATIO 1040

static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

static gboolean
check_size (guint width, guint height, const char *what, GError **error)
{
  if (width == 0 || height == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "invalid %s: size %u×%u", what, width, height);
      return FALSE;
    }
  if (width > IMAGE_MAX_SIDE || height > IMAGE_MAX_SIDE)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                   "%s too large: %u×%u pixels (each side at most %d)", what, width, height, IMAGE_MAX_SIDE);
      return FALSE;
    }
  return TRUE;
}

/* ---- PNG ---------------------------------------------------------------- */

/* Everything the libpng callbacks and the setjmp landing need lives here, so
 * no local of the decoding function changes between setjmp and longjmp. */
typedef struct {
  const guint8 *data;
  gsize len;
  gsize pos;
  gboolean eof;
  char message[200];
  guint8 *row;     /* validation: one row; decoding: unused */
  guint8 *pixels;  /* decoding: width × height × 3 */
  png_bytep *rows;
} PngState;

static void
png_read_cb (png_structp png, png_bytep out, png_size_t n)
{
  PngState *st = png_get_io_ptr (png);

  if (n > st->len - st->pos)
    {
      st->eof = TRUE;
      png_error (png, "file ends early");
    }
  memcpy (out, st->data + st->pos, n);
  st->pos += n;
}

static void
png_error_cb (png_structp png, png_const_charp msg)
{
  PngState *st = png_get_error_ptr (png);

  g_strlcpy (st->message, msg, sizeof st->message);
  png_longjmp (png, 1);
}

static void
png_warning_cb (png_structp png, png_const_charp msg)
{
  /* Warnings concern ancillary data (colour profiles, text) that libpng
   * already dropped; the pixels are intact. */
}

/* Decodes a PNG completely. With @pixels_out NULL only validates, holding one
 * row at a time; otherwise returns 8-bit RGB. */
static gboolean
png_decode (const guint8 *data, gsize len, guint *width_out, guint *height_out, guint8 **pixels_out,
            GError **error)
{
  /* Heap state: what changes between setjmp and longjmp must not be an
   * automatic variable, whose value the jump leaves indeterminate. */
  g_autofree PngState *st = g_new0 (PngState, 1);
  png_structp png;
  png_infop info = NULL;
  gboolean ok = FALSE;

  st->data = data;
  st->len = len;
  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, st, png_error_cb, png_warning_cb);
  if (png == NULL || (info = png_create_info_struct (png)) == NULL)
    {
      png_destroy_read_struct (&png, NULL, NULL);
      g_set_error_literal (error, EM_ERROR, EM_ERROR_FAILED, "out of memory decoding PNG");
      return FALSE;
    }

  if (setjmp (png_jmpbuf (png)) == 0)
    {
      png_uint_32 w, h;
      int bit_depth, color_type, interlace, passes;
      gsize rowbytes, raw_rowbytes;

      png_set_read_fn (png, st, png_read_cb);
      png_read_info (png, info);
      png_get_IHDR (png, info, &w, &h, &bit_depth, &color_type, &interlace, NULL, NULL);
      if (!check_size (w, h, "PNG", error))
        goto out;
      raw_rowbytes = png_get_rowbytes (png, info);

      if (pixels_out != NULL)
        {
          /* Any PNG to 8-bit RGB: expand palette and low-depth gray, scale
           * 16-bit, spread gray to three channels, and drop alpha like the
           * usual "convert to RGB" (palette expansion turns tRNS into alpha,
           * so that is dropped too). */
          if (color_type == PNG_COLOR_TYPE_PALETTE)
            png_set_palette_to_rgb (png);
          if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8)
            png_set_expand_gray_1_2_4_to_8 (png);
          if (bit_depth == 16)
            png_set_scale_16 (png);
          if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA)
            png_set_gray_to_rgb (png);
          if ((color_type & PNG_COLOR_MASK_ALPHA) || png_get_valid (png, info, PNG_INFO_tRNS))
            png_set_strip_alpha (png);
        }
      passes = png_set_interlace_handling (png);
      png_read_update_info (png, info);
      rowbytes = png_get_rowbytes (png, info);

      /* Compare the filtered image size with what the file could hold
       * before allocating anything the header asked for. */
      if ((double) (raw_rowbytes + 1) * h > (double) len * PNG_MAX_RATIO)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       "truncated PNG: %u×%u pixels cannot fit in %" G_GSIZE_FORMAT " bytes", w, h, len);
          goto out;
        }

      if (pixels_out == NULL)
        {
          st->row = g_try_malloc (rowbytes);
          if (st->row == NULL)
            {
              g_set_error_literal (error, EM_ERROR, EM_ERROR_FAILED, "out of memory decoding PNG");
              goto out;
            }
          /* Interlaced passes all land in the one row: only validity counts. */
          for (int pass = 0; pass < passes; pass++)
            for (png_uint_32 y = 0; y < h; y++)
              png_read_row (png, st->row, NULL);
        }
      else
        {
          if (rowbytes != (gsize) w * 3)
            {
              g_set_error_literal (error, EM_ERROR, EM_ERROR_FAILED, "PNG did not convert to 8-bit RGB");
              goto out;
            }
          st->pixels = g_try_malloc ((gsize) w * h * 3);
          st->rows = g_try_new (png_bytep, h);
          if (st->pixels == NULL || st->rows == NULL)
            {
              g_set_error_literal (error, EM_ERROR, EM_ERROR_FAILED, "out of memory decoding PNG");
              goto out;
            }
          for (png_uint_32 y = 0; y < h; y++)
            st->rows[y] = st->pixels + (gsize) y * w * 3;
          png_read_image (png, st->rows);
        }
      /* Reading to IEND catches files cut after the pixel data. */
      png_read_end (png, NULL);

      *width_out = w;
      *height_out = h;
      if (pixels_out != NULL)
        *pixels_out = g_steal_pointer (&st->pixels);
      ok = TRUE;
    }
  else if (st->eof)
    g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA, "truncated PNG: file ends early");
  else
    g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "corrupt PNG: %s", st->message);

out:
  png_destroy_read_struct (&png, &info, NULL);
  g_free (st->row);
  g_free (st->pixels);
  g_free (st->rows);
  return ok;
}

static void
png_write_cb (png_structp png, png_bytep data, png_size_t n)
{
  g_byte_array_append (png_get_io_ptr (png), data, (guint) n);
}

static void
png_flush_cb (png_structp png)
{
}

GBytes *
em_image_encode_png (const guint8 *rgb, guint width, guint height, GError **error)
{
  g_autofree PngState *st = g_new0 (PngState, 1);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  png_structp png;
  png_infop info = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (rgb != NULL, NULL);
  if (width == 0 || height == 0 || width > IMAGE_MAX_SIDE || height > IMAGE_MAX_SIDE)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "cannot encode PNG: size %u×%u (each side 1 to %d)", width, height, IMAGE_MAX_SIDE);
      return NULL;
    }

  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, st, png_error_cb, png_warning_cb);
  if (png == NULL || (info = png_create_info_struct (png)) == NULL)
    {
      png_destroy_write_struct (&png, NULL);
      g_set_error_literal (error, EM_ERROR, EM_ERROR_FAILED, "out of memory encoding PNG");
      return NULL;
    }
  if (setjmp (png_jmpbuf (png)) == 0)
    {
      png_set_write_fn (png, out, png_write_cb, png_flush_cb);
      png_set_IHDR (png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
      png_write_info (png, info);
      for (guint y = 0; y < height; y++)
        png_write_row (png, rgb + (gsize) y * width * 3);
      png_write_end (png, NULL);
      ok = TRUE;
    }
  else
    g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "cannot encode PNG: %s", st->message);
  png_destroy_write_struct (&png, &info);
  if (!ok)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* ---- JPEG --------------------------------------------------------------- */

typedef struct {
  struct jpeg_error_mgr mgr;
  jmp_buf jmp;
  char message[JMSG_LENGTH_MAX];
  gboolean unsupported;
  gboolean truncated;
} JpegError;

static void
jpeg_error_exit_cb (j_common_ptr cinfo)
{
  JpegError *err = (JpegError *) cinfo->err;

  cinfo->err->format_message (cinfo, err->message);
  /* Valid JPEGs this libjpeg build cannot decode (12-bit, odd colour
   * conversions) are unsupported, not broken. */
  err->unsupported = err->mgr.msg_code == JERR_BAD_PRECISION ||
                     err->mgr.msg_code == JERR_CONVERSION_NOTIMPL ||
                     err->mgr.msg_code == JERR_NOT_COMPILED;
  longjmp (err->jmp, 1);
}

static void
jpeg_emit_message_cb (j_common_ptr cinfo, int level)
{
  JpegError *err = (JpegError *) cinfo->err;

  /* Level -1 is a warning: libjpeg reports a truncated file ("Premature end
   * of JPEG file") or damaged entropy data this way and then pads with gray,
   * so for validation every warning is an error. Trace levels are ignored. */
  if (level < 0)
    {
      cinfo->err->format_message (cinfo, err->message);
      err->unsupported = FALSE;
      err->truncated = err->mgr.msg_code == JWRN_JPEG_EOF;
      longjmp (err->jmp, 1);
    }
}

typedef struct {
  struct jpeg_decompress_struct cinfo;
  JpegError err;
  guint8 *row;
  guint8 *pixels;
} JpegState;

/* Like png_decode(): validates only with @pixels_out NULL, else 8-bit RGB. */
static gboolean
jpeg_decode (const guint8 *data, gsize len, guint *width_out, guint *height_out, guint8 **pixels_out,
             GError **error)
{
  /* Heap state: nothing the landing pad reads lives in a register. */
  g_autofree JpegState *st = g_new0 (JpegState, 1);
  gboolean ok = FALSE;

  st->cinfo.err = jpeg_std_error (&st->err.mgr);
  st->err.mgr.error_exit = jpeg_error_exit_cb;
  st->err.mgr.emit_message = jpeg_emit_message_cb;

  if (setjmp (st->err.jmp) == 0)
    {
      guint64 blocks = 0;
      guint stride;

      jpeg_create_decompress (&st->cinfo);
      /* Whole-image coefficient buffers (progressive files) are capped so a
       * lying header cannot make libjpeg reserve gigabytes. */
      st->cinfo.mem->max_memory_to_use = 1536L * 1024 * 1024;
      jpeg_mem_src (&st->cinfo, data, (unsigned long) len);
      jpeg_read_header (&st->cinfo, TRUE);
      if (!check_size (st->cinfo.image_width, st->cinfo.image_height, "JPEG", error))
        goto out;

      /* With Huffman coding every 8×8 block costs at least one bit (its DC
       * code), so a file smaller than blocks / 8 bytes is cut short; this
       * stops a tiny file from claiming a huge progressive image. */
      for (int c = 0; c < st->cinfo.num_components; c++)
        {
          const jpeg_component_info *comp = &st->cinfo.comp_info[c];
          guint64 cw = ((guint64) st->cinfo.image_width * comp->h_samp_factor + st->cinfo.max_h_samp_factor - 1) /
                       st->cinfo.max_h_samp_factor;
          guint64 ch = ((guint64) st->cinfo.image_height * comp->v_samp_factor + st->cinfo.max_v_samp_factor - 1) /
                       st->cinfo.max_v_samp_factor;
          blocks += ((cw + 7) / 8) * ((ch + 7) / 8);
        }
      if (!st->cinfo.arith_code && blocks > (guint64) len * 8)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       "truncated JPEG: %u×%u pixels cannot fit in %" G_GSIZE_FORMAT " bytes",
                       st->cinfo.image_width, st->cinfo.image_height, len);
          goto out;
        }

      if (st->cinfo.jpeg_color_space == JCS_CMYK || st->cinfo.jpeg_color_space == JCS_YCCK)
        {
          g_set_error_literal (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "unsupported JPEG: CMYK colour");
          goto out;
        }
      st->cinfo.out_color_space = pixels_out != NULL ? JCS_RGB
                                  : st->cinfo.jpeg_color_space == JCS_GRAYSCALE ? JCS_GRAYSCALE
                                  : JCS_RGB;
      jpeg_start_decompress (&st->cinfo);
      stride = st->cinfo.output_width * st->cinfo.output_components;
      if (pixels_out != NULL)
        {
          st->pixels = g_try_malloc ((gsize) stride * st->cinfo.output_height);
          if (st->pixels == NULL)
            {
              g_set_error_literal (error, EM_ERROR, EM_ERROR_FAILED, "out of memory decoding JPEG");
              goto out;
            }
        }
      else
        st->row = g_malloc (stride);
      while (st->cinfo.output_scanline < st->cinfo.output_height)
        {
          JSAMPROW row = pixels_out != NULL ? st->pixels + (gsize) st->cinfo.output_scanline * stride : st->row;
          jpeg_read_scanlines (&st->cinfo, &row, 1);
        }
      /* Reads up to EOI, so a file cut after the last scanline fails too. */
      jpeg_finish_decompress (&st->cinfo);

      *width_out = st->cinfo.output_width;
      *height_out = st->cinfo.output_height;
      if (pixels_out != NULL)
        *pixels_out = g_steal_pointer (&st->pixels);
      ok = TRUE;
    }
  else if (st->err.truncated)
    g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA, "truncated JPEG: file ends early");
  else
    g_set_error (error, EM_ERROR, st->err.unsupported ? EM_ERROR_UNSUPPORTED : EM_ERROR_INVALID_DATA,
                 "%s JPEG: %s", st->err.unsupported ? "unsupported" : "corrupt", st->err.message);

out:
  jpeg_destroy_decompress (&st->cinfo);
  g_free (st->row);
  g_free (st->pixels);
  return ok;
}

/* ---- Public API --------------------------------------------------------- */

static gboolean
is_png (const guint8 *data, gsize len)
{
  return len >= sizeof png_signature && memcmp (data, png_signature, sizeof png_signature) == 0;
}

static gboolean
is_jpeg (const guint8 *data, gsize len)
{
  return len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;
}

EmSample *
em_image_read (GBytes *bytes, GError **error)
{
  gsize len = 0;
  const guint8 *data;
  guint width = 0, height = 0;
  EmEncoding encoding;
  g_autoptr(EmSample) sample = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA, "empty file");
      return NULL;
    }
  if (is_png (data, len))
    {
      if (!png_decode (data, len, &width, &height, NULL, error))
        return NULL;
      encoding = EM_ENCODING_PNG;
    }
  else if (is_jpeg (data, len))
    {
      if (!jpeg_decode (data, len, &width, &height, NULL, error))
        return NULL;
      encoding = EM_ENCODING_JPEG;
    }
  else
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA, "not a PNG or JPEG image");
      return NULL;
    }

  sample = em_sample_new ();
  em_sample_set_kind (sample, EM_SENSOR_IMAGE);
  em_sample_set_encoding (sample, encoding);
  em_sample_set_image_size (sample, width, height);
  em_sample_set_n_frames (sample, 1);
  em_sample_set_data (sample, bytes);
  em_sample_set_source_format (sample, encoding == EM_ENCODING_PNG ? "png" : "jpeg");
  return g_steal_pointer (&sample);
}

guint8 *
em_image_decode_rgb (EmSample *sample, guint *width, guint *height, GError **error)
{
  GBytes *bytes;
  const guint8 *data;
  gsize len = 0;
  guint w = 0, h = 0;
  guint8 *pixels = NULL;
  gboolean ok;

  g_return_val_if_fail (EM_IS_SAMPLE (sample), NULL);

  bytes = em_sample_get_data (sample);
  if (bytes == NULL)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "image sample has no data loaded");
      return NULL;
    }
  data = g_bytes_get_data (bytes, &len);
  switch (em_sample_get_encoding (sample))
    {
    case EM_ENCODING_PNG:
      ok = png_decode (data, len, &w, &h, &pixels, error);
      break;
    case EM_ENCODING_JPEG:
      ok = jpeg_decode (data, len, &w, &h, &pixels, error);
      break;
    default:
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "sample is not a PNG or JPEG image");
      return NULL;
    }
  if (!ok)
    return NULL;
  if (width != NULL)
    *width = w;
  if (height != NULL)
    *height = h;
  return pixels;
}
