/* SPDX-License-Identifier: Apache-2.0 */
/* TEST-ONLY stand-in for CMSIS-NN's "arm_nnfunctions.h" (and the types of
 * its "arm_nn_types.h"). It declares just the part of the documented
 * CMSIS-NN API that nn/em-nn-kernels-s8-cmsis.c uses when a user's device
 * build defines EM_NN_USE_CMSIS_NN: the status enum, the dims / context /
 * parameter structs, arm_convolve_wrapper_s8, arm_depthwise_conv_wrapper_s8,
 * arm_fully_connected_s8 and their *_get_buffer_size functions. The
 * implementation (arm-nn-shim.c) is plain reference loops written from the
 * CMSIS-NN documentation, not from CMSIS source. It lets Ember's tests
 * check the glue (parameter mapping, sign conventions, scratch handling,
 * fallbacks); it says nothing about CMSIS-NN's own speed. A user's build
 * uses Arm's real library instead. */
#ifndef EM_TEST_ARM_NNFUNCTIONS_H
#define EM_TEST_ARM_NNFUNCTIONS_H

#include <stdint.h>

typedef enum {
  ARM_CMSIS_NN_SUCCESS = 0,
  ARM_CMSIS_NN_ARG_ERROR = -1,
  ARM_CMSIS_NN_NO_IMPL_ERROR = -2,
  ARM_CMSIS_NN_FAILURE = -3
} arm_cmsis_nn_status;

typedef struct { int32_t w; int32_t h; } cmsis_nn_tile;
typedef struct { int32_t min; int32_t max; } cmsis_nn_activation;
/* NHWC sizes; which fields a tensor uses is given per function. */
typedef struct { int32_t n; int32_t h; int32_t w; int32_t c; } cmsis_nn_dims;
typedef struct { void *buf; int32_t size; } cmsis_nn_context;
/* multiplier[c] Q31, shift[c] positive = left (TFLite's QuantizeMultiplier). */
typedef struct { int32_t *multiplier; int32_t *shift; } cmsis_nn_per_channel_quant_params;
typedef struct { int32_t multiplier; int32_t shift; } cmsis_nn_per_tensor_quant_params;
/* input_offset = −input zero point, output_offset = +output zero point. */
typedef struct {
  int32_t input_offset;
  int32_t output_offset;
  cmsis_nn_tile stride;
  cmsis_nn_tile padding;
  cmsis_nn_tile dilation;
  cmsis_nn_activation activation;
} cmsis_nn_conv_params;
typedef struct {
  int32_t input_offset;
  int32_t output_offset;
  int32_t ch_mult;
  cmsis_nn_tile stride;
  cmsis_nn_tile padding;
  cmsis_nn_tile dilation;
  cmsis_nn_activation activation;
} cmsis_nn_dw_conv_params;
typedef struct {
  int32_t input_offset;
  int32_t filter_offset;
  int32_t output_offset;
  cmsis_nn_activation activation;
} cmsis_nn_fc_params;

/* input [N][H][W][C_IN], filter [C_OUT][HK][WK][C_IN], bias [C_OUT]
 * (bias_dims->c), output [N][H][W][C_OUT]. */
arm_cmsis_nn_status arm_convolve_wrapper_s8 (const cmsis_nn_context *ctx, const cmsis_nn_conv_params *conv_params,
                                             const cmsis_nn_per_channel_quant_params *quant_params,
                                             const cmsis_nn_dims *input_dims, const int8_t *input_data,
                                             const cmsis_nn_dims *filter_dims, const int8_t *filter_data,
                                             const cmsis_nn_dims *bias_dims, const int32_t *bias_data,
                                             const cmsis_nn_dims *output_dims, int8_t *output_data);
int32_t arm_convolve_wrapper_s8_get_buffer_size (const cmsis_nn_conv_params *conv_params,
                                                 const cmsis_nn_dims *input_dims,
                                                 const cmsis_nn_dims *filter_dims,
                                                 const cmsis_nn_dims *output_dims);
/* filter [1][HK][WK][C_OUT], C_OUT = C_IN × ch_mult. */
arm_cmsis_nn_status arm_depthwise_conv_wrapper_s8 (const cmsis_nn_context *ctx,
                                                   const cmsis_nn_dw_conv_params *dw_conv_params,
                                                   const cmsis_nn_per_channel_quant_params *quant_params,
                                                   const cmsis_nn_dims *input_dims, const int8_t *input_data,
                                                   const cmsis_nn_dims *filter_dims, const int8_t *filter_data,
                                                   const cmsis_nn_dims *bias_dims, const int32_t *bias_data,
                                                   const cmsis_nn_dims *output_dims, int8_t *output_data);
int32_t arm_depthwise_conv_wrapper_s8_get_buffer_size (const cmsis_nn_dw_conv_params *dw_conv_params,
                                                       const cmsis_nn_dims *input_dims,
                                                       const cmsis_nn_dims *filter_dims,
                                                       const cmsis_nn_dims *output_dims);
/* input N × (H·W·C) values, filter_dims->n = accumulation depth,
 * filter_dims->c = output depth, weights [output depth][accumulation depth],
 * output [N][output_dims->c]. */
arm_cmsis_nn_status arm_fully_connected_s8 (const cmsis_nn_context *ctx, const cmsis_nn_fc_params *fc_params,
                                            const cmsis_nn_per_tensor_quant_params *quant_params,
                                            const cmsis_nn_dims *input_dims, const int8_t *input_data,
                                            const cmsis_nn_dims *filter_dims, const int8_t *filter_data,
                                            const cmsis_nn_dims *bias_dims, const int32_t *bias_data,
                                            const cmsis_nn_dims *output_dims, int8_t *output_data);
int32_t arm_fully_connected_s8_get_buffer_size (const cmsis_nn_dims *filter_dims);

#endif /* EM_TEST_ARM_NNFUNCTIONS_H */
