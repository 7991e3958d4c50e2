/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "em-error.h"
#include "em-feature-cache.h"
#include "em-features.h"
#include "em-projection.h"
#include "em-windower.h"

/* Results are written in transactions of this many samples, so a cancel or
 * a crash loses little and the disk sees few commits. */
#define COMMIT_EVERY 64

void
em_feature_summary_free (EmFeatureSummary *s)
{
  if (s == NULL)
    return;
  g_free (s->block_id);
  g_free (s->block_key);
  g_free (s->first_skip);
  g_free (s);
}

char *
em_features_block_key (EmImpulse *impulse, EmImpulseBlock *ib, EmBlockRegistry *registry, GError **error)
{
  EmBlock *block = em_block_registry_lookup (registry, ib->plugin);
  g_autoptr(EmBlockParams) params = NULL;
  g_autofree char *params_json = NULL, *input_key = NULL, *axes = NULL, *text = NULL;

  if (block == NULL || em_block_get_kind (block) != EM_BLOCK_PROCESSING)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                   "block %s: no processing block '%s' is installed (see 'ember-cli blocks list')",
                   ib->id, ib->plugin);
      return NULL;
    }
  params = em_block_resolve_params (block, ib->params, error);
  if (params == NULL)
    return NULL;
  params_json = em_block_params_to_json (params);
  input_key = em_input_config_key (&impulse->input);
  axes = ib->axes != NULL ? g_strjoinv ("\t", ib->axes) : g_strdup ("*");
  text = g_strdup_printf ("%s|%u|%s|%s|%s", ib->plugin, em_block_get_version (block), params_json,
                          input_key, axes);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

typedef struct {
  guint  index;      /* into the sample list; G_MAXUINT = a worker finished */
  float *data;
  guint  n_windows;
  char  *error;
  gboolean fatal;    /* the block cannot run at all */
} Result;

typedef struct {
  EmProject       *project;
  EmInputConfig   *config;
  GStrv            axes;
  EmSample        *template;
  const EmProcessingOps *ops;
  EmBlockParams   *params;
  GPtrArray       *samples;  /* EmSample without data */
  GArray          *todo;     /* guint indexes into samples */
  gint             next;
  gint             stop;
  GAsyncQueue     *results;
  guint            n_features;
} Work;

static void
push_error (Work *w, guint index, gboolean fatal, const char *message)
{
  Result *r = g_new0 (Result, 1);

  r->index = index;
  r->fatal = fatal;
  r->error = g_strdup (message);
  g_async_queue_push (w->results, r);
}

static gpointer
worker (gpointer data)
{
  Work *w = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmWindower) windower = em_windower_new (w->config, w->axes, w->template, &error);
  void *state = NULL;
  EmFeatureShape shape;
  char err[256] = "";
  Result *done;

  if (windower == NULL)
    push_error (w, 0, TRUE, error->message);
  else if (w->ops->init (w->params->params, w->params->n_params, em_windower_get_info (windower),
                         &state, &shape, err, sizeof err) != 0)
    push_error (w, 0, TRUE, err);
  else
    for (;;)
      {
        guint i = (guint) g_atomic_int_add (&w->next, 1);
        g_autoptr(EmSample) sample = NULL;
        guint index, n_windows = 0;
        float *out;

        if (i >= w->todo->len || g_atomic_int_get (&w->stop))
          break;
        index = g_array_index (w->todo, guint, i);
        g_clear_error (&error);
        sample = em_project_get_sample (w->project, em_sample_get_id (g_ptr_array_index (w->samples, index)),
                                        TRUE, &error);
        if (sample == NULL || !em_windower_set_sample (windower, sample, &n_windows, &error))
          {
            push_error (w, index, FALSE, error->message);
            continue;
          }
        out = g_new (float, MAX ((gsize) n_windows * w->n_features, 1));
        for (guint k = 0; k < n_windows; k++)
          if (w->ops->run (state, em_windower_get (windower, k), out + (gsize) k * w->n_features,
                           err, sizeof err) != 0)
            {
              g_autofree char *msg = g_strdup_printf ("sample %s: %s", em_sample_get_name (sample), err);
              g_free (out);
              out = NULL;
              push_error (w, index, FALSE, msg);
              break;
            }
        if (out != NULL)
          {
            Result *r = g_new0 (Result, 1);
            r->index = index;
            r->data = out;
            r->n_windows = n_windows;
            g_async_queue_push (w->results, r);
          }
      }
  if (state != NULL)
    w->ops->free (state);
  done = g_new0 (Result, 1);
  done->index = G_MAXUINT;
  g_async_queue_push (w->results, done);
  return NULL;
}

static void
result_free (Result *r)
{
  g_free (r->data);
  g_free (r->error);
  g_free (r);
}

static gboolean
flush_results (EmProject *project, EmFeatureSummary *summary, GPtrArray *samples, guint n_features,
               GPtrArray *pending, GError **error)
{
  gboolean ok = em_project_begin (project, error);

  for (guint i = 0; ok && i < pending->len; i++)
    {
      Result *r = g_ptr_array_index (pending, i);
      EmSample *s = g_ptr_array_index (samples, r->index);
      ok = em_feature_cache_put (project, summary->block_key, em_sample_get_hash (s), r->n_windows,
                                 n_features, r->data, error);
    }
  if (ok)
    ok = em_project_commit (project, error);
  else
    em_project_rollback (project);
  if (ok)
    summary->n_computed += pending->len;
  g_ptr_array_set_size (pending, 0);
  return ok;
}

/* Build the shape by initialising the block once on the calling thread:
 * parameter errors surface here with the block's own message. */
static gboolean
probe_shape (Work *w, EmFeatureShape *shape, GError **error)
{
  g_autoptr(EmWindower) windower = em_windower_new (w->config, w->axes, w->template, error);
  void *state = NULL;
  char err[256] = "";

  if (windower == NULL)
    return FALSE;
  if (w->ops->init (w->params->params, w->params->n_params, em_windower_get_info (windower), &state,
                    shape, err, sizeof err) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "%s", err);
      return FALSE;
    }
  w->ops->free (state);
  if (shape->rows == 0 || shape->cols == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "the block produces no features for this input");
      return FALSE;
    }
  return TRUE;
}

static gboolean
store_projection (EmProject *project, const char *key, GPtrArray *samples, gboolean tsne,
                  GCancellable *cancellable, guint *n_windows_out, GError **error)
{
  g_autoptr(GArray) matrix = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (EmProjectedPoint));
  g_autofree float *xy = NULL;
  guint n_features = 0;
  const char *method = "pca";

  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *s = g_ptr_array_index (samples, i);
      g_autofree float *data = NULL;
      guint n_windows, n_f;

      if (!em_feature_cache_get (project, key, em_sample_get_hash (s), &n_windows, &n_f, &data, NULL))
        continue;
      n_features = n_f;
      g_array_append_vals (matrix, data, n_windows * n_f);
      for (guint k = 0; k < n_windows; k++)
        {
          EmProjectedPoint p = { em_sample_get_id (s), k, 0, 0 };
          g_array_append_val (points, p);
        }
    }
  *n_windows_out = points->len;
  if (points->len == 0)
    return TRUE;
  xy = g_new0 (float, (gsize) points->len * 2);
  if (points->len >= 2 && !em_projection_pca ((float *) matrix->data, points->len, n_features, xy, error))
    return FALSE;
  if (tsne && points->len >= 20 && points->len <= 20000)
    {
      /* t-SNE needs more than 3 × perplexity points: small sets get a smaller one. */
      double perplexity = MIN (30.0, (points->len - 2) / 3.0);
      if (!em_projection_tsne ((float *) matrix->data, points->len, n_features, perplexity, 1000, 1, NULL, NULL,
                               cancellable, xy, error))
        return FALSE;
      method = "tsne";
    }
  for (guint i = 0; i < points->len; i++)
    {
      g_array_index (points, EmProjectedPoint, i).x = xy[2 * i];
      g_array_index (points, EmProjectedPoint, i).y = xy[2 * i + 1];
    }
  return em_feature_projection_put (project, key, method, (EmProjectedPoint *) points->data, points->len, error);
}

static gboolean
generate_block (EmProject *project, EmImpulse *impulse, EmImpulseBlock *ib, EmBlockRegistry *registry,
                GPtrArray *samples, const EmFeatureOptions *options, guint block_index, guint n_blocks,
                EmProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                EmFeatureSummary *summary, GError **error)
{
  g_autoptr(EmBlockParams) params = NULL;
  g_autoptr(GHashTable) cached = NULL;
  g_autoptr(GArray) todo = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  EmBlock *block = em_block_registry_lookup (registry, ib->plugin);
  EmFeatureShape shape = { 0, 0 };
  Work w = { 0 };
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func ((GDestroyNotify) result_free);
  guint n_threads, finished = 0, handled = 0;
  gboolean fatal = FALSE, ok = TRUE;
  g_autofree char *fatal_message = NULL;

  summary->block_id = g_strdup (ib->id);
  summary->block_key = em_features_block_key (impulse, ib, registry, error);
  if (summary->block_key == NULL)
    return FALSE;
  params = em_block_resolve_params (block, ib->params, error);
  if (params == NULL)
    return FALSE;

  w.project = project;
  w.config = &impulse->input;
  w.axes = ib->axes;
  w.template = g_ptr_array_index (samples, 0);
  w.ops = em_block_get_processing_ops (block);
  w.params = params;
  w.samples = samples;
  w.todo = todo;
  if (!probe_shape (&w, &shape, error))
    {
      g_autofree char *own = g_strdup_printf ("%s: ", ib->plugin);
      /* Built-in blocks name themselves already; don't say it twice. */
      if (g_str_has_prefix ((*error)->message, own))
        memmove ((*error)->message, (*error)->message + strlen (own), strlen ((*error)->message) - strlen (own) + 1);
      g_prefix_error (error, "block %s: ", ib->id);
      return FALSE;
    }
  summary->rows = shape.rows;
  summary->cols = shape.cols;
  w.n_features = shape.rows * shape.cols;

  cached = em_feature_cache_list_hashes (project, summary->block_key, error);
  if (cached == NULL)
    return FALSE;
  for (guint i = 0; i < samples->len; i++)
    if (!g_hash_table_contains (cached, em_sample_get_hash (g_ptr_array_index (samples, i))))
      g_array_append_val (todo, i);

  n_threads = options != NULL && options->n_threads > 0 ? options->n_threads : g_get_num_processors ();
  n_threads = CLAMP (n_threads, 1, MAX (todo->len, 1));
  w.results = g_async_queue_new_full ((GDestroyNotify) result_free);
  if (todo->len > 0)
    for (guint t = 0; t < n_threads; t++)
      g_ptr_array_add (threads, g_thread_new ("ember-features", worker, &w));

  while (finished < threads->len)
    {
      Result *r = g_async_queue_timeout_pop (w.results, G_USEC_PER_SEC / 10);

      if (g_cancellable_is_cancelled (cancellable))
        g_atomic_int_set (&w.stop, 1);
      if (r == NULL)
        continue;
      if (r->index == G_MAXUINT)
        finished++;
      else if (r->fatal)
        {
          fatal = TRUE;
          g_atomic_int_set (&w.stop, 1);
          if (fatal_message == NULL)
            fatal_message = g_strdup (r->error);
        }
      else if (r->error != NULL)
        {
          summary->n_skipped++;
          if (summary->first_skip == NULL)
            summary->first_skip = g_strdup (r->error);
          handled++;
        }
      else if (ok)
        {
          /* Buffer results and write them in one short transaction: holding
           * a transaction open while waiting would hold the project's lock,
           * which the workers need to read samples. */
          g_ptr_array_add (pending, r);
          r = NULL;
          if (pending->len >= COMMIT_EVERY)
            {
              ok = flush_results (project, summary, samples, w.n_features, pending, error);
              if (!ok)
                g_atomic_int_set (&w.stop, 1);
            }
          handled++;
        }
      if (progress != NULL && todo->len > 0)
        progress ((block_index + (double) handled / todo->len) / n_blocks, ib->id, user_data);
      if (r != NULL)
        result_free (r);
    }
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (g_ptr_array_index (threads, t));
  g_async_queue_unref (w.results);
  /* Keep what was computed before a cancel. */
  if (ok && pending->len > 0)
    ok = flush_results (project, summary, samples, w.n_features, pending, error);
  if (!ok)
    return FALSE;
  if (fatal)
    {
      g_autofree char *own = g_strdup_printf ("%s: ", ib->plugin);
      /* Built-in blocks name themselves already; don't say it twice. */
      const char *reason = g_str_has_prefix (fatal_message, own) ? fatal_message + strlen (own) : fatal_message;
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "block %s: %s", ib->id, reason);
      return FALSE;
    }
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_CANCELLED, "feature generation cancelled (%u samples of block %s stored)",
                   summary->n_computed, ib->id);
      return FALSE;
    }
  return store_projection (project, summary->block_key, samples, options != NULL && options->tsne,
                           cancellable, &summary->n_windows, error);
}

gboolean
em_features_generate (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry,
                      const EmFeatureOptions *options, EmProgressFunc progress, gpointer user_data,
                      GCancellable *cancellable, GPtrArray **summaries, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) em_feature_summary_free);
  g_autoptr(GPtrArray) samples = NULL;
  EmSampleFilter filter;
  guint n_blocks = 0, done = 0;

  em_sample_filter_init (&filter);
  filter.enabled = 1;
  filter.kind = -1;
  samples = em_project_list_samples (project, &filter, error);
  if (samples == NULL)
    return FALSE;
  if (samples->len == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "%s has no enabled samples", em_project_get_name (project));
      return FALSE;
    }
  for (guint i = 0; i < impulse->blocks->len; i++)
    {
      EmImpulseBlock *ib = g_ptr_array_index (impulse->blocks, i);
      if (options == NULL || options->only_block == NULL || g_strcmp0 (options->only_block, ib->id) == 0)
        n_blocks++;
    }
  if (n_blocks == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, options != NULL && options->only_block != NULL
                   ? "the impulse has no block '%s'" : "the impulse has no processing blocks%s",
                   options != NULL && options->only_block != NULL ? options->only_block : "");
      return FALSE;
    }
  for (guint i = 0; i < impulse->blocks->len; i++)
    {
      EmImpulseBlock *ib = g_ptr_array_index (impulse->blocks, i);
      EmFeatureSummary *summary;

      if (options != NULL && options->only_block != NULL && g_strcmp0 (options->only_block, ib->id) != 0)
        continue;
      summary = g_new0 (EmFeatureSummary, 1);
      g_ptr_array_add (out, summary);
      if (!generate_block (project, impulse, ib, registry, samples, options, done++, n_blocks, progress,
                           user_data, cancellable, summary, error))
        return FALSE;
      {
        g_autoptr(GHashTable) cached = em_feature_cache_list_hashes (project, summary->block_key, NULL);
        for (guint k = 0; cached != NULL && k < samples->len; k++)
          if (g_hash_table_contains (cached, em_sample_get_hash (g_ptr_array_index (samples, k))))
            summary->n_samples++;
      }
    }
  if (summaries != NULL)
    *summaries = g_steal_pointer (&out);
  return TRUE;
}

typedef struct {
  EmImpulse        *impulse;
  EmBlockRegistry  *registry;
  EmFeatureOptions  options;
  char             *only_block;
  EmProgressFunc    progress;
  gpointer          progress_data;
} GenerateData;

static void
generate_data_free (gpointer p)
{
  GenerateData *d = p;

  em_impulse_free (d->impulse);
  g_object_unref (d->registry);
  g_free (d->only_block);
  g_free (d);
}

static void
generate_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GenerateData *d = task_data;
  GPtrArray *summaries = NULL;
  GError *error = NULL;

  if (em_features_generate (source, d->impulse, d->registry, &d->options, d->progress, d->progress_data,
                            cancellable, &summaries, &error))
    g_task_return_pointer (task, summaries, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
em_features_generate_async (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry,
                            const EmFeatureOptions *options, EmProgressFunc progress, gpointer progress_data,
                            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (project, cancellable, callback, user_data);
  g_autofree char *json = em_impulse_to_json (impulse);
  GenerateData *d = g_new0 (GenerateData, 1);

  /* The caller may edit its impulse while the job runs: work on a copy. */
  d->impulse = em_impulse_from_json (json, NULL);
  d->registry = g_object_ref (registry);
  if (options != NULL)
    d->options = *options;
  d->only_block = g_strdup (d->options.only_block);
  d->options.only_block = d->only_block;
  d->progress = progress;
  d->progress_data = progress_data;
  g_task_set_source_tag (task, em_features_generate_async);
  g_task_set_task_data (task, d, generate_data_free);
  g_task_run_in_thread (task, generate_thread);
}

GPtrArray *
em_features_generate_finish (EmProject *project, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, project), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
