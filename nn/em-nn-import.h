/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-import.h — bring your own model: read a TensorFlow Lite flatbuffer
 * (em-nn-import-tflite.c) or an ONNX protobuf (em-nn-import-onnx.c) into
 * nn/'s representations.
 *
 * What an importer gives depends on the source:
 *  - an int8 TFLite model becomes an int8 EmNnCompiled that keeps the
 *    model's own quantization (scales, zero points, per-channel weight
 *    scales): nothing is re-quantized, so the generated code computes what
 *    TensorFlow Lite computes, bit for bit;
 *  - a float model (float32 TFLite, ONNX) becomes an EmNnModel (the JSON
 *    architecture plus float weights), which Ember compiles to float or
 *    quantizes to int8 with a calibration set like a model it trained; a
 *    float TFLite model also comes as a float EmNnCompiled (and without the
 *    EmNnModel, with no_model_reason set, when it uses an operator Ember's
 *    float network has no layer for, e.g. CONCATENATION).
 * Either way the importer fills a layer table in the source's own terms
 * (op names as the file spells them) for `ember-cli model show|profile`.
 *
 * Host side (GLib). Every length, offset and index in the file is checked
 * before it is used: a malformed file gives one GError line in
 * EM_NN_ERROR / EM_NN_ERROR_INVALID_MODEL naming the element and the reason
 * ("tensor 12: buffer 40 out of range"), never a crash. Operators the
 * importer does not support are all listed by name in one error
 * ("unsupported operators: GATHER, LSTM").
 */
#pragma once

#include <glib.h>
#include "em-nn-compile.h"
#include "em-nn-model.h"

G_BEGIN_DECLS

typedef enum {
  EM_NN_IMPORT_TFLITE = 1,
  EM_NN_IMPORT_ONNX = 2,
} EmNnImportFormat;

/* One row of the layer table, as the source model has it. */
typedef struct {
  char     *name;        /* the op's output tensor name (or "op_<i>") */
  char     *op;          /* the source's op name: "CONV_2D", "Conv" */
  EmNnDims  out;         /* output shape (h, w, c; [n] is (1, 1, n)) */
  guint64   params;      /* weights + biases (elements) */
  guint64   macs;        /* multiply-accumulates per inference */
} EmNnImportedLayer;

typedef struct {
  EmNnImportFormat format;
  char          *producer;     /* e.g. "TFLite schema v3, TOCO Converted." (never NULL) */
  EmNnDims       input, output;
  /* TRUE: the model's input tensor is int8 (feed scale/zero point below);
   * FALSE: float32. Same for the output. */
  gboolean       input_int8, output_int8;
  float          input_scale, output_scale;        /* int8 only, else 0 */
  int32_t        input_zero_point, output_zero_point;
  /* (nullable) float network; ONNX, float TFLite. */
  EmNnModel     *model;
  /* (nullable) a ready program: the int8 TFLite program with the model's
   * own quantization, or a float TFLite program. */
  EmNnCompiled  *compiled;
  /* (nullable) a float TFLite program that Ember's float network cannot
   * express (so it can be shown and profiled, not imported): why. */
  char          *no_model_reason;
  GArray        *layers;       /* (element-type EmNnImportedLayer) in execution order */
} EmNnImported;

EmNnImported *em_nn_imported_new   (EmNnImportFormat format);
void          em_nn_imported_free  (EmNnImported *imported);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmNnImported, em_nn_imported_free)
/* Append a row (name and op copied). */
void          em_nn_imported_add_layer (EmNnImported *imported, const char *name, const char *op,
                                        EmNnDims out, guint64 params, guint64 macs);
guint64       em_nn_imported_params (const EmNnImported *imported);
guint64       em_nn_imported_macs   (const EmNnImported *imported);

/* (transfer full) NULL + error on a malformed or unsupported model. */
EmNnImported *em_nn_import_tflite  (const guint8 *data, gsize len, GError **error);
EmNnImported *em_nn_import_onnx    (const guint8 *data, gsize len, GError **error);

/* Which format @data is: TFLite by its "TFL3" identifier, else ONNX when
 * the file name ends in ".onnx"; 0 when neither. */
EmNnImportFormat em_nn_import_detect (const guint8 *data, gsize len, const char *filename);

G_END_DECLS
