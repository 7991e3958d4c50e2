/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "em-cli.h"
#include "em-error.h"
#include "em-export.h"
#include "em-import.h"

typedef struct {
  gboolean       report;
  EmCliProgress *progress;
} ImportRun;

static void
print_paths (const char *tag, GPtrArray *paths)
{
  for (guint i = 0; i < paths->len; i++)
    printf ("%s\t%s\n", tag, (const char *) g_ptr_array_index (paths, i));
  /* Flushed per batch: a script reading this learns of a commit promptly,
   * and a kill loses no line about an earlier batch. */
  fflush (stdout);
}

static void
on_pending (GPtrArray *paths, gpointer data)
{
  if (((ImportRun *) data)->report)
    print_paths ("pending", paths);
}

static void
on_committed (GPtrArray *paths, gpointer data)
{
  if (((ImportRun *) data)->report)
    print_paths ("committed", paths);
}

static void
on_refused (const char *path, const GError *error, gpointer data)
{
  ImportRun *run = data;

  if (run->report)
    {
      printf ("refused\t%s\n", path);
      fflush (stdout);
    }
  fprintf (stderr, "%sember-cli: %s\n", isatty (2) ? "\r\033[K" : "", error->message);
}

static void
on_progress (guint done, guint total, gpointer data)
{
  em_cli_progress_update (((ImportRun *) data)->progress, done, total);
}

int
em_cli_data_import (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT FILE|DIR... - import data");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *label = NULL, *category = NULL, *hmac_key = NULL;
  gboolean allow_duplicates = FALSE, report = FALSE, json = FALSE, strict = FALSE;
  gint batch = 200;
  EmImportOptions options;
  EmImportStats stats = { 0 };
  ImportRun run = { 0 };
  EmImportCallbacks callbacks = { on_pending, on_committed, on_refused, on_progress, &run };
  gboolean ok;
  int code = 0;
  GOptionEntry entries[] = {
    { "label", 'l', 0, G_OPTION_ARG_STRING, &label, "Label for every sample (default: from the file name, 'yes.01.wav' -> 'yes')", "LABEL" },
    { "category", 'c', 0, G_OPTION_ARG_STRING, &category, "training, testing or split (default: a training/testing folder in the path, else an 80/20 split)", "CATEGORY" },
    { "hmac-key", 0, 0, G_OPTION_ARG_STRING, &hmac_key, "Verify signed Edge Impulse JSON/CBOR files with this key", "KEY" },
    { "allow-duplicates", 0, 0, G_OPTION_ARG_NONE, &allow_duplicates, "Import files whose data is already in the project", NULL },
    { "strict", 0, 0, G_OPTION_ARG_NONE, &strict, "Import nothing if any file is refused", NULL },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Files per transaction (default 200)", "N" },
    { "report", 0, 0, G_OPTION_ARG_NONE, &report, "Print 'pending', 'committed' and 'refused' lines with each path on stdout", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the summary as JSON", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc < 3)
    return em_cli_usage ("data import needs a PROJECT and one or more files or folders");
  if (batch < 1)
    return em_cli_usage ("--batch must be at least 1");
  em_import_options_init (&options);
  options.label = label;
  options.hmac_key = hmac_key;
  options.allow_duplicates = allow_duplicates;
  if (category != NULL && strcmp (category, "split") != 0)
    {
      EmCategory c;
      if (!em_category_from_string (category, &c))
        return em_cli_usage ("--category must be training, testing or split, not '%s'", category);
      options.category = c;
    }

  files = em_import_collect ((const char * const *) argv + 2, &error);
  if (files == NULL)
    {
      /* A missing input is bad input, not a missing sample. */
      em_cli_fail (error);
      return EM_EXIT_BAD_INPUT;
    }
  project = em_cli_open_project (argv[1], &code);
  if (project == NULL)
    return code;

  if (strict)
    {
      /* Read everything first: one refusal and nothing is written. */
      guint refused = 0;
      for (guint i = 0; i < files->len; i++)
        {
          g_autoptr(GError) file_error = NULL;
          g_autoptr(GPtrArray) s = em_import_read_file (g_ptr_array_index (files, i), &options, NULL, &file_error);
          if (s == NULL)
            {
              fprintf (stderr, "ember-cli: %s\n", file_error->message);
              refused++;
            }
        }
      if (refused > 0)
        {
          fprintf (stderr, "ember-cli: %u of %u files refused; nothing imported (--strict)\n", refused, files->len);
          return EM_EXIT_BAD_INPUT;
        }
    }

  run.report = report;
  run.progress = em_cli_progress_new ("Importing", "files");
  ok = em_import_files (project, files, &options, (guint) batch, &callbacks, em_cli_cancellable (),
                        &stats, &error);
  em_cli_progress_done (run.progress);
  if (!ok)
    {
      fprintf (stderr, "ember-cli: %s (%u files committed before)\n", error->message, stats.n_files_imported);
      return em_cli_exit_code_for (error);
    }
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "files");
      json_builder_add_int_value (b, stats.n_files);
      json_builder_set_member_name (b, "imported_files");
      json_builder_add_int_value (b, stats.n_files_imported);
      json_builder_set_member_name (b, "samples");
      json_builder_add_int_value (b, stats.n_samples);
      json_builder_set_member_name (b, "refused");
      json_builder_add_int_value (b, stats.n_refused);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      em_cli_print_json (root);
    }
  else if (!report)
    printf ("Imported %u of %u files (%u samples)%s\n", stats.n_files_imported, stats.n_files,
            stats.n_samples, stats.n_refused > 0 ? "; see the refusals above" : "");
  if (stats.n_refused > 0)
    return stats.n_files_imported > 0 ? EM_EXIT_PARTIAL : EM_EXIT_BAD_INPUT;
  return EM_EXIT_OK;
}

static void
on_export_progress (double fraction, const char *what, gpointer data)
{
  em_cli_progress_update (data, (guint64) (fraction * 1000), 1000);
}

int
em_cli_data_export (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT DIR - write samples to folders");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autofree char *format = NULL, *boxes = NULL, *label = NULL, *category = NULL, *hmac_key = NULL;
  EmExportOptions options;
  EmSampleFilter filter;
  EmCliProgress *progress;
  gboolean ok;
  int code = 0;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "Time series as csv (default), ei-json or ei-cbor", "FORMAT" },
    { "boxes", 0, 0, G_OPTION_ARG_STRING, &boxes, "Bounding boxes as ei (default), voc, coco or yolo", "FORMAT" },
    { "label", 'l', 0, G_OPTION_ARG_STRING, &label, "Only samples with this label", "LABEL" },
    { "category", 'c', 0, G_OPTION_ARG_STRING, &category, "Only training or testing", "CATEGORY" },
    { "hmac-key", 0, 0, G_OPTION_ARG_STRING, &hmac_key, "Sign Edge Impulse files with this key", "KEY" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 3)
    return em_cli_usage ("data export needs a PROJECT and a DIR");
  em_export_options_init (&options);
  em_sample_filter_init (&filter);
  filter.label = label;
  if (category != NULL)
    {
      EmCategory c;
      if (!em_category_from_string (category, &c))
        return em_cli_usage ("--category must be training or testing");
      filter.category = c;
    }
  options.filter = &filter;
  if (format != NULL)
    {
      if (strcmp (format, "csv") != 0 && strcmp (format, "ei-json") != 0 && strcmp (format, "ei-cbor") != 0)
        return em_cli_usage ("--format must be csv, ei-json or ei-cbor");
      options.time_series_format = format;
    }
  if (boxes != NULL && !em_box_format_from_string (boxes, &options.box_format))
    return em_cli_usage ("--boxes must be ei, voc, coco or yolo");
  options.hmac_key = hmac_key;
  project = em_cli_open_project (argv[1], &code);
  if (project == NULL)
    return code;
  progress = em_cli_progress_new ("Exporting", "‰");
  ok = em_export_project (project, argv[2], &options, on_export_progress, progress,
                          em_cli_cancellable (), &error);
  em_cli_progress_done (progress);
  if (!ok)
    return em_cli_fail (error);
  printf ("Exported to %s\n", argv[2]);
  return EM_EXIT_OK;
}
