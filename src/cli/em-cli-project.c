/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include "em-cli.h"

static int
project_create (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PATH.ember - create an empty project");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autofree char *name = NULL;
  int code;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Project name (default: the file name)", "NAME" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("project create needs exactly one PATH");
  project = em_project_create (argv[1], name, &error);
  if (project == NULL)
    return em_cli_fail (error);
  printf ("Created project '%s' at %s\n", em_project_get_name (project), em_project_get_path (project));
  return EM_EXIT_OK;
}

static int
project_info (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PATH.ember - show a project's summary");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(GPtrArray) stats = NULL;
  g_autofree char *created = NULL;
  gboolean json = FALSE;
  guint total[2] = { 0, 0 };
  double length[2] = { 0, 0 };
  int code = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("project info needs exactly one PATH");
  project = em_cli_open_project (argv[1], &code);
  if (project == NULL)
    return code;
  stats = em_project_label_stats (project, &error);
  if (stats == NULL)
    return em_cli_fail (error);
  created = em_project_get_setting (project, "created");
  for (guint i = 0; i < stats->len; i++)
    {
      EmLabelStats *s = g_ptr_array_index (stats, i);
      for (int c = 0; c < 2; c++)
        {
          total[c] += s->count[c];
          length[c] += s->length_ms[c];
        }
    }

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, em_project_get_name (project));
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, em_project_get_path (project));
      json_builder_set_member_name (b, "schema_version");
      json_builder_add_int_value (b, EM_PROJECT_SCHEMA_VERSION);
      json_builder_set_member_name (b, "created");
      json_builder_add_string_value (b, created);
      json_builder_set_member_name (b, "samples");
      json_builder_add_int_value (b, total[0] + total[1]);
      json_builder_set_member_name (b, "training");
      json_builder_add_int_value (b, total[0]);
      json_builder_set_member_name (b, "testing");
      json_builder_add_int_value (b, total[1]);
      json_builder_set_member_name (b, "labels");
      json_builder_begin_array (b);
      for (guint i = 0; i < stats->len; i++)
        json_builder_add_string_value (b, ((EmLabelStats *) g_ptr_array_index (stats, i))->label);
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      em_cli_print_json (root);
      return EM_EXIT_OK;
    }

  printf ("Project:  %s\n", em_project_get_name (project));
  printf ("File:     %s\n", em_project_get_path (project));
  printf ("Created:  %s\n", created != NULL ? created : "unknown");
  printf ("Samples:  %u (training %u, testing %u)\n", total[0] + total[1], total[0], total[1]);
  if (length[0] + length[1] > 0)
    printf ("Length:   %.1f s training, %.1f s testing\n", length[0] / 1000, length[1] / 1000);
  printf ("Labels:   %u\n", stats->len);
  for (guint i = 0; i < stats->len; i++)
    {
      EmLabelStats *s = g_ptr_array_index (stats, i);
      printf ("  %-20s %6u training %6u testing\n", *s->label ? s->label : "(unlabeled)",
              s->count[0], s->count[1]);
    }
  return EM_EXIT_OK;
}

static int
project_keys (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PATH.ember - show or set the keys devices use");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autofree char *hmac_key = NULL, *api_key = NULL, *current_hmac = NULL;
  gboolean clear_hmac = FALSE, json = FALSE;
  int code = 0;
  GOptionEntry entries[] = {
    { "hmac-key", 0, 0, G_OPTION_ARG_STRING, &hmac_key,
      "Require Edge Impulse documents sent to the ingestion server to be signed with this key", "KEY" },
    { "clear-hmac-key", 0, 0, G_OPTION_ARG_NONE, &clear_hmac, "Stop requiring signed documents", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("project keys needs exactly one PATH");
  if (hmac_key != NULL && clear_hmac)
    return em_cli_usage ("--hmac-key and --clear-hmac-key contradict each other");
  if (hmac_key != NULL && *hmac_key == '\0')
    return em_cli_usage ("--hmac-key must not be empty (use --clear-hmac-key)");
  project = em_cli_open_project (argv[1], &code);
  if (project == NULL)
    return code;
  if ((hmac_key != NULL || clear_hmac) &&
      !em_project_set_setting (project, "hmac_key", clear_hmac ? NULL : hmac_key, &error))
    return em_cli_fail (error);
  api_key = em_project_get_setting (project, "api_key");
  current_hmac = em_project_get_setting (project, "hmac_key");
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "api_key");
      json_builder_add_string_value (b, api_key);
      json_builder_set_member_name (b, "hmac_key_set");
      json_builder_add_boolean_value (b, current_hmac != NULL);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      em_cli_print_json (root);
      return EM_EXIT_OK;
    }
  /* The HMAC key is a secret the user chose: say whether it is set, never print it. */
  printf ("API key:  %s\nHMAC key: %s\n", api_key != NULL ? api_key : "(none)",
          current_hmac != NULL ? "set (signed documents required)" : "not set");
  return EM_EXIT_OK;
}

int
em_cli_project_main (int argc, char **argv)
{
  static const EmCliCommand commands[] = {
    { "create", "create an empty project file", project_create },
    { "info", "show a project's name, sample counts and labels", project_info },
    { "keys", "show the API key, set or clear the HMAC key devices sign with", project_keys },
    { NULL, NULL, NULL },
  };
  return em_cli_dispatch ("project", commands, argc, argv);
}
