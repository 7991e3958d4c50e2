/* SPDX-License-Identifier: Apache-2.0 */
/* Wavelet features of the spectral-analysis block (analysis_type Wavelet,
 * DSP-REFERENCE §1.5): a multilevel discrete wavelet decomposition as
 * pywt.wavedec(x, wavelet, level) with the default 'symmetric' extension
 * (x[−1−i] = x[i], x[n+i] = x[n−1−i]), then 14 statistics of every
 * coefficient array, arrays in wavedec's order: cA_level, cD_level, …, cD_1.
 * One level maps m samples to floor((m + F − 1)/2) coefficients (F taps):
 *   cA[k] = Σ_j lo[j]·x[2k+1−j],  cD[k] = Σ_j hi[j]·x[2k+1−j].
 * Statistics per array, in this order:
 *   entropy   natural-log entropy of a 100-bin histogram over [min, max]
 *             (numpy.histogram binning; density does not change it)
 *   zcross    sign changes of (x > 0) / length
 *   mcross    sign changes of (x > mean) / length
 *   n5 n25 n75 n95 median   sorted[(int)((len−1)·p/100 + 0.5)]
 *   mean, std (population), var (ddof = 1), rms, skew, kurtosis (Fisher;
 *   skew and kurtosis are 0 when rms is 0).
 * Wavelets: haar, db2–db10, sym2–sym10, coif1–coif3, bior1.1 … bior6.8 and
 * rbio1.1 … rbio6.8 (PyWavelets' names). */
#ifndef EM_DSP_WAVELET_H
#define EM_DSP_WAVELET_H

#include "em-dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EM_DSP_WAVELET_FEATURES 14   /* per coefficient array */
#define EM_DSP_WAVELET_MIN_BLOCK 32  /* length needs 32·2^level samples */

/* Index of a wavelet by name, or −1. */
int         em_dsp_wavelet_find (const char *name);
size_t      em_dsp_wavelet_count (void);
/* Name of wavelet i (NULL when out of range). */
const char *em_dsp_wavelet_name (size_t i);
/* Filter taps F of wavelet i (0 when out of range). */
size_t      em_dsp_wavelet_taps (int wavelet);
/* Largest level for n samples: int(log2(n/32)); 0 when n < 64. */
int         em_dsp_wavelet_max_level (size_t n);
/* Name of statistic j (0 … 13), e.g. "entropy", "n95". */
const char *em_dsp_wavelet_feature_name (size_t j);

/* Floats of scratch em_dsp_wavelet_features_f32 needs. */
size_t      em_dsp_wavelet_scratch_floats (size_t n, int wavelet);

/* Features of n samples x: 14·(level+1) floats into out.
 * Errors: EM_DSP_ERR_PARAM (unknown wavelet, level < 1),
 * EM_DSP_ERR_SHAPE (n < 32·2^level), EM_DSP_ERR_SCRATCH. */
int         em_dsp_wavelet_features_f32 (const float *x, size_t n, int wavelet, int level,
                                         float *out, float *scratch, size_t scratch_floats);

#ifdef __cplusplus
}
#endif

#endif /* EM_DSP_WAVELET_H */
