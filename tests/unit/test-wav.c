/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>

#include "test-util.h"
#include "wav-builder.h"

/* Well-formed files: every sample format both ways, and sox's view of them.
 * Damaged and odd files are in test-wav-bad.c. */

/* The data chunk's body of a WAV file we wrote. */
static GBytes *
data_chunk_of (GBytes *wav)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (wav, &len);

  for (gsize pos = 12; pos + 8 <= len;)
    {
      guint32 size = p[pos + 4] | (p[pos + 5] << 8) | (p[pos + 6] << 16) | ((guint32) p[pos + 7] << 24);
      if (memcmp (p + pos, "data", 4) == 0)
        return g_bytes_new (p + pos + 8, size);
      pos += 8 + size + (size & 1);
    }
  g_assert_not_reached ();
}

/* ---- Round trips of every sample format -------------------------------- */

typedef struct {
  const char *format;
  guint16 tag;
  guint16 bits;
} Variant;

static const Variant variants[] = {
  { "wav:pcm8", 1, 8 },
  { "wav:pcm16", 1, 16 },
  { "wav:pcm24", 1, 24 },
  { "wav:pcm32", 1, 32 },
  { "wav:float32", 3, 32 },
};

/* Fills @n samples of @v's format with the extremes, zero and a pseudo-random
 * spread, returning the values the reader must produce. */
static GBytes *
make_pcm (const Variant *v, guint n, float *expect)
{
  GByteArray *b = g_byte_array_new ();
  GRand *rand = g_rand_new_with_seed (42 + v->bits + v->tag);

  for (guint i = 0; i < n; i++)
    {
      gint64 lo = -((gint64) 1 << (v->bits - 1)), hi = ((gint64) 1 << (v->bits - 1)) - 1;
      gint64 x = i == 0 ? lo : i == 1 ? hi : i == 2 ? 0 : i == 3 ? -1 : i == 4 ? 1
                 : (gint64) g_rand_double_range (rand, (double) lo, (double) hi + 1);
      x = CLAMP (x, lo, hi);
      if (v->tag == 3)
        {
          union { float f; guint32 u; } u;
          u.f = i == 0 ? -1.0f : i == 1 ? 1.0f : i == 2 ? 0.0f : i == 3 ? 3.5f /* beyond ±1 is legal */
                : (float) g_rand_double_range (rand, -1, 1);
          expect[i] = u.f;
          put32 (b, u.u);
          continue;
        }
      switch (v->bits)
        {
        case 8:
          {
            guint8 c = (guint8) (x + 128);
            g_byte_array_append (b, &c, 1);
            expect[i] = (float) x / 128.0f;
          }
          break;
        case 16:
          put16 (b, (guint16) x);
          expect[i] = (float) x / 32768.0f;
          break;
        case 24:
          {
            guint8 c[3] = { (guint32) x & 0xff, ((guint32) x >> 8) & 0xff, ((guint32) x >> 16) & 0xff };
            g_byte_array_append (b, c, 3);
            expect[i] = (float) x / 8388608.0f;
          }
          break;
        case 32:
          put32 (b, (guint32) x);
          expect[i] = (float) ((double) x / 2147483648.0);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  g_rand_free (rand);
  return g_byte_array_free_to_bytes (b);
}

static void
check_round_trip (const Variant *v, guint channels, gboolean extensible)
{
  const guint frames = 301; /* odd, so 8-bit mono data needs a pad byte */
  g_autofree float *expect = g_new (float, frames * channels);
  g_autoptr(GBytes) pcm = make_pcm (v, frames * channels, expect);
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) data1 = NULL;
  g_autoptr(GBytes) data2 = NULL;
  g_autoptr(EmSample) s = NULL;
  g_autoptr(EmSample) s2 = NULL;
  g_autoptr(GError) error = NULL;
  const float *got, *got2;
  guint64 n = 0, n2 = 0;

  if (extensible)
    {
      GByteArray *b = riff_begin ();
      add_fmt_extensible (b, v->tag, channels, 16000, v->bits, v->bits, FALSE);
      add_chunk (b, "data", g_bytes_get_data (pcm, NULL), g_bytes_get_size (pcm));
      wav = riff_end (b);
    }
  else
    wav = simple_wav (v->tag, channels, 16000, v->bits, g_bytes_get_data (pcm, NULL), g_bytes_get_size (pcm));

  s = em_wav_read (wav, &error);
  g_assert_no_error (error);
  g_assert_cmpint (em_sample_get_kind (s), ==, EM_SENSOR_AUDIO);
  g_assert_cmpint (em_sample_get_encoding (s), ==, EM_ENCODING_F32LE);
  g_assert_cmpstr (em_sample_get_source_format (s), ==, v->format);
  g_assert_cmpuint (em_sample_get_n_axes (s), ==, channels);
  g_assert_cmpstr (em_sample_get_axis (s, 0)->name, ==, channels == 1 ? "audio" : "ch0");
  g_assert_cmpstr (em_sample_get_axis (s, 0)->units, ==, "wav");
  if (channels > 1)
    {
      g_autofree char *last = g_strdup_printf ("ch%u", channels - 1);
      g_assert_cmpstr (em_sample_get_axis (s, channels - 1)->name, ==, last);
    }
  g_assert_cmpfloat (em_sample_get_interval_ms (s), ==, 1000.0 / 16000);
  g_assert_cmpuint (em_sample_get_n_frames (s), ==, frames);
  got = em_sample_get_values (s, &n);
  g_assert_cmpuint (n, ==, frames * channels);
  for (guint i = 0; i < n; i++)
    g_assert_cmpfloat (got[i], ==, expect[i]);

  /* Write back in the sample's own format and read again: bit-exact values. */
  again = em_wav_write (s, NULL, &error);
  g_assert_no_error (error);
  s2 = em_wav_read (again, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (em_sample_get_source_format (s2), ==, v->format);
  g_assert_cmpuint (em_sample_get_n_axes (s2), ==, channels);
  g_assert_cmpfloat (em_sample_get_interval_ms (s2), ==, em_sample_get_interval_ms (s));
  got2 = em_sample_get_values (s2, &n2);
  g_assert_cmpuint (n2, ==, n);
  g_assert_cmpmem (got2, n2 * sizeof (float), got, n * sizeof (float));

  /* The audio bytes themselves survive, except pcm32 below float precision. */
  data1 = g_bytes_ref (pcm);
  data2 = data_chunk_of (again);
  if (v->bits != 32 || v->tag == 3)
    g_assert_true (g_bytes_equal (data1, data2));
  else
    g_assert_cmpuint (g_bytes_get_size (data1), ==, g_bytes_get_size (data2));
  /* Plain mono/stereo 8/16-bit files come back byte for byte. */
  if (!extensible && channels <= 2 && v->bits <= 16)
    g_assert_true (g_bytes_equal (wav, again));
}

static void
test_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    for (guint c = 1; c <= 3; c++)
      {
        g_test_message ("%s, %u channel(s)", variants[i].format, c);
        check_round_trip (&variants[i], c, FALSE);
      }
}

static void
test_extensible (void)
{
  GByteArray *b;
  g_autoptr(GBytes) bad_guid = NULL;
  g_autoptr(GBytes) valid20 = NULL;
  g_autoptr(GBytes) too_many_valid = NULL;
  g_autoptr(EmSample) s = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 pcm24[6] = { 0x00, 0x10, 0x80, 0xF0, 0xFF, 0x7F };
  const float *v;

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    for (guint c = 1; c <= 4; c += 3)
      check_round_trip (&variants[i], c, TRUE);

  b = riff_begin ();
  add_fmt_extensible (b, 1, 1, 8000, 16, 16, TRUE);
  add_chunk (b, "data", "\0\0", 2);
  bad_guid = riff_end (b);
  assert_error (bad_guid, EM_ERROR_UNSUPPORTED, "unsupported WAV sample format: unknown WAVE_FORMAT_EXTENSIBLE subformat");

  /* 20 valid bits in a 24-bit container are left-justified: read as 24-bit. */
  b = riff_begin ();
  add_fmt_extensible (b, 1, 2, 48000, 24, 20, FALSE);
  add_chunk (b, "data", pcm24, sizeof pcm24);
  valid20 = riff_end (b);
  s = em_wav_read (valid20, &error);
  g_assert_no_error (error);
  v = em_sample_get_values (s, NULL);
  g_assert_cmpfloat (v[0], ==, (float) (gint32) 0x801000 / 8388608.0f - 2.0f);
  g_assert_cmpfloat (v[1], ==, (float) 0x7FFFF0 / 8388608.0f);
  g_assert_cmpstr (em_sample_get_source_format (s), ==, "wav:pcm24");

  b = riff_begin ();
  add_fmt_extensible (b, 1, 1, 8000, 16, 20, FALSE);
  add_chunk (b, "data", "\0\0", 2);
  too_many_valid = riff_end (b);
  assert_error (too_many_valid, EM_ERROR_INVALID_DATA, NULL);
}

static void
test_many_channels (void)
{
  g_autofree gint16 *pcm = g_new0 (gint16, 64 * 3);
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(GBytes) wav65 = NULL;
  g_autoptr(EmSample) s = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 64 * 3; i++)
    pcm[i] = GINT16_TO_LE ((gint16) (i * 100));
  wav = simple_wav (1, 64, 384000, 16, pcm, 64 * 3 * 2);
  s = em_wav_read (wav, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (em_sample_get_n_axes (s), ==, 64);
  g_assert_cmpstr (em_sample_get_axis (s, 63)->name, ==, "ch63");
  g_assert_cmpuint (em_sample_get_n_frames (s), ==, 3);
  g_assert_cmpfloat (em_sample_get_values (s, NULL)[64 + 5], ==, (64 + 5) * 100 / 32768.0f);

  wav65 = simple_wav (1, 65, 8000, 16, pcm, 65 * 2);
  assert_error (wav65, EM_ERROR_UNSUPPORTED, "unsupported WAV: 65 channels (at most 64)");
}

/* ---- Writer -------------------------------------------------------------- */

static EmSample *
make_sample (const float *values, guint n_frames, guint n_axes, double interval_ms)
{
  EmSample *s = em_sample_new ();

  em_sample_set_kind (s, EM_SENSOR_AUDIO);
  for (guint a = 0; a < n_axes; a++)
    em_sample_add_axis (s, a == 0 ? "x" : "y", "wav");
  em_sample_set_interval_ms (s, interval_ms);
  em_sample_set_values (s, values, n_frames);
  return s;
}

static void
test_write (void)
{
  const float values[6] = { 1.5f, -2.0f, 0.5f, 1.0f / 65536, -1.0f / 65536, 3.0f / 65536 };
  const float nan_values[2] = { 0.0f, NAN };
  g_autoptr(EmSample) s = make_sample (values, 6, 1, 1000.0 / 16000);
  g_autoptr(EmSample) bad = make_sample (nan_values, 2, 1, 1000.0 / 16000);
  g_autoptr(EmSample) no_rate = make_sample (values, 6, 1, 0);
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(EmSample) back = NULL;
  g_autoptr(GError) error = NULL;
  const float *v;

  /* A sample from a CSV defaults to 16-bit; values clip and round half away from zero. */
  em_sample_set_source_format (s, "csv");
  wav = em_wav_write (s, NULL, &error);
  g_assert_no_error (error);
  back = em_wav_read (wav, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (em_sample_get_source_format (back), ==, "wav:pcm16");
  g_assert_cmpfloat (em_sample_get_frequency_hz (back), ==, 16000);
  v = em_sample_get_values (back, NULL);
  g_assert_cmpfloat (v[0], ==, 32767 / 32768.0f);
  g_assert_cmpfloat (v[1], ==, -1.0f);
  g_assert_cmpfloat (v[2], ==, 0.5f);
  g_assert_cmpfloat (v[3], ==, 1 / 32768.0f);  /* 0.5 rounds up */
  g_assert_cmpfloat (v[4], ==, -1 / 32768.0f); /* -0.5 rounds down */
  g_assert_cmpfloat (v[5], ==, 2 / 32768.0f);  /* 1.5 rounds to 2 */
  g_clear_pointer (&wav, g_bytes_unref);
  g_clear_object (&back);

  /* An explicit format wins; float keeps values beyond ±1. */
  wav = em_wav_write (s, "wav:float32", &error);
  g_assert_no_error (error);
  back = em_wav_read (wav, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (em_sample_get_values (back, NULL)[0], ==, 1.5f);
  g_clear_pointer (&wav, g_bytes_unref);

  wav = em_wav_write (s, "wav:pcm12", &error);
  g_assert_null (wav);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  wav = em_wav_write (bad, "wav:float32", &error);
  g_assert_null (wav);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  wav = em_wav_write (no_rate, NULL, &error);
  g_assert_null (wav);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
}

/* ---- Cross-checks with sox ----------------------------------------------- */

static gboolean
run (const char *const *argv, GError **error)
{
  gint status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, NULL, &status, error))
    return FALSE;
  return g_spawn_check_wait_status (status, error);
}

/* sox's raw signed 32-bit output of @wav: values as v / 2^31 floats. */
static float *
sox_values (const char *wav, const char *dir, gsize *n)
{
  g_autofree char *raw = g_build_filename (dir, "out.raw", NULL);
  const char *argv[] = { "sox", wav, "-t", "raw", "-e", "signed-integer", "-b", "32", "-L", raw, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *p;
  float *out;

  run (argv, &error);
  g_assert_no_error (error);
  bytes = em_test_read_file (raw);
  p = g_bytes_get_data (bytes, n);
  *n /= 4;
  out = g_new (float, *n);
  for (gsize i = 0; i < *n; i++)
    {
      gint32 v = (gint32) (p[4 * i] | (p[4 * i + 1] << 8) | (p[4 * i + 2] << 16) | ((guint32) p[4 * i + 3] << 24));
      out[i] = (float) ((double) v / 2147483648.0);
    }
  return out;
}

static void
test_sox (void)
{
  g_autofree char *sox = g_find_program_in_path ("sox");
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *ours = NULL;
  g_autofree float *ref = NULL;
  g_autofree float *ref2 = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) written = NULL;
  g_autoptr(EmSample) s = NULL;
  g_autoptr(GError) error = NULL;
  const float *v;
  guint64 n = 0;
  gsize n_ref = 0, n_ref2 = 0;

  if (sox == NULL)
    {
      g_test_skip ("sox not installed");
      return;
    }
  dir = em_test_make_tmpdir ();
  path = g_build_filename (dir, "sox24.wav", NULL);
  {
    const char *argv[] = { "sox", "-n", "-r", "22050", "-b", "24", "-c", "2", path,
                           "synth", "0.01", "sine", "440", "sine", "1000", "gain", "-3", NULL };
    run (argv, &error);
    g_assert_no_error (error);
  }
  bytes = em_test_read_file (path);
  s = em_wav_read (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (em_sample_get_n_axes (s), ==, 2);
  g_assert_cmpfloat (em_sample_get_frequency_hz (s), ==, 22050);
  g_assert_cmpstr (em_sample_get_source_format (s), ==, "wav:pcm24");
  g_assert_cmpuint (em_sample_get_n_frames (s), ==, 220); /* 0.01 s at 22050 Hz */
  v = em_sample_get_values (s, &n);
  ref = sox_values (path, dir, &n_ref);
  g_assert_cmpuint (n_ref, ==, n);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (v[i], ==, ref[i]);
  g_assert_cmpfloat (fabsf (v[2]), >, 0.0f); /* not all silence */

  /* And the other way: sox reads what we write, to the same values. */
  written = em_wav_write (s, NULL, &error);
  g_assert_no_error (error);
  ours = g_build_filename (dir, "ours24.wav", NULL);
  em_test_write_file (ours, g_bytes_get_data (written, NULL), g_bytes_get_size (written));
  ref2 = sox_values (ours, dir, &n_ref2);
  g_assert_cmpuint (n_ref2, ==, n);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (v[i], ==, ref2[i]);
}

/* Every format we write, channel counts 1 to 3, as sox sees it. */
static void
test_sox_reads_ours (void)
{
  g_autofree char *sox = g_find_program_in_path ("sox");
  g_autofree char *dir = NULL;
  float values[3 * 50];

  if (sox == NULL)
    {
      g_test_skip ("sox not installed");
      return;
    }
  dir = em_test_make_tmpdir ();
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    values[i] = (float) sin (i * 0.37) * 0.9f;
  for (guint f = 0; f < G_N_ELEMENTS (variants); f++)
    for (guint c = 1; c <= 3; c++)
      {
        g_autoptr(EmSample) s = make_sample (values, 50, c, 1000.0 / 8000);
        g_autoptr(EmSample) back = NULL;
        g_autoptr(GBytes) wav = em_wav_write (s, variants[f].format, NULL);
        g_autofree char *path = g_build_filename (dir, "w.wav", NULL);
        g_autofree float *ref = NULL;
        const float *v;
        gsize n_ref = 0;

        g_assert_nonnull (wav);
        em_test_write_file (path, g_bytes_get_data (wav, NULL), g_bytes_get_size (wav));
        back = em_wav_read (wav, NULL);
        v = em_sample_get_values (back, NULL);
        ref = sox_values (path, dir, &n_ref);
        g_assert_cmpuint (n_ref, ==, 50 * c);
        for (gsize i = 0; i < n_ref; i++)
          /* sox converts float to integer with its own rounding and clipping. */
          g_assert_cmpfloat_with_epsilon (ref[i], v[i], variants[f].tag == 3 ? 1e-6 : 1e-9);
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wav/round-trip", test_round_trip);
  g_test_add_func ("/wav/extensible", test_extensible);
  g_test_add_func ("/wav/many-channels", test_many_channels);
  g_test_add_func ("/wav/write", test_write);
  g_test_add_func ("/wav/sox", test_sox);
  g_test_add_func ("/wav/sox-reads-ours", test_sox_reads_ours);
  return g_test_run ();
}
