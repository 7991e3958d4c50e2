/* SPDX-License-Identifier: Apache-2.0 */
/* Object detection in codegen (em-codegen-detect.c): the settings read from
 * a training report, and the refusals of a model that is not a grid of
 * cells for the labels given. The objects themselves are checked against
 * Ember's by tests/codegen/test_detect_deploy.py. */
#include <stdlib.h>
#include <string.h>
#include "em-codegen-detect.h"
#include "em-nn-compile.h"
#include "em-nn-model.h"

/* 16 × 16 × 1 → 4 × 4 cells of 3 channels (background + 2 classes). */
#define MODEL_JSON \
  "{\"input_shape\": [16, 16, 1], \"layers\": [" \
  "{\"type\": \"conv2d\", \"filters\": 4, \"kernel_size\": 3, \"strides\": 2, \"padding\": \"same\", \"activation\": \"relu\"}," \
  "{\"type\": \"conv2d\", \"filters\": 3, \"kernel_size\": 3, \"strides\": 2, \"padding\": \"same\"}]}"

static EmCodegenImpulse *
detect_impulse (const char *const *labels)
{
  g_autoptr(EmCodegenImpulse) cg = em_codegen_impulse_new ();
  g_autoptr(EmNnModel) net = em_nn_model_new_from_json (MODEL_JSON, NULL);
  g_autoptr(EmNnCompiled) compiled = NULL;
  EmCodegenDsp *dsp = g_new0 (EmCodegenDsp, 1);

  g_assert_nonnull (net);
  em_nn_model_init_weights (net, 1);
  compiled = em_nn_compile_float (net, NULL);
  g_assert_nonnull (compiled);
  /* A time-series window of 256 values stands in for the image: the
   * model only sees features. */
  cg->input.input_kind = EM_INPUT_TIME_SERIES;
  cg->input.n_frames = 256;
  cg->input.n_axes = 1;
  cg->input.frequency_hz = 100;
  dsp->id = g_strdup ("raw");
  dsp->plugin = g_strdup ("raw");
  g_strlcpy (dsp->code.run, "memcpy (@OUT@, @IN@, 256 * sizeof (float));", sizeof dsp->code.run);
  dsp->n_frames = 256;
  dsp->n_axes = 1;
  dsp->axis_index = g_new0 (guint32, 1);
  dsp->n_features = 256;
  g_ptr_array_add (cg->dsp, dsp);
  cg->learn_id = g_strdup ("object-detection");
  cg->learn_plugin = g_strdup ("object-detection");
  cg->task = EM_TASK_OBJECT_DETECTION;
  cg->format = "emnq";
  cg->model = em_nn_compiled_save (compiled);
  cg->labels = g_strdupv ((char **) labels);
  return g_steal_pointer (&cg);
}

static void
test_settings (void)
{
  static const struct {
    const char *report, *error;
    float threshold;
    int connectivity;
  } cases[] = {
    { "{\"model\": {\"threshold\": 0.699999988079071}}", NULL, 0.7f, 8 },
    { "{\"model\": {\"threshold\": 0.5, \"connectivity\": 4}}", NULL, 0.5f, 4 },
    { "{\"model\": {\"threshold\": 1}}", NULL, 1.0f, 8 },
    { "{\"model\": {}}", "\"threshold\"", 0, 0 },
    { "{\"model\": {\"threshold\": 0}}", "\"threshold\"", 0, 0 },
    { "{\"model\": {\"threshold\": 1.5}}", "\"threshold\"", 0, 0 },
    { "{\"model\": {\"threshold\": \"high\"}}", "\"threshold\"", 0, 0 },
    { "{\"model\": {\"threshold\": 0.5, \"connectivity\": 6}}", "\"connectivity\" is 6", 0, 0 },
    { "{\"threshold\": 0.5}", "\"threshold\"", 0, 0 },
    { "not json", "\"threshold\"", 0, 0 },
    { NULL, "\"threshold\"", 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(EmCodegenImpulse) cg = em_codegen_impulse_new ();
      g_autoptr(GError) error = NULL;
      gboolean ok = em_codegen_detect_settings_from_report (cg, cases[i].report, &error);

      if (cases[i].error == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpfloat (cg->threshold, ==, cases[i].threshold);
          g_assert_cmpint (cg->detect_connectivity, ==, cases[i].connectivity);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID);
          g_assert_nonnull (strstr (error->message, cases[i].error));
          g_assert_null (strchr (error->message, '\n'));
          /* untouched on error */
          g_assert_cmpfloat (cg->threshold, ==, 0.6f);
        }
    }
}

static char *
read_text (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
remove_tree (const char *dir)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (cmd), ==, 0);
}

static void
test_generate (void)
{
  static const char *const two[] = { "circle", "square", NULL };
  g_autoptr(EmCodegenImpulse) cg = detect_impulse (two);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("em-codegen-detect-XXXXXX", NULL);
  g_autofree char *header = NULL, *source = NULL, *post = NULL;
  EmCodegenSummary summary;

  g_assert_true (em_codegen_detect_settings_from_report (cg, "{\"model\": {\"threshold\": 0.25}}", NULL));
  g_assert_true (em_codegen_generate (cg, "c-library", dir, TRUE, &summary, &error));
  g_assert_no_error (error);
  header = read_text (dir, "ember_impulse.h");
  source = read_text (dir, "ember_impulse.c");
  post = read_text (dir, "nn/em-nn-fomo-post.c");
  g_assert_nonnull (strstr (header, "#define EM_IMPULSE_OBJECT_DETECTION 1"));
  g_assert_nonnull (strstr (header, "#define EM_IMPULSE_GRID_W        4u"));
  g_assert_nonnull (strstr (header, "#define EM_IMPULSE_MODEL_WIDTH   16u"));
  g_assert_nonnull (strstr (header, "#define EM_IMPULSE_N_CELL_VALUES 48u"));
  g_assert_nonnull (strstr (header, "#define EM_IMPULSE_N_OUTPUTS    2u"));
  g_assert_nonnull (strstr (source, "em_post = { 16, 16, 4, 4, 2, 0.25f, 8 };"));
  g_assert_nonnull (strstr (source, "em_model_run (features, em_cells);"));
  g_assert_nonnull (strstr (source, "#define EM_NN_FOMO_PORTABLE_ONLY"));
  g_assert_nonnull (strstr (post, "em_nn_fomo_objects_f32"));
  remove_tree (dir);
}

static void
test_refusals (void)
{
  static const char *const three[] = { "a", "b", "c", NULL };
  static const char *const two[] = { "a", "b", NULL };
  struct {
    const char *const *labels;
    float threshold;
    gint32 connectivity;
    const char *error;
  } cases[] = {
    { three, 0.5f, 8, "the model's cells have 3 channels, but 3 labels need 4" },
    { two, 0.0f, 8, "threshold 0 or connectivity 8 is out of range" },
    { two, 0.5f, 5, "threshold 0.5 or connectivity 5 is out of range" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(EmCodegenImpulse) cg = detect_impulse (cases[i].labels);
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("em-codegen-detect-XXXXXX", NULL);
      g_autofree char *header = g_build_filename (dir, "ember_impulse.h", NULL);

      cg->threshold = cases[i].threshold;
      cg->detect_connectivity = cases[i].connectivity;
      g_assert_false (em_codegen_generate (cg, "c-library", dir, TRUE, NULL, &error));
      g_assert_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].error));
      /* nothing written */
      g_assert_false (g_file_test (header, G_FILE_TEST_EXISTS));
      remove_tree (dir);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/codegen/detect/settings", test_settings);
  g_test_add_func ("/codegen/detect/generate", test_generate);
  g_test_add_func ("/codegen/detect/refusals", test_refusals);
  return g_test_run ();
}
