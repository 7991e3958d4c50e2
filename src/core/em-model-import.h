/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <json-glib/json-glib.h>
#include "em-nn-import.h"
#include "em-project.h"

G_BEGIN_DECLS

/* Bring your own model into a project: what `ember-cli model import` and
 * the app's "Bring your own model" page both do.
 *
 * The imported model becomes a "classification" learning block whose blob
 * is the one Ember's neural-network blocks write (EMLB, see
 * plugins/learning/em-learn-util.h): an int8 TFLite model is its "QINT"
 * program with the model's own quantization (never re-quantized), a float
 * model (ONNX, float32 TFLite) its "MODL" network (plus a "QINT" quantized
 * on the project's training features when it has some). Its input is the impulse's
 * features: a project without an impulse gets a passthrough one, a "raw"
 * processing block over a one-axis window of exactly as many frames as the
 * model has inputs, so the window's values reach the model unchanged (and
 * are quantized with the model's own input scale and zero point). */

/* Read and import @path (TFLite by its identifier, ONNX by its name);
 * errors start with the file's base name. (transfer full) */
EmNnImported *em_model_import_read (const char *path, GError **error);

/* The model as JSON members (source, format, shapes, quantization, the
 * layer table, totals) into an open object of @b. */
void          em_model_import_add_json (JsonBuilder *b, const EmNnImported *imp, const char *source);

typedef struct {
  const char *block_id;      /* NULL: "byom"; replaced when it exists */
  const char *labels;        /* "a,b,c" in the model's output order; NULL: output_0, … */
  double      frequency_hz;  /* passthrough window's rate; 0: the data's, else 16000 */
  const char *input_block;   /* the processing block that feeds the model; NULL: all of them */
} EmModelImportOptions;

/* What em_model_import_into_project() refuses before it touches the
 * project: a float32 TFLite model Ember's float network cannot express,
 * e.g. with CONCATENATION (EM_ERROR_INVALID_DATA, with the reason), a label count
 * that is not the model's output count (EM_ERROR_INVALID_ARGUMENT). */
gboolean      em_model_import_check (const EmNnImported *imp, const char *source,
                                     const EmModelImportOptions *options, GError **error);

/* Store @imp (read from a file named @source) in @project. Returns what was
 * done, one line per fact ("Created a passthrough impulse: …",
 * "Imported x.tflite as learning block 'byom': …"). Errors:
 * EM_ERROR_INVALID_ARGUMENT for bad options (label count, a block id that
 * names a processing block, an unknown input block). (transfer full) */
char         *em_model_import_into_project (EmProject *project, const EmNnImported *imp, const char *source,
                                            const EmModelImportOptions *options, GError **error);

/* A tensor shape for people: "10", "49×40" (w × c when h is 1), "96×96×1";
 * @times is the separator ("×" in the app, "x" in terminal output).
 * (transfer full) */
char         *em_model_import_dims_text (EmNnDims dims, const char *times);

G_END_DECLS
