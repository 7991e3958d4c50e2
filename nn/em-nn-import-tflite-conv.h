/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-import-tflite-conv.h — what the TFLite converter's two files share:
 * em-nn-import-tflite.c (tensors, constants, quantization helpers, the
 * whole-model pass) and em-nn-import-tflite-ops.c (one function per
 * operator). Private to nn/. */
#pragma once

#include "em-nn-compile-private.h"
#include "em-nn-import.h"
#include "em-nn-import-tflite-private.h"

G_BEGIN_DECLS

/* Fused activation values of the schema. */
enum { ACT_NONE = 0, ACT_RELU = 1, ACT_RELU_N1_TO_1 = 2, ACT_RELU6 = 3 };
/* Padding values. */
enum { PAD_SAME = 0, PAD_VALID = 1 };

typedef struct {
  const TflModel *m;
  EmNnImported   *imp;
  EmNnCompiled   *c;
  GArray         *ops, *tensors, *root;
  GPtrArray      *names;
  gint32         *map;          /* TFLite tensor → program tensor, or -1 */
  gboolean        int8;
  GError        **error;
  /* Float model: TFLite tensor → its float32 values when a DEQUANTIZE of
   * constant float16 / int8 weights computes it (kept in c), else NULL. */
  const float   **dequantized;
} Conv;

#define TENSOR(i) (&g_array_index (cv->tensors, EmNnTensor, (i)))

/* An element-wise int8 op as a table. */
typedef enum { LUT_REQUANT, LUT_RELU, LUT_RELU6 } LutKind;

gboolean      tfl_fail           (Conv *cv, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
gboolean      tfl_tensor_dims    (Conv *cv, guint32 t, EmNnDims *d);
gboolean      tfl_tensor_quant   (Conv *cv, guint32 t, float *scale, gint32 *zp);
gint32        tfl_program_tensor (Conv *cv, gint32 t, gint32 alias_of);
gconstpointer tfl_const_data     (Conv *cv, gint32 t, guint8 type, guint64 count, gboolean optional, const char *what);
gboolean      tfl_pad_of         (Conv *cv, const char *what, gint64 padding, int in, int k, int stride, int out,
                                  gint32 *pad);
gboolean      tfl_fused_act      (Conv *cv, const char *what, gint64 act, gint32 out, EmNnOp *op);
void          tfl_push_op        (Conv *cv, EmNnOp *op, guint32 index, const TflOp *src);
EmNnOp        tfl_new_op         (EmNnOpKind kind, gint32 in, gint32 out);
gboolean      tfl_requant        (Conv *cv, const char *what, gint32 weights_t, gint32 in, gint32 out, gint32 out_c,
                                  EmNnOp *op);
const int8_t *tfl_make_lut       (Conv *cv, LutKind kind, gint32 in, gint32 out);
void          tfl_row            (Conv *cv, const TflOp *src, gint32 out_t, guint64 params, guint64 macs);
gboolean      tfl_supported      (gint32 code);
/* em-nn-import-tflite-ops.c: operator @index into the program. */
gboolean      tfl_convert_op     (Conv *cv, guint32 index);
/* em-nn-import-tflite-model.c: the float program @c (with its root) as
 * Ember's float network, or NULL + the reason. (transfer full) */
EmNnModel    *tfl_float_model    (const EmNnCompiled *c, GError **error);

G_END_DECLS
