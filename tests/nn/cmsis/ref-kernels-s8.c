/* SPDX-License-Identifier: Apache-2.0 */
/* The portable int8 kernels, compiled again WITHOUT EM_NN_USE_CMSIS_NN and
 * under other names, so test-cmsis-nn links both builds of
 * nn/em-nn-kernels-s8.c and compares them. */
#define em_nn_conv2d_s8 ref_em_nn_conv2d_s8
#define em_nn_depthwise_s8 ref_em_nn_depthwise_s8
#define em_nn_dense_s8 ref_em_nn_dense_s8
#define em_nn_maxpool_s8 ref_em_nn_maxpool_s8
#define em_nn_avgpool_s8 ref_em_nn_avgpool_s8
#define em_nn_add_s8 ref_em_nn_add_s8
#define em_nn_lut_s8 ref_em_nn_lut_s8
#define em_nn_softmax_s8 ref_em_nn_softmax_s8
#ifdef EM_NN_USE_CMSIS_NN
#error "the reference build must not use CMSIS-NN"
#endif
#include "em-nn-kernels-s8.c"
