/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "em-error.h"
#include "em-import.h"
#include "em-info-labels.h"
#include "formats/em-boxes.h"

/* Annotation indexes are per folder: load each folder's once. */
static EmBoxIndex *
boxes_for (GHashTable *cache, const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  EmBoxIndex *index;

  if (g_hash_table_contains (cache, dir))
    return g_hash_table_lookup (cache, dir);
  index = em_box_index_load_dir (dir, error);
  if (index == NULL)
    return NULL;
  g_hash_table_insert (cache, g_steal_pointer (&dir), index);
  return index;
}

/* The nearest info.labels in the file's folder or up to two folders above
 * (an export puts it beside training/ and testing/). Cached per folder;
 * a folder without one maps to NULL. */
static EmInfoLabels *
manifest_for (GHashTable *cache, const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  EmInfoLabels *found = NULL;
  char *probe;

  if (g_hash_table_lookup_extended (cache, dir, NULL, (gpointer *) &found))
    return found;
  probe = g_strdup (dir);
  for (int level = 0; level < 3 && found == NULL; level++)
    {
      g_autofree char *manifest = g_build_filename (probe, EM_INFO_LABELS_FILE, NULL);
      char *parent;

      if (g_file_test (manifest, G_FILE_TEST_IS_REGULAR))
        {
          found = em_info_labels_load (manifest, error);
          if (found == NULL)
            {
              g_free (probe);
              return NULL;
            }
        }
      parent = g_path_get_dirname (probe);
      g_free (probe);
      probe = parent;
    }
  g_free (probe);
  g_hash_table_insert (cache, g_steal_pointer (&dir), found);
  return found;
}

static gboolean
is_image_path (const char *path)
{
  return g_str_has_suffix (path, ".png") || g_str_has_suffix (path, ".jpg") ||
         g_str_has_suffix (path, ".jpeg") || g_str_has_suffix (path, ".PNG") ||
         g_str_has_suffix (path, ".JPG") || g_str_has_suffix (path, ".JPEG");
}

static gboolean
commit_batch (EmProject *project, GPtrArray *batch, const EmImportCallbacks *cb,
              EmImportStats *stats, guint batch_samples, GError **error)
{
  if (batch->len > 0 && cb != NULL && cb->pending != NULL)
    cb->pending (batch, cb->user_data);
  if (!em_project_commit (project, error))
    return FALSE;
  stats->n_files_imported += batch->len;
  stats->n_samples += batch_samples;
  if (batch->len > 0 && cb != NULL && cb->committed != NULL)
    cb->committed (batch, cb->user_data);
  g_ptr_array_set_size (batch, 0);
  return TRUE;
}

gboolean
em_import_files (EmProject *project, GPtrArray *files, const EmImportOptions *options,
                 guint batch_size, const EmImportCallbacks *cb, GCancellable *cancellable,
                 EmImportStats *stats, GError **error)
{
  g_autoptr(GHashTable) box_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) em_box_index_free);
  g_autoptr(GHashTable) manifests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) em_info_labels_free);
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  EmImportStats local_stats = { 0 };
  EmAddFlags flags = options != NULL && options->allow_duplicates ? EM_ADD_FLAGS_ALLOW_DUPLICATE : 0;
  guint batch_samples = 0;
  gint64 batch_started = 0;

  if (stats == NULL)
    stats = &local_stats;
  memset (stats, 0, sizeof *stats);
  batch_size = MAX (batch_size, 1);

  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autoptr(GError) file_error = NULL;
      g_autoptr(GPtrArray) samples = NULL;
      EmBoxIndex *boxes = NULL;

      if (g_cancellable_is_cancelled (cancellable))
        {
          if (batch_started != 0)
            em_project_rollback (project);
          g_set_error (error, EM_ERROR, EM_ERROR_CANCELLED, "import cancelled after %u of %u files",
                       stats->n_files_imported, files->len);
          return FALSE;
        }
      if (batch_started == 0)
        {
          if (!em_project_begin (project, error))
            return FALSE;
          batch_started = g_get_monotonic_time ();
        }

      stats->n_files++;
      if (is_image_path (path))
        boxes = boxes_for (box_cache, path, &file_error);
      if (file_error == NULL)
        samples = em_import_read_file (path, options, boxes, &file_error);
      if (samples != NULL && samples->len == 1)
        {
          EmInfoLabels *manifest = manifest_for (manifests, path, &file_error);
          if (manifest != NULL)
            em_info_labels_apply (manifest, path, g_ptr_array_index (samples, 0),
                                  options != NULL && options->label != NULL,
                                  options != NULL && options->category >= 0);
          if (file_error != NULL)
            g_clear_pointer (&samples, g_ptr_array_unref);
        }
      if (samples != NULL && samples->len > 0 &&
          !em_project_add_samples (project, samples, flags, &file_error))
        {
          /* Prefix the path the store's message does not have. */
          g_prefix_error (&file_error, "%s: ", path);
          /* A write failure (disk full, read-only) ends the whole import. */
          if (file_error->code == EM_ERROR_IO || file_error->code == EM_ERROR_CORRUPT)
            {
              em_project_rollback (project);
              g_propagate_error (error, g_steal_pointer (&file_error));
              return FALSE;
            }
        }
      if (file_error != NULL)
        {
          stats->n_refused++;
          if (cb != NULL && cb->refused != NULL)
            cb->refused (path, file_error, cb->user_data);
        }
      else if (samples->len > 0)
        {
          g_ptr_array_add (batch, (gpointer) path);
          batch_samples += samples->len;
        }

      if (batch->len >= batch_size || g_get_monotonic_time () - batch_started > G_USEC_PER_SEC / 2 ||
          i + 1 == files->len)
        {
          if (!commit_batch (project, batch, cb, stats, batch_samples, error))
            return FALSE;
          batch_samples = 0;
          batch_started = 0;
        }
      if (cb != NULL && cb->progress != NULL)
        cb->progress (i + 1, files->len, cb->user_data);
    }
  return TRUE;
}
