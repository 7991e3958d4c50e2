/* SPDX-License-Identifier: Apache-2.0 */
/* Writing boxes in each format so that em_box_index_load_dir() reads them back. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include "em-boxes-private.h"

#define COCO_EXPORT_FILE "annotations.json"
#define YOLO_EXPORT_NAMES "classes.txt"

/* The shortest decimal that reads back as the same double. */
static const char *
format_number (char buf[G_ASCII_DTOSTR_BUF_SIZE], double value)
{
  static const char * const formats[] = { "%.15g", "%.16g", "%.17g" };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  return buf;
}

static void
builder_add_number (JsonBuilder *b, double value)
{
  if (value == floor (value) && fabs (value) < 9007199254740992.0)
    json_builder_add_int_value (b, (gint64) value);
  else
    json_builder_add_double_value (b, value);
}

static gboolean
write_file (const char *dir, const char *name, const char *text, gssize length, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents (path, text, length, &local_error))
    return em_boxes_error (error, EM_ERROR_IO, path, "cannot write: %s", local_error->message);
  return TRUE;
}

static gboolean
write_json (const char *dir, const char *name, JsonBuilder *b, GError **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  return write_file (dir, name, text, -1, error);
}

static void
add_box_member (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  builder_add_number (b, value);
}

static gboolean
export_ei (const char *dir, GPtrArray *samples, GPtrArray *file_names, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "bounding-box-labels");
  json_builder_set_member_name (b, "boundingBoxes");
  json_builder_begin_object (b);
  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *sample = g_ptr_array_index (samples, i);
      g_autofree char *base = g_path_get_basename (g_ptr_array_index (file_names, i));

      json_builder_set_member_name (b, base);
      json_builder_begin_array (b);
      for (guint k = 0; k < em_sample_get_n_boxes (sample); k++)
        {
          const EmBoundingBox *box = em_sample_get_box (sample, k);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "label");
          json_builder_add_string_value (b, box->label);
          add_box_member (b, "x", box->x);
          add_box_member (b, "y", box->y);
          add_box_member (b, "width", box->width);
          add_box_member (b, "height", box->height);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  return write_json (dir, EM_BOXES_EI_FILE, b, error);
}

static int
compare_labels (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Labels in sorted order: YOLO class numbers and COCO category ids. */
static GPtrArray *
collect_labels (GPtrArray *samples, GHashTable *ids)
{
  GPtrArray *labels = g_ptr_array_new ();

  for (guint i = 0; i < samples->len; i++)
    for (guint k = 0; k < em_sample_get_n_boxes (g_ptr_array_index (samples, i)); k++)
      {
        const char *label = em_sample_get_box (g_ptr_array_index (samples, i), k)->label;

        if (!g_hash_table_contains (ids, label))
          {
            g_hash_table_insert (ids, (gpointer) label, NULL);
            g_ptr_array_add (labels, (gpointer) label);
          }
      }
  g_ptr_array_sort (labels, compare_labels);
  for (guint i = 0; i < labels->len; i++)
    g_hash_table_insert (ids, g_ptr_array_index (labels, i), GUINT_TO_POINTER (i));
  return labels;
}

static gboolean
export_coco (const char *dir, GPtrArray *samples, GPtrArray *file_names, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) labels = collect_labels (samples, ids);
  gint64 annotation_id = 1;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "images");
  json_builder_begin_array (b);
  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *sample = g_ptr_array_index (samples, i);
      g_autofree char *base = g_path_get_basename (g_ptr_array_index (file_names, i));

      json_builder_begin_object (b);
      add_box_member (b, "id", i + 1);
      json_builder_set_member_name (b, "file_name");
      json_builder_add_string_value (b, base);
      add_box_member (b, "width", em_sample_get_width (sample));
      add_box_member (b, "height", em_sample_get_height (sample));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "annotations");
  json_builder_begin_array (b);
  for (guint i = 0; i < samples->len; i++)
    for (guint k = 0; k < em_sample_get_n_boxes (g_ptr_array_index (samples, i)); k++)
      {
        const EmBoundingBox *box = em_sample_get_box (g_ptr_array_index (samples, i), k);

        json_builder_begin_object (b);
        add_box_member (b, "id", (double) annotation_id++);
        add_box_member (b, "image_id", i + 1);
        add_box_member (b, "category_id", GPOINTER_TO_UINT (g_hash_table_lookup (ids, box->label)) + 1);
        json_builder_set_member_name (b, "bbox");
        json_builder_begin_array (b);
        builder_add_number (b, box->x);
        builder_add_number (b, box->y);
        builder_add_number (b, box->width);
        builder_add_number (b, box->height);
        json_builder_end_array (b);
        add_box_member (b, "area", box->width * box->height);
        add_box_member (b, "iscrowd", 0);
        json_builder_end_object (b);
      }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "categories");
  json_builder_begin_array (b);
  for (guint i = 0; i < labels->len; i++)
    {
      json_builder_begin_object (b);
      add_box_member (b, "id", i + 1);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, g_ptr_array_index (labels, i));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return write_json (dir, COCO_EXPORT_FILE, b, error);
}

static void
append_voc (GString *out, EmSample *sample, const char *base)
{
  char n[4][G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, "<annotation>\n  <filename>%s</filename>\n", base);
  g_string_append_printf (out, "  <size>\n    <width>%u</width>\n    <height>%u</height>\n"
                          "    <depth>3</depth>\n  </size>\n",
                          em_sample_get_width (sample), em_sample_get_height (sample));
  for (guint k = 0; k < em_sample_get_n_boxes (sample); k++)
    {
      const EmBoundingBox *box = em_sample_get_box (sample, k);
      g_autofree char *label = g_markup_escape_text (box->label, -1);

      g_string_append_printf (out, "  <object>\n    <name>%s</name>\n    <pose>Unspecified</pose>\n"
                              "    <truncated>0</truncated>\n    <difficult>0</difficult>\n"
                              "    <bndbox>\n      <xmin>%s</xmin>\n      <ymin>%s</ymin>\n"
                              "      <xmax>%s</xmax>\n      <ymax>%s</ymax>\n    </bndbox>\n  </object>\n",
                              label, format_number (n[0], box->x), format_number (n[1], box->y),
                              format_number (n[2], box->x + box->width),
                              format_number (n[3], box->y + box->height));
    }
  g_string_append (out, "</annotation>\n");
}

/* One file per image (VOC, YOLO): @stems catches two images that would
 * share a file, like photo.png and photo.jpg. */
static gboolean
export_per_image (const char *dir, EmBoxFormat format, GPtrArray *samples, GPtrArray *file_names,
                  GError **error)
{
  g_autoptr(GHashTable) stems = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) labels = collect_labels (samples, ids);

  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *sample = g_ptr_array_index (samples, i);
      g_autofree char *base = g_path_get_basename (g_ptr_array_index (file_names, i));
      g_autofree char *escaped = g_markup_escape_text (base, -1);
      g_autofree char *stem = em_boxes_strip_extension (base);
      g_autofree char *name = g_strconcat (stem, format == EM_BOX_FORMAT_VOC ? ".xml" : ".txt", NULL);
      g_autoptr(GString) out = g_string_new (NULL);
      guint width = em_sample_get_width (sample), height = em_sample_get_height (sample);
      char n[4][G_ASCII_DTOSTR_BUF_SIZE];

      if (!g_hash_table_add (stems, g_strdup (stem)))
        return em_boxes_error (error, EM_ERROR_INVALID_ARGUMENT, base, "another image also needs %s", name);
      if (format == EM_BOX_FORMAT_VOC)
        append_voc (out, sample, escaped);
      else if (em_sample_get_n_boxes (sample) > 0 && (width == 0 || height == 0))
        return em_boxes_error (error, EM_ERROR_INVALID_ARGUMENT, base, "YOLO needs the image size");
      for (guint k = 0; format == EM_BOX_FORMAT_YOLO && k < em_sample_get_n_boxes (sample); k++)
        {
          const EmBoundingBox *box = em_sample_get_box (sample, k);

          g_string_append_printf (out, "%u %s %s %s %s\n",
                                  GPOINTER_TO_UINT (g_hash_table_lookup (ids, box->label)),
                                  format_number (n[0], (box->x + box->width / 2) / width),
                                  format_number (n[1], (box->y + box->height / 2) / height),
                                  format_number (n[2], box->width / width),
                                  format_number (n[3], box->height / height));
        }
      if (!write_file (dir, name, out->str, (gssize) out->len, error))
        return FALSE;
    }
  if (format == EM_BOX_FORMAT_YOLO)
    {
      g_autoptr(GString) out = g_string_new (NULL);

      for (guint i = 0; i < labels->len; i++)
        g_string_append_printf (out, "%s\n", (const char *) g_ptr_array_index (labels, i));
      return write_file (dir, YOLO_EXPORT_NAMES, out->str, (gssize) out->len, error);
    }
  return TRUE;
}

gboolean
em_boxes_export (const char *dir, EmBoxFormat format, GPtrArray *samples, GPtrArray *file_names,
                 GError **error)
{
  g_return_val_if_fail (dir != NULL && samples != NULL && file_names != NULL, FALSE);

  if (samples->len != file_names->len)
    return em_boxes_error (error, EM_ERROR_INVALID_ARGUMENT, dir, "%u samples but %u file names",
                           samples->len, file_names->len);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    return em_boxes_error (error, EM_ERROR_IO, dir, "cannot create: %s", g_strerror (errno));
  switch (format)
    {
    case EM_BOX_FORMAT_EI:
      return export_ei (dir, samples, file_names, error);
    case EM_BOX_FORMAT_COCO:
      return export_coco (dir, samples, file_names, error);
    case EM_BOX_FORMAT_VOC:
    case EM_BOX_FORMAT_YOLO:
      return export_per_image (dir, format, samples, file_names, error);
    default:
      return em_boxes_error (error, EM_ERROR_INVALID_ARGUMENT, dir, "unknown box format %d", format);
    }
}

