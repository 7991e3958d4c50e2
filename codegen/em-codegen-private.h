/* SPDX-License-Identifier: Apache-2.0 */
/* Inside codegen/: the model emitter and the text helpers the writers share. */
#pragma once

#include "em-codegen.h"

G_BEGIN_DECLS

/* C text of one model, in pieces the writer places. */
typedef struct {
  GString   *data;         /* ember_model_data.c: the const arrays */
  GString   *data_decl;    /* ember_model_data.h: their extern declarations */
  GString   *setup;        /* ember_impulse.c, file scope: geometry and quantization structs */
  GString   *body;         /* statements of a function (const float *features, float *outputs) */
  GHashTable *nn_files;    /* nn/ runtime files the calls need (set of names) */
  guint32    arena_bytes;
  guint32    arena_min_bytes; /* the smallest arena any placement could have */
  guint32    n_inputs, n_outputs;
  guint64    weight_bytes;
  guint32    n_ops;
  /* Object detection (grid_w > 0): the model gives per-cell logits
   * [grid_h][grid_w][n_classes + 1] for an input_w × input_h image. */
  guint32    grid_w, grid_h, n_classes, input_w, input_h;
} EmCodegenModel;

void     em_codegen_model_init  (EmCodegenModel *m);
void     em_codegen_model_clear (EmCodegenModel *m);

/* An "emnq" program (int8 or float as @int8 says) for @n_inputs features and
 * @n_outputs outputs. Names are prefixed with @prefix ("em_model_"). */
gboolean em_codegen_emit_nn      (GBytes *emnq, gboolean int8, guint32 n_inputs, guint32 n_outputs,
                                  const char *prefix, EmCodegenModel *m, GError **error);
/* An "em-anomaly-json" model scoring a @n_inputs-feature vector into outputs[0]. */
gboolean em_codegen_emit_anomaly (GBytes *json, guint32 n_inputs, const char *prefix, EmCodegenModel *m,
                                  GError **error);

/* Object detection (em-codegen-detect.c): the "emnq" program of a FOMO-style
 * detector for @n_classes box labels, then the per-cell softmax and the cell
 * merge (nn/em-nn-fomo-post.c) after it. */
gboolean em_codegen_emit_detect  (const EmCodegenImpulse *impulse, guint32 n_inputs, guint32 n_classes,
                                  const char *prefix, EmCodegenModel *m, GError **error);
/* Its parts of ember_impulse.h: the defines and the object type (before the
 * result type), the result's fields; of ember_impulse.c: buffers and
 * em_detect_run (em_impulse_result_t *), which turns the logits in em_cells
 * into result->objects and result->outputs. */
void     em_codegen_detect_header  (GString *s, const EmCodegenModel *m);
void     em_codegen_detect_fields  (GString *s);
void     em_codegen_detect_source  (GString *s, const EmCodegenImpulse *impulse, const EmCodegenModel *m);

/* A C float literal that reads back as exactly @v ("%.9g" + f). */
void     em_codegen_append_float (GString *s, float v);
/* "name = { ... }" bodies, 12 per line. */
void     em_codegen_append_floats (GString *s, const float *v, gsize n);
void     em_codegen_append_ints   (GString *s, const int32_t *v, gsize n);
/* A C string literal of @text (escaped). */
void     em_codegen_append_string (GString *s, const char *text);

/* The dsp/ and nn/ runtime files embedded in this library: contents of
 * "dsp/NAME" or "nn/NAME", NULL when there is no such file. */
GBytes  *em_codegen_runtime_file (const char *path);

G_END_DECLS
