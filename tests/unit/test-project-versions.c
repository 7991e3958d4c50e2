/* SPDX-License-Identifier: Apache-2.0 */
/* Project versions (em-project-versions.h): a snapshot holds exactly the
 * project's content (table by table), even when the project changes during
 * the copy; the list reads counts, labels, impulse and accuracy from the
 * snapshots; a failed (full disk) or cancelled snapshot leaves no file and
 * the project unchanged; garbage, foreign, truncated and newer version
 * files are refused with one-line errors; restore never touches an
 * existing file and makes a project that opens. */
#include <math.h>
#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include "em-error.h"
#include "em-impulse.h"
#include "em-model-store.h"
#include "em-project-versions.h"
#include "test-util.h"

/* Every table of a project, in the order the digest reads them. */
static const char *const tables[] = {
  "samples", "sample_data", "sample_metadata", "bounding_boxes", "feature_cache",
  "feature_projections", "models", "test_results", "test_predictions",
};

static EmSample *
make_sample (const char *label, EmCategory category, int seed, guint n_floats)
{
  EmSample *s = em_sample_new ();
  g_autofree float *values = g_new (float, n_floats);
  g_autofree char *name = g_strdup_printf ("%s.%d", label, seed);

  for (guint i = 0; i < n_floats; i++)
    values[i] = seed * 1000.0f + (float) i * 0.25f;
  em_sample_set_name (s, name);
  em_sample_set_label (s, label);
  em_sample_set_category (s, category);
  em_sample_set_kind (s, EM_SENSOR_TIME_SERIES);
  em_sample_set_interval_ms (s, 16.0);
  em_sample_add_axis (s, "accX", "m/s2");
  em_sample_add_axis (s, "accY", "m/s2");
  em_sample_set_values (s, values, n_floats / 2);
  return s;
}

static void
add (EmProject *p, const char *label, EmCategory category, int seed, guint n_floats)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = make_sample (label, category, seed, n_floats);

  g_assert_cmpint (em_project_add_sample (p, s, 0, &error), >, 0);
  g_assert_no_error (error);
}

/* ~60 samples of 16 KB: about 250 pages, several backup steps. */
static EmProject *
new_project (char **path_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "birds.ember", NULL);
  g_autoptr(EmProject) p = em_project_create (path, "Birds", &error);
  g_autoptr(EmImpulse) impulse = em_impulse_new ();
  const char *inputs[] = { "spectral", NULL };
  const char *labels[] = { "crow", "robin", NULL };
  EmModel model = { .block_id = "classification", .plugin = "classification", .params_key = "k",
                    .labels = (GStrv) labels, .report = "{}", .created = 1 };

  g_assert_no_error (error);
  for (int i = 0; i < 60; i++)
    add (p, i % 2 ? "crow" : "robin", i % 5 == 4 ? EM_CATEGORY_TESTING : EM_CATEGORY_TRAINING, i, 4000);
  em_impulse_add_block (impulse, "spectral", "spectral");
  em_impulse_add_learn_block (impulse, "classification", "classification", inputs);
  g_assert_true (em_impulse_save (p, impulse, &error));
  g_assert_no_error (error);
  model.blob = g_bytes_new_static ("model", 5);
  g_assert_true (em_model_store_put (p, &model, &error));
  g_assert_no_error (error);
  g_bytes_unref (model.blob);
  g_assert_true (em_model_store_put_test (p, "classification", "float", "{\"accuracy\": 0.75}", NULL, 0, &error));
  g_assert_no_error (error);
  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  return g_steal_pointer (&p);
}

/* SHA-256 over every row of every table and of the settings (but version.*
 * and the name, which a restore sets), read through a separate read-only
 * connection. */
static char *
digest (const char *path)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (guint t = 0; t <= G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *sql = t < G_N_ELEMENTS (tables)
        ? g_strdup_printf ("SELECT * FROM %s ORDER BY 1, 2", tables[t])
        : g_strdup ("SELECT * FROM settings WHERE key NOT LIKE 'version.%' AND key <> 'name' ORDER BY key");
      sqlite3_stmt *stmt = NULL;
      int rc;

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      g_checksum_update (sum, (const guchar *) sql, -1);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count (stmt); c++)
          {
            const void *bytes = sqlite3_column_blob (stmt, c);
            int n = sqlite3_column_bytes (stmt, c);
            guchar type = (guchar) sqlite3_column_type (stmt, c);

            g_checksum_update (sum, &type, 1);
            g_checksum_update (sum, (const guchar *) &n, sizeof n);
            if (n > 0)
              g_checksum_update (sum, bytes, n);
          }
      g_assert_cmpint (rc, ==, SQLITE_DONE);
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  return g_strdup (g_checksum_get_string (sum));
}

/* Names in the versions folder other than .last-number. */
static guint
count_files (const char *project_path, gboolean *any_partial)
{
  g_autofree char *dir_path = em_project_versions_dir (project_path);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  *any_partial = FALSE;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_equal (name, ".last-number"))
        continue;
      *any_partial |= strstr (name, "partial") != NULL || strstr (name, "journal") != NULL;
      n++;
    }
  return n;
}

typedef struct {
  GArray       *fractions;
  GCancellable *cancel_at_first; /* nullable */
  EmProject    *write_to;        /* nullable: add a sample mid-copy */
} Watch;

static void
watch_cb (double fraction, const char *what, gpointer data)
{
  Watch *w = data;

  g_array_append_val (w->fractions, fraction);
  if (w->cancel_at_first != NULL)
    g_cancellable_cancel (w->cancel_at_first);
  if (w->write_to != NULL && w->fractions->len == 1)
    add (w->write_to, "sparrow", EM_CATEGORY_TRAINING, 999, 4000);
}

static void
test_create_list_delete (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(EmProject) p = new_project (&path);
  g_autoptr(EmVersion) v1 = NULL, v2 = NULL, v3 = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *before = digest (path);
  g_autofree char *snap = NULL, *after = NULL;
  Watch w = { fractions, NULL, NULL };
  gboolean partial;

  list = em_project_versions_list (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  v1 = em_project_version_create (p, "first data", watch_cb, &w, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (v1);
  g_assert_cmpuint (v1->number, ==, 1);
  g_assert_true (g_str_has_suffix (v1->path, "birds.ember-versions/v0001.ember"));
  g_assert_cmpstr (v1->description, ==, "first data");
  g_assert_cmpstr (v1->project_name, ==, "Birds");
  g_assert_cmpint (v1->n_training, ==, 48);
  g_assert_cmpint (v1->n_testing, ==, 12);
  g_assert_cmpuint (g_strv_length (v1->labels), ==, 2);
  g_assert_cmpstr (v1->labels[0], ==, "crow");
  g_assert_cmpstr (v1->impulse, ==, "spectral → classification");
  g_assert_cmpfloat_with_epsilon (v1->accuracy, 0.75, 1e-9);
  g_assert_cmpstr (v1->accuracy_kind, ==, "test");
  g_assert_cmpint (v1->created, >, 0);
  g_assert_null (v1->problem);
  /* Progress: several steps, rising, ending at 1. */
  g_assert_cmpuint (fractions->len, >=, 3);
  for (guint i = 1; i < fractions->len; i++)
    g_assert_cmpfloat (g_array_index (fractions, double, i), >=, g_array_index (fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);

  /* Same content as the project; the project itself unchanged. */
  snap = digest (v1->path);
  after = digest (path);
  g_assert_cmpstr (snap, ==, before);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (count_files (path, &partial), ==, 1);
  g_assert_false (partial);

  v2 = em_project_version_create (p, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (v2->number, ==, 2);
  g_assert_cmpstr (v2->description, ==, "");
  list = em_project_versions_list (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpuint (((EmVersion *) list->pdata[0])->number, ==, 1);
  g_assert_cmpstr (((EmVersion *) list->pdata[0])->description, ==, "first data");
  g_assert_cmpuint (((EmVersion *) list->pdata[1])->number, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Deleting the last one does not give its number again. */
  g_assert_true (em_project_version_delete (path, 2, &error));
  g_assert_no_error (error);
  g_assert_false (em_project_version_delete (path, 2, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  v3 = em_project_version_create (p, "third", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (v3->number, ==, 3);
  list = em_project_versions_list (path, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpuint (((EmVersion *) list->pdata[1])->number, ==, 3);

  /* Inside the caller's own transaction a snapshot would copy half-done work. */
  g_assert_true (em_project_begin (p, &error));
  g_assert_null (em_project_version_create (p, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  em_project_rollback (p);
}

/* A sample added while the copy runs (same connection) is in the snapshot:
 * SQLite's backup follows the change, so the snapshot is one state. */
static void
test_write_during_snapshot (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(EmProject) p = new_project (&path);
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(EmVersion) v = NULL;
  g_autofree char *snap = NULL, *now = NULL;
  Watch w = { fractions, NULL, p };

  v = em_project_version_create (p, "moving", watch_cb, &w, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (v->n_training, ==, 49);
  snap = digest (v->path);
  now = digest (path);
  g_assert_cmpstr (snap, ==, now);
}

static void
test_full_disk (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(EmProject) p = new_project (&path);
  g_autofree char *before = digest (path);
  g_autofree char *after = NULL;
  g_autoptr(EmVersion) v = NULL;
  gboolean partial;

  /* Room for a few pages of the ~250: the copy fails part-way. */
  g_setenv ("EMBER_TEST_MAX_PAGE_COUNT", "40", TRUE);
  v = em_project_version_create (p, "too big", NULL, NULL, NULL, &error);
  g_unsetenv ("EMBER_TEST_MAX_PAGE_COUNT");
  g_assert_null (v);
  g_assert_error (error, EM_ERROR, EM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_assert_null (strchr (error->message, '\n'));
  g_clear_error (&error);
  g_assert_cmpuint (count_files (path, &partial), ==, 0);

  after = digest (path);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (em_project_check (p, &error));
  g_assert_no_error (error);
  /* The project still works, and the next version gets number 1. */
  add (p, "crow", EM_CATEGORY_TRAINING, 500, 30);
  v = em_project_version_create (p, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (v->number, ==, 1);
}

static void
test_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL, *target = NULL;
  g_autoptr(EmProject) p = new_project (&path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(EmVersion) v = NULL;
  g_autofree char *before = digest (path);
  g_autofree char *after = NULL;
  Watch w = { fractions, cancellable, NULL };
  gboolean partial;

  /* Cancelled after the first step of several. */
  g_assert_null (em_project_version_create (p, "x", watch_cb, &w, cancellable, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (fractions->len, ==, 1);
  g_assert_cmpfloat (g_array_index (fractions, double, 0), <, 0.9);
  g_assert_cmpuint (count_files (path, &partial), ==, 0);
  after = digest (path);
  g_assert_cmpstr (after, ==, before);

  /* A restore cancelled part-way leaves no target and no partial file. */
  v = em_project_version_create (p, "x", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  target = g_strconcat (path, ".restored.ember", NULL);
  g_cancellable_reset (cancellable);
  g_array_set_size (fractions, 0);
  g_assert_false (em_project_version_restore (v->path, target, NULL, watch_cb, &w, cancellable, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_CANCELLED);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  {
    g_autofree char *dir = g_path_get_dirname (path);
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d)) != NULL)
      g_assert_null (strstr (name, "partial"));
  }
}

static void
test_restore (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL, *target = NULL, *other = NULL;
  g_autoptr(EmProject) p = new_project (&path);
  g_autoptr(EmProject) restored = NULL;
  g_autoptr(EmVersion) v = NULL;
  g_autoptr(GBytes) kept = NULL, kept_after = NULL;
  g_autofree char *name = NULL, *snap = NULL, *got = NULL, *number = NULL;

  v = em_project_version_create (p, "before the cleanup", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  snap = digest (v->path);
  /* The project moves on; the version keeps its state. */
  add (p, "crow", EM_CATEGORY_TRAINING, 700, 30);

  target = g_strconcat (path, ".v1.ember", NULL);
  g_assert_true (em_project_version_restore (v->path, target, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  restored = em_project_open (target, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (em_project_get_name (restored), ==, "Birds (v1)");
  g_assert_cmpint (em_project_count_samples (restored, NULL, NULL), ==, 60);
  number = em_project_get_setting (restored, "version.number");
  g_assert_null (number);
  g_clear_object (&restored);
  got = digest (target);
  g_assert_cmpstr (got, ==, snap);

  /* An existing file is refused and not touched: the restored one ... */
  kept = em_test_read_file (target);
  g_assert_false (em_project_version_restore (v->path, target, "again", NULL, NULL, NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "already exists"));
  g_clear_error (&error);
  kept_after = em_test_read_file (target);
  g_assert_true (g_bytes_equal (kept, kept_after));
  /* ... the project itself ... */
  g_assert_false (em_project_version_restore (v->path, path, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (em_project_count_samples (p, NULL, NULL), ==, 61);
  /* ... and any other file. */
  other = g_strconcat (path, ".notes.txt", NULL);
  em_test_write_file (other, "notes", 5);
  g_assert_false (em_project_version_restore (v->path, other, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_clear_pointer (&kept, g_bytes_unref);
  kept = em_test_read_file (other);
  g_assert_cmpuint (g_bytes_get_size (kept), ==, 5);

  /* A chosen name. */
  g_free (target);
  target = g_strconcat (path, ".named.ember", NULL);
  g_assert_true (em_project_version_restore (v->path, target, "Old birds", NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  restored = em_project_open (target, &error);
  g_assert_cmpstr (em_project_get_name (restored), ==, "Old birds");
}

static void
test_bad_versions (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL, *garbage = NULL, *newer = NULL, *half = NULL, *foreign = NULL;
  g_autofree char *target = NULL;
  g_autoptr(EmProject) p = new_project (&path);
  g_autoptr(EmVersion) v = em_project_version_create (p, NULL, NULL, NULL, NULL, &error);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char noise[5000];
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  target = g_strconcat (path, ".out.ember", NULL);

  /* Garbage. */
  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = (char) g_test_rand_int ();
  garbage = em_project_version_path (path, 2);
  em_test_write_file (garbage, noise, sizeof noise);
  g_assert_null (em_project_version_read (garbage, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_CORRUPT);
  g_assert_cmpstr (error->message, ==, "v0002.ember: not an Ember version (not an SQLite database)");
  g_clear_error (&error);
  g_assert_false (em_project_version_restore (garbage, target, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));

  /* Made by a newer Ember. */
  newer = em_project_version_path (path, 3);
  bytes = em_test_read_file (v->path);
  em_test_write_file (newer, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_cmpint (sqlite3_open (newer, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_null (em_project_version_read (newer, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_SCHEMA_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "v0003.ember: made by a newer Ember"));
  g_clear_error (&error);
  g_assert_false (em_project_version_restore (newer, target, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_SCHEMA_TOO_NEW);
  g_clear_error (&error);

  /* Truncated: refused by the check before it gets the target's name. */
  half = em_project_version_path (path, 4);
  em_test_write_file (half, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) / 2);
  g_assert_false (em_project_version_restore (half, target, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_CORRUPT);
  g_assert_null (strchr (error->message, '\n'));
  g_clear_error (&error);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));

  /* Another program's database. */
  foreign = em_project_version_path (path, 5);
  g_assert_cmpint (sqlite3_open (foreign, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_null (em_project_version_read (foreign, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "another program"));
  g_clear_error (&error);

  /* The list shows them all, the bad ones with their reason. */
  list = em_project_versions_list (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 5);
  g_assert_null (((EmVersion *) list->pdata[0])->problem);
  g_assert_nonnull (strstr (((EmVersion *) list->pdata[1])->problem, "not an SQLite database"));
  g_assert_nonnull (strstr (((EmVersion *) list->pdata[2])->problem, "newer Ember"));
  g_assert_nonnull (((EmVersion *) list->pdata[4])->problem);
  /* And they can be deleted. */
  g_assert_true (em_project_version_delete (path, 2, &error));
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/versions/create-list-delete", test_create_list_delete);
  g_test_add_func ("/versions/write-during-snapshot", test_write_during_snapshot);
  g_test_add_func ("/versions/full-disk", test_full_disk);
  g_test_add_func ("/versions/cancel", test_cancel);
  g_test_add_func ("/versions/restore", test_restore);
  g_test_add_func ("/versions/bad-versions", test_bad_versions);
  return g_test_run ();
}
