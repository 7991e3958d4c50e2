/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>

#include "test-util.h"
#include "wav-builder.h"

/* Damaged, truncated and odd WAV files: each must read cleanly or fail with
 * a one-line EM_ERROR, never crash (run these under ASan too). */

static void
test_fake_length (void)
{
  const gint16 pcm[5] = { 0, 1000, -1000, 32767, -32768 };
  GByteArray *b;
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(GBytes) cut = NULL;
  g_autoptr(EmSample) s = NULL;
  g_autoptr(GError) error = NULL;
  const float *v;

  /* What espeak-ng --stdout writes: both lengths 0x7ffff000-ish. */
  b = riff_begin ();
  add_fmt (b, 1, 1, 22050, 16);
  g_byte_array_append (b, (const guint8 *) "data", 4);
  put32 (b, 0x7ffff000);
  for (guint i = 0; i < 5; i++)
    put16 (b, (guint16) pcm[i]);
  set32 (b, 4, 0x7ffff024);
  wav = g_byte_array_free_to_bytes (b);
  s = em_wav_read (wav, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (em_sample_get_n_frames (s), ==, 5);
  v = em_sample_get_values (s, NULL);
  g_assert_cmpfloat (v[3], ==, 32767 / 32768.0f);
  g_assert_cmpfloat (v[4], ==, -1.0f);

  /* The same with half a frame at the end. */
  cut = g_bytes_new_from_bytes (wav, 0, g_bytes_get_size (wav) - 1);
  assert_error (cut, EM_ERROR_INVALID_DATA, "truncated WAV: data chunk ends mid-frame");
}

static void
test_espeak (void)
{
  g_autofree char *prog = g_find_program_in_path ("espeak-ng");
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autofree char *cmd = NULL;
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(EmSample) s = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *p;
  gint status = 0;

  if (prog == NULL)
    {
      g_test_skip ("espeak-ng not installed");
      return;
    }
  /* Writing to a pipe, espeak-ng cannot seek back, so it leaves its fake
   * 0x7ffff000 data length in the header. */
  dir = em_test_make_tmpdir ();
  file = g_build_filename (dir, "say.wav", NULL);
  cmd = g_strdup_printf ("sh -c 'espeak-ng --stdout ember | cat > \"%s\"'", file);
  if (!g_spawn_command_line_sync (cmd, NULL, NULL, &status, NULL) || !g_spawn_check_wait_status (status, NULL))
    {
      g_test_skip ("espeak-ng failed to run");
      return;
    }
  wav = em_test_read_file (file);
  p = g_bytes_get_data (wav, NULL);
  g_assert_cmpuint (g_bytes_get_size (wav), >, 44);
  g_assert_cmpmem (p + 36, 4, "data", 4);
  g_assert_cmpuint (p[43], ==, 0x7f);
  s = em_wav_read (wav, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (em_sample_get_frequency_hz (s), ==, 22050);
  g_assert_cmpuint (em_sample_get_n_axes (s), ==, 1);
  g_assert_cmpuint (em_sample_get_n_frames (s), ==, (g_bytes_get_size (wav) - 44) / 2);
}

/* A small stereo file with chunks before and after the data, cut at every
 * offset: each prefix must read cleanly or fail cleanly, never crash. */
static void
test_truncated (void)
{
  const gint16 pcm[8] = { 1, -1, 2, -2, 3, -3, 4, -4 };
  GByteArray *b = riff_begin ();
  g_autoptr(GBytes) wav = NULL;
  gsize data_start;
  gsize data_end;

  add_chunk (b, "LIST", "INFOISFT\3\0\0\0ab\0", 15); /* odd, padded */
  add_fmt (b, 1, 2, 44100, 16);
  add_chunk (b, "junk", "x", 1);
  data_start = b->len + 8;
  add_chunk (b, "data", pcm, sizeof pcm);
  data_end = b->len;
  add_chunk (b, "LIST", "INFOICMT\4\0\0\0hey\0", 16);
  wav = riff_end (b);

  for (gsize cut = 0; cut <= g_bytes_get_size (wav); cut++)
    {
      g_autoptr(GBytes) part = g_bytes_new_from_bytes (wav, 0, cut);
      g_autoptr(GError) error = NULL;
      g_autoptr(EmSample) s = em_wav_read (part, &error);
      /* The data chunk declares its length, so a file cut inside it is
       * truncated even at a frame boundary (placeholder lengths aside, see
       * test_fake_length); cut after it, the audio is whole. */
      gboolean whole = cut >= data_end;

      if (whole)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (em_sample_get_n_frames (s), ==, (data_end - data_start) / 4);
        }
      else
        {
          g_assert_null (s);
          g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
        }
    }
}

static void
test_garbage (void)
{
  GRand *rand = g_rand_new_with_seed (7);
  const gint16 pcm[4] = { 100, 200, 300, 400 };
  g_autoptr(GBytes) wav = simple_wav (1, 2, 8000, 16, pcm, sizeof pcm);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) text = g_bytes_new_static ("hello world, not a wav", 22);
  g_autoptr(GBytes) riff_only = g_bytes_new_static ("RIFF", 4);
  g_autoptr(GBytes) header_only = g_bytes_new_static ("RIFF\4\0\0\0WAVE", 12);

  assert_error (empty, EM_ERROR_INVALID_DATA, "empty file");
  assert_error (text, EM_ERROR_INVALID_DATA, "not a WAV file (no RIFF/WAVE header)");
  assert_error (riff_only, EM_ERROR_INVALID_DATA, "truncated WAV: header incomplete");
  assert_error (header_only, EM_ERROR_INVALID_DATA, "invalid WAV: no fmt chunk");
  {
    g_autoptr(GBytes) cut = g_bytes_new_static ("RIFF\4\0\0\0WAVEfm", 14);
    assert_error (cut, EM_ERROR_INVALID_DATA, "truncated WAV: no fmt chunk");
  }

  /* Random bytes, then random damage to a good file. */
  for (guint round = 0; round < 2000; round++)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(EmSample) s = NULL;

      if (round < 500)
        {
          guint len = g_rand_int_range (rand, 0, 200);
          guint8 *buf = g_malloc (len + 12);
          memcpy (buf, "RIFF\0\0\0\0WAVE", 12);
          for (guint i = round % 2 ? 12 : 0; i < len + 12; i++)
            buf[i] = g_rand_int_range (rand, 0, 256);
          bytes = g_bytes_new_take (buf, len + 12);
        }
      else
        {
          gsize len = g_bytes_get_size (wav);
          guint8 *buf = g_memdup2 (g_bytes_get_data (wav, NULL), len);
          for (guint k = 0; k < 1 + round % 4; k++)
            buf[g_rand_int_range (rand, 0, (gint32) len)] = g_rand_int_range (rand, 0, 256);
          bytes = g_bytes_new_take (buf, len);
        }
      s = em_wav_read (bytes, &error);
      g_assert_true ((s == NULL) != (error == NULL));
      if (error != NULL)
        g_assert_true (error->domain == EM_ERROR &&
                       (error->code == EM_ERROR_INVALID_DATA || error->code == EM_ERROR_UNSUPPORTED));
      else
        g_assert_cmpuint (em_sample_get_n_frames (s), >, 0);
    }
  g_rand_free (rand);
}

static void
test_bad_headers (void)
{
  const gint16 pcm[4] = { 0 };
  struct {
    guint16 tag, channels;
    guint32 rate;
    guint16 bits;
    gint code;
    const char *message;
  } cases[] = {
    { 1, 0, 8000, 16, EM_ERROR_INVALID_DATA, "invalid WAV: 0 channels" },
    { 1, 1, 0, 16, EM_ERROR_INVALID_DATA, "invalid WAV: sample rate 0" },
    { 1, 1, 384001, 16, EM_ERROR_UNSUPPORTED, "unsupported WAV: sample rate 384001 Hz (at most 384000)" },
    { 1, 1, 8000, 12, EM_ERROR_UNSUPPORTED, "unsupported WAV sample format: 12-bit PCM" },
    { 1, 1, 8000, 64, EM_ERROR_UNSUPPORTED, "unsupported WAV sample format: 64-bit PCM" },
    { 3, 1, 8000, 64, EM_ERROR_UNSUPPORTED, "unsupported WAV sample format: 64-bit float" },
    { 3, 1, 8000, 16, EM_ERROR_UNSUPPORTED, "unsupported WAV sample format: 16-bit float" },
    { 2, 1, 8000, 4, EM_ERROR_UNSUPPORTED, "unsupported WAV sample format: MS ADPCM (format tag 0x0002)" },
    { 0x11, 1, 8000, 4, EM_ERROR_UNSUPPORTED, "unsupported WAV sample format: IMA ADPCM (format tag 0x0011)" },
    { 0x1234, 1, 8000, 16, EM_ERROR_UNSUPPORTED, "unsupported WAV sample format: format tag 0x1234" },
  };
  GByteArray *b;
  g_autoptr(GBytes) bad_align = NULL;
  g_autoptr(GBytes) short_fmt = NULL;
  g_autoptr(GBytes) huge_fmt = NULL;
  g_autoptr(GBytes) no_data = NULL;
  g_autoptr(GBytes) empty_data = NULL;
  g_autoptr(GBytes) rifx = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) wav = simple_wav (cases[i].tag, cases[i].channels, cases[i].rate, cases[i].bits,
                                          pcm, sizeof pcm);
      assert_error (wav, cases[i].code, cases[i].message);
    }

  b = riff_begin ();
  add_fmt (b, 1, 2, 8000, 16);
  b->data[12 + 8 + 12] = 3; /* block align 3 for 2 × 16 bits */
  add_chunk (b, "data", pcm, sizeof pcm);
  bad_align = riff_end (b);
  assert_error (bad_align, EM_ERROR_INVALID_DATA, "invalid WAV: block align 3 does not match 2 channels of 16 bits");

  b = riff_begin ();
  add_chunk (b, "fmt ", "\1\0\1\0", 4);
  add_chunk (b, "data", pcm, sizeof pcm);
  short_fmt = riff_end (b);
  assert_error (short_fmt, EM_ERROR_INVALID_DATA, "invalid WAV: fmt chunk is 4 bytes, expected at least 16");

  /* A fmt chunk claiming 4 GB in a tiny file. */
  b = riff_begin ();
  g_byte_array_append (b, (const guint8 *) "fmt ", 4);
  put32 (b, 0xFFFFFFF0);
  put16 (b, 1);
  huge_fmt = riff_end (b);
  assert_error (huge_fmt, EM_ERROR_INVALID_DATA, "truncated WAV: fmt chunk incomplete");

  b = riff_begin ();
  add_fmt (b, 1, 1, 8000, 16);
  add_chunk (b, "LIST", "INFO", 4);
  no_data = riff_end (b);
  assert_error (no_data, EM_ERROR_INVALID_DATA, "truncated WAV: no data chunk");

  b = riff_begin ();
  add_fmt (b, 1, 1, 8000, 16);
  add_chunk (b, "data", "", 0);
  empty_data = riff_end (b);
  assert_error (empty_data, EM_ERROR_INVALID_DATA, "invalid WAV: data chunk holds no audio");

  rifx = g_bytes_new_static ("RIFX\0\0\0\0WAVE", 12);
  assert_error (rifx, EM_ERROR_UNSUPPORTED, NULL);
}

static void
test_chunks (void)
{
  const gint16 pcm[3] = { 16384, -16384, 8192 };
  GByteArray *b = riff_begin ();
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(EmSample) s = NULL;
  g_autoptr(GError) error = NULL;
  const float *v;

  /* Data before fmt, odd unknown chunks between, a second data chunk ignored. */
  add_chunk (b, "bext", "abc", 3);
  add_chunk (b, "data", pcm, sizeof pcm);
  add_chunk (b, "cue ", "12345", 5);
  add_fmt (b, 1, 1, 11025, 16);
  add_chunk (b, "data", "\0\0\0\0", 4);
  wav = riff_end (b);
  s = em_wav_read (wav, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (em_sample_get_n_frames (s), ==, 3);
  v = em_sample_get_values (s, NULL);
  g_assert_cmpfloat (v[0], ==, 0.5f);
  g_assert_cmpfloat (v[1], ==, -0.5f);
  g_assert_cmpfloat (v[2], ==, 0.25f);
  g_assert_cmpfloat (em_sample_get_interval_ms (s), ==, 1000.0 / 11025);
}

static void
test_float_nan (void)
{
  const float good[2] = { 0.5f, -0.25f };
  float bad[3] = { 0.5f, NAN, 0.0f };
  float inf[3] = { 0.5f, 0.25f, -INFINITY };
  g_autoptr(GBytes) wav_nan = simple_wav (3, 1, 8000, 32, bad, sizeof bad);
  g_autoptr(GBytes) wav_inf = simple_wav (3, 1, 8000, 32, inf, sizeof inf);
  g_autoptr(GBytes) wav_good = simple_wav (3, 2, 8000, 32, good, sizeof good);
  g_autoptr(EmSample) s = NULL;
  g_autoptr(GError) error = NULL;

  assert_error (wav_nan, EM_ERROR_INVALID_DATA, "invalid WAV: NaN at frame 1, channel 0");
  assert_error (wav_inf, EM_ERROR_INVALID_DATA, "invalid WAV: infinite value at frame 2, channel 0");
  s = em_wav_read (wav_good, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (em_sample_get_values (s, NULL)[1], ==, -0.25f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wav-bad/fake-length", test_fake_length);
  g_test_add_func ("/wav-bad/espeak-ng", test_espeak);
  g_test_add_func ("/wav-bad/truncated", test_truncated);
  g_test_add_func ("/wav-bad/garbage", test_garbage);
  g_test_add_func ("/wav-bad/bad-headers", test_bad_headers);
  g_test_add_func ("/wav-bad/chunks", test_chunks);
  g_test_add_func ("/wav-bad/float-nan", test_float_nan);
  return g_test_run ();
}
