/* SPDX-License-Identifier: Apache-2.0 */
/* dsp/: Ember's processing-block maths. Portable C99, no GLib, no allocation:
 * every call takes caller-owned scratch memory sized by a *_scratch_bytes()
 * query, because these same files are compiled into the device library.
 * Parameter names, defaults and maths follow Edge Impulse's blocks (v4);
 * see shared/DSP-REFERENCE.md. */
#ifndef EM_DSP_H
#define EM_DSP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes: 0 = OK, negative = error. */
typedef enum {
  EM_DSP_OK = 0,
  EM_DSP_ERR_PARAM = -1,        /* a parameter is out of range */
  EM_DSP_ERR_FFT_LENGTH = -2,   /* FFT length is not a supported power of two */
  EM_DSP_ERR_SHAPE = -3,        /* input too short / frame longer than the window / too many frames */
  EM_DSP_ERR_SCRATCH = -4,      /* scratch buffer too small or misaligned */
  EM_DSP_ERR_FILTERBANK = -5,   /* a mel filter would be empty */
  EM_DSP_ERR_UNSTABLE = -6,     /* filter design is unstable */
  EM_DSP_ERR_NOT_FINITE = -7,   /* NaN or Inf in the input */
  EM_DSP_ERR_READ = -8,         /* the read callback of a streaming call failed */
} em_dsp_status;

/* The streaming calls (em_dsp_mfcc_f32_read, …) read the window through
 * this instead of holding it whole: copy @length values starting at value
 * @offset of the window into @out and return 0, or nonzero to stop the
 * call (it then returns EM_DSP_ERR_READ). Calls come in no fixed order and
 * may read a value more than once. */
typedef int (*em_dsp_read_fn) (size_t offset, size_t length, float *out, void *user);

/* A short English reason for a status, for error messages. */
const char *em_dsp_status_string (int status);

/* Scratch buffers are aligned to this many bytes by the caller. */
#define EM_DSP_ALIGN 16

#ifdef __cplusplus
}
#endif

#endif /* EM_DSP_H */
