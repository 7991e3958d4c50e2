/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The collection page the ingestion server serves to browsers and phones
 * (index.html, collect.js, collect.css in this folder, embedded as a
 * GResource). Private to em-ingest-server.c. */

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The page's path in collection URLs. Not "/": that stays a JSON 404 for
 * devices that post to the wrong place. */
#define EM_COLLECT_PAGE_PATH "/collect"

/* TRUE when @path is one of the page's files ("/collect", the script
 * and the style sheet) rather than an ingestion endpoint. */
gboolean em_collect_page_handles (const char *path);

/* Answer @msg: the page itself only when @query's "key" is @api_key (else
 * a 403 page), the script and style sheet to anyone (they hold no secret);
 * GET and HEAD only. */
void     em_collect_page_serve   (SoupServerMessage *msg, const char *path, GHashTable *query,
                                  const char *api_key);

G_END_DECLS
