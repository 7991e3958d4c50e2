/* SPDX-License-Identifier: Apache-2.0 */
/* An imported int8 TFLite softmax becomes TFLite Micro's fixed-point
 * softmax (EM_NN_OP_SOFTMAX_TFLM), which survives saving and loading
 * (format version 2) with TFLM's outputs; a version 1 blob cannot carry
 * that op, and a damaged exp table is refused. The bit-exactness of the
 * kernel itself is ref_tflm_act.py's job (tests/nn/kernels). Needs the
 * reference models (EMBER_MODELS_DIR or EMBER_SOURCE_ROOT/../shared/models);
 * skips without them. */
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

static void
run_raw (const EmNnCompiled *c, GBytes *input, int8_t *out, gsize n_out)
{
  const EmNnProgram *p = em_nn_compiled_program (c);
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

/* A copy of @blob with byte @at set to @value (or the version field when
 * @at is 4) and its checksum recomputed, so only the checks behind the
 * checksum can refuse it. */
static GBytes *
patched (GBytes *blob, gsize at, guint8 value)
{
  gsize n;
  const guint8 *src = g_bytes_get_data (blob, &n);
  guint8 *d = g_memdup2 (src, n);
  guint64 sum;

  d[at] = value;
  sum = em_nn_compiled_checksum (d, n - 8);
  for (int k = 0; k < 8; k++)
    d[n - 8 + k] = (guint8) (sum >> (8 * k));
  return g_bytes_new_take (d, n);
}

static void
test_micro_speech (void)
{
  g_autoptr(GBytes) model = load ("micro_speech_quantized.tflite");
  g_autoptr(GBytes) yes = load ("micro_speech_input_yes_49x40.raw");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnImported) imp = NULL;
  g_autoptr(EmNnCompiled) back = NULL;
  g_autoptr(EmNnCompiled) refused = NULL;
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(GBytes) v1 = NULL;
  g_autoptr(GBytes) bad_table = NULL;
  const EmNnProgram *p;
  const EmNnOp *last;
  const guint8 *raw;
  gsize n, table_at;
  int8_t out[4], out_back[4];
  static const int8_t expect[4] = { -128, -128, 127, -128 };   /* TFLite Micro's bytes */

  if (model == NULL || yes == NULL)
    {
      g_test_skip ("reference models not found");
      return;
    }
  imp = em_nn_import_tflite (g_bytes_get_data (model, NULL), g_bytes_get_size (model), &error);
  g_assert_no_error (error);
  p = em_nn_compiled_program (imp->compiled);
  last = &p->ops[p->n_ops - 1];
  g_assert_cmpint (last->kind, ==, EM_NN_OP_SOFTMAX_TFLM);
  g_assert_nonnull (last->softmax_exp);
  g_assert_null (last->softmax_lut);
  g_assert_cmpint (last->softmax_exp[0], ==, G_MAXINT32);
  for (int d = 1; d < 256; d++)
    g_assert_cmpint (last->softmax_exp[d], <=, last->softmax_exp[d - 1]);
  run_raw (imp->compiled, yes, out, sizeof out);
  g_assert_cmpmem (out, sizeof out, expect, sizeof expect);

  /* Saved as version 2, loaded back with the same table and outputs. */
  saved = em_nn_compiled_save (imp->compiled);
  raw = g_bytes_get_data (saved, &n);
  g_assert_cmpuint (raw[4], ==, 2);
  back = em_nn_compiled_load (saved, &error);
  g_assert_no_error (error);
  p = em_nn_compiled_program (back);
  g_assert_cmpint (p->ops[p->n_ops - 1].kind, ==, EM_NN_OP_SOFTMAX_TFLM);
  g_assert_cmpmem (p->ops[p->n_ops - 1].softmax_exp, 1024, last->softmax_exp, 1024);
  run_raw (back, yes, out_back, sizeof out_back);
  g_assert_cmpmem (out_back, sizeof out_back, expect, sizeof expect);

  /* The same bytes labelled version 1: that version has no such op. */
  v1 = patched (saved, 4, 1);
  refused = em_nn_compiled_load (v1, &error);
  g_assert_null (refused);
  g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "version 1"));
  g_clear_error (&error);

  /* exp(0) is the last op's table's first entry: the table is the last
   * array of the blob, 256 words before the 8-byte checksum; make its
   * low byte 0 (INT32_MAX → 0x7fffff00) and the load must refuse it. */
  table_at = n - 8 - 1024;
  g_assert_cmpuint (raw[table_at], ==, 0xff);
  bad_table = patched (saved, table_at, 0);
  refused = em_nn_compiled_load (bad_table, &error);
  g_assert_null (refused);
  g_assert_error (error, EM_NN_ERROR, EM_NN_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "softmax"));
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
  g_test_add_func ("/nn/import-tflite/tflm-softmax/micro-speech", test_micro_speech);
  return g_test_run ();
}
