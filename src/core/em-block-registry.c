/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include <gmodule.h>
#include "em-block-registry.h"
#include "em-error.h"

struct _EmBlock
{
  gatomicrefcount    ref_count;
  const EmBlockInfo *info;
  GModule           *module; /* shared by the plugin's blocks; never unloaded, see below */
  char              *plugin_path;
  JsonParser        *schema_parser;
  JsonArray         *schema;
};

G_DEFINE_BOXED_TYPE (EmBlock, em_block, em_block_ref, em_block_unref)

EmBlock *
em_block_ref (EmBlock *block)
{
  g_atomic_ref_count_inc (&block->ref_count);
  return block;
}

void
em_block_unref (EmBlock *block)
{
  if (!g_atomic_ref_count_dec (&block->ref_count))
    return;
  /* The module stays loaded (g_module_make_resident): code from it may still
   * be on another thread's stack, and unloading buys nothing here. */
  g_free (block->plugin_path);
  g_clear_object (&block->schema_parser);
  g_free (block);
}

const char *em_block_get_id (EmBlock *b) { return b->info->id; }
EmBlockKind em_block_get_kind (EmBlock *b) { return b->info->kind; }
const char *em_block_get_name (EmBlock *b) { return b->info->name; }
const char *em_block_get_description (EmBlock *b) { return b->info->description; }
guint em_block_get_version (EmBlock *b) { return b->info->version; }
guint em_block_get_input_kinds (EmBlock *b) { return b->info->input_kinds; }
const char *em_block_get_plugin_path (EmBlock *b) { return b->plugin_path; }
JsonArray *em_block_get_schema (EmBlock *b) { return b->schema; }

const EmProcessingOps *
em_block_get_processing_ops (EmBlock *b)
{
  return b->info->kind == EM_BLOCK_PROCESSING ? b->info->ops : NULL;
}

const EmLearningOps *
em_block_get_learning_ops (EmBlock *b)
{
  return b->info->kind == EM_BLOCK_LEARNING ? b->info->ops : NULL;
}

const char *
em_block_kind_to_string (EmBlockKind kind)
{
  switch (kind)
    {
    case EM_BLOCK_PROCESSING: return "processing";
    case EM_BLOCK_LEARNING: return "learning";
    case EM_BLOCK_DEPLOYMENT: return "deployment";
    default: return "unknown";
    }
}

/* --- parameters ---------------------------------------------------------- */

void
em_block_params_free (EmBlockParams *params)
{
  if (params == NULL)
    return;
  g_free (params->params);
  g_strfreev (params->storage);
  g_free (params);
}

static char *
format_double (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_dtostr (buf, sizeof buf, v));
}

/* One parameter's value as the canonical string the plugin will read. */
static char *
resolve_one (EmBlock *block, JsonObject *spec, JsonNode *value, GError **error)
{
  const char *name = json_object_get_string_member_with_default (spec, "name", "?");
  const char *type = json_object_get_string_member_with_default (spec, "type", "string");
  GType vt;

  if (!JSON_NODE_HOLDS_VALUE (value))
    goto wrong_type;
  vt = json_node_get_value_type (value);

  if (strcmp (type, "bool") == 0)
    {
      if (vt != G_TYPE_BOOLEAN)
        goto wrong_type;
      return g_strdup (json_node_get_boolean (value) ? "true" : "false");
    }
  if (strcmp (type, "int") == 0 || strcmp (type, "float") == 0)
    {
      gboolean is_int = strcmp (type, "int") == 0;
      double v;

      if (vt == G_TYPE_INT64)
        v = (double) json_node_get_int (value);
      else if (vt == G_TYPE_DOUBLE)
        v = json_node_get_double (value);
      else if (vt == G_TYPE_STRING)
        {
          char *end = NULL;
          const char *s = json_node_get_string (value);
          v = g_ascii_strtod (s, &end);
          if (end == s || *end != '\0')
            goto wrong_type;
        }
      else
        goto wrong_type;
      if (!isfinite (v) || (is_int && v != (double) (gint64) v))
        goto wrong_type;
      if (json_object_has_member (spec, "min") && v < json_object_get_double_member (spec, "min"))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                       "%s: parameter %s = %g is below the minimum %g", block->info->id, name, v,
                       json_object_get_double_member (spec, "min"));
          return NULL;
        }
      if (json_object_has_member (spec, "max") && v > json_object_get_double_member (spec, "max"))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                       "%s: parameter %s = %g is above the maximum %g", block->info->id, name, v,
                       json_object_get_double_member (spec, "max"));
          return NULL;
        }
      return is_int ? g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) v) : format_double (v);
    }
  if (strcmp (type, "enum") == 0)
    {
      JsonArray *values = json_object_get_array_member (spec, "values");
      g_autoptr(GString) choices = g_string_new (NULL);
      const char *s;

      if (vt != G_TYPE_STRING)
        goto wrong_type;
      s = json_node_get_string (value);
      for (guint i = 0; values != NULL && i < json_array_get_length (values); i++)
        {
          const char *choice = json_array_get_string_element (values, i);
          if (g_strcmp0 (choice, s) == 0)
            return g_strdup (s);
          g_string_append_printf (choices, "%s%s", i ? ", " : "", choice);
        }
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "%s: parameter %s = '%s' is not one of: %s", block->info->id, name, s, choices->str);
      return NULL;
    }
  if (vt != G_TYPE_STRING)
    goto wrong_type;
  return g_strdup (json_node_get_string (value));

wrong_type:
  g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "%s: parameter %s must be a%s %s",
               block->info->id, name, strcmp (type, "int") == 0 ? "n" : "",
               strcmp (type, "int") == 0 ? "integer" : strcmp (type, "float") == 0 ? "number" : type);
  return NULL;
}

EmBlockParams *
em_block_resolve_params (EmBlock *block, JsonObject *given, GError **error)
{
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(EmBlockParams) out = g_new0 (EmBlockParams, 1);
  guint n = json_array_get_length (block->schema);

  if (given != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (given);
      for (GList *l = members; l != NULL; l = l->next)
        {
          gboolean known = FALSE;
          for (guint i = 0; i < n && !known; i++)
            known = g_strcmp0 (json_object_get_string_member_with_default (
                                 json_array_get_object_element (block->schema, i), "name", NULL),
                               l->data) == 0;
          if (!known)
            {
              g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                           "%s: unknown parameter '%s'", block->info->id, (const char *) l->data);
              return NULL;
            }
        }
    }
  out->params = g_new0 (EmPluginParam, n);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *spec = json_array_get_object_element (block->schema, i);
      const char *name = json_object_get_string_member (spec, "name");
      JsonNode *value = given != NULL && json_object_has_member (given, name)
        ? json_object_get_member (given, name) : json_object_get_member (spec, "default");
      char *text = resolve_one (block, spec, value, error);

      if (text == NULL)
        return NULL;
      g_ptr_array_add (strings, g_strdup (name));
      g_ptr_array_add (strings, text);
    }
  g_ptr_array_add (strings, NULL);
  out->storage = (GStrv) g_ptr_array_steal (strings, NULL);
  out->n_params = n;
  for (guint i = 0; i < n; i++)
    {
      out->params[i].name = out->storage[2 * i];
      out->params[i].value = out->storage[2 * i + 1];
    }
  return g_steal_pointer (&out);
}

char *
em_block_params_to_json (const EmBlockParams *params)
{
  /* Schema order is fixed for a block version, so it is canonical already. */
  GString *s = g_string_new ("{");

  for (gsize i = 0; i < params->n_params; i++)
    {
      g_autofree char *name = g_strescape (params->params[i].name, NULL);
      g_autofree char *value = g_strescape (params->params[i].value, NULL);
      g_string_append_printf (s, "%s\"%s\":\"%s\"", i ? "," : "", name, value);
    }
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

/* --- registry ------------------------------------------------------------ */

struct _EmBlockRegistry
{
  GObject     parent_instance;
  GHashTable *blocks;  /* id -> EmBlock */
  GPtrArray  *broken;  /* EmBrokenPlugin */
  GHashTable *seen;    /* canonical paths already tried */
};

G_DEFINE_FINAL_TYPE (EmBlockRegistry, em_block_registry, G_TYPE_OBJECT)

static void
broken_free (gpointer p)
{
  EmBrokenPlugin *b = p;

  g_free (b->path);
  g_free (b->reason);
  g_free (b);
}

static void
em_block_registry_finalize (GObject *object)
{
  EmBlockRegistry *self = EM_BLOCK_REGISTRY (object);

  g_hash_table_unref (self->blocks);
  g_ptr_array_unref (self->broken);
  g_hash_table_unref (self->seen);
  G_OBJECT_CLASS (em_block_registry_parent_class)->finalize (object);
}

static void
em_block_registry_class_init (EmBlockRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = em_block_registry_finalize;
}

static void
em_block_registry_init (EmBlockRegistry *self)
{
  self->blocks = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) em_block_unref);
  self->broken = g_ptr_array_new_with_free_func (broken_free);
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

EmBlockRegistry *
em_block_registry_new (void)
{
  return g_object_new (EM_TYPE_BLOCK_REGISTRY, NULL);
}

static gboolean
fail (EmBlockRegistry *self, const char *path, GError **error, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (EmBlockRegistry *self, const char *path, GError **error, const char *fmt, ...)
{
  EmBrokenPlugin *b = g_new0 (EmBrokenPlugin, 1);
  va_list args;

  va_start (args, fmt);
  b->reason = g_strdup_vprintf (fmt, args);
  va_end (args);
  b->path = g_strdup (path);
  g_ptr_array_add (self->broken, b);
  g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: %s", path, b->reason);
  return FALSE;
}

/* Everything a block must get right before Ember calls into it. */
static gboolean
check_block (const EmBlockInfo *info, guint index, JsonParser *parser, char **why)
{
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonArray *schema;

  if (info->id == NULL || *info->id == '\0' || info->name == NULL)
    return (*why = g_strdup_printf ("block %u has no id or name", index)), FALSE;
  if (info->kind != EM_BLOCK_PROCESSING && info->kind != EM_BLOCK_LEARNING &&
      info->kind != EM_BLOCK_DEPLOYMENT)
    return (*why = g_strdup_printf ("block '%s' has an unknown kind %d", info->id, info->kind)), FALSE;
  if (info->ops == NULL)
    return (*why = g_strdup_printf ("block '%s' has no operations table", info->id)), FALSE;
  if (info->kind == EM_BLOCK_PROCESSING)
    {
      const EmProcessingOps *ops = info->ops;
      if (ops->init == NULL || ops->run == NULL || ops->free == NULL)
        return (*why = g_strdup_printf ("block '%s' lacks init, run or free", info->id)), FALSE;
    }
  if (info->kind == EM_BLOCK_LEARNING)
    {
      const EmLearningOps *ops = info->ops;
      if (ops->defaults == NULL || ops->train == NULL || ops->free_model == NULL || ops->load == NULL ||
          ops->run == NULL || ops->free == NULL)
        return (*why = g_strdup_printf ("block '%s' lacks defaults, train, free_model, load, run or free",
                                        info->id)), FALSE;
      if (ops->task < EM_TASK_CLASSIFICATION || ops->task > EM_TASK_OBJECT_DETECTION)
        return (*why = g_strdup_printf ("block '%s' has an unknown learning task %u", info->id, ops->task)), FALSE;
    }
  if (!json_parser_load_from_data (parser, info->params_schema != NULL ? info->params_schema : "[]", -1, &error))
    return (*why = g_strdup_printf ("block '%s': parameter schema is not JSON: %s", info->id, error->message)), FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return (*why = g_strdup_printf ("block '%s': parameter schema is not a JSON array", info->id)), FALSE;
  schema = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (schema); i++)
    {
      JsonNode *node = json_array_get_element (schema, i);
      JsonObject *spec = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      if (spec == NULL || !json_object_has_member (spec, "name") || !json_object_has_member (spec, "default"))
        return (*why = g_strdup_printf ("block '%s': parameter %u needs a name and a default", info->id, i)), FALSE;
    }
  return TRUE;
}

gboolean
em_block_registry_load_file (EmBlockRegistry *self, const char *path, GError **error)
{
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);
  g_autoptr(GPtrArray) new_blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) em_block_unref);
  GModule *module;
  gpointer symbol = NULL;
  const EmPluginInfo *info;

  if (g_hash_table_contains (self->seen, canonical))
    return TRUE;
  g_hash_table_add (self->seen, g_strdup (canonical));

  module = g_module_open (canonical, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    return fail (self, canonical, error, "cannot load: %s", g_module_error ());
  if (!g_module_symbol (module, EM_PLUGIN_SYMBOL, &symbol) || symbol == NULL)
    {
      g_module_close (module);
      return fail (self, canonical, error, "not an Ember plugin: no %s() function", EM_PLUGIN_SYMBOL);
    }
  info = ((EmPluginInfoFunc) symbol) ();
  /* The ABI version is the first field: read it before anything else. */
  if (info == NULL)
    {
      g_module_close (module);
      return fail (self, canonical, error, "%s() returned nothing", EM_PLUGIN_SYMBOL);
    }
  if (info->abi_version != EM_PLUGIN_ABI)
    {
      guint abi = info->abi_version;
      g_module_close (module);
      return fail (self, canonical, error, "built for plugin ABI %u, this Ember needs ABI %u; rebuild it",
                   abi, EM_PLUGIN_ABI);
    }
  if (info->struct_size < sizeof (EmPluginInfo) || info->n_blocks == 0 || info->blocks == NULL)
    {
      g_module_close (module);
      return fail (self, canonical, error, "plugin descriptor is malformed or lists no blocks");
    }

  for (guint i = 0; i < info->n_blocks; i++)
    {
      const EmBlockInfo *bi = &info->blocks[i];
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *why = NULL;
      EmBlock *block;

      if (!check_block (bi, i, parser, &why))
        {
          g_module_close (module);
          return fail (self, canonical, error, "%s", why);
        }
      if (g_hash_table_contains (self->blocks, bi->id))
        {
          EmBlock *other = g_hash_table_lookup (self->blocks, bi->id);
          /* Copy out before closing: bi lives in the module's memory. */
          g_autofree char *other_path = g_strdup (other->plugin_path);
          g_autofree char *id = g_strdup (bi->id);
          g_module_close (module);
          return fail (self, canonical, error, "block id '%s' is already provided by %s", id, other_path);
        }
      block = g_new0 (EmBlock, 1);
      g_atomic_ref_count_init (&block->ref_count);
      block->info = bi;
      block->module = module;
      block->plugin_path = g_strdup (canonical);
      block->schema_parser = g_steal_pointer (&parser);
      block->schema = json_node_get_array (json_parser_get_root (block->schema_parser));
      g_ptr_array_add (new_blocks, block);
    }
  g_module_make_resident (module);
  for (guint i = 0; i < new_blocks->len; i++)
    {
      EmBlock *block = g_ptr_array_index (new_blocks, i);
      g_hash_table_insert (self->blocks, (gpointer) block->info->id, em_block_ref (block));
    }
  return TRUE;
}

gboolean
em_block_registry_add_static (EmBlockRegistry *self, const EmBlockInfo *info, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *why = NULL;
  EmBlock *block;

  if (!check_block (info, 0, parser, &why))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s", why);
      return FALSE;
    }
  if (g_hash_table_contains (self->blocks, info->id))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_DUPLICATE, "block id '%s' is already registered", info->id);
      return FALSE;
    }
  block = g_new0 (EmBlock, 1);
  g_atomic_ref_count_init (&block->ref_count);
  block->info = info;
  block->plugin_path = g_strdup ("(built in)");
  block->schema_parser = g_steal_pointer (&parser);
  block->schema = json_node_get_array (json_parser_get_root (block->schema_parser));
  g_hash_table_insert (self->blocks, (gpointer) info->id, block);
  return TRUE;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
load_dir_depth (EmBlockRegistry *self, const char *dir, int depth)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  /* Sorted, so which of two clashing plugins wins does not depend on the file system. */
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (depth > 0)
            load_dir_depth (self, path, depth - 1);
        }
      else if (g_str_has_suffix (path, "." G_MODULE_SUFFIX))
        em_block_registry_load_file (self, path, NULL);
    }
}

void
em_block_registry_load_dir (EmBlockRegistry *self, const char *dir)
{
  load_dir_depth (self, dir, 2);
}

EmBlockRegistry *
em_block_registry_get_default (void)
{
  static GMutex lock;
  static EmBlockRegistry *registry;

  g_mutex_lock (&lock);
  if (registry == NULL)
    {
      const char *env = g_getenv ("EMBER_PLUGIN_PATH");
      g_autofree char *user = g_build_filename (g_get_user_data_dir (), "ember", "plugins", NULL);

      registry = em_block_registry_new ();
      if (env != NULL)
        {
          g_auto(GStrv) dirs = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);
          for (guint i = 0; dirs[i] != NULL; i++)
            if (*dirs[i] != '\0')
              em_block_registry_load_dir (registry, dirs[i]);
        }
#ifdef EMBER_BUILD_PLUGIN_DIR
      em_block_registry_load_dir (registry, EMBER_BUILD_PLUGIN_DIR);
#endif
#ifdef EMBER_PLUGIN_DIR
      em_block_registry_load_dir (registry, EMBER_PLUGIN_DIR);
#endif
      em_block_registry_load_dir (registry, user);
    }
  g_mutex_unlock (&lock);
  return registry;
}

static int
compare_blocks (gconstpointer a, gconstpointer b)
{
  EmBlock *x = *(EmBlock **) a, *y = *(EmBlock **) b;

  if (x->info->kind != y->info->kind)
    return x->info->kind < y->info->kind ? -1 : 1;
  return strcmp (x->info->id, y->info->id);
}

GPtrArray *
em_block_registry_list (EmBlockRegistry *self)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) em_block_unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->blocks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (list, em_block_ref (value));
  g_ptr_array_sort (list, compare_blocks);
  return list;
}

EmBlock *
em_block_registry_lookup (EmBlockRegistry *self, const char *id)
{
  return g_hash_table_lookup (self->blocks, id);
}

GPtrArray *
em_block_registry_list_broken (EmBlockRegistry *self)
{
  return self->broken;
}
