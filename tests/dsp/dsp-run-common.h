/* SPDX-License-Identifier: Apache-2.0 */
/* What the dsp/ test runners share: key=value parameters from the command
 * line, reading a raw float32 file, aligned scratch, a clock. Test code only. */
#ifndef DSP_RUN_COMMON_H
#define DSP_RUN_COMMON_H

#include <stddef.h>

/* Print "error: WHAT[: status text (status)][: reason]" and exit 1. */
void        run_die        (const char *what, int status, const char *reason);
/* Take "key=value" (dashes in the key become underscores, as Studio spells
 * some names with dashes); 0 when @arg is not of that form. */
int         run_add_param  (const char *arg);
const char *run_get        (const char *key);
double      run_get_num    (const char *key, double def);
int         run_get_int    (const char *key, int def);
int         run_get_bool   (const char *key, int def);
/* The value of names[i] in values[i] (names NULL-terminated), or exit. */
int         run_get_enum   (const char *key, int def, const char *const *names, const int *values);
/* Exit with a message when a given parameter was never read by @block. */
void        run_check_used (const char *block);
/* A whole file ("-" = stdin) of native float32. */
float      *run_read_floats (const char *path, size_t *n);
/* EM_DSP_ALIGN-aligned memory of at least @bytes (never 0 bytes). */
void       *run_scratch_alloc (size_t bytes);
double      run_now_us     (void);

#endif /* DSP_RUN_COMMON_H */
