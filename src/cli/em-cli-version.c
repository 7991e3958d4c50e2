/* SPDX-License-Identifier: Apache-2.0 */
/* ember-cli version: snapshots of a project (em-project-versions.h). */
#include <math.h>
#include <stdio.h>
#include "em-cli.h"
#include "em-error.h"
#include "em-project-versions.h"

static const char create_help[] =
  "Copies the whole project (samples, impulse, features, models, test results)\n"
  "into PROJECT.ember-versions/vNNNN.ember, consistently even while another\n"
  "program writes to it. Ctrl-C cancels: no version file is left.\n"
  "\n"
  "Exit status: 0 created; 1 writing failed (e.g. the disk is full; the project\n"
  "is not changed); 4 the project cannot be opened; 130 cancelled.";

static const char restore_help[] =
  "Restores version N into a NEW project file TARGET.ember. An existing file is\n"
  "never overwritten. The version stays.\n"
  "\n"
  "Exit status: 0 restored; 1 writing failed; 2 bad command line or TARGET\n"
  "exists; 4 the version is damaged or made by a newer Ember; 5 no version N;\n"
  "130 cancelled (no file is left).";

static void
on_progress (double fraction, const char *what, gpointer data)
{
  EmCliProgress *progress = data;

  em_cli_progress_update (progress, (guint64) (fraction * 1000 + 0.5), 1000);
}

static gboolean
parse_number (const char *text, guint *number, int *exit_code)
{
  guint64 n = 0;
  const char *digits = text[0] == 'v' ? text + 1 : text;

  if (!g_ascii_string_to_unsigned (digits, 10, 1, G_MAXUINT, &n, NULL))
    {
      *exit_code = em_cli_usage ("'%s' is not a version number (e.g. 3 or v3)", text);
      return FALSE;
    }
  *number = (guint) n;
  return TRUE;
}

static char *
format_time (gint64 us)
{
  g_autoptr(GDateTime) when = us > 0 ? g_date_time_new_from_unix_local (us / G_USEC_PER_SEC) : NULL;

  return when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

static JsonNode *
version_to_json (const EmVersion *v)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "number");
  json_builder_add_int_value (b, v->number);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, v->path);
  json_builder_set_member_name (b, "description");
  json_builder_add_string_value (b, v->description);
  json_builder_set_member_name (b, "created_us");
  json_builder_add_int_value (b, v->created);
  json_builder_set_member_name (b, "project");
  json_builder_add_string_value (b, v->project_name);
  json_builder_set_member_name (b, "training");
  json_builder_add_int_value (b, v->n_training);
  json_builder_set_member_name (b, "testing");
  json_builder_add_int_value (b, v->n_testing);
  json_builder_set_member_name (b, "labels");
  json_builder_begin_array (b);
  for (guint i = 0; v->labels != NULL && v->labels[i] != NULL; i++)
    json_builder_add_string_value (b, v->labels[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "impulse");
  json_builder_add_string_value (b, v->impulse);
  json_builder_set_member_name (b, "accuracy");
  if (isfinite (v->accuracy))
    json_builder_add_double_value (b, v->accuracy);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "accuracy_kind");
  json_builder_add_string_value (b, v->accuracy_kind);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, v->size);
  json_builder_set_member_name (b, "problem");
  json_builder_add_string_value (b, v->problem);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_version (const EmVersion *v)
{
  g_autofree char *when = format_time (v->created);

  if (v->problem != NULL)
    {
      printf ("v%-4u  cannot be read: %s\n", v->number, v->problem);
      return;
    }
  printf ("v%-4u  %s  %" G_GINT64_FORMAT " training, %" G_GINT64_FORMAT " testing, %u labels",
          v->number, when, v->n_training, v->n_testing, g_strv_length (v->labels));
  if (isfinite (v->accuracy))
    printf (", %s accuracy %.1f%%", v->accuracy_kind, 100 * v->accuracy);
  printf ("%s%s\n", *v->description != '\0' ? "  — " : "", v->description);
}

static int
version_create (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - snapshot the project as a new version");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmVersion) v = NULL;
  g_autofree char *description = NULL;
  EmCliProgress *progress;
  gboolean json = FALSE;
  int code = 0;
  GOptionEntry entries[] = {
    { "description", 'd', 0, G_OPTION_ARG_STRING, &description, "What this version is", "TEXT" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the version as JSON", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx, create_help);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("version create needs exactly one PROJECT");
  project = em_cli_open_project (argv[1], &code);
  if (project == NULL)
    return code;
  progress = em_cli_progress_new ("Creating version", "‰");
  v = em_project_version_create (project, description, on_progress, progress, em_cli_cancellable (), &error);
  em_cli_progress_done (progress);
  if (v == NULL)
    return em_cli_fail (error);
  if (json)
    {
      g_autoptr(JsonNode) root = version_to_json (v);
      em_cli_print_json (root);
    }
  else
    {
      printf ("Created version %u at %s\n", v->number, v->path);
      print_version (v);
    }
  return EM_EXIT_OK;
}

static int
version_list (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - list the project's versions");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  gboolean json = FALSE;
  int code = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("version list needs exactly one PROJECT");
  /* Versions outlive a lost or damaged project: list them without opening it. */
  list = em_project_versions_list (argv[1], &error);
  if (list == NULL)
    return em_cli_fail (error);
  if (json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < list->len; i++)
        json_array_add_element (array, version_to_json (g_ptr_array_index (list, i)));
      json_node_set_array (root, array);
      em_cli_print_json (root);
      return EM_EXIT_OK;
    }
  if (list->len == 0)
    printf ("No versions yet; make one with 'ember-cli version create %s'\n", argv[1]);
  for (guint i = 0; i < list->len; i++)
    print_version (g_ptr_array_index (list, i));
  return EM_EXIT_OK;
}

static int
version_restore (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT N TARGET.ember - restore version N into a new project");
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL, *path = NULL;
  EmCliProgress *progress;
  gboolean ok;
  guint number;
  int code = 0;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Name of the new project (default: 'NAME (vN)')", "NAME" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx, restore_help);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 4)
    return em_cli_usage ("version restore needs PROJECT, a version number and TARGET.ember");
  if (!parse_number (argv[2], &number, &code))
    return code;
  path = em_project_version_path (argv[1], number);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *base = g_path_get_basename (argv[1]);
      g_set_error (&error, EM_ERROR, EM_ERROR_NOT_FOUND, "%s: no version %u", base, number);
      return em_cli_fail (error);
    }
  progress = em_cli_progress_new ("Restoring", "‰");
  ok = em_project_version_restore (path, argv[3], name, on_progress, progress, em_cli_cancellable (), &error);
  em_cli_progress_done (progress);
  if (!ok)
    return em_cli_fail (error);
  printf ("Restored version %u into %s\n", number, argv[3]);
  return EM_EXIT_OK;
}

static int
version_delete (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT N... - delete versions");
  g_autoptr(GError) error = NULL;
  g_autofree guint *numbers = NULL;
  int code = 0;

  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc < 3)
    return em_cli_usage ("version delete needs PROJECT and one or more version numbers");
  numbers = g_new0 (guint, argc);
  /* All numbers checked before anything goes. */
  for (int i = 2; i < argc; i++)
    if (!parse_number (argv[i], &numbers[i], &code))
      return code;
  for (int i = 2; i < argc; i++)
    {
      if (!em_project_version_delete (argv[1], numbers[i], &error))
        return em_cli_fail (error);
      printf ("Deleted version %u\n", numbers[i]);
    }
  return EM_EXIT_OK;
}

int
em_cli_version_main (int argc, char **argv)
{
  static const EmCliCommand commands[] = {
    { "create", "snapshot the whole project as a new version", version_create },
    { "list", "list versions with their date, counts and accuracy", version_list },
    { "restore", "restore a version into a new project file", version_restore },
    { "delete", "delete versions", version_delete },
    { NULL, NULL, NULL },
  };
  return em_cli_dispatch ("version", commands, argc, argv);
}
