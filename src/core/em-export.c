/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include "em-error.h"
#include "em-export.h"
#include "em-info-labels.h"
#include "formats/em-csv.h"
#include "formats/em-ei-format.h"
#include "formats/em-wav.h"

void
em_export_options_init (EmExportOptions *options)
{
  memset (options, 0, sizeof *options);
  options->box_format = EM_BOX_FORMAT_EI;
}

/* File names keep to characters every file system takes. */
static char *
safe_name (const char *name)
{
  GString *s = g_string_new (NULL);

  for (const char *c = name; *c != '\0'; c++)
    g_string_append_c (s, (*c == '/' || *c == '\\' || *c == ':' || (guchar) *c < 0x20) ? '_' : *c);
  if (s->len == 0)
    g_string_append (s, "unnamed");
  return g_string_free (s, FALSE);
}

/* Encode one sample in the format it came in, or the one asked for. */
static GBytes *
encode (EmSample *s, const EmExportOptions *options, const char **ext, GError **error)
{
  const char *source = em_sample_get_source_format (s);
  const char *ts_format = options->time_series_format;

  if (em_sample_get_kind (s) == EM_SENSOR_IMAGE)
    {
      *ext = em_sample_get_encoding (s) == EM_ENCODING_JPEG ? "jpg" : "png";
      return g_bytes_ref (em_sample_get_data (s));
    }
  if (ts_format == NULL)
    {
      if (source != NULL && (strcmp (source, "ei-json") == 0 || strcmp (source, "ei-cbor") == 0 ||
                             strcmp (source, "csv") == 0))
        ts_format = source;
      else if (em_sample_get_kind (s) == EM_SENSOR_AUDIO)
        ts_format = "wav";
      else
        ts_format = "csv";
    }
  if (em_sample_get_kind (s) == EM_SENSOR_AUDIO && options->time_series_format == NULL &&
      g_str_has_prefix (source != NULL ? source : "", "wav:"))
    ts_format = "wav";

  if (strcmp (ts_format, "wav") == 0)
    {
      *ext = "wav";
      /* Audio that did not come from a WAV keeps full precision as float. */
      return em_wav_write (s, g_str_has_prefix (source != NULL ? source : "", "wav:") ? NULL : "wav:float32",
                           error);
    }
  if (strcmp (ts_format, "ei-json") == 0)
    {
      *ext = "json";
      return em_ei_write_json (s, options->hmac_key, error);
    }
  if (strcmp (ts_format, "ei-cbor") == 0)
    {
      *ext = "cbor";
      return em_ei_write_cbor (s, options->hmac_key, error);
    }
  *ext = "csv";
  return em_csv_write (s, error);
}

static gboolean
make_dir (const char *dir, GError **error)
{
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: cannot create folder: %s", dir, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
em_export_project (EmProject *project, const char *dir, const EmExportOptions *options,
                   EmProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                   GError **error)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) all_samples = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) all_paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) training_images = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) testing_images = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) training_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) testing_names = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *images[2] = { training_images, testing_images };
  GPtrArray *image_names[2] = { training_names, testing_names };
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *manifest = NULL;
  EmExportOptions defaults;

  if (options == NULL)
    {
      em_export_options_init (&defaults);
      options = &defaults;
    }
  ids = em_project_list_ids (project, options->filter, error);
  if (ids == NULL)
    return FALSE;
  for (int c = 0; c < 2; c++)
    {
      g_autofree char *sub = g_build_filename (dir, em_category_to_string ((EmCategory) c), NULL);
      if (!make_dir (sub, error))
        return FALSE;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(EmSample) s = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *label = NULL, *name = NULL, *file = NULL, *rel = NULL, *path = NULL;
      const char *ext = NULL;
      const char *category;

      if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_CANCELLED, "export cancelled after %u of %u samples",
                       i, ids->len);
          return FALSE;
        }
      s = em_project_get_sample (project, g_array_index (ids, gint64, i), TRUE, error);
      if (s == NULL)
        return FALSE;
      bytes = encode (s, options, &ext, &local_error);
      if (bytes == NULL)
        {
          g_set_error (error, EM_ERROR, local_error->code, "sample %" G_GINT64_FORMAT " (%s): %s",
                       em_sample_get_id (s), em_sample_get_name (s), local_error->message);
          return FALSE;
        }

      /* LABEL.NAME.EXT, so importing without the manifest still finds the
       * label; a name that already starts with "LABEL." is used as is. */
      label = safe_name (*em_sample_get_label (s) ? em_sample_get_label (s) : "unlabeled");
      name = safe_name (em_sample_get_name (s));
      if (g_str_has_prefix (name, label) && name[strlen (label)] == '.')
        file = g_strdup_printf ("%s.%s", name, ext);
      else
        file = g_strdup_printf ("%s.%s.%s", label, name, ext);
      category = em_category_to_string (em_sample_get_category (s));
      rel = g_build_filename (category, file, NULL);
      if (g_hash_table_contains (used, rel))
        {
          g_free (rel);
          g_free (file);
          file = g_strdup_printf ("%s.%s.%" G_GINT64_FORMAT ".%s", label, name, em_sample_get_id (s), ext);
          rel = g_build_filename (category, file, NULL);
        }
      g_hash_table_add (used, g_strdup (rel));
      path = g_build_filename (dir, rel, NULL);
      if (!g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes),
                                &local_error))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: cannot write: %s", path, local_error->message);
          return FALSE;
        }
      if (em_sample_get_kind (s) == EM_SENSOR_IMAGE)
        {
          int c = em_sample_get_category (s);
          g_ptr_array_add (images[c], g_object_ref (s));
          g_ptr_array_add (image_names[c], g_strdup (file));
        }
      /* The manifest needs no data: keep the row only. */
      g_ptr_array_add (all_samples, em_sample_copy (s, FALSE));
      g_ptr_array_add (all_paths, g_steal_pointer (&rel));
      if (progress != NULL)
        progress ((i + 1.0) / MAX (ids->len, 1), em_sample_get_name (s), user_data);
    }

  for (int c = 0; c < 2; c++)
    {
      gboolean any_boxes = FALSE;
      for (guint i = 0; i < images[c]->len; i++)
        any_boxes |= em_sample_get_n_boxes (g_ptr_array_index (images[c], i)) > 0;
      if (any_boxes)
        {
          g_autofree char *sub = g_build_filename (dir, em_category_to_string ((EmCategory) c), NULL);
          if (!em_boxes_export (sub, options->box_format, images[c], image_names[c], error))
            return FALSE;
        }
    }
  manifest = g_build_filename (dir, EM_INFO_LABELS_FILE, NULL);
  return em_info_labels_write (manifest, all_samples, all_paths, error);
}
