/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>
#include "em-project.h"

G_BEGIN_DECLS

/* The HTTP ingestion server devices post samples to, as they would to Edge
 * Impulse's ingestion service:
 *
 *   POST /api/training/data, POST /api/testing/data
 *
 * Bodies: EI data acquisition JSON (application/json) or CBOR
 * (application/cbor), checked against the project's "hmac_key" setting when
 * it has one; WAV (audio/wav, audio/x-wav); CSV (text/csv); JPEG / PNG
 * (image/jpeg, image/png); or multipart/form-data whose parts (any field
 * name, each with a filename) are such files. application/octet-stream or a
 * missing type falls back on the file name's extension.
 *
 * Headers: x-api-key (required, the project's "api_key" setting), x-label,
 * x-file-name (single bodies), x-disallow-duplicates ("1" / "true").
 *
 * A request is all or nothing. The answer is JSON, sent only after the
 * samples are committed: 200 {"success": true, "files": [{"name", "id"}]},
 * else {"success": false, "error": "..."} with 400 (bad data or signature),
 * 401 (api key), 404, 405, 409 (duplicate), 413 (body over the limit),
 * 415 (unsupported type) or 500 (the project could not be written).
 *
 * Requests are read, checked and decoded on the thread-default main context
 * of the thread that called em_ingest_server_listen(). Requests that arrive
 * together are committed in one transaction (each in its own savepoint) in
 * a worker thread, because with synchronous = FULL the fsync per commit
 * bounds throughput; the project's "samples-changed" is therefore emitted
 * on that worker thread. */

#define EM_INGEST_DEFAULT_MAX_BODY_SIZE (64 * 1024 * 1024)

#define EM_TYPE_INGEST_SERVER (em_ingest_server_get_type ())
G_DECLARE_FINAL_TYPE (EmIngestServer, em_ingest_server, EM, INGEST_SERVER, GObject)

EmIngestServer *em_ingest_server_new               (EmProject *project);

/* Start listening on @address (an IP literal; NULL = "127.0.0.1") and @port
 * (0 = any free port, see em_ingest_server_get_port()). */
gboolean        em_ingest_server_listen            (EmIngestServer *self, const char *address,
                                                    guint port, GError **error);
/* The port listened on, 0 when not listening. */
guint           em_ingest_server_get_port          (EmIngestServer *self);
/* The URL of the collection page a browser or phone records samples with
 * (microphone, camera, accelerometer), API key included: the page is
 * refused without it. @host: what the browser reaches this machine by
 * (a name or IP); NULL = the address listened on, or for a wildcard
 * (0.0.0.0, ::) this machine's first LAN IPv4 address. NULL when not
 * listening. The page is served at "/collect" (GET, with
 * ?key=API_KEY); a phone reaches it only when the server listens on an
 * address other than 127.0.0.1. */
char           *em_ingest_server_collect_url       (EmIngestServer *self, const char *host);
/* Stop listening and drop open connections; requests waiting for their
 * commit are answered first. */
void            em_ingest_server_stop              (EmIngestServer *self);

/* Largest request body in bytes (property "max-body-size", default 64 MiB). */
guint64         em_ingest_server_get_max_body_size (EmIngestServer *self);
void            em_ingest_server_set_max_body_size (EmIngestServer *self, guint64 size);

/* signal "sample-added" (EmIngestServer *self, gint64 id, EmSample *sample,
 * gpointer user_data): emitted on the server's main context for each sample
 * after its commit and after its request was answered. @sample is the
 * stored sample (with data); don't change it. */

G_END_DECLS
