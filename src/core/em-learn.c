/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include "em-error.h"
#include "em-feature-cache.h"
#include "em-features.h"
#include "em-learn.h"
#include "em-learn-boxes.h"
#include "em-learn-validation.h"
#include "em-model-store.h"
#include "em-windower.h"

/* Plugins write their report into a buffer of this size. */
#define REPORT_BYTES (64 * 1024)

EmLearnTask
em_learn_task_for_block (EmBlock *block)
{
  const EmLearningOps *ops = em_block_get_learning_ops (block);

  return ops != NULL ? (EmLearnTask) ops->task : EM_TASK_CLASSIFICATION;
}

const char *
em_learn_task_to_string (EmLearnTask task)
{
  switch (task)
    {
    case EM_TASK_REGRESSION: return "regression";
    case EM_TASK_ANOMALY: return "anomaly";
    case EM_TASK_OBJECT_DETECTION: return "object-detection";
    case EM_TASK_CLASSIFICATION:
    default: return "classification";
    }
}

void
em_learn_set_free (EmLearnSet *set)
{
  if (set == NULL)
    return;
  g_strfreev (set->labels);
  g_free (set->x);
  g_free (set->y);
  g_free (set->y_value);
  g_free (set->sample_ids);
  g_free (set->windows);
  g_clear_pointer (&set->sample_labels, g_ptr_array_unref);
  g_free (set->label_index);
  g_free (set->first_skip);
  g_free (set->box_start);
  g_free (set->boxes);
  g_free (set);
}

EmImpulseLearnBlock *
em_learn_find_block (EmImpulse *impulse, EmBlockRegistry *registry, const char *block_id, EmBlock **block,
                     GError **error)
{
  EmImpulseLearnBlock *lb = block_id != NULL ? em_impulse_find_learn_block (impulse, block_id)
                                             : em_impulse_first_learn_block (impulse);
  EmBlock *b;

  if (lb == NULL)
    {
      if (block_id != NULL)
        g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "the impulse has no learning block '%s'", block_id);
      else
        g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                     "the impulse has no learning block: add one, e.g. 'ember-cli impulse add PROJECT classification'");
      return NULL;
    }
  b = em_block_registry_lookup (registry, lb->plugin);
  if (b == NULL || em_block_get_kind (b) != EM_BLOCK_LEARNING || em_block_get_learning_ops (b) == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                   "block %s: no learning block '%s' is installed (see 'ember-cli blocks list')", lb->id,
                   lb->plugin);
      return NULL;
    }
  if (block != NULL)
    *block = b;
  return lb;
}

char *
em_learn_params_key (EmImpulse *impulse, EmImpulseLearnBlock *lb, EmBlockRegistry *registry, GError **error)
{
  EmBlock *block = NULL;
  g_autoptr(EmBlockParams) params = NULL;
  g_autofree char *params_json = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (em_learn_find_block (impulse, registry, lb->id, &block, error) == NULL)
    return NULL;
  if ((params = em_block_resolve_params (block, lb->params, error)) == NULL)
    return NULL;
  params_json = em_block_params_to_json (params);
  g_string_append_printf (text, "%s|%u|%s", lb->plugin, em_block_get_version (block), params_json);
  for (guint i = 0; lb->inputs[i] != NULL; i++)
    {
      EmImpulseBlock *ib = em_impulse_find_block (impulse, lb->inputs[i]);
      g_autofree char *key = NULL;

      if (ib == NULL)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "block %s takes '%s', which is not in the impulse",
                       lb->id, lb->inputs[i]);
          return NULL;
        }
      if ((key = em_features_block_key (impulse, ib, registry, error)) == NULL)
        return NULL;
      g_string_append_printf (text, "|%s", key);
    }
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text->str, -1);
}

/* Shape of a processing block's features for this impulse's input, and the
 * input kind the windower sees. */
static gboolean
probe_block (EmImpulse *impulse, EmImpulseBlock *ib, EmBlockRegistry *registry, EmSample *template,
             EmFeatureShape *shape, guint32 *input_kind, GError **error)
{
  EmBlock *block = em_block_registry_lookup (registry, ib->plugin);
  g_autoptr(EmBlockParams) params = NULL;
  g_autoptr(EmWindower) windower = NULL;
  const EmProcessingOps *ops;
  void *state = NULL;
  char err[256] = "";

  if (block == NULL || (ops = em_block_get_processing_ops (block)) == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "block %s: no processing block '%s' is installed",
                   ib->id, ib->plugin);
      return FALSE;
    }
  if ((params = em_block_resolve_params (block, ib->params, error)) == NULL)
    return FALSE;
  if ((windower = em_windower_new (&impulse->input, ib->axes, template, error)) == NULL)
    return FALSE;
  if (ops->init (params->params, params->n_params, em_windower_get_info (windower), &state, shape, err,
                 sizeof err) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "block %s: %s", ib->id, err);
      return FALSE;
    }
  ops->free (state);
  *input_kind = em_windower_get_info (windower)->input_kind;
  return TRUE;
}

/* One sample's windows, all inputs concatenated. */
typedef struct {
  EmSample *sample;
  guint     n_windows;
  float    *x;
} SampleRows;

static void
sample_rows_free (gpointer p)
{
  SampleRows *r = p;

  g_object_unref (r->sample);
  g_free (r->x);
  g_free (r);
}

static void
skip (EmLearnSet *set, EmSample *s, const char *reason)
{
  set->n_skipped++;
  if (set->first_skip == NULL)
    set->first_skip = g_strdup_printf ("sample %s (id %" G_GINT64_FORMAT "): %s", em_sample_get_name (s),
                                       em_sample_get_id (s), reason);
}

/* The features of every input for one sample; NULL (and a skip) when an
 * input lacks them or the inputs disagree on the window count. */
static SampleRows *
read_sample (EmProject *project, EmSample *s, GStrv keys, guint n_inputs, guint n_features, EmLearnSet *set,
             GError **error)
{
  g_autofree float *x = NULL;
  guint n_windows = 0, offset = 0;

  for (guint i = 0; i < n_inputs; i++)
    {
      g_autoptr(GError) local = NULL;
      g_autofree float *data = NULL;
      guint w = 0, f = 0;

      if (!em_feature_cache_get (project, keys[i], em_sample_get_hash (s), &w, &f, &data, &local))
        {
          if (!g_error_matches (local, EM_ERROR, EM_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return NULL;
            }
          skip (set, s, "its features could not be computed (see 'ember-cli features generate')");
          return NULL;
        }
      if (i == 0)
        {
          n_windows = w;
          if (n_windows == 0)
            {
              skip (set, s, "shorter than a window");
              return NULL;
            }
          x = g_new (float, (gsize) n_windows * n_features);
        }
      else if (w != n_windows)
        {
          g_autofree char *why = g_strdup_printf ("its inputs give different window counts (%u and %u)",
                                                  n_windows, w);
          skip (set, s, why);
          return NULL;
        }
      if (offset + f > n_features)
        {
          skip (set, s, "its cached features have an unexpected size");
          return NULL;
        }
      for (guint k = 0; k < n_windows; k++)
        memcpy (x + (gsize) k * n_features + offset, data + (gsize) k * f, f * sizeof (float));
      offset += f;
    }
  if (offset != n_features)
    {
      skip (set, s, "its cached features have an unexpected size");
      return NULL;
    }
  {
    SampleRows *r = g_new0 (SampleRows, 1);
    r->sample = g_object_ref (s);
    r->n_windows = n_windows;
    r->x = g_steal_pointer (&x);
    return r;
  }
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static int
find_label (GStrv labels, const char *label)
{
  for (guint i = 0; labels[i] != NULL; i++)
    if (strcmp (labels[i], label) == 0)
      return (int) i;
  return -1;
}

static gboolean
parse_number (const char *text, float *out)
{
  char *end = NULL;
  double v;

  if (text == NULL || *text == '\0')
    return FALSE;
  v = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (v))
    return FALSE;
  *out = (float) v;
  return TRUE;
}

/* Generate features for the inputs whose cache lacks some of @samples. */
static gboolean
ensure_features (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry, EmImpulseLearnBlock *lb,
                 GStrv keys, GPtrArray *samples, EmProgressFunc progress, gpointer user_data,
                 GCancellable *cancellable, GError **error)
{
  for (guint i = 0; lb->inputs[i] != NULL; i++)
    {
      g_autoptr(GHashTable) cached = em_feature_cache_list_hashes (project, keys[i], error);
      g_autoptr(GPtrArray) summaries = NULL;
      EmFeatureOptions options = { 0 };
      gboolean missing = FALSE;

      if (cached == NULL)
        return FALSE;
      for (guint k = 0; k < samples->len && !missing; k++)
        missing = !g_hash_table_contains (cached, em_sample_get_hash (g_ptr_array_index (samples, k)));
      if (!missing)
        continue;
      /* It reuses what is cached and computes the rest, for every enabled sample. */
      options.only_block = lb->inputs[i];
      if (!em_features_generate (project, impulse, registry, &options, progress, user_data, cancellable,
                                 &summaries, error))
        return FALSE;
    }
  return TRUE;
}

EmLearnSet *
em_learn_gather (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry, EmImpulseLearnBlock *lb,
                 EmCategory category, const char * const *labels, EmProgressFunc progress, gpointer user_data,
                 GCancellable *cancellable, GError **error)
{
  g_autoptr(EmLearnSet) set = g_new0 (EmLearnSet, 1);
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (sample_rows_free);
  g_autoptr(GStrvBuilder) key_builder = g_strv_builder_new ();
  g_auto(GStrv) keys = NULL;
  const char *set_name = category == EM_CATEGORY_TRAINING ? "training" : "testing";
  EmFeatureShape first_shape = { 0, 0 };
  EmSampleFilter filter;
  guint n_inputs = g_strv_length (lb->inputs), n_features = 0, n = 0, at = 0;
  guint32 input_kind = 0;

  {
    EmBlock *block = em_block_registry_lookup (registry, lb->plugin);

    if (block == NULL || em_block_get_kind (block) != EM_BLOCK_LEARNING)
      {
        g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "block %s: learning block '%s' is not installed",
                     lb->id, lb->plugin);
        return NULL;
      }
    set->task = em_learn_task_for_block (block);
  }
  if (n_inputs == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "block %s has no inputs: connect it to a processing block", lb->id);
      return NULL;
    }
  em_sample_filter_init (&filter);
  filter.enabled = 1;
  filter.category = category;
  filter.kind = -1;
  if ((samples = em_project_list_samples (project, &filter, error)) == NULL)
    return NULL;
  if (samples->len == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s has no enabled %s samples",
                   em_project_get_name (project), set_name);
      return NULL;
    }

  /* Keys and shapes of the inputs, in input order. */
  for (guint i = 0; i < n_inputs; i++)
    {
      EmImpulseBlock *ib = em_impulse_find_block (impulse, lb->inputs[i]);
      EmFeatureShape shape;
      guint32 kind = 0;
      g_autofree char *key = NULL;

      if (ib == NULL)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "block %s takes '%s', which is not in the impulse",
                       lb->id, lb->inputs[i]);
          return NULL;
        }
      if ((key = em_features_block_key (impulse, ib, registry, error)) == NULL)
        return NULL;
      g_strv_builder_add (key_builder, key);
      if (!probe_block (impulse, ib, registry, g_ptr_array_index (samples, 0), &shape, &kind, error))
        return NULL;
      if (i == 0)
        {
          first_shape = shape;
          input_kind = kind;
        }
      n_features += shape.rows * shape.cols;
    }
  keys = g_strv_builder_end (key_builder);
  if (!ensure_features (project, impulse, registry, lb, keys, samples, progress, user_data, cancellable, error))
    return NULL;

  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *s = g_ptr_array_index (samples, i);
      SampleRows *r;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (labels != NULL && set->task == EM_TASK_CLASSIFICATION &&
          !g_strv_contains (labels, em_sample_get_label (s)))
        {
          g_autofree char *why = g_strdup_printf ("label '%s' is not one the model was trained on",
                                                  em_sample_get_label (s));
          skip (set, s, why);
          continue;
        }
      if (set->task == EM_TASK_REGRESSION)
        {
          float v;
          if (!parse_number (em_sample_get_label (s), &v))
            {
              g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                           "sample %s (id %" G_GINT64_FORMAT "): label '%s' is not a number; block %s (regression)"
                           " needs numeric labels", em_sample_get_name (s), em_sample_get_id (s),
                           em_sample_get_label (s), lb->id);
              return NULL;
            }
        }
      r = read_sample (project, s, keys, n_inputs, n_features, set, error);
      if (r == NULL && error != NULL && *error != NULL)
        return NULL;
      if (r != NULL)
        {
          g_ptr_array_add (rows, r);
          n += r->n_windows;
        }
    }
  if (n == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "block %s: no %s windows%s%s", lb->id, set_name,
                   set->first_skip != NULL ? "; e.g. " : "", set->first_skip != NULL ? set->first_skip : "");
      return NULL;
    }

  /* Labels: the given ones, or the sorted distinct labels of the samples used. */
  set->sample_labels = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < rows->len; i++)
    {
      const char *label = em_sample_get_label (((SampleRows *) g_ptr_array_index (rows, i))->sample);
      if (!g_ptr_array_find_with_equal_func (set->sample_labels, label, g_str_equal, NULL))
        g_ptr_array_add (set->sample_labels, g_strdup (label));
    }
  g_ptr_array_sort (set->sample_labels, compare_strings);
  if (set->task == EM_TASK_CLASSIFICATION)
    {
      if (labels != NULL)
        set->labels = g_strdupv ((char **) labels);
      else
        {
          set->labels = g_new0 (char *, set->sample_labels->len + 1);
          for (guint i = 0; i < set->sample_labels->len; i++)
            set->labels[i] = g_strdup (g_ptr_array_index (set->sample_labels, i));
        }
      if (labels == NULL && g_strv_length (set->labels) < 2)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                       "block %s: classification needs at least two classes; the %s samples are all '%s'",
                       lb->id, set_name, set->labels[0]);
          return NULL;
        }
    }
  else
    set->labels = g_new0 (char *, 1);

  set->n = n;
  set->x = g_new (float, (gsize) n * n_features);
  set->sample_ids = g_new (gint64, n);
  set->windows = g_new (guint, n);
  set->label_index = g_new (guint, n);
  if (set->task == EM_TASK_CLASSIFICATION)
    set->y = g_new (gint32, n);
  if (set->task == EM_TASK_REGRESSION)
    set->y_value = g_new (float, n);
  for (guint i = 0; i < rows->len; i++)
    {
      SampleRows *r = g_ptr_array_index (rows, i);
      const char *label = em_sample_get_label (r->sample);
      guint label_at = 0;
      float value = 0;

      g_ptr_array_find_with_equal_func (set->sample_labels, label, g_str_equal, &label_at);
      if (set->task == EM_TASK_REGRESSION)
        parse_number (label, &value);
      memcpy (set->x + (gsize) at * n_features, r->x, (gsize) r->n_windows * n_features * sizeof (float));
      for (guint k = 0; k < r->n_windows; k++, at++)
        {
          set->sample_ids[at] = em_sample_get_id (r->sample);
          set->windows[at] = k;
          set->label_index[at] = label_at;
          if (set->y != NULL)
            set->y[at] = find_label (set->labels, label);
          if (set->y_value != NULL)
            set->y_value[at] = value;
        }
    }
  set->n_samples = rows->len;

  set->info.n_features = n_features;
  set->info.rows = first_shape.rows;
  set->info.cols = first_shape.cols;
  set->info.n_inputs = n_inputs;
  set->info.input_kind = input_kind;
  if (impulse->input.is_image)
    {
      set->info.width = impulse->input.width;
      set->info.height = impulse->input.height;
    }
  set->info.n_classes = set->task == EM_TASK_CLASSIFICATION ? g_strv_length (set->labels) : 0;
  set->info.labels = set->info.n_classes > 0 ? (const char * const *) set->labels : NULL;
  if (set->task == EM_TASK_OBJECT_DETECTION &&
      !em_learn_boxes_gather (set, project, impulse, lb->id, labels, category == EM_CATEGORY_TRAINING, error))
    return NULL;
  return g_steal_pointer (&set);
}

/* --- training ------------------------------------------------------------ */

typedef struct {
  const EmLearnMonitor *monitor;
  GCancellable         *cancellable;
  GArray               *val_accuracy; /* (element-type double) by epoch, for em_learn_validation_run() */
} TrainContext;

static int
on_epoch (const EmLearnProgress *progress, const char *log_line, void *user_data)
{
  TrainContext *ctx = user_data;

  if (progress->epoch >= 1 && progress->epoch <= 100000)
    {
      if ((guint) progress->epoch > ctx->val_accuracy->len)
        g_array_set_size (ctx->val_accuracy, progress->epoch);
      g_array_index (ctx->val_accuracy, double, progress->epoch - 1) = progress->val_accuracy;
    }
  if (ctx->monitor != NULL && ctx->monitor->epoch != NULL)
    ctx->monitor->epoch (progress, log_line, ctx->monitor->user_data);
  return g_cancellable_is_cancelled (ctx->cancellable) ? 1 : 0;
}

static JsonNode *
params_to_node (const EmBlockParams *params)
{
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  for (gsize i = 0; i < params->n_params; i++)
    json_object_set_string_member (o, params->params[i].name, params->params[i].value);
  json_node_take_object (node, o);
  return node;
}

/* Ember's facts about the training around the plugin's own report. */
static char *
build_report (EmImpulseLearnBlock *lb, const EmLearnSet *set, const EmBlockParams *params, JsonObject *overrides,
              const char *plugin_report, double seconds, const char *validation, const char *no_validation)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) model = json_from_string (plugin_report, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "block");
  json_builder_add_string_value (b, lb->id);
  json_builder_set_member_name (b, "plugin");
  json_builder_add_string_value (b, lb->plugin);
  json_builder_set_member_name (b, "task");
  json_builder_add_string_value (b, em_learn_task_to_string (set->task));
  json_builder_set_member_name (b, "labels");
  json_builder_begin_array (b);
  for (guint i = 0; set->labels[i] != NULL; i++)
    json_builder_add_string_value (b, set->labels[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "inputs");
  json_builder_begin_array (b);
  for (guint i = 0; lb->inputs[i] != NULL; i++)
    json_builder_add_string_value (b, lb->inputs[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "n_features");
  json_builder_add_int_value (b, set->info.n_features);
  json_builder_set_member_name (b, "train_samples");
  json_builder_add_int_value (b, set->n_samples);
  json_builder_set_member_name (b, "train_windows");
  json_builder_add_int_value (b, set->n);
  json_builder_set_member_name (b, "skipped_samples");
  json_builder_add_int_value (b, set->n_skipped);
  if (set->first_skip != NULL)
    {
      json_builder_set_member_name (b, "first_skip");
      json_builder_add_string_value (b, set->first_skip);
    }
  json_builder_set_member_name (b, "params");
  json_builder_add_value (b, params_to_node (params));
  if (overrides != NULL)
    {
      JsonNode *node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, overrides);
      json_builder_set_member_name (b, "overrides");
      json_builder_add_value (b, node);
    }
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, seconds);
  /* Ember's own recount on the held-out windows (em-learn-validation.h). */
  if (validation != NULL)
    {
      json_builder_set_member_name (b, "validation");
      json_builder_add_value (b, json_from_string (validation, NULL));
    }
  else if (no_validation != NULL)
    {
      json_builder_set_member_name (b, "validation_unavailable");
      json_builder_add_string_value (b, no_validation);
    }
  json_builder_set_member_name (b, "model");
  if (model != NULL && JSON_NODE_HOLDS_OBJECT (model))
    json_builder_add_value (b, g_steal_pointer (&model));
  else
    {
      /* Not JSON: keep the text rather than lose it. */
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, plugin_report);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

gboolean
em_learn_train (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry, const char *block_id,
                JsonObject *overrides, const EmLearnMonitor *monitor, GCancellable *cancellable, char **report,
                GError **error)
{
  g_autoptr(JsonObject) merged = json_object_new ();
  g_autoptr(EmBlockParams) params = NULL;
  g_autoptr(EmLearnSet) set = NULL;
  g_autoptr(EmModel) stored = g_new0 (EmModel, 1);
  g_autofree char *plugin_report = g_malloc0 (REPORT_BYTES);
  g_autofree char *params_key = NULL;
  const EmLearningOps *ops;
  EmImpulseLearnBlock *lb;
  EmBlock *block = NULL;
  g_autoptr(GArray) val_accuracy = g_array_new (FALSE, TRUE, sizeof (double));
  g_autofree char *validation = NULL, *no_validation = NULL;
  TrainContext ctx = { monitor, cancellable, val_accuracy };
  EmLearnCallbacks callbacks = { on_epoch, &ctx };
  EmLearnData data = { 0 };
  void *model = NULL;
  size_t model_len = 0;
  char err[512] = "";
  gint64 start;
  double seconds;
  int rc;

  if ((lb = em_learn_find_block (impulse, registry, block_id, &block, error)) == NULL)
    return FALSE;
  ops = em_block_get_learning_ops (block);
  /* The impulse's params, then this run's overrides on top. */
  {
    g_autoptr(GList) names = json_object_get_members (lb->params);
    for (GList *l = names; l != NULL; l = l->next)
      json_object_set_member (merged, l->data, json_node_copy (json_object_get_member (lb->params, l->data)));
  }
  if (overrides != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (overrides);
      for (GList *l = names; l != NULL; l = l->next)
        json_object_set_member (merged, l->data, json_node_copy (json_object_get_member (overrides, l->data)));
    }
  if ((params = em_block_resolve_params (block, merged, error)) == NULL)
    return FALSE;
  if ((params_key = em_learn_params_key (impulse, lb, registry, error)) == NULL)
    return FALSE;
  set = em_learn_gather (project, impulse, registry, lb, EM_CATEGORY_TRAINING, NULL,
                         monitor != NULL ? monitor->features : NULL, monitor != NULL ? monitor->user_data : NULL,
                         cancellable, error);
  if (set == NULL)
    return FALSE;

  data.n = set->n;
  data.x = set->x;
  data.y = set->y;
  data.y_value = set->y_value;
  data.box_start = set->box_start;
  data.boxes = set->boxes;
  start = g_get_monotonic_time ();
  rc = ops->train (params->params, params->n_params, &set->info, &data, &callbacks, &model, &model_len,
                   plugin_report, REPORT_BYTES, err, sizeof err);
  plugin_report[REPORT_BYTES - 1] = '\0';
  if (rc == EM_LEARN_CANCELLED || g_cancellable_is_cancelled (cancellable))
    {
      if (rc == 0 && model != NULL)
        ops->free_model (model);
      g_set_error (error, EM_ERROR, EM_ERROR_CANCELLED, "training of block %s cancelled; the project is unchanged",
                   lb->id);
      return FALSE;
    }
  if (rc != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "block %s: training failed: %s", lb->id,
                   *err != '\0' ? err : "the block gave no reason");
      return FALSE;
    }
  if (model == NULL || model_len == 0)
    {
      if (model != NULL)
        ops->free_model (model);
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "block %s: the learning block returned no model", lb->id);
      return FALSE;
    }

  stored->block_id = g_strdup (lb->id);
  stored->plugin = g_strdup (lb->plugin);
  stored->params_key = g_steal_pointer (&params_key);
  stored->labels = g_strdupv (set->labels);
  stored->blob = g_bytes_new (model, model_len);
  ops->free_model (model);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (set->task == EM_TASK_CLASSIFICATION &&
      !em_learn_validation_run (ops, stored->blob, set, params,
                                em_learn_validation_reported_accuracy (val_accuracy, plugin_report), &validation,
                                &no_validation, error))
    {
      g_prefix_error (error, "block %s: validation: ", lb->id);
      return FALSE;
    }
  stored->report = build_report (lb, set, params, overrides, plugin_report, seconds, validation, no_validation);
  stored->created = g_get_real_time ();
  if (!em_model_store_put (project, stored, error))
    return FALSE;
  if (report != NULL)
    *report = g_steal_pointer (&stored->report);
  return TRUE;
}

typedef struct {
  EmImpulse       *impulse;
  EmBlockRegistry *registry;
  char            *block_id;
  JsonObject      *overrides;
  EmLearnMonitor   monitor;
} TrainData;

static void
train_data_free (gpointer p)
{
  TrainData *d = p;

  em_impulse_free (d->impulse);
  g_object_unref (d->registry);
  g_free (d->block_id);
  g_clear_pointer (&d->overrides, json_object_unref);
  g_free (d);
}

static void
train_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  TrainData *d = task_data;
  GError *error = NULL;
  char *report = NULL;

  if (em_learn_train (source, d->impulse, d->registry, d->block_id, d->overrides, &d->monitor, cancellable,
                      &report, &error))
    g_task_return_pointer (task, report, g_free);
  else
    g_task_return_error (task, error);
}

void
em_learn_train_async (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry, const char *block_id,
                      JsonObject *overrides, const EmLearnMonitor *monitor, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (project, cancellable, callback, user_data);
  TrainData *d = g_new0 (TrainData, 1);

  /* The caller may edit its impulse while the job runs: work on a copy. */
  d->impulse = em_impulse_copy (impulse);
  d->registry = g_object_ref (registry);
  d->block_id = g_strdup (block_id);
  if (overrides != NULL)
    {
      /* json_node_copy() shares objects: go through text for a real copy. */
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(JsonNode) copy = NULL;
      g_autofree char *text = NULL;
      json_node_set_object (node, overrides);
      text = json_to_string (node, FALSE);
      copy = json_from_string (text, NULL);
      d->overrides = json_object_ref (json_node_get_object (copy));
    }
  if (monitor != NULL)
    d->monitor = *monitor;
  g_task_set_source_tag (task, em_learn_train_async);
  g_task_set_task_data (task, d, train_data_free);
  g_task_run_in_thread (task, train_thread);
}

char *
em_learn_train_finish (EmProject *project, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, project), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
