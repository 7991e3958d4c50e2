/* SPDX-License-Identifier: Apache-2.0 */
#include "em-dsp-filter.h"

#include <math.h>

#define EM_DSP_PI 3.14159265358979323846

int
em_dsp_butter_design (em_dsp_butter *f, em_dsp_filter_type type, int order,
                      float fs, float cutoff)
{
  double a, a2;
  int i;

  f->type = type;
  f->n_sections = 0;
  if (type != EM_DSP_FILTER_NONE && type != EM_DSP_FILTER_LOW && type != EM_DSP_FILTER_HIGH)
    return EM_DSP_ERR_PARAM;
  if (order < 0 || order > EM_DSP_BUTTER_MAX_ORDER || (order & 1))
    return EM_DSP_ERR_PARAM;
  if (type == EM_DSP_FILTER_NONE || order == 0)
    return EM_DSP_OK;
  /* !(x > y) also rejects NaN. */
  if (!(fs > 0.0f) || !(cutoff > 0.0f) || !((double) cutoff < 0.5 * (double) fs))
    return EM_DSP_ERR_PARAM;

  a = tan (EM_DSP_PI * (double) cutoff / (double) fs);
  a2 = a * a;
  f->n_sections = order / 2;
  for (i = 0; i < f->n_sections; i++)
    {
      double r = sin (EM_DSP_PI * (2.0 * i + 1.0) / (2.0 * order));
      double s = a2 + 2.0 * a * r + 1.0;
      f->gain[i] = (em_dsp_acc_t) (type == EM_DSP_FILTER_LOW ? a2 / s : 1.0 / s);
      f->d1[i] = (em_dsp_acc_t) (2.0 * (1.0 - a2) / s);
      f->d2[i] = (em_dsp_acc_t) (-(a2 - 2.0 * a * r + 1.0) / s);
    }
  if (!em_dsp_butter_is_stable (f))
    return EM_DSP_ERR_UNSTABLE;
  return EM_DSP_OK;
}

int
em_dsp_butter_is_stable (const em_dsp_butter *f)
{
  int i;
  for (i = 0; i < f->n_sections; i++)
    {
      /* Poles of z² − d1·z − d2 lie inside the unit circle iff
       * |d2| < 1 and |d1| < 1 − d2 (the stability triangle). */
      float d1 = (float) f->d1[i], d2 = (float) f->d2[i];
      if (!(fabsf (d2) < 1.0f) || !(fabsf (d1) < 1.0f - d2))
        return 0;
    }
  return 1;
}

void
em_dsp_butter_f32 (const em_dsp_butter *f, float *x, size_t n, size_t stride)
{
  int s;
  size_t i;

  if (f->type == EM_DSP_FILTER_NONE)
    return;
  for (s = 0; s < f->n_sections; s++)
    {
      em_dsp_acc_t w1 = 0, w2 = 0;
      em_dsp_acc_t A = f->gain[s], d1 = f->d1[s], d2 = f->d2[s];
      /* Low-pass zeros at z = −1 (1 + 2z⁻¹ + z⁻²), high-pass at z = 1. */
      em_dsp_acc_t c1 = f->type == EM_DSP_FILTER_LOW ? 2 : -2;
      for (i = 0; i < n; i++)
        {
          em_dsp_acc_t w0 = d1 * w1 + d2 * w2 + (em_dsp_acc_t) x[i * stride];
          x[i * stride] = (float) (A * (w0 + c1 * w1 + w2));
          w2 = w1;
          w1 = w0;
        }
    }
}

/* Chebyshev type I decimation filters, from
 *   sos = scipy.signal.cheby1(8, 0.05, 0.8 / ratio, output='sos')
 *   zi  = scipy.signal.sosfilt_zi(sos)
 * (scipy 1.10.1, printed with %.17g). Per section: b0, b1, b2, a1, a2
 * (a0 == 1), zi0, zi1. Kept in double: in float the ratio-10 filter's poles
 * sit so close to the unit circle that the output moves by ~1e-4. */
static const double cheby_ratio3[4][7] = {
  { 3.4799547399085014e-05, 6.9599094798170028e-05, 3.4799547399085014e-05, -1.416907422639627, 0.52045529556700665, 0.0013094887094341847, -0.00066484239463833049 },
  { 1, 2, 1, -1.3342748248687593, 0.59463195308144701, 0.019308701212847924, -0.010936639208493816 },
  { 1, 2, 1, -1.2376751626003359, 0.72593266112336186, 0.1485445305451166, -0.10217301649013424 },
  { 1, 2, 1, -1.2180861262950022, 0.89878335812532639, 0.82506255393815908, -0.72442688810257627 },
};

static const double cheby_ratio10[4][7] = {
  { 3.5863243209995207e-09, 7.1726486419990414e-09, 3.5863243209995207e-09, -1.8204968644767618, 0.83085974037961374, 1.3807106042999696e-06, -1.1465702624013156e-06 },
  { 1, 2, 1, -1.8289505620176847, 0.85531737103877414, 0.00020862168862901531, -0.00017823747054094327 },
  { 1, 2, 1, -1.8517334482627625, 0.90151610557138129, 0.016663820918116148, -0.01500202073072795 },
  { 1, 2, 1, -1.8965395961864169, 0.9644245584642932, 0.97738624704928656, -0.94201500591708554 },
};

/* Steps per ratio, applied left to right (0 ends the list). */
static const int *
ratio_steps (int ratio)
{
  static const int r1[] = { 0 };
  static const int r3[] = { 3, 0 };
  static const int r10[] = { 10, 0 };
  static const int r30[] = { 3, 10, 0 };
  static const int r100[] = { 10, 10, 0 };
  static const int r1000[] = { 10, 10, 10, 0 };
  switch (ratio)
    {
    case 1: return r1;
    case 3: return r3;
    case 10: return r10;
    case 30: return r30;
    case 100: return r100;
    case 1000: return r1000;
    default: return NULL;
    }
}

int
em_dsp_decimate_ratio_ok (int ratio)
{
  return ratio_steps (ratio) != NULL;
}

size_t
em_dsp_decimate_length (size_t n, int ratio)
{
  const int *step = ratio_steps (ratio);
  if (step == NULL)
    return 0;
  for (; *step; step++)
    n = (n + (size_t) *step - 1) / (size_t) *step;
  return n;
}

/* One step: sosfilt (transposed direct form II) with zi·in[0], keep every
 * r-th output. Output index i/r never passes input index i, so in may be out. */
static size_t
decimate_step (const float *in, size_t n, size_t stride, int r, float *out)
{
  const double (*sos)[7] = r == 3 ? cheby_ratio3 : cheby_ratio10;
  double z[4][2];
  double x0 = in[0];
  size_t i, k = 0;
  int s;

  for (s = 0; s < 4; s++)
    {
      z[s][0] = sos[s][5] * x0;
      z[s][1] = sos[s][6] * x0;
    }
  for (i = 0; i < n; i++)
    {
      double v = in[i * stride];
      for (s = 0; s < 4; s++)
        {
          double y = sos[s][0] * v + z[s][0];
          z[s][0] = sos[s][1] * v - sos[s][3] * y + z[s][1];
          z[s][1] = sos[s][2] * v - sos[s][4] * y;
          v = y;
        }
      if (i % (size_t) r == 0)
        out[k++] = (float) v;
    }
  return k;
}

int
em_dsp_decimate_f32 (const float *in, size_t n, size_t stride, int ratio, float *out)
{
  const int *step = ratio_steps (ratio);
  size_t i;

  if (step == NULL || n == 0)
    return EM_DSP_ERR_PARAM;
  if (*step == 0)
    {
      if (out != in)
        for (i = 0; i < n; i++)
          out[i] = in[i * stride];
      return EM_DSP_OK;
    }
  n = decimate_step (in, n, stride, *step++, out);
  for (; *step; step++)
    n = decimate_step (out, n, 1, *step, out);
  return EM_DSP_OK;
}
