/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <string.h>

#include "em-error.h"
#include "em-wav.h"

/* Building WAV files by hand, for test-wav.c and test-wav-bad.c. Static
 * inline so a test that uses only some of them builds without warnings. */

static inline void
put16 (GByteArray *b, guint16 v)
{
  guint8 x[2] = { v & 0xff, v >> 8 };
  g_byte_array_append (b, x, 2);
}

static inline void
put32 (GByteArray *b, guint32 v)
{
  guint8 x[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  g_byte_array_append (b, x, 4);
}

static inline void
set32 (GByteArray *b, guint at, guint32 v)
{
  b->data[at] = v & 0xff;
  b->data[at + 1] = (v >> 8) & 0xff;
  b->data[at + 2] = (v >> 16) & 0xff;
  b->data[at + 3] = v >> 24;
}

static inline GByteArray *
riff_begin (void)
{
  GByteArray *b = g_byte_array_new ();
  g_byte_array_append (b, (const guint8 *) "RIFF\0\0\0\0WAVE", 12);
  return b;
}

/* Appends a chunk, with its pad byte when the size is odd. */
static inline void
add_chunk (GByteArray *b, const char *id, const void *body, guint32 size)
{
  g_byte_array_append (b, (const guint8 *) id, 4);
  put32 (b, size);
  g_byte_array_append (b, body, size);
  if (size & 1)
    g_byte_array_append (b, (const guint8 *) "", 1);
}

static inline void
add_fmt (GByteArray *b, guint16 tag, guint16 channels, guint32 rate, guint16 bits)
{
  g_autoptr(GByteArray) f = g_byte_array_new ();
  guint16 align = channels * (bits / 8);

  put16 (f, tag);
  put16 (f, channels);
  put32 (f, rate);
  put32 (f, rate * align);
  put16 (f, align);
  put16 (f, bits);
  add_chunk (b, "fmt ", f->data, f->len);
}

static inline void
add_fmt_extensible (GByteArray *b, guint16 subtag, guint16 channels, guint32 rate, guint16 bits,
                    guint16 valid_bits, gboolean bad_guid)
{
  static const guint8 tail[14] = { 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
                                   0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71 };
  g_autoptr(GByteArray) f = g_byte_array_new ();
  guint16 align = channels * (bits / 8);

  put16 (f, 0xFFFE);
  put16 (f, channels);
  put32 (f, rate);
  put32 (f, rate * align);
  put16 (f, align);
  put16 (f, bits);
  put16 (f, 22);
  put16 (f, valid_bits);
  put32 (f, 0);
  put16 (f, subtag);
  g_byte_array_append (f, tail, sizeof tail);
  if (bad_guid)
    f->data[f->len - 1] ^= 0xff;
  add_chunk (b, "fmt ", f->data, f->len);
}

static inline GBytes *
riff_end (GByteArray *b)
{
  set32 (b, 4, b->len - 8);
  return g_byte_array_free_to_bytes (b);
}

/* A file with one fmt and one data chunk. */
static inline GBytes *
simple_wav (guint16 tag, guint16 channels, guint32 rate, guint16 bits, const void *pcm, guint32 pcm_len)
{
  GByteArray *b = riff_begin ();
  add_fmt (b, tag, channels, rate, bits);
  add_chunk (b, "data", pcm, pcm_len);
  return riff_end (b);
}

static inline void
assert_error (GBytes *bytes, gint code, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = em_wav_read (bytes, &error);

  g_assert_null (s);
  g_assert_error (error, EM_ERROR, code);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
  /* One line, and no file name: the caller prefixes the path. */
  g_assert_null (strchr (error->message, '\n'));
}
