/* SPDX-License-Identifier: Apache-2.0 */
/* Benchmark (not a test): how the project store and the paged list model
 * behave at 100k samples. Prints a table of timings.
 *   build/tests/bench/bench-list-model [N_SAMPLES] */
#include <stdio.h>
#include <glib/gstdio.h>
#include "em-project.h"
#include "em-sample-list-model.h"

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ember-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.ember", NULL);
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmSampleListModel) model = NULL;
  const char *labels[] = { "yes", "no", "noise", "unknown" };
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  float values[160];
  EmSampleFilter filter;
  double t0, t_insert, t_model, t_scroll, t_filter, t_count, t_page;
  guint n_items;

  project = em_project_create (path, "bench", &error);
  g_assert_no_error (error);

  t0 = now_ms ();
  em_project_begin (project, &error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EmSample) s = em_sample_new ();
      g_autofree char *name = g_strdup_printf ("%s.%06u", labels[i % 4], i);
      for (guint k = 0; k < G_N_ELEMENTS (values); k++)
        values[k] = (float) (i * 31 + k);
      em_sample_set_name (s, name);
      em_sample_set_label (s, labels[i % 4]);
      em_sample_set_category (s, i % 5 == 0 ? EM_CATEGORY_TESTING : EM_CATEGORY_TRAINING);
      em_sample_set_kind (s, EM_SENSOR_AUDIO);
      em_sample_set_interval_ms (s, 0.0625);
      em_sample_add_axis (s, "audio", "wav");
      em_sample_set_values (s, values, G_N_ELEMENTS (values));
      if (em_project_add_sample (project, s, 0, &error) == 0)
        g_error ("%s", error->message);
    }
  em_project_commit (project, &error);
  t_insert = now_ms () - t0;

  t0 = now_ms ();
  model = em_sample_list_model_new (project);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (model));
  t_model = now_ms () - t0;

  /* A scroll from top to bottom: every item once, as a list view would. */
  t0 = now_ms ();
  for (guint i = 0; i < n_items; i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (model), i));
  t_scroll = now_ms () - t0;

  /* One screenful deep in the list (a jump to the end). */
  t0 = now_ms ();
  em_sample_list_model_reload (model);
  for (guint i = n_items - 40; i < n_items; i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (model), i));
  t_page = now_ms () - t0;

  em_sample_filter_init (&filter);
  filter.label = "noise";
  filter.category = EM_CATEGORY_TESTING;
  t0 = now_ms ();
  em_sample_list_model_set_filter (model, &filter);
  t_filter = now_ms () - t0;

  t0 = now_ms ();
  em_sample_filter_init (&filter);
  filter.search = "unknown.0999";
  em_project_count_samples (project, &filter, &error);
  t_count = now_ms () - t0;

  printf ("samples                         %u\n", n);
  printf ("insert (one transaction)        %.0f ms (%.0f samples/s)\n", t_insert, n / (t_insert / 1000));
  printf ("open list model (all ids)       %.1f ms\n", t_model);
  printf ("scroll through all rows         %.0f ms (%.2f us/row)\n", t_scroll, 1000 * t_scroll / n_items);
  printf ("reload + last screen (40 rows)  %.1f ms\n", t_page);
  printf ("filter label+category           %.1f ms (%u rows)\n", t_filter,
          g_list_model_get_n_items (G_LIST_MODEL (model)));
  printf ("count name search               %.1f ms\n", t_count);

  g_clear_object (&model);
  g_clear_object (&project);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (dir);
  }
  return 0;
}
