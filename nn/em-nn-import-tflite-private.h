/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-import-tflite-private.h — the TFLite flatbuffer as plain structs.
 * em-nn-import-tflite-fb.c reads the part of the schema (schema.fbs, v3)
 * Ember needs and checks every offset, vtable, vector and buffer index;
 * em-nn-import-tflite.c converts the result into an nn/ program. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TensorType values of the schema. */
enum {
  TFL_FLOAT32 = 0,
  TFL_FLOAT16 = 1,
  TFL_INT32 = 2,
  TFL_UINT8 = 3,
  TFL_INT64 = 4,
  TFL_INT16 = 7,
  TFL_INT8 = 9,
};

/* BuiltinOperator values Ember converts. */
enum {
  TFL_OP_ADD = 0,
  TFL_OP_AVERAGE_POOL_2D = 1,
  TFL_OP_CONCATENATION = 2,
  TFL_OP_CONV_2D = 3,
  TFL_OP_DEPTHWISE_CONV_2D = 4,
  TFL_OP_DEQUANTIZE = 6,
  TFL_OP_FULLY_CONNECTED = 9,
  TFL_OP_LOGISTIC = 14,
  TFL_OP_MAX_POOL_2D = 17,
  TFL_OP_RELU = 19,
  TFL_OP_RELU6 = 21,
  TFL_OP_RESHAPE = 22,
  TFL_OP_SOFTMAX = 25,
  TFL_OP_TANH = 28,
  TFL_OP_PAD = 34,
  TFL_OP_MEAN = 40,
  TFL_OP_SQUEEZE = 43,
  TFL_OP_QUANTIZE = 113,
};

#define TFL_MAX_RANK 6

typedef struct {
  guint8         type;
  int            rank;
  gint32         shape[TFL_MAX_RANK];
  guint32        buffer;
  char          *name;          /* owned */
  guint32        n_scales, n_zero_points;
  const guint8  *scales;        /* n_scales float32 LE, in the file */
  const guint8  *zero_points;   /* n_zero_points int64 LE, in the file */
  gint32         quantized_dimension;
} TflTensor;

typedef struct {
  gint32         code;          /* BuiltinOperator */
  char          *code_name;     /* owned: "CONV_2D", or the custom code */
  guint32        n_inputs, n_outputs;
  gint32        *inputs, *outputs;   /* owned; -1 = optional input absent */
  guint8         options_type;  /* BuiltinOptions union type, 0 = none */
  /* Option fields, read by position in the options table (absent fields
   * keep the schema's default): see em-nn-import-tflite-fb.c. */
  gint64         opt[8];
  gboolean       opt_present[8];
  /* ReshapeOptions.new_shape is a vector: not needed (the output tensor
   * has the shape). */
} TflOp;

typedef struct {
  const guint8  *data;
  gsize          len;
} TflBuffer;

typedef struct {
  guint32     version;
  char       *description;     /* owned, never NULL */
  guint32     n_tensors, n_ops, n_buffers;
  TflTensor  *tensors;
  TflOp      *ops;
  TflBuffer  *buffers;
  guint32     n_inputs, n_outputs;
  gint32     *inputs, *outputs;
} TflModel;

/* Parse and check the container; NULL + one-line error. (transfer full) */
TflModel   *tfl_model_read  (const guint8 *data, gsize len, GError **error);
void        tfl_model_free  (TflModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TflModel, tfl_model_free)

/* "CONV_2D" for a builtin code; "BUILTIN_<n>" beyond the table. (static
 * or NULL: then the caller formats the number.) */
const char *tfl_op_name     (gint32 code);

/* The element @i of a tensor's scale / zero point vector. */
float       tfl_scale       (const TflTensor *t, guint32 i);
gint64      tfl_zero_point  (const TflTensor *t, guint32 i);

G_END_DECLS
