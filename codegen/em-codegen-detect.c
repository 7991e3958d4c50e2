/* SPDX-License-Identifier: Apache-2.0 */
/* Object detection (FOMO-style) in generated code. The exported program
 * ends at per-cell logits (see plugins/learning/object-detection), so the
 * library runs what Ember runs after it: one softmax per cell
 * (em_nn_fomo_softmax_f32) on the dequantized logits, then the merge of
 * touching cells of one class into objects (em_nn_fomo_objects_f32), the
 * very functions of nn/em-nn-fomo-post.c with the same arguments, so the
 * objects are Ember's bit for bit on the same machine. The grid and the
 * input size come from the program's tensors; the threshold and the
 * connectivity from the block's training report. */
#include <json-glib/json-glib.h>
#include "em-codegen-detect.h"
#include "em-codegen-private.h"
#include "em-nn-compile.h"

/* As many objects as Ember's run() reports (EM_LEARN_MAX_OBJECTS), so a
 * crowded image keeps the same ones. */
#define DETECT_MAX_OBJECTS 64

static gboolean
number_node (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) &&
         (json_node_get_value_type (node) == G_TYPE_DOUBLE || json_node_get_value_type (node) == G_TYPE_INT64);
}

gboolean
em_codegen_detect_settings_from_report (EmCodegenImpulse *impulse, const char *report, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *model = NULL;
  double threshold = 0;
  gint64 connectivity = 8;

  if (report != NULL && json_parser_load_from_data (parser, report, -1, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
      json_object_has_member (json_node_get_object (root), "model") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (root), "model")))
    model = json_object_get_object_member (json_node_get_object (root), "model");
  if (model != NULL && json_object_has_member (model, "threshold") &&
      number_node (json_object_get_member (model, "threshold")))
    threshold = json_object_get_double_member (model, "threshold");
  if (!(threshold > 0 && threshold <= 1))
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID,
                   "object detection: the training report has no \"threshold\" in (0, 1]; retrain the block");
      return FALSE;
    }
  if (json_object_has_member (model, "connectivity"))
    connectivity = number_node (json_object_get_member (model, "connectivity"))
                     ? (gint64) json_object_get_double_member (model, "connectivity") : 0;
  if (connectivity != 4 && connectivity != 8)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID,
                   "object detection: the training report's \"connectivity\" is %" G_GINT64_FORMAT ", not 4 or 8",
                   connectivity);
      return FALSE;
    }
  impulse->threshold = (float) threshold;
  impulse->detect_connectivity = (gint32) connectivity;
  return TRUE;
}

gboolean
em_codegen_emit_detect (const EmCodegenImpulse *impulse, guint32 n_inputs, guint32 n_classes, const char *prefix,
                        EmCodegenModel *m, GError **error)
{
  g_autoptr(EmNnCompiled) compiled = NULL;
  g_autoptr(GError) local = NULL;
  const EmNnProgram *p;
  const EmNnTensor *ti, *to;
  guint32 n_cells;

  compiled = em_nn_compiled_load (impulse->model, &local);
  if (compiled == NULL)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "model: %s", local->message);
      return FALSE;
    }
  p = em_nn_compiled_program (compiled);
  if (p->input_tensor < 0 || (guint32) p->input_tensor >= p->n_tensors || p->output_tensor < 0 ||
      (guint32) p->output_tensor >= p->n_tensors)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "model: no input or output tensor");
      return FALSE;
    }
  ti = &p->tensors[p->input_tensor];
  to = &p->tensors[p->output_tensor];
  if (to->h < 1 || to->w < 1 || to->c < 2 || (guint64) to->h * to->w * to->c != to->size || ti->h < to->h ||
      ti->w < to->w)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID,
                   "object detection: the model's output (%d x %d x %d) is not a grid of cells smaller than its "
                   "input (%d x %d)", to->h, to->w, to->c, ti->h, ti->w);
      return FALSE;
    }
  if ((guint32) to->c != n_classes + 1)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID,
                   "object detection: the model's cells have %d channels, but %u labels need %u (background first)",
                   to->c, n_classes, n_classes + 1);
      return FALSE;
    }
  if (!(impulse->threshold > 0 && impulse->threshold <= 1) ||
      (impulse->detect_connectivity != 0 && impulse->detect_connectivity != 4 && impulse->detect_connectivity != 8))
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID,
                   "object detection: threshold %g or connectivity %d is out of range ((0, 1]; 4 or 8)",
                   (double) impulse->threshold, impulse->detect_connectivity);
      return FALSE;
    }
  n_cells = (guint32) to->h * (guint32) to->w;
  /* Set first: em_codegen_emit_nn() then also asks for the post-processing files. */
  m->grid_w = (guint32) to->w;
  m->grid_h = (guint32) to->h;
  m->input_w = (guint32) ti->w;
  m->input_h = (guint32) ti->h;
  m->n_classes = n_classes;
  if (!em_codegen_emit_nn (impulse->model, impulse->int8, n_inputs, n_cells * (n_classes + 1), prefix, m, error))
    return FALSE;
  m->n_outputs = n_classes;
  return TRUE;
}

void
em_codegen_detect_header (GString *s, const EmCodegenModel *m)
{
  g_string_append (s,
    "/* Object detection (FOMO-style): the model maps the image to a grid of\n"
    " * cells, each a softmax over background and the classes; touching cells\n"
    " * of one class whose probability reaches em_impulse_threshold merge into\n"
    " * one object. Boxes are in the pixels of the model's input image. */\n"
    "#define EM_IMPULSE_OBJECT_DETECTION 1\n");
  g_string_append_printf (s, "#define EM_IMPULSE_GRID_W        %uu\n#define EM_IMPULSE_GRID_H        %uu\n",
                          m->grid_w, m->grid_h);
  g_string_append_printf (s, "#define EM_IMPULSE_MODEL_WIDTH   %uu   /* pixels of the model input (boxes) */\n"
                             "#define EM_IMPULSE_MODEL_HEIGHT  %uu\n", m->input_w, m->input_h);
  g_string_append_printf (s, "#define EM_IMPULSE_N_CELL_VALUES %uu   /* GRID_H x GRID_W x (N_OUTPUTS + 1) */\n",
                          m->grid_w * m->grid_h * (m->n_classes + 1));
  g_string_append_printf (s, "#define EM_IMPULSE_MAX_OBJECTS   %uu\n\n", DETECT_MAX_OBJECTS);
  g_string_append (s,
    "typedef struct {\n"
    "  int32_t label;       /* index into em_impulse_labels, 0..EM_IMPULSE_N_OUTPUTS - 1 */\n"
    "  float   x, y, w, h;  /* bounding box of the merged cells: (x, y) its top-left corner,\n"
    "                        * x to the right, y down, in model input pixels */\n"
    "  float   cx, cy;      /* centroid: the cells' centres weighted by their probability */\n"
    "  float   score;       /* highest probability of the class among the cells, 0..1 */\n"
    "} em_impulse_object_t;\n\n"
    "/* The per-cell probabilities of the last run: [GRID_H][GRID_W][N_OUTPUTS + 1],\n"
    " * background first (EM_IMPULSE_N_CELL_VALUES values). */\n"
    "const float *em_impulse_cell_probs (void);\n\n");
}

void
em_codegen_detect_fields (GString *s)
{
  g_string_append (s,
    "  /* Object detection: outputs[c] is class c's highest cell probability. The\n"
    "   * objects in raster order of their top-left cell; when more than\n"
    "   * EM_IMPULSE_MAX_OBJECTS are found, those with the highest scores. */\n"
    "  int32_t  n_objects;\n"
    "  em_impulse_object_t objects[EM_IMPULSE_MAX_OBJECTS];\n");
}

void
em_codegen_detect_source (GString *s, const EmCodegenImpulse *impulse, const EmCodegenModel *m)
{
  g_string_append (s,
    "/* Object detection: the model writes per-cell logits into em_cells; one\n"
    " * softmax per cell makes them probabilities, then touching cells of one\n"
    " * class merge into objects (nn/em-nn-fomo-post.c, as in Ember). */\n"
    "static float em_cells[EM_IMPULSE_N_CELL_VALUES] EM_ALIGNED;\n"
    "static int32_t em_cells_scratch[2u * EM_IMPULSE_GRID_W * EM_IMPULSE_GRID_H];\n"
    "static EmNnFomoObject em_found[EM_IMPULSE_MAX_OBJECTS];\n");
  g_string_append_printf (s, "static const EmNnFomoPostParams em_post = { %u, %u, %u, %u, %u, ", m->input_w,
                          m->input_h, m->grid_w, m->grid_h, m->n_classes);
  em_codegen_append_float (s, impulse->threshold);
  g_string_append_printf (s, ", %d };\n\n", impulse->detect_connectivity != 0 ? impulse->detect_connectivity : 8);
  g_string_append (s,
    "static int\nem_detect_run (em_impulse_result_t *result)\n{\n"
    "  const int32_t n_cells = (int32_t) (EM_IMPULSE_GRID_W * EM_IMPULSE_GRID_H);\n"
    "  const int32_t n_channels = (int32_t) EM_IMPULSE_N_OUTPUTS + 1;\n"
    "  int32_t n, i, c;\n\n"
    "  em_nn_fomo_softmax_f32 (em_cells, n_cells, n_channels, em_cells);\n"
    "  n = em_nn_fomo_objects_f32 (&em_post, em_cells, em_found, (int32_t) EM_IMPULSE_MAX_OBJECTS,\n"
    "                              em_cells_scratch, sizeof em_cells_scratch);\n"
    "  if (n < 0)\n    return -1;\n"
    "  if (n > (int32_t) EM_IMPULSE_MAX_OBJECTS)\n    n = (int32_t) EM_IMPULSE_MAX_OBJECTS;\n"
    "  result->n_objects = n;\n"
    "  for (i = 0; i < n; i++)\n    {\n"
    "      em_impulse_object_t *o = &result->objects[i];\n"
    "      /* em_found labels count from 1: 0 is the background. */\n"
    "      o->label = em_found[i].label - 1;\n"
    "      o->x = em_found[i].x;\n      o->y = em_found[i].y;\n"
    "      o->w = em_found[i].w;\n      o->h = em_found[i].h;\n"
    "      o->cx = em_found[i].cx;\n      o->cy = em_found[i].cy;\n"
    "      o->score = em_found[i].score;\n    }\n"
    "  for (c = 0; c < (int32_t) EM_IMPULSE_N_OUTPUTS; c++)\n    result->outputs[c] = 0.0f;\n"
    "  for (i = 0; i < n_cells; i++)\n"
    "    for (c = 0; c < (int32_t) EM_IMPULSE_N_OUTPUTS; c++)\n"
    "      if (em_cells[i * n_channels + 1 + c] > result->outputs[c])\n"
    "        result->outputs[c] = em_cells[i * n_channels + 1 + c];\n"
    "  return 0;\n}\n\n"
    "const float *\nem_impulse_cell_probs (void)\n{\n  return em_cells;\n}\n\n");
}
