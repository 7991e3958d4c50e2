/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-kernels.h — float32 and int8 inference kernels.
 *
 * Portable C99, no GLib, no allocation: these files are compiled unchanged
 * into the generated device library. Every tensor is NHWC, batch 1, stored
 * contiguously (index = (y * w + x) * c + ch). 1-D layers (conv1d, pool1d)
 * are the 2-D ones with h = 1.
 *
 * Weight layouts (the same as TensorFlow Lite's, so quantized models and
 * codegen speak one language):
 *   conv2d     filter [out_c][kernel_h][kernel_w][in_c]
 *   depthwise  filter [kernel_h][kernel_w][in_c * depth_multiplier]
 *              (output channel oc = ic * depth_multiplier + m)
 *   dense      weights [out_n][in_n]
 * Bias is [out_c] (float32 for _f32, int32 for _s8) and may be NULL.
 *
 * int8 semantics follow TensorFlow Lite's reference kernels exactly
 * (per-channel symmetric weights, asymmetric activations, int32
 * accumulators, requantization by MultiplyByQuantizedMultiplier with
 * SaturatingRoundingDoublingHighMul + RoundingDivideByPOT), so the output
 * is reproducible bit for bit on any target.
 */
#ifndef EM_NN_KERNELS_H
#define EM_NN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  EM_NN_ACT_NONE = 0,
  EM_NN_ACT_RELU,
  EM_NN_ACT_RELU6,
  EM_NN_ACT_SIGMOID,
  EM_NN_ACT_TANH,
} EmNnActivation;

/* Geometry shared by conv, depthwise conv and pooling.
 * pad_top / pad_left: zero (conv) or ignored (pool) cells before the first
 * row / column; the bottom / right padding follows from the output size.
 * For pooling, kernel_* is the pool size. depth_multiplier: depthwise only
 * (out_c = in_c * depth_multiplier). */
typedef struct {
  int32_t in_h, in_w, in_c;
  int32_t out_h, out_w, out_c;
  int32_t kernel_h, kernel_w;
  int32_t stride_h, stride_w;
  int32_t pad_top, pad_left;
  int32_t depth_multiplier;
} EmNnGeom;

/* ---- float32 ---------------------------------------------------------- */

/* Activations other than NONE are applied after the bias. */
void em_nn_conv2d_f32      (const EmNnGeom *g, const float *input, const float *filter,
                            const float *bias, EmNnActivation act, float *output);
void em_nn_depthwise_f32   (const EmNnGeom *g, const float *input, const float *filter,
                            const float *bias, EmNnActivation act, float *output);
void em_nn_dense_f32       (int32_t in_n, int32_t out_n, const float *input, const float *weights,
                            const float *bias, EmNnActivation act, float *output);
/* Pools only average / compare cells inside the input (padding excluded). */
void em_nn_maxpool_f32     (const EmNnGeom *g, const float *input, float *output);
void em_nn_avgpool_f32     (const EmNnGeom *g, const float *input, float *output);
/* Mean over h × w for each channel: output [c]. */
void em_nn_global_avgpool_f32 (int32_t h, int32_t w, int32_t c, const float *input, float *output);
void em_nn_add_f32         (int32_t n, const float *a, const float *b, EmNnActivation act, float *output);
/* In place allowed (input == output). */
void em_nn_activation_f32  (int32_t n, EmNnActivation act, const float *input, float *output);
/* Numerically stable (subtracts the max). In place allowed. */
void em_nn_softmax_f32     (int32_t n, const float *input, float *output);

/* ---- int8 ------------------------------------------------------------- */

/* Requantization of one output channel: real_multiplier ≈ multiplier × 2^shift,
 * multiplier in [2^30, 2^31) (or 0), shift in [-31, 30]. */
typedef struct {
  int32_t input_offset;          /* -input zero point */
  int32_t output_offset;         /* +output zero point */
  const int32_t *multiplier;     /* [out_c] (per channel) */
  const int32_t *shift;          /* [out_c] */
  int32_t act_min, act_max;      /* clamp in the output's int8 domain (fused ReLU/ReLU6) */
} EmNnQuantConv;

/* double → (multiplier, shift) exactly as TFLite's QuantizeMultiplier. */
void    em_nn_quantize_multiplier (double real_multiplier, int32_t *multiplier, int32_t *shift);
/* TFLite's MultiplyByQuantizedMultiplier (single rounding reference path). */
int32_t em_nn_multiply_by_quantized_multiplier (int32_t x, int32_t multiplier, int32_t shift);
int32_t em_nn_saturating_rounding_doubling_high_mul (int32_t a, int32_t b);
int32_t em_nn_rounding_divide_by_pot (int32_t x, int32_t exponent);

void em_nn_conv2d_s8       (const EmNnGeom *g, const EmNnQuantConv *q, const int8_t *input,
                            const int8_t *filter, const int32_t *bias, int8_t *output);
void em_nn_depthwise_s8    (const EmNnGeom *g, const EmNnQuantConv *q, const int8_t *input,
                            const int8_t *filter, const int32_t *bias, int8_t *output);
/* Fully connected with per-output-channel multipliers ([out_n]). */
void em_nn_dense_s8        (int32_t in_n, int32_t out_n, const EmNnQuantConv *q, const int8_t *input,
                            const int8_t *weights, const int32_t *bias, int8_t *output);
#ifdef EM_NN_USE_CMSIS_NN
/* CMSIS-NN back ends of the three kernels above (em-nn-kernels-s8-cmsis.c):
 * nonzero when CMSIS-NN computed the output, 0 when the portable kernel
 * must (see that file for when). Called by the kernels themselves. */
int em_nn_conv2d_s8_cmsis    (const EmNnGeom *g, const EmNnQuantConv *q, const int8_t *input,
                              const int8_t *filter, const int32_t *bias, int8_t *output);
int em_nn_depthwise_s8_cmsis (const EmNnGeom *g, const EmNnQuantConv *q, const int8_t *input,
                              const int8_t *filter, const int32_t *bias, int8_t *output);
int em_nn_dense_s8_cmsis     (int32_t in_n, int32_t out_n, const EmNnQuantConv *q, const int8_t *input,
                              const int8_t *weights, const int32_t *bias, int8_t *output);
#endif
/* Cortex-M DSP-extension back ends of the same three kernels
 * (em-nn-kernels-s8-dsp.c, ACLE intrinsics), bit-identical to the portable
 * loops. Chosen at compile time: on a core with the DSP extension
 * (__ARM_FEATURE_DSP: Cortex-M4, M7, M33/M35P/M55 with DSP) the kernels
 * above call them; a build opts out with -DEM_NN_NO_DSP_EXT, and CMSIS-NN
 * (EM_NN_USE_CMSIS_NN) takes precedence. The conv2d one gathers windows
 * (kernel_h × kernel_w × in_c values) into a stack buffer of
 * EM_NN_DSP_IM2COL_BYTES (default 512) unless the kernel is 1×1 stride 1
 * unpadded; windows over half of it go row by row, more slowly. */
#if defined(__ARM_FEATURE_DSP) && !defined(EM_NN_NO_DSP_EXT) && !defined(EM_NN_USE_CMSIS_NN)
#define EM_NN_DSP_EXT 1
void em_nn_conv2d_s8_dsp    (const EmNnGeom *g, const EmNnQuantConv *q, const int8_t *input,
                             const int8_t *filter, const int32_t *bias, int8_t *output);
void em_nn_depthwise_s8_dsp (const EmNnGeom *g, const EmNnQuantConv *q, const int8_t *input,
                             const int8_t *filter, const int32_t *bias, int8_t *output);
void em_nn_dense_s8_dsp     (int32_t in_n, int32_t out_n, const EmNnQuantConv *q, const int8_t *input,
                             const int8_t *weights, const int32_t *bias, int8_t *output);
#endif
/* Pools keep the input's scale and zero point (as TFLite requires).
 * Average rounds half away from zero like TFLite's reference AveragePool. */
void em_nn_maxpool_s8      (const EmNnGeom *g, int32_t act_min, int32_t act_max, const int8_t *input, int8_t *output);
void em_nn_avgpool_s8      (const EmNnGeom *g, int32_t act_min, int32_t act_max, const int8_t *input, int8_t *output);

/* TFLite's quantized ADD: left_shift 20, each input rescaled, output requantized. */
typedef struct {
  int32_t input1_offset, input2_offset, output_offset;   /* -zp1, -zp2, +zp_out */
  int32_t left_shift;                                     /* 20 */
  int32_t input1_multiplier, input1_shift;
  int32_t input2_multiplier, input2_shift;
  int32_t output_multiplier, output_shift;
  int32_t act_min, act_max;
} EmNnQuantAdd;
/* Fill the ADD parameters from scales / zero points (TFLite's Prepare maths). */
void em_nn_quant_add_prepare (float scale1, int32_t zp1, float scale2, int32_t zp2,
                              float scale_out, int32_t zp_out, int32_t act_min, int32_t act_max,
                              EmNnQuantAdd *q);
void em_nn_add_s8          (int32_t n, const EmNnQuantAdd *q, const int8_t *a, const int8_t *b, int8_t *output);

/* Element-wise lookup (sigmoid, tanh or any function of one int8 value):
 * output[i] = table[input[i] + 128]. The 256-entry table is computed at
 * quantization time in double precision, so the device only indexes. */
void em_nn_lut_s8          (int32_t n, const int8_t table[256], const int8_t *input, int8_t *output);
void em_nn_make_lut_s8     (EmNnActivation act, float in_scale, int32_t in_zp,
                            float out_scale, int32_t out_zp, int8_t table[256]);

/* Integer-only softmax over n values: input scale/zero point given; output
 * scale is 1/256, zero point -128 (TFLite's convention). exp is read from a
 * 256-entry table built by em_nn_make_softmax_lut_s8 (differences from the
 * row's maximum), sums in 64-bit integers, so every target agrees. */
void em_nn_make_softmax_lut_s8 (float in_scale, uint32_t table[256]);
void em_nn_softmax_s8      (int32_t n, const uint32_t table[256], const int8_t *input, int8_t *output);

/* TensorFlow Lite Micro's int8 softmax, bit for bit (em-nn-kernels-s8-softmax.c):
 * over each of @rows rows of @depth values (the last dimension), output
 * scale 1/256, zero point -128. exp_table[d] is exp(-d · beta · input
 * scale) in Q0.31 for a difference d (0..255) from the row's maximum, as
 * TFLM's fixed-point path computes it, 0 where TFLM leaves d out
 * (em_nn_tflm_softmax_table fills it at generation time); exp_table[0] is
 * INT32_MAX. In place allowed. Imported TFLite models use this one;
 * Ember's own models keep em_nn_softmax_s8. */
void em_nn_softmax_tflm_s8 (int32_t rows, int32_t depth, const int32_t exp_table[256], const int8_t *input,
                            int8_t *output);
/* gemmlowp's fixed-point reciprocals by Newton–Raphson, a in Q0.31 within
 * [0, 1): 1/(1+a) and (1-a)/(1+a), both in Q0.31. */
int32_t em_nn_fx_one_over_one_plus_x          (int32_t a);
int32_t em_nn_fx_one_minus_x_over_one_plus_x  (int32_t a);

/* Layout (em-nn-kernels-layout.c). PAD: the input placed at (pad_top,
 * pad_left) of the (out_h, out_w, c) output, every other cell @value (int8:
 * the zero point) or 0.0f; channels are not padded (in_c == out_c).
 * CONCAT: @outer blocks, each n_a values of @a then n_b values of @b
 * (TFLite's CONCATENATION of two tensors along one axis). */
void em_nn_pad_s8          (const EmNnGeom *g, int8_t value, const int8_t *input, int8_t *output);
void em_nn_pad_f32         (const EmNnGeom *g, const float *input, float *output);
void em_nn_concat_s8       (int32_t outer, int32_t n_a, int32_t n_b, const int8_t *a, const int8_t *b, int8_t *output);
void em_nn_concat_f32      (int32_t outer, int32_t n_a, int32_t n_b, const float *a, const float *b, float *output);

/* float ↔ int8 at the model's edges: q = clamp(round(x / scale) + zp). */
void em_nn_quantize_s8     (int32_t n, float scale, int32_t zero_point, const float *input, int8_t *output);
void em_nn_dequantize_s8   (int32_t n, float scale, int32_t zero_point, const int8_t *input, float *output);

#ifdef __cplusplus
}
#endif

#endif /* EM_NN_KERNELS_H */
