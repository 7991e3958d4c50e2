/* SPDX-License-Identifier: Apache-2.0 */
/* Board files (the shipped ones and broken ones), USB matching, Intel HEX
 * parsing and the fit check. */
#include <string.h>
#include <glib/gstdio.h>
#include "em-board.h"
#include "em-error.h"
#include "em-flash.h"

static GPtrArray *
shipped_boards (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("EMBER_SOURCE_ROOT"), "codegen", "boards",
                                           NULL);
  g_autoptr(GError) error = NULL;
  GPtrArray *boards = em_board_list (dir, &error);

  g_assert_no_error (error);
  return boards;
}

static void
test_shipped (void)
{
  g_autoptr(GPtrArray) boards = shipped_boards ();
  g_autoptr(GError) error = NULL;
  EmBoard *uno, *nucleo, *emu, *mega;

  g_assert_cmpuint (boards->len, >=, 4);
  uno = em_board_find (boards, "Arduino Uno", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uno->id, ==, "arduino-uno");
  g_assert_cmpint (uno->protocol, ==, EM_BOARD_PROTOCOL_STK500V1);
  g_assert_cmphex (uno->chip_id, ==, 0x1E950F);
  g_assert_cmpuint (uno->bootloader_size, ==, 512);
  g_assert_cmpuint (uno->page_size, ==, 128);
  g_assert_cmpuint (uno->flash, ==, 32768);

  nucleo = em_board_find (boards, "NUCLEO-f446re", &error);
  g_assert_no_error (error);
  g_assert_cmpint (nucleo->protocol, ==, EM_BOARD_PROTOCOL_STM32_UART);
  g_assert_cmphex (nucleo->flash_base, ==, 0x08000000);
  g_assert_cmphex (nucleo->chip_id, ==, 0x421);
  g_assert_true (nucleo->fpu);
  g_assert_cmpstr (nucleo->core, ==, "cortex-m4f");

  emu = em_board_find (boards, "cortex-m4-emulated", &error);
  g_assert_no_error (error);
  g_assert_cmpint (emu->protocol, ==, EM_BOARD_PROTOCOL_QEMU);
  g_assert_cmpstr (emu->qemu_machine, ==, "mps2-an386");
  g_assert_cmpstr (emu->linker_script, ==, "codegen/targets/cortex-m/mps2-an386.ld");

  mega = em_board_find (boards, "arduino-mega2560", &error);
  g_assert_no_error (error);
  g_assert_cmpint (mega->protocol, ==, EM_BOARD_PROTOCOL_STK500V2);

  /* Every referenced linker script and startup file exists. */
  for (guint i = 0; i < boards->len; i++)
    {
      EmBoard *b = boards->pdata[i];
      const char *files[2] = { b->linker_script, b->startup };
      for (guint j = 0; j < 2; j++)
        if (files[j] != NULL)
          {
            g_autofree char *p = g_build_filename (g_getenv ("EMBER_SOURCE_ROOT"), files[j], NULL);
            g_assert_true (g_file_test (p, G_FILE_TEST_IS_REGULAR));
          }
    }

  g_assert_null (em_board_find (boards, "esp32", &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "arduino-uno"));
}

static void
test_usb_match (void)
{
  g_autoptr(GPtrArray) boards = shipped_boards ();
  EmBoard *b;

  b = em_board_match_usb (boards, 0x2341, 0x0043);
  g_assert_nonnull (b);
  g_assert_cmpstr (b->id, ==, "arduino-uno");
  b = em_board_match_usb (boards, 0x2341, 0x0042);
  g_assert_nonnull (b);
  g_assert_cmpstr (b->id, ==, "arduino-mega2560");
  b = em_board_match_usb (boards, 0x0483, 0x374b);
  g_assert_nonnull (b);
  g_assert_cmpstr (b->id, ==, "nucleo-f446re");
  g_assert_null (em_board_match_usb (boards, 0x1234, 0x5678));
  g_assert_null (em_board_match_usb (boards, -1, -1));   /* not a USB port */
}

static const char *const good =
  "{\"name\":\"X\",\"core\":\"avr\",\"clock_hz\":16000000,\"ram\":2048,\"flash\":32768,"
  "\"toolchain\":\"avr-gcc\",\"flash_method\":{\"protocol\":\"stk500v1\",\"baud\":115200,"
  "\"page_size\":128,\"bootloader_size\":512,\"usb\":[{\"vid\":\"0x2341\",\"pid\":67}]}}";

static void
test_bad_files (void)
{
  static const struct { const char *from, *to, *expect; } cases[] = {
    { "\"name\":\"X\",", "", "bad.json: name: missing" },
    { "\"core\":\"avr\"", "\"core\":\"z80\"", "bad.json: core: unknown core 'z80'" },
    { "\"protocol\":\"stk500v1\"", "\"protocol\":\"dfu\"",
      "bad.json: flash_method.protocol: unknown protocol 'dfu'" },
    { "\"baud\":115200", "\"baud\":0", "bad.json: flash_method.baud: must be above 0" },
    { "\"baud\":115200", "\"baud\":\"fast\"", "bad.json: flash_method.baud: not a number" },
    { "\"pid\":67", "\"pid\":\"0x10000\"", "bad.json: flash_method.usb[0].pid: out of range" },
    { "\"ram\":2048", "\"ram\":-5", "bad.json: ram: out of range" },
    { "\"page_size\":128", "\"page_size\":100", "bad.json: flash_method.page_size: an AVR board "
      "needs a power-of-two page size" },
    { "\"bootloader_size\":512", "\"bootloader_size\":40000",
      "bad.json: flash_method.bootloader_size: not smaller than the flash" },
    { "{\"name\"", "[{\"name\"", "bad.json: not valid JSON" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(EmBoard) ok = em_board_load_from_data ("good", good, -1, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ok->usb_ids->len, ==, 1);
  g_assert_cmpuint (g_array_index (ok->usb_ids, EmBoardUsbId, 0).pid, ==, 67);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) s = g_string_new (good);
      g_autoptr(EmBoard) b = NULL;

      g_assert_cmpuint (g_string_replace (s, cases[i].from, cases[i].to, 1), ==, 1);
      b = em_board_load_from_data ("bad", s->str, -1, &error);
      g_assert_null (b);
      g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, cases[i].expect));
      g_assert_null (strchr (error->message, '\n'));
      g_clear_error (&error);
    }
}

/* The sensors the shipped boards declare (issue 9): the emulated board's
 * one is simulated and takes any number of axes; the ADC ones name their
 * pins; a bad list is one line naming the member. */
static void
test_sensors (void)
{
  g_autoptr(GPtrArray) boards = shipped_boards ();
  g_autoptr(GError) error = NULL;
  const EmBoardSensor *s;
  EmBoard *b;
  static const struct { const char *sensors, *expect; } bad[] = {
    { "[{\"name\":\"a\",\"axes\":[]}]", "bad.json: sensors[0].axes: must be a non-empty list of axis names" },
    { "[{\"name\":\"a\",\"axes\":[3]}]", "bad.json: sensors[0].axes: must be a non-empty list of axis names" },
    { "[{\"name\":\"a\",\"simulated\":\"yes\"}]", "bad.json: sensors[0].simulated: must be true or false" },
  };

  b = em_board_find (boards, "cortex-m4-emulated", &error);
  g_assert_no_error (error);
  s = em_board_get_onboard_sensor (b);
  g_assert_nonnull (s);
  g_assert_cmpstr (s->name, ==, "simulated");
  g_assert_true (s->simulated);
  g_assert_null (s->axes);
  b = em_board_find (boards, "arduino-uno", &error);
  g_assert_no_error (error);
  s = em_board_get_onboard_sensor (b);
  g_assert_nonnull (s);
  g_assert_cmpstr (s->name, ==, "analog");
  g_assert_false (s->simulated);
  g_assert_cmpuint (g_strv_length (s->axes), ==, 6);
  g_assert_cmpstr (s->axes[0], ==, "A0");
  b = em_board_find (boards, "arduino-mega2560", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (em_board_get_onboard_sensor (b)->axes), ==, 16);
  b = em_board_find (boards, "nucleo-f446re", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (em_board_get_onboard_sensor (b)->name, ==, "analog");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GString) json = g_string_new (good);
      g_autoptr(EmBoard) broken = NULL;

      g_string_truncate (json, json->len - 1);
      g_string_append_printf (json, ",\"sensors\":%s}", bad[i].sensors);
      broken = em_board_load_from_data ("bad", json->str, -1, &error);
      g_assert_null (broken);
      g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
      g_assert_cmpstr (error->message, ==, bad[i].expect);
      g_clear_error (&error);
    }
  /* Host-fed only: no sensor of its own. */
  {
    g_autoptr(GString) json = g_string_new (good);
    g_autoptr(EmBoard) plain = NULL;

    g_string_truncate (json, json->len - 1);
    g_string_append (json, ",\"sensors\":[{\"name\":\"host-fed\",\"source\":\"serial\"}]}");
    plain = em_board_load_from_data ("plain", json->str, -1, &error);
    g_assert_no_error (error);
    g_assert_null (em_board_get_onboard_sensor (plain));
  }
}

static void
test_bad_folder (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ember-boards-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "broken.json", NULL);

  g_assert_null (em_board_list ("/nonexistent/boards", &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (path, "{\"name\": 3}", -1, NULL));
  g_assert_null (em_board_list (dir, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "broken.json: name: must be a non-empty string");
  g_remove (path);
  g_rmdir (dir);
}

static void
test_ihex (void)
{
  static const char hex[] =
    ":020000040800F2\n"
    ":0400100001020304E2\n"
    ":02001800AABB81\r\n"
    ":0400000300007E007B\n"
    ":00000001FF\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(EmFlashImage) img = em_flash_image_parse_ihex ("t.hex", hex, strlen (hex), &error);
  static const guint8 expect[10] = { 1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff, 0xaa, 0xbb };

  g_assert_no_error (error);
  g_assert_cmphex (img->base, ==, 0x08000010);
  g_assert_cmpmem (img->data->data, img->data->len, expect, sizeof expect);
}

static void
test_ihex_bad (void)
{
  static const struct { const char *text, *expect; } cases[] = {
    { ":0400100001020304E3\n:00000001FF\n", "t.hex: line 1: bad checksum 0xE3 (expected 0xE2)" },
    { ":0400100001020304E2\n", "t.hex: no end-of-file record: the file is truncated" },
    { "hello\n", "t.hex: line 1: not an Intel HEX record" },
    { ":0500100001020304E2\n", "t.hex: line 1: record length 5 does not match its 4 data bytes" },
    { ":04001000010203G4E2\n", "t.hex: line 1: 'G4' is not a hex byte" },
    { ":00000001FF\n", "t.hex: holds no data" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EmFlashImage) img = em_flash_image_parse_ihex ("t.hex", cases[i].text,
                                                               strlen (cases[i].text), &error);
      g_assert_null (img);
      g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
      g_assert_cmpstr (error->message, ==, cases[i].expect);
    }
}

static void
test_fits (void)
{
  g_autoptr(GPtrArray) boards = shipped_boards ();
  EmBoard *uno = em_board_find (boards, "arduino-uno", NULL);
  EmBoard *nucleo = em_board_find (boards, "nucleo-f446re", NULL);
  g_autoptr(EmFlashImage) img = g_new0 (EmFlashImage, 1);
  g_autoptr(GError) error = NULL;

  img->data = g_byte_array_new ();
  g_byte_array_set_size (img->data, 32768 - 512);
  g_assert_true (em_flash_check_fits (uno, img, &error));
  g_byte_array_set_size (img->data, 32768 - 511);
  g_assert_false (em_flash_check_fits (uno, img, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "into the bootloader"));
  g_clear_error (&error);

  /* A binary for the STM32 at address 0 is outside its flash. */
  g_assert_false (em_flash_check_fits (nucleo, img, &error));
  g_assert_nonnull (strstr (error->message, "outside NUCLEO-F446RE's flash"));
  g_clear_error (&error);
  img->base = 0x08000000;
  g_byte_array_set_size (img->data, 512 * 1024 + 1);
  g_assert_false (em_flash_check_fits (nucleo, img, &error));
  g_assert_nonnull (strstr (error->message, "image too big"));
}

/* The C API as the app uses it: async, progress on the worker thread,
 * cancel from the progress callback, against the AN3155 simulator. */
typedef struct {
  GMainLoop    *loop;
  GCancellable *cancel_at_writing;
  guint         calls;
  gboolean      ok;
  GError       *error;
} AsyncRun;

static void
on_progress (const char *stage, gsize done, gsize total, gpointer user_data)
{
  AsyncRun *run = user_data;

  g_atomic_int_inc (&run->calls);
  g_assert_cmpuint (done, <=, total);
  if (run->cancel_at_writing != NULL && g_str_equal (stage, "Writing") && done > 0)
    g_cancellable_cancel (run->cancel_at_writing);
}

static void
on_flashed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncRun *run = user_data;

  run->ok = em_flash_board_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
test_async_stm32 (gconstpointer data)
{
  gboolean cancel = GPOINTER_TO_INT (data);
  g_autofree char *sim = g_build_filename (g_getenv ("EMBER_SOURCE_ROOT"), "tests", "flash",
                                           "stm32_bootloader_sim.py", NULL);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GPtrArray) boards = shipped_boards ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(EmFlashImage) img = g_new0 (EmFlashImage, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  AsyncRun run = { loop, cancel ? cancellable : NULL, 0, FALSE, NULL };

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "/usr/bin/python3", sim, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  port = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (port);
  img->base = 0x08000000;
  img->data = g_byte_array_new ();
  for (guint i = 0; i < 4096; i++)
    g_byte_array_append (img->data, (const guint8[]) { (guint8) (i * 7 + 1) }, 1);

  em_flash_board_async (port, em_board_find (boards, "nucleo-f446re", NULL), img, NULL,
                        on_progress, &run, cancellable, on_flashed, &run);
  g_main_loop_run (loop);
  g_subprocess_force_exit (proc);
  g_subprocess_wait (proc, NULL, NULL);
  g_assert_cmpuint (run.calls, >, 3);
  if (cancel)
    {
      g_assert_false (run.ok);
      g_assert_error (run.error, EM_ERROR, EM_ERROR_CANCELLED);
      g_assert_nonnull (strstr (run.error->message, "can be flashed again"));
    }
  else
    {
      g_assert_no_error (run.error);
      g_assert_true (run.ok);
    }
  g_clear_error (&run.error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/board/shipped", test_shipped);
  g_test_add_func ("/board/usb-match", test_usb_match);
  g_test_add_func ("/board/bad-files", test_bad_files);
  g_test_add_func ("/board/bad-folder", test_bad_folder);
  g_test_add_func ("/board/sensors", test_sensors);
  g_test_add_func ("/flash/ihex", test_ihex);
  g_test_add_func ("/flash/ihex-bad", test_ihex_bad);
  g_test_add_func ("/flash/fits", test_fits);
  g_test_add_data_func ("/flash/async-stm32", GINT_TO_POINTER (FALSE), test_async_stm32);
  g_test_add_data_func ("/flash/async-stm32-cancel", GINT_TO_POINTER (TRUE), test_async_stm32);
  return g_test_run ();
}
