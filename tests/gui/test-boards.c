/* SPDX-License-Identifier: Apache-2.0 */
/* The Deployment page's board list and the Live classification page on a
 * real display (Xvfb in CI), with a small motion demo project trained
 * through the core (a few epochs).
 *
 * - The board list reads EMBER_BOARDS_DIR (a folder made here: a roomy
 *   Cortex-M4F board, one with 4 KiB of flash, the emulated board) and
 *   gives each a fit verdict, first from a made-up size report (no
 *   toolchain needed), then from "Check Fit", which builds the library with
 *   arm-none-eabi-gcc (skipped without it).
 * - One click: "Deploy to Board" on the emulated board builds the firmware,
 *   opens Live classification and starts it; results stream in from QEMU,
 *   and "Record This Window" adds a sample. Skipped without
 *   arm-none-eabi-gcc or qemu-system-arm.
 * - A board that is not there: a one-line error naming the port.
 * Every GLib/GTK warning and critical is fatal. PNGs land in
 * EMBER_GUI_OUTPUT_DIR. */
#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>

#include "gui-util.h"
#include "em-board-list.h"
#include "em-block-registry.h"
#include "em-error.h"
#include "em-deploy-page.h"
#include "em-deploy-page-boards.h"
#include "em-job.h"
#include "em-learn.h"
#include "em-live-page.h"
#include "em-window.h"

#define JOB_MS  120000
#define LIVE_MS 120000

static gboolean have_display;
static char *tmp_dir;
static char *project_path;

static const char big_board[] =
  "{ \"name\": \"Roomy M4F\", \"core\": \"cortex-m4f\", \"clock_hz\": 80000000,"
  "  \"ram\": 262144, \"flash\": 1048576, \"fpu\": true, \"toolchain\": \"arm-none-eabi-gcc\","
  "  \"linker_script\": null, \"startup\": null,"
  "  \"flash_method\": { \"protocol\": \"stm32-uart\", \"baud\": 115200, \"base\": \"0x08000000\","
  "                      \"usb\": [ { \"vid\": \"0x0483\", \"pid\": \"0x374b\" } ] },"
  "  \"sensors\": [ { \"name\": \"host-fed\", \"source\": \"serial\" } ] }";

static const char tiny_board[] =
  "{ \"name\": \"Tiny M4F\", \"core\": \"cortex-m4f\", \"clock_hz\": 16000000,"
  "  \"ram\": 2048, \"flash\": 4096, \"fpu\": true, \"toolchain\": \"arm-none-eabi-gcc\","
  "  \"linker_script\": null, \"startup\": null,"
  "  \"flash_method\": { \"protocol\": \"stm32-uart\", \"baud\": 115200, \"base\": \"0x08000000\" },"
  "  \"sensors\": [ { \"name\": \"host-fed\", \"source\": \"serial\" } ] }";

/* ---- helpers -------------------------------------------------------------------- */

static void
write_boards (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "boards", NULL);
  g_autofree char *big = g_build_filename (dir, "roomy.json", NULL);
  g_autofree char *tiny = g_build_filename (dir, "tiny.json", NULL);
  const char *root = g_getenv ("EMBER_SOURCE_ROOT");
  /* The NUCLEO's linker script goes next to its board file. */
  const char *shipped[] = { "cortex-m4-emulated.json", "nucleo-f446re.json", "stm32f446re.ld" };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (big, big_board, -1, NULL));
  g_assert_true (g_file_set_contents (tiny, tiny_board, -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (shipped); i++)
    {
      /* meson test sets EMBER_SOURCE_ROOT; by hand, run from the source tree. */
      g_autofree char *from = g_build_filename (root != NULL ? root : ".", "codegen", "boards", shipped[i], NULL);
      g_autofree char *to = g_build_filename (dir, shipped[i], NULL);
      g_autofree char *text = NULL;

      g_assert_true (g_file_get_contents (from, &text, NULL, NULL));
      g_assert_true (g_file_set_contents (to, text, -1, NULL));
    }
  g_setenv ("EMBER_BOARDS_DIR", dir, TRUE);
}

/* A fifth of the motion demo, spectral features, a classifier trained for
 * three epochs. */
static void
make_project (void)
{
  g_autoptr(EmProject) project = NULL;

  project_path = g_build_filename (tmp_dir, "motion.ember", NULL);
  project = gui_make_demo_project (project_path, EM_DEMO_MOTION, 0.2, 7, "spectral");
}

static gboolean trained;

static void
train (EmProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = em_impulse_load (project, &error);
  g_autoptr(JsonObject) overrides = json_object_new ();
  g_autofree char *report = NULL;

  g_assert_no_error (error);
  json_object_set_int_member (overrides, "epochs", 3);
  if (trained)
    return;
  g_assert_true (em_learn_train (project, impulse, em_block_registry_get_default (), NULL, overrides, NULL, NULL,
                                 &report, &error));
  g_assert_no_error (error);
  trained = TRUE;
}

static gboolean
have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);
  return path != NULL;
}

static gboolean
job_done (gpointer boards)
{
  GObject *job = em_deploy_page_boards_get_job (boards);
  return job != NULL && !em_job_is_running (EM_JOB (job));
}

static gboolean
has_latency (gpointer list)
{
  const char *line = NULL;

  em_board_list_get_fit (list, "roomy", &line);
  return line != NULL && strstr (line, "ms") != NULL;
}

static gboolean
live_has_results (gpointer page)
{
  return em_live_page_get_n_results (page) >= 2 || em_live_page_get_last_error (page) != NULL;
}

static gboolean
live_stopped (gpointer page)
{
  return !em_live_page_get_running (page);
}

static gboolean
live_failed (gpointer page)
{
  return !em_live_page_get_running (page) && em_live_page_get_last_error (page) != NULL;
}

static gint64
count_samples (EmProject *project)
{
  EmSampleFilter filter;
  g_autoptr(GError) error = NULL;
  gint64 n;

  em_sample_filter_init (&filter);
  n = em_project_count_samples (project, &filter, &error);
  g_assert_no_error (error);
  return n;
}

/* ---- tests ---------------------------------------------------------------------- */

static void
test_fit_verdicts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  EmCodegenReport report = { 0 };
  EmDeployPageBoards *boards;
  EmBoardList *list;
  GPtrArray *all;
  GtkWidget *page, *window;
  const char *line = NULL;
  g_autofree char *mega_path = NULL;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  project = em_project_open (project_path, &error);
  g_assert_no_error (error);
  page = em_deploy_page_new (project, em_block_registry_get_default ());
  window = gui_show_in_adw_window (page, 900, 900);
  boards = EM_DEPLOY_PAGE_BOARDS (gui_find_widget (page, EM_TYPE_DEPLOY_PAGE_BOARDS));
  g_assert_nonnull (boards);
  list = em_deploy_page_boards_get_list (boards);
  all = em_board_list_get_boards (list);
  g_assert_nonnull (all);
  g_assert_cmpuint (all->len, ==, 4);
  /* Sorted by name, the first selected. */
  g_assert_cmpstr (((EmBoard *) g_ptr_array_index (all, 0))->name, ==, "Cortex-M4 (emulated)");
  g_assert_cmpstr (em_board_list_get_selected (list)->id, ==, "cortex-m4-emulated");
  g_assert_cmpint (em_board_list_get_fit (list, "roomy", NULL), ==, EM_BOARD_FIT_UNKNOWN);

  /* Untrained: Check Fit says why, in one line. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (boards), "boards.check-fit", NULL));
  g_assert_true (gui_wait_for (job_done, boards, JOB_MS));
  g_assert_nonnull (em_deploy_page_boards_get_last_error (boards));
  g_test_message ("untrained: %s", em_deploy_page_boards_get_last_error (boards));
  g_assert_nonnull (strstr (em_deploy_page_boards_get_last_error (boards), "train"));
  g_assert_null (strchr (em_deploy_page_boards_get_last_error (boards), '\n'));

  /* A made-up report: 20 000 bytes of flash, 3 000 of RAM. */
  report.flash = 20000;
  report.ram = 3000;
  em_board_list_set_report (list, &report, 800000);
  g_assert_cmpint (em_board_list_get_fit (list, "roomy", &line), ==, EM_BOARD_FIT_FITS);
  g_test_message ("roomy: %s", line);
  /* 800 000 instructions x 1.25 cycles (the Cortex-M4F default) at 80 MHz. */
  g_assert_nonnull (strstr (line, "12.5 ms"));
  g_assert_cmpint (em_board_list_get_fit (list, "tiny", &line), ==, EM_BOARD_FIT_DOES_NOT_FIT);
  g_test_message ("tiny: %s", line);
  g_assert_nonnull (strstr (line, "flash 15904 bytes over"));
  g_assert_cmpint (em_board_list_get_fit (list, "cortex-m4-emulated", NULL), ==, EM_BOARD_FIT_FITS);
  em_board_list_set_report (list, NULL, 0);
  g_assert_cmpint (em_board_list_get_fit (list, "tiny", NULL), ==, EM_BOARD_FIT_UNKNOWN);
  /* An AVR board gets the same check, called an estimate. */
  {
    const char *root = g_getenv ("EMBER_SOURCE_ROOT");
    g_autofree char *path = g_build_filename (root != NULL ? root : ".", "codegen", "boards", "arduino-uno.json", NULL);
    g_autoptr(EmBoard) uno = em_board_load (path, &error);
    g_autofree char *uno_line = NULL;

    g_assert_no_error (error);
    /* Flash fits its 32 KiB; RAM with the stack reserve does not. */
    g_assert_cmpint (em_board_fit_check (uno, &report, 0, &uno_line), ==, EM_BOARD_FIT_DOES_NOT_FIT);
    g_test_message ("uno: %s", uno_line);
    g_assert_true (g_str_has_prefix (uno_line, "Estimate: "));
    g_assert_nonnull (strstr (uno_line, "RAM 3000 bytes over"));
    g_assert_null (strstr (uno_line, "flash"));
    /* With a count: an AVR gets no latency from the Cortex-M4F's. */
    g_clear_pointer (&uno_line, g_free);
    report.ram = 600;     /* with a measured 500-byte stack: fits the Uno's 2 KiB */
    report.stack = 500;
    g_assert_cmpint (em_board_fit_check (uno, &report, 800000, &uno_line), ==, EM_BOARD_FIT_FITS);
    g_test_message ("uno: %s", uno_line);
    g_assert_nonnull (strstr (uno_line, "latency not estimated"));
    /* A latency measured for the board itself (an AVR's cycles in simavr)
     * replaces that, on rows that fit and rows that do not. */
    g_clear_pointer (&uno_line, g_free);
    g_assert_cmpint (em_board_fit_check_full (uno, &report, 800000, "33.5 ms, measured in simavr", NULL, &uno_line), ==,
                     EM_BOARD_FIT_FITS);
    g_test_message ("uno: %s", uno_line);
    g_assert_true (g_str_has_suffix (uno_line, " · 33.5 ms, measured in simavr"));
    g_assert_null (strstr (uno_line, "not estimated"));
    g_clear_pointer (&uno_line, g_free);
    report.stack = 0;     /* the 2 KiB reserve again: does not fit */
    g_assert_cmpint (em_board_fit_check_full (uno, &report, 800000, "latency not estimated (does not fit)",
                                              NULL, &uno_line), ==, EM_BOARD_FIT_DOES_NOT_FIT);
    g_test_message ("uno: %s", uno_line);
    g_assert_true (g_str_has_suffix (uno_line, " · latency not estimated (does not fit)"));
    report.stack = 500;
    /* The board's own build is too big although the Cortex-M4F report
     * fits (an AVR keeps constants in RAM): its reason wins. */
    g_clear_pointer (&uno_line, g_free);
    g_assert_cmpint (em_board_fit_check_full (uno, &report, 800000, "latency not estimated (does not fit)",
                                              "built for this board, RAM needs 2600 bytes, the atmega328p has 2048",
                                              &uno_line), ==, EM_BOARD_FIT_DOES_NOT_FIT);
    g_test_message ("uno: %s", uno_line);
    g_assert_cmpstr (uno_line, ==, "Does not fit: built for this board, RAM needs 2600 bytes, the atmega328p has 2048");
  }

  /* The real thing: the trained impulse's library, built and measured. */
  if (!have_program ("arm-none-eabi-gcc"))
    {
      gtk_window_destroy (GTK_WINDOW (window));
      g_test_skip ("arm-none-eabi-gcc is not installed (gcc-arm-none-eabi)");
      return;
    }
  train (project);
  /* With an AVR board in the list, the measure job also builds for it and
   * runs it in simavr (removed again below: other checks count the boards). */
  if (have_program ("avr-gcc"))
    {
      const char *root = g_getenv ("EMBER_SOURCE_ROOT");
      g_autofree char *from = g_build_filename (root != NULL ? root : ".", "codegen", "boards",
                                                "arduino-mega2560.json", NULL);
      g_autofree char *text = NULL;

      mega_path = g_build_filename (g_getenv ("EMBER_BOARDS_DIR"), "arduino-mega2560.json", NULL);
      g_assert_true (g_file_get_contents (from, &text, NULL, NULL));
      g_assert_true (g_file_set_contents (mega_path, text, -1, NULL));
      em_deploy_page_boards_set_project (boards, project, em_block_registry_get_default ());
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (boards), "boards.check-fit", NULL));
  g_assert_true (gui_wait_for (job_done, boards, JOB_MS));
  if (em_deploy_page_boards_get_last_error (boards) != NULL)
    g_test_message ("check fit: %s", em_deploy_page_boards_get_last_error (boards));
  g_assert_null (em_deploy_page_boards_get_last_error (boards));
  g_assert_cmpint (em_board_list_get_fit (list, "roomy", &line), ==, EM_BOARD_FIT_FITS);
  g_test_message ("roomy: %s", line);
  g_assert_cmpint (em_board_list_get_fit (list, "tiny", &line), ==, EM_BOARD_FIT_DOES_NOT_FIT);
  g_test_message ("tiny: %s", line);
  g_assert_cmpint (em_board_list_get_fit (list, "cortex-m4-emulated", NULL), ==, EM_BOARD_FIT_FITS);
  /* Then the instruction count, in a job of its own, gives each row its latency. */
  if (have_program ("qemu-system-arm"))
    {
      g_assert_true (gui_wait_for (has_latency, list, JOB_MS));
      g_assert_true (gui_wait_for (job_done, boards, JOB_MS));
      em_board_list_get_fit (list, "roomy", &line);
      g_test_message ("roomy, measured: %s", line);
      g_assert_nonnull (strstr (line, " ms"));
      em_board_list_get_fit (list, "nucleo-f446re", &line);
      g_test_message ("nucleo, measured: %s", line);
      g_assert_nonnull (strstr (line, " ms"));
      if (mega_path != NULL)
        {
          /* This spectral impulse keeps its tables in the Mega's 8 KB of
           * RAM (avr-gcc puts constants there): a measurement or why not. */
          EmBoardFit fit = em_board_list_get_fit (list, "arduino-mega2560", &line);
          g_test_message ("mega, measured: %s", line);
          if (strstr (line, " ms, measured in simavr") == NULL)
            {
              /* Then its own build's reason is the verdict, not the
               * Cortex-M4F report's sizes. */
              g_assert_cmpint (fit, ==, EM_BOARD_FIT_DOES_NOT_FIT);
              g_assert_true (g_str_has_prefix (line, "Does not fit: built for this board, RAM needs "));
            }
        }
    }
  if (mega_path != NULL)
    g_assert_cmpint (g_unlink (mega_path), ==, 0);
  gui_spin (200);
  gui_save_png (window, "deploy-boards.png");
  gtk_window_destroy (GTK_WINDOW (window));
  gui_spin (100);
}

static void
test_missing_board (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  GtkWidget *page, *window;
  const char *message;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  project = em_project_open (project_path, &error);
  g_assert_no_error (error);
  page = em_live_page_new (project);
  window = gui_show_in_adw_window (page, 800, 900);
  /* The emulated board is the first choice. */
  g_assert_cmpstr (em_live_page_get_board_id (EM_LIVE_PAGE (page)), ==, "cortex-m4-emulated");
  /* Nothing to record before a result. */
  g_assert_cmpint (em_live_page_record (EM_LIVE_PAGE (page), NULL, &error), ==, 0);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  em_live_page_set_board (EM_LIVE_PAGE (page), "roomy", "/dev/ember-no-such-port", NULL);
  g_assert_cmpstr (em_live_page_get_board_id (EM_LIVE_PAGE (page)), ==, "roomy");
  g_assert_true (gtk_widget_activate_action (page, "live.start", NULL));
  g_assert_true (gui_wait_for (live_failed, page, 30000));
  message = em_live_page_get_last_error (EM_LIVE_PAGE (page));
  g_test_message ("missing board: %s", message);
  g_assert_nonnull (strstr (message, "/dev/ember-no-such-port"));
  g_assert_null (strchr (message, '\n'));
  g_assert_cmpuint (em_live_page_get_n_results (EM_LIVE_PAGE (page)), ==, 0);
  gui_save_png (window, "live-error.png");
  gtk_window_destroy (GTK_WINDOW (window));
  gui_spin (100);
}

/* Deploy to the NUCLEO-F446RE through the STM32 bootloader simulator of
 * tests/flash on a pseudo-terminal: the firmware is built, flashed and
 * verified; what the simulator's flash holds afterwards is the image. */
static void
test_flash_board (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *script = NULL, *dump = NULL, *port = NULL;
  g_autofree char *image = NULL, *flashed = NULL;
  gsize image_len = 0, flashed_len = 0;
  const char *root = g_getenv ("EMBER_SOURCE_ROOT");
  EmDeployPageBoards *boards;
  GtkWidget *page, *window;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  if (!have_program ("arm-none-eabi-gcc"))
    {
      g_test_skip ("arm-none-eabi-gcc is not installed (gcc-arm-none-eabi)");
      return;
    }
  project = em_project_open (project_path, &error);
  g_assert_no_error (error);
  train (project);
  script = g_build_filename (root != NULL ? root : ".", "tests", "flash", "stm32_bootloader_sim.py", NULL);
  dump = g_build_filename (tmp_dir, "flash-dump.bin", NULL);
  sim = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error, "/usr/bin/python3", script, "--dump", dump, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim));
  port = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (port);
  g_test_message ("simulator on %s", port);

  page = em_deploy_page_new (project, em_block_registry_get_default ());
  window = gui_show_in_adw_window (page, 900, 900);
  boards = EM_DEPLOY_PAGE_BOARDS (gui_find_widget (page, EM_TYPE_DEPLOY_PAGE_BOARDS));
  em_board_list_select (em_deploy_page_boards_get_list (boards), "nucleo-f446re");
  em_deploy_page_boards_set_port (boards, port);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (boards), "boards.deploy", NULL));
  g_assert_true (gui_wait_for (job_done, boards, JOB_MS));
  if (em_deploy_page_boards_get_last_error (boards) != NULL)
    g_test_message ("deploy: %s", em_deploy_page_boards_get_last_error (boards));
  g_assert_null (em_deploy_page_boards_get_last_error (boards));
  g_assert_cmpint (em_job_get_state (EM_JOB (em_deploy_page_boards_get_job (boards))), ==, EM_JOB_STATE_SUCCEEDED);
  g_assert_true (g_str_has_suffix (em_deploy_page_boards_get_firmware (boards), ".bin"));
  gui_save_png (window, "deploy-flashed.png");

  g_subprocess_send_signal (sim, SIGTERM);
  g_assert_true (g_subprocess_wait_check (sim, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (em_deploy_page_boards_get_firmware (boards), &image, &image_len, NULL));
  g_assert_true (g_file_get_contents (dump, &flashed, &flashed_len, NULL));
  g_test_message ("flashed %" G_GSIZE_FORMAT " bytes", image_len);
  g_assert_cmpuint (image_len, >, 0);
  g_assert_cmpuint (flashed_len, >=, image_len);
  g_assert_cmpmem (flashed, image_len, image, image_len);
  gtk_window_destroy (GTK_WINDOW (window));
  gui_spin (100);
}

/* One click on the emulated board, in the real window: Deployment builds,
 * Live classification opens and streams. */
static void
test_deploy_and_live (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmSample) stored = NULL;
  EmWindow *window;
  EmDeployPageBoards *boards;
  GtkWidget *live;
  const char *top;
  gint64 before, id;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  if (!have_program ("arm-none-eabi-gcc") || !have_program ("qemu-system-arm"))
    {
      g_test_skip ("needs arm-none-eabi-gcc and qemu-system-arm");
      return;
    }
  project = em_project_open (project_path, &error);
  g_assert_no_error (error);
  train (project);
  window = em_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 900);
  em_window_set_project (window, project);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gui_wait_for (gui_window_drawn, window, 5000));
  g_assert_true (em_window_show_page (window, "deployment"));
  boards = EM_DEPLOY_PAGE_BOARDS (gui_find_widget (em_window_get_page (window, "deployment"),
                                                   EM_TYPE_DEPLOY_PAGE_BOARDS));
  em_board_list_select (em_deploy_page_boards_get_list (boards), "cortex-m4-emulated");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (boards), "boards.deploy", NULL));
  g_assert_true (gui_wait_for (job_done, boards, JOB_MS));
  if (em_deploy_page_boards_get_last_error (boards) != NULL)
    g_test_message ("deploy: %s", em_deploy_page_boards_get_last_error (boards));
  g_assert_null (em_deploy_page_boards_get_last_error (boards));
  g_assert_nonnull (em_deploy_page_boards_get_firmware (boards));
  g_assert_true (g_file_test (em_deploy_page_boards_get_firmware (boards), G_FILE_TEST_IS_REGULAR));

  /* Straight to Live classification, already running. */
  g_assert_cmpstr (em_window_get_visible_page (window), ==, "live");
  live = em_window_get_page (window, "live");
  g_assert_true (EM_IS_LIVE_PAGE (live));
  g_assert_true (gui_wait_for (live_has_results, live, LIVE_MS));
  if (em_live_page_get_last_error (EM_LIVE_PAGE (live)) != NULL)
    g_test_message ("live: %s", em_live_page_get_last_error (EM_LIVE_PAGE (live)));
  g_assert_null (em_live_page_get_last_error (EM_LIVE_PAGE (live)));
  g_assert_cmpuint (em_live_page_get_n_results (EM_LIVE_PAGE (live)), >=, 2);
  top = em_live_page_get_top_label (EM_LIVE_PAGE (live));
  g_assert_nonnull (top);
  g_test_message ("top label: %s after %u results", top, em_live_page_get_n_results (EM_LIVE_PAGE (live)));
  g_assert_true (g_strv_contains ((const char *const[]) { "idle", "wave", "updown", "snake", NULL }, top));
  gui_save_png (GTK_WIDGET (window), "live-page.png");

  /* Record this window: one more sample, a training one, labelled with the
   * top label, one window long. */
  before = count_samples (project);
  g_assert_true (gtk_widget_activate_action (live, "live.record", NULL));
  g_assert_null (em_live_page_get_last_error (EM_LIVE_PAGE (live)));
  g_assert_cmpint (count_samples (project), ==, before + 1);
  id = em_live_page_record (EM_LIVE_PAGE (live), "wave", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  stored = em_project_get_sample (project, id, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (em_sample_get_label (stored), ==, "wave");
  g_assert_cmpint (em_sample_get_category (stored), ==, EM_CATEGORY_TRAINING);
  g_assert_cmpuint (em_sample_get_n_axes (stored), ==, 3);
  /* The motion demo's window: 2 s at 62.5 Hz. */
  g_test_message ("recorded %s: %" G_GUINT64_FORMAT " frames", em_sample_get_name (stored),
                  em_sample_get_n_frames (stored));
  g_assert_cmpuint (em_sample_get_n_frames (stored), >, 0);

  g_assert_true (gtk_widget_activate_action (live, "live.stop", NULL));
  g_assert_true (gui_wait_for (live_stopped, live, 30000));
  g_assert_null (em_live_page_get_last_error (EM_LIVE_PAGE (live)));
  gtk_window_destroy (GTK_WINDOW (window));
  gui_spin (200);
}

static gboolean
live_simulated_results (gpointer page)
{
  const char *status = em_live_page_get_status (page);

  return (em_live_page_get_n_results (page) >= 2 && strstr (status, "Simulated sensor (played back from") != NULL) ||
         em_live_page_get_last_error (page) != NULL;
}

/* The Live page's data source: greyed out with the reason on a board
 * without a sensor of its own; on the emulated board the board's sensor is
 * the simulated one, fed the testing samples, and the screen says so; the
 * window behind a result records; Stop ends it. */
static void
test_live_sensor (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmSample) stored = NULL;
  GtkWidget *page, *window;
  const char *reason = NULL;
  gint64 id;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  project = em_project_open (project_path, &error);
  g_assert_no_error (error);
  page = em_live_page_new (project);
  window = gui_show_in_adw_window (page, 800, 900);
  em_live_page_set_board (EM_LIVE_PAGE (page), "roomy", NULL, NULL);
  g_assert_false (em_live_page_get_sensor_available (EM_LIVE_PAGE (page), &reason));
  g_test_message ("roomy: %s", reason);
  g_assert_nonnull (strstr (reason, "has no sensor of its own"));
  g_assert_false (em_live_page_set_use_sensor (EM_LIVE_PAGE (page), TRUE));
  g_assert_false (em_live_page_get_use_sensor (EM_LIVE_PAGE (page)));
  gui_save_png (window, "live-source-greyed.png");

  em_live_page_set_board (EM_LIVE_PAGE (page), "cortex-m4-emulated", NULL, NULL);
  g_assert_true (em_live_page_get_sensor_available (EM_LIVE_PAGE (page), &reason));
  g_assert_null (reason);
  g_assert_true (em_live_page_set_use_sensor (EM_LIVE_PAGE (page), TRUE));
  g_assert_true (em_live_page_get_use_sensor (EM_LIVE_PAGE (page)));
  if (!have_program ("arm-none-eabi-gcc") || !have_program ("qemu-system-arm"))
    {
      gtk_window_destroy (GTK_WINDOW (window));
      g_test_skip ("the run needs arm-none-eabi-gcc and qemu-system-arm");
      return;
    }
  train (project);
  g_assert_true (gtk_widget_activate_action (page, "live.start", NULL));
  g_assert_true (gui_wait_for (live_simulated_results, page, LIVE_MS));
  if (em_live_page_get_last_error (EM_LIVE_PAGE (page)) != NULL)
    g_test_message ("sensor: %s", em_live_page_get_last_error (EM_LIVE_PAGE (page)));
  g_assert_null (em_live_page_get_last_error (EM_LIVE_PAGE (page)));
  g_test_message ("status: %s", em_live_page_get_status (EM_LIVE_PAGE (page)));
  /* Running: the source cannot change under the session. */
  g_assert_false (em_live_page_set_use_sensor (EM_LIVE_PAGE (page), FALSE));
  gui_save_png (window, "live-sensor.png");
  id = em_live_page_record (EM_LIVE_PAGE (page), "wave", &error);
  g_assert_no_error (error);
  stored = em_project_get_sample (project, id, TRUE, &error);
  g_assert_no_error (error);
  /* One window of the motion demo: 2 s at 62.5 Hz, 3 axes. */
  g_assert_cmpuint (em_sample_get_n_frames (stored), ==, 125);
  g_assert_cmpuint (em_sample_get_n_axes (stored), ==, 3);
  g_assert_true (gtk_widget_activate_action (page, "live.stop", NULL));
  g_assert_true (gui_wait_for (live_stopped, page, 30000));
  g_assert_null (em_live_page_get_last_error (EM_LIVE_PAGE (page)));
  gtk_window_destroy (GTK_WINDOW (window));
  gui_spin (100);
}

int
main (int argc, char **argv)
{
  g_autofree char *cache = NULL;
  int status;

  tmp_dir = gui_make_tmp_dir ("ember-boards-gui-XXXXXX");
  /* Firmware builds go to the user's cache: keep them in here. */
  cache = g_build_filename (tmp_dir, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  write_boards ();
  have_display = gui_init (&argc, &argv);
  if (have_display)
    make_project ();
  g_test_add_func ("/gui/boards/fit-verdicts", test_fit_verdicts);
  g_test_add_func ("/gui/boards/missing-board", test_missing_board);
  g_test_add_func ("/gui/boards/flash-board", test_flash_board);
  g_test_add_func ("/gui/boards/deploy-and-live", test_deploy_and_live);
  g_test_add_func ("/gui/boards/live-sensor", test_live_sensor);
  status = g_test_run ();
  gui_remove_tree (tmp_dir);
  g_free (project_path);
  g_free (tmp_dir);
  return status;
}
