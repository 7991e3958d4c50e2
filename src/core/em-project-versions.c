/* SPDX-License-Identifier: Apache-2.0 */
/* Versions of a project: see em-project-versions.h for the layout. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "em-error.h"
#include "em-impulse.h"
#include "em-project-private.h"
#include "em-project-versions-private.h"

#define LAST_NUMBER_FILE ".last-number"
#define NUMBER_KEY       "version.number"
#define DESCRIPTION_KEY  "version.description"
#define CREATED_KEY      "version.created"

void
em_version_free (EmVersion *version)
{
  if (version == NULL)
    return;
  g_free (version->path);
  g_free (version->description);
  g_free (version->project_name);
  g_strfreev (version->labels);
  g_free (version->impulse);
  g_free (version->accuracy_kind);
  g_free (version->problem);
  g_free (version);
}

char *
em_project_versions_dir (const char *project_path)
{
  g_return_val_if_fail (project_path != NULL, NULL);
  return g_strconcat (project_path, "-versions", NULL);
}

char *
em_project_version_path (const char *project_path, guint number)
{
  g_autofree char *dir = em_project_versions_dir (project_path);
  g_autofree char *name = g_strdup_printf ("v%04u.ember", number);

  return g_build_filename (dir, name, NULL);
}

gboolean
em_project_version_parse_name (const char *name, guint *number)
{
  guint64 n = 0;
  gsize len = strlen (name);
  g_autofree char *digits = NULL;

  if (len < strlen ("v1.ember") || name[0] != 'v' || !g_str_has_suffix (name, ".ember"))
    return FALSE;
  digits = g_strndup (name + 1, len - 1 - strlen (".ember"));
  if (!g_ascii_string_to_unsigned (digits, 10, 1, G_MAXUINT, &n, NULL))
    return FALSE;
  *number = (guint) n;
  return TRUE;
}

static void
remove_db_files (const char *path)
{
  static const char *const suffixes[] = { "", "-journal", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (path, suffixes[i], NULL);
      g_unlink (p);
    }
}

/* Test hook shared with em-project-schema.c: a cap on the file's size
 * stands in for a full disk. */
static void
apply_page_cap (sqlite3 *db)
{
  const char *cap = g_getenv ("EMBER_TEST_MAX_PAGE_COUNT");

  if (cap != NULL)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GUINT64_FORMAT,
                                              g_ascii_strtoull (cap, NULL, 10));
      sqlite3_exec (db, sql, NULL, NULL, NULL);
    }
}

static gboolean
exec_sql (sqlite3 *db, const char *path, const char *sql, const char *what, GError **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      em_project_set_sqlite_error (error, db, rc, path, what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_cancelled (GCancellable *cancellable, const char *path, GError **error)
{
  g_autofree char *base = NULL;

  if (!g_cancellable_is_cancelled (cancellable))
    return FALSE;
  base = g_path_get_basename (path);
  g_set_error (error, EM_ERROR, EM_ERROR_CANCELLED, "%s: cancelled", base);
  return TRUE;
}

/* Copy @src into @dest in steps, holding @lock (nullable) around each step
 * because @src is a connection other threads use under it. Progress goes
 * from @from to @to. @path names the file being written in errors. */
static gboolean
backup_all (sqlite3 *dest, sqlite3 *src, GRecMutex *lock, const char *path, double from, double to,
            EmProgressFunc progress, gpointer user_data, GCancellable *cancellable, GError **error)
{
  sqlite3_backup *backup;
  int rc;

  if (lock != NULL)
    g_rec_mutex_lock (lock);
  backup = sqlite3_backup_init (dest, "main", src, "main");
  if (lock != NULL)
    g_rec_mutex_unlock (lock);
  if (backup == NULL)
    {
      em_project_set_sqlite_error (error, dest, sqlite3_errcode (dest), path, "cannot start the copy");
      return FALSE;
    }
  for (;;)
    {
      int total, remaining;

      if (set_cancelled (cancellable, path, error))
        {
          rc = SQLITE_ABORT;
          break;
        }
      /* The destination is touched by the source's writers too (the
       * backup follows their changes), so it stays under the lock as well. */
      if (lock != NULL)
        g_rec_mutex_lock (lock);
      rc = sqlite3_backup_step (backup, EM_PROJECT_VERSION_STEP_PAGES);
      total = sqlite3_backup_pagecount (backup);
      remaining = sqlite3_backup_remaining (backup);
      if (lock != NULL)
        g_rec_mutex_unlock (lock);
      if (rc == SQLITE_DONE)
        break;
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        {
          /* Another process holds the source's lock: wait, don't fail. */
          g_usleep (G_USEC_PER_SEC / 100);
          continue;
        }
      if (rc != SQLITE_OK)
        break;
      if (progress != NULL && total > 0)
        progress (from + (to - from) * (total - remaining) / (double) total, NULL, user_data);
    }
  if (lock != NULL)
    g_rec_mutex_lock (lock);
  sqlite3_backup_finish (backup);
  if (lock != NULL)
    g_rec_mutex_unlock (lock);
  if (rc == SQLITE_ABORT)
    return FALSE;
  if (rc != SQLITE_DONE)
    {
      em_project_set_sqlite_error (error, dest, rc, path, "cannot write the copy");
      return FALSE;
    }
  /* The copied header says WAL, as the project is; a version is a plain
   * rollback-journal file, so reading it leaves no -wal / -shm behind. */
  return exec_sql (dest, path, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;",
                   "cannot write the copy", error);
}

/* A partial file in @dir, closed; SQLite opens it as an empty database. */
static char *
make_partial (const char *dir, const char *prefix, GError **error)
{
  g_autofree char *tmpl = g_strdup_printf ("%s-XXXXXX.partial", prefix);
  char *path = g_build_filename (dir, tmpl, NULL);
  int fd = g_mkstemp_full (path, O_RDWR, 0644);

  if (fd < 0)
    {
      int saved = errno;
      g_autofree char *base = g_path_get_basename (dir);
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: cannot write: %s", base, g_strerror (saved));
      g_free (path);
      return NULL;
    }
  close (fd);
  return path;
}

/* ---- create ---------------------------------------------------------------- */

static guint
next_number (const char *dir_path)
{
  g_autofree char *last_path = g_build_filename (dir_path, LAST_NUMBER_FILE, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint max = 0, n;

  if (g_file_get_contents (last_path, &text, NULL, NULL))
    max = (guint) MIN (g_ascii_strtoull (text, NULL, 10), G_MAXUINT - 1000);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (em_project_version_parse_name (name, &n) && n < G_MAXUINT - 1000)
      max = MAX (max, n);
  return max + 1;
}

static gboolean
write_metadata (sqlite3 *db, const char *path, guint number, const char *description, gint64 created,
                GError **error)
{
  const char *sql = "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2), (?3, ?4), (?5, ?6)";
  g_autofree char *num = g_strdup_printf ("%u", number);
  g_autofree char *when = g_strdup_printf ("%" G_GINT64_FORMAT, created);
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, NUMBER_KEY, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, num, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, DESCRIPTION_KEY, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, description != NULL ? description : "", -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, CREATED_KEY, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, when, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      em_project_set_sqlite_error (error, db, rc, path, "cannot write the version");
      return FALSE;
    }
  return TRUE;
}

EmVersion *
em_project_version_create (EmProject *project, const char *description, EmProgressFunc progress,
                           gpointer user_data, GCancellable *cancellable, GError **error)
{
  g_autofree char *dir_path = NULL, *partial = NULL, *final = NULL;
  sqlite3 *dest = NULL;
  gint64 created = g_get_real_time ();
  guint number;
  gboolean ok = FALSE, in_transaction;
  int rc;

  g_return_val_if_fail (EM_IS_PROJECT (project), NULL);

  /* Another thread's transaction only makes us wait for the lock; our
   * own would be copied half-done. */
  g_rec_mutex_lock (&project->lock);
  in_transaction = project->tx_depth > 0;
  g_rec_mutex_unlock (&project->lock);
  if (in_transaction)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "%s: cannot take a version inside an open transaction", project->name);
      return NULL;
    }
  dir_path = em_project_versions_dir (project->path);
  if (g_mkdir_with_parents (dir_path, 0755) != 0)
    {
      int saved = errno;
      g_autofree char *base = g_path_get_basename (dir_path);
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: cannot create the versions folder: %s", base,
                   g_strerror (saved));
      return NULL;
    }
  partial = make_partial (dir_path, ".new", error);
  if (partial == NULL)
    return NULL;

  rc = sqlite3_open_v2 (partial, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      em_project_set_sqlite_error (error, dest, rc, dir_path, "cannot write the version");
      goto out;
    }
  sqlite3_extended_result_codes (dest, 1);
  apply_page_cap (dest);
  /* No journal while copying: a failed copy is deleted, never repaired. */
  /* Errors name the folder: the partial file's name means nothing to users. */
  if (!exec_sql (dest, dir_path, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;",
                 "cannot write the version", error) ||
      !backup_all (dest, project->db, &project->lock, dir_path, 0, 0.95, progress, user_data,
                   cancellable, error))
    goto out;

  /* Numbered last, so versions taken at the same time get different
   * numbers: link() never replaces a file, a taken number moves on. The
   * metadata commit syncs the whole file before it gets its name. */
  number = next_number (dir_path);
  for (guint attempt = 0;; attempt++, number++)
    {
      g_free (final);
      final = em_project_version_path (project->path, number);
      if (!write_metadata (dest, dir_path, number, description, created, error))
        goto out;
      if (link (partial, final) == 0)
        break;
      if (errno != EEXIST || attempt > 1000)
        {
          int saved = errno;
          g_autofree char *base = g_path_get_basename (final);
          g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: cannot write: %s", base, g_strerror (saved));
          goto out;
        }
    }
  ok = TRUE;
  {
    g_autofree char *last_path = g_build_filename (dir_path, LAST_NUMBER_FILE, NULL);
    g_autofree char *text = g_strdup_printf ("%u\n", number);
    /* Only a hint against reusing numbers: losing it loses nothing. */
    g_file_set_contents (last_path, text, -1, NULL);
  }

out:
  sqlite3_close (dest);
  remove_db_files (partial);
  if (!ok)
    return NULL;
  if (progress != NULL)
    progress (1, NULL, user_data);
  return em_project_version_read (final, error);
}

/* ---- restore ---------------------------------------------------------------- */

gboolean
em_project_version_restore (const char *version_path, const char *target_path, const char *name,
                            EmProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                            GError **error)
{
  g_autofree char *target_base = NULL, *target_dir = NULL, *partial = NULL, *default_name = NULL;
  g_autoptr(EmVersion) info = NULL;
  g_autoptr(EmProject) restored = NULL;
  sqlite3 *src = NULL, *dest = NULL;
  gint64 schema = 0;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (version_path != NULL, FALSE);
  g_return_val_if_fail (target_path != NULL, FALSE);

  target_base = g_path_get_basename (target_path);
  if (g_file_test (target_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "%s: already exists; restore into a new file", target_base);
      return FALSE;
    }
  info = em_project_version_read (version_path, error);
  if (info == NULL)
    return FALSE;
  target_dir = g_path_get_dirname (target_path);
  if (!g_file_test (target_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "%s: the folder does not exist", target_dir);
      return FALSE;
    }
  partial = make_partial (target_dir, ".restore", error);
  if (partial == NULL)
    return FALSE;

  src = em_project_version_open_db (version_path, &schema, error);
  if (src == NULL)
    goto out;
  rc = sqlite3_open_v2 (partial, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      em_project_set_sqlite_error (error, dest, rc, target_path, "cannot write");
      goto out;
    }
  sqlite3_extended_result_codes (dest, 1);
  apply_page_cap (dest);
  if (!exec_sql (dest, target_path, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;", "cannot write", error) ||
      !backup_all (dest, src, NULL, target_path, 0, 0.8, progress, user_data, cancellable, error))
    goto out;
  g_clear_pointer (&src, sqlite3_close);
  g_clear_pointer (&dest, sqlite3_close);

  /* Opened as a project: migrated to this build's schema, WAL like any. */
  restored = em_project_open (partial, error);
  if (restored == NULL || !em_project_check (restored, error))
    goto out;
  if (progress != NULL)
    progress (0.9, NULL, user_data);
  if (name == NULL || *name == '\0')
    name = default_name = g_strdup_printf ("%s (v%u)", info->project_name != NULL ? info->project_name : "project",
                                           info->number);
  if (set_cancelled (cancellable, target_path, error) ||
      !em_project_begin (restored, error) ||
      !em_project_set_setting (restored, NUMBER_KEY, NULL, error) ||
      !em_project_set_setting (restored, DESCRIPTION_KEY, NULL, error) ||
      !em_project_set_setting (restored, CREATED_KEY, NULL, error) ||
      !em_project_set_setting (restored, "name", name, error) ||
      !em_project_commit (restored, error))
    {
      if (restored != NULL)
        em_project_rollback (restored);
      goto out;
    }
  /* Closing checkpoints the WAL into the file, which then stands alone. */
  g_clear_object (&restored);
  if (link (partial, target_path) != 0)
    {
      int saved = errno;
      g_set_error (error, EM_ERROR, saved == EEXIST ? EM_ERROR_INVALID_ARGUMENT : EM_ERROR_IO,
                   "%s: %s", target_base,
                   saved == EEXIST ? "already exists; restore into a new file" : g_strerror (saved));
      goto out;
    }
  ok = TRUE;

out:
  g_clear_object (&restored);
  sqlite3_close (src);
  sqlite3_close (dest);
  remove_db_files (partial);
  if (ok && progress != NULL)
    progress (1, NULL, user_data);
  return ok;
}

/* ---- delete ------------------------------------------------------------------ */

gboolean
em_project_version_delete (const char *project_path, guint number, GError **error)
{
  g_autofree char *path = em_project_version_path (project_path, number);
  g_autofree char *base = g_path_get_basename (path);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *project = g_path_get_basename (project_path);
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "%s: no version %u", project, number);
      return FALSE;
    }
  if (g_unlink (path) != 0)
    {
      int saved = errno;
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: cannot delete: %s", base, g_strerror (saved));
      return FALSE;
    }
  remove_db_files (path);
  return TRUE;
}

/* ---- async --------------------------------------------------------------------- */

typedef struct {
  char           *description;
  char           *version_path;
  char           *target_path;
  char           *name;
  EmProgressFunc  progress;
  gpointer        user_data;
} TaskData;

static void
task_data_free (TaskData *d)
{
  g_free (d->description);
  g_free (d->version_path);
  g_free (d->target_path);
  g_free (d->name);
  g_free (d);
}

static void
create_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  TaskData *d = data;
  GError *error = NULL;
  EmVersion *v = em_project_version_create (source, d->description, d->progress, d->user_data,
                                            cancellable, &error);

  if (v == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, v, (GDestroyNotify) em_version_free);
}

void
em_project_version_create_async (EmProject *project, const char *description, EmProgressFunc progress,
                                 gpointer user_data, GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer callback_data)
{
  g_autoptr(GTask) task = g_task_new (project, cancellable, callback, callback_data);
  TaskData *d = g_new0 (TaskData, 1);

  d->description = g_strdup (description);
  d->progress = progress;
  d->user_data = user_data;
  g_task_set_source_tag (task, em_project_version_create_async);
  g_task_set_task_data (task, d, (GDestroyNotify) task_data_free);
  /* The cancellable is checked between steps, so cancelling ends as an
   * EM_ERROR_CANCELLED with the partial file removed. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, create_thread);
}

EmVersion *
em_project_version_create_finish (EmProject *project, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, project), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
restore_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  TaskData *d = data;
  GError *error = NULL;

  if (em_project_version_restore (d->version_path, d->target_path, d->name, d->progress, d->user_data,
                                  cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
em_project_version_restore_async (const char *version_path, const char *target_path, const char *name,
                                  EmProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer callback_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, callback_data);
  TaskData *d = g_new0 (TaskData, 1);

  d->version_path = g_strdup (version_path);
  d->target_path = g_strdup (target_path);
  d->name = g_strdup (name);
  d->progress = progress;
  d->user_data = user_data;
  g_task_set_source_tag (task, em_project_version_restore_async);
  g_task_set_task_data (task, d, (GDestroyNotify) task_data_free);
  g_task_run_in_thread (task, restore_thread);
}

gboolean
em_project_version_restore_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
