/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "em-error.h"
#include "em-image.h"
#include "test-util.h"

/* ---- PNG files built by hand --------------------------------------------
 * Independent of libpng: stored (uncompressed) deflate blocks, so these
 * check the decoder against bytes laid out straight from the PNG spec. */

static guint32
crc32_of (const guint8 *p, gsize n, guint32 crc)
{
  crc = ~crc;
  for (gsize i = 0; i < n; i++)
    {
      crc ^= p[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
  return ~crc;
}

static void
put_be32 (GByteArray *b, guint32 v)
{
  guint8 x[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };
  g_byte_array_append (b, x, 4);
}

static void
png_chunk (GByteArray *b, const char *type, const guint8 *body, gsize n)
{
  guint32 crc;

  put_be32 (b, (guint32) n);
  g_byte_array_append (b, (const guint8 *) type, 4);
  if (n > 0)
    g_byte_array_append (b, body, (guint) n);
  crc = crc32_of ((const guint8 *) type, 4, 0);
  crc = crc32_of (body, n, crc);
  put_be32 (b, crc);
}

/* A zlib stream of stored blocks. */
static GByteArray *
zlib_stored (const guint8 *raw, gsize n)
{
  GByteArray *z = g_byte_array_new ();
  guint32 a = 1, b = 0;
  gsize pos = 0;

  g_byte_array_append (z, (const guint8 *) "\x78\x01", 2);
  do
    {
      guint16 len = (guint16) MIN (n - pos, 65535);
      guint8 head[5] = { pos + len == n, len & 0xff, len >> 8, ~len & 0xff, (~len >> 8) & 0xff };
      g_byte_array_append (z, head, 5);
      g_byte_array_append (z, raw + pos, len);
      pos += len;
    }
  while (pos < n);
  for (gsize i = 0; i < n; i++)
    {
      a = (a + raw[i]) % 65521;
      b = (b + a) % 65521;
    }
  put_be32 (z, (b << 16) | a);
  return z;
}

/* @rows: height rows of packed samples, each @stride bytes (no filter byte). */
static GBytes *
hand_png (guint width, guint height, guint8 color_type, guint8 depth, const guint8 *rows, gsize stride,
          const guint8 *plte, gsize plte_len, const guint8 *trns, gsize trns_len)
{
  GByteArray *b = g_byte_array_new ();
  g_autoptr(GByteArray) raw = g_byte_array_new ();
  g_autoptr(GByteArray) z = NULL;
  guint8 ihdr[13];

  g_byte_array_append (b, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  ihdr[0] = width >> 24; ihdr[1] = width >> 16; ihdr[2] = width >> 8; ihdr[3] = width;
  ihdr[4] = height >> 24; ihdr[5] = height >> 16; ihdr[6] = height >> 8; ihdr[7] = height;
  ihdr[8] = depth;
  ihdr[9] = color_type;
  ihdr[10] = ihdr[11] = ihdr[12] = 0;
  png_chunk (b, "IHDR", ihdr, 13);
  if (plte != NULL)
    png_chunk (b, "PLTE", plte, plte_len);
  if (trns != NULL)
    png_chunk (b, "tRNS", trns, trns_len);
  for (guint y = 0; y < height && rows != NULL; y++)
    {
      g_byte_array_append (raw, (const guint8 *) "", 1); /* filter: none */
      g_byte_array_append (raw, rows + y * stride, (guint) stride);
    }
  z = zlib_stored (raw->data, raw->len);
  png_chunk (b, "IDAT", z->data, z->len);
  png_chunk (b, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (b);
}

/* Reads @bytes and decodes it to RGB, checking the sample on the way. */
static guint8 *
read_and_decode (GBytes *bytes, EmEncoding encoding, guint width, guint height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = em_image_read (bytes, &error);
  guint w = 0, h = 0;
  guint8 *rgb;

  g_assert_no_error (error);
  g_assert_cmpint (em_sample_get_kind (s), ==, EM_SENSOR_IMAGE);
  g_assert_cmpint (em_sample_get_encoding (s), ==, encoding);
  g_assert_cmpstr (em_sample_get_source_format (s), ==, encoding == EM_ENCODING_PNG ? "png" : "jpeg");
  g_assert_cmpuint (em_sample_get_width (s), ==, width);
  g_assert_cmpuint (em_sample_get_height (s), ==, height);
  /* The original bytes are kept as they are. */
  g_assert_true (g_bytes_equal (em_sample_get_data (s), bytes));
  rgb = em_image_decode_rgb (s, &w, &h, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (w, ==, width);
  g_assert_cmpuint (h, ==, height);
  return rgb;
}

static void
assert_pixel (const guint8 *rgb, guint width, guint x, guint y, guint r, guint g, guint b)
{
  const guint8 *p = rgb + ((gsize) y * width + x) * 3;

  if (p[0] != r || p[1] != g || p[2] != b)
    g_error ("pixel %u,%u is %u,%u,%u, expected %u,%u,%u", x, y, p[0], p[1], p[2], r, g, b);
}

static void
test_png_gray (void)
{
  /* 3×2 at depths 1, 2, 4, 8 and 16; rows are packed MSB first. */
  const guint8 g1[2] = { 0xA0, 0x40 };            /* 1 0 1 / 0 1 0 */
  const guint8 g2[2] = { 0x1B, 0xE4 };            /* 0 1 2 / 3 2 1 */
  const guint8 g4[4] = { 0x0F, 0x70, 0xF8, 0x10 }; /* 0 15 7 / 15 8 1 */
  const guint8 g8[6] = { 0, 128, 255, 1, 2, 3 };
  const guint8 g16[12] = { 0x00, 0x00, 0x80, 0x80, 0xFF, 0xFF, 0x01, 0x01, 0x12, 0x34, 0xFE, 0xFE };
  const guint e1[6] = { 255, 0, 255, 0, 255, 0 };
  const guint e2[6] = { 0, 85, 170, 255, 170, 85 };
  const guint e4[6] = { 0, 255, 119, 255, 136, 17 };
  const guint e16[6] = { 0, 128, 255, 1, 0x12, 254 }; /* v / 257 rounded; 0x1234 → 18.1 → 18 */
  struct {
    guint8 depth;
    const guint8 *rows;
    gsize stride;
    const guint *expect;
  } cases[] = {
    { 1, g1, 1, e1 },
    { 2, g2, 1, e2 },
    { 4, g4, 2, e4 },
    { 16, g16, 6, e16 },
  };
  guint e8[6];

  for (guint i = 0; i < 6; i++)
    e8[i] = g8[i];
  for (guint c = 0; c <= G_N_ELEMENTS (cases); c++)
    {
      guint8 depth = c < G_N_ELEMENTS (cases) ? cases[c].depth : 8;
      const guint *expect = c < G_N_ELEMENTS (cases) ? cases[c].expect : e8;
      g_autoptr(GBytes) png = c < G_N_ELEMENTS (cases)
                                ? hand_png (3, 2, 0, depth, cases[c].rows, cases[c].stride, NULL, 0, NULL, 0)
                                : hand_png (3, 2, 0, 8, g8, 3, NULL, 0, NULL, 0);
      g_autofree guint8 *rgb = NULL;

      g_test_message ("gray %u-bit", depth);
      rgb = read_and_decode (png, EM_ENCODING_PNG, 3, 2);
      for (guint p = 0; p < 6; p++)
        assert_pixel (rgb, 3, p % 3, p / 3, expect[p], expect[p], expect[p]);
    }
}

static void
test_png_color (void)
{
  const guint8 rgb8[2 * 3] = { 10, 20, 30, 250, 128, 0 };
  const guint8 rgba8[2 * 4] = { 10, 20, 30, 0, 250, 128, 0, 255 };
  const guint8 ga8[2 * 2] = { 77, 0, 200, 128 };
  const guint8 rgb16[2 * 6] = { 0xFF, 0xFF, 0x00, 0x00, 0x80, 0x80, 0x01, 0x01, 0x02, 0x02, 0x03, 0x03 };
  const guint8 rgba16[2 * 8] = { 0x0A, 0x0A, 0x14, 0x14, 0x1E, 0x1E, 0, 0, 0xFA, 0xFA, 0x80, 0x80, 0, 0, 0xFF, 0xFF };
  const guint8 plte[3 * 3] = { 255, 0, 0, 0, 255, 0, 0, 0, 255 };
  const guint8 trns[3] = { 0, 128, 255 };
  const guint8 pal8[2] = { 2, 1 };
  const guint8 pal4[1] = { 0x20 };
  const guint8 pal1[1] = { 0x40 };
  struct {
    const char *name;
    guint8 color_type, depth;
    const guint8 *rows;
    gsize stride;
    gboolean palette;
    guint expect[6];
  } cases[] = {
    { "rgb8", 2, 8, rgb8, 6, FALSE, { 10, 20, 30, 250, 128, 0 } },
    { "rgba8", 6, 8, rgba8, 8, FALSE, { 10, 20, 30, 250, 128, 0 } },
    { "gray-alpha8", 4, 8, ga8, 4, FALSE, { 77, 77, 77, 200, 200, 200 } },
    { "rgb16", 2, 16, rgb16, 12, FALSE, { 255, 0, 128, 1, 2, 3 } },
    { "rgba16", 6, 16, rgba16, 16, FALSE, { 10, 20, 30, 250, 128, 0 } },
    { "palette8", 3, 8, pal8, 2, TRUE, { 0, 0, 255, 0, 255, 0 } },
    { "palette4", 3, 4, pal4, 1, TRUE, { 0, 0, 255, 255, 0, 0 } },
    { "palette1", 3, 1, pal1, 1, TRUE, { 255, 0, 0, 0, 255, 0 } },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GBytes) png = hand_png (2, 1, cases[c].color_type, cases[c].depth, cases[c].rows,
                                        cases[c].stride, cases[c].palette ? plte : NULL, 9,
                                        cases[c].palette ? trns : NULL, 3);
      g_autofree guint8 *rgb = NULL;

      g_test_message ("%s", cases[c].name);
      rgb = read_and_decode (png, EM_ENCODING_PNG, 2, 1);
      assert_pixel (rgb, 2, 0, 0, cases[c].expect[0], cases[c].expect[1], cases[c].expect[2]);
      assert_pixel (rgb, 2, 1, 0, cases[c].expect[3], cases[c].expect[4], cases[c].expect[5]);
    }
}

static void
test_png_encode (void)
{
  const guint w = 61, h = 37;
  g_autofree guint8 *pixels = g_malloc ((gsize) w * h * 3);
  g_autofree guint8 *back = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (5);

  for (gsize i = 0; i < (gsize) w * h * 3; i++)
    pixels[i] = i % 7 == 0 ? g_rand_int_range (rand, 0, 256) : (guint8) (i / 3);
  g_rand_free (rand);
  png = em_image_encode_png (pixels, w, h, &error);
  g_assert_no_error (error);
  back = read_and_decode (png, EM_ENCODING_PNG, w, h);
  g_assert_cmpmem (back, (gsize) w * h * 3, pixels, (gsize) w * h * 3);

  g_assert_null (em_image_encode_png (pixels, 0, 5, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (em_image_encode_png (pixels, 16385, 1, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
}

/* libpng itself writing an interlaced RGBA file: Adam7 through the one-row
 * validation path and the full decode. */
static void
write_cb (png_structp png, png_bytep data, png_size_t n)
{
  g_byte_array_append (png_get_io_ptr (png), data, (guint) n);
}

static void
test_png_interlaced (void)
{
  const guint w = 23, h = 19;
  g_autofree guint8 *rgba = g_malloc (w * h * 4);
  g_autofree guint8 *rgb = NULL;
  GByteArray *out = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);

  for (guint i = 0; i < w * h * 4; i++)
    rgba[i] = (guint8) (i * 31 + i / 4);
  if (setjmp (png_jmpbuf (png)))
    g_error ("libpng failed writing the test image");
  png_set_write_fn (png, out, write_cb, NULL);
  png_set_IHDR (png, info, w, h, 8, PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_ADAM7, PNG_COMPRESSION_TYPE_DEFAULT,
                PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  {
    g_autofree png_bytep *rows = g_new (png_bytep, h);
    for (guint y = 0; y < h; y++)
      rows[y] = rgba + y * w * 4;
    png_write_image (png, rows);
  }
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  bytes = g_byte_array_free_to_bytes (out);

  rgb = read_and_decode (bytes, EM_ENCODING_PNG, w, h);
  for (guint i = 0; i < w * h; i++)
    g_assert_cmpmem (rgb + i * 3, 3, rgba + i * 4, 3);
}

static void
assert_refused (GBytes *bytes, gint code, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = em_image_read (bytes, &error);

  g_assert_null (s);
  g_assert_error (error, EM_ERROR, code);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
  g_assert_null (strchr (error->message, '\n'));
}

/* Every prefix of a complete file is refused, and never crashes. */
static void
assert_every_prefix_refused (GBytes *bytes)
{
  for (gsize cut = 0; cut < g_bytes_get_size (bytes); cut++)
    {
      g_autoptr(GBytes) part = g_bytes_new_from_bytes (bytes, 0, cut);
      assert_refused (part, EM_ERROR_INVALID_DATA, NULL);
    }
}

static void
test_png_bad (void)
{
  const guint8 row[4] = { 1, 2, 3, 4 };
  g_autoptr(GBytes) good = hand_png (1, 1, 6, 8, row, 4, NULL, 0, NULL, 0);
  g_autoptr(GBytes) wide = hand_png (16385, 1, 0, 8, NULL, 0, NULL, 0, NULL, 0);
  g_autoptr(GBytes) huge = hand_png (16384, 16384, 6, 16, NULL, 0, NULL, 0, NULL, 0);
  g_autoptr(GBytes) zero = hand_png (0, 4, 0, 8, NULL, 0, NULL, 0, NULL, 0);
  g_autoptr(GBytes) encoded = NULL;
  g_autofree guint8 *pixels = g_malloc0 (40 * 30 * 3);
  guint8 *damaged;
  gsize len;

  assert_every_prefix_refused (good);
  encoded = em_image_encode_png (pixels, 40, 30, NULL);
  assert_every_prefix_refused (encoded);

  assert_refused (wide, EM_ERROR_UNSUPPORTED, "PNG too large: 16385×1 pixels (each side at most 16384)");
  /* 2 GB of pixels claimed by a 60-byte file: refused before any allocation. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(EmSample) s = em_image_read (huge, &error);
    g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
    g_assert_true (g_str_has_prefix (error->message, "truncated PNG: 16384×16384 pixels cannot fit in "));
  }
  assert_refused (zero, EM_ERROR_INVALID_DATA, NULL);

  /* A flipped bit in the pixel data fails the CRC. */
  damaged = g_bytes_unref_to_data (g_bytes_ref (good), &len);
  damaged[8 + 25 + 8 + 4] ^= 0x01;
  {
    g_autoptr(GBytes) bad = g_bytes_new_take (damaged, len);
    assert_refused (bad, EM_ERROR_INVALID_DATA, NULL);
  }
}

/* ---- JPEG, encoded by libjpeg here ---------------------------------------- */

static GBytes *
make_jpeg (guint w, guint h, int components, J_COLOR_SPACE space, gboolean progressive, const guint8 *pixels)
{
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr err;
  unsigned char *buf = NULL;
  unsigned long len = 0;
  GBytes *bytes;

  c.err = jpeg_std_error (&err);
  jpeg_create_compress (&c);
  jpeg_mem_dest (&c, &buf, &len);
  c.image_width = w;
  c.image_height = h;
  c.input_components = components;
  c.in_color_space = space;
  jpeg_set_defaults (&c);
  jpeg_set_quality (&c, 100, TRUE);
  if (progressive)
    jpeg_simple_progression (&c);
  jpeg_start_compress (&c, TRUE);
  while (c.next_scanline < h)
    {
      JSAMPROW row = (JSAMPROW) pixels + (gsize) c.next_scanline * w * components;
      jpeg_write_scanlines (&c, &row, 1);
    }
  jpeg_finish_compress (&c);
  jpeg_destroy_compress (&c);
  bytes = g_bytes_new (buf, len);
  free (buf);
  return bytes;
}

/* A smooth picture, which JPEG at quality 100 keeps within a few levels
 * (no wrap-around edge while w and h stay below 40). */
static guint8 *
gradient (guint w, guint h, int components)
{
  guint8 *p = g_malloc ((gsize) w * h * components);

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      for (int c = 0; c < components; c++)
        p[((gsize) y * w + x) * components + c] = (guint8) (20 + x * 2 + y * 2 + c * 20);
  return p;
}

static void
test_jpeg (void)
{
  const guint w = 37, h = 29; /* not multiples of the 8/16-pixel blocks */

  for (int progressive = 0; progressive <= 1; progressive++)
    for (int gray = 0; gray <= 1; gray++)
      {
        int comps = gray ? 1 : 3;
        g_autofree guint8 *src = gradient (w, h, comps);
        g_autoptr(GBytes) jpeg = make_jpeg (w, h, comps, gray ? JCS_GRAYSCALE : JCS_RGB, progressive, src);
        g_autofree guint8 *rgb = NULL;
        int worst = 0;

        g_test_message ("%s %s", gray ? "gray" : "rgb", progressive ? "progressive" : "baseline");
        rgb = read_and_decode (jpeg, EM_ENCODING_JPEG, w, h);
        for (gsize i = 0; i < (gsize) w * h; i++)
          for (int c = 0; c < 3; c++)
            worst = MAX (worst, abs ((int) rgb[i * 3 + c] - (int) src[i * comps + (gray ? 0 : c)]));
        g_assert_cmpint (worst, <=, 6);
        if (!progressive && !gray)
          {
            /* Without its final EOI marker, libjpeg only warns: still refused. */
            g_autoptr(GBytes) no_eoi = g_bytes_new_from_bytes (jpeg, 0, g_bytes_get_size (jpeg) - 2);
            assert_refused (no_eoi, EM_ERROR_INVALID_DATA, "truncated JPEG: file ends early");
            assert_every_prefix_refused (jpeg);
          }
      }
}

static void
test_jpeg_bad (void)
{
  const guint w = 16, h = 16;
  g_autofree guint8 *src = gradient (w, h, 3);
  g_autofree guint8 *cmyk_src = gradient (w, h, 4);
  g_autoptr(GBytes) jpeg = make_jpeg (w, h, 3, JCS_RGB, FALSE, src);
  g_autoptr(GBytes) progressive = make_jpeg (w, h, 3, JCS_RGB, TRUE, src);
  g_autoptr(GBytes) cmyk = make_jpeg (w, h, 4, JCS_CMYK, FALSE, cmyk_src);
  g_autoptr(GBytes) trailing = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) ok = NULL;
  gsize len;
  const guint8 *p = g_bytes_get_data (progressive, &len);

  assert_every_prefix_refused (progressive);
  assert_refused (cmyk, EM_ERROR_UNSUPPORTED, "unsupported JPEG: CMYK colour");

  /* Patch the frame header's size: huge claims in a small file are refused
   * before libjpeg allocates for them, oversized ones as unsupported. */
  for (gsize i = 2; i + 9 < len; i++)
    if (p[i] == 0xFF && (p[i + 1] == 0xC0 || p[i + 1] == 0xC2))
      {
        guint8 *copy = g_memdup2 (p, len);
        g_autoptr(GBytes) big = NULL;
        g_autoptr(GBytes) too_big = NULL;

        copy[i + 5] = 0x40; /* height 16384 */
        copy[i + 6] = 0x00;
        copy[i + 7] = 0x40; /* width 16384 */
        copy[i + 8] = 0x00;
        big = g_bytes_new (copy, len);
        assert_refused (big, EM_ERROR_INVALID_DATA, NULL);
        copy[i + 7] = 0x50; /* width 20480 */
        too_big = g_bytes_new_take (copy, len);
        assert_refused (too_big, EM_ERROR_UNSUPPORTED, "JPEG too large: 20480×16384 pixels (each side at most 16384)");
        break;
      }

  /* Bytes after EOI are ignored, as every viewer does. */
  {
    GByteArray *b = g_byte_array_new ();
    g_byte_array_append (b, g_bytes_get_data (jpeg, NULL), (guint) g_bytes_get_size (jpeg));
    g_byte_array_append (b, (const guint8 *) "trailer", 7);
    trailing = g_byte_array_free_to_bytes (b);
  }
  ok = em_image_read (trailing, &error);
  g_assert_no_error (error);
}

static void
test_garbage (void)
{
  GRand *rand = g_rand_new_with_seed (9);
  g_autofree guint8 *src = gradient (24, 16, 3);
  g_autoptr(GBytes) jpeg = make_jpeg (24, 16, 3, JCS_RGB, FALSE, src);
  g_autoptr(GBytes) pjpeg = make_jpeg (24, 16, 3, JCS_RGB, TRUE, src);
  g_autoptr(GBytes) png = em_image_encode_png (src, 24, 16, NULL);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) text = g_bytes_new_static ("GIF89a not supported", 20);
  g_autoptr(EmSample) wav_like = em_sample_new ();
  g_autoptr(GError) error = NULL;
  GBytes *good[3] = { jpeg, pjpeg, png };

  assert_refused (empty, EM_ERROR_INVALID_DATA, "empty file");
  assert_refused (text, EM_ERROR_INVALID_DATA, "not a PNG or JPEG image");
  g_assert_null (em_image_decode_rgb (wav_like, NULL, NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);

  for (guint round = 0; round < 3000; round++)
    {
      GBytes *base = good[round % 3];
      gsize len = g_bytes_get_size (base);
      guint8 *buf = g_memdup2 (g_bytes_get_data (base, NULL), len);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(EmSample) s = NULL;

      if (round < 600)
        /* Keep the signature, randomise the rest. */
        for (gsize i = 8; i < len; i++)
          buf[i] = g_rand_int_range (rand, 0, 256);
      else
        for (guint k = 0; k < 1 + round % 5; k++)
          buf[g_rand_int_range (rand, 0, (gint32) len)] = g_rand_int_range (rand, 0, 256);
      bytes = g_bytes_new_take (buf, len);
      s = em_image_read (bytes, &local_error);
      g_assert_true ((s == NULL) != (local_error == NULL));
      if (s != NULL)
        {
          /* Whatever validated must decode too. */
          guint w, h;
          g_autofree guint8 *rgb = em_image_decode_rgb (s, &w, &h, &local_error);
          g_assert_no_error (local_error);
          g_assert_cmpuint (w, ==, em_sample_get_width (s));
        }
      else
        g_assert_true (local_error->domain == EM_ERROR &&
                       (local_error->code == EM_ERROR_INVALID_DATA || local_error->code == EM_ERROR_UNSUPPORTED));
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/image/png-gray", test_png_gray);
  g_test_add_func ("/image/png-color", test_png_color);
  g_test_add_func ("/image/png-encode", test_png_encode);
  g_test_add_func ("/image/png-interlaced", test_png_interlaced);
  g_test_add_func ("/image/png-bad", test_png_bad);
  g_test_add_func ("/image/jpeg", test_jpeg);
  g_test_add_func ("/image/jpeg-bad", test_jpeg_bad);
  g_test_add_func ("/image/garbage", test_garbage);
  return g_test_run ();
}
