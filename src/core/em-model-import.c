/* SPDX-License-Identifier: Apache-2.0 */
/* Bring your own model into a project (see em-model-import.h). */
#include <string.h>
#include "em-block-registry.h"
#include "em-error.h"
#include "em-impulse.h"
#include "em-learn.h"
#include "em-model-import.h"
#include "em-model-store.h"

EmNnImported *
em_model_import_read (const char *path, GError **error)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *data = NULL;
  gsize len = 0;
  EmNnImported *imp = NULL;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  switch (em_nn_import_detect ((const guint8 *) data, len, path))
    {
    case EM_NN_IMPORT_TFLITE:
      imp = em_nn_import_tflite ((const guint8 *) data, len, error);
      break;
    case EM_NN_IMPORT_ONNX:
      imp = em_nn_import_onnx ((const guint8 *) data, len, error);
      break;
    default:
      g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL,
                   "not a TensorFlow Lite model (no \"TFL3\" identifier) nor a .onnx file");
      break;
    }
  if (imp == NULL)
    g_prefix_error (error, "%s: ", base);
  return imp;
}

static void
add_dims (JsonBuilder *b, const char *name, EmNnDims d)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  json_builder_add_int_value (b, d.h);
  json_builder_add_int_value (b, d.w);
  json_builder_add_int_value (b, d.c);
  json_builder_end_array (b);
}

/* The model as JSON: what show --json prints and import keeps in the
 * model's report. */
void
em_model_import_add_json (JsonBuilder *b, const EmNnImported *imp, const char *source)
{
  json_builder_set_member_name (b, "source");
  json_builder_add_string_value (b, source);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, imp->format == EM_NN_IMPORT_TFLITE ? "tflite" : "onnx");
  json_builder_set_member_name (b, "producer");
  json_builder_add_string_value (b, imp->producer);
  add_dims (b, "input_shape", imp->input);
  add_dims (b, "output_shape", imp->output);
  json_builder_set_member_name (b, "input_int8");
  json_builder_add_boolean_value (b, imp->input_int8);
  json_builder_set_member_name (b, "output_int8");
  json_builder_add_boolean_value (b, imp->output_int8);
  if (imp->compiled != NULL && em_nn_compiled_program (imp->compiled)->is_int8)
    {
      json_builder_set_member_name (b, "input_scale");
      json_builder_add_double_value (b, imp->input_scale);
      json_builder_set_member_name (b, "input_zero_point");
      json_builder_add_int_value (b, imp->input_zero_point);
      json_builder_set_member_name (b, "output_scale");
      json_builder_add_double_value (b, imp->output_scale);
      json_builder_set_member_name (b, "output_zero_point");
      json_builder_add_int_value (b, imp->output_zero_point);
    }
  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (guint i = 0; i < imp->layers->len; i++)
    {
      const EmNnImportedLayer *l = &g_array_index (imp->layers, EmNnImportedLayer, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, l->name);
      json_builder_set_member_name (b, "op");
      json_builder_add_string_value (b, l->op);
      add_dims (b, "output", l->out);
      json_builder_set_member_name (b, "params");
      json_builder_add_int_value (b, (gint64) l->params);
      json_builder_set_member_name (b, "macs");
      json_builder_add_int_value (b, (gint64) l->macs);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "params");
  json_builder_add_int_value (b, (gint64) em_nn_imported_params (imp));
  json_builder_set_member_name (b, "macs");
  json_builder_add_int_value (b, (gint64) em_nn_imported_macs (imp));
  if (imp->compiled != NULL)
    {
      json_builder_set_member_name (b, "arena_bytes");
      json_builder_add_int_value (b, em_nn_compiled_program (imp->compiled)->arena_size);
      json_builder_set_member_name (b, "weight_bytes");
      json_builder_add_int_value (b, (gint64) em_nn_compiled_weight_bytes (imp->compiled));
    }
}

static void
put_u32 (GByteArray *b, guint32 v)
{
  guint8 le[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  g_byte_array_append (b, le, 4);
}

static void
put_section (GByteArray *b, const char *tag, GBytes *payload)
{
  gsize len;
  gconstpointer data = g_bytes_get_data (payload, &len);

  g_byte_array_append (b, (const guint8 *) tag, 4);
  put_u32 (b, (guint32) len);
  g_byte_array_append (b, data, (guint) len);
}

/* The EMLB blob of Ember's classification block: header, then sections. */
static GBytes *
make_blob (guint32 n_features, guint32 n_outputs, GBytes *modl, GBytes *qint, GStrv labels)
{
  GByteArray *b = g_byte_array_new ();
  g_autoptr(GByteArray) text = g_byte_array_new ();
  g_autoptr(GBytes) labl = NULL;

  g_byte_array_append (b, (const guint8 *) "EMLB", 4);
  put_u32 (b, 1);                 /* version */
  put_u32 (b, 1);                 /* EM_LEARN_CLASSIFICATION */
  put_u32 (b, n_features);
  put_u32 (b, n_outputs);
  put_u32 (b, (modl != NULL) + (qint != NULL) + 1);
  for (guint i = 0; labels[i] != NULL; i++)
    g_byte_array_append (text, (const guint8 *) labels[i], (guint) strlen (labels[i]) + 1);
  labl = g_bytes_new (text->data, text->len);
  if (modl != NULL)
    put_section (b, "MODL", modl);
  if (qint != NULL)
    put_section (b, "QINT", qint);
  put_section (b, "LABL", labl);
  return g_byte_array_free_to_bytes (b);
}

/* A passthrough impulse: a one-axis window of @n frames, raw values. */
static EmImpulse *
passthrough_impulse (EmProject *project, guint32 n, double frequency)
{
  EmImpulse *impulse = em_impulse_new ();
  g_autoptr(GError) ignored = NULL;

  if (frequency <= 0 && em_input_config_guess (&impulse->input, project, &ignored) && !impulse->input.is_image)
    frequency = impulse->input.frequency_hz;
  if (frequency <= 0)
    frequency = 16000;
  impulse->input.is_image = FALSE;
  impulse->input.frequency_hz = frequency;
  impulse->input.window_size_ms = n * 1000.0 / frequency;
  impulse->input.window_increase_ms = impulse->input.window_size_ms;
  impulse->input.zero_pad = TRUE;
  em_impulse_add_block (impulse, "raw", "raw");
  return impulse;
}

static GStrv
make_labels (const char *given, guint32 n, GError **error)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  int digits = n > 1 ? (int) g_snprintf (NULL, 0, "%u", n - 1) : 1;
  g_auto(GStrv) split = NULL;

  if (given == NULL)
    {
      for (guint32 i = 0; i < n; i++)
        {
          g_autofree char *name = g_strdup_printf ("output_%0*u", digits, i);
          g_strv_builder_add (b, name);
        }
      return g_strv_builder_end (b);
    }
  split = g_strsplit (given, ",", -1);
  if (g_strv_length (split) != n)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "--labels: %u labels for a model with %u outputs",
                   g_strv_length (split), n);
      return NULL;
    }
  return g_steal_pointer (&split);
}

/* A float model (ONNX, float32 TFLite): quantize on the project's
 * training features when it has some; NULL (float only, with the reason in
 * @note) otherwise. */
static GBytes *
quantize_float (EmProject *project, EmImpulse *impulse, EmImpulseLearnBlock *lb, const EmNnModel *model,
                GString *note)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmLearnSet) set = NULL;
  g_autoptr(EmNnCompiled) q = NULL;

  set = em_learn_gather (project, impulse, em_block_registry_get_default (), lb, EM_CATEGORY_TRAINING, NULL, NULL,
                         NULL, NULL, &error);
  if (set != NULL)
    q = em_nn_compile_int8 (model, set->x, (int) MIN (set->n, 500u), &error);
  if (q == NULL)
    {
      g_string_append_printf (note, "No int8 version (deploy with --float): %s\n", error->message);
      return NULL;
    }
  return em_nn_compiled_save (q);
}

gboolean
em_model_import_check (const EmNnImported *imp, const char *source, const EmModelImportOptions *options,
                       GError **error)
{
  g_auto(GStrv) labels = NULL;

  /* A float TFLite program is imported through its float network; one
   * that has none can be shown and profiled, and says why not more. */
  if (imp->compiled != NULL && !em_nn_compiled_program (imp->compiled)->is_int8 && imp->model == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: cannot import this float32 model: %s", source,
                   imp->no_model_reason != NULL ? imp->no_model_reason : "no float network");
      return FALSE;
    }
  labels = make_labels (options != NULL ? options->labels : NULL, (guint32) em_nn_dims_size (imp->output), error);
  return labels != NULL;
}

char *
em_model_import_into_project (EmProject *project, const EmNnImported *imp, const char *source,
                              const EmModelImportOptions *options, GError **error)
{
  EmModelImportOptions defaults = { 0 };
  const EmModelImportOptions *o = options != NULL ? options : &defaults;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autoptr(GBytes) modl = NULL, qint = NULL;
  g_autoptr(JsonBuilder) jb = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autofree char *report = NULL;
  g_auto(GStrv) labels = NULL;
  g_auto(GStrv) inputs = NULL;
  g_autoptr(GStrvBuilder) ib = g_strv_builder_new ();
  g_autoptr(GError) local = NULL;
  const char *block = o->block_id != NULL ? o->block_id : "byom";
  EmImpulseLearnBlock *lb;
  EmModel model = { 0 };
  gboolean ok;
  guint32 n_in, n_out;

  if (!em_model_import_check (imp, source, o, error))
    return NULL;
  n_in = (guint32) em_nn_dims_size (imp->input);
  n_out = (guint32) em_nn_dims_size (imp->output);
  if ((labels = make_labels (o->labels, n_out, error)) == NULL)
    return NULL;
  impulse = em_impulse_load (project, &local);
  if (impulse == NULL && g_error_matches (local, EM_ERROR, EM_ERROR_NOT_FOUND))
    {
      g_clear_error (&local);
      impulse = passthrough_impulse (project, n_in, o->frequency_hz);
      g_string_append_printf (summary, "Created a passthrough impulse: raw window of %u values at %g Hz\n", n_in,
                              impulse->input.frequency_hz);
    }
  if (impulse == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (em_impulse_find_learn_block (impulse, block) != NULL)
    em_impulse_remove_learn_block (impulse, block);
  else if (em_impulse_has_id (impulse, block))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "--block %s is a processing block of the impulse",
                   block);
      return NULL;
    }
  for (guint i = 0; i < impulse->blocks->len; i++)
    {
      const char *id = ((EmImpulseBlock *) g_ptr_array_index (impulse->blocks, i))->id;
      if (o->input_block == NULL || g_strcmp0 (o->input_block, id) == 0)
        g_strv_builder_add (ib, id);
    }
  inputs = g_strv_builder_end (ib);
  if (inputs[0] == NULL)
    {
      if (o->input_block != NULL)
        g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                     "the impulse has no processing block '%s' to feed the model", o->input_block);
      else
        g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                             "the impulse has no processing block to feed the model");
      return NULL;
    }
  lb = em_impulse_add_learn_block (impulse, block, "classification", (const char * const *) inputs);
  lb->x = 300.0 * (impulse->blocks->len + 1);

  if (imp->model != NULL)
    {
      modl = em_nn_model_save (imp->model);
      qint = quantize_float (project, impulse, lb, imp->model, summary);
    }
  else
    qint = em_nn_compiled_save (imp->compiled);

  json_builder_begin_object (jb);
  json_builder_set_member_name (jb, "imported");
  json_builder_begin_object (jb);
  em_model_import_add_json (jb, imp, source);
  json_builder_end_object (jb);
  json_builder_end_object (jb);
  root = json_builder_get_root (jb);
  json_generator_set_root (gen, root);
  report = json_generator_to_data (gen, NULL);

  model.block_id = (char *) block;
  model.plugin = (char *) "classification";
  model.labels = labels;
  model.report = report;
  model.created = g_get_real_time ();
  model.blob = make_blob (n_in, n_out, modl, qint, labels);
  ok = em_impulse_save (project, impulse, error) &&
       (model.params_key = em_learn_params_key (impulse, lb, em_block_registry_get_default (), error)) != NULL &&
       em_model_store_put (project, &model, error);
  g_bytes_unref (model.blob);
  g_free (model.params_key);
  if (!ok)
    return NULL;
  g_string_append_printf (summary, "Imported %s as learning block '%s': %u inputs, %u outputs, %s", source, block,
                          n_in, n_out,
                          qint != NULL ? (modl != NULL ? "float + int8 (quantized by Ember)"
                                                       : "int8 (the model's own quantization)")
                                       : "float");
  return g_string_free (g_steal_pointer (&summary), FALSE);
}

char *
em_model_import_dims_text (EmNnDims dims, const char *times)
{
  if (dims.h == 1 && dims.w == 1)
    return g_strdup_printf ("%d", dims.c);
  if (dims.h == 1)
    return g_strdup_printf ("%d%s%d", dims.w, times, dims.c);
  return g_strdup_printf ("%d%s%d%s%d", dims.h, times, dims.w, times, dims.c);
}
