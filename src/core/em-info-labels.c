/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <json-glib/json-glib.h>
#include "em-error.h"
#include "em-info-labels.h"

struct _EmInfoLabels
{
  char       *dir;
  JsonParser *parser;
  GHashTable *entries; /* relative path -> JsonObject (owned by parser) */
};

void
em_info_labels_free (EmInfoLabels *info)
{
  if (info == NULL)
    return;
  g_free (info->dir);
  g_clear_object (&info->parser);
  g_clear_pointer (&info->entries, g_hash_table_unref);
  g_free (info);
}

const char *
em_info_labels_get_dir (EmInfoLabels *info)
{
  return info->dir;
}

EmInfoLabels *
em_info_labels_load (const char *path, GError **error)
{
  g_autoptr(EmInfoLabels) info = g_new0 (EmInfoLabels, 1);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root, *files;
  JsonArray *array;

  info->dir = g_path_get_dirname (path);
  info->parser = json_parser_new ();
  info->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!json_parser_load_from_file (info->parser, path, &local_error))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: not valid JSON: %s", path,
                   local_error->message);
      return NULL;
    }
  root = json_parser_get_root (info->parser);
  files = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
    ? json_object_get_member (json_node_get_object (root), "files") : NULL;
  if (files == NULL || !JSON_NODE_HOLDS_ARRAY (files))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: no \"files\" list", path);
      return NULL;
    }
  array = json_node_get_array (files);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *entry;
      const char *rel;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto bad_entry;
      entry = json_node_get_object (node);
      rel = json_object_get_string_member_with_default (entry, "path", NULL);
      if (rel == NULL || *rel == '\0')
        goto bad_entry;
      g_hash_table_insert (info->entries, g_strdup (rel), entry);
      continue;
bad_entry:
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: entry %u has no \"path\"", path, i + 1);
      return NULL;
    }
  return g_steal_pointer (&info);
}

gboolean
em_info_labels_apply (EmInfoLabels *info, const char *file_path, EmSample *sample,
                      gboolean keep_label, gboolean keep_category)
{
  g_autofree char *dir = g_canonicalize_filename (info->dir, NULL);
  g_autofree char *file = g_canonicalize_filename (file_path, NULL);
  const char *rel;
  JsonObject *entry, *label, *metadata;
  EmCategory category;

  if (!g_str_has_prefix (file, dir) || file[strlen (dir)] != G_DIR_SEPARATOR)
    return FALSE;
  rel = file + strlen (dir) + 1;
  entry = g_hash_table_lookup (info->entries, rel);
  if (entry == NULL)
    return FALSE;

  if (json_object_has_member (entry, "name"))
    {
      const char *name = json_object_get_string_member_with_default (entry, "name", NULL);
      if (name != NULL && *name != '\0')
        em_sample_set_name (sample, name);
    }
  if (!keep_category &&
      em_category_from_string (json_object_get_string_member_with_default (entry, "category", ""), &category))
    em_sample_set_category (sample, category);
  label = json_object_has_member (entry, "label") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (entry, "label"))
    ? json_object_get_object_member (entry, "label") : NULL;
  if (!keep_label && label != NULL)
    {
      const char *type = json_object_get_string_member_with_default (label, "type", "label");
      if (g_strcmp0 (type, "label") == 0)
        em_sample_set_label (sample, json_object_get_string_member_with_default (label, "label", ""));
    }
  if (json_object_has_member (entry, "enabled"))
    em_sample_set_enabled (sample, json_object_get_boolean_member_with_default (entry, "enabled", TRUE));
  metadata = json_object_has_member (entry, "metadata") &&
             JSON_NODE_HOLDS_OBJECT (json_object_get_member (entry, "metadata"))
    ? json_object_get_object_member (entry, "metadata") : NULL;
  if (metadata != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (metadata);
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *value = json_object_get_member (metadata, l->data);
          if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
            em_sample_set_metadata (sample, l->data, json_node_get_string (value));
        }
    }
  return TRUE;
}

gboolean
em_info_labels_write (const char *path, GPtrArray *samples, GPtrArray *rel_paths, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *s = g_ptr_array_index (samples, i);
      g_autoptr(GPtrArray) keys = em_sample_get_metadata_keys (s);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, g_ptr_array_index (rel_paths, i));
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, em_sample_get_name (s));
      json_builder_set_member_name (b, "category");
      json_builder_add_string_value (b, em_category_to_string (em_sample_get_category (s)));
      json_builder_set_member_name (b, "label");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "label");
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, em_sample_get_label (s));
      json_builder_end_object (b);
      json_builder_set_member_name (b, "enabled");
      json_builder_add_boolean_value (b, em_sample_get_enabled (s));
      json_builder_set_member_name (b, "metadata");
      json_builder_begin_object (b);
      for (guint k = 0; k < keys->len; k++)
        {
          json_builder_set_member_name (b, g_ptr_array_index (keys, k));
          json_builder_add_string_value (b, em_sample_get_metadata (s, g_ptr_array_index (keys, k)));
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  if (!g_file_set_contents (path, text, -1, &local_error))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: cannot write: %s", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}
