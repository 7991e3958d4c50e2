/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include "em-capture.h"
#include "em-cli.h"

static void
on_progress (double fraction, const char *what, gpointer data)
{
  em_cli_progress_update (data, (guint64) (fraction * 100 + 0.5), 100);
}

static void
add_devices_json (JsonBuilder *b, GPtrArray *devices)
{
  for (guint i = 0; i < devices->len; i++)
    {
      EmCaptureDevice *d = g_ptr_array_index (devices, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, em_capture_kind_to_string (d->kind));
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, d->name);
      json_builder_set_member_name (b, "display-name");
      json_builder_add_string_value (b, d->display_name);
      json_builder_set_member_name (b, "caps");
      json_builder_add_string_value (b, d->caps);
      json_builder_end_object (b);
    }
}

static int
capture_list (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- list microphones and cameras");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mics = NULL;
  g_autoptr(GPtrArray) cams = NULL;
  gboolean json = FALSE;
  int code = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON array", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 1)
    return em_cli_usage ("capture list takes no arguments");
  if ((mics = em_capture_list_devices (EM_CAPTURE_AUDIO, &error)) == NULL ||
      (cams = em_capture_list_devices (EM_CAPTURE_VIDEO, &error)) == NULL)
    return em_cli_fail (error);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (b);
      add_devices_json (b, mics);
      add_devices_json (b, cams);
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      em_cli_print_json (root);
      return EM_EXIT_OK;
    }
  if (mics->len == 0 && cams->len == 0)
    {
      printf ("no microphones or cameras found\n");
      return EM_EXIT_OK;
    }
  for (guint k = 0; k < 2; k++)
    {
      GPtrArray *list = k == 0 ? mics : cams;
      for (guint i = 0; i < list->len; i++)
        {
          EmCaptureDevice *d = g_ptr_array_index (list, i);
          printf ("%s\t%s\t%s\t%s\n", em_capture_kind_to_string (d->kind), d->name,
                  d->display_name, d->caps);
        }
    }
  return EM_EXIT_OK;
}

/* Options shared by "audio" and "camera". */
typedef struct {
  char *label;
  char *device;
  char *name;
  char *category;
  EmCategory cat;
} CommonOptions;

static void
common_options_clear (CommonOptions *o)
{
  g_free (o->label);
  g_free (o->device);
  g_free (o->name);
  g_free (o->category);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CommonOptions, common_options_clear)

static int
check_common (CommonOptions *o)
{
  if (o->label == NULL || *o->label == '\0')
    return em_cli_usage ("--label is required");
  o->cat = EM_CATEGORY_TRAINING;
  if (o->category != NULL && !em_category_from_string (o->category, &o->cat))
    return em_cli_usage ("--category must be training or testing, not '%s'", o->category);
  return EM_EXIT_OK;
}

/* Name, label and category each sample, store them all or none, print ids. */
static int
store (const char *path, GPtrArray *samples, CommonOptions *o)
{
  g_autoptr(EmProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  int code = 0;

  if ((project = em_cli_open_project (path, &code)) == NULL)
    return code;
  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *s = g_ptr_array_index (samples, i);
      g_autofree char *name = NULL;
      const char *base = o->name != NULL ? o->name : NULL;

      if (base == NULL)
        name = samples->len == 1 ? g_strdup_printf ("%s.%s", o->label, stamp)
                                 : g_strdup_printf ("%s.%s-%u", o->label, stamp, i + 1);
      else
        name = samples->len == 1 ? g_strdup (base) : g_strdup_printf ("%s-%u", base, i + 1);
      em_sample_set_name (s, name);
      em_sample_set_label (s, o->label);
      em_sample_set_category (s, o->cat);
    }
  /* A fresh recording is new data even when it matches an earlier one
   * bit for bit (digital silence, a still scene), so duplicates are kept. */
  if (!em_project_add_samples (project, samples, EM_ADD_FLAGS_ALLOW_DUPLICATE, &error))
    return em_cli_fail (error);
  for (guint i = 0; i < samples->len; i++)
    printf ("%" G_GINT64_FORMAT "\n", em_sample_get_id (g_ptr_array_index (samples, i)));
  return EM_EXIT_OK;
}

static int
capture_audio (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - record a sample from a microphone");
  g_auto(CommonOptions) o = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) sample = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  EmCliProgress *progress;
  gint rate = 16000, length_ms = 1000;
  int code = 0;
  GOptionEntry entries[] = {
    { "label", 'l', 0, G_OPTION_ARG_STRING, &o.label, "Label of the sample (required)", "LABEL" },
    { "device", 'd', 0, G_OPTION_ARG_STRING, &o.device, "Microphone name from 'capture list', or pipeline:DESC (default: the first microphone)", "D" },
    { "rate", 'r', 0, G_OPTION_ARG_INT, &rate, "Sample rate in Hz (default 16000)", "HZ" },
    { "length-ms", 0, 0, G_OPTION_ARG_INT, &length_ms, "Length in milliseconds (default 1000)", "MS" },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &o.name, "Sample name (default LABEL.DATE-TIME)", "NAME" },
    { "category", 'c', 0, G_OPTION_ARG_STRING, &o.category, "training (default) or testing", "C" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("capture audio needs exactly one PROJECT");
  if ((code = check_common (&o)) != EM_EXIT_OK)
    return code;
  if (rate < 1000 || rate > 192000)
    return em_cli_usage ("--rate must be between 1000 and 192000");
  if (length_ms < 1 || length_ms > 3600 * 1000)
    return em_cli_usage ("--length-ms must be between 1 and 3600000");
  progress = em_cli_progress_new ("Recording", "%");
  sample = em_capture_record_audio (o.device, (guint) rate, (guint) length_ms, on_progress,
                                    progress, em_cli_cancellable (), &error);
  em_cli_progress_done (progress);
  if (sample == NULL)
    return em_cli_fail (error);
  samples = g_ptr_array_new ();
  g_ptr_array_add (samples, sample);
  return store (argv[1], samples, &o);
}

static gboolean
parse_size (const char *text, guint *w, guint *h)
{
  char *end = NULL;
  guint64 a, b;

  a = g_ascii_strtoull (text, &end, 10);
  if (end == text || (*end != 'x' && *end != 'X'))
    return FALSE;
  text = end + 1;
  b = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != '\0' || a < 1 || b < 1 || a > 4096 || b > 4096)
    return FALSE;
  *w = (guint) a;
  *h = (guint) b;
  return TRUE;
}

static int
capture_camera (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - take pictures with a camera");
  g_auto(CommonOptions) o = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  g_autofree char *size = NULL;
  EmCliProgress *progress;
  gint count = 1, interval_ms = 1000;
  guint w = 96, h = 96;
  int code = 0;
  GOptionEntry entries[] = {
    { "label", 'l', 0, G_OPTION_ARG_STRING, &o.label, "Label of the pictures (required)", "LABEL" },
    { "device", 'd', 0, G_OPTION_ARG_STRING, &o.device, "Camera name from 'capture list', or pipeline:DESC (default: the first camera)", "D" },
    { "size", 's', 0, G_OPTION_ARG_STRING, &size, "Picture size (default 96x96; stretched to fit)", "WxH" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Number of pictures (default 1)", "N" },
    { "interval-ms", 0, 0, G_OPTION_ARG_INT, &interval_ms, "Time between pictures (default 1000)", "MS" },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &o.name, "Sample name (default LABEL.DATE-TIME; -1, -2, ... for several)", "NAME" },
    { "category", 'c', 0, G_OPTION_ARG_STRING, &o.category, "training (default) or testing", "C" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("capture camera needs exactly one PROJECT");
  if ((code = check_common (&o)) != EM_EXIT_OK)
    return code;
  if (size != NULL && !parse_size (size, &w, &h))
    return em_cli_usage ("--size must be WIDTHxHEIGHT (1 to 4096 each), not '%s'", size);
  if (count < 1 || count > 100000)
    return em_cli_usage ("--count must be between 1 and 100000");
  if (interval_ms < 0)
    return em_cli_usage ("--interval-ms must not be negative");
  progress = em_cli_progress_new ("Capturing", "%");
  frames = em_capture_grab_frames (o.device, w, h, (guint) count, (guint) interval_ms,
                                   on_progress, progress, em_cli_cancellable (), &error);
  em_cli_progress_done (progress);
  if (frames == NULL)
    return em_cli_fail (error);
  return store (argv[1], frames, &o);
}

int
em_cli_capture_main (int argc, char **argv)
{
  static const EmCliCommand commands[] = {
    { "list", "list microphones and cameras", capture_list },
    { "audio", "record an audio sample into a project", capture_audio },
    { "camera", "take one or more pictures into a project", capture_camera },
    { NULL, NULL, NULL },
  };
  return em_cli_dispatch ("capture", commands, argc, argv);
}
