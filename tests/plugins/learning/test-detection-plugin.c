/* SPDX-License-Identifier: Apache-2.0 */
/* The object-detection learning block through the plugin ABI: descriptor,
 * training on synthetic images with boxes (EmLearnData.boxes), the report,
 * run()'s object layout (EM_LEARN_OBJECT_*), float and int8, export, and
 * bad input (no boxes, no image input, a corrupt blob). */
#include <math.h>
#include <string.h>
#include <gmodule.h>
#include <json-glib/json-glib.h>
#include "ember-plugin.h"

#define SIDE 32
#define N_IMAGES 160
#define N_FEATURES (SIDE * SIDE * 3)

static const char *const labels[] = { "bright", "dark" };

static const EmLearningOps *
detection_ops (const EmBlockInfo **info_out)
{
  static GModule *module;
  EmPluginInfoFunc get = NULL;
  const EmPluginInfo *info;

  if (module == NULL)
    module = g_module_open (DETECTION_PLUGIN, G_MODULE_BIND_LOCAL);
  g_assert_nonnull (module);
  g_assert_true (g_module_symbol (module, EM_PLUGIN_SYMBOL, (gpointer *) &get));
  info = get ();
  g_assert_cmpuint (info->abi_version, ==, EM_PLUGIN_ABI);
  g_assert_cmpuint (info->n_blocks, ==, 1);
  if (info_out != NULL)
    *info_out = &info->blocks[0];
  return info->blocks[0].ops;
}

typedef struct {
  float      *x;
  EmLearnBox *boxes;
  uint32_t   *box_start;
} Images;

static void
images_free (Images *im)
{
  g_free (im->x);
  g_free (im->boxes);
  g_free (im->box_start);
  g_free (im);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Images, images_free)

/* Grey noise with one 6×6 square, white (label 1) or black (label 2). */
static Images *
images_new (guint32 seed)
{
  Images *im = g_new0 (Images, 1);
  g_autoptr(GRand) r = g_rand_new_with_seed (seed);

  im->x = g_new (float, (gsize) N_IMAGES * N_FEATURES);
  im->boxes = g_new (EmLearnBox, N_IMAGES);
  im->box_start = g_new (uint32_t, N_IMAGES + 1);
  for (int i = 0; i < N_IMAGES; i++)
    {
      float *img = im->x + (gsize) i * N_FEATURES;
      int label = 1 + i % 2, x0 = g_rand_int_range (r, 0, SIDE - 6), y0 = g_rand_int_range (r, 0, SIDE - 6);

      for (int p = 0; p < N_FEATURES; p++)
        img[p] = (float) g_rand_double_range (r, 100, 150);
      for (int y = y0; y < y0 + 6; y++)
        for (int x = x0; x < x0 + 6; x++)
          for (int c = 0; c < 3; c++)
            img[(y * SIDE + x) * 3 + c] = label == 1 ? 255.f : 0.f;
      im->boxes[i] = (EmLearnBox) { label, x0, y0, 6, 6 };
      im->box_start[i] = i;
    }
  im->box_start[N_IMAGES] = N_IMAGES;
  return im;
}

static EmLearnInfo
image_info (void)
{
  return (EmLearnInfo) { .n_features = N_FEATURES, .rows = SIDE * SIDE, .cols = 3, .n_inputs = 1,
                         .input_kind = EM_INPUT_IMAGE, .width = SIDE, .height = SIDE, .n_classes = 2,
                         .labels = labels };
}

static const EmPluginParam params[] = {
  { "epochs", "12" }, { "alpha", "0.25" }, { "batch_size", "16" }, { "learning_rate", "0.01" },
};

static void
test_descriptor (void)
{
  const EmBlockInfo *info = NULL;
  const EmLearningOps *ops = detection_ops (&info);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_cmpstr (info->id, ==, "object-detection");
  g_assert_cmpint (info->kind, ==, EM_BLOCK_LEARNING);
  g_assert_cmpuint (info->input_kinds, ==, EM_INPUT_IMAGE);
  g_assert_cmpuint (ops->task, ==, EM_TASK_OBJECT_DETECTION);
  g_assert_true (json_parser_load_from_data (parser, info->params_schema, -1, NULL));
  g_assert_nonnull (ops->export_model);
}

static void
test_train_run_export (void)
{
  const EmLearningOps *ops = detection_ops (NULL);
  g_autoptr(Images) im = images_new (1);
  EmLearnInfo info = image_info ();
  EmLearnData data = { .n = N_IMAGES, .x = im->x, .box_start = im->box_start, .boxes = im->boxes };
  g_autofree char *report = g_malloc0 (65536);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;
  char err[512] = "";
  void *model = NULL;
  size_t len = 0;
  float out[1 + EM_LEARN_MAX_OBJECTS * EM_LEARN_OBJECT_FLOATS];

  g_assert_cmpint (ops->train (params, G_N_ELEMENTS (params), &info, &data, NULL, &model, &len, report, 65536, err,
                               sizeof err), ==, 0);
  g_assert_nonnull (model);
  root = json_from_string (report, NULL);
  g_assert_nonnull (root);
  o = json_node_get_object (root);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (o, "grid"), 0), ==, SIDE / 8);
  g_assert_true (json_object_has_member (o, "validation_detection"));
  g_test_message ("validation F1 %.3f",
                  json_object_get_double_member (json_object_get_object_member (o, "validation_detection"), "f1_all"));

  for (int int8 = 0; int8 <= 1; int8++)
    {
      void *state = NULL;
      uint32_t n_outputs = 0;
      int hits = 0, extra = 0;

      g_assert_cmpint (ops->load (model, len, int8, &state, &n_outputs, err, sizeof err), ==, 0);
      g_assert_cmpuint (n_outputs, ==, G_N_ELEMENTS (out));
      for (int i = 0; i < N_IMAGES; i++)
        {
          const EmLearnBox *b = &im->boxes[i];
          int n;

          g_assert_cmpint (ops->run (state, im->x + (gsize) i * N_FEATURES, out, err, sizeof err), ==, 0);
          n = (int) out[0];
          extra += n > 1 ? n - 1 : 0;
          g_assert_cmpfloat (out[0], ==, n);
          g_assert_cmpint (n, >=, 0);
          g_assert_cmpint (n, <=, EM_LEARN_MAX_OBJECTS);
          for (int k = 0; k < n; k++)
            {
              const float *ob = out + 1 + k * EM_LEARN_OBJECT_FLOATS;
              g_assert_true (ob[0] == 1 || ob[0] == 2);
              g_assert_true (ob[1] >= 0 && ob[2] >= 0 && ob[1] + ob[3] <= SIDE && ob[2] + ob[4] <= SIDE);
              g_assert_true (ob[7] > 0 && ob[7] <= 1);
              /* the right class with its centroid in the box */
              if (ob[0] == b->label && ob[5] >= b->x && ob[5] <= b->x + b->w && ob[6] >= b->y &&
                  ob[6] <= b->y + b->h)
                {
                  hits++;
                  break;
                }
            }
        }
      g_test_message ("%s: the object found in %d of %d images, %d extra objects", int8 ? "int8" : "float", hits,
                      N_IMAGES, extra);
      /* 12 short epochs on a 4 x 4 grid: not perfect, far above chance */
      g_assert_cmpint (hits, >=, N_IMAGES * 2 / 3);
      g_assert_cmpint (extra, <=, N_IMAGES / 2);
      ops->free (state);
    }

  {
    const char *format = NULL;
    void *bytes = NULL;
    size_t n_bytes = 0;
    g_assert_cmpint (ops->export_model (model, len, 1, &format, &bytes, &n_bytes, err, sizeof err), ==, 0);
    g_assert_cmpstr (format, ==, "emnq");
    g_assert_cmpuint (n_bytes, >, 0);
    free (bytes);
  }

  /* A blob cut short is refused with a reason. */
  {
    void *state = NULL;
    uint32_t n_outputs = 0;
    g_assert_cmpint (ops->load (model, len / 2, 0, &state, &n_outputs, err, sizeof err), <, 0);
    g_test_message ("%s", err);
    g_assert_nonnull (strstr (err, "object-detection"));
    g_assert_null (state);
  }
  ops->free_model (model);
}

static void
expect_fail (const EmLearnInfo *info, const EmLearnData *data, const char *message)
{
  const EmLearningOps *ops = detection_ops (NULL);
  char err[512] = "";
  void *model = NULL;
  size_t len = 0;

  g_assert_cmpint (ops->train (params, G_N_ELEMENTS (params), info, data, NULL, &model, &len, NULL, 0, err,
                               sizeof err), <, 0);
  g_assert_null (model);
  g_test_message ("%s", err);
  if (strstr (err, message) == NULL)
    g_error ("'%s' does not contain '%s'", err, message);
}

static void
test_bad_input (void)
{
  g_autoptr(Images) im = images_new (2);
  EmLearnInfo info = image_info ();
  EmLearnData data = { .n = N_IMAGES, .x = im->x };
  uint32_t *none = g_new0 (uint32_t, N_IMAGES + 1);

  expect_fail (&info, &data, "object detection needs bounding boxes");
  data.box_start = none;
  data.boxes = im->boxes;
  expect_fail (&info, &data, "object detection needs bounding boxes");
  data.box_start = im->box_start;
  info.input_kind = EM_INPUT_TIME_SERIES;
  expect_fail (&info, &data, "needs an image input");
  info = image_info ();
  im->boxes[7].label = 3;
  expect_fail (&info, &data, "window 7");
  g_free (none);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plugins/learning/detection/descriptor", test_descriptor);
  g_test_add_func ("/plugins/learning/detection/train-run-export", test_train_run_export);
  g_test_add_func ("/plugins/learning/detection/bad-input", test_bad_input);
  return g_test_run ();
}
