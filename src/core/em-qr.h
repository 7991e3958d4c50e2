/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* QR codes (libqrencode) for the collection page's URL: the terminal of
 * `ember-cli serve` and the app's Devices page show it so a phone can open
 * the page by pointing its camera at it.
 *
 * Every rendering below includes the quiet zone the QR standard asks for,
 * EM_QR_QUIET_ZONE light modules on each side, so a reader finds the code
 * whatever is drawn around it. */

#define EM_QR_QUIET_ZONE 4

/* Encode @text (UTF-8, at error correction level M, the smallest version that
 * holds it). Returns the modules, @size × @size bytes row by row, 1 = dark,
 * without the quiet zone; @version (optional) receives the QR version (1 to
 * 40, @size = 17 + 4 × version). Fails on empty text or text too long for a
 * QR code. */
GBytes *em_qr_modules  (const char *text, guint *size, guint *version, GError **error);

/* The code as RGBA pixels (black on opaque white), @scale pixels a module,
 * quiet zone included: @width × @width × 4 bytes, rows not padded (stride
 * @width × 4), ready for gdk_memory_texture_new(). @scale is 1 to 64. */
GBytes *em_qr_rgba     (const char *text, guint scale, guint *width, GError **error);

/* The same as a grey-scale PNG file. */
GBytes *em_qr_png      (const char *text, guint scale, GError **error);

/* The code for a terminal: Unicode half blocks, two module rows a line,
 * each line ending in '\n'. The blocks are the LIGHT modules, which shows
 * right on the usual dark terminal background; with @ansi_colours the lines
 * also set white-on-black so a light terminal shows it right too. */
char   *em_qr_terminal (const char *text, gboolean ansi_colours, GError **error);

G_END_DECLS
