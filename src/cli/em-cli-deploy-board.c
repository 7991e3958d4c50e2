/* SPDX-License-Identifier: Apache-2.0 */
/* ember-cli deploy PROJECT --board NAME [--flash] [--port P] [-o DIR]:
 * Ember firmware for a board (em-firmware.c), and flashing it through the
 * board's serial bootloader (em-flash.c). The emulated board has nothing to
 * flash: --flash starts it in QEMU and checks that the firmware answers. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "em-block-registry.h"
#include "em-board.h"
#include "em-cli.h"
#include "em-deploy-measure.h"
#include "em-error.h"
#include "em-firmware.h"
#include "em-flash.h"
#include "em-live.h"
#include "em-serial.h"

static const char board_help[] =
  "With --board NAME (see 'ember-cli board list'), deploy builds Ember\n"
  "firmware for that board: the impulse library (int8) plus a bare-metal\n"
  "runtime that answers Ember's host-fed protocol over the board's serial\n"
  "port ('ember-cli live' streams windows to it). Needs the board's\n"
  "toolchain: gcc-arm-none-eabi and libnewlib-arm-none-eabi for Cortex-M,\n"
  "gcc-avr and avr-libc for AVR. -o DIR (default: a new temporary folder)\n"
  "receives the library, the runtime and firmware.elf / .bin / .hex.\n"
  "\n"
  "It then prints the latency one window takes on the board: for a\n"
  "Cortex-M board the instructions counted on an emulated Cortex-M4F\n"
  "(qemu-system-arm, see deploy --report) x the board's cycles per\n"
  "instruction / its clock, an estimate; for an AVR board the cycles counted\n"
  "in simavr (cycle-accurate) / its clock. When it cannot, it says\n"
  "'latency: not estimated (why)'.\n"
  "\n"
  "--flash writes the image through the board's serial bootloader (the port\n"
  "is found by the board's USB id unless --port names it); Ctrl-C cancels.\n"
  "For the emulated board, --flash starts the firmware in qemu-system-arm and\n"
  "checks that it answers, then stops it.\n"
  "\n"
  "Exit status: 0 built (and flashed); 1 building or flashing failed; 2 bad\n"
  "command line; 3 the impulse does not fit the board or cannot run on it;\n"
  "4 the project cannot be opened; 5 no such board, no port, or no toolchain;\n"
  "130 cancelled.";

static void
on_build_progress (double fraction, const char *what, gpointer user_data)
{
  (void) user_data;
  fprintf (stderr, "%3.0f%% %s\n", fraction * 100, what);
}

typedef struct {
  EmCliProgress *progress;
  char          *stage;
} FlashProgress;

static void
on_flash_progress (const char *stage, gsize done, gsize total, gpointer user_data)
{
  FlashProgress *fp = user_data;

  if (g_strcmp0 (fp->stage, stage) != 0)
    {
      g_clear_pointer (&fp->progress, em_cli_progress_done);
      g_free (fp->stage);
      fp->stage = g_strdup (stage);
      fp->progress = em_cli_progress_new (stage, "B");
    }
  em_cli_progress_update (fp->progress, done, total);
}

static char *
find_board_port (const EmBoard *board, GError **error)
{
  g_autoptr(GPtrArray) ports = em_serial_list_ports (error);

  if (ports == NULL)
    return NULL;
  for (guint i = 0; i < ports->len; i++)
    {
      const EmSerialPortInfo *p = ports->pdata[i];
      for (guint k = 0; board->usb_ids != NULL && k < board->usb_ids->len; k++)
        {
          const EmBoardUsbId *id = &g_array_index (board->usb_ids, EmBoardUsbId, k);
          if (p->usb_vid == id->vid && p->usb_pid == id->pid)
            return g_strdup (p->name);
        }
    }
  g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
               "%s: no serial port with the board's USB id: connect it, or give --port", board->name);
  return NULL;
}

static int
fail_build (const GError *error)
{
  fprintf (stderr, "ember-cli: %s\n", error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return EM_EXIT_CANCELLED;
  if (error->domain == EM_ERROR && (error->code == EM_ERROR_INVALID_DATA || error->code == EM_ERROR_UNSUPPORTED))
    return EM_EXIT_BAD_INPUT;
  if (error->domain == EM_ERROR && error->code == EM_ERROR_NOT_FOUND)
    return EM_EXIT_NOT_FOUND;
  return em_cli_exit_code_for (error);
}

static void
on_measure_progress (double fraction, const char *what, gpointer user_data)
{
  /* For people at a terminal; scripts read stderr for the one error line. */
  if (what != NULL && isatty (STDERR_FILENO))
    fprintf (stderr, "measuring instructions: %s\n", what);
}

/* The AVR board's line: cycles counted in simavr at the board's clock. */
static int
print_latency_avr (EmProject *project, const EmBoard *board, const char *block)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(EmDeployGather) gather = NULL;
  EmDeployMeasureAvr m;

  if ((impulse = em_impulse_load (project, &error)) == NULL ||
      (gather = em_deploy_gather (project, impulse, em_block_registry_get_default (), block, TRUE,
                                  EM_DEPLOY_THRESHOLD_DEFAULT, &error)) == NULL ||
      !em_deploy_measure_avr (project, impulse, gather, board, on_measure_progress, NULL, em_cli_cancellable (), &m,
                              &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return fail_build (error);
      printf ("latency: not estimated (%s)\n", error->message);
      return EM_EXIT_OK;
    }
  printf ("latency: %.2f ms per window on %s (DSP %.2f ms, NN %.2f ms): %" G_GUINT64_FORMAT
          " cycles measured in simavr at %g MHz\n",
          em_deploy_measure_avr_ms (&m, m.cycles.total), board->name, em_deploy_measure_avr_ms (&m, m.cycles.dsp),
          em_deploy_measure_avr_ms (&m, m.cycles.nn), m.cycles.total, (double) board->clock_hz / 1e6);
  return EM_EXIT_OK;
}

/* One "latency: …" line; never fails the deploy: the firmware is built. */
static int
print_latency (EmProject *project, const EmBoard *board, const char *block)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(EmDeployGather) gather = NULL;
  EmDeployMeasure m;
  double ms;

  if (g_strcmp0 (board->core, "avr") == 0)
    return print_latency_avr (project, board, block);
  if (board->cycles_per_instruction <= 0)
    {
      printf ("latency: not estimated (Ember counts instructions on an emulated Cortex-M4F; the count does not "
              "carry over to the %s core of %s)\n", board->core, board->name);
      return EM_EXIT_OK;
    }
  if ((impulse = em_impulse_load (project, &error)) == NULL ||
      (gather = em_deploy_gather (project, impulse, em_block_registry_get_default (), block, TRUE,
                                  EM_DEPLOY_THRESHOLD_DEFAULT, &error)) == NULL ||
      !em_deploy_measure (project, impulse, gather, on_measure_progress, NULL, em_cli_cancellable (), &m, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return fail_build (error);
      printf ("latency: not estimated (%s)\n", error->message);
      return EM_EXIT_OK;
    }
  ms = em_board_latency_ms (board, m.insns.total);
  printf ("latency: about %.2f ms per window on %s (DSP %.2f ms, NN %.2f ms): %" G_GUINT64_FORMAT
          " instructions measured on the emulated Cortex-M4F x %.2f cycles per instruction at %g MHz\n",
          ms, board->name, em_board_latency_ms (board, m.insns.dsp), em_board_latency_ms (board, m.insns.nn),
          m.insns.total, board->cycles_per_instruction, (double) board->clock_hz / 1e6);
  return EM_EXIT_OK;
}

int
em_cli_deploy_board_main (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT --board NAME - build (and flash) Ember firmware");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(GPtrArray) boards = NULL;
  g_autofree char *board_name = NULL, *port = NULL, *output = NULL, *block = NULL, *image = NULL;
  gboolean flash = FALSE;
  EmFirmwareSizes sizes = { 0 };
  EmBoard *board;
  int code = 0;
  GOptionEntry entries[] = {
    { "board", 0, 0, G_OPTION_ARG_STRING, &board_name, "Board id or name (see 'ember-cli board list')", "NAME" },
    { "flash", 0, 0, G_OPTION_ARG_NONE, &flash, "Flash the firmware (emulated board: start it)", NULL },
    { "port", 'p', 0, G_OPTION_ARG_FILENAME, &port, "Serial port (default: found by the board's USB id)", "P" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Folder for the build (default: a new temporary one)", "DIR" },
    { "block", 'b', 0, G_OPTION_ARG_STRING, &block, "Learning block id (default: the first)", "ID" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx, board_help);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("deploy --board needs exactly one PROJECT");
  if (board_name == NULL)
    return em_cli_usage ("--board needs a NAME (see 'ember-cli board list')");
  if ((boards = em_board_list (NULL, &error)) == NULL)
    return em_cli_fail (error);
  if ((board = em_board_find (boards, board_name, &error)) == NULL)
    return em_cli_usage ("%s", error->message);
  if ((project = em_cli_open_project (argv[1], &code)) == NULL)
    return code;
  if (output == NULL && (output = g_dir_make_tmp ("ember-firmware-XXXXXX", &error)) == NULL)
    return em_cli_fail (error);
  image = em_firmware_build_full (project, board, output, block, &sizes, on_build_progress, NULL,
                                  em_cli_cancellable (), &error);
  if (image == NULL)
    {
      /* The fit check's answer for the latency too (scripts read stdout). */
      if (g_error_matches (error, EM_ERROR, EM_ERROR_INVALID_DATA) && strstr (error->message, "does not fit") != NULL)
        printf ("latency: not estimated (does not fit)\n");
      return fail_build (error);
    }
  printf ("Built %s for %s: flash %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes, RAM %" G_GUINT64_FORMAT
          " of %" G_GUINT64_FORMAT " bytes\n", image, board->name, sizes.flash_used,
          board->flash - board->bootloader_size, sizes.ram_used, board->ram);
  if ((code = print_latency (project, board, block)) != EM_EXIT_OK)
    return code;
  if (!flash)
    return EM_EXIT_OK;

  if (board->protocol == EM_BOARD_PROTOCOL_QEMU)
    {
      g_autoptr(EmLive) live = em_live_open (board, NULL, image, em_cli_cancellable (), &error);
      const char *const *labels;
      g_autofree char *joined = NULL;

      if (live == NULL)
        return fail_build (error);
      labels = em_live_get_labels (live);
      joined = g_strjoinv (", ", (char **) labels);
      printf ("Started %s in QEMU on %s: Ember firmware protocol %u, %u values a window, labels %s\n",
              board->name, em_live_get_port (live), em_live_get_protocol_version (live),
              em_live_get_window_size (live), joined);
      printf ("Stopped it again; 'ember-cli live %s --board %s --firmware %s' streams the testing set to it\n",
              argv[1], board->id, image);
      return EM_EXIT_OK;
    }
  {
    g_autoptr(EmFlashImage) img = NULL;
    EmFlashOptions options;
    FlashProgress fp = { NULL, NULL };
    gboolean ok;

    if (port == NULL && (port = find_board_port (board, &error)) == NULL)
      return fail_build (error);
    if ((img = em_flash_image_load (image, board->flash_base, &error)) == NULL)
      return em_cli_fail (error);
    em_flash_options_init (&options);
    ok = em_flash_board (port, board, img, &options, on_flash_progress, &fp, em_cli_cancellable (), &error);
    g_clear_pointer (&fp.progress, em_cli_progress_done);
    g_free (fp.stage);
    if (!ok)
      return fail_build (error);
    printf ("Flashed %s to %s on %s (%u bytes, verified)\n", image, board->name, port, img->data->len);
  }
  return EM_EXIT_OK;
}
