/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-onnx-private.h — what nn/em-nn-import-onnx.c (the entry point and
 * model checks) shares with nn/onnx/em-nn-onnx-util.c (tensors, attributes,
 * layer building) and nn/onnx/em-nn-onnx-ops.c (one handler per operator).
 * Not part of the contract; only built with ONNX support.
 *
 * Layouts: ONNX is NCHW, Ember NHWC. A value of ONNX rank 4 [N, C, H, W]
 * is Ember (h, w, c); rank 3 [N, C, L] is (1, L, C); rank 2 [N, F] is
 * (1, 1, F). Weights are transposed to Ember's layouts as they are read. A
 * Flatten of a tensor with both spatial extent and channels keeps Ember's
 * (h, w, c) element order, which differs from ONNX's (c, h, w): the value
 * is marked, and the Gemm / MatMul that reads it permutes its weight
 * columns instead, so no transpose op is ever needed at run time.
 */
#pragma once

#include <json-glib/json-glib.h>
#include "em-nn-model.h"
#include "onnx.pb-c.h"

G_BEGIN_DECLS

/* Opsets whose operator semantics the handlers follow. */
#define EM_NN_ONNX_OPSET_MIN 7
#define EM_NN_ONNX_OPSET_MAX 18
/* Elements in one tensor (input, activation or initializer). */
#define EM_NN_ONNX_MAX_ELEMENTS (1 << 26)

typedef struct {
  int      layer;    /* the Ember layer that computes it; -1 = the model input */
  int      rank;     /* ONNX rank including the batch: 2, 3 or 4 */
  EmNnDims dims;     /* Ember (h, w, c) */
  gboolean chw;      /* flat, in ONNX's (c, h, w) order of @from (see above) */
  EmNnDims from;
} EmOnnxValue;

/* A constant (initializer or Constant node output) read as numbers. */
typedef struct {
  int     rank;
  gint64  dims[8];
  gsize   n;
  float  *f;         /* float tensors */
  gint64 *i;         /* integer tensors */
} EmOnnxConst;

/* Parameters waiting for the Ember model to be parsed. */
typedef struct {
  float *weights, *bias, *gamma, *beta, *mean, *var;
  gsize  n_weights, n_bias, n_channels;
} EmOnnxParams;

typedef struct {
  int                    opset;
  const Onnx__NodeProto *node;       /* the node being converted, for messages */
  const char            *node_name;
  GHashTable            *values;     /* tensor name → EmOnnxValue */
  GHashTable            *consts;     /* tensor name → const Onnx__TensorProto */
  GHashTable            *uses;       /* tensor name → number of readers */
  GPtrArray             *layers;     /* JsonObject, the Ember architecture */
  GPtrArray             *params;     /* EmOnnxParams, one per layer */
  GPtrArray             *names;      /* Ember layer names */
  GPtrArray             *from_matmul; /* per layer: the MatMul node name, or NULL */
} EmOnnxCtx;

#define EM_ONNX_STR(s) ((s) != NULL ? (s) : "")

/* An EM_NN_ERROR_INVALID_MODEL error prefixed with the current node
 * ("Conv 'conv1': "); returns FALSE. */
gboolean     em_onnx_fail        (EmOnnxCtx *ctx, GError **error, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

/* Sizes and data of a tensor agree with its dims and type. */
gboolean     em_onnx_check_tensor (const Onnx__TensorProto *t, const char *what, GError **error);
/* Read a checked tensor; floats for FLOAT, integers for the integer types. */
gboolean     em_onnx_read_tensor (const Onnx__TensorProto *t, EmOnnxConst *out, const char *what,
                                  GError **error);
void         em_onnx_const_clear (EmOnnxConst *c);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EmOnnxConst, em_onnx_const_clear)
/* Input @i of the current node as a float / int64 constant; @optional:
 * a missing input gives TRUE with out->n == 0 and rank -1. */
gboolean     em_onnx_input_const (EmOnnxCtx *ctx, guint i, gboolean want_float, gboolean optional,
                                  EmOnnxConst *out, GError **error);
/* Input @i as a computed value (not a constant). */
EmOnnxValue *em_onnx_input_value (EmOnnxCtx *ctx, guint i, GError **error);
/* The ONNX shape of a value, batch 1 first; returns the rank. */
int          em_onnx_value_shape (const EmOnnxValue *v, gint64 shape[4]);

/* Attributes outside @allowed (NULL-terminated) are an error. */
gboolean     em_onnx_check_attrs (EmOnnxCtx *ctx, const char * const *allowed, GError **error);
gboolean     em_onnx_attr_int    (EmOnnxCtx *ctx, const char *name, gint64 def, gint64 *out, GError **error);
gboolean     em_onnx_attr_float  (EmOnnxCtx *ctx, const char *name, float def, float *out, GError **error);
/* @n: (inout) capacity in, count out; 0 when absent. */
gboolean     em_onnx_attr_ints   (EmOnnxCtx *ctx, const char *name, gint64 *out, int *n, GError **error);
/* (nullable) the string (not NUL-terminated in the file, so copied). */
gboolean     em_onnx_attr_string (EmOnnxCtx *ctx, const char *name, char **out, GError **error);
/* (nullable) the tensor attribute @name. */
const Onnx__TensorProto *em_onnx_attr_tensor (EmOnnxCtx *ctx, const char *name);

/* Append an Ember layer of @type reading @in0 (and @in1 for add; -2 =
 * none), owning @obj and @params (either may be NULL); returns its index. */
int          em_onnx_add_layer   (EmOnnxCtx *ctx, const char *type, JsonObject *obj, int in0, int in1,
                                  EmOnnxParams *params);
/* Define output @i of the current node. */
void         em_onnx_set_value   (EmOnnxCtx *ctx, guint i, const EmOnnxValue *v);
JsonArray   *em_onnx_pair        (int a, int b);

/* Convert the current node; unsupported ops never get here. */
gboolean     em_onnx_convert_node (EmOnnxCtx *ctx, GError **error);
/* Is (domain, op_type) an operator the converter handles? */
gboolean     em_onnx_op_supported (const char *domain, const char *op_type);

G_END_DECLS
