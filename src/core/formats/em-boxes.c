/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include "em-boxes-private.h"

gboolean
em_boxes_error (GError **error, EmError code, const char *source, const char *format, ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  /* Parser messages quote the input, line breaks and all; messages are one line. */
  for (char *p = reason; *p != '\0'; p++)
    if ((guchar) *p < 0x20)
      *p = ' ';
  g_set_error (error, EM_ERROR, code, "%s: %s", source, reason);
  return FALSE;
}

void
em_boxes_box_clear (gpointer p)
{
  g_free (((EmBoxRecord *) p)->label);
}

static void
entry_free (gpointer p)
{
  EmBoxEntry *entry = p;

  g_free (entry->source);
  g_array_unref (entry->boxes);
  g_free (entry);
}

EmBoxEntry *
em_boxes_entry_new (EmBoxIndex *index, const char *source, gboolean normalised)
{
  EmBoxEntry *entry = g_new0 (EmBoxEntry, 1);

  entry->source = g_strdup (source);
  entry->normalised = normalised;
  entry->boxes = g_array_new (FALSE, TRUE, sizeof (EmBoxRecord));
  g_array_set_clear_func (entry->boxes, em_boxes_box_clear);
  g_ptr_array_add (index->entries, entry);
  return entry;
}

void
em_boxes_entry_add (EmBoxEntry *entry, const char *label, double a, double b, double c, double d,
                    guint number)
{
  EmBoxRecord box = { g_strdup (label), a, b, c, d, number };

  g_array_append_val (entry->boxes, box);
}

char *
em_boxes_strip_extension (const char *name)
{
  const char *dot = strrchr (name, '.');

  return dot != NULL && dot != name ? g_strndup (name, dot - name) : g_strdup (name);
}

/* Two annotation files claiming one image is ambiguous: refuse rather than pick. */
gboolean
em_boxes_register (GHashTable *table, const char *key, EmBoxEntry *entry, GError **error)
{
  EmBoxEntry *other = g_hash_table_lookup (table, key);

  if (other != NULL && other != entry)
    {
      if (strcmp (other->source, entry->source) == 0)
        em_boxes_error (error, EM_ERROR_INVALID_DATA, entry->source, "%s is listed twice", key);
      else
        em_boxes_error (error, EM_ERROR_INVALID_DATA, entry->source, "boxes for %s are also given in %s",
                        key, other->source);
      return FALSE;
    }
  g_hash_table_insert (table, g_strdup (key), entry);
  return TRUE;
}

char *
em_boxes_read_text (const char *path, gsize *length, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, length, &local_error))
    em_boxes_error (error, EM_ERROR_IO, path, "cannot read: %s", local_error->message);
  return contents;
}

static gboolean
node_number (JsonNode *node, double *out)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;
  *out = json_node_get_double (node);
  return isfinite (*out);
}

static gboolean
node_id (JsonNode *node, gint64 *out)
{
  double d;

  if (!node_number (node, &d) || d != floor (d) || fabs (d) > 9007199254740992.0)
    return FALSE;
  *out = (gint64) d;
  return TRUE;
}

static const char *
node_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonArray *
member_array (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* ---- Edge Impulse bounding_boxes.labels --------------------------------- */

static gboolean
load_ei (EmBoxIndex *index, const char *path, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;
  gsize length;
  JsonNode *root, *node;
  JsonObject *files;
  JsonObjectIter iter;
  const char *file_name;
  double version;

  if ((text = em_boxes_read_text (path, &length, error)) == NULL)
    return FALSE;
  if (!json_parser_load_from_data (parser, text, (gssize) length, &local_error))
    return em_boxes_error (error, EM_ERROR_INVALID_DATA, path, "not valid JSON: %s", local_error->message);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (node = json_object_get_member (json_node_get_object (root), "boundingBoxes")) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (node))
    return em_boxes_error (error, EM_ERROR_INVALID_DATA, path, "no \"boundingBoxes\" object");
  if (node_number (json_object_get_member (json_node_get_object (root), "version"), &version) &&
      version != 1)
    return em_boxes_error (error, EM_ERROR_UNSUPPORTED, path, "unsupported version %g", version);

  files = json_node_get_object (node);
  json_object_iter_init (&iter, files);
  while (json_object_iter_next (&iter, &file_name, &node))
    {
      g_autofree char *base = g_path_get_basename (file_name);
      EmBoxEntry *entry = em_boxes_entry_new (index, path, FALSE);
      JsonArray *boxes = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

      if (boxes == NULL)
        return em_boxes_error (error, EM_ERROR_INVALID_DATA, path, "%s: boxes are not a list", file_name);
      for (guint i = 0; i < json_array_get_length (boxes); i++)
        {
          JsonNode *box_node = json_array_get_element (boxes, i);
          JsonObject *box = JSON_NODE_HOLDS_OBJECT (box_node) ? json_node_get_object (box_node) : NULL;
          const char *label = box != NULL ? node_string (json_object_get_member (box, "label")) : NULL;
          double v[4];
          static const char * const keys[] = { "x", "y", "width", "height" };

          if (label == NULL || *label == '\0')
            return em_boxes_error (error, EM_ERROR_INVALID_DATA, path,
                                   "%s: box %u has no label", file_name, i + 1);
          for (guint k = 0; k < 4; k++)
            if (!node_number (json_object_get_member (box, keys[k]), &v[k]))
              return em_boxes_error (error, EM_ERROR_INVALID_DATA, path, "%s: box %u: %s is not a number",
                                     file_name, i + 1, keys[k]);
          if (v[2] < 0 || v[3] < 0)
            return em_boxes_error (error, EM_ERROR_INVALID_DATA, path, "%s: box %u (%s) has a negative size",
                                   file_name, i + 1, label);
          em_boxes_entry_add (entry, label, v[0], v[1], v[2], v[3], i + 1);
        }
      if (!em_boxes_register (index->by_name, base, entry, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- COCO --------------------------------------------------------------- */

/* TRUE with nothing loaded when @path is some other JSON file. */
static gboolean
load_coco (EmBoxIndex *index, const char *path, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GHashTable) images = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) categories = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *text = NULL;
  gsize length;
  JsonObject *root;
  JsonArray *image_list, *annotation_list, *category_list;

  if ((text = em_boxes_read_text (path, &length, error)) == NULL)
    return FALSE;
  /* Cheap test first: data folders hold thousands of JSON samples. */
  if (strstr (text, "\"annotations\"") == NULL || strstr (text, "\"categories\"") == NULL ||
      strstr (text, "\"images\"") == NULL)
    return TRUE;
  if (!json_parser_load_from_data (parser, text, (gssize) length, NULL) ||
      json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return TRUE;
  root = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (root, "images") || !json_object_has_member (root, "annotations") ||
      !json_object_has_member (root, "categories") || json_object_has_member (root, "payload"))
    return TRUE;
  if ((image_list = member_array (root, "images")) == NULL ||
      (annotation_list = member_array (root, "annotations")) == NULL ||
      (category_list = member_array (root, "categories")) == NULL)
    return em_boxes_error (error, EM_ERROR_INVALID_DATA, path,
                           "images, annotations and categories must be lists");

  /* Hash keys point into @ids, sized up front so they never move. */
  g_array_set_size (ids, json_array_get_length (image_list) + json_array_get_length (category_list));
  for (guint i = 0; i < json_array_get_length (category_list); i++)
    {
      JsonNode *node = json_array_get_element (category_list, i);
      JsonObject *category = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      gint64 *id = &g_array_index (ids, gint64, i);
      const char *name = category != NULL ? node_string (json_object_get_member (category, "name")) : NULL;

      if (name == NULL || *name == '\0' || !node_id (json_object_get_member (category, "id"), id))
        return em_boxes_error (error, EM_ERROR_INVALID_DATA, path, "category %u has no id or name", i + 1);
      g_hash_table_insert (categories, id, (gpointer) name);
    }
  for (guint i = 0; i < json_array_get_length (image_list); i++)
    {
      JsonNode *node = json_array_get_element (image_list, i);
      JsonObject *image = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      gint64 *id = &g_array_index (ids, gint64, json_array_get_length (category_list) + i);
      const char *file_name =
        image != NULL ? node_string (json_object_get_member (image, "file_name")) : NULL;
      g_autofree char *base = NULL;
      EmBoxEntry *entry;

      if (file_name == NULL || !node_id (json_object_get_member (image, "id"), id))
        return em_boxes_error (error, EM_ERROR_INVALID_DATA, path, "image %u has no id or file_name", i + 1);
      if (g_hash_table_contains (images, id))
        return em_boxes_error (error, EM_ERROR_INVALID_DATA, path,
                               "image id %" G_GINT64_FORMAT " is declared twice", *id);
      base = g_path_get_basename (file_name);
      entry = em_boxes_entry_new (index, path, FALSE);
      g_hash_table_insert (images, id, entry);
      if (!em_boxes_register (index->by_name, base, entry, error))
        return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (annotation_list); i++)
    {
      JsonNode *node = json_array_get_element (annotation_list, i);
      JsonObject *annotation = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonArray *bbox = annotation != NULL ? member_array (annotation, "bbox") : NULL;
      gint64 image_id, category_id;
      const char *label;
      EmBoxEntry *entry;
      double v[4];

      if (annotation == NULL || !node_id (json_object_get_member (annotation, "image_id"), &image_id) ||
          !node_id (json_object_get_member (annotation, "category_id"), &category_id))
        return em_boxes_error (error, EM_ERROR_INVALID_DATA, path,
                               "annotation %u has no image_id or category_id", i + 1);
      if ((entry = g_hash_table_lookup (images, &image_id)) == NULL)
        return em_boxes_error (error, EM_ERROR_INVALID_DATA, path,
                               "annotation %u: image id %" G_GINT64_FORMAT " is not declared",
                               i + 1, image_id);
      if ((label = g_hash_table_lookup (categories, &category_id)) == NULL)
        return em_boxes_error (error, EM_ERROR_INVALID_DATA, path,
                               "annotation %u: category id %" G_GINT64_FORMAT " is not declared",
                               i + 1, category_id);
      if (bbox == NULL || json_array_get_length (bbox) != 4)
        return em_boxes_error (error, EM_ERROR_INVALID_DATA, path,
                               "annotation %u: bbox is not [x, y, width, height]", i + 1);
      for (guint k = 0; k < 4; k++)
        if (!node_number (json_array_get_element (bbox, k), &v[k]))
          return em_boxes_error (error, EM_ERROR_INVALID_DATA, path,
                                 "annotation %u: bbox is not [x, y, width, height]", i + 1);
      if (v[2] < 0 || v[3] < 0)
        return em_boxes_error (error, EM_ERROR_INVALID_DATA, path,
                               "annotation %u (%s) has a negative size", i + 1, label);
      em_boxes_entry_add (entry, label, v[0], v[1], v[2], v[3], i + 1);
    }
  return TRUE;
}

gboolean
em_boxes_has_suffix_ci (const char *name, const char *suffix)
{
  gsize n = strlen (name), s = strlen (suffix);

  return n > s && g_ascii_strcasecmp (name + n - s, suffix) == 0;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

GPtrArray *
em_boxes_list_dir (const char *dir, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &local_error);
  GPtrArray *names;
  const char *name;

  if (d == NULL)
    return em_boxes_error (error, EM_ERROR_IO, dir, "cannot list: %s", local_error->message), NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  /* Sorted, so that which of two conflicting files is named first is stable. */
  g_ptr_array_sort (names, compare_names);
  return names;
}

EmBoxIndex *
em_box_index_load_dir (const char *dir, GError **error)
{
  g_autoptr(EmBoxIndex) index = g_new0 (EmBoxIndex, 1);
  g_autoptr(GPtrArray) files = NULL;

  g_return_val_if_fail (dir != NULL, NULL);

  index->entries = g_ptr_array_new_with_free_func (entry_free);
  index->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  index->by_stem = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  index->by_filename = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  index->ambiguous = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if ((files = em_boxes_list_dir (dir, error)) == NULL)
    return NULL;
  for (guint i = 0; i < files->len; i++)
    {
      const char *name = g_ptr_array_index (files, i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      gboolean ok = TRUE;

      if (strcmp (name, EM_BOXES_EI_FILE) == 0)
        ok = load_ei (index, path, error);
      else if (em_boxes_has_suffix_ci (name, ".xml"))
        ok = em_boxes_load_voc (index, path, error);
      else if (em_boxes_has_suffix_ci (name, ".json"))
        ok = load_coco (index, path, error);
      if (!ok)
        return NULL;
    }
  if (!em_boxes_load_yolo_dir (index, dir, files, error))
    return NULL;
  return g_steal_pointer (&index);
}

void
em_box_index_free (EmBoxIndex *index)
{
  if (index == NULL)
    return;
  g_clear_pointer (&index->by_name, g_hash_table_unref);
  g_clear_pointer (&index->by_stem, g_hash_table_unref);
  g_clear_pointer (&index->by_filename, g_hash_table_unref);
  g_clear_pointer (&index->ambiguous, g_hash_table_unref);
  g_clear_pointer (&index->entries, g_ptr_array_unref);
  g_free (index);
}

gboolean
em_box_index_apply (EmBoxIndex *index, const char *image_name, EmSample *sample, GError **error)
{
  g_autofree char *base = g_path_get_basename (image_name);
  g_autofree char *stem = em_boxes_strip_extension (base);
  EmBoxEntry *named = g_hash_table_lookup (index->by_name, base);
  EmBoxEntry *stemmed = g_hash_table_lookup (index->by_stem, stem);
  EmBoxEntry *entry = named != NULL ? named : stemmed;
  g_autoptr(GArray) pixels = g_array_new (FALSE, FALSE, sizeof (double) * 4);
  guint width = em_sample_get_width (sample), height = em_sample_get_height (sample);
  const char *other;

  /* Formats keyed by name (EI, COCO) and by stem (VOC, YOLO) can only
   * collide here, once the image is known. */
  if (named != NULL && stemmed != NULL && named != stemmed)
    return em_boxes_error (error, EM_ERROR_INVALID_DATA, named->source,
                           "boxes for %s are also given in %s", base, stemmed->source);
  if (entry == NULL && (entry = g_hash_table_lookup (index->by_filename, base)) != NULL &&
      (other = g_hash_table_lookup (index->ambiguous, base)) != NULL)
    return em_boxes_error (error, EM_ERROR_INVALID_DATA, entry->source,
                           "<filename> %s is also claimed by %s", base, other);
  if (entry == NULL)
    return FALSE;
  if (entry->normalised && (width == 0 || height == 0))
    return em_boxes_error (error, EM_ERROR_INVALID_ARGUMENT, entry->source,
                           "YOLO boxes need the size of %s", base);

  /* Check every box before adding any, so a bad file leaves the sample as it was. */
  for (guint i = 0; i < entry->boxes->len; i++)
    {
      const EmBoxRecord *box = &g_array_index (entry->boxes, EmBoxRecord, i);
      double r[4] = { box->a, box->b, box->c, box->d };

      if (entry->normalised)
        {
          r[2] = box->c * width;
          r[3] = box->d * height;
          r[0] = box->a * width - r[2] / 2;
          r[1] = box->b * height - r[3] / 2;
        }
      /* One pixel of slack: tools disagree on whether xmax is inclusive. */
      if (width > 0 && height > 0 &&
          (r[0] < -1 || r[1] < -1 || r[0] + r[2] > width + 1 || r[1] + r[3] > height + 1))
        return em_boxes_error (error, EM_ERROR_INVALID_DATA, entry->source,
                               "%s %u (%s) lies outside the %ux%u image %s",
                               entry->normalised ? "line" : "box",
                               box->number, box->label, width, height, base);
      g_array_append_val (pixels, r);
    }
  for (guint i = 0; i < entry->boxes->len; i++)
    {
      const double *r = &g_array_index (pixels, double, i * 4);
      em_sample_add_box (sample, g_array_index (entry->boxes, EmBoxRecord, i).label, r[0], r[1], r[2], r[3]);
    }
  return TRUE;
}

static const char * const format_names[] = { "ei", "voc", "coco", "yolo" };

gboolean
em_box_format_from_string (const char *str, EmBoxFormat *out)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (format_names); i++)
    if (g_ascii_strcasecmp (str, format_names[i]) == 0)
      {
        *out = (EmBoxFormat) i;
        return TRUE;
      }
  return FALSE;
}

const char *
em_box_format_to_string (EmBoxFormat format)
{
  return (guint) format < G_N_ELEMENTS (format_names) ? format_names[format] : NULL;
}

