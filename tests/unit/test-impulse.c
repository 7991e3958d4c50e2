/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include "em-error.h"
#include "em-impulse.h"
#include "em-windower.h"
#include "formats/em-image.h"
#include "test-util.h"

static EmSample *
series (const char *name, EmSensorKind kind, double hz, guint n_frames, guint n_axes)
{
  EmSample *s = em_sample_new ();
  g_autofree float *v = g_new (float, (gsize) n_frames * n_axes);
  const char *names[] = { "accX", "accY", "accZ" };

  for (guint f = 0; f < n_frames; f++)
    for (guint a = 0; a < n_axes; a++)
      v[f * n_axes + a] = (float) (f * 10 + a);
  em_sample_set_name (s, name);
  em_sample_set_kind (s, kind);
  em_sample_set_interval_ms (s, 1000.0 / hz);
  for (guint a = 0; a < n_axes; a++)
    em_sample_add_axis (s, kind == EM_SENSOR_AUDIO ? "audio" : names[a], "");
  em_sample_set_values (s, v, n_frames);
  return s;
}

static void
test_json_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = em_impulse_new ();
  g_autoptr(EmImpulse) back = NULL;
  g_autofree char *json = NULL, *again = NULL;
  EmImpulseBlock *b;

  impulse->input.window_size_ms = 2000;
  impulse->input.window_increase_ms = 80;
  impulse->input.frequency_hz = 62.5;
  impulse->input.axes = g_strsplit ("accX,accZ", ",", -1);
  b = em_impulse_add_block (impulse, "spectral", "spectral");
  json_object_set_string_member (b->params, "filter_type", "low");
  json_object_set_double_member (b->params, "filter_cutoff", 4.5);
  b->x = 120;
  em_impulse_add_block (impulse, "flat", "flatten")->axes = g_strsplit ("accX", ",", -1);

  json = em_impulse_to_json (impulse);
  back = em_impulse_from_json (json, &error);
  g_assert_no_error (error);
  again = em_impulse_to_json (back);
  g_assert_cmpstr (json, ==, again);
  g_assert_cmpfloat (back->input.window_increase_ms, ==, 80);
  g_assert_cmpuint (back->blocks->len, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (em_impulse_find_block (back, "spectral")->params, "filter_type"), ==, "low");
  g_assert_cmpstr (em_impulse_find_block (back, "flat")->axes[0], ==, "accX");
  g_assert_true (em_impulse_remove_block (back, "flat"));
  g_assert_null (em_impulse_find_block (back, "flat"));
}

static void
test_json_errors (void)
{
  const char *bad[] = {
    "not json",
    "[1, 2]",
    "{\"input\": {\"type\": \"video\"}}",
    "{\"input\": {\"type\": \"time-series\", \"window_size_ms\": -5}}",
    "{\"input\": {\"type\": \"image\", \"width\": 0}}",
    "{\"blocks\": [{\"plugin\": \"mfcc\"}]}",
    "{\"blocks\": [{\"id\": \"a\", \"plugin\": \"mfcc\"}, {\"id\": \"a\", \"plugin\": \"mfe\"}]}",
    "{\"blocks\": 3}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EmImpulse) impulse = em_impulse_from_json (bad[i], &error);
      g_assert_null (impulse);
      g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
      g_assert_true (g_str_has_prefix (error->message, "impulse: "));
    }
}

static void
test_windows (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = em_impulse_new ();
  g_autoptr(EmSample) s = series ("walk", EM_SENSOR_TIME_SERIES, 100, 250, 3);
  g_autoptr(EmSample) short_one = series ("short", EM_SENSOR_TIME_SERIES, 100, 50, 3);
  g_autoptr(EmSample) wrong_rate = series ("fast", EM_SENSOR_TIME_SERIES, 200, 500, 3);
  g_autoptr(EmWindower) w = NULL;
  g_autoptr(EmWindower) no_pad = NULL;
  const EmSignal *sig;
  guint n = 0;
  GStrv axes = g_strsplit ("accZ,accX", ",", -1);

  impulse->input.window_size_ms = 1000;
  impulse->input.window_increase_ms = 500;
  /* 100 Hz, 1 s windows every 0.5 s over 2.5 s: starts 0, 50, 100, 150 frames. */
  w = em_windower_new (&impulse->input, axes, s, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (em_windower_get_info (w)->n_frames, ==, 100);
  g_assert_cmpuint (em_windower_get_info (w)->n_axes, ==, 2);
  g_assert_true (em_windower_set_sample (w, s, &n, &error));
  g_assert_cmpuint (n, ==, 4);
  sig = em_windower_get (w, 3);
  /* Frame 150 of the sample, axes reordered: accZ (2) then accX (0). */
  g_assert_cmpfloat (sig->data[0], ==, 1502);
  g_assert_cmpfloat (sig->data[1], ==, 1500);
  g_assert_cmpfloat (sig->data[2 * 99 + 1], ==, 2490);

  /* Shorter than a window: one zero-padded window, or none. */
  g_assert_true (em_windower_set_sample (w, short_one, &n, &error));
  g_assert_cmpuint (n, ==, 1);
  sig = em_windower_get (w, 0);
  g_assert_cmpfloat (sig->data[2 * 49], ==, 492);
  g_assert_cmpfloat (sig->data[2 * 50], ==, 0);
  impulse->input.zero_pad = FALSE;
  no_pad = em_windower_new (&impulse->input, NULL, s, &error);
  g_assert_true (em_windower_set_sample (no_pad, short_one, &n, &error));
  g_assert_cmpuint (n, ==, 0);

  /* Another rate is refused, naming both. */
  g_assert_false (em_windower_set_sample (w, wrong_rate, &n, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "200 Hz"));
  g_assert_nonnull (strstr (error->message, "100 Hz"));
  g_strfreev (axes);
}

static void
test_missing_axis_and_audio_scale (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = em_impulse_new ();
  g_autoptr(EmSample) two = series ("two", EM_SENSOR_TIME_SERIES, 100, 200, 2);
  g_autoptr(EmSample) audio = series ("clip", EM_SENSOR_AUDIO, 16000, 16000, 1);
  g_autoptr(EmWindower) w = NULL;
  g_autoptr(EmWindower) wa = NULL;
  GStrv axes = g_strsplit ("accZ", ",", -1);
  guint n = 0;
  float one = 0.5f;

  w = em_windower_new (&impulse->input, axes, two, &error);
  g_assert_false (em_windower_set_sample (w, two, &n, &error));
  g_assert_nonnull (strstr (error->message, "no axis 'accZ'"));
  g_clear_error (&error);

  /* Audio is stored in [-1, 1); blocks see 16-bit values. */
  em_sample_set_values (audio, &one, 1);
  wa = em_windower_new (&impulse->input, NULL, audio, &error);
  g_assert_no_error (error);
  g_assert_cmpint (em_windower_get_info (wa)->input_kind, ==, EM_INPUT_AUDIO);
  g_assert_true (em_windower_set_sample (wa, audio, &n, &error));
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpfloat (em_windower_get (wa, 0)->data[0], ==, 16384.0f);
  g_strfreev (axes);
}

static void
test_image_window (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = em_impulse_new ();
  g_autoptr(EmSample) img = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(EmWindower) w = NULL;
  guint8 rgb[4 * 2 * 3];
  guint n = 0;
  const EmSignal *sig;

  /* 4×2: left half red, right half blue. */
  for (guint y = 0; y < 2; y++)
    for (guint x = 0; x < 4; x++)
      {
        guint8 *p = rgb + (y * 4 + x) * 3;
        p[0] = x < 2 ? 255 : 0;
        p[1] = 0;
        p[2] = x < 2 ? 0 : 255;
      }
  png = em_image_encode_png (rgb, 4, 2, &error);
  g_assert_no_error (error);
  img = em_image_read (png, &error);
  g_assert_no_error (error);
  em_sample_set_name (img, "flag");

  impulse->input.is_image = TRUE;
  impulse->input.width = 2;
  impulse->input.height = 2;
  /* fit-shortest keeps a 2×2 crop: anchored left it is all red. */
  impulse->input.resize_mode = EM_RESIZE_FIT_SHORTEST;
  g_free (impulse->input.crop_anchor);
  impulse->input.crop_anchor = g_strdup ("middle-left");
  w = em_windower_new (&impulse->input, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (em_windower_set_sample (w, img, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  sig = em_windower_get (w, 0);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpfloat (sig->data[i * 3], ==, 255);
      g_assert_cmpfloat (sig->data[i * 3 + 2], ==, 0);
    }
  g_free (impulse->input.crop_anchor);
  impulse->input.crop_anchor = g_strdup ("sideways");
  g_clear_pointer (&w, em_windower_free);
  w = em_windower_new (&impulse->input, NULL, NULL, &error);
  g_assert_false (em_windower_set_sample (w, img, &n, &error));
  g_assert_nonnull (strstr (error->message, "crop anchor"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/impulse/json-round-trip", test_json_round_trip);
  g_test_add_func ("/impulse/json-errors", test_json_errors);
  g_test_add_func ("/impulse/windows", test_windows);
  g_test_add_func ("/impulse/missing-axis-and-audio-scale", test_missing_axis_and_audio_scale);
  g_test_add_func ("/impulse/image-window", test_image_window);
  return g_test_run ();
}
