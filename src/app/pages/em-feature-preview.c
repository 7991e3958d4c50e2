/* SPDX-License-Identifier: Apache-2.0 */
#include "em-feature-preview.h"
#include "em-error.h"
#include "em-windower.h"

void
em_feature_preview_free (EmFeaturePreview *preview)
{
  if (preview == NULL)
    return;
  g_free (preview->values);
  g_free (preview);
}

static JsonObject *
copy_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) copy = NULL;

  json_node_set_object (node, object);
  copy = json_node_copy (node);
  return json_object_ref (json_node_get_object (copy));
}

EmFeaturePreview *
em_feature_preview_compute (EmProject *project, EmBlockRegistry *registry, const EmImpulse *impulse,
                            const char *block_id, JsonObject *params, gint64 sample_id,
                            GCancellable *cancellable, GError **error)
{
  g_autoptr(EmImpulse) copy = em_impulse_copy (impulse);
  g_autoptr(EmBlockParams) resolved = NULL;
  g_autoptr(EmWindower) windower = NULL;
  g_autoptr(EmSample) sample = NULL;
  g_autoptr(EmFeaturePreview) preview = NULL;
  const EmProcessingOps *ops;
  const EmSignal *signal;
  EmImpulseBlock *ib;
  EmBlock *block;
  EmFeatureShape shape = { 0, 0 };
  void *state = NULL;
  char err[256] = "";
  int status;

  if ((ib = em_impulse_find_block (copy, block_id)) == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "the impulse has no processing block %s", block_id);
      return NULL;
    }
  if ((block = em_block_registry_lookup (registry, ib->plugin)) == NULL ||
      (ops = em_block_get_processing_ops (block)) == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "block %s: processing block '%s' is not installed",
                   block_id, ib->plugin);
      return NULL;
    }
  if ((resolved = em_block_resolve_params (block, params != NULL ? params : ib->params, error)) == NULL)
    return NULL;
  if ((sample = em_project_get_sample (project, sample_id, TRUE, error)) == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if ((windower = em_windower_new (&copy->input, ib->axes, sample, error)) == NULL)
    return NULL;

  preview = g_new0 (EmFeaturePreview, 1);
  if (!em_windower_set_sample (windower, sample, &preview->n_windows, error))
    return NULL;
  if (preview->n_windows == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "sample %s is shorter than one window",
                   em_sample_get_name (sample));
      return NULL;
    }
  /* The middle window: the start of a recording is often silence. */
  preview->window = preview->n_windows / 2;
  signal = em_windower_get (windower, preview->window);

  if (ops->init (resolved->params, resolved->n_params, em_windower_get_info (windower), &state, &shape, err,
                 sizeof err) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "block %s: %s", block_id, err);
      return NULL;
    }
  preview->rows = shape.rows;
  preview->cols = shape.cols;
  preview->values = g_new0 (float, (gsize) MAX (shape.rows, 1) * MAX (shape.cols, 1));
  status = ops->run (state, signal, preview->values, err, sizeof err);
  ops->free (state);
  if (status != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "block %s on sample %s: %s", block_id,
                   em_sample_get_name (sample), err);
      return NULL;
    }
  return g_steal_pointer (&preview);
}

typedef struct {
  EmProject       *project;
  EmBlockRegistry *registry;
  EmImpulse       *impulse;
  char            *block_id;
  JsonObject      *params;
  gint64           sample_id;
} Request;

static void
request_free (Request *r)
{
  g_clear_object (&r->project);
  g_clear_object (&r->registry);
  g_clear_pointer (&r->impulse, em_impulse_free);
  g_free (r->block_id);
  g_clear_pointer (&r->params, json_object_unref);
  g_free (r);
}

static void
compute_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Request *r = data;
  GError *error = NULL;
  EmFeaturePreview *preview;

  preview = em_feature_preview_compute (r->project, r->registry, r->impulse, r->block_id, r->params,
                                        r->sample_id, cancellable, &error);
  if (preview == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, preview, (GDestroyNotify) em_feature_preview_free);
}

void
em_feature_preview_compute_async (EmProject *project, EmBlockRegistry *registry, const EmImpulse *impulse,
                                  const char *block_id, JsonObject *params, gint64 sample_id,
                                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Request *r = g_new0 (Request, 1);

  r->project = g_object_ref (project);
  r->registry = g_object_ref (registry);
  r->impulse = em_impulse_copy (impulse);
  r->block_id = g_strdup (block_id);
  r->params = params != NULL ? copy_object (params) : NULL;
  r->sample_id = sample_id;
  g_task_set_source_tag (task, em_feature_preview_compute_async);
  g_task_set_task_data (task, r, (GDestroyNotify) request_free);
  /* Only the newest preview matters: a stale one is dropped, not reported. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, compute_thread);
}

EmFeaturePreview *
em_feature_preview_compute_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
