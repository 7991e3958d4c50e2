/* SPDX-License-Identifier: Apache-2.0 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "em-csv.h"
#include "em-error.h"
#include "test-util.h"

static GPtrArray *
read_str (const char *text, GError **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  return em_csv_read (bytes, error);
}

/* Reads @text expecting exactly one sample. */
static EmSample *
read_one (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = read_str (text, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, ==, 1);
  return g_object_ref (g_ptr_array_index (samples, 0));
}

static void
assert_error (const char *text, gint code, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = read_str (text, &error);

  g_assert_null (samples);
  g_assert_error (error, EM_ERROR, code);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
  g_assert_null (strchr (error->message, '\n'));
}

static void
assert_values (EmSample *s, const float *expect, guint n)
{
  guint64 got_n = 0;
  const float *got = em_sample_get_values (s, &got_n);

  g_assert_cmpuint (got_n, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpfloat (got[i], ==, expect[i]);
}

static void
test_time_series (void)
{
  g_autoptr(EmSample) s = read_one ("timestamp,accX (m/s2),accY (m/s2),accZ (m/s2)\n"
                                    "0,1.5,-2,9.81\n"
                                    "16,1.25,-2.5,9.8\n"
                                    "32,1,-3,9.79\n"
                                    "48,0.5,-3.5,9.78\n");
  const float expect[] = { 1.5f, -2, 9.81f, 1.25f, -2.5f, 9.8f, 1, -3, 9.79f, 0.5f, -3.5f, 9.78f };

  g_assert_cmpint (em_sample_get_kind (s), ==, EM_SENSOR_TIME_SERIES);
  g_assert_cmpint (em_sample_get_encoding (s), ==, EM_ENCODING_F32LE);
  g_assert_cmpstr (em_sample_get_source_format (s), ==, "csv");
  g_assert_cmpfloat (em_sample_get_interval_ms (s), ==, 16.0);
  g_assert_cmpuint (em_sample_get_n_frames (s), ==, 4);
  g_assert_cmpuint (em_sample_get_n_axes (s), ==, 3);
  g_assert_cmpstr (em_sample_get_axis (s, 0)->name, ==, "accX");
  g_assert_cmpstr (em_sample_get_axis (s, 0)->units, ==, "m/s2");
  g_assert_cmpstr (em_sample_get_axis (s, 2)->name, ==, "accZ");
  assert_values (s, expect, G_N_ELEMENTS (expect));
}

static void
test_time_units (void)
{
  struct {
    const char *header;
    const char *t1;
    double interval;
  } cases[] = {
    { "timestamp", "10", 10 },
    { "Time", "10", 10 },
    { "t", "10", 10 },
    { "timestamp_ms", "10", 10 },
    { "TIME_MS", "10", 10 },
    { "timestamp_s", "0.01", 10 },
    { "time_s", "0.01", 10 },
    { "seconds", "0.01", 10 },
    { "timestamp (s)", "0.01", 10 },
    { "time (ms)", "10", 10 },
    { "time (us)", "10000", 10 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("%s,x\n0,1\n%s,2\n", cases[i].header, cases[i].t1);
      g_autoptr(EmSample) s = read_one (text);

      g_test_message ("%s", cases[i].header);
      g_assert_cmpfloat_with_epsilon (em_sample_get_interval_ms (s), cases[i].interval, 1e-12);
      g_assert_cmpuint (em_sample_get_n_axes (s), ==, 1);
    }
  /* Not a time column anywhere but first: then it is just an axis, and the file tabular. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = read_str ("x,timestamp\n1,0\n2,10\n", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, ==, 2);
    g_assert_cmpstr (em_sample_get_axis (g_ptr_array_index (rows, 0), 1)->name, ==, "timestamp");
  }
  assert_error ("time (h),x\n0,1\n1,2\n", EM_ERROR_UNSUPPORTED,
                "line 1, column 1 (time): unknown time unit 'h' (use ms, s or us)");
}

static void
test_separators_and_syntax (void)
{
  const float expect[] = { 1.5f, 2, -0.25f, 4 };
  const char *variants[] = {
    "timestamp;a;b\n0;1.5;2\n20;-0.25;4\n",
    "timestamp;a;b\n0;1,5;2\n20;-0,25;4\n", /* decimal comma */
    "timestamp\ta\tb\n0\t1.5\t2\n20\t-0.25\t4\n",
    "timestamp\ta\tb\r\n0\t1,5\t2\r\n20\t-0,25\t4",
    "timestamp,a,b\r\n0,1.5,2\r\n20,-0.25,4\r\n",
    "timestamp,a,b\n0,1.5,2\n20,-0.25,4",             /* no final newline */
    "\xEF\xBB\xBFtimestamp,a,b\n0,1.5,2\n20,-0.25,4\n", /* BOM */
    "\n\ntimestamp,a,b\n0,1.5,2\n20,-0.25,4\n\n\n\n",   /* blank lines */
    "timestamp , a , b\n 0 , 1.5 , 2 \n 20,-0.25 ,4\n", /* blanks around cells */
    "\"timestamp\",\"a\",\"b\"\n\"0\",\"1.5\",\" 2 \"\n20,-0.25,\"4\"\n",
    "timestamp,a,b\r0,1.5,2\r20,-0.25,4\r",             /* old Mac line ends */
    "timestamp,a,b\n0,1.5e0,2\n20,-25E-2,+4\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autoptr(EmSample) s = NULL;

      g_test_message ("variant %u", i);
      s = read_one (variants[i]);
      g_assert_cmpuint (em_sample_get_n_axes (s), ==, 2);
      g_assert_cmpstr (em_sample_get_axis (s, 0)->name, ==, "a");
      g_assert_cmpstr (em_sample_get_axis (s, 1)->name, ==, "b");
      g_assert_cmpfloat (em_sample_get_interval_ms (s), ==, 20.0);
      assert_values (s, expect, 4);
    }
}

static void
test_quoted_headers (void)
{
  g_autoptr(EmSample) s = read_one ("timestamp,\"acc, X (m/s2)\",\"say \"\"hi\"\"\",\"multi\nline\"\n"
                                    "0,1,2,3\n"
                                    "5,4,5,6\n");
  const float expect[] = { 1, 2, 3, 4, 5, 6 };

  g_assert_cmpuint (em_sample_get_n_axes (s), ==, 3);
  g_assert_cmpstr (em_sample_get_axis (s, 0)->name, ==, "acc, X");
  g_assert_cmpstr (em_sample_get_axis (s, 0)->units, ==, "m/s2");
  g_assert_cmpstr (em_sample_get_axis (s, 1)->name, ==, "say \"hi\"");
  g_assert_cmpstr (em_sample_get_axis (s, 1)->units, ==, "");
  g_assert_cmpstr (em_sample_get_axis (s, 2)->name, ==, "multi\nline");
  assert_values (s, expect, 6);

  /* The header spans lines 1-2, so line numbers keep counting physical lines. */
  assert_error ("timestamp,\"a\nb\",c\n0,1,2\n10,x,3\n", EM_ERROR_INVALID_DATA,
                "line 4, column 2 (a b): not a number: 'x'");
  assert_error ("timestamp,\"a,b\",\"c\n0,1,2\n", EM_ERROR_INVALID_DATA, "line 1: unterminated quoted field");
  assert_error ("timestamp,\"a\"b,c\n0,1,2\n", EM_ERROR_INVALID_DATA,
                "line 1, column 2: unexpected text after a closing quote");
  assert_error ("timestamp,a,a\n0,1,2\n10,1,2\n", EM_ERROR_INVALID_DATA,
                "line 1, column 3: duplicate column name 'a'");
  assert_error ("timestamp,a,\n0,1,2\n10,1,2\n", EM_ERROR_INVALID_DATA, "line 1, column 3: empty column name");
}

static void
test_bad_cells (void)
{
  const char *head = "timestamp,accX,accY,accZ\n0,1,2,3\n10,1,2,3\n";
  struct {
    const char *rows;
    const char *message;
  } cases[] = {
    { "20,1,2,3\n30,1,2,3\n40,1,2,3\n50,1,abc,3\n",
      "line 7, column 3 (accY): not a number: 'abc'" },
    { "20,1,2,3,4\n", "line 4: 5 fields, expected 4" },
    { "20,1,2\n", "line 4: 3 fields, expected 4" },
    { "20,1,2,3\n30,1,2,3\n40,1,2,3\n50,1,2,3\n60,1,2,3\n70,NaN,2,3\n",
      "line 9, column 2 (accX): NaN is not allowed" },
    { "20,nan,2,3\n", "line 4, column 2 (accX): NaN is not allowed" },
    { "20,1,inf,3\n", "line 4, column 3 (accY): infinity is not allowed" },
    { "20,1,-Infinity,3\n", "line 4, column 3 (accY): infinity is not allowed" },
    { "20,1,1e999,3\n", "line 4, column 3 (accY): number out of range: '1e999'" },
    { "20,1,2,1e39\n", "line 4, column 4 (accZ): number out of range: '1e39'" },
    { "20,1,,3\n", "line 4, column 3 (accY): empty cell" },
    { "20,1,2,\"\"\n", "line 4, column 4 (accZ): empty cell" },
    { "20,1.5.2,2,3\n", "line 4, column 2 (accX): not a number: '1.5.2'" },
    { "20,1 2,2,3\n", "line 4, column 2 (accX): not a number: '1 2'" },
    { "20,1,2,3\nx,1,2,3\n", "line 5, column 1 (timestamp): not a number: 'x'" },
    { "20,1,2,3\n\"30,1,2,3\n", "line 5: unterminated quoted field" },
    { "20,1,2,\xff\xfe\n", "line 4, column 4 (accZ): not a number: '\xef\xbf\xbd\xef\xbf\xbd'" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strconcat (head, cases[i].rows, NULL);
      g_test_message ("%s", cases[i].message);
      assert_error (text, EM_ERROR_INVALID_DATA, cases[i].message);
    }
  /* Commas are decimal points only where they cannot be separators. */
  assert_error ("timestamp,a\n0,1\n10,\"1,5\"\n", EM_ERROR_INVALID_DATA, "line 3, column 2 (a): not a number: '1,5'");
  assert_error ("timestamp;a\n0;1\n10;1,5,2\n", EM_ERROR_INVALID_DATA, "line 3, column 2 (a): not a number: '1,5,2'");
  {
    static const char nul[] = "timestamp,a\n0,1\n10,2\0" "5\n";
    g_autoptr(GBytes) bytes = g_bytes_new_static (nul, sizeof nul - 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) samples = em_csv_read (bytes, &error);
    g_assert_null (samples);
    g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
    g_assert_cmpstr (error->message, ==, "line 3: NUL byte (not a text file)");
  }
}

static void
test_timestamps (void)
{
  g_autoptr(EmSample) jitter = NULL;
  g_autoptr(EmSample) rounded = NULL;

  assert_error ("timestamp,a\n0,1\n10,1\n20,1\n35,1\n40,1\n", EM_ERROR_INVALID_DATA,
                "line 5: irregular timestamps: step of 15 ms where the interval is 10 ms");
  assert_error ("timestamp,a\n0,1\n10,1\n20,1\n20,1\n", EM_ERROR_INVALID_DATA,
                "line 5: timestamp 20 does not increase (previous 20)");
  assert_error ("timestamp,a\n0,1\n10,1\n5,1\n", EM_ERROR_INVALID_DATA,
                "line 4: timestamp 5 does not increase (previous 10)");
  /* The first step may be the odd one out: the median still names its line. */
  assert_error ("timestamp,a\n0,1\n12,1\n22,1\n32,1\n42,1\n", EM_ERROR_INVALID_DATA,
                "line 3: irregular timestamps: step of 12 ms where the interval is 10 ms");
  assert_error ("timestamp,a\n0,1\n", EM_ERROR_INVALID_DATA,
                "a time series needs at least 2 rows to know its interval");
  assert_error ("timestamp,a\n", EM_ERROR_INVALID_DATA, "line 1: header but no data rows");
  assert_error ("timestamp,a\n\n\r\n", EM_ERROR_INVALID_DATA, "line 1: header but no data rows");
  assert_error ("", EM_ERROR_INVALID_DATA, "empty CSV: no header row");
  assert_error ("\xEF\xBB\xBF\n", EM_ERROR_INVALID_DATA, "empty CSV: no header row");
  assert_error ("timestamp\n0\n10\n", EM_ERROR_INVALID_DATA, "line 1: no data columns");

  /* Within 1 %: accepted, the interval is the mean step. */
  jitter = read_one ("timestamp,a\n0,1\n10.05,2\n20,3\n29.95,4\n40,5\n");
  g_assert_cmpfloat_with_epsilon (em_sample_get_interval_ms (jitter), 10.0, 1e-12);
  /* Seconds with rounding in the last digit. */
  rounded = read_one ("time_s,a\n0.000,1\n0.333,2\n0.667,3\n1.000,4\n");
  g_assert_cmpfloat_with_epsilon (em_sample_get_interval_ms (rounded), 1000.0 / 3, 1e-9);
}

static void
test_tabular (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = read_str ("f1 (mm),Label,f2\n1.5,cat,2\n-3,\"dog, big\",4\n5,,6\n", &error);
  g_autoptr(GPtrArray) plain = NULL;
  g_autoptr(GPtrArray) cls = NULL;
  const char *labels[] = { "cat", "dog, big", "" };
  const float values[] = { 1.5f, 2, -3, 4, 5, 6 };

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      EmSample *s = g_ptr_array_index (rows, i);
      g_assert_cmpint (em_sample_get_kind (s), ==, EM_SENSOR_TIME_SERIES);
      g_assert_cmpuint (em_sample_get_n_frames (s), ==, 1);
      g_assert_cmpuint (em_sample_get_n_axes (s), ==, 2);
      g_assert_cmpstr (em_sample_get_axis (s, 0)->name, ==, "f1");
      g_assert_cmpstr (em_sample_get_axis (s, 0)->units, ==, "mm");
      g_assert_cmpstr (em_sample_get_axis (s, 1)->name, ==, "f2");
      g_assert_cmpstr (em_sample_get_label (s), ==, labels[i]);
      g_assert_cmpstr (em_sample_get_source_format (s), ==, "csv");
      assert_values (s, values + 2 * i, 2);
    }

  plain = read_str ("a;b;c\n1;2;3\n", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plain->len, ==, 1);
  g_assert_cmpuint (em_sample_get_n_axes (g_ptr_array_index (plain, 0)), ==, 3);

  cls = read_str ("CLASS\tx\nyes\t0.5\nno\t-0.5\n", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cls->len, ==, 2);
  g_assert_cmpstr (em_sample_get_label (g_ptr_array_index (cls, 1)), ==, "no");

  assert_error ("label\nyes\n", EM_ERROR_INVALID_DATA, "line 1: no data columns");
  assert_error ("label,x,class\na,1,b\n", EM_ERROR_INVALID_DATA, "line 1, column 3: a second label column");
  assert_error ("label,x\na,1\nb,oops\n", EM_ERROR_INVALID_DATA, "line 3, column 2 (x): not a number: 'oops'");

  /* A label column in a time series: one label for the whole series. */
  {
    g_autoptr(EmSample) s = read_one ("timestamp,x,label\n0,1,wave\n10,2,wave\n");
    g_assert_cmpstr (em_sample_get_label (s), ==, "wave");
    g_assert_cmpuint (em_sample_get_n_axes (s), ==, 1);
  }
  assert_error ("timestamp,x,label\n0,1,wave\n10,2,idle\n", EM_ERROR_UNSUPPORTED,
                "line 3: label changes within a time series ('wave', then 'idle')");
}

static void
test_write (void)
{
  g_autoptr(EmSample) s = em_sample_new ();
  g_autoptr(EmSample) back = NULL;
  g_autoptr(GBytes) csv = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  GRand *rand = g_rand_new_with_seed (3);
  float values[3 * 200];
  guint64 n = 0;
  const float *got;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      /* Awkward floats: random bit patterns that are finite, plus extremes. */
      union { guint32 u; float f; } v;
      do
        v.u = g_rand_int (rand);
      while (!isfinite (v.f));
      values[i] = i == 0 ? FLT_MAX : i == 1 ? -FLT_MIN : i == 2 ? 1e-45f : i == 3 ? -0.0f : v.f;
    }
  g_rand_free (rand);
  em_sample_set_kind (s, EM_SENSOR_TIME_SERIES);
  em_sample_add_axis (s, "accX", "m/s2");
  em_sample_add_axis (s, "gyro, y", "");
  em_sample_add_axis (s, "z", "g");
  em_sample_set_interval_ms (s, 1000.0 / 62.5);
  em_sample_set_values (s, values, 200);

  csv = em_csv_write (s, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (csv, NULL), "timestamp,accX (m/s2),\"gyro, y\",z (g)\n0,"));
  samples = em_csv_read (csv, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, ==, 1);
  back = g_object_ref (g_ptr_array_index (samples, 0));
  g_assert_cmpfloat_with_epsilon (em_sample_get_interval_ms (back), 16.0, 1e-12);
  g_assert_cmpuint (em_sample_get_n_axes (back), ==, 3);
  g_assert_cmpstr (em_sample_get_axis (back, 0)->units, ==, "m/s2");
  g_assert_cmpstr (em_sample_get_axis (back, 1)->name, ==, "gyro, y");
  g_assert_cmpstr (em_sample_get_axis (back, 2)->units, ==, "g");
  got = em_sample_get_values (back, &n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (values));
  /* Bit for bit, so -0 stays -0. */
  g_assert_cmpmem (got, n * sizeof (float), values, sizeof values);
}

static void
test_write_edge (void)
{
  const float v[4] = { 0.1f, 0.2f, 0.3f, 0.4f };
  const float bad[2] = { 1, NAN };
  g_autoptr(EmSample) audio = em_sample_new ();
  g_autoptr(EmSample) row = em_sample_new ();
  g_autoptr(EmSample) nan = em_sample_new ();
  g_autoptr(GBytes) csv = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* 16 kHz audio: the interval survives to ~1e-9. */
  em_sample_add_axis (audio, "audio", "wav");
  em_sample_set_interval_ms (audio, 0.0625);
  em_sample_set_values (audio, v, 4);
  csv = em_csv_write (audio, &error);
  g_assert_no_error (error);
  text = g_strndup (g_bytes_get_data (csv, NULL), g_bytes_get_size (csv));
  g_assert_cmpstr (text, ==, "timestamp,audio (wav)\n0,0.100000001\n0.0625,0.200000003\n0.125,0.300000012\n0.1875,0.400000006\n");
  g_clear_pointer (&csv, g_bytes_unref);

  /* No interval: the tabular form, label included. */
  em_sample_add_axis (row, "f1", "");
  em_sample_add_axis (row, "f2", "");
  em_sample_set_label (row, "on, off");
  em_sample_set_values (row, v, 1);
  csv = em_csv_write (row, &error);
  g_assert_no_error (error);
  g_free (text);
  text = g_strndup (g_bytes_get_data (csv, NULL), g_bytes_get_size (csv));
  g_assert_cmpstr (text, ==, "f1,f2,label\n0.100000001,0.200000003,\"on, off\"\n");
  back = em_csv_read (csv, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (em_sample_get_label (g_ptr_array_index (back, 0)), ==, "on, off");
  g_clear_pointer (&csv, g_bytes_unref);

  em_sample_add_axis (nan, "x", "");
  em_sample_set_interval_ms (nan, 10);
  em_sample_set_values (nan, bad, 2);
  csv = em_csv_write (nan, &error);
  g_assert_null (csv);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
}

/* A small file cut at every byte, and random damage: never a crash, and any
 * failure is a clean EM_ERROR. */
static void
test_truncated_and_garbage (void)
{
  const char *text = "\xEF\xBB\xBFtimestamp;\"a (g)\";b\r\n0;1,5;2\r\n10;\"3\";4\r\n20;5;6\r\n";
  gsize len = strlen (text);
  GRand *rand = g_rand_new_with_seed (11);

  for (gsize cut = 0; cut <= len; cut++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (text, cut);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) samples = em_csv_read (bytes, &error);

      g_assert_true ((samples == NULL) != (error == NULL));
      if (error != NULL)
        g_assert_true (error->domain == EM_ERROR &&
                       (error->code == EM_ERROR_INVALID_DATA || error->code == EM_ERROR_UNSUPPORTED));
      else
        g_assert_cmpuint (samples->len, >, 0);
    }
  for (guint round = 0; round < 3000; round++)
    {
      gsize n = round < 1000 ? (gsize) g_rand_int_range (rand, 0, 100) : len;
      g_autofree char *buf = g_malloc (n + 1);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) samples = NULL;

      if (round < 1000)
        for (gsize i = 0; i < n; i++)
          buf[i] = "0123456789,;\t\"\r\n.eE-+ abnNiIfF\xff"[g_rand_int_range (rand, 0, 32)];
      else
        {
          memcpy (buf, text, n);
          for (guint k = 0; k < 1 + round % 3; k++)
            buf[g_rand_int_range (rand, 0, (gint32) n)] = (char) g_rand_int_range (rand, 0, 256);
        }
      bytes = g_bytes_new (buf, n);
      samples = em_csv_read (bytes, &error);
      g_assert_true ((samples == NULL) != (error == NULL));
      if (error != NULL)
        {
          g_assert_true (error->domain == EM_ERROR);
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
        }
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/csv/time-series", test_time_series);
  g_test_add_func ("/csv/time-units", test_time_units);
  g_test_add_func ("/csv/separators-and-syntax", test_separators_and_syntax);
  g_test_add_func ("/csv/quoted-headers", test_quoted_headers);
  g_test_add_func ("/csv/bad-cells", test_bad_cells);
  g_test_add_func ("/csv/timestamps", test_timestamps);
  g_test_add_func ("/csv/tabular", test_tabular);
  g_test_add_func ("/csv/write", test_write);
  g_test_add_func ("/csv/write-edge", test_write_edge);
  g_test_add_func ("/csv/truncated-and-garbage", test_truncated_and_garbage);
  return g_test_run ();
}
