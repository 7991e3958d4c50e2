/* SPDX-License-Identifier: Apache-2.0 */
/* YOLO annotations: one .txt per image ("class cx cy w h", normalised) and
 * the class names from classes.txt, obj.names or data.yaml. */
#include <math.h>
#include <string.h>
#include "em-boxes-private.h"

/* A class index beyond this in a names mapping is a typo, not a dataset. */
#define MAX_CLASSES 100000

static const char * const yolo_names_files[] = { "classes.txt", "obj.names", "data.yaml", "data.yml" };
static const char * const image_extensions[] = { ".png", ".jpg", ".jpeg" };

static char *
yaml_unquote (const char *s)
{
  gsize len = strlen (s);

  if (len >= 2 && (s[0] == '\'' || s[0] == '"') && s[len - 1] == s[0])
    {
      g_autofree char *inner = g_strndup (s + 1, len - 2);
      g_auto(GStrv) parts = g_strsplit (inner, s[0] == '\'' ? "''" : "\\\"", -1);

      return g_strjoinv (s[0] == '\'' ? "'" : "\"", parts);
    }
  return g_strdup (s);
}

/* Cut a trailing "# comment" that is not inside quotes, then trim. */
static char *
yaml_clean (const char *line)
{
  char quote = 0;
  gsize i;

  for (i = 0; line[i] != '\0'; i++)
    {
      if (quote != 0)
        quote = line[i] == quote ? 0 : quote;
      else if (line[i] == '\'' || line[i] == '"')
        quote = line[i];
      else if (line[i] == '#' && (i == 0 || g_ascii_isspace (line[i - 1])))
        break;
    }
  return g_strstrip (g_strndup (line, i));
}

static gboolean
names_set (GPtrArray *names, const char *key, const char *value)
{
  guint64 index;

  if (!g_ascii_string_to_unsigned (key, 10, 0, MAX_CLASSES, &index, NULL))
    return FALSE;
  if (names->len <= index)
    g_ptr_array_set_size (names, (guint) index + 1);
  g_free (g_ptr_array_index (names, index));
  g_ptr_array_index (names, index) = yaml_unquote (value);
  return TRUE;
}

/* One item of a "[a, b]" or "{0: a}" flow collection, or of a block list/map. */
static gboolean
names_add_item (GPtrArray *names, const char *item, gboolean mapping)
{
  g_autofree char *clean = g_strstrip (g_strdup (item));
  const char *colon;

  if (!mapping)
    return g_ptr_array_add (names, yaml_unquote (clean)), TRUE;
  if ((colon = strchr (clean, ':')) == NULL)
    return FALSE;
  clean[colon - clean] = '\0';
  return names_set (names, g_strstrip (clean), g_strstrip ((char *) colon + 1));
}

/* The "names:" key of an Ultralytics data.yaml, in its three usual shapes. */
static GPtrArray *
parse_yaml_names (const char *text, const char *path, GError **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint i;

  for (i = 0; lines[i] != NULL && !g_str_has_prefix (lines[i], "names:"); i++)
    ;
  if (lines[i] == NULL)
    return g_steal_pointer (&names);
  {
    g_autofree char *rest = yaml_clean (lines[i] + strlen ("names:"));

    if (rest[0] == '[' || rest[0] == '{')
      {
        g_autoptr(GString) flow = g_string_new (rest);
        char close = rest[0] == '[' ? ']' : '}', quote = 0;
        gsize start = 1;

        while (strchr (flow->str, close) == NULL && lines[++i] != NULL)
          {
            g_autofree char *more = yaml_clean (lines[i]);
            g_string_append_printf (flow, " %s", more);
          }
        for (gsize k = 1; k < flow->len; k++)
          {
            char c = flow->str[k];

            if (quote != 0)
              quote = c == quote ? 0 : quote;
            else if (c == '\'' || c == '"')
              quote = c;
            else if (c == ',' || c == close)
              {
                g_autofree char *item = g_strndup (flow->str + start, k - start);

                if ((*g_strstrip (item) != '\0' || c == ',') && !names_add_item (names, item, close == '}'))
                  return em_boxes_error (error, EM_ERROR_INVALID_DATA, path,
                                         "names: cannot read '%s'", item), NULL;
                start = k + 1;
                if (c == close)
                  return g_steal_pointer (&names);
              }
          }
        return em_boxes_error (error, EM_ERROR_INVALID_DATA, path,
                               "names: '%c' is never closed", rest[0]), NULL;
      }
    if (rest[0] != '\0')
      return em_boxes_error (error, EM_ERROR_INVALID_DATA, path, "names: expected a list"), NULL;
  }
  while (lines[++i] != NULL && (lines[i][0] == ' ' || lines[i][0] == '\t' || lines[i][0] == '-' ||
                                lines[i][0] == '\r' || lines[i][0] == '\0'))
    {
      g_autofree char *item = yaml_clean (lines[i]);

      if (item[0] == '\0')
        continue;
      if (item[0] == '-' ? !names_add_item (names, item + 1, FALSE) : !names_add_item (names, item, TRUE))
        return em_boxes_error (error, EM_ERROR_INVALID_DATA, path, "names: cannot read '%s'", item), NULL;
    }
  return g_steal_pointer (&names);
}

/* Class names from the first names file found in @dirs. NULL without error
 * when there is none. */
static GPtrArray *
load_yolo_names (GPtrArray *dirs, char **names_path, GError **error)
{
  for (guint d = 0; d < dirs->len; d++)
    for (guint f = 0; f < G_N_ELEMENTS (yolo_names_files); f++)
      {
        g_autofree char *path = g_build_filename (g_ptr_array_index (dirs, d), yolo_names_files[f], NULL);
        g_autofree char *text = NULL;
        g_auto(GStrv) lines = NULL;
        GPtrArray *names;
        guint n;

        if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
          continue;
        if ((text = em_boxes_read_text (path, NULL, error)) == NULL)
          return NULL;
        *names_path = g_steal_pointer (&path);
        if (g_str_has_suffix (yolo_names_files[f], ".yaml") || g_str_has_suffix (yolo_names_files[f], ".yml"))
          return parse_yaml_names (text, *names_path, error);
        names = g_ptr_array_new_with_free_func (g_free);
        lines = g_strsplit (text, "\n", -1);
        for (n = g_strv_length (lines); n > 0 && *g_strstrip (lines[n - 1]) == '\0'; n--)
          ;
        for (guint i = 0; i < n; i++)
          g_ptr_array_add (names, *g_strstrip (lines[i]) != '\0' ? g_strdup (lines[i]) : NULL);
        return names;
      }
  return NULL;
}

/* Split a YOLO line into its class and four numbers. FALSE if it is not
 * one; then *bad (transfer full) is the field that is not a number, if any. */
static gboolean
parse_yolo_line (const char *line, guint64 *class_id, double v[4], char **bad)
{
  g_auto(GStrv) fields = g_strsplit_set (line, " \t", -1);
  const char *f[5];
  guint n = 0;

  *bad = NULL;
  for (guint k = 0; fields[k] != NULL; k++)
    if (fields[k][0] != '\0' && n++ < 5)
      f[n - 1] = fields[k];
  if (n != 5)
    return FALSE;
  if (!g_ascii_string_to_unsigned (f[0], 10, 0, G_MAXUINT, class_id, NULL))
    {
      *bad = g_strdup (f[0]);
      return FALSE;
    }
  for (guint k = 0; k < 4; k++)
    {
      char *end = NULL;

      v[k] = g_ascii_strtod (f[k + 1], &end);
      if (end == f[k + 1] || *end != '\0' || !isfinite (v[k]))
        {
          *bad = g_strdup (f[k + 1]);
          return FALSE;
        }
    }
  return TRUE;
}

/* @names NULL: no names file was found. Then a .txt that does not look like
 * YOLO (a caption, notes) is not ours, and one that does is an error. */
static gboolean
load_yolo (EmBoxIndex *index, const char *path, const char *stem, GPtrArray *names,
           const char *names_path, GError **error)
{
  g_autofree char *text = NULL, *names_base = names_path != NULL ? g_path_get_basename (names_path) : NULL;
  g_auto(GStrv) lines = NULL;
  EmBoxEntry *entry = NULL;

  if ((text = em_boxes_read_text (path, NULL, error)) == NULL)
    return FALSE;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *bad = NULL;
      guint64 class_id;
      double v[4];

      if (*g_strstrip (lines[i]) == '\0')
        continue;
      if (!parse_yolo_line (lines[i], &class_id, v, &bad))
        {
          if (names == NULL)
            return TRUE;
          if (bad != NULL)
            return em_boxes_error (error, EM_ERROR_INVALID_DATA, path,
                                   "line %u: '%s' is not a number", i + 1, bad);
          return em_boxes_error (error, EM_ERROR_INVALID_DATA, path,
                                 "line %u: expected 'class cx cy w h'", i + 1);
        }
      if (names == NULL)
        return em_boxes_error (error, EM_ERROR_INVALID_DATA, path,
                               "YOLO boxes but no classes.txt, obj.names or data.yaml found");
      if (v[2] < 0 || v[3] < 0)
        return em_boxes_error (error, EM_ERROR_INVALID_DATA, path, "line %u: negative size", i + 1);
      if (class_id >= names->len || g_ptr_array_index (names, class_id) == NULL)
        return em_boxes_error (error, EM_ERROR_INVALID_DATA, path, "line %u: class %u has no name in %s",
                               i + 1, (guint) class_id, names_base);
      if (entry == NULL)
        entry = em_boxes_entry_new (index, path, TRUE);
      em_boxes_entry_add (entry, g_ptr_array_index (names, class_id), v[0], v[1], v[2], v[3], i + 1);
    }
  /* An empty file is an image without objects, when we know this is YOLO. */
  if (entry == NULL && names != NULL)
    entry = em_boxes_entry_new (index, path, TRUE);
  return entry == NULL || em_boxes_register (index->by_stem, stem, entry, error);
}

static gboolean
load_yolo_files (EmBoxIndex *index, const char *dir, GPtrArray *files, GHashTable *image_stems,
                 GPtrArray *names, const char *names_path, GError **error)
{
  for (guint i = 0; i < files->len; i++)
    {
      const char *name = g_ptr_array_index (files, i);
      g_autofree char *stem = em_boxes_strip_extension (name);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (!em_boxes_has_suffix_ci (name, ".txt") || !g_hash_table_contains (image_stems, stem) ||
          g_strcmp0 (path, names_path) == 0)
        continue;
      if (!load_yolo (index, path, stem, names, names_path, error))
        return FALSE;
    }
  return TRUE;
}

/* YOLO .txt files sit next to the images, or in the "labels" folder that
 * mirrors an "images" folder (the Ultralytics layout, with data.yaml at the
 * dataset root); names files may be up to two folders up. */
gboolean
em_boxes_load_yolo_dir (EmBoxIndex *index, const char *dir, GPtrArray *files, GError **error)
{
  g_autoptr(GHashTable) image_stems = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = NULL, label_files = NULL;
  g_autofree char *names_path = NULL, *labels_dir = NULL, *base = g_path_get_basename (dir);
  g_autofree char *parent = g_path_get_dirname (dir), *parent_base = g_path_get_basename (parent);
  g_autofree char *grand = g_path_get_dirname (parent);
  GError *local_error = NULL;

  for (guint i = 0; i < files->len; i++)
    for (guint e = 0; e < G_N_ELEMENTS (image_extensions); e++)
      if (em_boxes_has_suffix_ci (g_ptr_array_index (files, i), image_extensions[e]))
        g_hash_table_add (image_stems, em_boxes_strip_extension (g_ptr_array_index (files, i)));
  if (g_hash_table_size (image_stems) == 0)
    return TRUE;

  if (strcmp (base, "images") == 0)
    labels_dir = g_build_filename (parent, "labels", NULL);
  else if (strcmp (parent_base, "images") == 0)
    labels_dir = g_build_filename (grand, "labels", base, NULL);
  if (labels_dir != NULL && !g_file_test (labels_dir, G_FILE_TEST_IS_DIR))
    g_clear_pointer (&labels_dir, g_free);
  g_ptr_array_add (dirs, g_strdup (dir));
  if (labels_dir != NULL)
    g_ptr_array_add (dirs, g_strdup (labels_dir));
  g_ptr_array_add (dirs, g_strdup (parent));
  g_ptr_array_add (dirs, g_strdup (grand));
  names = load_yolo_names (dirs, &names_path, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (!load_yolo_files (index, dir, files, image_stems, names, names_path, error))
    return FALSE;
  if (labels_dir == NULL)
    return TRUE;
  if ((label_files = em_boxes_list_dir (labels_dir, error)) == NULL)
    return FALSE;
  return load_yolo_files (index, labels_dir, label_files, image_stems, names, names_path, error);
}

