/* SPDX-License-Identifier: Apache-2.0 */
#include "learning-test-util.h"

const char *const labels[N_CLASSES] = { "idle", "circle", "wave" };

/* --- plugins --------------------------------------------------------------- */

const EmBlockInfo *
block (const char *id)
{
  static GHashTable *cache;
  const char *path = NULL;
  const EmBlockInfo *bi;
  GModule *module;
  gpointer symbol = NULL;
  const EmPluginInfo *info;

  if (cache == NULL)
    cache = g_hash_table_new (g_str_hash, g_str_equal);
  if ((bi = g_hash_table_lookup (cache, id)) != NULL)
    return bi;
  if (strcmp (id, "classification") == 0)
    path = CLASSIFICATION_PLUGIN;
  else if (strcmp (id, "regression") == 0)
    path = REGRESSION_PLUGIN;
  else if (strcmp (id, "anomaly-kmeans") == 0)
    path = KMEANS_PLUGIN;
  else if (strcmp (id, "anomaly-gmm") == 0)
    path = GMM_PLUGIN;
  g_assert_nonnull (path);
  module = g_module_open (path, G_MODULE_BIND_LOCAL);
  if (module == NULL)
    g_error ("%s: %s", path, g_module_error ());
  g_assert_true (g_module_symbol (module, EM_PLUGIN_SYMBOL, &symbol));
  info = ((EmPluginInfoFunc) symbol) ();
  g_assert_nonnull (info);
  g_assert_cmpuint (info->abi_version, ==, EM_PLUGIN_ABI);
  g_assert_cmpuint (info->struct_size, ==, sizeof (EmPluginInfo));
  g_assert_cmpuint (info->n_blocks, ==, 1);
  bi = &info->blocks[0];
  g_hash_table_insert (cache, (gpointer) id, (gpointer) bi);
  return bi;
}

const EmLearningOps *
ops (const char *id)
{
  return block (id)->ops;
}

/* --- data ------------------------------------------------------------------ */

double
gauss (GRand *r)
{
  double u = g_rand_double_range (r, 1e-12, 1), v = g_rand_double (r);

  return sqrt (-2 * log (u)) * cos (2 * G_PI * v);
}


void
data_free (Data *d)
{
  g_free (d->x);
  g_free (d->y);
  g_free (d->y_value);
  g_free (d);
}

/* Three Gaussian blobs (σ 0.5) around centers ±2 per feature: separable. */
Data *
blobs (guint32 per_class, guint32 seed)
{
  g_autoptr(GRand) r = g_rand_new_with_seed (seed);
  float centers[N_CLASSES][N_FEATURES];
  Data *d = g_new0 (Data, 1);

  for (int c = 0; c < N_CLASSES; c++)
    for (int f = 0; f < N_FEATURES; f++)
      centers[c][f] = g_rand_boolean (r) ? 2.f : -2.f;
  d->n = per_class * N_CLASSES;
  d->x = g_new (float, d->n * N_FEATURES);
  d->y = g_new (int32_t, d->n);
  for (guint32 i = 0; i < d->n; i++)
    {
      d->y[i] = (int32_t) (i % N_CLASSES);
      for (int f = 0; f < N_FEATURES; f++)
        d->x[i * N_FEATURES + f] = centers[d->y[i]][f] + 0.5f * (float) gauss (r);
    }
  return d;
}

EmLearnInfo
flat_info (guint32 n_features, guint32 n_classes)
{
  EmLearnInfo info = {
    .n_features = n_features, .rows = n_features, .cols = 1, .n_inputs = 1,
    .input_kind = EM_INPUT_TIME_SERIES, .n_classes = n_classes,
    .labels = n_classes == N_CLASSES ? labels : NULL,
  };
  return info;
}

/* --- training helpers ------------------------------------------------------ */


int
on_progress (const EmLearnProgress *p, const char *line, void *user_data)
{
  Progress *pr = user_data;

  pr->calls++;
  if (p->epoch != pr->last_epoch + 1)
    pr->ordered = FALSE;
  pr->last_epoch = p->epoch;
  pr->n_epochs = p->n_epochs;
  g_assert_true (line == NULL || strchr (line, '\n') == NULL);
  return pr->cancel_at > 0 && p->epoch >= pr->cancel_at;
}


int
train (const char *id, const char *const *kv, const EmLearnInfo *info, const EmLearnData *data,
       Progress *progress, Trained *t)
{
  EmPluginParam params[32];
  size_t n = 0;
  EmLearnCallbacks cb = { on_progress, progress };

  for (; kv != NULL && kv[2 * n] != NULL; n++)
    {
      params[n].name = kv[2 * n];
      params[n].value = kv[2 * n + 1];
    }
  progress->ordered = TRUE;
  t->err[0] = '\0';
  return ops (id)->train (params, n, info, data, &cb, &t->model, &t->len, t->report, sizeof t->report,
                          t->err, sizeof t->err);
}

void
trained_clear (const char *id, Trained *t)
{
  if (t->model != NULL)
    ops (id)->free_model (t->model);
  t->model = NULL;
}

/* Load @blob, run every window, return the outputs (n × n_outputs). */
float *
run_all (const char *id, const void *blob, size_t len, int int8, const Data *d, guint32 n_features,
         uint32_t *n_outputs)
{
  const EmLearningOps *o = ops (id);
  char err[512] = "";
  void *state = NULL;
  float *out;
  int status = o->load (blob, len, int8, &state, n_outputs, err, sizeof err);

  if (status != 0)
    g_error ("%s load (int8 %d): %s", id, int8, err);
  out = g_new (float, (gsize) d->n * *n_outputs);
  for (guint32 i = 0; i < d->n; i++)
    g_assert_cmpint (o->run (state, d->x + (gsize) i * n_features, out + (gsize) i * *n_outputs, err, sizeof err),
                     ==, 0);
  o->free (state);
  return out;
}

int
argmax (const float *p, int n)
{
  int best = 0;

  for (int i = 1; i < n; i++)
    if (p[i] > p[best])
      best = i;
  return best;
}

/* Truncated, garbled and mislabelled blobs must give an error, never a crash. */
void
check_corrupt_blobs (const char *id, const char *other_id, const guint8 *blob, size_t len)
{
  const EmLearningOps *o = ops (id);
  g_autofree guint8 *copy = g_memdup2 (blob, len);
  g_autoptr(GRand) r = g_rand_new_with_seed (7);
  char err[512];
  void *state;
  uint32_t n_outputs;

  for (size_t cut = 0; cut < len; cut++)
    {
      state = NULL;
      err[0] = '\0';
      g_assert_cmpint (o->load (blob, cut, 0, &state, &n_outputs, err, sizeof err), <, 0);
      g_assert_null (state);
      g_assert_cmpstr (err, !=, "");
    }
  g_assert_cmpint (o->load (NULL, 0, 0, &state, &n_outputs, err, sizeof err), <, 0);

  /* Header fields: magic, version, kind. */
  for (size_t at = 0; at < 12; at += 4)
    {
      memcpy (copy, blob, len);
      copy[at] ^= 0x5a;
      g_assert_cmpint (o->load (copy, len, 0, &state, &n_outputs, err, sizeof err), <, 0);
      g_assert_cmpstr (err, !=, "");
    }
  /* Another block's model. */
  g_assert_cmpint (ops (other_id)->load (blob, len, 0, &state, &n_outputs, err, sizeof err), <, 0);
  g_assert_nonnull (strstr (err, id));

  /* A section shortened with its length fixed up, so the engine's own
   * loader sees a truncated model. */
  if (len > 40)
    {
      guint32 first_len;
      memcpy (copy, blob, len);
      memcpy (&first_len, copy + 28, 4);
      first_len = GUINT32_FROM_LE (first_len);
      if (first_len > 16)
        {
          g_autofree guint8 *cut = g_malloc (len);
          guint32 shorter = GUINT32_TO_LE (first_len - 9);
          size_t rest = len - (32 + first_len);

          memcpy (cut, copy, 32 + first_len - 9);
          memcpy (cut + 28, &shorter, 4);
          memcpy (cut + 32 + first_len - 9, copy + 32 + first_len, rest);
          g_assert_cmpint (o->load (cut, len - 9, 0, &state, &n_outputs, err, sizeof err), <, 0);
          g_assert_cmpstr (err, !=, "");
        }
    }

  /* Random byte flips anywhere: either a clean error or a model that runs. */
  for (int i = 0; i < 300; i++)
    {
      int int8 = i & 1;
      float features[4096] = { 0 };
      float out[256];

      memcpy (copy, blob, len);
      copy[g_rand_int_range (r, 0, (gint32) len)] ^= (guint8) g_rand_int_range (r, 1, 256);
      state = NULL;
      if (o->load (copy, len, int8, &state, &n_outputs, err, sizeof err) == 0)
        {
          g_assert_cmpuint (n_outputs, <=, G_N_ELEMENTS (out));
          o->run (state, features, out, err, sizeof err);
          o->free (state);
        }
      else
        g_assert_cmpstr (err, !=, "");
    }
}

