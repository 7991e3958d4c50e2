/* SPDX-License-Identifier: Apache-2.0 */
/* Driver for tests/nn/test_onnx_import.py: import an ONNX file with
 * em_nn_import_onnx and run it, so the test can compare with PyTorch.
 *
 *   test-onnx-run MODEL.onnx
 *       import only; print the input / output shapes and the layer table
 *   test-onnx-run MODEL.onnx float IN.f32 OUT.f32
 *   test-onnx-run MODEL.onnx int8 CALIB.f32 IN.f32 OUT.f32
 *       run every window of IN (float32, Ember's (h, w, c) order) through
 *       the float program, or the int8 one calibrated on CALIB
 *
 * Exit 0; 2 with the importer's one-line error on stderr; 1 on misuse. */
#include <stdio.h>
#include <stdlib.h>
#include "em-nn-compile.h"
#include "em-nn-import.h"

static float *
read_floats (const char *path, gsize per, int *n)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, &error) || per == 0 || len % (per * sizeof (float)) != 0)
    {
      fprintf (stderr, "%s: %s\n", path, error != NULL ? error->message : "size is not a whole number of windows");
      exit (1);
    }
  *n = (int) (len / (per * sizeof (float)));
  return (float *) data;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnImported) imp = NULL;
  g_autoptr(EmNnCompiled) compiled = NULL;
  g_autofree char *data = NULL;
  g_autofree float *calib = NULL, *input = NULL, *output = NULL;
  gsize len = 0, in_n, out_n;
  const char *in_path, *out_path;
  int n_calib = 0, n = 0;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s MODEL.onnx [float IN OUT | int8 CALIB IN OUT]\n", argv[0]);
      return 1;
    }
  if (!g_file_get_contents (argv[1], &data, &len, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  imp = em_nn_import_onnx ((const guint8 *) data, len, &error);
  if (imp == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  if (argc == 2)
    {
      printf ("producer %s\ninput %d %d %d\noutput %d %d %d\nparams %" G_GUINT64_FORMAT "\nmacs %"
              G_GUINT64_FORMAT "\n", imp->producer, imp->input.h, imp->input.w, imp->input.c,
              imp->output.h, imp->output.w, imp->output.c, em_nn_imported_params (imp),
              em_nn_imported_macs (imp));
      for (guint i = 0; i < imp->layers->len; i++)
        {
          const EmNnImportedLayer *l = &g_array_index (imp->layers, EmNnImportedLayer, i);
          printf ("layer %s %s %d %d %d %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n", l->op, l->name,
                  l->out.h, l->out.w, l->out.c, l->params, l->macs);
        }
      return 0;
    }
  in_n = (gsize) em_nn_dims_size (imp->input);
  out_n = (gsize) em_nn_dims_size (imp->output);
  if (g_str_equal (argv[2], "float") && argc == 5)
    {
      compiled = em_nn_compile_float (imp->model, &error);
      in_path = argv[3], out_path = argv[4];
    }
  else if (g_str_equal (argv[2], "int8") && argc == 6)
    {
      calib = read_floats (argv[3], in_n, &n_calib);
      compiled = em_nn_compile_int8 (imp->model, calib, n_calib, &error);
      in_path = argv[4], out_path = argv[5];
    }
  else
    {
      fprintf (stderr, "usage: %s MODEL.onnx [float IN OUT | int8 CALIB IN OUT]\n", argv[0]);
      return 1;
    }
  if (compiled == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  input = read_floats (in_path, in_n, &n);
  output = g_new0 (float, MAX (out_n * n, 1));
  em_nn_compiled_run_batch (compiled, input, n, output);
  if (!g_file_set_contents (out_path, (const char *) output, (gssize) (out_n * n * sizeof (float)), &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  return 0;
}
