/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-quant-tflm-private.h — the generation-time half of TensorFlow Lite
 * Micro's int8 SOFTMAX, LOGISTIC and TANH (em-nn-quant-tflm.c): TFLM's
 * Prepare arithmetic (multipliers, shifts, input radius, diff_min) and
 * gemmlowp's fixed-point exp, logistic and tanh, so that the TFLite
 * importer can turn those ops into tables that give TFLM's bytes for every
 * int8 input. Host code (uses libm), plain C99; not compiled into devices.
 *
 * Fixed-point values are gemmlowp's: a signed 32-bit raw value with I
 * integer bits and 31 - I fraction bits ("QI"). */
#ifndef EM_NN_QUANT_TFLM_PRIVATE_H
#define EM_NN_QUANT_TFLM_PRIVATE_H

#include <stdint.h>
#include "em-nn-kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  EM_NN_TFLM_OK = 0,
  EM_NN_TFLM_BAD_SCALE = -1,     /* scale or beta not finite and positive */
  EM_NN_TFLM_SCALE_TOO_SMALL = -2,  /* TFLM refuses (softmax: beta·scale·2^26 ≤ 1) */
  EM_NN_TFLM_SCALE_TOO_LARGE = -3,  /* TFLM's own arithmetic is undefined there */
} EmNnTflmStatus;

/* TFLM's int8 softmax parameters: beta · input scale · 2^26 (capped at
 * 2^31 - 1) as multiplier × 2^(left_shift - 31), multiplier in [2^30, 2^31),
 * left_shift 1..31, and diff_min = -floor(31 · 2^26 / 2^left_shift)
 * (differences below it are left out). */
typedef struct {
  int32_t multiplier, left_shift, diff_min;
} EmNnTflmSoftmax;

EmNnTflmStatus em_nn_tflm_softmax_prepare (double beta, double input_scale, EmNnTflmSoftmax *p);
/* exp_table[d] for d = 0..255 as em_nn_softmax_tflm_s8 reads it. */
void           em_nn_tflm_softmax_table   (const EmNnTflmSoftmax *p, int32_t exp_table[256]);

/* TFLM's int8 LOGISTIC (output zero point -128, scale 1/256) and TANH
 * (zero point 0, scale 1/128) as 256-entry tables, table[v + 128] for the
 * int8 input v: Prepare's multiplier (input scale · 2^27 by frexp), input
 * radius and the fixed-point function, evaluated for every v. */
EmNnTflmStatus em_nn_tflm_logistic_table  (float input_scale, int32_t input_zero_point, int8_t table[256]);
EmNnTflmStatus em_nn_tflm_tanh_table      (float input_scale, int32_t input_zero_point, int8_t table[256]);

/* The fixed-point functions (gemmlowp's published algorithms), for tests.
 * a is QI with I = integer_bits (0..30 for exp, 0..29 for tanh); results
 * are Q0.31. */
int32_t        em_nn_tflm_exp_on_negative_values (int32_t a, int integer_bits);
int32_t        em_nn_tflm_logistic        (int32_t a, int integer_bits);
int32_t        em_nn_tflm_tanh            (int32_t a, int integer_bits);
/* TFLM's CalculateInputRadius: floor((2^I - 1) · 2^(31 - I) / 2^left_shift),
 * the largest |input| whose rescaled value still fits in QI. */
int32_t        em_nn_tflm_input_radius    (int integer_bits, int left_shift);

#ifdef __cplusplus
}
#endif

#endif /* EM_NN_QUANT_TFLM_PRIVATE_H */
