/* SPDX-License-Identifier: Apache-2.0 */
/* The block registry against the built-in plugins of this build. */
#include <string.h>
#include "em-block-registry.h"
#include "em-error.h"

static EmBlockRegistry *
load_builtin (void)
{
  EmBlockRegistry *registry = em_block_registry_new ();
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "plugins", NULL);

  em_block_registry_load_dir (registry, dir);
  return registry;
}

static void
test_builtin_blocks (void)
{
  g_autoptr(EmBlockRegistry) registry = load_builtin ();
  g_autoptr(GPtrArray) blocks = em_block_registry_list (registry);
  const char *expected[] = { "flatten", "image", "raw", "spectral" };

  g_assert_cmpuint (em_block_registry_list_broken (registry)->len, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      EmBlock *b = em_block_registry_lookup (registry, expected[i]);
      g_assert_nonnull (b);
      g_assert_cmpint (em_block_get_kind (b), ==, EM_BLOCK_PROCESSING);
      g_assert_nonnull (em_block_get_processing_ops (b));
      g_assert_cmpuint (json_array_get_length (em_block_get_schema (b)), >, 0);
    }
  g_assert_cmpuint (blocks->len, >=, G_N_ELEMENTS (expected));
  /* Loading the same folder again adds nothing and breaks nothing. */
  {
    g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "plugins", NULL);
    g_autoptr(GPtrArray) again = NULL;
    em_block_registry_load_dir (registry, dir);
    again = em_block_registry_list (registry);
    g_assert_cmpuint (again->len, ==, blocks->len);
    g_assert_cmpuint (em_block_registry_list_broken (registry)->len, ==, 0);
  }
}

static void
test_resolve_params (void)
{
  g_autoptr(EmBlockRegistry) registry = load_builtin ();
  EmBlock *spectral = em_block_registry_lookup (registry, "spectral");
  g_autoptr(EmBlockParams) defaults = NULL;
  g_autoptr(EmBlockParams) set = NULL;
  g_autoptr(JsonObject) given = json_object_new ();
  g_autofree char *json = NULL;
  struct { const char *name; const char *json_value; const char *needle; } bad[] = {
    { "fft_length", "2", "below the minimum" },
    { "fft_length", "100000", "above the maximum" },
    { "fft_length", "16.5", "must be an integer" },
    { "filter_type", "\"band\"", "not one of: none, low, high" },
    { "do_log", "3", "must be a bool" },
    { "no_such_param", "1", "unknown parameter" },
  };

  g_assert_nonnull (spectral);
  defaults = em_block_resolve_params (spectral, NULL, NULL);
  g_assert_nonnull (defaults);
  g_assert_cmpstr (em_plugin_param_string (defaults->params, defaults->n_params, "filter_type", NULL), ==, "none");
  g_assert_cmpint (em_plugin_param_int (defaults->params, defaults->n_params, "fft_length", 0), ==, 16);

  json_object_set_int_member (given, "fft_length", 64);
  json_object_set_string_member (given, "filter_type", "low");
  json_object_set_double_member (given, "filter_cutoff", 2.5);
  set = em_block_resolve_params (spectral, given, NULL);
  g_assert_nonnull (set);
  g_assert_cmpfloat (em_plugin_param_double (set->params, set->n_params, "filter_cutoff", 0), ==, 2.5);
  json = em_block_params_to_json (set);
  g_assert_nonnull (strstr (json, "\"fft_length\":\"64\""));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(EmBlockParams) p = NULL;
      json_object_set_member (o, bad[i].name, json_from_string (bad[i].json_value, NULL));
      p = em_block_resolve_params (spectral, o, &error);
      g_assert_null (p);
      g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, bad[i].needle));
      g_assert_nonnull (strstr (error->message, bad[i].name));
    }
}

static void
test_run_block (void)
{
  g_autoptr(EmBlockRegistry) registry = load_builtin ();
  EmBlock *flatten = em_block_registry_lookup (registry, "flatten");
  const EmProcessingOps *ops = em_block_get_processing_ops (flatten);
  g_autoptr(EmBlockParams) params = em_block_resolve_params (flatten, NULL, NULL);
  EmSignalInfo info = { EM_INPUT_TIME_SERIES, 4, 1, 0, 0, 10.0 };
  float data[4] = { 1, 2, 3, 6 };
  EmSignal sig = { info, data };
  EmFeatureShape shape;
  float out[7];
  char err[128];
  void *state = NULL;
  guint64 macs = 0, scratch = 0;

  g_assert_cmpint (ops->init (params->params, params->n_params, &info, &state, &shape, err, sizeof err), ==, 0);
  g_assert_cmpuint (shape.rows * shape.cols, ==, 7);
  g_assert_cmpint (ops->run (state, &sig, out, err, sizeof err), ==, 0);
  g_assert_cmpfloat_with_epsilon (out[0], 3.0, 1e-6);   /* mean */
  g_assert_cmpfloat (out[1], ==, 1);                    /* min */
  g_assert_cmpfloat (out[2], ==, 6);                    /* max */
  g_assert_cmpint (ops->cost (state, &macs, &scratch), ==, 0);
  g_assert_cmpuint (macs, >, 0);
  ops->free (state);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/registry/builtin-blocks", test_builtin_blocks);
  g_test_add_func ("/registry/resolve-params", test_resolve_params);
  g_test_add_func ("/registry/run-block", test_run_block);
  return g_test_run ();
}
