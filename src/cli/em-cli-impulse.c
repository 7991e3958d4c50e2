/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include "em-block-registry.h"
#include "em-cli.h"
#include "em-autotune.h"
#include "em-impulse.h"

/* Input-block options shared by create and input. */
typedef struct {
  double   window_size, window_increase, frequency;
  gboolean no_zero_pad;
  char    *axes;
  char    *image_size;
  char    *resize;
  char    *anchor;
} InputOptions;

static void
add_input_options (GOptionContext *ctx, InputOptions *o)
{
  GOptionEntry entries[] = {
    { "window-size", 0, 0, G_OPTION_ARG_DOUBLE, &o->window_size, "Window size in ms", "MS" },
    { "window-increase", 0, 0, G_OPTION_ARG_DOUBLE, &o->window_increase, "Stride between windows in ms", "MS" },
    { "frequency", 0, 0, G_OPTION_ARG_DOUBLE, &o->frequency, "Expected sampling frequency in Hz", "HZ" },
    { "no-zero-pad", 0, 0, G_OPTION_ARG_NONE, &o->no_zero_pad, "Skip samples shorter than a window", NULL },
    { "axes", 0, 0, G_OPTION_ARG_STRING, &o->axes, "Axes to use, comma separated", "A,B" },
    { "image-size", 0, 0, G_OPTION_ARG_STRING, &o->image_size, "Image input size", "WxH" },
    { "resize", 0, 0, G_OPTION_ARG_STRING, &o->resize, "squash, fit-shortest or fit-longest", "MODE" },
    { "crop-anchor", 0, 0, G_OPTION_ARG_STRING, &o->anchor, "top-left ... middle-center ... bottom-right", "ANCHOR" },
    { NULL }
  };
  g_option_context_add_main_entries (ctx, entries, NULL);
}

static void
input_options_clear (InputOptions *o)
{
  g_free (o->axes);
  g_free (o->image_size);
  g_free (o->resize);
  g_free (o->anchor);
}

static gboolean
apply_input_options (InputOptions *o, EmInputConfig *in, int *code)
{
  if (o->window_size != 0)
    {
      if (!(o->window_size > 0))
        return (*code = em_cli_usage ("--window-size must be positive")), FALSE;
      in->window_size_ms = o->window_size;
      if (o->window_increase == 0)
        in->window_increase_ms = MIN (in->window_increase_ms, o->window_size);
    }
  if (o->window_increase != 0)
    {
      if (!(o->window_increase > 0))
        return (*code = em_cli_usage ("--window-increase must be positive")), FALSE;
      in->window_increase_ms = o->window_increase;
    }
  if (o->frequency != 0)
    {
      if (!(o->frequency > 0))
        return (*code = em_cli_usage ("--frequency must be positive")), FALSE;
      in->frequency_hz = o->frequency;
    }
  if (o->no_zero_pad)
    in->zero_pad = FALSE;
  if (o->axes != NULL)
    {
      g_strfreev (in->axes);
      in->axes = g_strsplit (o->axes, ",", -1);
    }
  if (o->image_size != NULL)
    {
      guint w = 0, h = 0;
      if (sscanf (o->image_size, "%ux%u", &w, &h) != 2 || w == 0 || h == 0 || w > 4096 || h > 4096)
        return (*code = em_cli_usage ("--image-size must look like 96x96")), FALSE;
      in->is_image = TRUE;
      in->width = w;
      in->height = h;
    }
  if (o->resize != NULL)
    {
      if (strcmp (o->resize, "squash") == 0)
        in->resize_mode = EM_RESIZE_SQUASH;
      else if (strcmp (o->resize, "fit-shortest") == 0)
        in->resize_mode = EM_RESIZE_FIT_SHORTEST;
      else if (strcmp (o->resize, "fit-longest") == 0)
        in->resize_mode = EM_RESIZE_FIT_LONGEST;
      else
        return (*code = em_cli_usage ("--resize must be squash, fit-shortest or fit-longest")), FALSE;
    }
  if (o->anchor != NULL)
    {
      g_free (in->crop_anchor);
      in->crop_anchor = g_strdup (o->anchor);
    }
  return TRUE;
}

static EmImpulse *
load_impulse (EmProject *project, int *code)
{
  g_autoptr(GError) error = NULL;
  EmImpulse *impulse = em_impulse_load (project, &error);

  if (impulse == NULL)
    *code = em_cli_fail (error);
  return impulse;
}

/* A free id for a new block: @id as given (refused when taken), or the
 * plugin's id, numbered when taken. */
static char *
unique_id (EmImpulse *impulse, const char *plugin, const char *id, int *code)
{
  char *unique = g_strdup (id != NULL ? id : plugin);

  for (guint n = 2; em_impulse_has_id (impulse, unique); n++)
    {
      if (id != NULL)
        {
          *code = em_cli_usage ("the impulse already has a block '%s'", id);
          g_free (unique);
          return NULL;
        }
      g_free (unique);
      unique = g_strdup_printf ("%s-%u", plugin, n);
    }
  return unique;
}

/* A learning block fed by @inputs (comma separated; NULL: every processing block). */
static gboolean
add_learn_block (EmImpulse *impulse, EmBlock *block, const char *plugin, const char *id, const char *inputs,
                 int *code)
{
  g_autofree char *unique = NULL;
  g_auto(GStrv) list = NULL;
  EmImpulseLearnBlock *lb;

  if (inputs != NULL)
    {
      list = g_strsplit (inputs, ",", -1);
      for (guint i = 0; list[i] != NULL; i++)
        {
          if (em_impulse_find_block (impulse, list[i]) == NULL)
            {
              fprintf (stderr, "ember-cli: --inputs: the impulse has no processing block '%s'\n", list[i]);
              *code = EM_EXIT_NOT_FOUND;
              return FALSE;
            }
          for (guint k = 0; k < i; k++)
            if (strcmp (list[k], list[i]) == 0)
              return (*code = em_cli_usage ("--inputs names '%s' twice", list[i])), FALSE;
        }
    }
  else
    {
      list = g_new0 (char *, impulse->blocks->len + 1);
      for (guint i = 0; i < impulse->blocks->len; i++)
        list[i] = g_strdup (((EmImpulseBlock *) g_ptr_array_index (impulse->blocks, i))->id);
    }
  if (list[0] == NULL)
    {
      fprintf (stderr, "ember-cli: a learning block needs a processing block to feed it: add one first\n");
      *code = EM_EXIT_NOT_FOUND;
      return FALSE;
    }
  if ((unique = unique_id (impulse, plugin, id, code)) == NULL)
    return FALSE;
  lb = em_impulse_add_learn_block (impulse, unique, plugin, (const char * const *) list);
  lb->x = 300.0 * (impulse->blocks->len + impulse->learn_blocks->len);
  {
    g_autofree char *joined = g_strjoinv (", ", list);
    printf ("Added learning block '%s' (%s) fed by %s\n", unique, em_block_get_name (block), joined);
  }
  return TRUE;
}

static gboolean
add_block (EmImpulse *impulse, const char *plugin, const char *id, const char *inputs, int *code)
{
  EmBlock *block = em_block_registry_lookup (em_block_registry_get_default (), plugin);
  g_autofree char *unique = NULL;

  if (block != NULL && em_block_get_kind (block) == EM_BLOCK_LEARNING)
    return add_learn_block (impulse, block, plugin, id, inputs, code);
  if (block == NULL || em_block_get_kind (block) != EM_BLOCK_PROCESSING)
    {
      fprintf (stderr, "ember-cli: no processing or learning block '%s'; see 'ember-cli blocks list'\n", plugin);
      *code = EM_EXIT_NOT_FOUND;
      return FALSE;
    }
  if (inputs != NULL)
    return (*code = em_cli_usage ("--inputs is for learning blocks; '%s' is a processing block", plugin)), FALSE;
  if ((unique = unique_id (impulse, plugin, id, code)) == NULL)
    return FALSE;
  em_impulse_add_block (impulse, unique, plugin)->x = 300.0 * impulse->blocks->len;
  printf ("Added block '%s' (%s)\n", unique, em_block_get_name (block));
  return TRUE;
}

static int
impulse_create (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - create the impulse (replaces any)");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmImpulse) impulse = em_impulse_new ();
  g_auto(GStrv) blocks = NULL;
  InputOptions o = { 0 };
  int code = 0;
  GOptionEntry entries[] = {
    { "block", 'b', 0, G_OPTION_ARG_STRING_ARRAY, &blocks, "Add a processing block (repeatable)", "PLUGIN" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  add_input_options (ctx, &o);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    goto out;
  if (argc != 2)
    {
      code = em_cli_usage ("impulse create needs exactly one PROJECT");
      goto out;
    }
  project = em_cli_open_project (argv[1], &code);
  if (project == NULL)
    goto out;
  if (!em_input_config_guess (&impulse->input, project, &error))
    {
      code = em_cli_fail (error);
      goto out;
    }
  if (!apply_input_options (&o, &impulse->input, &code))
    goto out;
  for (guint i = 0; blocks != NULL && blocks[i] != NULL; i++)
    if (!add_block (impulse, blocks[i], NULL, NULL, &code))
      goto out;
  if (!em_impulse_save (project, impulse, &error))
    code = em_cli_fail (error);
out:
  input_options_clear (&o);
  return code;
}

static int
impulse_show (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - show the impulse as JSON");
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autofree char *json = NULL;
  int code = 0;

  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("impulse show needs exactly one PROJECT");
  if ((project = em_cli_open_project (argv[1], &code)) == NULL || (impulse = load_impulse (project, &code)) == NULL)
    return code;
  json = em_impulse_to_json (impulse);
  printf ("%s\n", json);
  return EM_EXIT_OK;
}

static int
impulse_input (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - change the input block");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  InputOptions o = { 0 };
  int code = 0;

  add_input_options (ctx, &o);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    goto out;
  if (argc != 2)
    {
      code = em_cli_usage ("impulse input needs exactly one PROJECT");
      goto out;
    }
  if ((project = em_cli_open_project (argv[1], &code)) == NULL || (impulse = load_impulse (project, &code)) == NULL)
    goto out;
  if (apply_input_options (&o, &impulse->input, &code) && !em_impulse_save (project, impulse, &error))
    code = em_cli_fail (error);
out:
  input_options_clear (&o);
  return code;
}

static int
impulse_add (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT PLUGIN - add a processing or learning block");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autofree char *id = NULL, *axes = NULL, *inputs = NULL;
  int code = 0;
  GOptionEntry entries[] = {
    { "id", 0, 0, G_OPTION_ARG_STRING, &id, "Block id in the impulse (default: the plugin's)", "ID" },
    { "axes", 0, 0, G_OPTION_ARG_STRING, &axes, "Axes this block sees, comma separated", "A,B" },
    { "inputs", 0, 0, G_OPTION_ARG_STRING, &inputs,
      "Learning blocks: processing blocks feeding it, comma separated (default: all)", "ID,ID" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 3)
    return em_cli_usage ("impulse add needs a PROJECT and a PLUGIN");
  if ((project = em_cli_open_project (argv[1], &code)) == NULL || (impulse = load_impulse (project, &code)) == NULL)
    return code;
  if (axes != NULL && em_block_registry_lookup (em_block_registry_get_default (), argv[2]) != NULL &&
      em_block_get_kind (em_block_registry_lookup (em_block_registry_get_default (), argv[2])) == EM_BLOCK_LEARNING)
    return em_cli_usage ("--axes is for processing blocks; '%s' is a learning block", argv[2]);
  if (!add_block (impulse, argv[2], id, inputs, &code))
    return code;
  if (axes != NULL)
    ((EmImpulseBlock *) g_ptr_array_index (impulse->blocks, impulse->blocks->len - 1))->axes = g_strsplit (axes, ",", -1);
  if (!em_impulse_save (project, impulse, &error))
    return em_cli_fail (error);
  return EM_EXIT_OK;
}

static int
impulse_remove (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT BLOCK - remove a block");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  int code = 0;

  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 3)
    return em_cli_usage ("impulse remove needs a PROJECT and a BLOCK id");
  if ((project = em_cli_open_project (argv[1], &code)) == NULL || (impulse = load_impulse (project, &code)) == NULL)
    return code;
  if (!em_impulse_remove (impulse, argv[2], &error))
    return em_cli_fail (error);
  if (!em_impulse_save (project, impulse, &error))
    return em_cli_fail (error);
  return EM_EXIT_OK;
}

/* A parameter value from the command line: numbers and true/false as JSON, else a string. */
static JsonNode *
value_from_text (const char *text)
{
  JsonNode *value = json_from_string (text, NULL);

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    {
      g_clear_pointer (&value, json_node_unref);
      value = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (value, text);
    }
  return value;
}

static int
impulse_set (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT BLOCK NAME=VALUE... - set block parameters");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(EmBlockParams) check = NULL;
  EmImpulseBlock *ib;
  EmImpulseLearnBlock *lb = NULL;
  JsonObject *params;
  const char *plugin;
  EmBlock *block;
  int code = 0;

  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc < 4)
    return em_cli_usage ("impulse set needs a PROJECT, a BLOCK id and NAME=VALUE pairs");
  if ((project = em_cli_open_project (argv[1], &code)) == NULL || (impulse = load_impulse (project, &code)) == NULL)
    return code;
  ib = em_impulse_find_block (impulse, argv[2]);
  if (ib == NULL && (lb = em_impulse_find_learn_block (impulse, argv[2])) == NULL)
    {
      fprintf (stderr, "ember-cli: the impulse has no block '%s'\n", argv[2]);
      return EM_EXIT_NOT_FOUND;
    }
  params = ib != NULL ? ib->params : lb->params;
  plugin = ib != NULL ? ib->plugin : lb->plugin;
  for (int i = 3; i < argc; i++)
    {
      g_auto(GStrv) kv = g_strsplit (argv[i], "=", 2);
      g_autoptr(JsonNode) value = NULL;

      if (kv[0] == NULL || kv[1] == NULL || *kv[0] == '\0')
        return em_cli_usage ("'%s' is not NAME=VALUE", argv[i]);
      value = value_from_text (kv[1]);
      json_object_set_member (params, kv[0], g_steal_pointer (&value));
    }
  block = em_block_registry_lookup (em_block_registry_get_default (), plugin);
  if (block != NULL && (check = em_block_resolve_params (block, params, &error)) == NULL)
    return em_cli_fail (error);
  if (!em_impulse_save (project, impulse, &error))
    return em_cli_fail (error);
  return EM_EXIT_OK;
}

static int
impulse_autotune (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT BLOCK - suggest parameters from the data");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(GHashTable) suggestions = NULL;
  g_autoptr(GList) names = NULL;
  gboolean apply = FALSE;
  gint examples = 32;
  int code = 0;
  GOptionEntry entries[] = {
    { "apply", 0, 0, G_OPTION_ARG_NONE, &apply, "Set the suggested parameters in the impulse", NULL },
    { "examples", 0, 0, G_OPTION_ARG_INT, &examples, "Training windows to look at (default 32)", "N" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 3)
    return em_cli_usage ("impulse autotune needs a PROJECT and a BLOCK id");
  if (examples < 1)
    return em_cli_usage ("--examples must be at least 1");
  if ((project = em_cli_open_project (argv[1], &code)) == NULL || (impulse = load_impulse (project, &code)) == NULL)
    return code;
  suggestions = em_autotune_block (project, impulse, argv[2], em_block_registry_get_default (), (guint) examples, &error);
  if (suggestions == NULL)
    return em_cli_fail (error);
  names = g_list_sort (g_hash_table_get_keys (suggestions), (GCompareFunc) g_strcmp0);
  for (GList *l = names; l != NULL; l = l->next)
    printf ("%s=%s\n", (char *) l->data, (char *) g_hash_table_lookup (suggestions, l->data));
  if (apply)
    {
      EmImpulseBlock *ib = em_impulse_find_block (impulse, argv[2]);
      EmBlock *block = em_block_registry_lookup (em_block_registry_get_default (), ib->plugin);
      g_autoptr(EmBlockParams) check = NULL;

      for (GList *l = names; l != NULL; l = l->next)
        json_object_set_member (ib->params, l->data, value_from_text (g_hash_table_lookup (suggestions, l->data)));
      if ((check = em_block_resolve_params (block, ib->params, &error)) == NULL ||
          !em_impulse_save (project, impulse, &error))
        return em_cli_fail (error);
    }
  return EM_EXIT_OK;
}

int
em_cli_impulse_main (int argc, char **argv)
{
  static const EmCliCommand commands[] = {
    { "create", "create the impulse from the project's data (replaces any)", impulse_create },
    { "show", "print the impulse as JSON", impulse_show },
    { "input", "change the input block (window size, stride, axes, image size)", impulse_input },
    { "add", "add a processing or learning block", impulse_add },
    { "remove", "remove a block", impulse_remove },
    { "set", "set block parameters", impulse_set },
    { "autotune", "suggest (and with --apply set) block parameters from the data", impulse_autotune },
    { NULL, NULL, NULL },
  };
  return em_cli_dispatch ("impulse", commands, argc, argv);
}
