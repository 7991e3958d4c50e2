/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include "em-error.h"
#include "em-sample.h"
#include "formats/em-ei-format.h"
#include "test-util.h"
#include "ei-test-vectors.h"

/* ---- helpers ------------------------------------------------------------ */

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

/* Test tables quote with ' for readability. */
static GBytes *
quoted_bytes (const char *text)
{
  g_autofree char *copy = g_strdup (text);

  g_strdelimit (copy, "'", '"');
  return g_bytes_new (copy, strlen (copy));
}

static void
assert_one_line_error (GError *error, EmError code)
{
  g_assert_error (error, EM_ERROR, (int) code);
  g_assert_null (strchr (error->message, '\n'));
  g_assert_cmpuint (strlen (error->message), >, 0);
}

static float
random_finite_float (void)
{
  for (;;)
    {
      guint32 bits = g_test_rand_int ();
      float f;

      memcpy (&f, &bits, sizeof f);
      if (isfinite (f))
        return f;
    }
}

static EmSample *
make_series (guint n_axes, guint n_frames, double interval_ms)
{
  EmSample *sample = em_sample_new ();
  g_autofree float *values = g_new (float, (gsize) n_axes * n_frames);
  static const float specials[] = { 0.0f, -0.0f, 1.0f, -1.0f, 0.1f, 1e-45f, -1.17549435e-38f,
                                    3.40282347e+38f, -3.40282347e+38f, 16777217.0f, 123456.789f };

  for (guint a = 0; a < n_axes; a++)
    {
      g_autofree char *name = g_strdup_printf ("acc%c", 'X' + a);
      em_sample_add_axis (sample, name, "m/s2");
    }
  for (gsize i = 0; i < (gsize) n_axes * n_frames; i++)
    values[i] = i < G_N_ELEMENTS (specials) ? specials[i] : random_finite_float ();
  em_sample_set_kind (sample, EM_SENSOR_TIME_SERIES);
  em_sample_set_interval_ms (sample, interval_ms);
  em_sample_set_values (sample, values, n_frames);
  return sample;
}

static void
assert_same_samples (EmSample *a, EmSample *b)
{
  GBytes *da = em_sample_get_data (a), *db = em_sample_get_data (b);

  g_assert_cmpint (em_sample_get_kind (a), ==, em_sample_get_kind (b));
  g_assert_cmpint (em_sample_get_encoding (b), ==, EM_ENCODING_F32LE);
  g_assert_cmpfloat (em_sample_get_interval_ms (a), ==, em_sample_get_interval_ms (b));
  g_assert_cmpuint (em_sample_get_n_frames (a), ==, em_sample_get_n_frames (b));
  g_assert_cmpuint (em_sample_get_n_axes (a), ==, em_sample_get_n_axes (b));
  for (guint i = 0; i < em_sample_get_n_axes (a); i++)
    {
      g_assert_cmpstr (em_sample_get_axis (a, i)->name, ==, em_sample_get_axis (b, i)->name);
      g_assert_cmpstr (em_sample_get_axis (a, i)->units, ==, em_sample_get_axis (b, i)->units);
    }
  /* Bit for bit, so -0, subnormals and the extremes all survive. */
  g_assert_true (g_bytes_equal (da, db));
  g_assert_cmpstr (em_sample_get_hash (a), ==, em_sample_get_hash (b));
}

typedef GBytes *(*WriteFunc) (EmSample *, const char *, GError **);
typedef EmSample *(*ReadFunc) (GBytes *, const char *, EmEiSignature *, GError **);

typedef struct {
  WriteFunc write;
  ReadFunc read;
  const char *source_format;
} Codec;

static const Codec json_codec = { em_ei_write_json, em_ei_read_json_full, "ei-json" };
static const Codec cbor_codec = { em_ei_write_cbor, em_ei_read_cbor_full, "ei-cbor" };

static EmSample *
round_trip (const Codec *codec, EmSample *sample, const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = codec->write (sample, key, &error);
  EmEiSignature signature = -1;
  EmSample *back;

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  back = codec->read (bytes, key, &signature, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpint (signature, ==, key != NULL ? EM_EI_SIGNATURE_VERIFIED : EM_EI_SIGNATURE_NONE);
  g_assert_cmpstr (em_sample_get_source_format (back), ==, codec->source_format);
  return back;
}

/* ---- round trips -------------------------------------------------------- */

static void
check_round_trip (gconstpointer data)
{
  const Codec *codec = data;
  const guint axes[] = { 1, 3, 9 };
  const double intervals[] = { 10, 0.0625, 1000.0 / 3.0, 1e-9 };

  for (guint i = 0; i < G_N_ELEMENTS (axes); i++)
    for (guint k = 0; k < G_N_ELEMENTS (intervals); k++)
      {
        g_autoptr(EmSample) sample = make_series (axes[i], 40, intervals[k]);
        g_autoptr(EmSample) plain = NULL, signed_back = NULL;

        em_sample_set_metadata (sample, "device_name", "ac:87:a3:0a:2d:1b");
        em_sample_set_metadata (sample, "device_type", "NANO33BLE \"quoted\" \\ é");
        plain = round_trip (codec, sample, NULL);
        signed_back = round_trip (codec, sample, KEY);
        assert_same_samples (sample, plain);
        assert_same_samples (sample, signed_back);
        g_assert_cmpstr (em_sample_get_metadata (plain, "device_name"), ==, "ac:87:a3:0a:2d:1b");
        g_assert_cmpstr (em_sample_get_metadata (plain, "device_type"), ==, "NANO33BLE \"quoted\" \\ é");
      }
}

static void
check_default_device_type (gconstpointer data)
{
  const Codec *codec = data;
  g_autoptr(EmSample) sample = make_series (2, 3, 10);
  g_autoptr(EmSample) back = round_trip (codec, sample, NULL);

  g_assert_cmpstr (em_sample_get_metadata (back, "device_type"), ==, "EMBER");
  g_assert_null (em_sample_get_metadata (back, "device_name"));
}

static void
check_audio (gconstpointer data)
{
  const Codec *codec = data;
  g_autoptr(EmSample) sample = em_sample_new ();
  g_autoptr(EmSample) back = NULL;
  float values[256];

  /* PCM-like values and arbitrary ones in [-1, 1): both must survive the
   * x32768 / 32768 scaling exactly. */
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    values[i] = i % 2 ? (float) g_test_rand_int_range (-32768, 32768) / 32768.0f
                      : (float) g_test_rand_double_range (-1.0, 1.0);
  values[0] = -1.0f;
  em_sample_add_axis (sample, "audio", "wav");
  em_sample_set_kind (sample, EM_SENSOR_AUDIO);
  em_sample_set_interval_ms (sample, 0.0625);
  em_sample_set_values (sample, values, G_N_ELEMENTS (values));
  back = round_trip (codec, sample, KEY);
  assert_same_samples (sample, back);
  g_assert_cmpint (em_sample_get_kind (back), ==, EM_SENSOR_AUDIO);
  g_assert_cmpfloat (em_sample_get_frequency_hz (back), ==, 16000.0);
}

static void
test_audio_pcm_values (void)
{
  g_autoptr(GBytes) bytes = quoted_bytes (
    "{'protected':{'ver':'v1','alg':'none'},'signature':'','payload':{'device_type':'MIC',"
    "'interval_ms':0.0625,'sensors':[{'name':'audio','units':'wav'}],'values':[0,16384,-32768,32767]}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) sample = em_ei_read_json (bytes, NULL, &error);
  const float *values;
  guint64 n = 0;

  g_assert_no_error (error);
  g_assert_cmpint (em_sample_get_kind (sample), ==, EM_SENSOR_AUDIO);
  values = em_sample_get_values (sample, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpfloat (values[0], ==, 0.0f);
  g_assert_cmpfloat (values[1], ==, 0.5f);
  g_assert_cmpfloat (values[2], ==, -1.0f);
  g_assert_cmpfloat (values[3], ==, 32767.0f / 32768.0f);
}

static void
test_wav_sensors_make_audio (void)
{
  /* Every sensor in "wav" units: multi-channel audio, scaled like mono. */
  g_autoptr(GBytes) stereo = quoted_bytes (
    "{'protected':{'ver':'v1','alg':'none'},'signature':'','payload':{'device_type':'MIC',"
    "'interval_ms':1,'sensors':[{'name':'l','units':'wav'},{'name':'r','units':'wav'}],'values':[[1,16384]]}}");
  /* Mixed units: a time series, values as they are. */
  g_autoptr(GBytes) mixed = quoted_bytes (
    "{'protected':{'ver':'v1','alg':'none'},'signature':'','payload':{'device_type':'MIC',"
    "'interval_ms':1,'sensors':[{'name':'l','units':'wav'},{'name':'t','units':'C'}],'values':[[1,2]]}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) sample = em_ei_read_json (stereo, NULL, &error);
  g_autoptr(EmSample) other = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (em_sample_get_kind (sample), ==, EM_SENSOR_AUDIO);
  g_assert_cmpfloat (em_sample_get_values (sample, NULL)[1], ==, 0.5f);
  other = em_ei_read_json (mixed, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (em_sample_get_kind (other), ==, EM_SENSOR_TIME_SERIES);
  g_assert_cmpfloat (em_sample_get_values (other, NULL)[1], ==, 2.0f);
}

/* The writer prints the shortest text that reads back as the same float. */
static void
test_json_short_numbers (void)
{
  g_autoptr(EmSample) sample = em_sample_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const float values[] = { 0.1f, -9.81f, 3.0f, 1e-45f, -0.0f };
  g_autofree char *text = NULL;

  em_sample_add_axis (sample, "x", "");
  em_sample_set_interval_ms (sample, 20);
  em_sample_set_values (sample, values, G_N_ELEMENTS (values));
  bytes = em_ei_write_json (sample, NULL, &error);
  g_assert_no_error (error);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_nonnull (strstr (text, "\"values\":[0.1,-9.81,3,1.4013e-45,-0.0]"));
  g_assert_nonnull (strstr (text, "\"interval_ms\":20,"));
  g_assert_nonnull (strstr (text, "\"alg\":\"none\""));
  g_assert_nonnull (strstr (text, "\"signature\":\"0000000000000000000000000000000000000000000000000000000000000000\""));
}

/* Same sample, same bytes: exports can be compared and deduplicated. */
static void
check_deterministic (gconstpointer data)
{
  const Codec *codec = data;
  g_autoptr(EmSample) sample = make_series (3, 10, 10);
  g_autoptr(GBytes) a = NULL, b = NULL;
  g_autoptr(EmSample) back = NULL;

  em_sample_set_created (sample, G_GINT64_CONSTANT (1564128599) * G_USEC_PER_SEC + 5);
  a = codec->write (sample, KEY, NULL);
  b = codec->write (sample, KEY, NULL);
  g_assert_true (g_bytes_equal (a, b));
  if (codec == &json_codec)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (a, NULL), g_bytes_get_size (a));
      g_assert_nonnull (strstr (text, "\"iat\":1564128599"));
    }
  back = codec->read (a, KEY, NULL, NULL);
  g_assert_nonnull (back);
}

static void
test_writer_refuses (void)
{
  g_autoptr(EmSample) image = em_sample_new ();
  g_autoptr(EmSample) empty = em_sample_new ();
  g_autoptr(EmSample) no_interval = make_series (1, 4, 10);
  g_autoptr(EmSample) infinite = em_sample_new ();
  const float inf_values[] = { 1.0f, INFINITY };
  GError *error = NULL;

  em_sample_set_kind (image, EM_SENSOR_IMAGE);
  em_sample_set_encoding (image, EM_ENCODING_PNG);
  g_assert_null (em_ei_write_json (image, NULL, &error));
  assert_one_line_error (error, EM_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_null (em_ei_write_cbor (image, NULL, &error));
  assert_one_line_error (error, EM_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  em_sample_add_axis (empty, "x", "");
  em_sample_set_interval_ms (empty, 10);
  g_assert_null (em_ei_write_json (empty, NULL, &error));
  assert_one_line_error (error, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  em_sample_set_interval_ms (no_interval, 0);
  g_assert_null (em_ei_write_cbor (no_interval, NULL, &error));
  assert_one_line_error (error, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  em_sample_add_axis (infinite, "x", "");
  em_sample_set_interval_ms (infinite, 10);
  em_sample_set_values (infinite, inf_values, 2);
  g_assert_null (em_ei_write_json (infinite, NULL, &error));
  assert_one_line_error (error, EM_ERROR_INVALID_DATA);
  g_clear_error (&error);
}

/* ---- signatures --------------------------------------------------------- */

static void
test_json_known_answer (void)
{
  g_autoptr(GBytes) bytes = text_bytes (kat_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) sample = NULL;
  EmEiSignature signature = -1;
  const float *values;
  guint64 n = 0;

  g_assert_nonnull (strstr (kat_json, KAT_JSON_SIGNATURE));
  sample = em_ei_read_json_full (bytes, KEY, &signature, &error);
  g_assert_no_error (error);
  g_assert_cmpint (signature, ==, EM_EI_SIGNATURE_VERIFIED);
  g_assert_cmpuint (em_sample_get_n_axes (sample), ==, 3);
  g_assert_cmpstr (em_sample_get_axis (sample, 2)->name, ==, "accZ");
  g_assert_cmpstr (em_sample_get_axis (sample, 2)->units, ==, "m/s2");
  g_assert_cmpuint (em_sample_get_n_frames (sample), ==, 4);
  g_assert_cmpfloat (em_sample_get_interval_ms (sample), ==, 10.0);
  g_assert_cmpint (em_sample_get_kind (sample), ==, EM_SENSOR_TIME_SERIES);
  g_assert_cmpstr (em_sample_get_metadata (sample, "device_name"), ==, "ac:87:a3:0a:2d:1b");
  g_assert_cmpstr (em_sample_get_metadata (sample, "device_type"), ==, "DISCO-L475VG-IOT01A");
  g_assert_cmpstr (em_sample_get_source_format (sample), ==, "ei-json");
  values = em_sample_get_values (sample, &n);
  g_assert_cmpuint (n, ==, 12);
  g_assert_cmpfloat (values[0], ==, -9.81f);
  g_assert_cmpfloat (values[11], ==, 1.25f);

  /* Without a key the document still reads, flagged as not checked. */
  g_clear_object (&sample);
  sample = em_ei_read_json_full (bytes, NULL, &signature, &error);
  g_assert_no_error (error);
  g_assert_cmpint (signature, ==, EM_EI_SIGNATURE_UNCHECKED);

  g_clear_object (&sample);
  sample = em_ei_read_json (bytes, "another-key", &error);
  g_assert_null (sample);
  assert_one_line_error (error, EM_ERROR_BAD_SIGNATURE);
}

static void
test_cbor_known_answer (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (kat_cbor, sizeof kat_cbor);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) sample = NULL;
  EmEiSignature signature = -1;
  const float *values;
  guint64 n = 0;

  sample = em_ei_read_cbor_full (bytes, KEY, &signature, &error);
  g_assert_no_error (error);
  g_assert_cmpint (signature, ==, EM_EI_SIGNATURE_VERIFIED);
  g_assert_cmpuint (em_sample_get_n_axes (sample), ==, 2);
  g_assert_cmpfloat (em_sample_get_interval_ms (sample), ==, 12.5);
  g_assert_cmpstr (em_sample_get_metadata (sample, "device_name"), ==, "dev-1");
  g_assert_cmpstr (em_sample_get_source_format (sample), ==, "ei-cbor");
  values = em_sample_get_values (sample, &n);
  g_assert_cmpuint (n, ==, 6);
  /* uint, negint, half, single, double, uint */
  g_assert_cmpfloat (values[0], ==, 1.0f);
  g_assert_cmpfloat (values[1], ==, -2.0f);
  g_assert_cmpfloat (values[2], ==, 0.5f);
  g_assert_cmpfloat (values[3], ==, -1.25f);
  g_assert_cmpfloat (values[4], ==, (float) 3.0e-3);
  g_assert_cmpfloat (values[5], ==, 100000.0f);

  g_clear_object (&sample);
  sample = em_ei_read_cbor (bytes, "another-key", &error);
  g_assert_null (sample);
  assert_one_line_error (error, EM_ERROR_BAD_SIGNATURE);
}

static void
test_upper_case_signature (void)
{
  g_autofree char *text = g_strdup (kat_json);
  char *sig = strstr (text, KAT_JSON_SIGNATURE);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) sample = NULL;

  for (guint i = 0; i < 64; i++)
    sig[i] = g_ascii_toupper (sig[i]);
  bytes = text_bytes (text);
  sample = em_ei_read_json (bytes, KEY, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sample);
}

static void
expect_json_bad_signature (const char *text)
{
  g_autoptr(GBytes) bytes = text_bytes (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) sample = em_ei_read_json (bytes, KEY, &error);

  g_assert_null (sample);
  assert_one_line_error (error, EM_ERROR_BAD_SIGNATURE);
}

static void
test_json_tampered (void)
{
  const char *edits[][2] = {
    { "-9.81", "-9.80" },          /* a value */
    { "1564128599", "1564128600" }, /* the protected header */
    { "\"payload\": {", "\"payload\":{" }, /* only whitespace: still another document */
    { KAT_JSON_SIGNATURE, "f3dbb609eb8ffdb8a101396f3433fe54621fed0642e0bd036f176b668ea7578c" },
    { KAT_JSON_SIGNATURE, "zzdbb609eb8ffdb8a101396f3433fe54621fed0642e0bd036f176b668ea7578b" },
    { KAT_JSON_SIGNATURE, "f3dbb609" },
    { KAT_JSON_SIGNATURE, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autoptr(GString) text = g_string_new (kat_json);

      g_assert_cmpuint (g_string_replace (text, edits[i][0], edits[i][1], 1), ==, 1);
      expect_json_bad_signature (text->str);
    }
}

static void
test_cbor_tampered (void)
{
  g_autofree guint8 *copy = g_memdup2 (kat_cbor, sizeof kat_cbor);
  const guint8 pattern[] = { 0x82, 0x01, 0x21 }; /* the row [1, -2] */
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *at = NULL;

  for (gsize i = 0; i + sizeof pattern <= sizeof kat_cbor && at == NULL; i++)
    if (memcmp (copy + i, pattern, sizeof pattern) == 0)
      at = copy + i;
  g_assert_nonnull (at);
  at[1] = 0x05;
  bytes = g_bytes_new (copy, sizeof kat_cbor);
  g_assert_null (em_ei_read_cbor (bytes, KEY, &error));
  assert_one_line_error (error, EM_ERROR_BAD_SIGNATURE);
}

static void
test_signature_cases (void)
{
  /* HS256 with a key but no signature at all */
  const char *unsigned_hs256 =
    "{'protected':{'ver':'v1','alg':'HS256'},'payload':{'device_type':'T','interval_ms':1,"
    "'sensors':[{'name':'x','units':'u'}],'values':[1]}}";
  /* alg none: nothing to check even with a key, but the caller is told */
  const char *alg_none =
    "{'protected':{'ver':'v1','alg':'none'},'signature':'0000000000000000000000000000000000000000000000000000000000000000',"
    "'payload':{'device_type':'T','interval_ms':1,'sensors':[{'name':'x','units':'u'}],'values':[1]}}";
  const char *twice =
    "{'protected':{'ver':'v1','alg':'HS256'},'signature':'00','signature':'00','payload':{'device_type':'T',"
    "'interval_ms':1,'sensors':[{'name':'x','units':'u'}],'values':[1]}}";
  g_autoptr(GBytes) a = quoted_bytes (unsigned_hs256), b = quoted_bytes (alg_none), c = quoted_bytes (twice);
  g_autoptr(EmSample) sample = NULL;
  EmEiSignature signature = -1;
  GError *error = NULL;

  g_assert_null (em_ei_read_json (a, KEY, &error));
  assert_one_line_error (error, EM_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);

  sample = em_ei_read_json_full (b, KEY, &signature, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sample);
  g_assert_cmpint (signature, ==, EM_EI_SIGNATURE_NONE);

  g_assert_null (em_ei_read_json (c, NULL, &error));
  assert_one_line_error (error, EM_ERROR_INVALID_DATA);
  g_clear_error (&error);
}

/* A document the writer signed verifies with the same key only, and the
 * signature is the HMAC of the document with the digits zeroed. */
static void
check_writer_signature (gconstpointer data)
{
  const Codec *codec = data;
  g_autoptr(EmSample) sample = make_series (3, 5, 10);
  g_autoptr(GBytes) bytes = codec->write (sample, KEY, NULL);
  g_autofree guint8 *zeroed = g_memdup2 (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  gsize size = g_bytes_get_size (bytes);
  guint8 *sig = NULL;

  /* The signature is the only run of 64 hex digits in this document. */
  for (gsize i = 0; i + 64 <= size && sig == NULL; i++)
    {
      gsize k = 0;

      while (k < 64 && g_ascii_isxdigit (zeroed[i + k]) && !g_ascii_isupper (zeroed[i + k]))
        k++;
      if (k == 64)
        sig = zeroed + i;
    }
  g_assert_nonnull (sig);
  expected = g_strndup ((char *) sig, 64);
  memset (sig, '0', 64);
  {
    g_autofree char *hmac = g_compute_hmac_for_data (G_CHECKSUM_SHA256, (const guchar *) KEY, strlen (KEY),
                                                     zeroed, size);
    g_assert_cmpstr (hmac, ==, expected);
  }
  g_assert_null (codec->read (bytes, "wrong", NULL, &error));
  assert_one_line_error (error, EM_ERROR_BAD_SIGNATURE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/ei-format/json/round-trip", &json_codec, check_round_trip);
  g_test_add_data_func ("/ei-format/cbor/round-trip", &cbor_codec, check_round_trip);
  g_test_add_data_func ("/ei-format/json/default-device-type", &json_codec, check_default_device_type);
  g_test_add_data_func ("/ei-format/cbor/default-device-type", &cbor_codec, check_default_device_type);
  g_test_add_data_func ("/ei-format/json/audio", &json_codec, check_audio);
  g_test_add_data_func ("/ei-format/cbor/audio", &cbor_codec, check_audio);
  g_test_add_func ("/ei-format/json/audio-pcm-values", test_audio_pcm_values);
  g_test_add_func ("/ei-format/json/wav-sensors-make-audio", test_wav_sensors_make_audio);
  g_test_add_func ("/ei-format/json/short-numbers", test_json_short_numbers);
  g_test_add_data_func ("/ei-format/json/deterministic", &json_codec, check_deterministic);
  g_test_add_data_func ("/ei-format/cbor/deterministic", &cbor_codec, check_deterministic);
  g_test_add_func ("/ei-format/writer-refuses", test_writer_refuses);
  g_test_add_func ("/ei-format/json/known-answer", test_json_known_answer);
  g_test_add_func ("/ei-format/cbor/known-answer", test_cbor_known_answer);
  g_test_add_func ("/ei-format/json/upper-case-signature", test_upper_case_signature);
  g_test_add_func ("/ei-format/json/tampered", test_json_tampered);
  g_test_add_func ("/ei-format/cbor/tampered", test_cbor_tampered);
  g_test_add_func ("/ei-format/signature-cases", test_signature_cases);
  g_test_add_data_func ("/ei-format/json/writer-signature", &json_codec, check_writer_signature);
  g_test_add_data_func ("/ei-format/cbor/writer-signature", &cbor_codec, check_writer_signature);

  return g_test_run ();
}
