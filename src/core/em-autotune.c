/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "em-autotune.h"
#include "em-error.h"
#include "em-windower.h"

GHashTable *
em_autotune_block (EmProject *project, EmImpulse *impulse, const char *block_id,
                   EmBlockRegistry *registry, guint max_examples, GError **error)
{
  g_autoptr(GHashTable) out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) buffers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) signals = g_array_new (FALSE, FALSE, sizeof (EmSignal));
  g_autoptr(EmWindower) windower = NULL;
  g_autoptr(EmBlockParams) params = NULL;
  g_auto(GStrv) lines = NULL;
  EmImpulseBlock *ib = em_impulse_find_block (impulse, block_id);
  const EmProcessingOps *ops;
  EmSampleFilter filter;
  EmBlock *block;
  char text[1024] = "", err[256] = "";

  if (ib == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "the impulse has no block '%s'", block_id);
      return NULL;
    }
  block = em_block_registry_lookup (registry, ib->plugin);
  ops = block != NULL ? em_block_get_processing_ops (block) : NULL;
  if (ops == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "block %s: no processing block '%s' is installed",
                   block_id, ib->plugin);
      return NULL;
    }
  if (ops->autotune == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "block %s: %s has no autotune", block_id,
                   em_block_get_name (block));
      return NULL;
    }
  params = em_block_resolve_params (block, ib->params, error);
  if (params == NULL)
    return NULL;

  em_sample_filter_init (&filter);
  filter.enabled = 1;
  filter.category = EM_CATEGORY_TRAINING;
  listed = em_project_list_samples (project, &filter, error);
  if (listed == NULL)
    return NULL;
  for (guint i = 0; i < listed->len && signals->len < max_examples; i++)
    {
      g_autoptr(EmSample) sample = NULL;
      guint n = 0;
      EmSignal sig;
      gsize count;

      if (windower == NULL &&
          (windower = em_windower_new (&impulse->input, ib->axes, g_ptr_array_index (listed, i), error)) == NULL)
        return NULL;
      sample = em_project_get_sample (project, em_sample_get_id (g_ptr_array_index (listed, i)), TRUE, NULL);
      /* Samples the impulse cannot use are no examples; feature generation reports them. */
      if (sample == NULL || !em_windower_set_sample (windower, sample, &n, NULL) || n == 0)
        continue;
      sig = *em_windower_get (windower, 0);
      count = (gsize) sig.info.n_frames * sig.info.n_axes * (sig.info.input_kind == EM_INPUT_IMAGE
                                                              ? sig.info.width * sig.info.height : 1);
      /* The windower reuses its buffer: keep a copy per example. */
      sig.data = g_memdup2 (sig.data, count * sizeof (float));
      g_ptr_array_add (buffers, (gpointer) sig.data);
      g_array_append_val (signals, sig);
    }
  if (signals->len == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "block %s: no training window to tune on", block_id);
      return NULL;
    }
  if (ops->autotune (params->params, params->n_params, (EmSignal *) signals->data, signals->len, text,
                     sizeof text, err, sizeof err) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "block %s: %s", block_id, err);
      return NULL;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *eq = strchr (lines[i], '=');
      if (eq == NULL || eq == lines[i])
        continue;
      *eq = '\0';
      g_hash_table_insert (out, g_strstrip (g_strdup (lines[i])), g_strstrip (g_strdup (eq + 1)));
    }
  return g_steal_pointer (&out);
}
