/* SPDX-License-Identifier: Apache-2.0 */
/* int8 conv2d, depthwise conv2d and dense for cores with the Armv7E-M DSP
 * extension (Cortex-M4, M7, M33 with DSP ...), through ACLE intrinsics.
 *
 * Compiled in only when em-nn-kernels.h defines EM_NN_DSP_EXT, i.e. the
 * compiler targets such a core (__ARM_FEATURE_DSP) and the build defines
 * neither EM_NN_NO_DSP_EXT nor EM_NN_USE_CMSIS_NN; the entry points in
 * em-nn-kernels-s8.c then call these instead of their portable loops, and
 * the portable loops drop out of the binary. Elsewhere this file is empty.
 *
 * The results are the portable kernels' bit for bit: the accumulator is
 * the same exact int32 sum (bias + Σ (input + input_offset) × filter; only
 * the order and grouping of the additions differ, and int32 addition wraps
 * the same in any order), and the requantization is TFLite's
 * MultiplyByQuantizedMultiplier as em-nn-quant-math.c computes it,
 * rearranged for the DSP extension (see Requant). tests/device/
 * test_dsp_kernels.py checks that on random shapes under QEMU.
 *
 * How the DSP instructions are used:
 *   - four int8 values are read with one (unaligned) word load;
 *     SXTB16 / SXTAB16 spread bytes 0 and 2, and after a rotation by 8
 *     bytes 1 and 3, into two int16 halves (SXTAB16 also adds the input
 *     offset: input + offset is in [-255, 255], so it fits).
 *   - conv2d and dense reduce along channels, which NHWC keeps contiguous
 *     in both the input and the filter: SMLAD does two MACs at once on
 *     matching halves. conv2d is a matrix product (conv_1x1) of two output
 *     channels × two pixels per pass, so each extended input word serves
 *     two filters and each filter word two pixels; the input offset goes
 *     into the bias as offset × Σ filter. Kernels other than 1×1 gather
 *     blocks of pixel windows first (im2col, EM_NN_DSP_IM2COL_BYTES on the
 *     stack), with -offset in the padding so that it adds nothing.
 *   - depthwise reduces over the kernel window, where channels are not
 *     contiguous; it computes four channels at once with
 *     SMLABB / SMLATT, one MAC each, and saves in loads and extensions.
 *   - requantization is one SMMLAR plus the reference's rounding shift,
 *     and SSAT to int8 when the activation clamp is the whole int8 range.
 * No allocation; the stack holds the im2col buffer and a few words. */
#include "em-nn-kernels.h"

#ifdef EM_NN_DSP_EXT

#include <arm_acle.h>
#include <string.h>

#ifndef EM_NN_DSP_IM2COL_BYTES
/* Stack buffer for gathered conv2d windows (kernel_h × kernel_w × in_c
 * values each, at least two per block); a conv with longer windows (rare
 * on a microcontroller) go row by row, without a buffer. */
#define EM_NN_DSP_IM2COL_BYTES 512
#endif

/* One word from any alignment: Armv7E-M loads unaligned words in one
 * LDR, and memcpy says so without breaking aliasing rules. */
static inline int32_t
load4 (const int8_t *p)
{
  int32_t v;

  memcpy (&v, p, 4);
  return v;
}

/* Bytes 1 and 3 sign-extended into halves (SXTB16 with its rotation,
 * which GCC 12's ACLE header does not offer: one instruction, not two). */
static inline int32_t
sxtb16_hi (int32_t x)
{
  int32_t r;

  __asm ("sxtb16 %0, %1, ror #8" : "=r" (r) : "r" (x));
  return r;
}

static inline int32_t
sxtab16_hi (int32_t a, int32_t x)
{
  int32_t r;

  __asm ("sxtab16 %0, %1, %2, ror #8" : "=r" (r) : "r" (a), "r" (x));
  return r;
}

/* The input offset in both halves, for SXTAB16. */
static inline int32_t
pack_offset (int32_t off)
{
  return (int32_t) (((uint32_t) off & 0xffffu) * 0x10001u);
}

/* Requantization of one channel: em_nn_multiply_by_quantized_multiplier
 * (TFLite's MultiplyByQuantizedMultiplier) rearranged for the DSP
 * extension, same results:
 *   - its doubling high multiply rounds a·m + 2^30 toward zero after
 *     dividing by 2^31; for the 64-bit product that equals
 *     floor((a·m + 2^30) / 2^31) = floor((2am + 2^31) / 2^32), and with
 *     m2 = 2m − 2^32 (m in [2^30, 2^31), so m2 fits in an int32) that is
 *     SMMLAR (a, m2, a) = floor((a·2^32 + a·m2 + 2^31) / 2^32): one
 *     instruction. Its saturating case needs m = INT32_MIN, which
 *     QuantizeMultiplier never gives; m = 0 (the other legal value) is
 *     handled by a left shift of 32, which LSL by register turns into 0.
 *   - its rounding divide by 2^e is the reference's (mask, threshold one
 *     higher for negative x), without a branch: e = 0 gives mask 0.
 * Shifts are in [-31, 30] (QuantizeMultiplier's range). */
typedef struct {
  int32_t m2, left, e, mask, half;
  int32_t zp, lo, hi, narrow;        /* output offset, activation clamp */
} Requant;

static inline int32_t
smmlar (int32_t a, int32_t b, int32_t acc)
{
  int32_t r;

  __asm ("smmlar %0, %1, %2, %3" : "=r" (r) : "r" (a), "r" (b), "r" (acc));
  return r;
}

/* Channel oc's constants: once per channel and layer, not per output,
 * so kept out of line. `narrow`: the activation clamp is narrower than
 * int8 (models with ReLU6 folded into the output's range, like MobileNet,
 * have none). */
static __attribute__ ((noinline)) void
requant_prep (Requant *r, const EmNnQuantConv *q, int32_t oc)
{
  const int32_t multiplier = q->multiplier[oc], shift = q->shift[oc];

  r->zp = q->output_offset;
  r->lo = q->act_min;
  r->hi = q->act_max;
  r->narrow = q->act_min > -128 || q->act_max < 127;
  r->m2 = (int32_t) ((uint32_t) multiplier << 1);
  r->left = multiplier == 0 ? 32 : shift > 0 ? shift : 0;
  r->e = shift < 0 ? -shift : 0;
  r->mask = (int32_t) (((uint32_t) 1 << r->e) - 1u);
  r->half = r->mask >> 1;
}

static inline int32_t
requant_apply (const Requant *r, int32_t acc)
{
  int32_t a, x;

  /* LSL by a register: shifts of 32 give 0 (C leaves them undefined). */
  __asm ("lsl %0, %1, %2" : "=r" (a) : "r" (acc), "r" (r->left));
  x = smmlar (a, r->m2, a);

  /* x >> 31 is -1 for negative x: the threshold grows by one. */
  return (x >> r->e) + ((x & r->mask) > r->half - (x >> 31));
}

/* The int8 output: requantized, + output offset, clamped to the
 * activation range (SSAT to int8 first, the activation clamp only when it
 * is narrower). */
static inline int8_t
requant (const Requant *r, int32_t acc)
{
  int32_t x = (int32_t) __ssat (requant_apply (r, acc) + r->zp, 8);

  if (r->narrow)
    x = x < r->lo ? r->lo : x > r->hi ? r->hi : x;
  return (int8_t) x;
}

/* The same out of line, where a call per output costs little next to
 * the code it saves (pointwise layers' four outputs per pass). */
static __attribute__ ((noinline)) int8_t
requant_call (const Requant *r, int32_t acc)
{
  return requant (r, acc);
}

/* One pixel (a), two channels, in place: s[0] += Σ (a + off)·b0,
 * s[1] += Σ (a + off)·b1 (dense layers: no column to build). */
static __attribute__ ((noinline)) void
mac_1x2 (const int8_t *a, const int8_t *b0, const int8_t *b1, int32_t n, int32_t offset, int32_t *s)
{
  const int32_t off2 = pack_offset (offset);
  int32_t s0 = s[0], s1 = s[1];

  for (; n >= 4; n -= 4)
    {
      const int32_t x = load4 (a), w = load4 (b0), v = load4 (b1);
      const int32_t lo = __sxtab16 (off2, x), hi = sxtab16_hi (off2, x);

      s0 = __smlad (lo, __sxtb16 (w), __smlad (hi, sxtb16_hi (w), s0));
      s1 = __smlad (lo, __sxtb16 (v), __smlad (hi, sxtb16_hi (v), s1));
      a += 4;
      b0 += 4;
      b1 += 4;
    }
  for (; n > 0; n--)
    {
      const int32_t x = *a++ + offset;
      s0 += x * *b0++;
      s1 += x * *b1++;
    }
  s[0] = s0;
  s[1] = s1;
}

/* Channel oc's output from its sum, the constants worked out on the
 * spot: for dense layers and long conv windows, where that is rare next
 * to the multiplications. */
static __attribute__ ((noinline)) int8_t
requant_one (const EmNnQuantConv *q, int32_t oc, int32_t acc)
{
  Requant r;

  requant_prep (&r, q, oc);
  return requant_call (&r, acc);
}

/* The part [k0, k1) of a kernel of size k at origin that lies inside an
 * input of size n (empty as k0 == k1). */
static void
clip (int32_t origin, int32_t k, int32_t n, int32_t *k0, int32_t *k1)
{
  *k0 = origin < 0 ? -origin : 0;
  *k1 = n - origin < k ? n - origin : k;
  if (*k1 < *k0)
    *k1 = *k0;
}

/* Output pixel p's window: rows [ky0, ky1) and columns [kx0, kx1) of the
 * kernel lie inside the input; in is the input at kernel cell (0, 0),
 * which may lie outside the input (only cells inside are read). */
typedef struct {
  int32_t ky0, ky1, kx0, kx1;
  const int8_t *in;
} Window;

static void
window_of (const EmNnGeom *g, int32_t p, const int8_t *input, Window *w)
{
  const int32_t oy = p / g->out_w, ox = p - oy * g->out_w;
  const int32_t y0 = oy * g->stride_h - g->pad_top, x0 = ox * g->stride_w - g->pad_left;

  clip (y0, g->kernel_h, g->in_h, &w->ky0, &w->ky1);
  clip (x0, g->kernel_w, g->in_w, &w->kx0, &w->kx1);
  w->in = input + ((intptr_t) y0 * g->in_w + x0) * g->in_c;
}

/* Pixel p's window as kernel_h × kernel_w × in_c values in the filter's
 * order; cells in the padding get -input_offset (an int8: the offset is
 * in [-127, 128]), which the offset term (see conv_1x1) cancels. */
static void
im2col (const EmNnGeom *g, int32_t p, const int8_t *input, int32_t pad, int8_t *col)
{
  const int32_t in_c = g->in_c, row = g->kernel_w * in_c;
  Window w;
  int32_t ky;

  window_of (g, p, input, &w);
  /* One loop rather than memset / memcpy: windows are short (the first
   * layer's 3 × 3 × 1) and the calls would cost more than the copy. */
  for (ky = 0; ky < g->kernel_h; ky++, col += row)
    {
      const int8_t *src = w.in + (intptr_t) ky * g->in_w * in_c;
      const int32_t lo = ky < w.ky0 || ky >= w.ky1 ? row : w.kx0 * in_c, hi = w.kx1 * in_c;
      int32_t k;

      for (k = 0; k < row; k++)
        col[k] = k >= lo && k < hi ? src[k] : (int8_t) pad;
    }
}

/* Σ of a filter row: the input offset's share of a dot product is
 * offset × Σ filter, added once to the bias instead of to every input. */
static __attribute__ ((noinline)) int32_t
row_sum (const int8_t *b, int32_t n)
{
  int32_t sum = 0, k;

  for (k = 0; k + 4 <= n; k += 4)
    {
      const int32_t w = load4 (b + k);
      sum = __smlad (__sxtb16 (w), 0x00010001, __smlad (sxtb16_hi (w), 0x00010001, sum));
    }
  for (; k < n; k++)
    sum += b[k];
  return sum;
}

/* A 1×1, stride-1, unpadded conv2d is a matrix product: pixel p's n
 * inputs are the n values at input + p·n. Output channels are the outer
 * loop (two at a time), so the filter rows, their requantization and
 * their offset term stay put while two pixels at a time go by; the inputs
 * are read in place and the offset sits in the bias. */
static void
conv_1x1 (int32_t n_pix, int32_t n, const int8_t *input, const int8_t *filter, int32_t out_c,
          const EmNnQuantConv *q, const int32_t *bias, int8_t *output)
{
  int32_t oc, p;

  if (out_c < 2 || n_pix < 2 || n < 4)
    {
      /* No pair of channels or of pixels, or no whole word (a model's
       * first or last layers): pixel by pixel, a dense layer each. */
      for (p = 0; p < n_pix; p++)
        em_nn_dense_s8_dsp (n, out_c, q, input + p * n, filter, bias, output + p * out_c);
      return;
    }
  for (oc = 0; oc < out_c; oc += 2)
    {
      /* An odd last channel pairs up with the one before it again (the
       * hand-written loop wants the second row at +n). */
      const int32_t oc0 = oc + 1 < out_c ? oc : oc - 1, oc1 = oc0 + 1;
      const int8_t *b0 = filter + oc0 * n, *b1 = filter + oc1 * n;
      const int32_t base0 = (bias != NULL ? bias[oc0] : 0) + q->input_offset * row_sum (b0, n);
      const int32_t base1 = (bias != NULL ? bias[oc1] : 0) + q->input_offset * row_sum (b1, n);
      Requant r0, r1;

      requant_prep (&r0, q, oc0);
      requant_prep (&r1, q, oc1);
      for (p = 0; p < n_pix; p += 2)
        {
          /* A last odd pixel pairs up with the one before it again. */
          const int32_t p0 = p + 1 < n_pix ? p : p - 1, p1 = p0 + 1;
          const int8_t *x = input + p0 * n, *y = input + p1 * n, *w0 = b0, *w1 = b1;
          int32_t s00 = base0, s01 = base1, s10 = base0, s11 = base1, k;
          int8_t *out0 = output + p0 * out_c, *out1 = output + p1 * out_c;
          /* The hot loop of pointwise layers, register-allocated by
           * hand: 14 registers with the second pixel and the second
           * filter row addressed at +n, which the compiler's version
           * spills. Per 16 MACs: 4 loads, 8 SXTB16, 8 SMLAD, 2 loop. */
          int32_t t0, t1, t2, t3, t4, t5;

          k = n >> 2;
          __asm volatile (
            "1:\n\t"
            "ldr     %[t0], [%[w], %[n]]\n\t"
            "ldr     %[t1], [%[w]], #4\n\t"
            "sxtb16  %[t2], %[t0]\n\t"
            "sxtb16  %[t0], %[t0], ror #8\n\t"
            "sxtb16  %[t3], %[t1]\n\t"
            "sxtb16  %[t1], %[t1], ror #8\n\t"
            "ldr     %[t4], [%[x], %[n]]\n\t"
            "sxtb16  %[t5], %[t4]\n\t"
            "sxtb16  %[t4], %[t4], ror #8\n\t"
            "smlad   %[s10], %[t5], %[t3], %[s10]\n\t"
            "smlad   %[s10], %[t4], %[t1], %[s10]\n\t"
            "smlad   %[s11], %[t5], %[t2], %[s11]\n\t"
            "smlad   %[s11], %[t4], %[t0], %[s11]\n\t"
            "ldr     %[t5], [%[x]], #4\n\t"
            "sxtb16  %[t4], %[t5]\n\t"
            "sxtb16  %[t5], %[t5], ror #8\n\t"
            "smlad   %[s00], %[t4], %[t3], %[s00]\n\t"
            "smlad   %[s00], %[t5], %[t1], %[s00]\n\t"
            "smlad   %[s01], %[t4], %[t2], %[s01]\n\t"
            "smlad   %[s01], %[t5], %[t0], %[s01]\n\t"
            "subs    %[k], %[k], #1\n\t"
            "bne     1b"
            : [x] "+r" (x), [w] "+r" (w0), [k] "+r" (k), [s00] "+r" (s00), [s01] "+r" (s01),
              [s10] "+r" (s10), [s11] "+r" (s11), [t0] "=&r" (t0), [t1] "=&r" (t1), [t2] "=&r" (t2),
              [t3] "=&r" (t3), [t4] "=&r" (t4), [t5] "=&r" (t5)
            : [n] "r" (n)
            : "cc", "memory");
          y = x + n;
          w1 = w0 + n;
          for (k = n & 3; k > 0; k--)
            {
              const int32_t a = *x++, c = *y++, w = *w0++, v = *w1++;
              s00 += a * w;
              s01 += a * v;
              s10 += c * w;
              s11 += c * v;
            }
          out1[oc0] = requant_call (&r0, s10);
          out1[oc1] = requant_call (&r1, s11);
          out0[oc0] = requant_call (&r0, s00);
          out0[oc1] = requant_call (&r1, s01);
        }
    }
}

/* Windows too long to gather (rare on a microcontroller): pixel by
 * pixel, channel by channel, row by row of the window; a row's inside
 * cells, all their channels, are contiguous in the input and in the
 * filter (NHWC), so each row is one mac_1x2 (with the filter row twice:
 * smaller code matters more here than speed). No portable loop is left in
 * the binary. */
static __attribute__ ((cold, noinline)) void
conv_rows (const EmNnGeom *g, const EmNnQuantConv *q, const int8_t *input, const int8_t *filter,
           const int32_t *bias, int8_t *output)
{
  const int32_t in_c = g->in_c, row = g->kernel_w * in_c, n = g->kernel_h * row;
  int32_t p, oc, ky;

  for (p = 0; p < g->out_h * g->out_w; p++)
    {
      Window w;

      window_of (g, p, input, &w);
      for (oc = 0; oc < g->out_c; oc++)
        {
          int32_t s[2] = { 0, 0 };

          for (ky = w.ky0; ky < w.ky1; ky++)
            {
              const int8_t *f = filter + oc * n + ky * row + w.kx0 * in_c;
              mac_1x2 (w.in + ((intptr_t) ky * g->in_w + w.kx0) * in_c, f, f, (w.kx1 - w.kx0) * in_c,
                       q->input_offset, s);
            }
          if (bias != NULL)
            s[0] += bias[oc];
          *output++ = requant_one (q, oc, s[0]);
        }
    }
}

/* 1×1 stride-1 unpadded: a matrix product in place. Otherwise blocks of
 * pixels are gathered (im2col) into a stack buffer and multiplied the
 * same way; windows longer than half the buffer go row by row. */
void
em_nn_conv2d_s8_dsp (const EmNnGeom *g, const EmNnQuantConv *q, const int8_t *input, const int8_t *filter,
                     const int32_t *bias, int8_t *output)
{
  const int32_t out_c = g->out_c, n_pix = g->out_h * g->out_w;
  const int32_t n = g->kernel_h * g->kernel_w * g->in_c;
  int8_t col[EM_NN_DSP_IM2COL_BYTES];
  int32_t p, i, count;

  if (g->kernel_h == 1 && g->kernel_w == 1 && g->stride_h == 1 && g->stride_w == 1 && g->pad_top == 0
      && g->pad_left == 0 && g->out_h == g->in_h && g->out_w == g->in_w)
    {
      conv_1x1 (n_pix, n, input, filter, out_c, q, bias, output);
      return;
    }
  if (n <= 0 || n > EM_NN_DSP_IM2COL_BYTES / 2)
    {
      conv_rows (g, q, input, filter, bias, output);
      return;
    }
  for (p = 0; p < n_pix; p += count)
    {
      count = EM_NN_DSP_IM2COL_BYTES / n;
      if (count > n_pix - p)
        count = n_pix - p;
      for (i = 0; i < count; i++)
        im2col (g, p + i, input, -q->input_offset, col + i * n);
      conv_1x1 (count, n, col, filter, out_c, q, bias, output + p * out_c);
    }
}

/* What a depthwise group's per-pixel loop needs besides its window:
 * strides in bytes, the input offset (alone and in both halves) and the
 * group's biases (where the sums start). */
typedef struct {
  int32_t in_c, out_c, in_row, f_row, off, off2;
  int32_t base[4];
} DwLayer;

/* Sums s of a group of output channels over rows × cols window cells
 * from in (input) and f (filter); one function per kind of group, called
 * through a pointer, so that the pixel loop exists once. */
typedef void (*DwSums) (const DwLayer *d, const int8_t *in, const int8_t *f, int32_t rows, int32_t cols,
                        int32_t *s);

/* Channels oc..oc+3 reading input channels oc..oc+3 (multiplier 1, so
 * input and filter share the channel stride): one loop over all cells. */
static void
dw_word (const DwLayer *d, const int8_t *in, const int8_t *f, int32_t rows, int32_t cols, int32_t *s)
{
  const int32_t stride = d->in_c, off2 = d->off2;
  const int32_t skip_in = d->in_row - cols * stride, skip_f = d->f_row - cols * stride;
  int32_t s0 = d->base[0], s1 = d->base[1], s2 = d->base[2], s3 = d->base[3], n = rows * cols, kx = cols;

  for (; n > 0; n--)
    {
      const int32_t x = load4 (in), wv = load4 (f);
      const int32_t x02 = __sxtab16 (off2, x), x13 = sxtab16_hi (off2, x);
      const int32_t w02 = __sxtb16 (wv), w13 = sxtb16_hi (wv);
      s0 = __smlabb (x02, w02, s0);
      s2 = __smlatt (x02, w02, s2);
      s1 = __smlabb (x13, w13, s1);
      s3 = __smlatt (x13, w13, s3);
      in += stride;
      f += stride;
      if (--kx == 0)
        {
          kx = cols;
          in += skip_in;
          f += skip_f;
        }
    }
  s[0] = s0;
  s[1] = s1;
  s[2] = s2;
  s[3] = s3;
}

/* Channels oc..oc+3 that all read one input channel (multiplier a
 * multiple of 4): (x + off) · f by SMLABB / SMLABT, the broadcast value in
 * the low half, against the filter's halves. (Eight channels at once
 * would need more registers than there are.) */
static void
dw_broadcast (const DwLayer *d, const int8_t *in, const int8_t *f, int32_t rows, int32_t cols, int32_t *s)
{
  const int32_t in_c = d->in_c, out_c = d->out_c, off = d->off;
  const int32_t skip_in = d->in_row - cols * in_c, skip_f = d->f_row - cols * out_c;
  int32_t s0 = d->base[0], s1 = d->base[1], s2 = d->base[2], s3 = d->base[3], kx;

  for (; rows > 0; rows--, in += skip_in, f += skip_f)
    for (kx = cols; kx > 0; kx--, in += in_c, f += out_c)
      {
        const int32_t x = *in + off;
        int32_t wv = load4 (f), lo = __sxtb16 (wv);
        wv = sxtb16_hi (wv);
        s0 = __smlabb (x, lo, s0);
        s2 = __smlabt (x, lo, s2);
        s1 = __smlabb (x, wv, s1);
        s3 = __smlabt (x, wv, s3);
      }
  s[0] = s0;
  s[1] = s1;
  s[2] = s2;
  s[3] = s3;
}

/* One channel: other multipliers, and the last out_c % 4 channels. */
static void
dw_one (const DwLayer *d, const int8_t *in, const int8_t *f, int32_t rows, int32_t cols, int32_t *s)
{
  const int32_t in_c = d->in_c, out_c = d->out_c, off = d->off;
  const int32_t skip_in = d->in_row - cols * in_c, skip_f = d->f_row - cols * out_c;
  int32_t s0 = d->base[0], kx;

  for (; rows > 0; rows--, in += skip_in, f += skip_f)
    for (kx = cols; kx > 0; kx--, in += in_c, f += out_c)
      s0 += (*in + off) * *f;
  s[0] = s0;
}

/* Depthwise conv reduces over the kernel window, where channels are not
 * contiguous: a group of channels at once with SMLABB / SMLATT (one MAC
 * each), the saving being in loads and sign extensions. The group is the
 * outer loop, so its requantization constants are worked out once.
 * Channels oc..oc+3 read input channels oc..oc+3 (depth multiplier 1: one
 * word) or one input channel (multiplier a multiple of 4: one value for
 * the whole group); other multipliers and the last out_c % 4 channels go
 * one at a time. */
void
em_nn_depthwise_s8_dsp (const EmNnGeom *g, const EmNnQuantConv *q, const int8_t *input, const int8_t *filter,
                        const int32_t *bias, int8_t *output)
{
  const int32_t in_c = g->in_c, dm = g->depth_multiplier > 0 ? g->depth_multiplier : 1;
  const int32_t out_c = in_c * dm, kw = g->kernel_w;
  const int32_t n4 = dm == 1 || dm % 4 == 0 ? out_c & ~3 : 0;
  int32_t oc, oy, ox, i, m;
  DwLayer d;

  d.in_c = in_c;
  d.out_c = out_c;
  d.in_row = g->in_w * in_c;
  d.f_row = kw * out_c;
  d.off = q->input_offset;
  d.off2 = pack_offset (d.off);
  for (oc = 0; oc < out_c; oc += m)
    {
      const DwSums sums = oc >= n4 ? dw_one : dm == 1 ? dw_word : dw_broadcast;
      Requant r[4];

      m = oc < n4 ? 4 : 1;
      for (i = 0; i < m; i++)
        {
          requant_prep (&r[i], q, oc + i);
          d.base[i] = bias != NULL ? bias[oc + i] : 0;
        }
      for (oy = 0; oy < g->out_h; oy++)
        {
          const int32_t y0 = oy * g->stride_h - g->pad_top;
          int32_t ky0, ky1;

          clip (y0, g->kernel_h, g->in_h, &ky0, &ky1);
          for (ox = 0; ox < g->out_w; ox++)
            {
              const int32_t x0 = ox * g->stride_w - g->pad_left;
              int8_t *out = output + ((intptr_t) oy * g->out_w + ox) * out_c + oc;
              int32_t kx0, kx1, s[4];

              clip (x0, kw, g->in_w, &kx0, &kx1);
              sums (&d, input + ((intptr_t) (y0 + ky0) * g->in_w + x0 + kx0) * in_c + oc / dm,
                    filter + (ky0 * kw + kx0) * out_c + oc, ky1 - ky0, kx1 - kx0, s);
              for (i = 0; i < m; i++)
                out[i] = requant (&r[i], s[i]);
            }
        }
    }
}

void
em_nn_dense_s8_dsp (int32_t in_n, int32_t out_n, const EmNnQuantConv *q, const int8_t *input,
                    const int8_t *weights, const int32_t *bias, int8_t *output)
{
  int32_t o;

  for (o = 0; o < out_n; o += 2)
    {
      const int32_t o1 = o + 1 < out_n ? o + 1 : o;
      int32_t s[2];

      s[0] = bias != NULL ? bias[o] : 0;
      s[1] = bias != NULL ? bias[o1] : 0;
      mac_1x2 (input, weights + o * in_n, weights + o1 * in_n, in_n, q->input_offset, s);
      output[o] = requant_one (q, o, s[0]);
      output[o1] = requant_one (q, o1, s[1]);
    }
}

#else
/* ISO C forbids an empty translation unit. */
typedef int em_nn_kernels_s8_dsp_unused;
#endif /* EM_NN_DSP_EXT */
