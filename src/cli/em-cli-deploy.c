/* SPDX-License-Identifier: Apache-2.0 */
/* ember-cli deploy: a trained impulse as code for a device (codegen/).
 *
 * This file gathers what codegen needs from the project without naming any
 * block: each processing block describes its device code through its
 * plugin's device_code op, the learning block exports its model through
 * export_model. --test-vectors writes Ember's own per-window results on the
 * testing set (raw window, features, outputs) so the generated code can be
 * checked against them. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "em-block-registry.h"
#include "em-cli.h"
#include "em-deploy-gather.h"
#include "em-codegen.h"
#include "em-codegen-build.h"
#include "em-codegen-chip.h"
#include "em-codegen-detect.h"
#include "em-codegen-report.h"
#include "em-deploy-measure.h"
#include "targets/wasm/em-codegen-wasm.h"
#include "em-error.h"
#include "em-learn.h"
#include "em-model-store.h"
#include "em-windower.h"

static const char deploy_help[] =
  "Generates code that runs the impulse on a device: the DSP blocks, the\n"
  "trained model (int8 by default, --float for the float one) as constant\n"
  "arrays with straight-line kernel calls over one static arena, and build\n"
  "files. The input block (cutting windows) is the device's job: the library\n"
  "takes one raw window at a time.\n"
  "\n"
  "By default the first learning block is deployed, with an anomaly block on\n"
  "the same features when the impulse has a trained one; --block picks one.\n"
  "\n"
  "--target linux writes the library plus runner.c, a program that classifies\n"
  "window files or stdin and answers JSON lines over stdio (runner --jsonl);\n"
  "--build compiles DIR/runner with cc.\n"
  "\n"
  "--target wasm writes the library plus wasm/: em_wasm.c (the exported API),\n"
  "build.sh (emcc), ember-classifier.js (classify / classifyWindow in node\n"
  "and browsers) and index.html (classifies a CSV or WAV file, or the\n"
  "microphone); --build runs wasm/build.sh: ember-impulse.js + .wasm (needs\n"
  "the Debian package emscripten).\n"
  "\n"
  "--target arduino writes an Arduino library: library.properties, src/ (the\n"
  "library, flat) and examples/ember_classify/, a sketch that classifies a\n"
  "window of the project's data and prints the scores over Serial.\n"
  "\n"
  "--board NAME builds Ember firmware for a board instead, and --flash\n"
  "flashes it: see 'ember-cli deploy PROJECT --board NAME --help'.\n"
  "\n"
  "--report (no -o) builds the library for a Cortex-M4F (--target cortex-m4f,\n"
  "the default; needs gcc-arm-none-eabi and libnewlib-arm-none-eabi) in a\n"
  "temporary folder with a minimal firmware and prints flash (text + rodata +\n"
  "data) and RAM (data + bss + arena) by part — DSP, NN, weights, runtime —\n"
  "from the linker map; --json prints them as one JSON object. It also\n"
  "counts the instructions one window takes, DSP and NN, running it on an\n"
  "emulated Cortex-M4F (qemu-system-arm with Ember's counting plugin; the\n"
  "first testing sample's first window, else zeros); without QEMU the sizes\n"
  "are still printed and the count is reported as not measured.\n"
  "\n"
  "--part NAME (see --list-parts) checks that build against a real part: with\n"
  "--report, or before writing -o DIR, an impulse whose flash (text + rodata\n"
  "+ data) or RAM (data + bss + arena + a 2 kB stack reserve) exceeds the\n"
  "part's is refused with one line naming what overflows and by how much\n"
  "(the sizes are the Cortex-M4F build's; code for other cores differs).\n"
  "\n"
  "--test-vectors FILE writes, for every window of the testing set, one JSON\n"
  "line {sample, window, label, window_values, features, outputs[, anomaly]}\n"
  "with Ember's own results for the variant deployed (floats as %.9g).\n"
  "\n"
  "Exit status: 0 written; 1 writing failed; 2 bad command line or unknown\n"
  "target; 3 a block cannot run on a device, the model is out of date, or\n"
  "the folder is not empty (use --force); 4 the project cannot be opened;\n"
  "5 no impulse, no such block, or the block has no trained model.";

/* --- gathering (em-deploy-gather.h) ------------------------------------------ */

/* A learning block and its model, as the test vectors run them. */
typedef struct {
  EmImpulseLearnBlock *lb;
  EmBlock             *block;
  EmModel             *model;
} Learner;

typedef struct {
  EmDeployGather   *gather;
  EmCodegenImpulse *cg;         /* (transfer none): the gather's */
  Learner           primary, anomaly;
  gboolean          has_anomaly;
  EmSample         *template;   /* (transfer none): the gather's */
} Deploy;

static void
deploy_clear (Deploy *d)
{
  g_clear_pointer (&d->gather, em_deploy_gather_free);
  memset (d, 0, sizeof *d);
}

static gboolean
gather (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry, const char *block_id, gboolean int8,
        float threshold, Deploy *d, GError **error)
{
  EmDeployGather *g = em_deploy_gather (project, impulse, registry, block_id, int8, threshold, error);

  if (g == NULL)
    return FALSE;
  d->gather = g;
  d->cg = g->cg;
  d->template = g->template;
  d->primary = (Learner) { g->learn_block, g->learn_plugin, g->model };
  d->has_anomaly = g->anomaly_block != NULL;
  d->anomaly = (Learner) { g->anomaly_block, g->anomaly_plugin, g->anomaly_model };
  return TRUE;
}

/* --- test vectors ---------------------------------------------------------------- */

static void
print_floats (FILE *f, const char *name, const float *v, gsize n)
{
  fprintf (f, ", \"%s\": [", name);
  for (gsize i = 0; i < n; i++)
    fprintf (f, i > 0 ? ", %.9g" : "%.9g", (double) v[i]);
  fputc (']', f);
}

static gboolean
load_runner (Learner *l, gboolean int8, void **state, uint32_t *n_out, GError **error)
{
  const EmLearningOps *ops = em_block_get_learning_ops (l->block);
  char err[512] = "";
  gsize len;
  gconstpointer blob = g_bytes_get_data (l->model->blob, &len);

  if (ops->load (blob, len, int8, state, n_out, err, sizeof err) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "block %s: %s", l->lb->id, err);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_test_vectors (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry, Deploy *d,
                    const char *path, guint *n_written, GError **error)
{
  g_autoptr(EmLearnSet) set = NULL;
  g_autoptr(EmWindower) windower = NULL;
  g_autoptr(EmSample) sample = NULL;
  g_autofree float *out = NULL;
  const EmLearningOps *ops = em_block_get_learning_ops (d->primary.block);
  const EmLearningOps *aops = d->has_anomaly ? em_block_get_learning_ops (d->anomaly.block) : NULL;
  void *state = NULL, *astate = NULL;
  uint32_t n_out = 0, n_aout = 0;
  gboolean ok = FALSE;
  char err[512] = "";
  FILE *f = NULL;

  set = em_learn_gather (project, impulse, registry, d->primary.lb, EM_CATEGORY_TESTING,
                         (const char * const *) d->primary.model->labels, NULL, NULL, em_cli_cancellable (), error);
  if (set == NULL)
    return FALSE;
  if ((windower = em_windower_new (&impulse->input, d->cg->axes, d->template, error)) == NULL)
    return FALSE;
  if (!load_runner (&d->primary, d->cg->int8, &state, &n_out, error))
    return FALSE;
  if (aops != NULL && !load_runner (&d->anomaly, FALSE, &astate, &n_aout, error))
    {
      ops->free (state);
      return FALSE;
    }
  out = g_new0 (float, MAX (n_out, 1));
  if ((f = fopen (path, "w")) == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: %s", path, g_strerror (errno));
      goto done;
    }
  for (guint i = 0; i < set->n; i++)
    {
      const float *x = set->x + (gsize) i * set->info.n_features;
      const EmSignal *signal;
      guint n_windows = 0;
      float score = 0;

      if (sample == NULL || em_sample_get_id (sample) != set->sample_ids[i])
        {
          g_clear_object (&sample);
          if ((sample = em_project_get_sample (project, set->sample_ids[i], TRUE, error)) == NULL ||
              !em_windower_set_sample (windower, sample, &n_windows, error))
            goto done;
        }
      signal = em_windower_get (windower, set->windows[i]);
      if (signal == NULL || ops->run (state, x, out, err, sizeof err) != 0 ||
          (astate != NULL && aops->run (astate, x, &score, err, sizeof err) != 0))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "window %u of sample %" G_GINT64_FORMAT ": %s",
                       set->windows[i], set->sample_ids[i], *err != '\0' ? err : "no such window");
          goto done;
        }
      fprintf (f, "{\"sample\": %" G_GINT64_FORMAT ", \"window\": %u, \"label\": ", set->sample_ids[i],
               set->windows[i]);
      {
        g_autoptr(JsonNode) label = json_node_new (JSON_NODE_VALUE);
        g_autofree char *text = NULL;
        json_node_set_string (label, g_ptr_array_index (set->sample_labels, set->label_index[i]));
        text = json_to_string (label, FALSE);
        fputs (text, f);
      }
      print_floats (f, "window_values", signal->data,
                    signal->info.input_kind == EM_INPUT_IMAGE
                      ? (gsize) signal->info.width * signal->info.height * 3
                      : (gsize) signal->info.n_frames * signal->info.n_axes);
      print_floats (f, "features", x, set->info.n_features);
      print_floats (f, "outputs", out, n_out);
      if (astate != NULL)
        fprintf (f, ", \"anomaly\": %.9g", (double) score);
      fputs ("}\n", f);
    }
  *n_written = set->n;
  ok = TRUE;

done:
  if (f != NULL && fclose (f) != 0 && ok)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: %s", path, g_strerror (errno));
      ok = FALSE;
    }
  ops->free (state);
  if (astate != NULL)
    aops->free (astate);
  return ok;
}

static int
codegen_exit_code (const GError *error)
{
  if (error->domain != EM_CODEGEN_ERROR)
    return em_cli_exit_code_for (error);
  switch ((EmCodegenError) error->code)
    {
    case EM_CODEGEN_ERROR_UNKNOWN_TARGET:
      return EM_EXIT_USAGE;
    case EM_CODEGEN_ERROR_EXISTS:
    case EM_CODEGEN_ERROR_INVALID:
      return EM_EXIT_BAD_INPUT;
    case EM_CODEGEN_ERROR_IO:
    default:
      return EM_EXIT_FAILURE;
    }
}

/* --- --report and --build (codegen/em-codegen-build.c does the building) --------------- */

/* --part: one line on stdout when it fits (unless @quiet: --json), else
 * one on stderr and exit 3. */
static int
check_part (const EmCodegenChip *chip, const EmCodegenReport *report, gboolean quiet)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  if (chip == NULL)
    return EM_EXIT_OK;
  if (!em_codegen_chip_check (chip, report, &line, &error))
    {
      fprintf (stderr, "ember-cli: %s\n", error->message);
      return EM_EXIT_BAD_INPUT;
    }
  if (!quiet)
    printf ("%s\n", line);
  return EM_EXIT_OK;
}

static void
on_measure_progress (double fraction, const char *what, gpointer user_data)
{
  /* For people at a terminal; scripts read stderr for the one error line. */
  if (what != NULL && isatty (STDERR_FILENO))
    fprintf (stderr, "measuring instructions: %s\n", what);
}

/* The "instructions" member of --report --json. */
static char *
measure_json (const EmDeployMeasure *m, const GError *error)
{
  if (error != NULL)
    {
      g_autoptr(JsonNode) why = json_node_new (JSON_NODE_VALUE);
      g_autofree char *text = NULL;

      json_node_set_string (why, error->message);
      text = json_to_string (why, FALSE);
      return g_strdup_printf ("\"instructions\":null,\"instructions_error\":%s", text);
    }
  return g_strdup_printf ("\"instructions\":{\"dsp\":%" G_GUINT64_FORMAT ",\"nn\":%" G_GUINT64_FORMAT
                          ",\"total\":%" G_GUINT64_FORMAT ",\"measured_on\":\"emulated cortex-m4f\","
                          "\"testing_sample\":%" G_GINT64_FORMAT "}",
                          m->insns.dsp, m->insns.nn, m->insns.total, m->sample_id);
}

static int
deploy_report (EmProject *project, EmImpulse *impulse, Deploy *d, const char *target, gboolean json,
               const EmCodegenChip *chip)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) measure_error = NULL;
  g_autoptr(EmCodegenReport) report = NULL;
  g_autofree char *insns_json = NULL;
  EmCodegenSummary summary = { 0 };
  EmDeployMeasure measure = { { 0 }, 0 };
  guint64 weights, dsp_tables;

  if (target != NULL && strcmp (target, "cortex-m4f") != 0)
    return em_cli_usage ("--report knows the target cortex-m4f, not '%s'", target);
  /* One build gives both the sizes and the count; without QEMU (or when the
   * measuring build fails) the sizes come from the plain report build. */
  if (!em_deploy_measure_build (project, impulse, d->gather, on_measure_progress, NULL, em_cli_cancellable (),
                                &measure, &summary, &report, &measure_error))
    {
      if (g_error_matches (measure_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          fprintf (stderr, "ember-cli: cancelled\n");
          return EM_EXIT_CANCELLED;
        }
      if (report == NULL && (report = em_codegen_build_report (d->cg, &summary, &error)) == NULL)
        {
          fprintf (stderr, "ember-cli: %s\n", error->message);
          return error->domain == EM_CODEGEN_ERROR ? codegen_exit_code (error) : EM_EXIT_FAILURE;
        }
      /* Said on stdout (text and JSON): stderr stays the one line --part may print. */
    }
  insns_json = measure_json (&measure, measure_error);
  weights = em_codegen_report_part_flash (report, EM_CODEGEN_PART_WEIGHTS);
  dsp_tables = report->parts[EM_CODEGEN_PART_DSP].rodata;
  if (json)
    {
      g_autofree char *j = em_codegen_report_to_json (report);
      gsize n = strlen (j);

      /* The report's object, with what generation planned added to it. */
      j[n - 1] = '\0';
      printf ("%s,\"target\":\"cortex-m4f\",\"block\":\"%s\",\"int8\":%s,\"arena_bytes\":%u,"
              "\"arena_min_bytes\":%u,\"dsp_scratch_bytes\":%" G_GUINT64_FORMAT ",\"weight_bytes\":%" G_GUINT64_FORMAT
              ",\"code_overhead\":%" G_GUINT64_FORMAT ",%s}\n",
              j, d->cg->learn_id, d->cg->int8 ? "true" : "false", summary.arena_bytes, summary.arena_min_bytes,
              summary.dsp_scratch_bytes, summary.weight_bytes, report->flash - weights - dsp_tables, insns_json);
    }
  else
    {
      g_autofree char *text = em_codegen_report_to_text (report);

      printf ("Block %s (%s, %s model) on a Cortex-M4F (arm-none-eabi-gcc -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 "
              "-mfloat-abi=hard -Os), bytes:\n%s", d->cg->learn_id, d->cg->learn_plugin,
              d->cg->int8 ? "int8" : "float", text);
      printf ("arena: %u bytes planned, %u at least (the most bytes live at one op)", summary.arena_bytes,
              summary.arena_min_bytes);
      if (summary.arena_min_bytes > 0)
        printf (", %.2fx", (double) summary.arena_bytes / summary.arena_min_bytes);
      printf ("\ncode overhead (flash - weights - DSP tables): %" G_GUINT64_FORMAT " bytes\n",
              report->flash - weights - dsp_tables);
      if (measure_error == NULL)
        printf ("instructions per window: DSP %" G_GUINT64_FORMAT ", NN %" G_GUINT64_FORMAT " (total %"
                G_GUINT64_FORMAT "), measured on the emulated Cortex-M4F (%s)\n", measure.insns.dsp,
                measure.insns.nn, measure.insns.total,
                measure.sample_id > 0 ? "the first window of the first testing sample" : "a window of zeros");
      else
        printf ("instructions per window: not measured (%s)\n", measure_error->message);
    }
  return check_part (chip, report, json);
}

/* deploy -o DIR --part NAME: measure first, write nothing that does not fit. */
static int
deploy_check_part (Deploy *d, const EmCodegenChip *chip)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmCodegenReport) report = NULL;
  EmCodegenSummary summary = { 0 };

  if ((report = em_codegen_build_report (d->cg, &summary, &error)) == NULL)
    {
      fprintf (stderr, "ember-cli: --part %s: %s\n", chip->name, error->message);
      return error->domain == EM_CODEGEN_ERROR ? codegen_exit_code (error) : EM_EXIT_FAILURE;
    }
  return check_part (chip, report, FALSE);
}

/* --- the command ---------------------------------------------------------------- */

int
em_cli_deploy_main (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - generate code that runs the impulse on a device");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autofree char *target = NULL, *output = NULL, *block = NULL, *vectors = NULL, *part = NULL;
  gboolean use_float = FALSE, force = FALSE, list = FALSE, report = FALSE, json = FALSE, build = FALSE;
  gboolean list_parts = FALSE;
  g_autoptr(GPtrArray) chips = NULL;
  const EmCodegenChip *chip = NULL;
  double threshold = -1;   /* -1: not given */
  EmCodegenSummary summary = { 0 };
  Deploy d = { 0 };
  int code = 0;
  GOptionEntry entries[] = {
    { "target", 't', 0, G_OPTION_ARG_STRING, &target, "What to generate (see --list-targets)", "TARGET" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Folder to write (new, or empty)", "DIR" },
    { "block", 'b', 0, G_OPTION_ARG_STRING, &block, "Learning block id (default: the first)", "ID" },
    { "float", 0, 0, G_OPTION_ARG_NONE, &use_float, "Deploy the float model instead of the int8 one", NULL },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, "Write into a folder that is not empty", NULL },
    { "threshold", 0, 0, G_OPTION_ARG_DOUBLE, &threshold,
      "Confidence under X is uncertain (classification, default 0.6); objects under X are dropped "
      "(detection, default: the threshold it was trained with)", "X" },
    { "report", 0, 0, G_OPTION_ARG_NONE, &report,
      "Build for a microcontroller (--target cortex-m4f, the default) and print flash and RAM by part", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "With --report: print the sizes as JSON", NULL },
    { "build", 0, 0, G_OPTION_ARG_NONE, &build,
      "With --target linux: build DIR/runner with cc; wasm: DIR/wasm/ember-impulse.js + .wasm with emcc", NULL },
    { "list-targets", 0, 0, G_OPTION_ARG_NONE, &list, "List the targets and exit", NULL },
    { "part", 0, 0, G_OPTION_ARG_STRING, &part,
      "With --report or -o: refuse an impulse that does not fit this microcontroller (see --list-parts)", "NAME" },
    { "list-parts", 0, 0, G_OPTION_ARG_NONE, &list_parts, "List the parts --part knows and exit", NULL },
    { "test-vectors", 0, 0, G_OPTION_ARG_FILENAME, &vectors,
      "Write Ember's per-window results on the testing set to FILE (JSON lines)", "FILE" },
    { NULL }
  };

  /* --board NAME: firmware for a board (em-cli-deploy-board.c). */
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--board") == 0 || g_str_has_prefix (argv[i], "--board="))
      return em_cli_deploy_board_main (argc, argv);
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx, deploy_help);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (list)
    {
      for (const EmCodegenTarget *t = em_codegen_targets (); t->id != NULL; t++)
        printf ("%s\t%s\n", t->id, t->description);
      return EM_EXIT_OK;
    }
  if (list_parts || part != NULL)
    {
      if ((chips = em_codegen_chips_load (&error)) == NULL)
        {
          fprintf (stderr, "ember-cli: %s\n", error->message);
          return EM_EXIT_FAILURE;
        }
      for (guint i = 0; list_parts && i < chips->len; i++)
        {
          const EmCodegenChip *c = g_ptr_array_index (chips, i);
          printf ("%-12s %-11s flash %8" G_GUINT64_FORMAT "  RAM %7" G_GUINT64_FORMAT "%s%s\n", c->name, c->core,
                  c->flash, c->ram, c->note != NULL ? "  " : "", c->note != NULL ? c->note : "");
        }
      if (list_parts)
        return EM_EXIT_OK;
      if ((chip = em_codegen_chips_find (chips, part, &error)) == NULL)
        return em_cli_usage ("%s (see --list-parts)", error->message);
      if (!report && output == NULL)
        return em_cli_usage ("--part goes with --report or -o DIR");
    }
  if (argc != 2)
    return em_cli_usage ("deploy needs exactly one PROJECT");
  if (report && output != NULL)
    return em_cli_usage ("--report builds in a temporary folder: leave out -o");
  if (json && !report)
    return em_cli_usage ("--json goes with --report");
  if (build && (output == NULL || (g_strcmp0 (target, "linux") != 0 && g_strcmp0 (target, "wasm") != 0)))
    return em_cli_usage ("--build goes with --target linux or wasm, and -o DIR");
  if (report && target != NULL && strcmp (target, "cortex-m4f") != 0)
    return em_cli_usage ("--report knows the target cortex-m4f, not '%s'", target);
  if (output == NULL && vectors == NULL && !report)
    return em_cli_usage ("deploy needs -o DIR (or --report, or --test-vectors FILE)");
  if (output != NULL)
    {
      gboolean known = FALSE;
      if (target == NULL)
        return em_cli_usage ("deploy needs --target (see --list-targets)");
      for (const EmCodegenTarget *t = em_codegen_targets (); t->id != NULL; t++)
        known = known || strcmp (t->id, target) == 0;
      if (!known)
        return em_cli_usage ("unknown target '%s' (see --list-targets)", target);
    }
  if (threshold != -1 && !(threshold > 0 && threshold <= 1))
    return em_cli_usage ("--threshold must be in (0, 1]");
  if (build && g_strcmp0 (target, "wasm") == 0)
    {
      /* Before writing anything: a missing emcc names its package. */
      g_autofree char *emcc = em_codegen_wasm_find_emcc (&error);
      if (emcc == NULL)
        {
          fprintf (stderr, "ember-cli: %s\n", error->message);
          return EM_EXIT_BAD_INPUT;
        }
    }
  if ((project = em_cli_open_project (argv[1], &code)) == NULL)
    return code;
  if ((impulse = em_impulse_load (project, &error)) == NULL)
    return em_cli_fail (error);
  if (!gather (project, impulse, em_block_registry_get_default (), block, !use_float,
               threshold == -1 ? EM_DEPLOY_THRESHOLD_DEFAULT : (float) threshold, &d, &error))
    {
      deploy_clear (&d);
      return em_cli_fail (error);
    }
  if (report)
    {
      code = deploy_report (project, impulse, &d, target, json, chip);
      if (code != EM_EXIT_OK || vectors == NULL)
        {
          deploy_clear (&d);
          return code;
        }
    }
  if (output != NULL && chip != NULL && !report && (code = deploy_check_part (&d, chip)) != EM_EXIT_OK)
    {
      deploy_clear (&d);
      return code;
    }
  if (output != NULL)
    {
      if (!em_codegen_generate (d.cg, target, output, force, &summary, &error))
        {
          fprintf (stderr, "ember-cli: %s\n", error->message);
          deploy_clear (&d);
          return codegen_exit_code (error);
        }
      printf ("Wrote %s for block %s (%s, %s model) to %s: %u files, %" G_GUINT64_FORMAT " lines of C\n", target,
              d.cg->learn_id, d.cg->learn_plugin, d.cg->int8 ? "int8" : "float", output, summary.n_files,
              summary.source_lines);
      printf ("  arena %u bytes, DSP scratch %" G_GUINT64_FORMAT " bytes, model data %" G_GUINT64_FORMAT " bytes%s%s\n",
              summary.arena_bytes, summary.dsp_scratch_bytes, summary.weight_bytes,
              d.has_anomaly ? ", anomaly block " : "", d.has_anomaly ? d.anomaly.lb->id : "");
      if (build)
        {
          g_autofree char *exe = g_build_filename (output, "runner", NULL);
          if (g_strcmp0 (target, "wasm") == 0)
            {
              g_autofree char *js = g_build_filename (output, "wasm", "ember-impulse.js", NULL);
              if (!em_codegen_wasm_build (output, &error))
                {
                  fprintf (stderr, "ember-cli: %s\n", error->message);
                  deploy_clear (&d);
                  return codegen_exit_code (error);
                }
              g_clear_pointer (&exe, g_free);
              exe = g_steal_pointer (&js);
            }
          else if (!em_codegen_build_runner (output, &error))
            {
              deploy_clear (&d);
              return em_cli_fail (error);
            }
          printf ("Built %s\n", exe);
        }
    }
  if (vectors != NULL)
    {
      guint n = 0;
      if (!write_test_vectors (project, impulse, em_block_registry_get_default (), &d, vectors, &n, &error))
        {
          deploy_clear (&d);
          return em_cli_fail (error);
        }
      printf ("Wrote %u test windows to %s\n", n, vectors);
    }
  deploy_clear (&d);
  return EM_EXIT_OK;
}
