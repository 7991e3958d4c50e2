/* SPDX-License-Identifier: Apache-2.0 */
/* Gathering an EmCodegenImpulse from a project (see em-deploy-gather.h):
 * ember-cli deploy and the firmware build share these steps. */
#include <string.h>
#include "em-codegen-detect.h"
#include "em-deploy-gather.h"
#include "em-error.h"
#include "em-learn.h"
#include "em-model-store.h"
#include "em-windower.h"

typedef struct {
  EmImpulseLearnBlock *lb;
  EmBlock             *block;     /* (transfer none) */
  EmModel             *model;
} Learner;

static void
learner_clear (Learner *l)
{
  g_clear_pointer (&l->model, em_model_free);
}

static gboolean
load_learner (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry, const char *id, Learner *l,
              GError **error)
{
  g_autofree char *key = NULL;

  l->lb = em_learn_find_block (impulse, registry, id, &l->block, error);
  if (l->lb == NULL)
    return FALSE;
  l->model = em_model_store_get (project, l->lb->id, TRUE, error);
  if (l->model == NULL)
    {
      if (*error != NULL && (*error)->code == EM_ERROR_NOT_FOUND)
        g_prefix_error (error, "cannot deploy: ");
      return FALSE;
    }
  if ((key = em_learn_params_key (impulse, l->lb, registry, error)) == NULL)
    return FALSE;
  if (g_strcmp0 (key, l->model->params_key) != 0 || g_strcmp0 (l->lb->plugin, l->model->plugin) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "block %s: the model is out of date (the impulse changed since it was trained): retrain it",
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

static EmSample *
template_sample (EmProject *project, GError **error)
{
  g_autoptr(GPtrArray) samples = NULL;
  EmSampleFilter filter;

  em_sample_filter_init (&filter);
  filter.enabled = 1;
  filter.limit = 1;
  filter.category = EM_CATEGORY_TRAINING;
  if ((samples = em_project_list_samples (project, &filter, error)) == NULL)
    return NULL;
  if (samples->len == 0)
    {
      filter.category = -1;
      g_ptr_array_unref (samples);
      if ((samples = em_project_list_samples (project, &filter, error)) == NULL)
        return NULL;
    }
  if (samples->len == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s has no enabled samples to take the input from",
                   em_project_get_name (project));
      return NULL;
    }
  return g_object_ref (g_ptr_array_index (samples, 0));
}

/* The window's axes: the input block's, or all of the template's. */
static GStrv
input_axes (EmImpulse *impulse, EmSample *template)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  if (impulse->input.is_image)
    return NULL;
  if (impulse->input.axes != NULL)
    return g_strdupv (impulse->input.axes);
  for (guint i = 0; i < em_sample_get_n_axes (template); i++)
    g_strv_builder_add (b, em_sample_get_axis (template, i)->name);
  return g_strv_builder_end (b);
}

static EmCodegenDsp *
dsp_for_block (EmImpulse *impulse, EmBlockRegistry *registry, const char *id, EmSample *template, GStrv axes,
               GError **error)
{
  EmImpulseBlock *ib = em_impulse_find_block (impulse, id);
  g_autoptr(EmBlockParams) params = NULL;
  g_autoptr(EmWindower) windower = NULL;
  const EmProcessingOps *ops;
  EmCodegenDsp *d;
  EmFeatureShape shape = { 0, 0 };
  EmBlock *block;
  void *state = NULL;
  char err[256] = "";
  int status;

  if (ib == NULL || (block = em_block_registry_lookup (registry, ib->plugin)) == NULL ||
      (ops = em_block_get_processing_ops (block)) == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "block %s: its processing block is not installed", id);
      return NULL;
    }
  if (ops->device_code == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "block %s cannot run on a device (no device code)", id);
      return NULL;
    }
  if ((params = em_block_resolve_params (block, ib->params, error)) == NULL ||
      (windower = em_windower_new (&impulse->input, ib->axes, template, error)) == NULL)
    return NULL;
  if (ops->init (params->params, params->n_params, em_windower_get_info (windower), &state, &shape, err,
                 sizeof err) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "block %s: %s", id, err);
      return NULL;
    }
  d = g_new0 (EmCodegenDsp, 1);
  d->id = g_strdup (ib->id);
  d->plugin = g_strdup (ib->plugin);
  d->n_frames = em_windower_get_info (windower)->n_frames;
  d->n_axes = em_windower_get_info (windower)->n_axes;
  d->n_features = shape.rows * shape.cols;
  d->axis_index = g_new0 (guint32, d->n_axes);
  status = ops->device_code (state, &d->code, err, sizeof err);
  ops->free (state);
  if (status != 0)
    {
      em_codegen_dsp_free (d);
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "block %s cannot run on a device: %s", id, err);
      return NULL;
    }
  d->code.files[sizeof d->code.files - 1] = '\0';
  d->code.declare[sizeof d->code.declare - 1] = '\0';
  d->code.run[sizeof d->code.run - 1] = '\0';
  /* Which window axis each of the block's axes reads. */
  for (guint32 a = 0; axes != NULL && a < d->n_axes; a++)
    {
      const char *name = ib->axes != NULL ? ib->axes[a] : axes[a];
      gboolean found = FALSE;

      for (guint32 k = 0; axes[k] != NULL && !found; k++)
        if (g_strcmp0 (axes[k], name) == 0)
          {
            d->axis_index[a] = k;
            found = TRUE;
          }
      if (!found)
        {
          em_codegen_dsp_free (d);
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "block %s reads axis '%s', which the input does not have",
                       id, name);
          return NULL;
        }
    }
  for (guint32 a = 0; axes == NULL && a < d->n_axes; a++)
    d->axis_index[a] = a;
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
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "block %s cannot be deployed (its plugin exports no model)",
                   l->lb->id);
      return NULL;
    }
  if (ops->export_model (blob, len, int8, format, &out, &out_len, err, sizeof err) != 0 || out == NULL)
    {
      free (out);
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "block %s: %s%s", l->lb->id,
                   *err != '\0' ? err : "exporting the model failed",
                   int8 && strstr (err, "quantiz") != NULL ? " (deploy with --float)" : "");
      return NULL;
    }
  return g_bytes_new_with_free_func (out, out_len, free, out);
}

typedef struct {
  EmDeployGather pub;
  Learner        primary, anomaly;
  gboolean       has_anomaly;
} Deploy;

void
em_deploy_gather_free (EmDeployGather *gather)
{
  Deploy *d = (Deploy *) gather;

  if (d == NULL)
    return;
  g_clear_pointer (&d->pub.cg, em_codegen_impulse_free);
  g_clear_object (&d->pub.template);
  g_free (d->pub.anomaly_id);
  learner_clear (&d->primary);
  learner_clear (&d->anomaly);
  g_free (d);
}

static gboolean
gather (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry, const char *block_id, gboolean int8,
        float threshold, Deploy *d, GError **error)
{
  EmCodegenImpulse *cg;
  EmLearnTask task;
  const char *format = NULL;
  g_autoptr(GDateTime) created = NULL;
  g_autofree char *stamp = NULL;

  if (!load_learner (project, impulse, registry, block_id, &d->primary, error))
    return FALSE;
  task = em_learn_task_for_block (d->primary.block);
  /* An anomaly block on the same features rides along with a classifier. */
  if (block_id == NULL && task != EM_TASK_ANOMALY)
    for (guint i = 0; i < impulse->learn_blocks->len; i++)
      {
        EmImpulseLearnBlock *lb = g_ptr_array_index (impulse->learn_blocks, i);
        EmBlock *b = em_block_registry_lookup (registry, lb->plugin);
        g_autoptr(GError) ignored = NULL;

        if (lb == d->primary.lb || b == NULL || em_learn_task_for_block (b) != EM_TASK_ANOMALY ||
            !same_inputs (lb, d->primary.lb))
          continue;
        if (load_learner (project, impulse, registry, lb->id, &d->anomaly, &ignored))
          {
            d->has_anomaly = TRUE;
            break;
          }
        learner_clear (&d->anomaly);
        g_message ("leaving anomaly block %s out: %s", lb->id, ignored->message);
      }

  if ((d->pub.template = template_sample (project, error)) == NULL)
    return FALSE;
  d->pub.cg = cg = em_codegen_impulse_new ();
  {
    g_autoptr(EmWindower) w = em_windower_new (&impulse->input, NULL, d->pub.template, error);
    g_autoptr(EmSample) full = NULL;
    const EmSignal *first;
    guint n_windows = 0;

    if (w == NULL)
      return FALSE;
    cg->input = *em_windower_get_info (w);
    /* The template's first window, for examples that run without a sensor
     * (the Arduino sketch); an example without one still works. */
    if ((full = em_project_get_sample (project, em_sample_get_id (d->pub.template), TRUE, NULL)) != NULL &&
        em_windower_set_sample (w, full, &n_windows, NULL) && n_windows > 0 && (first = em_windower_get (w, 0)) != NULL)
      {
        guint n = cg->input.input_kind == EM_INPUT_IMAGE ? cg->input.width * cg->input.height * 3
                                                         : cg->input.n_frames * cg->input.n_axes;
        cg->example_window = g_array_sized_new (FALSE, FALSE, sizeof (float), n);
        g_array_append_vals (cg->example_window, first->data, n);
      }
  }
  cg->axes = input_axes (impulse, d->pub.template);
  cg->window_ms = impulse->input.window_size_ms;
  cg->window_increase_ms = impulse->input.window_increase_ms;
  for (guint i = 0; d->primary.lb->inputs[i] != NULL; i++)
    {
      EmCodegenDsp *dsp = dsp_for_block (impulse, registry, d->primary.lb->inputs[i], d->pub.template, cg->axes, error);
      if (dsp == NULL)
        return FALSE;
      g_ptr_array_add (cg->dsp, dsp);
    }

  cg->learn_id = g_strdup (d->primary.lb->id);
  cg->learn_plugin = g_strdup (d->primary.lb->plugin);
  cg->task = task;
  cg->int8 = int8 && task != EM_TASK_ANOMALY;
  cg->threshold = threshold > 0 ? threshold : 0.6f;
  if ((cg->model = export_model (&d->primary, cg->int8, &format, error)) == NULL)
    return FALSE;
  cg->format = format;
  if (task == EM_TASK_OBJECT_DETECTION &&
      !em_codegen_detect_settings_from_report (cg, d->primary.model->report, error))
    {
      g_prefix_error (error, "block %s: ", d->primary.lb->id);
      return FALSE;
    }
  /* A threshold the user chose wins over the trained one. */
  if (task == EM_TASK_OBJECT_DETECTION && threshold > 0)
    cg->threshold = threshold;
  if (task == EM_TASK_CLASSIFICATION || task == EM_TASK_OBJECT_DETECTION)
    cg->labels = g_strdupv (d->primary.model->labels);
  else
    {
      const char *one[] = { task == EM_TASK_ANOMALY ? "anomaly" : "value", NULL };
      cg->labels = g_strdupv ((char **) one);
    }
  if (d->has_anomaly)
    {
      const char *f = NULL;
      cg->anomaly_id = g_strdup (d->anomaly.lb->id);
      if ((cg->anomaly_json = export_model (&d->anomaly, FALSE, &f, error)) == NULL)
        return FALSE;
      if (g_strcmp0 (f, "em-anomaly-json") != 0)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "block %s exports '%s', not an anomaly model",
                       d->anomaly.lb->id, f);
          return FALSE;
        }
    }
  cg->project_name = g_strdup (em_project_get_name (project));
  created = g_date_time_new_from_unix_utc (d->primary.model->created / G_USEC_PER_SEC);
  stamp = created != NULL ? g_date_time_format_iso8601 (created) : g_strdup ("?");
  cg->model_version = g_strdup_printf ("%s %.12s", stamp, d->primary.model->params_key != NULL
                                                          ? d->primary.model->params_key : "");
  return TRUE;
}

EmDeployGather *
em_deploy_gather (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry, const char *block_id,
                  gboolean int8, float threshold, GError **error)
{
  Deploy *d = g_new0 (Deploy, 1);

  if (!gather (project, impulse, registry, block_id, int8, threshold, d, error))
    {
      em_deploy_gather_free (&d->pub);
      return NULL;
    }
  d->pub.learn_block = d->primary.lb;
  d->pub.learn_plugin = d->primary.block;
  d->pub.model = d->primary.model;
  if (d->has_anomaly)
    {
      d->pub.anomaly_id = g_strdup (d->anomaly.lb->id);
      d->pub.anomaly_block = d->anomaly.lb;
      d->pub.anomaly_plugin = d->anomaly.block;
      d->pub.anomaly_model = d->anomaly.model;
    }
  return &d->pub;
}
