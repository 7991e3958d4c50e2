/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include "em-block-registry.h"
#include "em-cli.h"
#include "em-feature-cache.h"
#include "em-features.h"

static void
on_progress (double fraction, const char *what, gpointer data)
{
  em_cli_progress_update (data, (guint64) (fraction * 1000 + 0.5), 1000);
}

static int
features_generate (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - compute features for every window");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  g_autofree char *block = NULL;
  EmFeatureOptions options = { 0 };
  EmCliProgress *progress;
  gboolean ok, json = FALSE;
  gint threads = 0;
  int code = 0;
  GOptionEntry entries[] = {
    { "block", 'b', 0, G_OPTION_ARG_STRING, &block, "Only this processing block", "ID" },
    { "threads", 'j', 0, G_OPTION_ARG_INT, &threads, "Worker threads (default: one per core)", "N" },
    { "tsne", 0, 0, G_OPTION_ARG_NONE, &options.tsne, "Also compute a t-SNE projection (up to 20k windows)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the summary as JSON", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("features generate needs exactly one PROJECT");
  if (threads < 0)
    return em_cli_usage ("--threads must not be negative");
  if ((project = em_cli_open_project (argv[1], &code)) == NULL)
    return code;
  impulse = em_impulse_load (project, &error);
  if (impulse == NULL)
    return em_cli_fail (error);
  options.only_block = block;
  options.n_threads = (guint) threads;
  progress = em_cli_progress_new ("Generating features", "‰");
  ok = em_features_generate (project, impulse, em_block_registry_get_default (), &options, on_progress,
                             progress, em_cli_cancellable (), &summaries, &error);
  em_cli_progress_done (progress);
  if (!ok)
    return em_cli_fail (error);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      json_builder_begin_array (b);
      for (guint i = 0; i < summaries->len; i++)
        {
          EmFeatureSummary *s = g_ptr_array_index (summaries, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "block");
          json_builder_add_string_value (b, s->block_id);
          json_builder_set_member_name (b, "key");
          json_builder_add_string_value (b, s->block_key);
          json_builder_set_member_name (b, "rows");
          json_builder_add_int_value (b, s->rows);
          json_builder_set_member_name (b, "cols");
          json_builder_add_int_value (b, s->cols);
          json_builder_set_member_name (b, "samples");
          json_builder_add_int_value (b, s->n_samples);
          json_builder_set_member_name (b, "windows");
          json_builder_add_int_value (b, s->n_windows);
          json_builder_set_member_name (b, "computed");
          json_builder_add_int_value (b, s->n_computed);
          json_builder_set_member_name (b, "skipped");
          json_builder_add_int_value (b, s->n_skipped);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      em_cli_print_json (root);
    }
  else
    for (guint i = 0; i < summaries->len; i++)
      {
        EmFeatureSummary *s = g_ptr_array_index (summaries, i);
        printf ("%s: %u×%u features per window, %u windows from %u samples (%u computed, %u from the cache)\n",
                s->block_id, s->rows, s->cols, s->n_windows, s->n_samples, s->n_computed,
                s->n_samples - MIN (s->n_computed, s->n_samples));
      }
  for (guint i = 0; i < summaries->len; i++)
    {
      EmFeatureSummary *s = g_ptr_array_index (summaries, i);
      if (s->n_skipped > 0)
        fprintf (stderr, "ember-cli: %s: %u samples skipped, e.g. %s\n", s->block_id, s->n_skipped, s->first_skip);
    }
  return EM_EXIT_OK;
}

/* Open @path, load its impulse and find @block (NULL: the first) and its
 * cache key. Returns an exit code; on success the out values are set. */
static int
open_block (const char *path, const char *block, EmProject **project, EmImpulse **impulse,
            EmImpulseBlock **ib, char **key)
{
  g_autoptr(GError) error = NULL;
  int code = 0;

  if ((*project = em_cli_open_project (path, &code)) == NULL)
    return code;
  if ((*impulse = em_impulse_load (*project, &error)) == NULL)
    return em_cli_fail (error);
  *ib = block != NULL ? em_impulse_find_block (*impulse, block)
      : (*impulse)->blocks->len > 0 ? g_ptr_array_index ((*impulse)->blocks, 0) : NULL;
  if (*ib == NULL)
    {
      fprintf (stderr, "ember-cli: the impulse has no block '%s'\n", block != NULL ? block : "(any)");
      return EM_EXIT_NOT_FOUND;
    }
  if ((*key = em_features_block_key (*impulse, *ib, em_block_registry_get_default (), &error)) == NULL)
    return em_cli_fail (error);
  return EM_EXIT_OK;
}

static int
features_show (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT SAMPLE_ID - print a sample's features");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(EmSample) sample = NULL;
  g_autofree char *block = NULL, *key = NULL;
  g_autofree float *data = NULL;
  EmImpulseBlock *ib;
  guint n_windows = 0, n_features = 0;
  guint64 id = 0;
  int code = 0;
  GOptionEntry entries[] = {
    { "block", 'b', 0, G_OPTION_ARG_STRING, &block, "Processing block (default: the first)", "ID" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 3 || !g_ascii_string_to_unsigned (argv[2], 10, 1, G_MAXINT64, &id, NULL))
    return em_cli_usage ("features show needs a PROJECT and a SAMPLE_ID");
  if ((code = open_block (argv[1], block, &project, &impulse, &ib, &key)) != EM_EXIT_OK)
    return code;
  if ((sample = em_project_get_sample (project, (gint64) id, FALSE, &error)) == NULL ||
      !em_feature_cache_get (project, key, em_sample_get_hash (sample), &n_windows, &n_features, &data, &error))
    return em_cli_fail (error);
  {
    g_autoptr(JsonBuilder) b = json_builder_new ();
    g_autoptr(JsonNode) root = NULL;
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "block");
    json_builder_add_string_value (b, ib->id);
    json_builder_set_member_name (b, "sample");
    json_builder_add_int_value (b, (gint64) id);
    json_builder_set_member_name (b, "windows");
    json_builder_begin_array (b);
    for (guint w = 0; w < n_windows; w++)
      {
        json_builder_begin_array (b);
        for (guint f = 0; f < n_features; f++)
          json_builder_add_double_value (b, data[(gsize) w * n_features + f]);
        json_builder_end_array (b);
      }
    json_builder_end_array (b);
    json_builder_end_object (b);
    root = json_builder_get_root (b);
    em_cli_print_json (root);
  }
  return EM_EXIT_OK;
}

static int
features_projection (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - print the 2-D projection of a block's features");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(GArray) points = NULL;
  g_autofree char *block = NULL, *key = NULL, *method = NULL;
  EmImpulseBlock *ib;
  int code = 0;
  GOptionEntry entries[] = {
    { "block", 'b', 0, G_OPTION_ARG_STRING, &block, "Processing block (default: the first)", "ID" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("features projection needs exactly one PROJECT");
  if ((code = open_block (argv[1], block, &project, &impulse, &ib, &key)) != EM_EXIT_OK)
    return code;
  if ((points = em_feature_projection_get (project, key, &method, &error)) == NULL)
    return em_cli_fail (error);
  printf ("{\n  \"block\": \"%s\",\n  \"method\": \"%s\",\n  \"points\": [", ib->id, method);
  for (guint i = 0; i < points->len; i++)
    {
      EmProjectedPoint *p = &g_array_index (points, EmProjectedPoint, i);
      char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];
      printf ("%s\n    {\"sample\": %" G_GINT64_FORMAT ", \"window\": %u, \"x\": %s, \"y\": %s}",
              i > 0 ? "," : "", p->sample_id, p->window, g_ascii_dtostr (x, sizeof x, p->x),
              g_ascii_dtostr (y, sizeof y, p->y));
    }
  printf ("\n  ]\n}\n");
  return EM_EXIT_OK;
}

int
em_cli_features_main (int argc, char **argv)
{
  static const EmCliCommand commands[] = {
    { "generate", "compute (or reuse cached) features for every window", features_generate },
    { "show", "print one sample's features as JSON", features_show },
    { "projection", "print the stored 2-D projection (PCA or t-SNE) as JSON", features_projection },
    { NULL, NULL, NULL },
  };
  return em_cli_dispatch ("features", commands, argc, argv);
}
