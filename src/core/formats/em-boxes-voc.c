/* SPDX-License-Identifier: Apache-2.0 */
/* Pascal VOC annotations: one XML file per image, read with GMarkup. */
#include <math.h>
#include <string.h>
#include "em-boxes-private.h"

typedef struct {
  GString *path;       /* element path, "/annotation/object/name" */
  GArray *path_lengths;
  GString *text;
  gboolean is_voc;     /* the root element is <annotation> */
  char *filename;
  char *name;          /* of the current <object> */
  double coords[4];    /* xmin ymin xmax ymax */
  guint have;          /* bit per coordinate seen */
  guint n_objects;
  GArray *boxes;       /* EmBoxRecord, label owned */
} VocParse;

static const char * const voc_coords[] = { "xmin", "ymin", "xmax", "ymax" };

static void
voc_start (GMarkupParseContext *context, const char *element, const char **names,
           const char **values, gpointer user_data, GError **error)
{
  VocParse *p = user_data;

  g_array_append_val (p->path_lengths, p->path->len);
  g_string_append_printf (p->path, "/%s", element);
  g_string_truncate (p->text, 0);
  if (p->path_lengths->len == 1)
    {
      p->is_voc = strcmp (element, "annotation") == 0;
      if (!p->is_voc)
        g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "not VOC");
    }
  else if (strcmp (p->path->str, "/annotation/object") == 0)
    {
      g_clear_pointer (&p->name, g_free);
      p->have = 0;
      p->n_objects++;
    }
}

static void
voc_text (GMarkupParseContext *context, const char *text, gsize length, gpointer user_data,
          GError **error)
{
  g_string_append_len (((VocParse *) user_data)->text, text, length);
}

static void
voc_end (GMarkupParseContext *context, const char *element, gpointer user_data, GError **error)
{
  VocParse *p = user_data;
  g_autofree char *value = g_strstrip (g_strdup (p->text->str));
  const char *path = p->path->str;

  if (strcmp (path, "/annotation/filename") == 0)
    g_free (p->filename), p->filename = g_steal_pointer (&value);
  else if (strcmp (path, "/annotation/object/name") == 0)
    g_free (p->name), p->name = g_steal_pointer (&value);
  else if (g_str_has_prefix (path, "/annotation/object/bndbox/"))
    {
      for (guint k = 0; k < 4; k++)
        if (strcmp (element, voc_coords[k]) == 0)
          {
            char *end = NULL;

            p->coords[k] = g_ascii_strtod (value, &end);
            if (*value == '\0' || *end != '\0' || !isfinite (p->coords[k]))
              g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                           "object %u: %s '%s' is not a number", p->n_objects, element, value);
            p->have |= 1u << k;
          }
    }
  else if (strcmp (path, "/annotation/object") == 0)
    {
      EmBoxRecord box = { g_steal_pointer (&p->name), 0, 0, 0, 0, p->n_objects };

      if (box.label == NULL || *box.label == '\0')
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "object %u has no name",
                     p->n_objects);
      else if (p->have != 0xf)
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                     "object %u (%s) has no complete bndbox", p->n_objects, box.label);
      else if (p->coords[2] < p->coords[0] || p->coords[3] < p->coords[1])
        g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                     "object %u (%s) has a negative size (xmax < xmin or ymax < ymin)",
                     p->n_objects, box.label);
      /* VOC corners become x, y, width, height without a 1-pixel shift, so
       * that an export reads back unchanged. */
      box.a = p->coords[0];
      box.b = p->coords[1];
      box.c = p->coords[2] - p->coords[0];
      box.d = p->coords[3] - p->coords[1];
      g_array_append_val (p->boxes, box);
    }
  g_string_truncate (p->path, g_array_index (p->path_lengths, gsize, p->path_lengths->len - 1));
  g_array_set_size (p->path_lengths, p->path_lengths->len - 1);
}

gboolean
em_boxes_load_voc (EmBoxIndex *index, const char *path, GError **error)
{
  static const GMarkupParser parser = { voc_start, voc_end, voc_text, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL, *stem = NULL;
  VocParse p = { 0 };
  gsize length;
  gboolean ok;
  EmBoxEntry *entry;

  if ((text = em_boxes_read_text (path, &length, error)) == NULL)
    return FALSE;
  p.path = g_string_new (NULL);
  p.path_lengths = g_array_new (FALSE, FALSE, sizeof (gsize));
  p.text = g_string_new (NULL);
  p.boxes = g_array_new (FALSE, TRUE, sizeof (EmBoxRecord));
  g_array_set_clear_func (p.boxes, em_boxes_box_clear);
  context = g_markup_parse_context_new (&parser, 0, &p, NULL);
  ok = g_markup_parse_context_parse (context, text, (gssize) length, &local_error) &&
       g_markup_parse_context_end_parse (context, &local_error);
  g_string_free (p.path, TRUE);
  g_array_unref (p.path_lengths);
  g_string_free (p.text, TRUE);
  g_free (p.name);

  /* An XML file whose root is not <annotation> is something else: skip it. */
  if (!p.is_voc || !ok)
    {
      if (p.is_voc)
        em_boxes_error (error, EM_ERROR_INVALID_DATA, path, "%s", local_error->message);
      g_array_unref (p.boxes);
      g_free (p.filename);
      return !p.is_voc;
    }
  entry = em_boxes_entry_new (index, path, FALSE);
  g_array_unref (entry->boxes);
  entry->boxes = p.boxes;
  /* The XML's own name is the firm match; <filename> only a fallback,
   * since copied or renamed datasets often keep a stale one. */
  stem = g_path_get_basename (path);
  *strrchr (stem, '.') = '\0';
  ok = em_boxes_register (index->by_stem, stem, entry, error);
  if (ok && p.filename != NULL && *p.filename != '\0')
    {
      g_autofree char *base = g_path_get_basename (p.filename);
      EmBoxEntry *other = g_hash_table_lookup (index->by_filename, base);

      if (other == NULL)
        g_hash_table_insert (index->by_filename, g_strdup (base), entry);
      else if (!g_hash_table_contains (index->ambiguous, base))
        g_hash_table_insert (index->ambiguous, g_strdup (base), g_strdup (path));
    }
  g_free (p.filename);
  return ok;
}

