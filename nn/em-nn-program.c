/* SPDX-License-Identifier: Apache-2.0 */
/* The program runner: one switch per op over tensors at fixed arena
 * offsets. It must stay a plain transcription of the op list, because
 * codegen/ emits the same calls as straight-line code and the two have to
 * give the same bytes. */
#include "em-nn-program.h"

#include <string.h>

static void *
tensor_ptr (const EmNnProgram *p, void *arena, int32_t index)
{
  return (uint8_t *) arena + p->tensors[index].offset;
}

void *
em_nn_program_input (const EmNnProgram *p, void *arena)
{
  return tensor_ptr (p, arena, p->input_tensor);
}

void *
em_nn_program_output (const EmNnProgram *p, void *arena)
{
  return tensor_ptr (p, arena, p->output_tensor);
}

static int
run_f32 (const EmNnProgram *p, const EmNnOp *op, void *arena)
{
  const EmNnTensor *ti = &p->tensors[op->input];
  const EmNnTensor *to = &p->tensors[op->output];
  const float *in = tensor_ptr (p, arena, op->input);
  float *out = tensor_ptr (p, arena, op->output);

  switch (op->kind)
    {
    case EM_NN_OP_CONV2D:
      em_nn_conv2d_f32 (&op->geom, in, op->weights, op->bias, op->act, out);
      return 0;
    case EM_NN_OP_DEPTHWISE:
      em_nn_depthwise_f32 (&op->geom, in, op->weights, op->bias, op->act, out);
      return 0;
    case EM_NN_OP_DENSE:
      em_nn_dense_f32 ((int32_t) ti->size, (int32_t) to->size, in, op->weights, op->bias, op->act, out);
      return 0;
    case EM_NN_OP_MAXPOOL:
      em_nn_maxpool_f32 (&op->geom, in, out);
      return 0;
    case EM_NN_OP_AVGPOOL:
      em_nn_avgpool_f32 (&op->geom, in, out);
      return 0;
    case EM_NN_OP_GLOBAL_AVGPOOL:
      em_nn_global_avgpool_f32 (ti->h, ti->w, ti->c, in, out);
      return 0;
    case EM_NN_OP_ADD:
      em_nn_add_f32 ((int32_t) to->size, in, tensor_ptr (p, arena, op->input2), op->act, out);
      return 0;
    case EM_NN_OP_ACTIVATION:
      em_nn_activation_f32 ((int32_t) to->size, op->act, in, out);
      return 0;
    case EM_NN_OP_SOFTMAX:
      em_nn_softmax_f32 ((int32_t) to->size, in, out);
      return 0;
    case EM_NN_OP_COPY:
      memmove (out, in, (size_t) to->size * sizeof (float));
      return 0;
    case EM_NN_OP_PAD:
      em_nn_pad_f32 (&op->geom, in, out);
      return 0;
    case EM_NN_OP_CONCAT:
      em_nn_concat_f32 (op->geom.in_h, op->geom.in_w, op->geom.in_c, in, tensor_ptr (p, arena, op->input2), out);
      return 0;
    default:
      return -1;
    }
}

static int
run_s8 (const EmNnProgram *p, const EmNnOp *op, void *arena)
{
  const EmNnTensor *ti = &p->tensors[op->input];
  const EmNnTensor *to = &p->tensors[op->output];
  const int8_t *in = tensor_ptr (p, arena, op->input);
  int8_t *out = tensor_ptr (p, arena, op->output);
  EmNnGeom plane;

  switch (op->kind)
    {
    case EM_NN_OP_CONV2D:
      em_nn_conv2d_s8 (&op->geom, &op->q, in, op->weights, op->bias, out);
      return 0;
    case EM_NN_OP_DEPTHWISE:
      em_nn_depthwise_s8 (&op->geom, &op->q, in, op->weights, op->bias, out);
      return 0;
    case EM_NN_OP_DENSE:
      em_nn_dense_s8 ((int32_t) ti->size, (int32_t) to->size, &op->q, in, op->weights, op->bias, out);
      return 0;
    case EM_NN_OP_MAXPOOL:
      em_nn_maxpool_s8 (&op->geom, op->q.act_min, op->q.act_max, in, out);
      return 0;
    case EM_NN_OP_AVGPOOL:
      em_nn_avgpool_s8 (&op->geom, op->q.act_min, op->q.act_max, in, out);
      return 0;
    case EM_NN_OP_GLOBAL_AVGPOOL:
      /* One window covering the whole plane: TFLite's MEAN over h, w. */
      memset (&plane, 0, sizeof plane);
      plane.in_h = plane.kernel_h = ti->h;
      plane.in_w = plane.kernel_w = ti->w;
      plane.in_c = plane.out_c = ti->c;
      plane.out_h = plane.out_w = 1;
      plane.stride_h = plane.stride_w = 1;
      plane.depth_multiplier = 1;
      em_nn_avgpool_s8 (&plane, op->q.act_min, op->q.act_max, in, out);
      return 0;
    case EM_NN_OP_ADD:
      em_nn_add_s8 ((int32_t) to->size, &op->add, in, tensor_ptr (p, arena, op->input2), out);
      return 0;
    case EM_NN_OP_ACTIVATION:
      em_nn_lut_s8 ((int32_t) to->size, op->lut, in, out);
      return 0;
    case EM_NN_OP_SOFTMAX:
      em_nn_softmax_s8 ((int32_t) to->size, op->softmax_lut, in, out);
      return 0;
    case EM_NN_OP_SOFTMAX_TFLM:
      em_nn_softmax_tflm_s8 ((int32_t) (ti->size / (uint32_t) ti->c), ti->c, op->softmax_exp, in, out);
      return 0;
    case EM_NN_OP_COPY:
      memmove (out, in, (size_t) to->size);
      return 0;
    case EM_NN_OP_PAD:
      em_nn_pad_s8 (&op->geom, (int8_t) op->q.output_offset, in, out);
      return 0;
    case EM_NN_OP_CONCAT:
      em_nn_concat_s8 (op->geom.in_h, op->geom.in_w, op->geom.in_c, in, tensor_ptr (p, arena, op->input2), out);
      return 0;
    default:
      return -1;
    }
}

int
em_nn_program_run (const EmNnProgram *p, void *arena)
{
  uint32_t i;

  for (i = 0; i < p->n_ops; i++)
    {
      const EmNnOp *op = &p->ops[i];
      int r = p->is_int8 ? run_s8 (p, op, arena) : run_f32 (p, op, arena);
      if (r != 0)
        return r;
    }
  return 0;
}
