/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by Ember's built-in processing blocks (not part of the plugin ABI):
 * the per-thread state that owns the block's DSP parameters and scratch. */
#ifndef EM_BLOCK_UTIL_H
#define EM_BLOCK_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "em-dsp.h"
#include "ember-plugin.h"

typedef struct {
  EmSignalInfo input;
  void        *scratch;        /* EM_DSP_ALIGN-aligned */
  size_t       scratch_bytes;
  size_t       n_features;
  uint64_t     macs;           /* estimated multiply-adds per window */
  /* The block's own parameter struct follows (see em_block_state_new). */
} EmBlockState;

#define EM_BLOCK_PARAMS(state, type) ((type *) ((char *) (state) + em_block_state_header_size ()))

static inline size_t
em_block_state_header_size (void)
{
  return (sizeof (EmBlockState) + 15) & ~(size_t) 15;
}

/* A state with room for a params struct of @params_size and @scratch_bytes of scratch. */
static inline EmBlockState *
em_block_state_new (const EmSignalInfo *input, size_t params_size, size_t scratch_bytes)
{
  EmBlockState *s = calloc (1, em_block_state_header_size () + params_size);

  if (s == NULL)
    return NULL;
  s->input = *input;
  s->scratch_bytes = scratch_bytes;
  if (scratch_bytes > 0)
    {
      /* aligned_alloc needs a size that is a multiple of the alignment. */
      size_t rounded = (scratch_bytes + EM_DSP_ALIGN - 1) & ~(size_t) (EM_DSP_ALIGN - 1);
      s->scratch = aligned_alloc (EM_DSP_ALIGN, rounded);
      if (s->scratch == NULL)
        {
          free (s);
          return NULL;
        }
    }
  return s;
}

static inline void
em_block_state_free (void *state)
{
  EmBlockState *s = state;

  if (s == NULL)
    return;
  free (s->scratch);
  free (s);
}

static inline int
em_block_cost (void *state, uint64_t *macs, uint64_t *scratch_bytes)
{
  EmBlockState *s = state;

  *macs = s->macs;
  *scratch_bytes = s->scratch_bytes;
  return 0;
}

/* "block: reason (status)" into err. */
static inline int
em_block_fail (char *err, size_t err_len, const char *block, int status, const char *reason)
{
  if (err != NULL && err_len > 0)
    snprintf (err, err_len, "%s: %s", block, reason != NULL ? reason : em_dsp_status_string (status));
  return status < 0 ? status : -1;
}

/* Fill a block's EmDeviceCode: declare_fmt is printf-style (write numbers
 * with %a: hex float literals are exact, so the device gets the very
 * parameter values the host uses). */
static inline int
em_block_device_code (EmDeviceCode *code, const char *block, const char *files, const char *run,
                      uint64_t scratch_bytes, char *err, size_t err_len, const char *declare_fmt, ...)
{
  va_list args;
  int n;

  memset (code, 0, sizeof *code);
  va_start (args, declare_fmt);
  n = vsnprintf (code->declare, sizeof code->declare, declare_fmt, args);
  va_end (args);
  if (n < 0 || (size_t) n >= sizeof code->declare || strlen (files) >= sizeof code->files ||
      strlen (run) >= sizeof code->run)
    return em_block_fail (err, err_len, block, -1, "device code does not fit EmDeviceCode");
  memcpy (code->files, files, strlen (files) + 1);
  memcpy (code->run, run, strlen (run) + 1);
  code->scratch_bytes = scratch_bytes;
  return 0;
}

/* log2 for cost estimates of FFTs. */
static inline uint64_t
em_block_log2 (uint64_t n)
{
  uint64_t r = 0;
  while (n > 1)
    {
      n >>= 1;
      r++;
    }
  return r;
}

#endif /* EM_BLOCK_UTIL_H */
