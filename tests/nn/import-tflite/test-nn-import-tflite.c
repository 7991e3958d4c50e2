/* SPDX-License-Identifier: Apache-2.0 */
/* TFLite import: the two reference int8 models of ../shared/models give
 * TFLite Micro's outputs bit for bit through the imported program, and
 * malformed files (truncated at every length, random byte flips, damaged
 * indices) are refused with an error, never a crash. The models are found
 * through EMBER_MODELS_DIR or EMBER_SOURCE_ROOT/../shared/models; without
 * them the model tests skip. */
#include <string.h>
#include "em-nn-compile-private.h"
#include "em-nn-import.h"

static char *models_dir;

static GBytes *
load (const char *name)
{
  g_autofree char *path = NULL;
  char *data = NULL;
  gsize len = 0;

  if (models_dir == NULL)
    return NULL;
  path = g_build_filename (models_dir, name, NULL);
  if (!g_file_get_contents (path, &data, &len, NULL))
    return NULL;
  return g_bytes_new_take (data, len);
}

/* Run the imported program on raw int8 input bytes. */
static void
run_raw (EmNnImported *imp, GBytes *input, int8_t *out, gsize n_out)
{
  const EmNnProgram *p = em_nn_compiled_program (imp->compiled);
  g_autofree guint8 *mem = g_malloc0 (p->arena_size + EM_NN_ARENA_ALIGN);
  void *arena = (void *) (((guintptr) mem + EM_NN_ARENA_ALIGN - 1) & ~(guintptr) (EM_NN_ARENA_ALIGN - 1));
  gsize len;
  const guint8 *in = g_bytes_get_data (input, &len);

  g_assert_cmpuint (len, ==, p->tensors[p->input_tensor].size);
  g_assert_cmpuint (n_out, ==, p->tensors[p->output_tensor].size);
  memcpy (em_nn_program_input (p, arena), in, len);
  g_assert_cmpint (em_nn_program_run (p, arena), ==, 0);
  memcpy (out, em_nn_program_output (p, arena), n_out);
}

typedef struct {
  const char *model, *input;
  int8_t expect[4];
  gsize n;
  guint64 macs;
} Case;

static const Case cases[] = {
  { "micro_speech_quantized.tflite", "micro_speech_input_yes_49x40.raw", { -128, -128, 127, -128 }, 4, 336000 },
  { "micro_speech_quantized.tflite", "micro_speech_input_no_49x40.raw", { -128, -114, -128, 114 }, 4, 336000 },
  { "person_detect.tflite", "person_detect_input_person_96x96.raw", { -113, 113 }, 2, 7157888 },
  { "person_detect.tflite", "person_detect_input_no_person_96x96.raw", { 57, -57 }, 2, 7157888 },
};

static void
test_tflm_outputs (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(GBytes) model = load (c->model), input = load (c->input);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnImported) imp = NULL;
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(EmNnCompiled) again = NULL;
  int8_t out[4];

  if (model == NULL || input == NULL)
    {
      g_test_skip ("reference models not found (set EMBER_MODELS_DIR)");
      return;
    }
  imp = em_nn_import_tflite (g_bytes_get_data (model, NULL), g_bytes_get_size (model), &error);
  g_assert_no_error (error);
  g_assert_nonnull (imp->compiled);
  g_assert_true (imp->input_int8 && imp->output_int8);
  g_assert_cmpuint (em_nn_imported_macs (imp), ==, c->macs);
  run_raw (imp, input, out, c->n);
  for (gsize i = 0; i < c->n; i++)
    g_assert_cmpint (out[i], ==, c->expect[i]);

  /* The stored form loads back into the same program. */
  saved = em_nn_compiled_save (imp->compiled);
  again = em_nn_compiled_load (saved, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (em_nn_compiled_program (again)->n_ops, ==, em_nn_compiled_program (imp->compiled)->n_ops);
}

/* A damaged model is either refused with a one-line message or, when the
 * damage hit only weights, imported; it never crashes (ASan runs this). */
static void
try_import (const guint8 *data, gsize len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnImported) imp = em_nn_import_tflite (data, len, &error);

  if (imp == NULL)
    {
      g_assert_nonnull (error);
      g_assert_null (strchr (error->message, '\n'));
      g_assert_cmpuint (strlen (error->message), >, 5);
    }
  else
    g_assert_no_error (error);
}

static void
test_truncated (void)
{
  g_autoptr(GBytes) model = load ("micro_speech_quantized.tflite");
  gsize len;
  const guint8 *d;

  if (model == NULL)
    {
      g_test_skip ("reference models not found");
      return;
    }
  d = g_bytes_get_data (model, &len);
  for (gsize n = 0; n < len; n += n < 256 ? 1 : 37)
    {
      /* A heap copy of exactly n bytes, so ASan sees any read past it. */
      g_autofree guint8 *copy = g_memdup2 (d, n);
      g_autoptr(GError) error = NULL;
      g_autoptr(EmNnImported) imp = em_nn_import_tflite (copy, n, &error);
      /* Weights are at the end of the buffer: every cut loses something. */
      g_assert_null (imp);
      g_assert_nonnull (error);
    }
}

static void
test_flips (void)
{
  g_autoptr(GBytes) model = load ("micro_speech_quantized.tflite");
  GRand *rand = g_rand_new_with_seed (1234);
  gsize len;
  const guint8 *d;

  if (model == NULL)
    {
      g_test_skip ("reference models not found");
      g_rand_free (rand);
      return;
    }
  d = g_bytes_get_data (model, &len);
  for (int round = 0; round < 3000; round++)
    {
      g_autofree guint8 *copy = g_memdup2 (d, len);
      int flips = g_rand_int_range (rand, 1, 5);
      for (int k = 0; k < flips; k++)
        {
          /* Most of the file is weights; aim half the flips at the first
           * and last kilobytes, where the tables and vtables are. */
          gsize at = g_rand_boolean (rand) ? (gsize) g_rand_int_range (rand, 0, (gint32) len)
                     : g_rand_boolean (rand) ? (gsize) g_rand_int_range (rand, 0, 1024)
                     : len - 1 - (gsize) g_rand_int_range (rand, 0, 1024);
          copy[at] ^= (guint8) g_rand_int_range (rand, 1, 256);
        }
      try_import (copy, len);
    }
  g_rand_free (rand);
}

static void
test_not_tflite (void)
{
  static const guint8 junk[] = "this is not a flatbuffer at all";
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnImported) imp = em_nn_import_tflite (junk, sizeof junk, &error);

  g_assert_null (imp);
  g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "TFL3"));
}

int
main (int argc, char **argv)
{
  const char *dir = g_getenv ("EMBER_MODELS_DIR"), *root = g_getenv ("EMBER_SOURCE_ROOT");

  g_test_init (&argc, &argv, NULL);
  if (dir != NULL)
    models_dir = g_strdup (dir);
  else if (root != NULL)
    models_dir = g_build_filename (root, "..", "shared", "models", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/nn/import-tflite/tflm-outputs/%s", cases[i].input);
      g_test_add_data_func (name, &cases[i], test_tflm_outputs);
    }
  g_test_add_func ("/nn/import-tflite/truncated", test_truncated);
  g_test_add_func ("/nn/import-tflite/flips", test_flips);
  g_test_add_func ("/nn/import-tflite/not-tflite", test_not_tflite);
  return g_test_run ();
}
