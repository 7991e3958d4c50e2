/* SPDX-License-Identifier: Apache-2.0 */
#include "em-dsp.h"

const char *
em_dsp_status_string (int status)
{
  switch (status)
    {
    case EM_DSP_OK: return "ok";
    case EM_DSP_ERR_PARAM: return "a parameter is out of range";
    case EM_DSP_ERR_FFT_LENGTH: return "the FFT length must be a power of two";
    case EM_DSP_ERR_SHAPE: return "the window is too short for these parameters";
    case EM_DSP_ERR_SCRATCH: return "the scratch buffer is too small";
    case EM_DSP_ERR_FILTERBANK: return "a mel filter is empty: use fewer filters or a longer FFT";
    case EM_DSP_ERR_UNSTABLE: return "the filter design is unstable";
    case EM_DSP_ERR_NOT_FINITE: return "the input holds NaN or infinite values";
    case EM_DSP_ERR_READ: return "reading the input failed";
    default: return "unknown error";
    }
}
