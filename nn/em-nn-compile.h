/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-compile.h — turn a trained model into an EmNnProgram (float32 or
 * int8) that owns its weights, op list and arena plan; run it on the host.
 *
 * Float: fold batchnorm (em_nn_model_fold), fuse a following activation layer
 * into conv/dense/add where the kernel can, drop reshape/flatten where the
 * buffer can be reused as is (NHWC memory is already flat).
 *
 * int8 post-training quantization: weights symmetric per output channel
 * (zero point 0, scale = max|w| / 127), bias int32 with scale
 * input_scale × weight_scale, activations asymmetric per tensor calibrated
 * on representative windows (min/max over them, range widened to include 0),
 * requantization multiplier + shift from em_nn_quantize_multiplier. Pools,
 * reshape keep their input's quantization; softmax output 1/256, -128;
 * sigmoid / tanh through 256-entry tables. Deterministic: the same model and
 * calibration windows give the same bytes.
 */
#pragma once

#include <glib.h>
#include "em-nn-model.h"
#include "em-nn-program.h"

G_BEGIN_DECLS

typedef struct _EmNnCompiled EmNnCompiled;

/* (transfer full) */
EmNnCompiled      *em_nn_compile_float  (const EmNnModel *model, GError **error);
/* calibration: n × input-size floats (training windows). (transfer full) */
EmNnCompiled      *em_nn_compile_int8   (const EmNnModel *model, const float *calibration, int n,
                                         GError **error);
void               em_nn_compiled_free  (EmNnCompiled *compiled);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmNnCompiled, em_nn_compiled_free)

/* The program (borrowed; valid while @compiled lives), for codegen. */
const EmNnProgram *em_nn_compiled_program (const EmNnCompiled *compiled);
/* Bytes of constant data (weights, biases, multipliers, tables). */
gsize              em_nn_compiled_weight_bytes (const EmNnCompiled *compiled);
/* Names of the layers each op came from ("conv2d_1+relu"), [n_ops]. */
const char * const *em_nn_compiled_op_names (const EmNnCompiled *compiled);

/* Run one window: float input (quantized at the edge for int8), float
 * output (dequantized for int8). Uses an arena the compiled model owns, so
 * one thread at a time. */
void               em_nn_compiled_run   (EmNnCompiled *compiled, const float *input, float *output);
/* n windows. */
void               em_nn_compiled_run_batch (EmNnCompiled *compiled, const float *input, int n,
                                             float *output);

/* Save / load the compiled form (int8 or float) with magic "EMNQ" + version,
 * so a trained project does not re-quantize. */
GBytes            *em_nn_compiled_save  (const EmNnCompiled *compiled);
EmNnCompiled      *em_nn_compiled_load  (GBytes *bytes, GError **error);

G_END_DECLS
