/* SPDX-License-Identifier: Apache-2.0 */
/* Object detection (FOMO-style): loading a trained blob, running it (logits
 * → per-cell softmax → objects) and exporting the program for codegen. */
#include <math.h>
#include <stdio.h>
#include "em-fomo-private.h"

typedef struct {
  EmNnCompiled      *compiled;
  EmNnFomoPostParams post;
  float             *logits;    /* grid cells × (C + 1) */
  gint32            *scratch;
  size_t             scratch_bytes;
  EmNnFomoObject     objects[EM_LEARN_MAX_OBJECTS];
} FomoState;

int
em_fomo_objects (const EmNnFomoPostParams *post, float *logits, EmNnFomoObject *out, int capacity, void *scratch,
                 size_t scratch_bytes)
{
  em_nn_fomo_softmax_f32 (logits, post->grid_w * post->grid_h, post->n_classes + 1, logits);
  return em_nn_fomo_objects_f32 (post, logits, out, capacity, scratch, scratch_bytes);
}

char *
em_fomo_post_to_text (const EmNnFomoPostParams *post)
{
  char threshold[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (threshold, sizeof threshold, post->threshold);
  return g_strdup_printf ("%d %d %d %d %d %s %d", post->input_w, post->input_h, post->grid_w, post->grid_h,
                          post->n_classes, threshold, post->connectivity);
}

gboolean
em_fomo_post_from_text (const char *text, gsize len, EmNnFomoPostParams *post)
{
  g_autofree char *copy = g_strndup (text, len);
  g_auto(GStrv) parts = g_strsplit (copy, " ", -1);
  gint64 v[7];
  char *end;

  if (g_strv_length (parts) != 7)
    return FALSE;
  for (int i = 0; i < 7; i++)
    {
      if (i == 5)
        continue;
      v[i] = g_ascii_strtoll (parts[i], &end, 10);
      if (*end != '\0' || v[i] < 1 || v[i] > 65535)
        return FALSE;
    }
  post->threshold = (float) g_ascii_strtod (parts[5], &end);
  if (*end != '\0' || !(post->threshold > 0 && post->threshold <= 1) || (v[6] != 4 && v[6] != 8) ||
      v[2] > v[0] || v[3] > v[1])
    return FALSE;
  post->input_w = (int32_t) v[0];
  post->input_h = (int32_t) v[1];
  post->grid_w = (int32_t) v[2];
  post->grid_h = (int32_t) v[3];
  post->n_classes = (int32_t) v[4];
  post->connectivity = (int32_t) v[6];
  return TRUE;
}

/* The float or int8 program of a blob, checked against its header. */
static EmNnCompiled *
load_program (const EmLearnBlob *blob, int int8, EmNnFomoPostParams *post, GError **error)
{
  g_autoptr(GBytes) bytes = NULL, fomo = NULL;
  g_autoptr(EmNnCompiled) compiled = NULL;
  const EmNnProgram *p;
  gsize len = 0;
  const char *text;

  fomo = em_learn_blob_section (blob, "FOMO");
  if (fomo == NULL || (text = g_bytes_get_data (fomo, &len)) == NULL || !em_fomo_post_from_text (text, len, post))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the trained model is corrupt (its post-processing parameters are missing or invalid)");
      return NULL;
    }
  if (int8)
    {
      bytes = em_learn_blob_section (blob, "QINT");
      if (bytes == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "this model was trained without int8 quantization (quantize = false)");
          return NULL;
        }
      compiled = em_nn_compiled_load (bytes, error);
    }
  else
    {
      g_autoptr(EmNnModel) net = NULL;

      bytes = em_learn_blob_section (blob, "MODL");
      if (bytes == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the trained model has no float model in it");
          return NULL;
        }
      net = em_nn_model_load (bytes, error);
      if (net != NULL)
        compiled = em_nn_compile_float (net, error);
    }
  if (compiled == NULL)
    return NULL;
  p = em_nn_compiled_program (compiled);
  if (p == NULL || p->input_tensor < 0 || p->output_tensor < 0 || (guint32) p->input_tensor >= p->n_tensors ||
      (guint32) p->output_tensor >= p->n_tensors || p->tensors[p->input_tensor].size != blob->n_features ||
      p->tensors[p->output_tensor].size != (guint64) post->grid_w * post->grid_h * (post->n_classes + 1) ||
      blob->n_outputs != 1 + EM_LEARN_MAX_OBJECTS * EM_LEARN_OBJECT_FLOATS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the trained model is corrupt (its network does not match its header)");
      return NULL;
    }
  return g_steal_pointer (&compiled);
}

int
em_fomo_load (const void *model, size_t model_len, int int8, void **state, uint32_t *n_outputs, char *err,
              size_t err_len)
{
  g_autoptr(GError) error = NULL;
  EmLearnBlob blob;
  EmNnFomoPostParams post;
  EmNnCompiled *compiled;
  FomoState *s;

  *state = NULL;
  if (!em_learn_blob_parse (model, model_len, EM_LEARN_OBJECT_DETECTION, &blob, &error) ||
      (compiled = load_program (&blob, int8, &post, &error)) == NULL)
    return em_learn_fail_error (err, err_len, EM_FOMO_BLOCK, error);
  s = g_new0 (FomoState, 1);
  s->compiled = compiled;
  s->post = post;
  s->logits = g_new (float, (gsize) post.grid_w * post.grid_h * (post.n_classes + 1));
  s->scratch_bytes = em_nn_fomo_scratch_bytes (post.grid_w, post.grid_h);
  s->scratch = g_new (gint32, s->scratch_bytes / sizeof (gint32) + 1);
  *n_outputs = blob.n_outputs;
  *state = s;
  return 0;
}

int
em_fomo_run (void *state, const float *features, float *out, char *err, size_t err_len)
{
  FomoState *s = state;
  int found;

  if (s == NULL || features == NULL || out == NULL)
    return em_learn_fail (err, err_len, EM_FOMO_BLOCK, "run() needs a loaded model, features and an output");
  em_nn_compiled_run (s->compiled, features, s->logits);
  found = em_fomo_objects (&s->post, s->logits, s->objects, EM_LEARN_MAX_OBJECTS, s->scratch, s->scratch_bytes);
  if (found < 0)
    return em_learn_fail (err, err_len, EM_FOMO_BLOCK, "post-processing the cells failed");
  found = MIN (found, EM_LEARN_MAX_OBJECTS);
  memset (out, 0, (1 + EM_LEARN_MAX_OBJECTS * EM_LEARN_OBJECT_FLOATS) * sizeof (float));
  out[0] = (float) found;
  for (int i = 0; i < found; i++)
    {
      const EmNnFomoObject *o = &s->objects[i];
      float *dst = out + 1 + i * EM_LEARN_OBJECT_FLOATS;

      dst[0] = (float) o->label;
      dst[1] = o->x;
      dst[2] = o->y;
      dst[3] = o->w;
      dst[4] = o->h;
      dst[5] = o->cx;
      dst[6] = o->cy;
      dst[7] = o->score;
    }
  return 0;
}

void
em_fomo_free (void *state)
{
  FomoState *s = state;

  if (s == NULL)
    return;
  em_nn_compiled_free (s->compiled);
  g_free (s->logits);
  g_free (s->scratch);
  g_free (s);
}

/* The program load() runs, as "emnq"; it ends at the per-cell logits (see
 * em-fomo-private.h), so a device applies the per-cell softmax and
 * em_nn_fomo_objects_f32 after it. */
int
em_fomo_export (const void *model, size_t model_len, int int8, const char **format, void **out, size_t *out_len,
                char *err, size_t err_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnCompiled) compiled = NULL;
  g_autoptr(GBytes) saved = NULL;
  EmNnFomoPostParams post;
  EmLearnBlob blob;
  gconstpointer data;
  gsize len;

  *out = NULL;
  *out_len = 0;
  *format = "emnq";
  if (!em_learn_blob_parse (model, model_len, EM_LEARN_OBJECT_DETECTION, &blob, &error) ||
      (compiled = load_program (&blob, int8, &post, &error)) == NULL)
    return em_learn_fail_error (err, err_len, EM_FOMO_BLOCK, error);
  saved = em_nn_compiled_save (compiled);
  data = g_bytes_get_data (saved, &len);
  *out = malloc (len > 0 ? len : 1);
  if (*out == NULL)
    return em_learn_fail (err, err_len, EM_FOMO_BLOCK, "out of memory");
  memcpy (*out, data, len);
  *out_len = len;
  return 0;
}
