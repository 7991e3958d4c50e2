/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-program.h — an inference model as a flat list of kernel calls over
 * one arena. Portable C99, no GLib, no allocation: the host runs models
 * through em_nn_program_run(), and codegen/ emits the very same op list as
 * straight-line calls with the same arena offsets.
 *
 * Tensors live at fixed byte offsets in one arena planned ahead from their
 * lifetimes (em_nn_plan_arena): two tensors share bytes only when their
 * lifetimes do not overlap. Weights live outside the arena (const, flash).
 */
#ifndef EM_NN_PROGRAM_H
#define EM_NN_PROGRAM_H

#include "em-nn-kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EM_NN_ARENA_ALIGN 16u

typedef enum {
  EM_NN_OP_CONV2D = 1,     /* geom, act/q, weights, bias */
  EM_NN_OP_DEPTHWISE,      /* geom, act/q, weights, bias */
  EM_NN_OP_DENSE,          /* in_n = tensors[input] size, out_n = tensors[output] size */
  EM_NN_OP_MAXPOOL,        /* geom */
  EM_NN_OP_AVGPOOL,        /* geom */
  EM_NN_OP_GLOBAL_AVGPOOL, /* float: mean; int8: avgpool over the whole plane */
  EM_NN_OP_ADD,            /* input + input2 */
  EM_NN_OP_ACTIVATION,     /* float: act; int8: lut */
  EM_NN_OP_SOFTMAX,        /* float: exact; int8: softmax_lut */
  EM_NN_OP_COPY,           /* reshape/flatten between distinct buffers */
  EM_NN_OP_PAD,            /* geom: in, out, pad_top, pad_left; int8 fill = q.output_offset */
  EM_NN_OP_CONCAT,         /* input + input2: geom.in_h blocks of geom.in_w then geom.in_c values */
  EM_NN_OP_SOFTMAX_TFLM,   /* int8 only: TFLite Micro's softmax over rows of tensors[input].c, softmax_exp */
} EmNnOpKind;

typedef struct {
  EmNnOpKind      kind;
  EmNnGeom        geom;
  EmNnActivation  act;          /* float fused activation */
  int32_t         input, input2, output;  /* tensor indices (input2: ADD only, else -1) */
  const void     *weights;      /* float* (f32) or int8_t* (s8); NULL when none */
  const void     *bias;         /* float* (f32) or int32_t* (s8); NULL when none */
  /* int8 only */
  EmNnQuantConv   q;            /* conv / depthwise / dense; pools use q.act_min/act_max */
  EmNnQuantAdd    add;          /* ADD */
  const int8_t   *lut;          /* ACTIVATION: 256 entries */
  const uint32_t *softmax_lut;  /* SOFTMAX: 256 entries */
  const int32_t  *softmax_exp;  /* SOFTMAX_TFLM: 256 Q0.31 entries (em_nn_softmax_tflm_s8) */
} EmNnOp;

typedef struct {
  uint32_t offset;              /* bytes into the arena */
  uint32_t size;                /* elements (bytes = size × element size) */
  int32_t  h, w, c;
  float    scale;               /* int8 only */
  int32_t  zero_point;          /* int8 only */
} EmNnTensor;

typedef struct {
  int               is_int8;    /* 0: float32 tensors, 1: int8 tensors */
  uint32_t          n_ops;
  const EmNnOp     *ops;
  uint32_t          n_tensors;
  const EmNnTensor *tensors;
  int32_t           input_tensor, output_tensor;
  uint32_t          arena_size; /* bytes */
} EmNnProgram;

/* Where the input goes / the output is, inside the caller's arena. */
void *em_nn_program_input  (const EmNnProgram *p, void *arena);
void *em_nn_program_output (const EmNnProgram *p, void *arena);
/* Run every op in order. arena: p->arena_size bytes, EM_NN_ARENA_ALIGN-aligned,
 * input already written at em_nn_program_input(). Returns 0, or -1 for an
 * op kind this build does not know. */
int   em_nn_program_run    (const EmNnProgram *p, void *arena);

/* Offsets for n buffers of sizes[i] bytes alive from op first[i] to op
 * last[i] inclusive: greedy by decreasing size, first gap that fits
 * (the arena planner TFLite Micro also uses). Offsets are aligned to
 * EM_NN_ARENA_ALIGN. Returns the arena size in bytes. scratch: 2 × n
 * int32_t the caller provides. */
uint32_t em_nn_plan_arena  (uint32_t n, const uint32_t *sizes, const int32_t *first,
                            const int32_t *last, uint32_t *offsets, int32_t *scratch);

#ifdef __cplusplus
}
#endif

#endif /* EM_NN_PROGRAM_H */
