/* SPDX-License-Identifier: Apache-2.0 */
/* Test hooks of the CMSIS-NN stand-in (arm-nn-shim.c); not CMSIS API. */
#ifndef EM_TEST_ARM_NN_SHIM_H
#define EM_TEST_ARM_NN_SHIM_H

/* Successful calls of each CMSIS-NN function since the start. */
extern unsigned long arm_nn_shim_conv_calls, arm_nn_shim_dw_calls, arm_nn_shim_fc_calls;
/* When nonzero, every CMSIS-NN function returns ARM_CMSIS_NN_ARG_ERROR. */
extern int arm_nn_shim_refuse;
/* When nonzero, arm_fully_connected_s8_get_buffer_size answers like an MVE
 * build (4 bytes per output channel for the kernel sums). */
extern int arm_nn_shim_fc_mve;

#endif
