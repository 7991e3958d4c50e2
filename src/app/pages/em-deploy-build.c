/* SPDX-License-Identifier: Apache-2.0 */
/* Gathering an EmCodegenImpulse from a project for the deployment page.
 * codegen/ knows no block by name: each processing block describes its
 * device code through its plugin, the learning block exports its model. */
#include <glib/gi18n.h>
#include "em-deploy-page-private.h"
#include "em-codegen-detect.h"
#include "em-error.h"
#include "em-learn.h"
#include "em-model-store.h"
#include "em-windower.h"

typedef struct {
  EmImpulseLearnBlock *lb;
  EmBlock             *block;  /* (transfer none) */
  EmModel             *model;
} Learner;

static void
learner_clear (Learner *l)
{
  g_clear_pointer (&l->model, em_model_free);
}

static gboolean
learner_load (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry, const char *id, Learner *l,
              GError **error)
{
  g_autofree char *key = NULL;

  if ((l->lb = em_learn_find_block (impulse, registry, id, &l->block, error)) == NULL)
    return FALSE;
  if ((l->model = em_model_store_get (project, l->lb->id, TRUE, error)) == NULL)
    {
      if (error != NULL && *error != NULL && (*error)->code == EM_ERROR_NOT_FOUND)
        {
          g_clear_error (error);
          g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, _("Block %s has no trained model: train it first"),
                       l->lb->id);
        }
      return FALSE;
    }
  if ((key = em_learn_params_key (impulse, l->lb, registry, error)) == NULL)
    return FALSE;
  if (g_strcmp0 (key, l->model->params_key) != 0 || g_strcmp0 (l->lb->plugin, l->model->plugin) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   _("Block %s: the model is out of date (the impulse changed since it was trained): retrain it"),
                   l->lb->id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
same_inputs (EmImpulseLearnBlock *a, EmImpulseLearnBlock *b)
{
  guint n = g_strv_length (a->inputs);

  if (n != g_strv_length (b->inputs))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (a->inputs[i], b->inputs[i]) != 0)
      return FALSE;
  return TRUE;
}

/* A sample fixing the input's axes and rate: a training one if any. */
static EmSample *
template_sample (EmProject *project, GError **error)
{
  EmSampleFilter filter;

  em_sample_filter_init (&filter);
  filter.enabled = 1;
  filter.limit = 1;
  for (int pass = 0; pass < 2; pass++)
    {
      g_autoptr(GPtrArray) samples = NULL;

      filter.category = pass == 0 ? EM_CATEGORY_TRAINING : -1;
      if ((samples = em_project_list_samples (project, &filter, error)) == NULL)
        return NULL;
      if (samples->len > 0)
        return g_object_ref (g_ptr_array_index (samples, 0));
    }
  g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, _("%s has no enabled samples to take the input from"),
               em_project_get_name (project));
  return NULL;
}

static EmCodegenDsp *
dsp_for_block (EmImpulse *impulse, EmBlockRegistry *registry, const char *id, EmSample *template,
               GStrv axes, GError **error)
{
  EmImpulseBlock *ib = em_impulse_find_block (impulse, id);
  g_autoptr(EmBlockParams) params = NULL;
  g_autoptr(EmWindower) windower = NULL;
  const EmProcessingOps *ops = NULL;
  const EmSignalInfo *info;
  EmFeatureShape shape = { 0, 0 };
  EmCodegenDsp *d;
  EmBlock *block = NULL;
  void *state = NULL;
  char err[256] = "";
  int status;

  if (ib != NULL)
    block = em_block_registry_lookup (registry, ib->plugin);
  if (block != NULL)
    ops = em_block_get_processing_ops (block);
  if (ops == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, _("Block %s: its processing block is not installed"), id);
      return NULL;
    }
  if (ops->device_code == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, _("Block %s cannot run on a device (no device code)"), id);
      return NULL;
    }
  if ((params = em_block_resolve_params (block, ib->params, error)) == NULL ||
      (windower = em_windower_new (&impulse->input, ib->axes, template, error)) == NULL)
    return NULL;
  info = em_windower_get_info (windower);
  if (ops->init (params->params, params->n_params, info, &state, &shape, err, sizeof err) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "Block %s: %s", id, err);
      return NULL;
    }
  d = g_new0 (EmCodegenDsp, 1);
  d->id = g_strdup (ib->id);
  d->plugin = g_strdup (ib->plugin);
  d->n_frames = info->n_frames;
  d->n_axes = info->n_axes;
  d->n_features = shape.rows * shape.cols;
  d->axis_index = g_new0 (guint32, MAX (d->n_axes, 1));
  status = ops->device_code (state, &d->code, err, sizeof err);
  ops->free (state);
  if (status != 0)
    {
      em_codegen_dsp_free (d);
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, _("Block %s cannot run on a device: %s"), id, err);
      return NULL;
    }
  /* Plugin text: make sure it ends. */
  d->code.files[sizeof d->code.files - 1] = '\0';
  d->code.declare[sizeof d->code.declare - 1] = '\0';
  d->code.run[sizeof d->code.run - 1] = '\0';
  for (guint32 a = 0; a < d->n_axes; a++)
    {
      const char *name;
      gboolean found = FALSE;

      if (axes == NULL)
        {
          d->axis_index[a] = a;
          continue;
        }
      name = ib->axes != NULL ? ib->axes[a] : axes[a];
      for (guint32 k = 0; axes[k] != NULL && !found; k++)
        if (g_strcmp0 (axes[k], name) == 0)
          {
            d->axis_index[a] = k;
            found = TRUE;
          }
      if (!found)
        {
          em_codegen_dsp_free (d);
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       _("Block %s reads axis “%s”, which the input does not have"), id, name);
          return NULL;
        }
    }
  return d;
}

static GBytes *
export_model (Learner *l, gboolean int8, const char **format, GError **error)
{
  const EmLearningOps *ops = em_block_get_learning_ops (l->block);
  void *out = NULL;
  size_t out_len = 0;
  char err[512] = "";
  gsize len;
  gconstpointer blob = g_bytes_get_data (l->model->blob, &len);

  if (ops->export_model == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, _("Block %s cannot be deployed (its plugin exports no model)"),
                   l->lb->id);
      return NULL;
    }
  if (ops->export_model (blob, len, int8, format, &out, &out_len, err, sizeof err) != 0 || out == NULL)
    {
      free (out);
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "Block %s: %s%s", l->lb->id,
                   *err != '\0' ? err : _("exporting the model failed"),
                   int8 && strstr (err, "quantiz") != NULL ? _(" (turn int8 off)") : "");
      return NULL;
    }
  return g_bytes_new_with_free_func (out, out_len, free, out);
}

static EmCodegenImpulse *
gather (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry, gboolean int8, float threshold,
        GError **error)
{
  g_autoptr(EmCodegenImpulse) cg = em_codegen_impulse_new ();
  g_autoptr(EmSample) template = NULL;
  g_autoptr(EmWindower) windower = NULL;
  g_autoptr(GDateTime) created = NULL;
  g_autofree char *stamp = NULL;
  Learner primary = { 0 }, anomaly = { 0 };
  gboolean has_anomaly = FALSE, ok = FALSE;
  const char *format = NULL;
  EmLearnTask task;

  if (!learner_load (project, impulse, registry, NULL, &primary, error))
    goto out;
  task = em_learn_task_for_block (primary.block);
  if (task != EM_TASK_ANOMALY)
    for (guint i = 0; i < impulse->learn_blocks->len && !has_anomaly; i++)
      {
        EmImpulseLearnBlock *lb = g_ptr_array_index (impulse->learn_blocks, i);
        EmBlock *b = em_block_registry_lookup (registry, lb->plugin);

        if (lb == primary.lb || b == NULL || em_learn_task_for_block (b) != EM_TASK_ANOMALY ||
            !same_inputs (lb, primary.lb))
          continue;
        /* An untrained or stale anomaly block is left out, not an error. */
        has_anomaly = learner_load (project, impulse, registry, lb->id, &anomaly, NULL);
        if (!has_anomaly)
          learner_clear (&anomaly);
      }

  if ((template = template_sample (project, error)) == NULL ||
      (windower = em_windower_new (&impulse->input, NULL, template, error)) == NULL)
    goto out;
  cg->input = *em_windower_get_info (windower);
  if (!impulse->input.is_image)
    {
      if (impulse->input.axes != NULL)
        cg->axes = g_strdupv (impulse->input.axes);
      else
        {
          g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
          for (guint i = 0; i < em_sample_get_n_axes (template); i++)
            g_strv_builder_add (b, em_sample_get_axis (template, i)->name);
          cg->axes = g_strv_builder_end (b);
        }
    }
  cg->window_ms = impulse->input.window_size_ms;
  cg->window_increase_ms = impulse->input.window_increase_ms;
  for (guint i = 0; primary.lb->inputs[i] != NULL; i++)
    {
      EmCodegenDsp *dsp = dsp_for_block (impulse, registry, primary.lb->inputs[i], template, cg->axes, error);
      if (dsp == NULL)
        goto out;
      g_ptr_array_add (cg->dsp, dsp);
    }

  cg->learn_id = g_strdup (primary.lb->id);
  cg->learn_plugin = g_strdup (primary.lb->plugin);
  cg->task = task;
  cg->int8 = int8 && task != EM_TASK_ANOMALY;
  cg->threshold = threshold;
  if ((cg->model = export_model (&primary, cg->int8, &format, error)) == NULL)
    goto out;
  cg->format = format;
  if (task == EM_TASK_OBJECT_DETECTION && !em_codegen_detect_settings_from_report (cg, primary.model->report, error))
    goto out;
  if (task == EM_TASK_CLASSIFICATION || task == EM_TASK_OBJECT_DETECTION)
    cg->labels = g_strdupv (primary.model->labels);
  else
    {
      const char *one[] = { task == EM_TASK_ANOMALY ? "anomaly" : "value", NULL };
      cg->labels = g_strdupv ((char **) one);
    }
  if (has_anomaly)
    {
      const char *f = NULL;

      cg->anomaly_id = g_strdup (anomaly.lb->id);
      if ((cg->anomaly_json = export_model (&anomaly, FALSE, &f, error)) == NULL)
        goto out;
      if (g_strcmp0 (f, "em-anomaly-json") != 0)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, _("Block %s exports “%s”, not an anomaly model"),
                       anomaly.lb->id, f);
          goto out;
        }
    }
  cg->project_name = g_strdup (em_project_get_name (project));
  created = g_date_time_new_from_unix_utc (primary.model->created / G_USEC_PER_SEC);
  stamp = created != NULL ? g_date_time_format_iso8601 (created) : g_strdup ("?");
  cg->model_version = g_strdup_printf ("%s %.12s", stamp,
                                       primary.model->params_key != NULL ? primary.model->params_key : "");
  ok = TRUE;
out:
  learner_clear (&primary);
  learner_clear (&anomaly);
  return ok ? g_steal_pointer (&cg) : NULL;
}

gboolean
em_deploy_build (EmProject *project, EmBlockRegistry *registry, const char *target, gboolean int8,
                 float threshold, const char *dir, gboolean force, EmCodegenSummary *summary,
                 GCancellable *cancellable, GError **error)
{
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(EmCodegenImpulse) cg = NULL;

  if ((impulse = em_impulse_load (project, error)) == NULL)
    return FALSE;
  if ((cg = gather (project, impulse, registry, int8, threshold, error)) == NULL)
    return FALSE;
  /* Generation itself is quick and writes a folder: once it starts it
   * finishes, so a cancel never leaves half a library behind. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  return em_codegen_generate (cg, target, dir, force, summary, error);
}
