/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include "em-error.h"
#include "em-project.h"
#include "em-sample-list-model.h"
#include "test-util.h"

static EmSample *
make_sample (const char *name, const char *label, EmCategory category, float seed)
{
  EmSample *s = em_sample_new ();
  float values[30];

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    values[i] = seed + (float) i * 0.25f;
  em_sample_set_name (s, name);
  em_sample_set_label (s, label);
  em_sample_set_category (s, category);
  em_sample_set_kind (s, EM_SENSOR_TIME_SERIES);
  em_sample_set_interval_ms (s, 16.0);
  em_sample_add_axis (s, "accX", "m/s2");
  em_sample_add_axis (s, "accY", "m/s2");
  em_sample_add_axis (s, "accZ", "m/s2");
  em_sample_set_values (s, values, 10);
  return s;
}

static char *
new_project_path (void)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  return g_build_filename (dir, "test.ember", NULL);
}

static EmProject *
new_project (char **path_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = new_project_path ();
  EmProject *p = em_project_create (path, "Test", &error);

  g_assert_no_error (error);
  g_assert_nonnull (p);
  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  return p;
}

static gint64
add (EmProject *p, const char *name, const char *label, EmCategory c, float seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) s = make_sample (name, label, c, seed);
  gint64 id = em_project_add_sample (p, s, 0, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
test_create_open (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(EmProject) p = new_project (&path);
  g_autoptr(EmProject) again = NULL;
  g_autoptr(EmProject) reopened = NULL;
  g_autofree char *key = NULL;

  g_assert_cmpstr (em_project_get_name (p), ==, "Test");
  key = em_project_get_setting (p, "api_key");
  g_assert_true (g_str_has_prefix (key, "ei_"));

  again = em_project_create (path, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "already exists"));
  g_clear_error (&error);

  add (p, "a", "idle", EM_CATEGORY_TRAINING, 1);
  g_clear_object (&p);
  reopened = em_project_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (em_project_get_name (reopened), ==, "Test");
  g_assert_cmpint (em_project_count_samples (reopened, NULL, NULL), ==, 1);
  g_assert_true (em_project_check (reopened, &error));
  g_assert_no_error (error);
}

static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) p = new_project (NULL);
  g_autoptr(EmSample) s = make_sample ("wave.1", "wave", EM_CATEGORY_TESTING, 3);
  g_autoptr(EmSample) got = NULL;
  g_autoptr(EmSample) listed = NULL;
  g_autoptr(GPtrArray) all = NULL;
  const float *a, *b;
  guint64 na = 0, nb = 0;
  gint64 id;

  em_sample_set_metadata (s, "device", "board-7");
  em_sample_add_box (s, "hand", 1, 2, 3, 4);
  id = em_project_add_sample (p, s, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (em_sample_get_id (s), ==, id);
  g_assert_cmpint (em_sample_get_created (s), >, 0);

  got = em_project_get_sample (p, id, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (em_sample_get_name (got), ==, "wave.1");
  g_assert_cmpstr (em_sample_get_label (got), ==, "wave");
  g_assert_cmpint (em_sample_get_category (got), ==, EM_CATEGORY_TESTING);
  g_assert_cmpfloat (em_sample_get_interval_ms (got), ==, 16.0);
  g_assert_cmpuint (em_sample_get_n_axes (got), ==, 3);
  g_assert_cmpstr (em_sample_get_axis (got, 2)->name, ==, "accZ");
  g_assert_cmpstr (em_sample_get_axis (got, 2)->units, ==, "m/s2");
  g_assert_cmpuint (em_sample_get_n_frames (got), ==, 10);
  g_assert_cmpstr (em_sample_get_hash (got), ==, em_sample_get_hash (s));
  g_assert_cmpstr (em_sample_get_metadata (got, "device"), ==, "board-7");
  g_assert_cmpuint (em_sample_get_n_boxes (got), ==, 1);
  g_assert_cmpfloat (em_sample_get_box (got, 0)->height, ==, 4);
  a = em_sample_get_values (s, &na);
  b = em_sample_get_values (got, &nb);
  g_assert_cmpuint (na, ==, nb);
  g_assert_cmpmem (a, na * sizeof (float), b, nb * sizeof (float));

  /* Listing leaves the data out but keeps everything else. */
  all = em_project_list_samples (p, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 1);
  listed = g_object_ref (g_ptr_array_index (all, 0));
  g_assert_null (em_sample_get_data (listed));
  g_assert_cmpstr (em_sample_get_metadata (listed, "device"), ==, "board-7");

  g_assert_null (em_project_get_sample (p, id + 100, FALSE, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
}

static void
test_duplicates (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) p = new_project (NULL);
  g_autoptr(EmSample) twin = make_sample ("b", "idle", EM_CATEGORY_TRAINING, 1);
  gint64 first = add (p, "a", "idle", EM_CATEGORY_TRAINING, 1);

  g_assert_cmpint (em_project_add_sample (p, twin, 0, &error), ==, 0);
  g_assert_error (error, EM_ERROR, EM_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "already in the project"));
  g_clear_error (&error);
  g_assert_cmpint (em_project_find_hash (p, em_sample_get_hash (twin), NULL), ==, first);
  g_assert_cmpint (em_project_add_sample (p, twin, EM_ADD_FLAGS_ALLOW_DUPLICATE, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (em_project_count_samples (p, NULL, NULL), ==, 2);
}

static void
test_invalid_samples (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) p = new_project (NULL);
  g_autoptr(EmSample) nan = make_sample ("nan", "x", EM_CATEGORY_TRAINING, 1);
  g_autoptr(EmSample) noname = make_sample ("", "x", EM_CATEGORY_TRAINING, 2);
  g_autoptr(EmSample) mismatch = make_sample ("m", "x", EM_CATEGORY_TRAINING, 3);
  g_autoptr(EmSample) badlabel = make_sample ("b", "bad\nlabel", EM_CATEGORY_TRAINING, 4);
  float v[3] = { 1, NAN, 2 };

  em_sample_clear_axes (nan);
  em_sample_add_axis (nan, "x", "");
  em_sample_set_values (nan, v, 3);
  g_assert_cmpint (em_project_add_sample (p, nan, 0, &error), ==, 0);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_cmpint (em_project_add_sample (p, noname, 0, &error), ==, 0);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  em_sample_set_n_frames (mismatch, 11);
  g_assert_cmpint (em_project_add_sample (p, mismatch, 0, &error), ==, 0);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (em_project_add_sample (p, badlabel, 0, &error), ==, 0);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (em_project_count_samples (p, NULL, NULL), ==, 0);
}

static void
test_filters_and_paging (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) p = new_project (NULL);
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GArray) ids = NULL;
  EmSampleFilter f;

  for (int i = 0; i < 30; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.%02d", i % 3 == 0 ? "wave" : "idle", i);
      add (p, name, i % 3 == 0 ? "wave" : "idle", i % 5 == 0 ? EM_CATEGORY_TESTING : EM_CATEGORY_TRAINING, i);
    }
  em_sample_filter_init (&f);
  f.label = "wave";
  g_assert_cmpint (em_project_count_samples (p, &f, NULL), ==, 10);
  f.category = EM_CATEGORY_TESTING;
  g_assert_cmpint (em_project_count_samples (p, &f, NULL), ==, 2); /* i = 0, 15 */

  em_sample_filter_init (&f);
  f.search = "IDLE.1"; /* case-insensitive substring of the name */
  g_assert_cmpint (em_project_count_samples (p, &f, NULL), ==, 7); /* 10,11,13,14,16,17,19 */
  f.search = "%";      /* LIKE wildcards are taken literally */
  g_assert_cmpint (em_project_count_samples (p, &f, NULL), ==, 0);

  em_sample_filter_init (&f);
  f.offset = 25;
  f.limit = 10;
  page = em_project_list_samples (p, &f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 5);
  g_assert_cmpstr (em_sample_get_name (g_ptr_array_index (page, 0)), ==, "idle.25");
  ids = em_project_list_ids (p, &f, &error);
  g_assert_cmpuint (ids->len, ==, 5);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, em_sample_get_id (g_ptr_array_index (page, 0)));
}

static void
test_bulk_edits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) p = new_project (NULL);
  g_autoptr(EmSample) s = NULL;
  gint64 ids[3], bad[2];
  EmSampleFilter f;

  ids[0] = add (p, "a", "idle", EM_CATEGORY_TRAINING, 1);
  ids[1] = add (p, "b", "idle", EM_CATEGORY_TRAINING, 2);
  ids[2] = add (p, "c", "wave", EM_CATEGORY_TRAINING, 3);

  g_assert_true (em_project_relabel (p, ids, 2, "updown", &error));
  g_assert_true (em_project_set_category (p, ids + 1, 2, EM_CATEGORY_TESTING, &error));
  g_assert_true (em_project_set_enabled (p, ids, 1, FALSE, &error));
  g_assert_true (em_project_rename_sample (p, ids[2], "c2", &error));
  g_assert_true (em_project_set_metadata (p, ids[2], "k", "v", &error));
  g_assert_no_error (error);
  s = em_project_get_sample (p, ids[0], FALSE, &error);
  g_assert_cmpstr (em_sample_get_label (s), ==, "updown");
  g_assert_false (em_sample_get_enabled (s));
  g_clear_object (&s);
  s = em_project_get_sample (p, ids[2], FALSE, &error);
  g_assert_cmpint (em_sample_get_category (s), ==, EM_CATEGORY_TESTING);
  g_assert_cmpstr (em_sample_get_name (s), ==, "c2");
  g_assert_cmpstr (em_sample_get_metadata (s, "k"), ==, "v");

  /* An unknown id fails the whole edit: nothing changes. */
  bad[0] = ids[2];
  bad[1] = 9999;
  g_assert_false (em_project_relabel (p, bad, 2, "oops", &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  em_sample_filter_init (&f);
  f.label = "oops";
  g_assert_cmpint (em_project_count_samples (p, &f, NULL), ==, 0);

  g_assert_true (em_project_delete_samples (p, ids, 2, &error));
  g_assert_cmpint (em_project_count_samples (p, NULL, NULL), ==, 1);
  g_assert_false (em_project_delete_samples (p, ids, 1, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
}

static void
test_resplit_and_stats (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) p = new_project (NULL);
  g_autoptr(GPtrArray) stats = NULL;
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) second = NULL;
  EmSampleFilter f;

  for (int i = 0; i < 50; i++)
    add (p, "x", "yes", EM_CATEGORY_TRAINING, i);
  for (int i = 0; i < 21; i++)
    add (p, "y", "no", EM_CATEGORY_TESTING, 100 + i);

  g_assert_true (em_project_resplit (p, 0.8, 7, &error));
  g_assert_no_error (error);
  stats = em_project_label_stats (p, &error);
  g_assert_cmpuint (stats->len, ==, 2);
  /* Sorted by label: "no" then "yes"; round(21 × 0.8) = 17. */
  g_assert_cmpstr (((EmLabelStats *) g_ptr_array_index (stats, 0))->label, ==, "no");
  g_assert_cmpuint (((EmLabelStats *) g_ptr_array_index (stats, 0))->count[0], ==, 17);
  g_assert_cmpuint (((EmLabelStats *) g_ptr_array_index (stats, 0))->count[1], ==, 4);
  g_assert_cmpuint (((EmLabelStats *) g_ptr_array_index (stats, 1))->count[0], ==, 40);
  g_assert_cmpuint (((EmLabelStats *) g_ptr_array_index (stats, 1))->count[1], ==, 10);
  g_assert_cmpfloat_with_epsilon (((EmLabelStats *) g_ptr_array_index (stats, 1))->length_ms[0],
                                  40 * 160.0, 1e-6);

  /* Same seed, same split. */
  em_sample_filter_init (&f);
  f.category = EM_CATEGORY_TESTING;
  first = em_project_list_ids (p, &f, NULL);
  g_assert_true (em_project_resplit (p, 0.8, 7, NULL));
  second = em_project_list_ids (p, &f, NULL);
  g_assert_cmpmem (first->data, first->len * 8, second->data, second->len * 8);

  g_assert_false (em_project_resplit (p, 1.5, 7, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
}

static void
on_changed (EmProject *p, int *count)
{
  (*count)++;
}

static void
test_transactions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) p = new_project (NULL);
  int changes = 0;

  g_signal_connect (p, "samples-changed", G_CALLBACK (on_changed), &changes);
  add (p, "solo", "a", EM_CATEGORY_TRAINING, 1);
  g_assert_cmpint (changes, ==, 1);

  g_assert_true (em_project_begin (p, &error));
  add (p, "b1", "a", EM_CATEGORY_TRAINING, 2);
  g_assert_true (em_project_begin (p, &error)); /* nested */
  add (p, "b2", "a", EM_CATEGORY_TRAINING, 3);
  g_assert_true (em_project_commit (p, &error));
  g_assert_cmpint (changes, ==, 1);               /* not yet: outer still open */
  g_assert_true (em_project_commit (p, &error));
  g_assert_cmpint (changes, ==, 2);
  g_assert_cmpint (em_project_count_samples (p, NULL, NULL), ==, 3);

  g_assert_true (em_project_begin (p, &error));
  add (p, "gone", "a", EM_CATEGORY_TRAINING, 4);
  em_project_rollback (p);
  g_assert_cmpint (em_project_count_samples (p, NULL, NULL), ==, 3);
  g_assert_cmpint (changes, ==, 2);
  g_assert_false (em_project_commit (p, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_FAILED);
}

static void
test_add_samples_all_or_nothing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) p = new_project (NULL);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);

  add (p, "existing", "a", EM_CATEGORY_TRAINING, 5);
  g_ptr_array_add (batch, make_sample ("new1", "a", EM_CATEGORY_TRAINING, 1));
  g_ptr_array_add (batch, make_sample ("new2", "a", EM_CATEGORY_TRAINING, 5)); /* duplicate */
  g_assert_false (em_project_add_samples (p, batch, 0, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_DUPLICATE);
  g_assert_cmpint (em_project_count_samples (p, NULL, NULL), ==, 1);
  g_assert_cmpint (em_sample_get_id (g_ptr_array_index (batch, 0)), ==, 0);
}

/* Write raw bytes / a foreign SQLite file and check open refuses without writing. */
static void
assert_open_refused (const char *path, EmError code, const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = em_test_read_file (path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(EmProject) p = em_project_open (path, &error);

  g_assert_null (p);
  g_assert_error (error, EM_ERROR, (gint) code);
  g_assert_nonnull (strstr (error->message, needle));
  g_assert_null (strchr (error->message, '\n'));
  after = em_test_read_file (path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_open_refusals (void)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autofree char *garbage = g_build_filename (dir, "garbage.ember", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.ember", NULL);
  g_autofree char *foreign = g_build_filename (dir, "foreign.ember", NULL);
  g_autofree char *newer = g_build_filename (dir, "newer.ember", NULL);
  g_autofree char *truncated = g_build_filename (dir, "truncated.ember", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  em_test_write_file (garbage, "this is not a database at all, just text....", 44);
  assert_open_refused (garbage, EM_ERROR_CORRUPT, "not an Ember project");
  em_test_write_file (empty, "", 0);
  assert_open_refused (empty, EM_ERROR_CORRUPT, "empty file");

  g_assert_cmpint (sqlite3_open (foreign, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  assert_open_refused (foreign, EM_ERROR_CORRUPT, "another program");

  {
    g_autoptr(EmProject) p = em_project_create (newer, NULL, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpint (sqlite3_open (newer, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  assert_open_refused (newer, EM_ERROR_SCHEMA_TOO_NEW, "newer Ember");

  /* A project cut short on disk: either refused or found damaged by the
   * check, never a crash. */
  {
    g_autoptr(EmProject) p = em_project_create (truncated, NULL, &error);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(EmProject) reopened = NULL;
    for (int i = 0; i < 50; i++)
      add (p, "s", "a", EM_CATEGORY_TRAINING, i);
    g_clear_object (&p);
    g_assert_cmpint (sqlite3_open (truncated, &db), ==, SQLITE_OK);
    sqlite3_exec (db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;", NULL, NULL, NULL);
    sqlite3_close (db);
    bytes = em_test_read_file (truncated);
    em_test_write_file (truncated, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) / 2);
    reopened = em_project_open (truncated, &error);
    if (reopened != NULL)
      {
        g_assert_false (em_project_check (reopened, &error));
        g_assert_error (error, EM_ERROR, EM_ERROR_CORRUPT);
      }
    else
      g_assert_error (error, EM_ERROR, EM_ERROR_CORRUPT);
  }

  g_clear_error (&error);
  g_assert_null (em_project_open ("/nonexistent/dir/x.ember", &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
}

static void
test_disk_full (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(EmProject) p = NULL;
  gint64 committed = 0;

  /* Simulated full disk: a cap on the database size. */
  g_setenv ("EMBER_TEST_MAX_PAGE_COUNT", "40", TRUE);
  p = new_project (&path);
  for (int i = 0; i < 1000; i++)
    {
      g_autoptr(EmSample) s = make_sample ("s", "a", EM_CATEGORY_TRAINING, i);
      float big[4000];
      for (guint k = 0; k < G_N_ELEMENTS (big); k++)
        big[k] = i + k;
      em_sample_set_values (s, big, G_N_ELEMENTS (big) / 3);
      if (em_project_add_sample (p, s, 0, &error) == 0)
        break;
      committed++;
    }
  g_unsetenv ("EMBER_TEST_MAX_PAGE_COUNT");
  g_assert_error (error, EM_ERROR, EM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_assert_cmpint (committed, >, 0);
  g_clear_error (&error);
  g_clear_object (&p);
  p = em_project_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (em_project_count_samples (p, NULL, NULL), ==, committed);
  g_assert_true (em_project_check (p, NULL));
}

static void
test_list_model (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) p = new_project (NULL);
  g_autoptr(EmSampleListModel) model = NULL;
  g_autoptr(EmSample) item = NULL;
  EmSampleFilter f;

  for (int i = 0; i < 300; i++)
    add (p, i < 100 ? "wave" : "idle", i < 100 ? "wave" : "idle", EM_CATEGORY_TRAINING, i);
  model = em_sample_list_model_new (p);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 300);
  item = g_list_model_get_item (G_LIST_MODEL (model), 299);
  g_assert_cmpstr (em_sample_get_label (item), ==, "idle");
  g_clear_object (&item);
  item = g_list_model_get_item (G_LIST_MODEL (model), 5);
  g_assert_cmpstr (em_sample_get_label (item), ==, "wave");
  g_clear_object (&item);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 300));

  em_sample_filter_init (&f);
  f.label = "wave";
  em_sample_list_model_set_filter (model, &f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 100);

  /* The model follows the project. */
  add (p, "wave", "wave", EM_CATEGORY_TRAINING, 1000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 101);
  item = g_list_model_get_item (G_LIST_MODEL (model), 100);
  g_assert_cmpfloat (em_sample_get_interval_ms (item), ==, 16.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/project/create-open", test_create_open);
  g_test_add_func ("/project/round-trip", test_round_trip);
  g_test_add_func ("/project/duplicates", test_duplicates);
  g_test_add_func ("/project/invalid-samples", test_invalid_samples);
  g_test_add_func ("/project/filters-and-paging", test_filters_and_paging);
  g_test_add_func ("/project/bulk-edits", test_bulk_edits);
  g_test_add_func ("/project/resplit-and-stats", test_resplit_and_stats);
  g_test_add_func ("/project/transactions", test_transactions);
  g_test_add_func ("/project/add-samples-all-or-nothing", test_add_samples_all_or_nothing);
  g_test_add_func ("/project/open-refusals", test_open_refusals);
  g_test_add_func ("/project/disk-full", test_disk_full);
  g_test_add_func ("/project/list-model", test_list_model);
  return g_test_run ();
}
