/* SPDX-License-Identifier: Apache-2.0 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "em-cli.h"
#include "em-error.h"

int
em_cli_dispatch (const char *group, const EmCliCommand *commands, int argc, char **argv)
{
  const char *name = argc > 1 ? argv[1] : NULL;
  FILE *out = stdout;

  if (name != NULL && strcmp (name, "--version") == 0 && group == NULL)
    {
      printf ("ember-cli " PACKAGE_VERSION "\n");
      return EM_EXIT_OK;
    }
  if (name != NULL && strcmp (name, "--help") != 0 && strcmp (name, "-h") != 0 &&
      strcmp (name, "help") != 0)
    {
      for (const EmCliCommand *c = commands; c->name != NULL; c++)
        if (strcmp (c->name, name) == 0)
          {
            /* argv[0] becomes "ember-cli GROUP CMD" for --help texts. */
            g_autofree char *prog = group != NULL ? g_strdup_printf ("ember-cli %s %s", group, name)
                                                  : g_strdup_printf ("ember-cli %s", name);
            argv[1] = prog;
            /* GOption's --help prints the program name: make it the whole command. */
            g_set_prgname (prog);
            return c->run (argc - 1, argv + 1);
          }
      fprintf (stderr, "ember-cli: unknown command '%s%s%s'; see 'ember-cli %s%s--help'\n",
               group != NULL ? group : "", group != NULL ? " " : "", name,
               group != NULL ? group : "", group != NULL ? " " : "");
      return EM_EXIT_USAGE;
    }
  if (name == NULL)
    out = stderr;
  fprintf (out, "Usage: ember-cli %s%sCOMMAND [OPTIONS...]\n\nCommands:\n",
           group != NULL ? group : "", group != NULL ? " " : "");
  for (const EmCliCommand *c = commands; c->name != NULL; c++)
    fprintf (out, "  %-10s %s\n", c->name, c->summary);
  fprintf (out, "\nRun 'ember-cli %s%sCOMMAND --help' for a command's options.\n",
           group != NULL ? group : "", group != NULL ? " " : "");
  return name == NULL ? EM_EXIT_USAGE : EM_EXIT_OK;
}

gboolean
em_cli_parse (GOptionContext *context, int *argc, char ***argv, int *exit_code)
{
  g_autoptr(GError) error = NULL;

  g_option_context_set_help_enabled (context, TRUE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fprintf (stderr, "ember-cli: %s\n", error->message);
      *exit_code = EM_EXIT_USAGE;
      return FALSE;
    }
  return TRUE;
}

int
em_cli_usage (const char *fmt, ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  fprintf (stderr, "ember-cli: %s\n", msg);
  return EM_EXIT_USAGE;
}

int
em_cli_exit_code_for (const GError *error)
{
  if (error->domain != EM_ERROR)
    return EM_EXIT_FAILURE;
  switch ((EmError) error->code)
    {
    case EM_ERROR_INVALID_DATA:
    case EM_ERROR_UNSUPPORTED:
    case EM_ERROR_DUPLICATE:
    case EM_ERROR_BAD_SIGNATURE:
      return EM_EXIT_BAD_INPUT;
    case EM_ERROR_SCHEMA_TOO_NEW:
    case EM_ERROR_CORRUPT:
      return EM_EXIT_PROJECT;
    case EM_ERROR_NOT_FOUND:
      return EM_EXIT_NOT_FOUND;
    case EM_ERROR_INVALID_ARGUMENT:
      return EM_EXIT_USAGE;
    case EM_ERROR_CANCELLED:
      return EM_EXIT_CANCELLED;
    case EM_ERROR_FAILED:
    case EM_ERROR_IO:
    default:
      return EM_EXIT_FAILURE;
    }
}

int
em_cli_fail (const GError *error)
{
  fprintf (stderr, "ember-cli: %s\n", error->message);
  return em_cli_exit_code_for (error);
}

EmProject *
em_cli_open_project (const char *path, int *exit_code)
{
  g_autoptr(GError) error = NULL;
  EmProject *project = em_project_open (path, &error);

  if (project == NULL)
    {
      fprintf (stderr, "ember-cli: %s\n", error->message);
      *exit_code = error->code == EM_ERROR_IO ? EM_EXIT_FAILURE : EM_EXIT_PROJECT;
    }
  return project;
}

/* --- Ctrl-C ------------------------------------------------------------- */

static GCancellable *cancellable;
static int cancel_pipe[2] = { -1, -1 };

static void
on_signal (int signum)
{
  char byte = 1;

  /* Only async-signal-safe calls here: a byte to the watcher thread. The
   * second signal finds the default action restored and ends the process. */
  signal (signum, SIG_DFL);
  if (write (cancel_pipe[1], &byte, 1) < 0)
    _exit (EM_EXIT_CANCELLED);
}

static gpointer
cancel_watcher (gpointer data)
{
  char byte;

  if (read (cancel_pipe[0], &byte, 1) == 1)
    {
      fprintf (stderr, "\nember-cli: cancelling (press Ctrl-C again to stop at once)…\n");
      g_cancellable_cancel (cancellable);
    }
  return NULL;
}

GCancellable *
em_cli_cancellable (void)
{
  if (cancellable == NULL)
    {
      cancellable = g_cancellable_new ();
      if (pipe (cancel_pipe) == 0)
        {
          g_thread_unref (g_thread_new ("cancel-watcher", cancel_watcher, NULL));
          signal (SIGINT, on_signal);
          signal (SIGTERM, on_signal);
        }
    }
  return cancellable;
}

/* --- progress ------------------------------------------------------------ */

struct _EmCliProgress
{
  char    *what;
  char    *unit;
  gint64   start;
  gint64   last_print;
  gboolean tty;
  gboolean printed;
};

EmCliProgress *
em_cli_progress_new (const char *what, const char *unit)
{
  EmCliProgress *p = g_new0 (EmCliProgress, 1);

  p->what = g_strdup (what);
  p->unit = g_strdup (unit);
  p->start = g_get_monotonic_time ();
  p->tty = isatty (STDERR_FILENO);
  return p;
}

void
em_cli_progress_update (EmCliProgress *p, guint64 done, guint64 total)
{
  gint64 now = g_get_monotonic_time ();
  double elapsed = (now - p->start) / (double) G_USEC_PER_SEC;
  double rate = elapsed > 0 ? done / elapsed : 0;
  gint64 interval = p->tty ? G_USEC_PER_SEC / 10 : G_USEC_PER_SEC;

  if (now - p->last_print < interval && done < total)
    return;
  p->last_print = now;
  p->printed = TRUE;
  if (rate > 0 && total > done)
    {
      double eta = (total - done) / rate;
      fprintf (stderr, "%s%s: %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " %s (%3.0f%%), %.0f %s/s, ETA %dm%02ds%s",
               p->tty ? "\r" : "", p->what, done, total, p->unit, 100.0 * done / MAX (total, 1),
               rate, p->unit, (int) eta / 60, (int) eta % 60, p->tty ? "\033[K" : "\n");
    }
  else
    fprintf (stderr, "%s%s: %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " %s (%3.0f%%)%s",
             p->tty ? "\r" : "", p->what, done, total, p->unit, 100.0 * done / MAX (total, 1),
             p->tty ? "\033[K" : "\n");
}

void
em_cli_progress_done (EmCliProgress *p)
{
  if (p == NULL)
    return;
  if (p->tty && p->printed)
    fputc ('\n', stderr);
  g_free (p->what);
  g_free (p->unit);
  g_free (p);
}

/* --- output -------------------------------------------------------------- */

void
em_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
}

JsonNode *
em_cli_sample_to_json (EmSample *s)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) keys = em_sample_get_metadata_keys (s);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, em_sample_get_id (s));
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, em_sample_get_name (s));
  json_builder_set_member_name (b, "label");
  json_builder_add_string_value (b, em_sample_get_label (s));
  json_builder_set_member_name (b, "category");
  json_builder_add_string_value (b, em_category_to_string (em_sample_get_category (s)));
  json_builder_set_member_name (b, "sensor");
  json_builder_add_string_value (b, em_sensor_kind_to_string (em_sample_get_kind (s)));
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, em_sample_get_enabled (s));
  if (em_sample_get_kind (s) == EM_SENSOR_IMAGE)
    {
      json_builder_set_member_name (b, "width");
      json_builder_add_int_value (b, em_sample_get_width (s));
      json_builder_set_member_name (b, "height");
      json_builder_add_int_value (b, em_sample_get_height (s));
    }
  else
    {
      json_builder_set_member_name (b, "interval_ms");
      json_builder_add_double_value (b, em_sample_get_interval_ms (s));
      json_builder_set_member_name (b, "frequency_hz");
      json_builder_add_double_value (b, em_sample_get_frequency_hz (s));
      json_builder_set_member_name (b, "frames");
      json_builder_add_int_value (b, (gint64) em_sample_get_n_frames (s));
      json_builder_set_member_name (b, "length_ms");
      json_builder_add_double_value (b, em_sample_get_length_ms (s));
    }
  json_builder_set_member_name (b, "axes");
  json_builder_begin_array (b);
  for (guint i = 0; i < em_sample_get_n_axes (s); i++)
    {
      const EmAxis *axis = em_sample_get_axis (s, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, axis->name);
      json_builder_set_member_name (b, "units");
      json_builder_add_string_value (b, axis->units);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "encoding");
  json_builder_add_string_value (b, em_encoding_to_string (em_sample_get_encoding (s)));
  json_builder_set_member_name (b, "source_format");
  json_builder_add_string_value (b, em_sample_get_source_format (s));
  json_builder_set_member_name (b, "hash");
  json_builder_add_string_value (b, em_sample_get_hash (s));
  json_builder_set_member_name (b, "created_us");
  json_builder_add_int_value (b, em_sample_get_created (s));
  json_builder_set_member_name (b, "metadata");
  json_builder_begin_object (b);
  for (guint i = 0; i < keys->len; i++)
    {
      json_builder_set_member_name (b, g_ptr_array_index (keys, i));
      json_builder_add_string_value (b, em_sample_get_metadata (s, g_ptr_array_index (keys, i)));
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "bounding_boxes");
  json_builder_begin_array (b);
  for (guint i = 0; i < em_sample_get_n_boxes (s); i++)
    {
      const EmBoundingBox *box = em_sample_get_box (s, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, box->label);
      json_builder_set_member_name (b, "x");
      json_builder_add_double_value (b, box->x);
      json_builder_set_member_name (b, "y");
      json_builder_add_double_value (b, box->y);
      json_builder_set_member_name (b, "width");
      json_builder_add_double_value (b, box->width);
      json_builder_set_member_name (b, "height");
      json_builder_add_double_value (b, box->height);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
em_cli_parse_ids (char **args, int n, GArray **ids, int *exit_code)
{
  *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (n <= 0)
    {
      *exit_code = em_cli_usage ("give one or more sample ids");
      return FALSE;
    }
  for (int i = 0; i < n; i++)
    {
      guint64 v = 0;
      if (!g_ascii_string_to_unsigned (args[i], 10, 1, G_MAXINT64, &v, NULL))
        {
          *exit_code = em_cli_usage ("'%s' is not a sample id (a positive number)", args[i]);
          return FALSE;
        }
      gint64 id = (gint64) v;
      g_array_append_val (*ids, id);
    }
  return TRUE;
}
