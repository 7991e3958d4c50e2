/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include "em-sample.h"

static void
test_values_and_hash (void)
{
  g_autoptr(EmSample) a = em_sample_new ();
  g_autoptr(EmSample) b = em_sample_new ();
  const float values[6] = { 0.5f, -1.0f, 2.25f, 3.0f, -0.125f, 9.5f };
  const float *got;
  guint64 n = 0;

  em_sample_add_axis (a, "accX", "m/s2");
  em_sample_add_axis (a, "accY", "m/s2");
  em_sample_set_values (a, values, 3);
  g_assert_cmpuint (em_sample_get_n_frames (a), ==, 3);
  got = em_sample_get_values (a, &n);
  g_assert_cmpuint (n, ==, 6);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpfloat (got[i], ==, values[i]);
  /* SHA-256 is 64 hex digits and depends on the data only. */
  g_assert_cmpuint (strlen (em_sample_get_hash (a)), ==, 64);
  em_sample_add_axis (b, "x", "");
  em_sample_set_values (b, values, 6);
  g_assert_cmpstr (em_sample_get_hash (a), ==, em_sample_get_hash (b));
  em_sample_set_values (b, values, 5);
  g_assert_cmpstr (em_sample_get_hash (a), !=, em_sample_get_hash (b));
}

/* The content hash is plain SHA-256 (FIPS 180-2 known answer for "abc"). */
static void
test_hash_known_answer (void)
{
  g_autoptr(EmSample) s = em_sample_new ();
  g_autoptr(GBytes) abc = g_bytes_new_static ("abc", 3);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

  em_sample_set_data (s, abc);
  g_assert_cmpstr (em_sample_get_hash (s), ==,
                   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  em_sample_set_data (s, empty);
  g_assert_cmpstr (em_sample_get_hash (s), ==,
                   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void
test_length_and_frequency (void)
{
  g_autoptr(EmSample) s = em_sample_new ();
  float zeros[16000] = { 0 };

  em_sample_set_kind (s, EM_SENSOR_AUDIO);
  em_sample_add_axis (s, "audio", "wav");
  em_sample_set_interval_ms (s, 1000.0 / 16000);
  em_sample_set_values (s, zeros, 16000);
  g_assert_cmpfloat_with_epsilon (em_sample_get_frequency_hz (s), 16000.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (em_sample_get_length_ms (s), 1000.0, 1e-9);
  em_sample_set_kind (s, EM_SENSOR_IMAGE);
  g_assert_cmpfloat (em_sample_get_length_ms (s), ==, 0.0);
}

static void
test_metadata_boxes_copy (void)
{
  g_autoptr(EmSample) s = em_sample_new ();
  g_autoptr(EmSample) copy = NULL;
  g_autoptr(GPtrArray) keys = NULL;

  em_sample_set_name (s, "cat.01");
  em_sample_set_label (s, "cat");
  em_sample_set_metadata (s, "site", "garden");
  em_sample_set_metadata (s, "device", "cam1");
  em_sample_set_metadata (s, "device", "cam2");
  em_sample_add_box (s, "cat", 1, 2, 30, 40);
  em_sample_add_box (s, "dog", 5.5, 6, 7, 8);
  keys = em_sample_get_metadata_keys (s);
  g_assert_cmpuint (keys->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (keys, 0), ==, "device");
  g_assert_cmpstr (em_sample_get_metadata (s, "device"), ==, "cam2");
  em_sample_set_metadata (s, "site", NULL);
  g_assert_null (em_sample_get_metadata (s, "site"));

  copy = em_sample_copy (s, TRUE);
  g_assert_cmpstr (em_sample_get_name (copy), ==, "cat.01");
  g_assert_cmpuint (em_sample_get_n_boxes (copy), ==, 2);
  g_assert_cmpstr (em_sample_get_box (copy, 1)->label, ==, "dog");
  g_assert_cmpfloat (em_sample_get_box (copy, 1)->x, ==, 5.5);
  g_assert_cmpstr (em_sample_get_metadata (copy, "device"), ==, "cam2");
}

static void
test_label_from_file_name (void)
{
  const struct { const char *path, *label; } cases[] = {
    { "yes.01.wav", "yes" },
    { "/data/set/no.s1.x.wav", "no" },
    { "noise.wav", "noise" },
    { "plain", "plain" },
    { "dir.with.dots/idle.3.csv", "idle" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *label = em_label_from_file_name (cases[i].path);
      g_assert_cmpstr (label, ==, cases[i].label);
    }
}

static void
test_enum_strings (void)
{
  EmCategory c;
  EmSensorKind k;

  g_assert_true (em_category_from_string ("testing", &c) && c == EM_CATEGORY_TESTING);
  g_assert_true (em_category_from_string ("train", &c) && c == EM_CATEGORY_TRAINING);
  g_assert_false (em_category_from_string ("validation", &c));
  g_assert_true (em_sensor_kind_from_string ("image", &k) && k == EM_SENSOR_IMAGE);
  g_assert_false (em_sensor_kind_from_string ("video", &k));
  g_assert_cmpstr (em_sensor_kind_to_string (EM_SENSOR_TIME_SERIES), ==, "time-series");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sample/values-and-hash", test_values_and_hash);
  g_test_add_func ("/sample/hash-known-answer", test_hash_known_answer);
  g_test_add_func ("/sample/length-and-frequency", test_length_and_frequency);
  g_test_add_func ("/sample/metadata-boxes-copy", test_metadata_boxes_copy);
  g_test_add_func ("/sample/label-from-file-name", test_label_from_file_name);
  g_test_add_func ("/sample/enum-strings", test_enum_strings);
  return g_test_run ();
}
