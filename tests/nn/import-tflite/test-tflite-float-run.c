/* SPDX-License-Identifier: Apache-2.0 */
/* Driver for test_tflite_float.py: import a float32 TFLite file with
 * em_nn_import_tflite and run it, so the test can compare with numpy.
 *
 *   test-tflite-float-run MODEL.tflite
 *       import only; print the shapes, whether Ember's float network was
 *       built (or why not) and its layers
 *   test-tflite-float-run MODEL.tflite program|float IN.f32 OUT.f32
 *       run every window of IN (float32, (h, w, c) order) through the
 *       imported float program, or through Ember's float network compiled
 *       from the converted EmNnModel (what a project stores)
 *   test-tflite-float-run MODEL.tflite int8 CALIB.f32 IN.f32 OUT.f32
 *       the same network quantized by Ember on the CALIB windows
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

static int
usage (const char *argv0)
{
  fprintf (stderr, "usage: %s MODEL.tflite [program|float IN OUT | int8 CALIB IN OUT]\n", argv0);
  return 1;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnImported) imp = NULL;
  g_autoptr(EmNnCompiled) built = NULL;
  EmNnCompiled *compiled = NULL;
  g_autofree char *data = NULL;
  g_autofree float *calib = NULL, *input = NULL, *output = NULL;
  gsize len = 0, in_n, out_n;
  const char *in_path, *out_path;
  int n_calib = 0, n = 0;

  if (argc < 2)
    return usage (argv[0]);
  if (!g_file_get_contents (argv[1], &data, &len, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  imp = em_nn_import_tflite ((const guint8 *) data, len, &error);
  if (imp == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  if (argc == 2)
    {
      printf ("input %d %d %d\noutput %d %d %d\n", imp->input.h, imp->input.w, imp->input.c, imp->output.h,
              imp->output.w, imp->output.c);
      if (imp->model != NULL)
        {
          g_autofree char *json = em_nn_model_to_json (imp->model);
          printf ("model %s\n", json);
        }
      else
        printf ("no model: %s\n", imp->no_model_reason != NULL ? imp->no_model_reason : "(no reason)");
      return 0;
    }
  in_n = (gsize) em_nn_dims_size (imp->input);
  out_n = (gsize) em_nn_dims_size (imp->output);
  if (g_str_equal (argv[2], "program") && argc == 5)
    compiled = imp->compiled;
  else if (g_str_equal (argv[2], "float") && argc == 5 && imp->model != NULL)
    compiled = built = em_nn_compile_float (imp->model, &error);
  else if (g_str_equal (argv[2], "int8") && argc == 6 && imp->model != NULL)
    {
      calib = read_floats (argv[3], in_n, &n_calib);
      compiled = built = em_nn_compile_int8 (imp->model, calib, n_calib, &error);
    }
  else
    return usage (argv[0]);
  if (compiled == NULL)
    {
      fprintf (stderr, "%s\n", error != NULL ? error->message : "no program");
      return 2;
    }
  in_path = argv[argc - 2];
  out_path = argv[argc - 1];
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
