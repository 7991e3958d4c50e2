/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include "em-error.h"
#include "em-import.h"
#include "formats/em-boxes.h"
#include "formats/em-csv.h"
#include "formats/em-ei-format.h"
#include "formats/em-image.h"
#include "formats/em-wav.h"

/* Files above this size are refused before reading: a 1 GiB "sample" is a
 * mistake, and reading it whole would only exhaust memory. */
#define MAX_FILE_SIZE (512 * 1024 * 1024)

void
em_import_options_init (EmImportOptions *options)
{
  memset (options, 0, sizeof *options);
  options->category = -1;
}

static const char *
extension_of (const char *path)
{
  const char *base = strrchr (path, G_DIR_SEPARATOR);
  const char *dot = strrchr (base != NULL ? base : path, '.');

  return dot != NULL ? dot + 1 : "";
}

gboolean
em_import_is_supported (const char *path)
{
  static const char * const exts[] = { "wav", "csv", "json", "cbor", "png", "jpg", "jpeg" };
  const char *ext = extension_of (path);

  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    if (g_ascii_strcasecmp (ext, exts[i]) == 0)
      return TRUE;
  return FALSE;
}

/* A file directly inside a "training" or "testing" folder takes that
 * category, as in the layout exports (and Edge Impulse's) use. Only the
 * parent counts: a "test" folder higher up is just where the user keeps data. */
static int
category_from_path (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *parent = g_path_get_basename (dir);
  EmCategory c;

  return em_category_from_string (parent, &c) ? (int) c : -1;
}

/* Deterministic 80/20 split: the same file lands in the same set on every
 * import, on every machine. */
static EmCategory
category_from_hash (const char *hash)
{
  guint v = 0;

  if (hash != NULL && g_ascii_isxdigit (hash[0]) && g_ascii_isxdigit (hash[1]))
    v = (guint) (g_ascii_xdigit_value (hash[0]) * 16 + g_ascii_xdigit_value (hash[1]));
  return v < 205 ? EM_CATEGORY_TRAINING : EM_CATEGORY_TESTING; /* 205/256 ≈ 0.80 */
}

static gboolean
is_coco_annotations (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);
  JsonNode *root;
  JsonObject *obj;

  if (!json_parser_load_from_data (parser, data, (gssize) size, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  obj = json_node_get_object (root);
  return json_object_has_member (obj, "images") && json_object_has_member (obj, "annotations") &&
         json_object_has_member (obj, "categories");
}

GPtrArray *
em_import_read_file (const char *path, const EmImportOptions *options, EmBoxIndex *boxes,
                     GError **error)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *stem = g_strdup (base);
  g_autofree char *file_label = em_label_from_file_name (path);
  EmImportOptions defaults;
  const char *ext = extension_of (path);
  char *dot;
  int path_category;
  GStatBuf st;

  if (options == NULL)
    {
      em_import_options_init (&defaults);
      options = &defaults;
    }
  if (g_stat (path, &st) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "%s: cannot read: %s", path, g_strerror (errno));
      return NULL;
    }
  if (st.st_size > MAX_FILE_SIZE)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: too large (%" G_GINT64_FORMAT
                   " bytes; the limit is %d MiB)", path, (gint64) st.st_size, MAX_FILE_SIZE >> 20);
      return NULL;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: empty file", path);
      return NULL;
    }
  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: cannot read: %s", path, local_error->message);
      return NULL;
    }
  /* Copy out of the mapping: a file truncated while mapped would SIGBUS. */
  bytes = g_bytes_new (g_mapped_file_get_contents (mapped), g_mapped_file_get_length (mapped));

  if (g_ascii_strcasecmp (ext, "wav") == 0)
    {
      EmSample *s = em_wav_read (bytes, &local_error);
      if (s != NULL)
        g_ptr_array_add (samples, s);
    }
  else if (g_ascii_strcasecmp (ext, "csv") == 0)
    {
      GPtrArray *rows = em_csv_read (bytes, &local_error);
      if (rows != NULL)
        g_ptr_array_extend_and_steal (samples, rows);
      /* Axes all in "wav" units are audio written out as CSV (as Edge
       * Impulse marks audio): it comes back as audio. */
      for (guint i = 0; i < samples->len; i++)
        {
          EmSample *s = g_ptr_array_index (samples, i);
          gboolean wav = em_sample_get_interval_ms (s) > 0 && em_sample_get_n_axes (s) > 0;
          for (guint a = 0; wav && a < em_sample_get_n_axes (s); a++)
            wav = g_strcmp0 (em_sample_get_axis (s, a)->units, "wav") == 0;
          if (wav)
            em_sample_set_kind (s, EM_SENSOR_AUDIO);
        }
    }
  else if (g_ascii_strcasecmp (ext, "json") == 0)
    {
      EmSample *s = em_ei_read_json (bytes, options->hmac_key, &local_error);
      if (s != NULL)
        g_ptr_array_add (samples, s);
      else if (is_coco_annotations (bytes))
        {
          /* Annotations, not data: the box index reads them. */
          g_clear_error (&local_error);
          return g_steal_pointer (&samples);
        }
    }
  else if (g_ascii_strcasecmp (ext, "cbor") == 0)
    {
      EmSample *s = em_ei_read_cbor (bytes, options->hmac_key, &local_error);
      if (s != NULL)
        g_ptr_array_add (samples, s);
    }
  else if (g_ascii_strcasecmp (ext, "png") == 0 || g_ascii_strcasecmp (ext, "jpg") == 0 ||
           g_ascii_strcasecmp (ext, "jpeg") == 0)
    {
      EmSample *s = em_image_read (bytes, &local_error);
      if (s != NULL)
        g_ptr_array_add (samples, s);
    }
  else
    g_set_error (&local_error, EM_ERROR, EM_ERROR_UNSUPPORTED,
                 "unsupported file type '.%s' (Ember imports .wav .csv .json .cbor .png .jpg)", ext);

  if (local_error != NULL)
    {
      g_set_error (error, local_error->domain, local_error->code, "%s: %s", path, local_error->message);
      return NULL;
    }

  dot = strrchr (stem, '.');
  if (dot != NULL && dot != stem)
    *dot = '\0';
  path_category = options->category >= 0 ? options->category : category_from_path (path);
  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *s = g_ptr_array_index (samples, i);

      if (samples->len == 1)
        em_sample_set_name (s, stem);
      else
        {
          g_autofree char *row_name = g_strdup_printf ("%s.%u", stem, i + 1);
          em_sample_set_name (s, row_name);
        }
      /* Tabular CSV rows carry their own label; an explicit --label wins. */
      if (options->label != NULL)
        em_sample_set_label (s, options->label);
      else if (*em_sample_get_label (s) == '\0')
        em_sample_set_label (s, file_label);
      em_sample_set_category (s, path_category >= 0 ? (EmCategory) path_category
                                                    : category_from_hash (em_sample_get_hash (s)));
      if (boxes != NULL && em_sample_get_kind (s) == EM_SENSOR_IMAGE &&
          !em_box_index_apply (boxes, base, s, &local_error) && local_error != NULL)
        {
          g_set_error (error, local_error->domain, local_error->code, "%s: %s", path, local_error->message);
          return NULL;
        }
    }
  return g_steal_pointer (&samples);
}

static gboolean
collect_dir (const char *dir, GPtrArray *out, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &local_error);
  const char *name;

  if (d == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: cannot list: %s", dir, local_error->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);
      if (name[0] == '.')
        continue;
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          if (!collect_dir (child, out, error))
            return FALSE;
        }
      else if (em_import_is_supported (child))
        g_ptr_array_add (out, g_steal_pointer (&child));
    }
  return TRUE;
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
em_import_collect (const char * const *paths, GError **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      if (g_file_test (paths[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
          if (!collect_dir (paths[i], found, error))
            return NULL;
          /* Sorted per argument, so a re-run imports in the same order. */
          g_ptr_array_sort (found, compare_paths);
          g_ptr_array_extend_and_steal (files, g_steal_pointer (&found));
        }
      else if (g_file_test (paths[i], G_FILE_TEST_EXISTS))
        g_ptr_array_add (files, g_strdup (paths[i]));
      else
        {
          g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "%s: no such file or directory", paths[i]);
          return NULL;
        }
    }
  return g_steal_pointer (&files);
}
