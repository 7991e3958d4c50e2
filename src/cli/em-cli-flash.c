/* SPDX-License-Identifier: Apache-2.0 */
/* `ember-cli board list` and `ember-cli flash`: the boards Ember knows, the
 * ports present with the board each one looks like, and writing a firmware
 * image through a board's serial bootloader. */
#include <stdio.h>
#include "em-cli.h"
#include "em-board.h"
#include "em-flash.h"
#include "em-serial.h"

static int
board_list (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- list boards and the serial ports present");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) boards = NULL;
  g_autoptr(GPtrArray) ports = NULL;
  g_autofree char *dir = NULL;
  gboolean json = FALSE;
  int code = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Read board files from DIR", "DIR" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 1)
    return em_cli_usage ("board list takes no arguments");
  boards = em_board_list (dir, &error);
  if (boards == NULL)
    return em_cli_fail (error);
  /* No ports is normal (no board plugged in); failing to list them is not
   * a reason to hide the boards. */
  ports = em_serial_list_ports (&error);
  if (ports == NULL)
    {
      fprintf (stderr, "ember-cli: %s\n", error->message);
      g_clear_error (&error);
      ports = g_ptr_array_new ();
    }

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "boards");
      json_builder_begin_array (b);
      for (guint i = 0; i < boards->len; i++)
        {
          const EmBoard *bd = boards->pdata[i];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, bd->id);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, bd->name);
          json_builder_set_member_name (b, "core");
          json_builder_add_string_value (b, bd->core);
          json_builder_set_member_name (b, "clock_hz");
          json_builder_add_int_value (b, (gint64) bd->clock_hz);
          json_builder_set_member_name (b, "ram");
          json_builder_add_int_value (b, (gint64) bd->ram);
          json_builder_set_member_name (b, "flash");
          json_builder_add_int_value (b, (gint64) bd->flash);
          json_builder_set_member_name (b, "fpu");
          json_builder_add_boolean_value (b, bd->fpu);
          json_builder_set_member_name (b, "protocol");
          json_builder_add_string_value (b, em_board_protocol_to_string (bd->protocol));
          json_builder_set_member_name (b, "baud");
          json_builder_add_int_value (b, bd->baud);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "ports");
      json_builder_begin_array (b);
      for (guint i = 0; i < ports->len; i++)
        {
          const EmSerialPortInfo *p = ports->pdata[i];
          const EmBoard *match = em_board_match_usb (boards, p->usb_vid, p->usb_pid);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, p->name);
          json_builder_set_member_name (b, "description");
          json_builder_add_string_value (b, p->description);
          json_builder_set_member_name (b, "board");
          if (match != NULL)
            json_builder_add_string_value (b, match->id);
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      em_cli_print_json (root);
      return EM_EXIT_OK;
    }

  printf ("Boards:\n");
  for (guint i = 0; i < boards->len; i++)
    {
      const EmBoard *bd = boards->pdata[i];
      printf ("  %-20s %-22s %-13s %4u MHz %7" G_GUINT64_FORMAT " KB flash %6" G_GUINT64_FORMAT
              " KB RAM  %s\n", bd->id, bd->name, bd->core, (guint) (bd->clock_hz / 1000000),
              bd->flash / 1024, bd->ram / 1024, em_board_protocol_to_string (bd->protocol));
    }
  printf ("Ports:\n");
  if (ports->len == 0)
    printf ("  (none found)\n");
  for (guint i = 0; i < ports->len; i++)
    {
      const EmSerialPortInfo *p = ports->pdata[i];
      const EmBoard *match = em_board_match_usb (boards, p->usb_vid, p->usb_pid);
      printf ("  %-16s %-30s %s\n", p->name, p->description,
              match != NULL ? match->id : "(no matching board)");
    }
  return EM_EXIT_OK;
}

int
em_cli_board_main (int argc, char **argv)
{
  static const EmCliCommand commands[] = {
    { "list", "boards Ember knows, and the ports present with their matching board",
      board_list },
    { NULL, NULL, NULL },
  };
  return em_cli_dispatch ("board", commands, argc, argv);
}

typedef struct {
  char          *stage;
  EmCliProgress *progress;
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

int
em_cli_flash_main (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("IMAGE - write a firmware image to a board");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) boards = NULL;
  g_autoptr(EmFlashImage) image = NULL;
  g_autofree char *board_name = NULL, *port = NULL, *dir = NULL;
  FlashProgress fp = { NULL, NULL };
  EmFlashOptions options;
  const EmBoard *board;
  gboolean no_verify = FALSE, no_go = FALSE, ok;
  int baud = 0, code = 0;
  GOptionEntry entries[] = {
    { "board", 'b', 0, G_OPTION_ARG_STRING, &board_name, "Board id or name (see 'board list')", "NAME" },
    { "port", 'p', 0, G_OPTION_ARG_FILENAME, &port, "Serial port, e.g. /dev/ttyACM0", "PORT" },
    { "baud", 0, 0, G_OPTION_ARG_INT, &baud, "Baud rate (default: the board's)", "N" },
    { "no-verify", 0, 0, G_OPTION_ARG_NONE, &no_verify, "Do not read the flash back", NULL },
    { "no-go", 0, 0, G_OPTION_ARG_NONE, &no_go, "Stay in the bootloader afterwards", NULL },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Read board files from DIR", "DIR" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx,
    "IMAGE is Intel HEX (avr-objcopy -O ihex) or a raw binary, which is written at the\n"
    "start of the board's flash. Ctrl-C cancels; the board stays re-flashable.");
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("flash needs exactly one IMAGE");
  if (board_name == NULL || port == NULL)
    return em_cli_usage ("flash needs --board and --port");
  if (baud < 0)
    return em_cli_usage ("--baud must be above 0");
  boards = em_board_list (dir, &error);
  if (boards == NULL)
    return em_cli_fail (error);
  board = em_board_find (boards, board_name, &error);
  if (board == NULL)
    return em_cli_fail (error);
  image = em_flash_image_load (argv[1], board->flash_base, &error);
  if (image == NULL)
    return em_cli_fail (error);

  em_flash_options_init (&options);
  options.baud = (guint) baud;
  options.verify = !no_verify;
  options.go = !no_go;
  ok = em_flash_board (port, board, image, &options, on_flash_progress, &fp,
                       em_cli_cancellable (), &error);
  g_clear_pointer (&fp.progress, em_cli_progress_done);
  g_free (fp.stage);
  if (!ok)
    return em_cli_fail (error);
  printf ("Flashed %u bytes at 0x%08X to %s on %s%s.\n", image->data->len, image->base,
          board->name, port, options.verify ? ", verified" : "");
  return EM_EXIT_OK;
}
