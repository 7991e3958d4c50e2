/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Shared by em-ingest-server.c (HTTP, group commit) and em-ingest-decode.c. */

#include <libsoup/soup.h>
#include "em-sample.h"

G_BEGIN_DECLS

/* Decoding fails in this domain when the content type itself is not one we
 * read: that is a 415, while a reader's own EM_ERROR_UNSUPPORTED (a WAV
 * variant, say) is bad data, a 400. */
#define EM_INGEST_TYPE_ERROR (em_ingest_type_error_quark ())
GQuark   em_ingest_type_error_quark (void);

/* Decode a request body (a single file or multipart/form-data) into
 * samples named, labelled and categorised as data import would, appending
 * them to @samples and, for each, the file it came from ("part 2 (x.wav)",
 * the x-file-name, or "body") to @sources. All or nothing: on error some
 * samples may have been appended; the caller drops the arrays. */
gboolean em_ingest_decode_request   (SoupMessageHeaders *headers, GBytes *body,
                                     EmCategory category, const char *hmac_key,
                                     GPtrArray *samples, GPtrArray *sources, GError **error);

/* Set @msg's status and JSON body: {"success": false, "error": @message}. */
void     em_ingest_respond_error    (SoupServerMessage *msg, guint status, const char *message);
/* 200 {"success": true, "files": [{"name", "id"}, ...]} for stored @samples. */
void     em_ingest_respond_samples  (SoupServerMessage *msg, GPtrArray *samples);
/* The HTTP status for a decoding or commit error. */
guint    em_ingest_status_for_error (const GError *error);

/* "1", "true" or "yes", in any case. */
gboolean em_ingest_header_is_true   (SoupMessageHeaders *headers, const char *name);

G_END_DECLS
