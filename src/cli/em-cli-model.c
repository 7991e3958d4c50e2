/* SPDX-License-Identifier: Apache-2.0 */
/* ember-cli model: bring your own model. import stores a TFLite (or ONNX)
 * model in a project as a learning block that deploys like a trained one
 * (em-model-import.h, shared with the app's page, says how); show prints
 * its layer table; profile adds what it costs on a Cortex-M4F (the flash /
 * RAM table of `deploy --report`). */
#include <stdio.h>
#include <string.h>
#include "em-cli.h"
#include "em-block-registry.h"
#include "em-codegen.h"
#include "em-codegen-build.h"
#include "em-codegen-chip.h"
#include "em-error.h"
#include "em-impulse.h"
#include "em-learn.h"
#include "em-model-cost.h"
#include "em-model-import.h"
#include "em-model-store.h"
#include "em-nn-import.h"

static gboolean
is_model_file (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  return g_str_has_suffix (lower, ".tflite") || g_str_has_suffix (lower, ".onnx");
}

static int
fail_model (const GError *error)
{
  fprintf (stderr, "ember-cli: %s\n", error->message);
  return error->domain == G_FILE_ERROR ? EM_EXIT_NOT_FOUND : EM_EXIT_BAD_INPUT;
}

/* --- the layer table ------------------------------------------------------------ */

static void
print_table (const EmNnImported *imp)
{
  g_autofree char *in = em_model_import_dims_text (imp->input, "x");
  g_autofree char *out = em_model_import_dims_text (imp->output, "x");

  printf ("%s\n", imp->producer);
  if (imp->compiled != NULL && em_nn_compiled_program (imp->compiled)->is_int8)
    printf ("input %s %s (scale %.9g, zero point %d), output %s %s (scale %.9g, zero point %d)\n", in,
            imp->input_int8 ? "int8" : "float32 quantized to int8", (double) imp->input_scale,
            imp->input_zero_point, out, imp->output_int8 ? "int8" : "float32 from int8",
            (double) imp->output_scale, imp->output_zero_point);
  else
    printf ("input %s float32, output %s float32\n", in, out);
  printf ("%3s  %-20s %-12s %10s %12s\n", "#", "op", "output", "params", "MACs");
  for (guint i = 0; i < imp->layers->len; i++)
    {
      const EmNnImportedLayer *l = &g_array_index (imp->layers, EmNnImportedLayer, i);
      g_autofree char *d = em_model_import_dims_text (l->out, "x");
      printf ("%3u  %-20s %-12s %10" G_GUINT64_FORMAT " %12" G_GUINT64_FORMAT "\n", i, l->op, d, l->params, l->macs);
    }
  printf ("total: %u layers, %" G_GUINT64_FORMAT " parameters, %" G_GUINT64_FORMAT " MACs\n", imp->layers->len,
          em_nn_imported_params (imp), em_nn_imported_macs (imp));
  if (imp->compiled != NULL)
    printf ("program: %u ops, arena %u bytes, constant data %" G_GSIZE_FORMAT " bytes\n",
            em_nn_compiled_program (imp->compiled)->n_ops, em_nn_compiled_program (imp->compiled)->arena_size,
            em_nn_compiled_weight_bytes (imp->compiled));
}

/* --- the stored model ------------------------------------------------------------ */

static int
model_import (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT FILE.tflite|FILE.onnx - store a model as a learning block");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmNnImported) imp = NULL;
  g_autofree char *block = NULL, *labels_arg = NULL, *input = NULL, *base = NULL, *summary = NULL;
  EmModelImportOptions options = { 0 };
  double frequency = 0;
  int code = 0;
  GOptionEntry entries[] = {
    { "block", 0, 0, G_OPTION_ARG_STRING, &block, "Learning block id (default byom; replaced if it exists)", "ID" },
    { "labels", 0, 0, G_OPTION_ARG_STRING, &labels_arg, "Names of the outputs, in the model's order", "A,B,..." },
    { "input", 0, 0, G_OPTION_ARG_STRING, &input, "The processing block that feeds the model (default: all)", "ID" },
    { "frequency", 0, 0, G_OPTION_ARG_DOUBLE, &frequency,
      "Without an impulse: the passthrough window's rate (default: the data's, else 16000)", "HZ" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 3)
    return em_cli_usage ("model import needs PROJECT and FILE");
  if ((imp = em_model_import_read (argv[2], &error)) == NULL)
    return fail_model (error);
  base = g_path_get_basename (argv[2]);
  options.block_id = block;
  options.labels = labels_arg;
  options.frequency_hz = frequency;
  options.input_block = input;
  if (!em_model_import_check (imp, base, &options, &error))
    return error->domain == EM_ERROR && error->code == EM_ERROR_INVALID_DATA ? fail_model (error) : em_cli_fail (error);
  if ((project = em_cli_open_project (argv[1], &code)) == NULL)
    return code;
  if ((summary = em_model_import_into_project (project, imp, base, &options, &error)) == NULL)
    return error->domain == EM_ERROR && error->code == EM_ERROR_INVALID_DATA ? fail_model (error) : em_cli_fail (error);
  printf ("%s\n", summary);
  return 0;
}

/* --- show and profile -------------------------------------------------------------- */

/* A project's stored import as an EmNnImported (layer table from the
 * report, program from the blob's QINT). (transfer full) */
static EmNnImported *
from_project (const char *path, const char *block, int *code)
{
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(EmNnImported) imp = NULL;
  JsonObject *o;
  JsonArray *layers;
  gsize len;
  const guint8 *blob;
  guint32 n_sections, at = 24;

  if ((project = em_cli_open_project (path, code)) == NULL)
    return NULL;
  if ((model = em_model_store_get (project, block != NULL ? block : "byom", TRUE, &error)) == NULL)
    {
      *code = em_cli_fail (error);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, model->report, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      (o = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "imported")) == NULL ||
      (layers = json_object_get_array_member (o, "layers")) == NULL)
    {
      fprintf (stderr, "ember-cli: block %s holds a model Ember trained, not an imported one\n", model->block_id);
      *code = EM_EXIT_BAD_INPUT;
      return NULL;
    }
  imp = em_nn_imported_new (g_strcmp0 (json_object_get_string_member_with_default (o, "format", ""), "onnx") == 0
                            ? EM_NN_IMPORT_ONNX : EM_NN_IMPORT_TFLITE);
  g_free (imp->producer);
  imp->producer = g_strdup_printf ("%s (%s)", json_object_get_string_member_with_default (o, "source", "?"),
                                   json_object_get_string_member_with_default (o, "producer", ""));
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *l = json_array_get_object_element (layers, i);
      JsonArray *d = l != NULL && json_object_has_member (l, "output") ? json_object_get_array_member (l, "output") : NULL;
      EmNnDims dims = { 1, 1, 1 };
      if (l == NULL)
        continue;
      if (d != NULL && json_array_get_length (d) == 3)
        dims = (EmNnDims) { (int) json_array_get_int_element (d, 0), (int) json_array_get_int_element (d, 1),
                            (int) json_array_get_int_element (d, 2) };
      em_nn_imported_add_layer (imp, json_object_get_string_member_with_default (l, "name", ""),
                                json_object_get_string_member_with_default (l, "op", ""), dims,
                                (guint64) json_object_get_int_member_with_default (l, "params", 0),
                                (guint64) json_object_get_int_member_with_default (l, "macs", 0));
    }
  imp->input_int8 = json_object_get_boolean_member_with_default (o, "input_int8", FALSE);
  imp->output_int8 = json_object_get_boolean_member_with_default (o, "output_int8", FALSE);
  imp->input_scale = (float) json_object_get_double_member_with_default (o, "input_scale", 0);
  imp->output_scale = (float) json_object_get_double_member_with_default (o, "output_scale", 0);
  imp->input_zero_point = (gint32) json_object_get_int_member_with_default (o, "input_zero_point", 0);
  imp->output_zero_point = (gint32) json_object_get_int_member_with_default (o, "output_zero_point", 0);
  /* The QINT section of the EMLB blob (header checked by the block when it
   * loads; here only what is read). */
  blob = g_bytes_get_data (model->blob, &len);
  n_sections = len >= 24 ? GUINT32_FROM_LE (*(const guint32 *) (const void *) (blob + 20)) : 0;
  for (guint32 s = 0; s < n_sections && at + 8 <= len; s++)
    {
      guint32 n;
      memcpy (&n, blob + at + 4, 4);
      n = GUINT32_FROM_LE (n);
      if (n > len - at - 8)
        break;
      if (memcmp (blob + at, "QINT", 4) == 0)
        {
          g_autoptr(GBytes) q = g_bytes_new (blob + at + 8, n);
          imp->compiled = em_nn_compiled_load (q, NULL);
        }
      at += 8 + n;
    }
  if (imp->compiled != NULL)
    {
      const EmNnProgram *p = em_nn_compiled_program (imp->compiled);
      const EmNnTensor *ti = &p->tensors[p->input_tensor], *to = &p->tensors[p->output_tensor];
      imp->input = (EmNnDims) { ti->h, ti->w, ti->c };
      imp->output = (EmNnDims) { to->h, to->w, to->c };
    }
  return g_steal_pointer (&imp);
}

static EmNnImported *
open_model (const char *arg, const char *block, int *code)
{
  g_autoptr(GError) error = NULL;
  EmNnImported *imp;

  if (!is_model_file (arg))
    return from_project (arg, block, code);
  if ((imp = em_model_import_read (arg, &error)) == NULL)
    *code = fail_model (error);
  return imp;
}

static void
print_json (const EmNnImported *imp, const char *source, const EmCodegenReport *report, const EmModelCost *cost)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  em_model_import_add_json (b, imp, source);
  if (report != NULL)
    {
      json_builder_set_member_name (b, "target");
      json_builder_add_string_value (b, "cortex-m4f");
      json_builder_set_member_name (b, "flash_bytes");
      json_builder_add_int_value (b, (gint64) report->flash);
      json_builder_set_member_name (b, "ram_bytes");
      json_builder_add_int_value (b, (gint64) report->ram);
      json_builder_set_member_name (b, "code_bytes");
      json_builder_add_int_value (b, (gint64) (report->flash - em_codegen_report_part_flash (report, EM_CODEGEN_PART_WEIGHTS)));
      /* instructions_estimate stays for scripts that read it: the count either way. */
      json_builder_set_member_name (b, "instructions_estimate");
      json_builder_add_int_value (b, (gint64) cost->instructions);
      json_builder_set_member_name (b, "instructions");
      json_builder_add_int_value (b, (gint64) cost->instructions);
      json_builder_set_member_name (b, "instructions_measured");
      json_builder_add_boolean_value (b, cost->measured);
      json_builder_set_member_name (b, "instructions_source");
      json_builder_add_string_value (b, cost->measured ? "measured on emulated Cortex-M4F" : "estimated");
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  em_cli_print_json (root);
}

static int
model_show (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("FILE|PROJECT - the layer table of a model");
  g_autoptr(EmNnImported) imp = NULL;
  g_autofree char *block = NULL;
  gboolean json = FALSE;
  int code = 0;
  GOptionEntry entries[] = {
    { "block", 0, 0, G_OPTION_ARG_STRING, &block, "PROJECT: the imported learning block (default byom)", "ID" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("model show needs one FILE or PROJECT");
  if ((imp = open_model (argv[1], block, &code)) == NULL)
    return code;
  if (json)
    print_json (imp, argv[1], NULL, NULL);
  else
    print_table (imp);
  return EM_EXIT_OK;
}

static int
model_profile (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("FILE|PROJECT - layer table and cost on a Cortex-M4F");
  g_autoptr(EmNnImported) imp = NULL;
  g_autoptr(EmCodegenImpulse) cg = NULL;
  g_autoptr(EmCodegenReport) report = NULL;
  g_autoptr(GPtrArray) chips = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *block = NULL, *part = NULL, *text = NULL, *line = NULL;
  const EmCodegenChip *chip = NULL;
  EmCodegenSummary summary = { 0 };
  gboolean json = FALSE;
  EmModelCost cost = { 0 };
  guint64 weights;
  int code = 0;
  GOptionEntry entries[] = {
    { "block", 0, 0, G_OPTION_ARG_STRING, &block, "PROJECT: the imported learning block (default byom)", "ID" },
    { "part", 0, 0, G_OPTION_ARG_STRING, &part, "Check that it fits this microcontroller (deploy --list-parts)", "NAME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("model profile needs one FILE or PROJECT");
  if (part != NULL && ((chips = em_codegen_chips_load (&error)) == NULL ||
                       (chip = em_codegen_chips_find (chips, part, &error)) == NULL))
    return em_cli_usage ("--part: %s", error->message);
  if ((imp = open_model (argv[1], block, &code)) == NULL)
    return code;
  if ((cg = em_model_cost_impulse (imp, &error)) == NULL ||
      (report = em_codegen_build_report (cg, &summary, &error)) == NULL)
    {
      fprintf (stderr, "ember-cli: %s\n", error->message);
      return error->domain == EM_CODEGEN_BUILD_ERROR ? EM_EXIT_FAILURE : EM_EXIT_BAD_INPUT;
    }
  if (!em_model_cost_count (imp, NULL, NULL, em_cli_cancellable (), &cost, &error))
    {
      fprintf (stderr, "ember-cli: %s\n", error->message);
      return EM_EXIT_CANCELLED;
    }
  if (!cost.measured)
    fprintf (stderr, "ember-cli: instructions not measured: %s\n", cost.why_estimated);
  weights = em_codegen_report_part_flash (report, EM_CODEGEN_PART_WEIGHTS);
  if (json)
    print_json (imp, argv[1], report, &cost);
  else
    {
      print_table (imp);
      text = em_codegen_report_to_text (report);
      printf ("\nOn a Cortex-M4F (-Os), behind a passthrough input, bytes:\n%s", text);
      printf ("flash %" G_GUINT64_FORMAT " (code %" G_GUINT64_FORMAT ", weights %" G_GUINT64_FORMAT "), RAM %"
              G_GUINT64_FORMAT " (arena %u planned, %u at least)\n", report->flash, report->flash - weights, weights,
              report->ram, summary.arena_bytes, summary.arena_min_bytes);
      g_autofree char *insns = em_model_cost_describe (&cost);
      printf ("instructions per inference: %s\n", insns);
    }
  em_model_cost_clear (&cost);
  if (chip != NULL)
    {
      if (!em_codegen_chip_check (chip, report, &line, &error))
        {
          fprintf (stderr, "ember-cli: %s\n", error->message);
          return EM_EXIT_BAD_INPUT;
        }
      if (!json)
        printf ("%s\n", line);
    }
  return EM_EXIT_OK;
}

int
em_cli_model_main (int argc, char **argv)
{
  static const EmCliCommand commands[] = {
    { "import", "store a TFLite or ONNX model in a project as a learning block", model_import },
    { "show", "print a model's layer table (a file, or a project's imported block)", model_show },
    { "profile", "layer table plus flash, RAM and instructions on a Cortex-M4F", model_profile },
    { NULL, NULL, NULL },
  };
  return em_cli_dispatch ("model", commands, argc, argv);
}
