/* SPDX-License-Identifier: Apache-2.0 */
/* "Spectral analysis": per-axis statistics and a max-hold power spectrum. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "em-block-util.h"
#include "em-dsp-fft.h"
#include "em-dsp-spectral.h"

static int
parse (const EmPluginParam *params, size_t n, em_dsp_spectral_params *p, char *err, size_t err_len)
{
  const char *type = em_plugin_param_string (params, n, "filter_type", "none");

  em_dsp_spectral_params_default (p);
  p->scale_axes = (float) em_plugin_param_double (params, n, "scale_axes", 1.0);
  p->input_decimation_ratio = (int) em_plugin_param_int (params, n, "input_decimation_ratio", 1);
  p->filter_type = strcmp (type, "low") == 0 ? EM_DSP_FILTER_LOW
                 : strcmp (type, "high") == 0 ? EM_DSP_FILTER_HIGH : EM_DSP_FILTER_NONE;
  p->filter_cutoff = (float) em_plugin_param_double (params, n, "filter_cutoff", 3.0);
  p->filter_order = (int) em_plugin_param_int (params, n, "filter_order", 6);
  p->fft_length = (int) em_plugin_param_int (params, n, "fft_length", 16);
  p->do_log = em_plugin_param_bool (params, n, "do_log", 1);
  p->do_fft_overlap = em_plugin_param_bool (params, n, "do_fft_overlap", 1);
  p->extra_low_freq = em_plugin_param_bool (params, n, "extra_low_freq", 0);
  p->analysis_type = strcmp (em_plugin_param_string (params, n, "analysis_type", "FFT"), "Wavelet") == 0
                   ? EM_DSP_SPECTRAL_WAVELET : EM_DSP_SPECTRAL_FFT;
  p->wavelet_level = (int) em_plugin_param_int (params, n, "wavelet_level", 1);
  snprintf (p->wavelet, sizeof p->wavelet, "%s", em_plugin_param_string (params, n, "wavelet", "db4"));
  (void) err;
  (void) err_len;
  return 0;
}

static int
spectral_init (const EmPluginParam *params, size_t n_params, const EmSignalInfo *input, void **state,
               EmFeatureShape *shape, char *err, size_t err_len)
{
  em_dsp_spectral_params p;
  const char *reason = NULL;
  size_t n = 0;
  EmBlockState *s;
  int status;
  uint64_t segments, nfft;

  if (parse (params, n_params, &p, err, err_len) != 0)
    return -1;
  status = em_dsp_spectral_check (&p, (float) input->frequency_hz, input->n_frames, input->n_axes, &n, &reason);
  if (status != EM_DSP_OK)
    return em_block_fail (err, err_len, "spectral", status, reason);
  s = em_block_state_new (input, sizeof p, em_dsp_spectral_scratch_bytes (&p, input->n_frames));
  if (s == NULL)
    return em_block_fail (err, err_len, "spectral", -1, "out of memory");
  *EM_BLOCK_PARAMS (s, em_dsp_spectral_params) = p;
  s->n_features = n;
  /* Filter biquads, then one FFT per segment (about n/2·log2 n complex MACs). */
  nfft = (uint64_t) p.fft_length;
  segments = input->n_frames / (p.do_fft_overlap ? nfft / 2 : nfft) + 1;
  s->macs = (uint64_t) input->n_axes *
            ((uint64_t) input->n_frames * (5 * (uint64_t) p.filter_order / 2 + 4) +
             segments * (2 * nfft * em_block_log2 (nfft) + nfft));
  shape->rows = 1;
  shape->cols = (uint32_t) n;
  *state = s;
  return 0;
}

static int
spectral_run (void *state, const EmSignal *signal, float *out, char *err, size_t err_len)
{
  EmBlockState *s = state;
  int status = em_dsp_spectral_f32 (EM_BLOCK_PARAMS (s, em_dsp_spectral_params), (float) s->input.frequency_hz,
                                    signal->data, s->input.n_frames, s->input.n_axes, out,
                                    s->scratch, s->scratch_bytes);

  return status == EM_DSP_OK ? 0 : em_block_fail (err, err_len, "spectral", status, NULL);
}

/* Suggest a low-pass cut-off: the frequency under which 95 % of the
 * examples' power (DC left out) lies, over all axes. */
static int
spectral_autotune (const EmPluginParam *params, size_t n_params, const EmSignal *examples, size_t n_examples,
                   char *out, size_t out_len, char *err, size_t err_len)
{
  size_t nfft = 256, bins = nfft / 2 + 1;
  double *power, total = 0, acc = 0, fs;
  float *frame, *spec, *work;
  void *plan_mem;
  em_dsp_rfft *plan;
  size_t k;

  if (n_examples == 0)
    return em_block_fail (err, err_len, "spectral", -1, "autotune needs example windows");
  fs = examples[0].info.frequency_hz;
  plan_mem = aligned_alloc (EM_DSP_ALIGN, (em_dsp_rfft_plan_bytes (nfft) + EM_DSP_ALIGN - 1) & ~(size_t) (EM_DSP_ALIGN - 1));
  power = calloc (bins, sizeof *power);
  frame = calloc (nfft, sizeof *frame);
  spec = calloc (bins, sizeof *spec);
  work = calloc (nfft + 2, sizeof *work);
  plan = plan_mem != NULL ? em_dsp_rfft_init (nfft, plan_mem, em_dsp_rfft_plan_bytes (nfft)) : NULL;
  if (plan == NULL || power == NULL || frame == NULL || spec == NULL || work == NULL)
    {
      free (plan_mem); free (power); free (frame); free (spec); free (work);
      return em_block_fail (err, err_len, "spectral", -1, "out of memory");
    }
  for (size_t e = 0; e < n_examples; e++)
    {
      const EmSignal *sig = &examples[e];
      for (uint32_t a = 0; a < sig->info.n_axes; a++)
        for (size_t start = 0; start < sig->info.n_frames; start += nfft)
          {
            double mean = 0;
            size_t len = sig->info.n_frames - start < nfft ? sig->info.n_frames - start : nfft;
            for (k = 0; k < len; k++)
              mean += sig->data[(start + k) * sig->info.n_axes + a];
            mean /= (double) len;
            for (k = 0; k < nfft; k++)
              frame[k] = k < len ? (float) (sig->data[(start + k) * sig->info.n_axes + a] - mean) : 0.0f;
            em_dsp_rfft_power_f32 (plan, frame, spec, work);
            for (k = 1; k < bins; k++)
              power[k] += spec[k];
          }
    }
  for (k = 1; k < bins; k++)
    total += power[k];
  for (k = 1; k < bins && acc < 0.95 * total; k++)
    acc += power[k];
  {
    /* Keep the cut-off strictly inside (0, fs/2) and round it for humans. */
    double cutoff = fmax (0.1, fmin (fs / 2 * 0.95, (double) k * fs / nfft));
    snprintf (out, out_len, "filter_type=low\nfilter_cutoff=%.2f\n", cutoff);
  }
  free (plan_mem); free (power); free (frame); free (spec); free (work);
  (void) params; (void) n_params;
  return 0;
}

/* The device runs the same em_dsp_spectral_f32 call with the same parameters
 * (and dsp/'s own FFT where the host may use FFTW: equal within 1e-5). */
static int
spectral_device_code (void *state, EmDeviceCode *code, char *err, size_t err_len)
{
  EmBlockState *s = state;
  const em_dsp_spectral_params *p = EM_BLOCK_PARAMS (s, em_dsp_spectral_params);
  char run[320];

  snprintf (run, sizeof run,
            "status = em_dsp_spectral_f32 (&@P@params, %af, @IN@, %uu, %uu, @OUT@, @SCRATCH@, @SCRATCH_BYTES@);",
            (float) s->input.frequency_hz, s->input.n_frames, s->input.n_axes);
  return em_block_device_code (code, "spectral", "em-dsp-spectral.h em-dsp-spectral.c", run, s->scratch_bytes,
                               err, err_len,
                               "static const em_dsp_spectral_params @P@params = {\n"
                               "  %af, %d, (em_dsp_filter_type) %d, %af, %d, (em_dsp_spectral_analysis) %d,\n"
                               "  %d, %d, %d, %d, \"%s\", %d\n};\n",
                               p->scale_axes, p->input_decimation_ratio, (int) p->filter_type, p->filter_cutoff,
                               p->filter_order, (int) p->analysis_type, p->fft_length, p->do_log,
                               p->do_fft_overlap, p->wavelet_level, p->wavelet, p->extra_low_freq);
}

static const EmProcessingOps ops = {
  .init = spectral_init, .run = spectral_run, .free = em_block_state_free, .cost = em_block_cost,
  .autotune = spectral_autotune, .device_code = spectral_device_code,
};

static const EmBlockInfo blocks[] = { {
  .id = "spectral",
  .kind = EM_BLOCK_PROCESSING,
  .name = "Spectral analysis",
  .description = "RMS, skewness, kurtosis and the power spectrum of each axis after an optional "
                 "Butterworth filter: the usual block for motion and vibration.",
  .version = 4,
  .params_schema =
    "[{\"name\": \"scale_axes\", \"type\": \"float\", \"default\": 1, \"min\": -1e9, \"max\": 1e9, \"label\": \"Scale axes\"},"
    " {\"name\": \"input_decimation_ratio\", \"type\": \"int\", \"default\": 1, \"min\": 1, \"max\": 1000,"
    "  \"label\": \"Decimation ratio\", \"help\": \"1, 3, 10, 30, 100 or 1000\"},"
    " {\"name\": \"filter_type\", \"type\": \"enum\", \"default\": \"none\", \"values\": [\"none\", \"low\", \"high\"],"
    "  \"label\": \"Filter\"},"
    " {\"name\": \"filter_cutoff\", \"type\": \"float\", \"default\": 3, \"min\": 0.001, \"max\": 100000,"
    "  \"units\": \"Hz\", \"label\": \"Cut-off frequency\"},"
    " {\"name\": \"filter_order\", \"type\": \"int\", \"default\": 6, \"min\": 0, \"max\": 8,"
    "  \"label\": \"Filter order\", \"help\": \"Even: 2, 4, 6 or 8; 0 masks FFT bins only\"},"
    " {\"name\": \"analysis_type\", \"type\": \"enum\", \"default\": \"FFT\", \"values\": [\"FFT\", \"Wavelet\"], \"label\": \"Analysis\"},"
    " {\"name\": \"fft_length\", \"type\": \"int\", \"default\": 16, \"min\": 4, \"max\": 8192,"
    "  \"label\": \"FFT length\", \"help\": \"A power of two\"},"
    " {\"name\": \"do_log\", \"type\": \"bool\", \"default\": true, \"label\": \"Take log of spectrum\"},"
    " {\"name\": \"do_fft_overlap\", \"type\": \"bool\", \"default\": true, \"label\": \"Overlap FFT frames\"},"
    " {\"name\": \"wavelet_level\", \"type\": \"int\", \"default\": 1, \"min\": 1, \"max\": 7, \"label\": \"Wavelet decomposition level\"},"
    " {\"name\": \"wavelet\", \"type\": \"string\", \"default\": \"db4\", \"label\": \"Wavelet\","
    "  \"help\": \"A PyWavelets name: haar, db2 … db10, sym2 … sym10, coif1 … coif3, bior…, rbio…\"},"
    " {\"name\": \"extra_low_freq\", \"type\": \"bool\", \"default\": false, \"label\": \"Improve low frequency resolution\"}]",
  .input_kinds = EM_INPUT_TIME_SERIES | EM_INPUT_AUDIO,
  .ops = &ops,
} };

static const EmPluginInfo info = {
  .abi_version = EM_PLUGIN_ABI, .struct_size = sizeof (EmPluginInfo),
  .name = "Ember spectral analysis block", .version = "4", .n_blocks = 1, .blocks = blocks,
};

EM_PLUGIN_EXPORT const EmPluginInfo *
em_plugin_info (void)
{
  return &info;
}
