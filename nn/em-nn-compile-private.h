/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-compile-private.h — what em-nn-compile.c (float programs, arena
 * planning, save/load) and em-nn-compile-int8.c (calibration and
 * quantization) share. Not part of the contract; tests may use it. */
#pragma once

#include "em-nn-compile.h"

G_BEGIN_DECLS

struct _EmNnCompiled {
  EmNnProgram  program;      /* points into ops / tensors below */
  EmNnOp      *ops;          /* [n_ops] */
  EmNnTensor  *tensors;      /* [n_tensors] */
  /* Storage root of each tensor: flatten / reshape / dropout / linear
   * activation outputs alias their input's bytes. NULL after a load (only
   * planning needs it). */
  int32_t     *root;
  char       **op_names;     /* [n_ops + 1], NULL-terminated */
  GPtrArray   *blobs;        /* constant data the ops point into (g_free) */
  gsize        weight_bytes;
  guint8      *arena_mem;    /* arena_size + EM_NN_ARENA_ALIGN bytes */
  void        *arena;        /* aligned into arena_mem */
};

/* The float program of @model. With @split_tables the structure is the one
 * the int8 program will have: sigmoid / tanh are separate ACTIVATION ops
 * (int8 does them by table), never fused, so every int8 tensor has a float
 * twin to calibrate on. (transfer full) */
EmNnCompiled *em_nn_compiled_build (const EmNnModel *model, gboolean split_tables, GError **error);

/* Place the tensors in the arena for @elem_size-byte elements: by lifetime
 * (em_nn_plan_arena) when @reuse, else every buffer at its own offset so all
 * of them survive a run. Sets offsets and arena_size, (re)allocates the
 * arena. Needs root. */
void          em_nn_compiled_plan  (EmNnCompiled *compiled, guint elem_size, gboolean reuse);

/* (Re)allocate the zeroed, aligned arena for program.arena_size bytes. */
void          em_nn_compiled_alloc_arena (EmNnCompiled *compiled);

/* A copy of @n bytes of constant data, owned by @compiled and counted in
 * its weight bytes. */
gpointer      em_nn_compiled_keep  (EmNnCompiled *compiled, gconstpointer data, gsize n);

/* Whether tensor @t of @p is well formed: dims positive and matching its
 * size, bytes inside the arena, aligned; int8: scale finite and positive,
 * zero point an int8. */
gboolean      em_nn_tensor_check   (const EmNnProgram *p, guint32 t, const char **why);

/* Element counts op @i's arrays must have, from its kind, geometry and
 * tensors (meaningful once em_nn_op_check_shape passed). bias: this or 0. */
typedef struct {
  guint64 weights, bias, multiplier, lut, softmax_lut;
} EmNnOpLengths;

/* Whether op @i of @p is well formed: tensor indices in range, geometry
 * matching its tensors, input and output bytes apart. FALSE sets @why
 * (a static string). */
gboolean      em_nn_op_check_shape (const EmNnProgram *p, guint32 i, const char **why);
void          em_nn_op_lengths     (const EmNnProgram *p, guint32 i, EmNnOpLengths *len);
/* em_nn_op_check_shape, then the arrays the op needs are there (with the
 * lengths of em_nn_op_lengths) and its int8 parameters lie where the
 * kernels' 32-bit arithmetic cannot overflow. Used on load and, as a last
 * check, on compile. */
gboolean      em_nn_op_check       (const EmNnProgram *p, guint32 i, const char **why);

/* Products summed per output of a conv / depthwise / dense op. */
gint64        em_nn_op_terms       (const EmNnProgram *p, const EmNnOp *op);
/* The largest |bias| an int8 op with @n_terms products per output may
 * carry so that its accumulator stays within ±2^30 (negative: none, the
 * products alone could exceed it). */
gint64        em_nn_bias_limit     (gint64 n_terms);

/* FNV-1a, 64 bit: the checksum that closes a saved blob. */
guint64       em_nn_compiled_checksum (const guint8 *data, gsize n);

G_END_DECLS
