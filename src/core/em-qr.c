/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>
#include <png.h>
#include <qrencode.h>
#include "em-error.h"
#include "em-qr.h"

GBytes *
em_qr_modules (const char *text, guint *size, guint *version, GError **error)
{
  QRcode *code;
  guint8 *modules;
  guint n;

  g_return_val_if_fail (text != NULL, NULL);
  if (*text == '\0')
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "QR code: nothing to encode");
      return NULL;
    }
  /* 8-bit mode, case kept: a URL's key must survive exactly. */
  errno = 0;
  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (code == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "QR code: cannot encode %zu bytes: %s",
                   strlen (text), errno == ERANGE ? "too long for a QR code" : g_strerror (errno));
      return NULL;
    }
  n = (guint) code->width;
  modules = g_malloc ((gsize) n * n);
  /* libqrencode keeps flags in the other bits; bit 0 is the colour. */
  for (gsize i = 0; i < (gsize) n * n; i++)
    modules[i] = code->data[i] & 1;
  if (size != NULL)
    *size = n;
  if (version != NULL)
    *version = (guint) code->version;
  QRcode_free (code);
  return g_bytes_new_take (modules, (gsize) n * n);
}

/* Grey pixels (0 = black, 255 = white), one byte each, quiet zone included. */
static guint8 *
render_grey (const char *text, guint scale, guint *width, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *modules;
  guint size, w;
  guint8 *pixels;

  if (scale < 1 || scale > 64)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "QR code: scale %u is out of range (1 to 64 pixels a module)", scale);
      return NULL;
    }
  bytes = em_qr_modules (text, &size, NULL, error);
  if (bytes == NULL)
    return NULL;
  modules = g_bytes_get_data (bytes, NULL);
  w = (size + 2 * EM_QR_QUIET_ZONE) * scale;
  pixels = g_malloc ((gsize) w * w);
  memset (pixels, 255, (gsize) w * w);
  for (guint y = 0; y < size; y++)
    for (guint x = 0; x < size; x++)
      if (modules[(gsize) y * size + x])
        for (guint dy = 0; dy < scale; dy++)
          memset (pixels + (gsize) ((y + EM_QR_QUIET_ZONE) * scale + dy) * w
                    + (x + EM_QR_QUIET_ZONE) * scale, 0, scale);
  *width = w;
  return pixels;
}

GBytes *
em_qr_rgba (const char *text, guint scale, guint *width, GError **error)
{
  g_autofree guint8 *grey = NULL;
  guint8 *rgba;
  guint w;

  g_return_val_if_fail (text != NULL, NULL);
  grey = render_grey (text, scale, &w, error);
  if (grey == NULL)
    return NULL;
  rgba = g_malloc ((gsize) w * w * 4);
  for (gsize i = 0; i < (gsize) w * w; i++)
    {
      rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = grey[i];
      rgba[4 * i + 3] = 255;
    }
  if (width != NULL)
    *width = w;
  return g_bytes_new_take (rgba, (gsize) w * w * 4);
}

GBytes *
em_qr_png (const char *text, guint scale, GError **error)
{
  g_autofree guint8 *grey = NULL;
  png_image image;
  png_alloc_size_t n = 0;
  guint8 *out;
  guint w;

  g_return_val_if_fail (text != NULL, NULL);
  grey = render_grey (text, scale, &w, error);
  if (grey == NULL)
    return NULL;
  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = w;
  image.height = w;
  image.format = PNG_FORMAT_GRAY;
  /* First call sizes the file, second writes it. */
  if (!png_image_write_to_memory (&image, NULL, &n, 0, grey, (png_int_32) w, NULL))
    goto fail;
  out = g_malloc (n);
  if (!png_image_write_to_memory (&image, out, &n, 0, grey, (png_int_32) w, NULL))
    {
      g_free (out);
      goto fail;
    }
  return g_bytes_new_take (out, n);

fail:
  g_set_error (error, EM_ERROR, EM_ERROR_IO, "QR code: cannot write the PNG: %s", image.message);
  png_image_free (&image);
  return NULL;
}

char *
em_qr_terminal (const char *text, gboolean ansi_colours, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *modules;
  GString *out;
  guint size;
  int n, q = EM_QR_QUIET_ZONE;

  g_return_val_if_fail (text != NULL, NULL);
  bytes = em_qr_modules (text, &size, NULL, error);
  if (bytes == NULL)
    return NULL;
  modules = g_bytes_get_data (bytes, NULL);
  n = (int) size;
  out = g_string_new (NULL);
  /* Rows and columns in quiet-zone coordinates; outside the code is light. */
  for (int y = -q; y < n + q; y += 2)
    {
      if (ansi_colours)
        g_string_append (out, "\033[97;40m");
      for (int x = -q; x < n + q; x++)
        {
          gboolean top = !(y >= 0 && y < n && x >= 0 && x < n && modules[y * n + x]);
          gboolean bottom = !(y + 1 >= 0 && y + 1 < n && x >= 0 && x < n && modules[(y + 1) * n + x]);

          /* The bottom half of the last line is past the quiet zone when
           * the height is odd: leave it dark (blank). */
          if (y + 1 >= n + q)
            bottom = FALSE;
          if (top && bottom)
            g_string_append (out, "\u2588");
          else if (top)
            g_string_append (out, "\u2580");
          else if (bottom)
            g_string_append (out, "\u2584");
          else
            g_string_append_c (out, ' ');
        }
      if (ansi_colours)
        g_string_append (out, "\033[0m");
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}
