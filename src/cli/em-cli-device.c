/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include "em-cli.h"
#include "em-serial.h"

static int
device_ports (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- list the serial ports present now");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ports = NULL;
  gboolean json = FALSE;
  int code = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 1)
    return em_cli_usage ("device ports takes no arguments");
  ports = em_serial_list_ports (&error);
  if (ports == NULL)
    return em_cli_fail (error);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < ports->len; i++)
        {
          const EmSerialPortInfo *p = ports->pdata[i];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, p->name);
          json_builder_set_member_name (b, "description");
          json_builder_add_string_value (b, p->description);
          json_builder_set_member_name (b, "transport");
          json_builder_add_string_value (b, p->transport);
          json_builder_set_member_name (b, "usb_vid");
          if (p->usb_vid >= 0)
            json_builder_add_int_value (b, p->usb_vid);
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "usb_pid");
          if (p->usb_pid >= 0)
            json_builder_add_int_value (b, p->usb_pid);
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      em_cli_print_json (root);
      return EM_EXIT_OK;
    }
  if (ports->len == 0)
    printf ("No serial ports found.\n");
  for (guint i = 0; i < ports->len; i++)
    {
      const EmSerialPortInfo *p = ports->pdata[i];
      if (p->usb_vid >= 0)
        printf ("%-16s %04x:%04x  %s\n", p->name, p->usb_vid, p->usb_pid, p->description);
      else
        printf ("%-16s %-9s  %s\n", p->name, p->transport, p->description);
    }
  return EM_EXIT_OK;
}

static void
on_progress (double fraction, const char *what, gpointer data)
{
  EmCliProgress **record = data;

  if (g_strcmp0 (what, "Recording") != 0)
    {
      /* Say what the first second of silence is for. */
      fprintf (stderr, "Detecting: listening for the board's rate and axes…\n");
      return;
    }
  if (*record == NULL)
    *record = em_cli_progress_new ("Recording", "%");
  em_cli_progress_update (*record, (guint64) (fraction * 100 + 0.5), 100);
}

static int
device_forward (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - record a sample from a board "
                                                        "that prints lines of numbers");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmSample) sample = NULL;
  g_autofree char *port = NULL, *label = NULL, *axes_text = NULL, *name = NULL, *category = NULL;
  g_auto(GStrv) axes = NULL;
  EmSerialForwardOptions options;
  EmCliProgress *record = NULL;
  EmCategory c = EM_CATEGORY_TRAINING;
  gint length = 0, baud = 115200, detect_ms = 1000;
  gboolean json = FALSE;
  gint64 id;
  int code = 0;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_STRING, &port, "Serial port, e.g. /dev/ttyACM0 (ptys work)", "PORT" },
    { "label", 'l', 0, G_OPTION_ARG_STRING, &label, "Label of the new sample", "LABEL" },
    { "length", 'n', 0, G_OPTION_ARG_INT, &length, "Length to record, in milliseconds", "MS" },
    { "baud", 'b', 0, G_OPTION_ARG_INT, &baud, "Baud rate (default 115200)", "BAUD" },
    { "axes", 'a', 0, G_OPTION_ARG_STRING, &axes_text, "Axis names, comma separated (default value0, value1, ...)", "A,B,C" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Sample name (default LABEL.serial.TIME)", "NAME" },
    { "category", 'c', 0, G_OPTION_ARG_STRING, &category, "training (default) or testing", "CATEGORY" },
    { "detect", 0, 0, G_OPTION_ARG_INT, &detect_ms, "Time to detect the rate before recording (default 1000)", "MS" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the stored sample as JSON", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("device forward needs exactly one PROJECT");
  if (port == NULL || *port == '\0')
    return em_cli_usage ("device forward needs --port");
  if (label == NULL || *label == '\0')
    return em_cli_usage ("device forward needs --label");
  if (length <= 0 || length > 24 * 3600 * 1000)
    return em_cli_usage ("--length must be a number of milliseconds above 0");
  if (baud <= 0)
    return em_cli_usage ("--baud must be above 0");
  if (detect_ms < 200 || detect_ms > 60000)
    return em_cli_usage ("--detect must be between 200 and 60000 ms");
  if (category != NULL && !em_category_from_string (category, &c))
    return em_cli_usage ("--category must be training or testing, not '%s'", category);
  if (axes_text != NULL)
    {
      axes = g_strsplit (axes_text, ",", -1);
      for (guint i = 0; axes[i] != NULL; i++)
        {
          g_strstrip (axes[i]);
          if (*axes[i] == '\0')
            return em_cli_usage ("--axes has an empty name in '%s'", axes_text);
          for (guint j = 0; j < i; j++)
            if (strcmp (axes[i], axes[j]) == 0)
              return em_cli_usage ("--axes names '%s' twice", axes[i]);
        }
    }
  /* Open the project first: finding it broken after the recording would waste it. */
  project = em_cli_open_project (argv[1], &code);
  if (project == NULL)
    return code;

  em_serial_forward_options_init (&options);
  options.detect_ms = (guint) detect_ms;
  sample = em_serial_forward_full (port, (guint) baud, (guint) length,
                                   (const char * const *) axes, &options, on_progress, &record,
                                   em_cli_cancellable (), &error);
  g_clear_pointer (&record, em_cli_progress_done);
  if (sample == NULL)
    return em_cli_fail (error);

  if (name == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
      name = g_strdup_printf ("%s.serial.%s", label, stamp);
    }
  em_sample_set_name (sample, name);
  em_sample_set_label (sample, label);
  em_sample_set_category (sample, c);
  /* A fresh recording is never "the same file imported twice", even when a
   * board sends constant values. */
  id = em_project_add_sample (project, sample, EM_ADD_FLAGS_ALLOW_DUPLICATE, &error);
  if (id == 0)
    return em_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonNode) node = em_cli_sample_to_json (sample);
      em_cli_print_json (node);
      return EM_EXIT_OK;
    }
  printf ("Stored sample %" G_GINT64_FORMAT " '%s': %g Hz, %" G_GUINT64_FORMAT " frames, axes ",
          id, name, em_sample_get_frequency_hz (sample), em_sample_get_n_frames (sample));
  for (guint i = 0; i < em_sample_get_n_axes (sample); i++)
    printf ("%s%s", i > 0 ? "," : "", em_sample_get_axis (sample, i)->name);
  printf ("\n");
  return EM_EXIT_OK;
}

int
em_cli_device_main (int argc, char **argv)
{
  static const EmCliCommand commands[] = {
    { "ports", "list the serial ports present now", device_ports },
    { "forward", "record a sample from a board printing lines of numbers", device_forward },
    { NULL, NULL, NULL },
  };
  return em_cli_dispatch ("device", commands, argc, argv);
}
