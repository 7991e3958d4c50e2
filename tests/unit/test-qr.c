/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "em-error.h"
#include "em-qr.h"
#include "test-util.h"

/* QR codes for the collection URL. No decoder is at hand, so the codes are
 * checked for what the standard fixes (size from version, finder and
 * timing patterns, quiet zone) and for depending on the text. */

#define URL "http://192.168.1.20:4810/collect?key=ei_0123456789abcdef0123456789abcdef"

static gboolean
dark (const guint8 *m, guint size, guint x, guint y)
{
  return m[(gsize) y * size + x] != 0;
}

/* The 7×7 finder pattern with its corner at (@x0, @y0): dark ring, light
 * ring, dark 3×3 centre. */
static void
assert_finder (const guint8 *m, guint size, guint x0, guint y0)
{
  for (guint y = 0; y < 7; y++)
    for (guint x = 0; x < 7; x++)
      {
        gboolean ring = x == 0 || y == 0 || x == 6 || y == 6;
        gboolean centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;
        g_assert_cmpint (dark (m, size, x0 + x, y0 + y), ==, ring || centre);
      }
}

static void
test_modules (void)
{
  struct { const char *text; guint min_version, max_version; } cases[] = {
    { "hello", 1, 1 },
    { URL, 4, 6 },
  };

  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      guint size = 0, version = 0;
      g_autoptr(GBytes) bytes = em_qr_modules (cases[c].text, &size, &version, &error);
      const guint8 *m;
      gsize n;

      g_assert_no_error (error);
      m = g_bytes_get_data (bytes, &n);
      g_assert_cmpuint (version, >=, cases[c].min_version);
      g_assert_cmpuint (version, <=, cases[c].max_version);
      g_assert_cmpuint (size, ==, 17 + 4 * version);
      g_assert_cmpuint (n, ==, (gsize) size * size);
      for (gsize i = 0; i < n; i++)
        g_assert_cmpuint (m[i], <=, 1);
      assert_finder (m, size, 0, 0);
      assert_finder (m, size, size - 7, 0);
      assert_finder (m, size, 0, size - 7);
      /* Timing patterns: row and column 6 alternate between the finders. */
      for (guint i = 8; i < size - 8; i++)
        {
          g_assert_cmpint (dark (m, size, i, 6), ==, i % 2 == 0);
          g_assert_cmpint (dark (m, size, 6, i), ==, i % 2 == 0);
        }
      /* The dark module next to the bottom-left finder. */
      g_assert_true (dark (m, size, 8, 4 * version + 9));
    }
}

static void
test_depends_on_text (void)
{
  g_autoptr(GBytes) a = em_qr_modules (URL, NULL, NULL, NULL);
  g_autoptr(GBytes) a2 = em_qr_modules (URL, NULL, NULL, NULL);
  g_autoptr(GBytes) b = em_qr_modules ("http://192.168.1.20:4810/collect?key=ei_0123456789abcdef0123456789abcdee",
                                       NULL, NULL, NULL);
  g_autoptr(GBytes) upper = em_qr_modules ("HTTP://192.168.1.20:4810/collect?key=ei_0123456789abcdef0123456789abcdef",
                                           NULL, NULL, NULL);

  g_assert_nonnull (a);
  g_assert_true (g_bytes_equal (a, a2));
  /* One character apart, and only its case apart: the key must survive. */
  g_assert_cmpuint (g_bytes_get_size (a), ==, g_bytes_get_size (b));
  g_assert_false (g_bytes_equal (a, b));
  g_assert_false (g_bytes_equal (a, upper));
}

static void
test_bad_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_strnfill (4000, 'x');
  GBytes *bytes;

  bytes = em_qr_modules ("", NULL, NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Past version 40's 2,331 bytes at level M. */
  bytes = em_qr_modules (huge, NULL, NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "too long"));
  g_clear_error (&error);

  bytes = em_qr_rgba ("hello", 0, NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  bytes = em_qr_png ("hello", 65, &error);
  g_assert_null (bytes);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
}

static void
test_rgba (void)
{
  g_autoptr(GError) error = NULL;
  const guint scale = 3, q = EM_QR_QUIET_ZONE;
  guint size = 0, width = 0;
  g_autoptr(GBytes) modules = em_qr_modules (URL, &size, NULL, NULL);
  g_autoptr(GBytes) rgba = em_qr_rgba (URL, scale, &width, &error);
  const guint8 *m = g_bytes_get_data (modules, NULL);
  const guint8 *p;
  gsize n;

  g_assert_no_error (error);
  p = g_bytes_get_data (rgba, &n);
  g_assert_cmpuint (width, ==, (size + 2 * q) * scale);
  g_assert_cmpuint (n, ==, (gsize) width * width * 4);
  for (guint y = 0; y < width; y++)
    for (guint x = 0; x < width; x++)
      {
        const guint8 *px = p + ((gsize) y * width + x) * 4;
        guint mx = x / scale, my = y / scale;
        gboolean quiet = mx < q || my < q || mx >= size + q || my >= size + q;
        guint8 expected = !quiet && dark (m, size, mx - q, my - q) ? 0 : 255;

        g_assert_cmpuint (px[0], ==, expected);
        g_assert_cmpuint (px[1], ==, expected);
        g_assert_cmpuint (px[2], ==, expected);
        g_assert_cmpuint (px[3], ==, 255);
      }
}

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static void
test_png (void)
{
  g_autoptr(GError) error = NULL;
  guint size = 0;
  g_autoptr(GBytes) modules = em_qr_modules ("hello", &size, NULL, NULL);
  g_autoptr(GBytes) png = em_qr_png ("hello", 4, &error);
  const guint8 *p;
  gsize n;

  g_assert_no_error (error);
  p = g_bytes_get_data (png, &n);
  g_assert_cmpuint (n, >, 33);
  g_assert_cmpmem (p, 8, "\x89PNG\r\n\x1a\n", 8);
  g_assert_cmpmem (p + 12, 4, "IHDR", 4);
  g_assert_cmpuint (be32 (p + 16), ==, (size + 2 * EM_QR_QUIET_ZONE) * 4);
  g_assert_cmpuint (be32 (p + 20), ==, (size + 2 * EM_QR_QUIET_ZONE) * 4);
}

/* The terminal rendering: blocks are light modules, two rows a line. */
static void
test_terminal (void)
{
  g_autoptr(GError) error = NULL;
  guint size = 0;
  g_autoptr(GBytes) modules = em_qr_modules (URL, &size, NULL, NULL);
  const guint8 *m = g_bytes_get_data (modules, NULL);
  g_autofree char *text = em_qr_terminal (URL, FALSE, &error);
  g_autofree char *coloured = em_qr_terminal (URL, TRUE, NULL);
  g_auto(GStrv) lines = NULL;
  guint full = size + 2 * EM_QR_QUIET_ZONE;

  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (text, "\n"));
  lines = g_strsplit (text, "\n", -1);
  /* The split leaves an empty string after the last newline. */
  g_assert_cmpuint (g_strv_length (lines), ==, (full + 1) / 2 + 1);
  for (guint l = 0; l < (full + 1) / 2; l++)
    {
      const char *s = lines[l];
      g_assert_true (g_utf8_validate (s, -1, NULL));
      g_assert_cmpuint (g_utf8_strlen (s, -1), ==, full);
      for (guint x = 0; x < full; x++, s = g_utf8_next_char (s))
        {
          gunichar c = g_utf8_get_char (s);
          int ty = (int) (2 * l) - EM_QR_QUIET_ZONE, by = ty + 1, mx = (int) x - EM_QR_QUIET_ZONE;
          gboolean in_x = mx >= 0 && mx < (int) size;
          gboolean top = !(in_x && ty >= 0 && ty < (int) size && dark (m, size, mx, ty));
          gboolean bottom = by < (int) (size + EM_QR_QUIET_ZONE) &&
                            !(in_x && by >= 0 && by < (int) size && dark (m, size, mx, by));
          gunichar expected = top && bottom ? 0x2588 : top ? 0x2580 : bottom ? 0x2584 : ' ';

          g_assert_cmpuint (c, ==, expected);
        }
    }
  /* The quiet zone's first four rows: two lines of full blocks. */
  for (guint l = 0; l < EM_QR_QUIET_ZONE / 2; l++)
    for (const char *s = lines[l]; *s != '\0'; s = g_utf8_next_char (s))
      g_assert_cmpuint (g_utf8_get_char (s), ==, 0x2588);
  g_assert_true (g_str_has_prefix (coloured, "\033[97;40m"));
  g_assert_nonnull (strstr (coloured, "\033[0m\n"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/qr/modules", test_modules);
  g_test_add_func ("/qr/depends-on-text", test_depends_on_text);
  g_test_add_func ("/qr/bad-text", test_bad_text);
  g_test_add_func ("/qr/rgba", test_rgba);
  g_test_add_func ("/qr/png", test_png);
  g_test_add_func ("/qr/terminal", test_terminal);
  return g_test_run ();
}
