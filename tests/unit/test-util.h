/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A fresh temporary directory, removed with its contents at exit. (transfer full) */
char    *em_test_make_tmpdir (void);
/* Write @len bytes to @path or abort the test. */
void     em_test_write_file  (const char *path, const void *data, gsize len);
/* Read a whole file or abort. (transfer full) */
GBytes  *em_test_read_file   (const char *path);

G_END_DECLS
