/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include "em-block-registry.h"
#include "em-cli.h"

static JsonNode *
block_to_json (EmBlock *block, gboolean with_schema)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint kinds = em_block_get_input_kinds (block);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, em_block_get_id (block));
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, em_block_kind_to_string (em_block_get_kind (block)));
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, em_block_get_name (block));
  json_builder_set_member_name (b, "description");
  json_builder_add_string_value (b, em_block_get_description (block));
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, em_block_get_version (block));
  json_builder_set_member_name (b, "inputs");
  json_builder_begin_array (b);
  if (kinds & EM_INPUT_TIME_SERIES)
    json_builder_add_string_value (b, "time-series");
  if (kinds & EM_INPUT_AUDIO)
    json_builder_add_string_value (b, "audio");
  if (kinds & EM_INPUT_IMAGE)
    json_builder_add_string_value (b, "image");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "plugin");
  json_builder_add_string_value (b, em_block_get_plugin_path (block));
  if (with_schema)
    {
      JsonNode *schema = json_node_new (JSON_NODE_ARRAY);
      json_node_set_array (schema, em_block_get_schema (block));
      json_builder_set_member_name (b, "parameters");
      json_builder_add_value (b, schema);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static int
blocks_list (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- list the blocks the installed plugins offer");
  EmBlockRegistry *registry;
  g_autoptr(GPtrArray) blocks = NULL;
  GPtrArray *broken;
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
    return em_cli_usage ("blocks list takes no arguments");
  registry = em_block_registry_get_default ();
  blocks = em_block_registry_list (registry);
  broken = em_block_registry_list_broken (registry);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "blocks");
      json_builder_begin_array (b);
      for (guint i = 0; i < blocks->len; i++)
        json_builder_add_value (b, block_to_json (g_ptr_array_index (blocks, i), FALSE));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "broken");
      json_builder_begin_array (b);
      for (guint i = 0; i < broken->len; i++)
        {
          EmBrokenPlugin *p = g_ptr_array_index (broken, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "path");
          json_builder_add_string_value (b, p->path);
          json_builder_set_member_name (b, "reason");
          json_builder_add_string_value (b, p->reason);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      em_cli_print_json (root);
      return EM_EXIT_OK;
    }
  printf ("%-14s %-11s %-24s %s\n", "ID", "KIND", "NAME", "DESCRIPTION");
  for (guint i = 0; i < blocks->len; i++)
    {
      EmBlock *block = g_ptr_array_index (blocks, i);
      printf ("%-14s %-11s %-24s %s\n", em_block_get_id (block),
              em_block_kind_to_string (em_block_get_kind (block)), em_block_get_name (block),
              em_block_get_description (block));
    }
  for (guint i = 0; i < broken->len; i++)
    {
      EmBrokenPlugin *p = g_ptr_array_index (broken, i);
      fprintf (stderr, "broken plugin %s: %s\n", p->path, p->reason);
    }
  if (blocks->len == 0)
    fprintf (stderr, "ember-cli: no blocks found; set EMBER_PLUGIN_PATH or install the plugins\n");
  return EM_EXIT_OK;
}

static int
blocks_show (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("ID - show a block and its parameters");
  g_autoptr(JsonNode) node = NULL;
  EmBlock *block;
  JsonArray *schema;
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
    return em_cli_usage ("blocks show needs a block ID");
  block = em_block_registry_lookup (em_block_registry_get_default (), argv[1]);
  if (block == NULL)
    {
      fprintf (stderr, "ember-cli: no block '%s'; see 'ember-cli blocks list'\n", argv[1]);
      return EM_EXIT_NOT_FOUND;
    }
  node = block_to_json (block, TRUE);
  if (json)
    {
      em_cli_print_json (node);
      return EM_EXIT_OK;
    }
  printf ("%s (%s block, version %u)\n%s\nPlugin: %s\n\nParameters:\n", em_block_get_name (block),
          em_block_kind_to_string (em_block_get_kind (block)), em_block_get_version (block),
          em_block_get_description (block), em_block_get_plugin_path (block));
  schema = em_block_get_schema (block);
  for (guint i = 0; i < json_array_get_length (schema); i++)
    {
      JsonObject *p = json_array_get_object_element (schema, i);
      g_autofree char *def = json_to_string (json_object_get_member (p, "default"), FALSE);
      g_autoptr(GString) range = g_string_new (NULL);

      if (json_object_has_member (p, "min") || json_object_has_member (p, "max"))
        g_string_append_printf (range, " [%g..%g]", json_object_get_double_member_with_default (p, "min", -G_MAXDOUBLE),
                                json_object_get_double_member_with_default (p, "max", G_MAXDOUBLE));
      if (json_object_has_member (p, "values"))
        {
          g_autofree char *values = json_to_string (json_object_get_member (p, "values"), FALSE);
          g_string_append_printf (range, " one of %s", values);
        }
      printf ("  %-24s %-6s default %s%s\n      %s\n", json_object_get_string_member (p, "name"),
              json_object_get_string_member_with_default (p, "type", "string"), def, range->str,
              json_object_get_string_member_with_default (p, "help", ""));
    }
  return EM_EXIT_OK;
}

int
em_cli_blocks_main (int argc, char **argv)
{
  static const EmCliCommand commands[] = {
    { "list", "list the blocks the installed plugins offer (and broken plugins)", blocks_list },
    { "show", "show a block and its parameter schema", blocks_show },
    { NULL, NULL, NULL },
  };
  return em_cli_dispatch ("blocks", commands, argc, argv);
}
