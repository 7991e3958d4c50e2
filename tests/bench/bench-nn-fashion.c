/* SPDX-License-Identifier: Apache-2.0 */
/* Ember side of the nn/ benchmark: the small CNN on Fashion-MNIST
 * (Debian's dataset-fashion-mnist), trained with nn/ and then quantized to
 * int8. Prints `RESULT key=value` lines that bench-nn-fashion.py puts next
 * to PyTorch's figures.
 *
 *   bench-nn-fashion [--epochs N] [--batch B] [--threads T] [--train-size N]
 */
#include <cblas.h>
#include <gio/gio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "em-nn-compile.h"
#include "em-nn-model.h"
#include "em-nn-train.h"

#define DATA_DIR "/usr/share/datasets/fashion-mnist"

static const char *model_json =
  "{\"input_shape\": [28, 28, 1], \"layers\": ["
  " {\"type\": \"conv2d\", \"filters\": 16, \"kernel_size\": 3, \"padding\": \"same\", \"activation\": \"relu\"},"
  " {\"type\": \"maxpool2d\", \"pool_size\": 2},"
  " {\"type\": \"conv2d\", \"filters\": 32, \"kernel_size\": 3, \"padding\": \"same\", \"activation\": \"relu\"},"
  " {\"type\": \"maxpool2d\", \"pool_size\": 2},"
  " {\"type\": \"flatten\"},"
  " {\"type\": \"dense\", \"units\": 10},"
  " {\"type\": \"softmax\"}]}";

/* The whole decompressed idx file. */
static GBytes *
read_gzip (const char *name, GError **error)
{
  g_autofree char *path = g_build_filename (DATA_DIR, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) raw = g_file_read (file, NULL, error);
  g_autoptr(GZlibDecompressor) gunzip = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GOutputStream) out = NULL;

  if (raw == NULL)
    return NULL;
  gunzip = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  in = g_converter_input_stream_new (G_INPUT_STREAM (raw), G_CONVERTER (gunzip));
  out = g_memory_output_stream_new_resizable ();
  if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error) < 0)
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* Images scaled to [0, 1] and labels; limit 0 = all. */
static int
load_split (const char *split, int limit, float **x, int **y, GError **error)
{
  g_autofree char *images_name = g_strdup_printf ("%s-images-idx3-ubyte.gz", split);
  g_autofree char *labels_name = g_strdup_printf ("%s-labels-idx1-ubyte.gz", split);
  g_autoptr(GBytes) images = read_gzip (images_name, error);
  g_autoptr(GBytes) labels = images != NULL ? read_gzip (labels_name, error) : NULL;
  const guint8 *pix, *lab;
  gsize n_pix, n_lab;
  int n;

  if (labels == NULL)
    return -1;
  pix = g_bytes_get_data (images, &n_pix);
  lab = g_bytes_get_data (labels, &n_lab);
  n = (int) ((n_lab - 8));
  if (n_pix != 16 + (gsize) n * 784)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %zu bytes, expected %zu",
                   images_name, n_pix, 16 + (gsize) n * 784);
      return -1;
    }
  if (limit > 0 && limit < n)
    n = limit;
  *x = g_new (float, (gsize) n * 784);
  *y = g_new (int, n);
  for (gsize i = 0; i < (gsize) n * 784; i++)
    (*x)[i] = pix[16 + i] / 255.0f;
  for (int i = 0; i < n; i++)
    (*y)[i] = lab[8 + i];
  return n;
}

static double
accuracy (const float *probs, const int *y, int n)
{
  int right = 0;

  for (int i = 0; i < n; i++)
    {
      const float *p = probs + (gsize) i * 10;
      int best = 0;
      for (int c = 1; c < 10; c++)
        if (p[c] > p[best])
          best = c;
      right += best == y[i];
    }
  return (double) right / n;
}

static void
on_epoch (const EmNnEpochStats *s, gpointer user_data)
{
  GArray *seconds = user_data;

  g_array_append_val (seconds, s->seconds);
  fprintf (stderr, "epoch %d/%d  loss %.4f  acc %.2f%%  %.2f s\n",
           s->epoch, s->n_epochs, s->loss, 100 * s->accuracy, s->seconds);
}

int
main (int argc, char **argv)
{
  int epochs = 2, batch = 64, threads = 2, train_size = 0;
  gboolean train_only = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmNnModel) model = NULL;
  g_autoptr(EmNnCompiled) f32 = NULL, s8 = NULL;
  g_autoptr(GArray) seconds = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree float *x_train = NULL, *x_test = NULL, *probs = NULL;
  g_autofree int *y_train = NULL, *y_test = NULL;
  EmNnTrainOptions options;
  EmNnDataset data = { 0 };
  GOptionEntry entries[] = {
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, "Epochs (2)", "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Batch size (64)", "B" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "OpenBLAS threads (2)", "T" },
    { "train-size", 0, 0, G_OPTION_ARG_INT, &train_size, "Training images (0 = all 60k)", "N" },
    { "train-only", 0, 0, G_OPTION_ARG_NONE, &train_only, "Stop after training (for profiling)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— Ember's Fashion-MNIST benchmark");
  int n_train, n_test, n_calib;
  double total = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "bench-nn-fashion: %s\n", error->message);
      return 2;
    }
  openblas_set_num_threads (threads);

  n_train = load_split ("train", train_size, &x_train, &y_train, &error);
  n_test = n_train > 0 ? load_split ("t10k", 0, &x_test, &y_test, &error) : -1;
  if (n_test < 0)
    {
      fprintf (stderr, "bench-nn-fashion: %s\n", error->message);
      return 1;
    }

  model = em_nn_model_new_from_json (model_json, &error);
  if (model == NULL)
    {
      fprintf (stderr, "bench-nn-fashion: %s\n", error->message);
      return 1;
    }
  em_nn_model_init_weights (model, 1);

  em_nn_train_options_init (&options);
  options.epochs = epochs;
  options.batch_size = batch;
  options.learning_rate = 0.001;
  options.validation_split = 0;
  options.seed = 1;
  data.n = n_train;
  data.n_features = 784;
  data.x = x_train;
  data.y = y_train;
  data.n_classes = 10;
  if (!em_nn_train (model, &data, &options, on_epoch, seconds, NULL, NULL, &error))
    {
      fprintf (stderr, "bench-nn-fashion: training: %s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < seconds->len; i++)
    total += g_array_index (seconds, double, i);
  if (train_only)
    {
      printf ("RESULT seconds_per_epoch=%.3f\n", total / MAX (seconds->len, 1));
      return 0;
    }

  probs = g_new (float, (gsize) n_test * 10);
  f32 = em_nn_compile_float (model, &error);
  n_calib = MIN (n_train, 1000);
  s8 = f32 != NULL ? em_nn_compile_int8 (model, x_train, n_calib, &error) : NULL;
  if (s8 == NULL)
    {
      fprintf (stderr, "bench-nn-fashion: compile: %s\n", error->message);
      return 1;
    }
  em_nn_compiled_run_batch (f32, x_test, n_test, probs);
  printf ("RESULT threads=%d\nRESULT batch=%d\nRESULT epochs=%d\n", threads, batch, epochs);
  printf ("RESULT seconds_per_epoch=%.3f\n", total / MAX (seconds->len, 1));
  printf ("RESULT test_accuracy=%.4f\n", accuracy (probs, y_test, n_test));
  em_nn_compiled_run_batch (s8, x_test, n_test, probs);
  printf ("RESULT int8_test_accuracy=%.4f\n", accuracy (probs, y_test, n_test));
  printf ("RESULT float_arena_bytes=%u\n", em_nn_compiled_program (f32)->arena_size);
  printf ("RESULT int8_arena_bytes=%u\n", em_nn_compiled_program (s8)->arena_size);
  printf ("RESULT float_weight_bytes=%zu\n", em_nn_compiled_weight_bytes (f32));
  printf ("RESULT int8_weight_bytes=%zu\n", em_nn_compiled_weight_bytes (s8));
  printf ("RESULT params=%zu\nRESULT macs=%" G_GUINT64_FORMAT "\n",
          em_nn_model_n_params (model), em_nn_model_macs (model));
  return 0;
}
