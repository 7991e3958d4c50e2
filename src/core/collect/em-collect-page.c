/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "em-collect-page.h"
#include "em-collect-resources.h"

#define RESOURCE_PREFIX "/org/emberstudio/Ember/collect/"

typedef struct {
  const char *path;
  const char *resource;
  const char *content_type;
  gboolean needs_key;
} PageFile;

static const PageFile page_files[] = {
  { EM_COLLECT_PAGE_PATH, "index.html", "text/html; charset=utf-8", TRUE },
  { "/collect.js", "collect.js", "text/javascript; charset=utf-8", FALSE },
  { "/collect.css", "collect.css", "text/css; charset=utf-8", FALSE },
};

static const PageFile *
find_file (const char *path)
{
  for (gsize i = 0; i < G_N_ELEMENTS (page_files); i++)
    if (g_strcmp0 (path, page_files[i].path) == 0)
      return &page_files[i];
  return NULL;
}

gboolean
em_collect_page_handles (const char *path)
{
  return find_file (path) != NULL;
}

/* Same reasoning as the API key check of the endpoints: every byte is
 * compared whatever the first difference. */
static gboolean
key_matches (const char *given, const char *expected)
{
  gsize n;
  guint diff = 0;

  if (given == NULL || expected == NULL || *expected == '\0')
    return FALSE;
  n = strlen (expected);
  if (strlen (given) != n)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    diff |= (guint) (given[i] ^ expected[i]);
  return diff == 0;
}

static void
set_headers (SoupServerMessage *msg, const char *content_type)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);

  /* The page talks to this server only: no other origin, no inline code,
   * and it is never framed by another site. */
  soup_message_headers_replace (h, "Content-Security-Policy",
                                "default-src 'self'; media-src 'self' blob: mediastream:; "
                                "img-src 'self' blob: data:; frame-ancestors 'none'");
  soup_message_headers_replace (h, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (h, "Referrer-Policy", "no-referrer");
  /* The page's URL holds the key: no cache keeps a copy of it. */
  soup_message_headers_replace (h, "Cache-Control", "no-store");
  soup_message_headers_set_content_type (h, content_type, NULL);
}

static void
respond_forbidden (SoupServerMessage *msg, const char *reason)
{
  g_autofree char *escaped = g_markup_escape_text (reason, -1);
  g_autofree char *html = g_strdup_printf (
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<title>Ember – forbidden</title></head><body><h1>Forbidden</h1><p>%s</p>"
    "<p>Open the collection URL that <code>ember-cli serve</code> or the app's Devices page "
    "shows (or scan its QR code): it carries the project's API key.</p></body></html>\n",
    escaped);

  set_headers (msg, "text/html; charset=utf-8");
  soup_server_message_set_status (msg, SOUP_STATUS_FORBIDDEN, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, html,
                                    strlen (html));
}

void
em_collect_page_serve (SoupServerMessage *msg, const char *path, GHashTable *query,
                       const char *api_key)
{
  const PageFile *file = find_file (path);
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *resource = NULL;
  gsize size;
  gconstpointer data;

  g_return_if_fail (file != NULL);
  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "GET, HEAD");
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  if (file->needs_key)
    {
      const char *given = query != NULL ? g_hash_table_lookup (query, "key") : NULL;

      if (given == NULL)
        {
          respond_forbidden (msg, "This page needs the project's API key in its URL (?key=…).");
          return;
        }
      if (!key_matches (given, api_key))
        {
          respond_forbidden (msg, "The key in this URL is not the project's API key.");
          return;
        }
    }
  resource = g_strconcat (RESOURCE_PREFIX, file->resource, NULL);
  bytes = g_resource_lookup_data (em_collect_get_resource (), resource, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                  &error);
  if (bytes == NULL)
    {
      /* Built in: missing only if the build is broken. */
      g_warning ("collection page: %s", error->message);
      soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      return;
    }
  set_headers (msg, file->content_type);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  data = g_bytes_get_data (bytes, &size);
  soup_server_message_set_response (msg, file->content_type, SOUP_MEMORY_COPY, data, size);
}
