/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define EM_ERROR (em_error_quark ())

/* One error domain for libember-core.  Messages are one line and name the
 * thing (file, sample, project) and the reason, because they are shown to
 * users as they are. */
typedef enum {
  EM_ERROR_FAILED,
  EM_ERROR_INVALID_ARGUMENT, /* a caller or user passed a bad value */
  EM_ERROR_INVALID_DATA,     /* a file's content is malformed or truncated */
  EM_ERROR_UNSUPPORTED,      /* well-formed, but a variant we do not read */
  EM_ERROR_DUPLICATE,        /* same content already in the project */
  EM_ERROR_NOT_FOUND,
  EM_ERROR_IO,               /* reading or writing failed (permissions, disk full) */
  EM_ERROR_SCHEMA_TOO_NEW,   /* project written by a newer Ember */
  EM_ERROR_CORRUPT,          /* not an Ember project, or damaged */
  EM_ERROR_BAD_SIGNATURE,    /* HMAC signature does not verify */
  EM_ERROR_CANCELLED,
} EmError;

GQuark em_error_quark (void);

G_END_DECLS
