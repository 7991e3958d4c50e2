/* SPDX-License-Identifier: Apache-2.0 */
/* Reading versions: one file's facts, and the list of a project's. Split
 * from em-project-versions.c, which writes them. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "em-error.h"
#include "em-impulse.h"
#include "em-project-versions-private.h"

#define DESCRIPTION_KEY  "version.description"
#define CREATED_KEY      "version.created"

/* ---- reading a version ----------------------------------------------------- */

static gboolean
query_int (sqlite3 *db, const char *path, const char *sql, gint64 *out, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      em_project_set_sqlite_error (error, db, rc, path, "cannot read the version");
      sqlite3_finalize (stmt);
      return FALSE;
    }
  *out = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

static char *
impulse_summary (const char *json)
{
  g_autoptr(EmImpulse) impulse = em_impulse_from_json (json, NULL);
  GString *text;

  if (impulse == NULL)
    return g_strdup ("?");
  text = g_string_new (NULL);
  for (guint i = 0; i < impulse->blocks->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? " + " : "",
                            ((EmImpulseBlock *) g_ptr_array_index (impulse->blocks, i))->id);
  for (guint i = 0; i < impulse->learn_blocks->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : text->len > 0 ? " → " : "",
                            ((EmImpulseLearnBlock *) g_ptr_array_index (impulse->learn_blocks, i))->id);
  if (text->len == 0)
    g_string_append (text, "(empty)");
  return g_string_free (text, FALSE);
}

static double
number_member (JsonObject *o, const char *name)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  return NAN;
}

static JsonObject *
object_of (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The validation accuracy of the best epoch (else the last that has one). */
static double
validation_accuracy (const char *report_json)
{
  g_autoptr(JsonNode) root = report_json != NULL ? json_from_string (report_json, NULL) : NULL;
  JsonObject *model = object_of (object_of (root) != NULL ? json_object_get_member (object_of (root), "model") : NULL);
  JsonNode *history = model != NULL ? json_object_get_member (model, "history") : NULL;
  double best_epoch = number_member (model, "best_epoch"), last = NAN;

  if (history == NULL || !JSON_NODE_HOLDS_ARRAY (history))
    return NAN;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (history)); i++)
    {
      JsonObject *e = object_of (json_array_get_element (json_node_get_array (history), i));
      double acc = number_member (e, "val_accuracy");

      if (!isfinite (acc))
        continue;
      if (number_member (e, "epoch") == best_epoch)
        return acc;
      last = acc;
    }
  return last;
}

/* The most recent model's accuracy: on the testing set when it was tested
 * (float first), else its validation accuracy. */
static void
read_accuracy (sqlite3 *db, EmVersion *v)
{
  sqlite3_stmt *stmt = NULL;
  const char *sql =
    "SELECT m.report, (SELECT t.metrics FROM test_results t WHERE t.block_id = m.block_id"
    "                  ORDER BY t.variant = 'float' DESC LIMIT 1)"
    "  FROM models m ORDER BY m.created DESC LIMIT 1";

  v->accuracy = NAN;
  /* Projects before schema 3 have no models table: no accuracy. */
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *metrics = (const char *) sqlite3_column_text (stmt, 1);
      g_autoptr(JsonNode) root = metrics != NULL ? json_from_string (metrics, NULL) : NULL;
      double acc = number_member (object_of (root), "accuracy");

      if (isfinite (acc))
        v->accuracy_kind = g_strdup ("test");
      else if (isfinite (acc = validation_accuracy ((const char *) sqlite3_column_text (stmt, 0))))
        v->accuracy_kind = g_strdup ("validation");
      v->accuracy = acc;
    }
  sqlite3_finalize (stmt);
}

static gboolean
check_magic (const char *path, GError **error)
{
  g_autofree char *base = g_path_get_basename (path);
  char magic[16] = { 0 };
  FILE *f = fopen (path, "rb");
  size_t got;

  if (f == NULL)
    {
      int saved = errno;
      g_set_error (error, EM_ERROR, saved == ENOENT ? EM_ERROR_NOT_FOUND : EM_ERROR_IO,
                   "%s: cannot open: %s", base, g_strerror (saved));
      return FALSE;
    }
  got = fread (magic, 1, sizeof magic, f);
  fclose (f);
  if (got < sizeof magic || memcmp (magic, "SQLite format 3", 16) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_CORRUPT, "%s: not an Ember version (%s)", base,
                   got == 0 ? "empty file" : "not an SQLite database");
      return FALSE;
    }
  return TRUE;
}

sqlite3 *
em_project_version_open_db (const char *path, gint64 *schema, GError **error)
{
  g_autofree char *base = g_path_get_basename (path);
  sqlite3 *db = NULL;
  gint64 app_id = 0;
  int rc;

  if (!check_magic (path, error))
    return NULL;
  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      em_project_set_sqlite_error (error, db, rc, path, "cannot open");
      sqlite3_close (db);
      return NULL;
    }
  if (!query_int (db, path, "PRAGMA application_id", &app_id, error) ||
      !query_int (db, path, "PRAGMA user_version", schema, error))
    goto fail;
  if (app_id != EM_PROJECT_APPLICATION_ID)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_CORRUPT,
                   "%s: not an Ember version (an SQLite database of another program)", base);
      goto fail;
    }
  if (*schema > EM_PROJECT_SCHEMA_VERSION)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_SCHEMA_TOO_NEW,
                   "%s: made by a newer Ember (project schema %" G_GINT64_FORMAT
                   ", this version reads up to %d); update Ember to use it",
                   base, *schema, EM_PROJECT_SCHEMA_VERSION);
      goto fail;
    }
  return db;

fail:
  sqlite3_close (db);
  return NULL;
}

typedef enum { ROW_SETTING, ROW_COUNT, ROW_LABEL } RowKind;

/* Runs @sql and takes each row into @v; SQLITE_DONE when all went well. */
static int
for_each_row (sqlite3 *db, const char *sql, RowKind kind, EmVersion *v, GStrvBuilder *labels)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *a = (const char *) sqlite3_column_text (stmt, 0);
      const char *b = (const char *) sqlite3_column_text (stmt, 1);

      switch (kind)
        {
        case ROW_SETTING:
          if (g_strcmp0 (a, "name") == 0)
            {
              g_free (v->project_name);
              v->project_name = g_strdup (b);
            }
          else if (g_strcmp0 (a, DESCRIPTION_KEY) == 0)
            {
              g_free (v->description);
              v->description = g_strdup (b);
            }
          else if (g_strcmp0 (a, CREATED_KEY) == 0 && b != NULL)
            v->created = g_ascii_strtoll (b, NULL, 10);
          else if (g_strcmp0 (a, "impulse") == 0 && b != NULL)
            {
              g_free (v->impulse);
              v->impulse = impulse_summary (b);
            }
          break;
        case ROW_COUNT:
          if (sqlite3_column_int (stmt, 0) == EM_CATEGORY_TRAINING)
            v->n_training = sqlite3_column_int64 (stmt, 1);
          else
            v->n_testing += sqlite3_column_int64 (stmt, 1);
          break;
        case ROW_LABEL:
          g_strv_builder_add (labels, a != NULL ? a : "");
          break;
        }
    }
  sqlite3_finalize (stmt);
  return rc;
}

EmVersion *
em_project_version_read (const char *version_path, GError **error)
{
  g_autoptr(EmVersion) v = g_new0 (EmVersion, 1);
  g_autofree char *base = g_path_get_basename (version_path);
  g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
  sqlite3 *db;
  gint64 schema = 0;
  GStatBuf st;
  int rc;

  g_return_val_if_fail (version_path != NULL, NULL);

  v->path = g_strdup (version_path);
  v->accuracy = NAN;
  em_project_version_parse_name (base, &v->number);
  db = em_project_version_open_db (version_path, &schema, error);
  if (db == NULL)
    return NULL;

  rc = for_each_row (db, "SELECT key, value FROM settings", ROW_SETTING, v, labels);
  if (rc == SQLITE_DONE)
    rc = for_each_row (db, "SELECT category, count(*) FROM samples GROUP BY category", ROW_COUNT, v, labels);
  if (rc == SQLITE_DONE)
    rc = for_each_row (db, "SELECT DISTINCT label FROM samples ORDER BY label", ROW_LABEL, v, labels);
  if (rc != SQLITE_DONE)
    {
      em_project_set_sqlite_error (error, db, rc, version_path, "cannot read the version");
      sqlite3_close (db);
      return NULL;
    }
  read_accuracy (db, v);
  sqlite3_close (db);

  v->labels = g_strv_builder_end (labels);
  if (v->description == NULL)
    v->description = g_strdup ("");
  if (g_stat (version_path, &st) == 0)
    v->size = st.st_size;
  return g_steal_pointer (&v);
}

static gint
compare_number (gconstpointer a, gconstpointer b)
{
  const EmVersion *va = *(EmVersion * const *) a, *vb = *(EmVersion * const *) b;

  return va->number < vb->number ? -1 : va->number > vb->number;
}

GPtrArray *
em_project_versions_list (const char *project_path, GError **error)
{
  g_autofree char *dir_path = em_project_versions_dir (project_path);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) em_version_free);
  g_autoptr(GError) local = NULL;
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, &local);
  const char *name;

  if (dir == NULL)
    {
      g_autofree char *base = NULL;

      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&list);
      base = g_path_get_basename (dir_path);
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: cannot list the versions: %s", base, local->message);
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GError) read_error = NULL;
      EmVersion *v;
      guint number;

      if (!em_project_version_parse_name (name, &number))
        continue;
      path = g_build_filename (dir_path, name, NULL);
      v = em_project_version_read (path, &read_error);
      if (v == NULL)
        {
          /* Listed all the same, so the user sees it and can delete it. */
          v = g_new0 (EmVersion, 1);
          v->path = g_steal_pointer (&path);
          v->description = g_strdup ("");
          v->labels = g_new0 (char *, 1);
          v->accuracy = NAN;
          v->problem = g_strdup (read_error->message);
        }
      v->number = number;
      g_ptr_array_add (list, v);
    }
  g_ptr_array_sort (list, compare_number);
  return g_steal_pointer (&list);
}
