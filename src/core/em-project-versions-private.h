/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by em-project-versions.c (writing) and em-project-versions-read.c. */
#pragma once

#include "em-project-private.h"
#include "em-project-versions.h"

G_BEGIN_DECLS

/* "v0012.ember" -> 12; FALSE for anything else (partial files, journals). */
gboolean  em_project_version_parse_name (const char *name, guint *number);
/* Open @path read-only and check it is an Ember project this build reads:
 * NULL and a one-line error naming the file otherwise. @schema: (out). */
sqlite3  *em_project_version_open_db    (const char *path, gint64 *schema, GError **error);

G_END_DECLS
