/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <libsoup/soup.h>
#include "collect/em-collect-page.h"
#include "em-error.h"
#include "em-ingest-private.h"
#include "em-ingest-server.h"

/* Per-message state kept on the SoupServerMessage. */
#define BODY_STATE_KEY "em-ingest-body-state"

typedef struct {
  guint64 received;
  gboolean too_large;
} BodyState;

/* A decoded request waiting for the next group commit. */
typedef struct {
  SoupServerMessage *msg;
  GPtrArray *samples; /* EmSample */
  GPtrArray *sources; /* per sample: the file it came from, for messages */
  gboolean disallow_duplicates;
} Pending;

struct _EmIngestServer
{
  GObject parent_instance;

  EmProject *project;
  SoupServer *server;
  guint64 max_body_size;
  guint port;
  char *address;          /* listened on; NULL until listening */
  GMainContext *context; /* where the server runs; NULL until listening */
  GPtrArray *pending;     /* Pending, waiting for the next commit */
  guint flush_id;
  gboolean committing;    /* a batch is being written in a worker thread */
  gboolean stopping;      /* em_ingest_server_stop() is draining */

  /* The keys, copied from the project's settings when listening starts and
   * at every commit: while a worker thread holds the project's transaction,
   * the main thread must not wait on the project to check a request. */
  GMutex keys_lock;
  char *api_key;
  char *hmac_key;
};

/* One group commit: written in a worker thread, answered on the main one. */
typedef struct {
  GPtrArray *batch;   /* Pending */
  GError **errors;    /* per request */
  GError *tx_error;   /* the transaction as a whole failed */
} CommitJob;

G_DEFINE_FINAL_TYPE (EmIngestServer, em_ingest_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_MAX_BODY_SIZE,
  N_PROPS
};

enum {
  SAMPLE_ADDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_commit (EmIngestServer *self);

/* Same priority as the sockets: requests that arrived in one main loop
 * iteration are committed together, and a busy server cannot starve it. */
static gboolean
flush_idle (gpointer data)
{
  EmIngestServer *self = data;

  self->flush_id = 0;
  start_commit (self);
  return G_SOURCE_REMOVE;
}

static void
refresh_keys (EmIngestServer *self)
{
  char *api_key = em_project_get_setting (self->project, "api_key");
  char *hmac_key = em_project_get_setting (self->project, "hmac_key");

  if (hmac_key != NULL && *hmac_key == '\0')
    g_clear_pointer (&hmac_key, g_free);
  g_mutex_lock (&self->keys_lock);
  g_free (self->api_key);
  self->api_key = api_key;
  g_free (self->hmac_key);
  self->hmac_key = hmac_key;
  g_mutex_unlock (&self->keys_lock);
}

/* (transfer full) (nullable) */
static char *
cached_key (EmIngestServer *self, gboolean hmac)
{
  char *key;

  g_mutex_lock (&self->keys_lock);
  key = g_strdup (hmac ? self->hmac_key : self->api_key);
  g_mutex_unlock (&self->keys_lock);
  return key;
}

static void
pending_free (gpointer data)
{
  Pending *p = data;

  g_clear_object (&p->msg);
  g_clear_pointer (&p->samples, g_ptr_array_unref);
  g_clear_pointer (&p->sources, g_ptr_array_unref);
  g_free (p);
}

/* --- request checks ------------------------------------------------------ */

/* -1 when @path is not an ingestion endpoint. */
static int
category_for_path (const char *path)
{
  if (g_strcmp0 (path, "/api/training/data") == 0)
    return EM_CATEGORY_TRAINING;
  if (g_strcmp0 (path, "/api/testing/data") == 0)
    return EM_CATEGORY_TESTING;
  return -1;
}

/* Compares every byte whatever the first difference, so the time taken
 * does not tell an attacker how much of a guessed key was right. */
static gboolean
keys_equal (const char *given, const char *expected)
{
  gsize n = strlen (expected);
  guint diff;

  if (given == NULL || strlen (given) != n)
    return FALSE;
  diff = 0;
  for (gsize i = 0; i < n; i++)
    diff |= (guint) (given[i] ^ expected[i]);
  return diff == 0;
}

/* Everything that can be refused from the request line and headers alone,
 * so a refused upload is answered before its body is read. TRUE when the
 * message may go on. */
static gboolean
check_headers (EmIngestServer *self, SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  g_autofree char *api_key = NULL;
  g_autofree char *message = NULL;
  goffset length;

  if (category_for_path (path) < 0)
    {
      message = g_strdup_printf ("%s: no such endpoint (POST to /api/training/data or /api/testing/data)",
                                 path);
      em_ingest_respond_error (msg, SOUP_STATUS_NOT_FOUND, message);
      return FALSE;
    }
  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      message = g_strdup_printf ("%s: method %s not allowed, only POST", path,
                                 soup_server_message_get_method (msg));
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
      em_ingest_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, message);
      return FALSE;
    }
  api_key = cached_key (self, FALSE);
  if (api_key == NULL || *api_key == '\0' ||
      !keys_equal (soup_message_headers_get_one (headers, "x-api-key"), api_key))
    {
      em_ingest_respond_error (msg, SOUP_STATUS_UNAUTHORIZED,
                               soup_message_headers_get_one (headers, "x-api-key") == NULL
                                 ? "missing x-api-key header" : "wrong API key (x-api-key)");
      return FALSE;
    }
  length = soup_message_headers_get_content_length (headers);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (guint64) length > self->max_body_size)
    {
      message = g_strdup_printf ("request body of %" G_GINT64_FORMAT " bytes is over the limit of %"
                                 G_GUINT64_FORMAT " bytes", (gint64) length, self->max_body_size);
      em_ingest_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, message);
      return FALSE;
    }
  return TRUE;
}

/* A chunked body has no length up front: count as it arrives and stop
 * keeping it past the limit, so memory stays bounded; the handler then
 * says 413. */
static void
on_got_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  EmIngestServer *self = user_data;
  BodyState *state = g_object_get_data (G_OBJECT (msg), BODY_STATE_KEY);

  if (state == NULL)
    return;
  state->received += g_bytes_get_size (chunk);
  if (state->received > self->max_body_size)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      state->too_large = TRUE;
      soup_message_body_set_accumulate (body, FALSE);
      soup_message_body_truncate (body);
    }
}

static void
early_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
               gpointer user_data)
{
  EmIngestServer *self = user_data;

  /* The collection page is answered by the handler, after its (empty) body. */
  if (em_collect_page_handles (path))
    return;
  if (!check_headers (self, msg))
    {
      /* Without "Expect: 100-continue" libsoup still reads the body before
       * answering (HTTP/1.1 needs it off the connection): let it drop the
       * bytes as they come instead of holding what we refused. */
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      return;
    }
  if (soup_message_headers_get_encoding (soup_server_message_get_request_headers (msg)) !=
      SOUP_ENCODING_CONTENT_LENGTH)
    {
      g_object_set_data_full (G_OBJECT (msg), BODY_STATE_KEY, g_new0 (BodyState, 1), g_free);
      g_signal_connect_object (msg, "got-chunk", G_CALLBACK (on_got_chunk), self, 0);
    }
}

static void
server_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                gpointer user_data)
{
  EmIngestServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  BodyState *state = g_object_get_data (G_OBJECT (msg), BODY_STATE_KEY);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hmac_key = NULL;
  EmCategory category;
  Pending *p;
  gboolean ok;

  if (em_collect_page_handles (path))
    {
      g_autofree char *api_key = cached_key (self, FALSE);
      em_collect_page_serve (msg, path, query, api_key);
      return;
    }
  /* The early handler has already answered (a status is set). */
  if (soup_server_message_get_status (msg) != 0 || !check_headers (self, msg))
    return;
  /* Read while stop() waits for a commit: refused, so stopping ends even
   * under load. Nothing of it is stored; the device may send it again. */
  if (self->stopping)
    {
      em_ingest_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "the server is stopping");
      return;
    }
  if (state != NULL && state->too_large)
    {
      g_autofree char *message = g_strdup_printf ("request body is over the limit of %"
                                                  G_GUINT64_FORMAT " bytes", self->max_body_size);
      em_ingest_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, message);
      return;
    }
  category = (EmCategory) category_for_path (path);
  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  hmac_key = cached_key (self, TRUE);

  p = g_new0 (Pending, 1);
  p->samples = g_ptr_array_new_with_free_func (g_object_unref);
  p->sources = g_ptr_array_new_with_free_func (g_free);
  p->disallow_duplicates = em_ingest_header_is_true (headers, "x-disallow-duplicates");
  ok = em_ingest_decode_request (headers, body, category, hmac_key, p->samples, p->sources, &error);
  if (!ok)
    {
      em_ingest_respond_error (msg, em_ingest_status_for_error (error), error->message);
      pending_free (p);
      return;
    }

  /* Answer after the commit: the device may delete its copy once told 200. */
  p->msg = g_object_ref (msg);
  soup_server_message_pause (msg);
  g_ptr_array_add (self->pending, p);
  /* While a batch is being written, the next one waits for it instead. */
  if (self->flush_id == 0 && !self->committing)
    {
      GSource *source = g_idle_source_new ();
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, flush_idle, self, NULL);
      self->flush_id = g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

/* --- group commit -------------------------------------------------------- */

/* Refuse duplicates with a message naming our file. Runs inside the batch's
 * transaction, so it also sees what earlier requests of the batch added. */
static gboolean
check_duplicates (EmIngestServer *self, Pending *p, GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < p->samples->len; i++)
    {
      EmSample *s = g_ptr_array_index (p->samples, i);
      const char *hash = em_sample_get_hash (s);
      gint64 dup = em_project_find_hash (self->project, hash, error);

      if (dup < 0)
        return FALSE;
      if (dup > 0 || !g_hash_table_add (seen, (gpointer) hash))
        {
          g_set_error (error, EM_ERROR, EM_ERROR_DUPLICATE, "%s: same data as %s",
                       (const char *) g_ptr_array_index (p->sources, i),
                       dup > 0 ? "a sample already in the project" : "another file of this request");
          return FALSE;
        }
    }
  return TRUE;
}

static void
commit_job_free (gpointer data)
{
  CommitJob *job = data;

  if (job->batch != NULL)
    {
      for (guint i = 0; i < job->batch->len; i++)
        g_clear_error (&job->errors[i]);
      g_ptr_array_unref (job->batch);
    }
  g_free (job->errors);
  g_clear_error (&job->tx_error);
  g_free (job);
}

/* Runs in a worker thread (or on the main one when stopping): touches the
 * project and the samples, never a SoupServerMessage. */
static void
commit_batch (EmIngestServer *self, CommitJob *job)
{
  if (!em_project_begin (self->project, &job->tx_error))
    return;
  refresh_keys (self);
  for (guint i = 0; i < job->batch->len; i++)
    {
      Pending *p = g_ptr_array_index (job->batch, i);
      if (p->disallow_duplicates && !check_duplicates (self, p, &job->errors[i]))
        continue;
      /* One savepoint per request: a refused request leaves the others. */
      if (!em_project_add_samples (self->project, p->samples,
                                   p->disallow_duplicates ? EM_ADD_FLAGS_NONE
                                                          : EM_ADD_FLAGS_ALLOW_DUPLICATE,
                                   &job->errors[i]) &&
          em_ingest_status_for_error (job->errors[i]) >= 500)
        {
          /* Not this request's fault (a full disk, say), and SQLite may
           * already have rolled the whole transaction back: the batch fails
           * as one, and no request is told its samples are stored. */
          job->tx_error = g_steal_pointer (&job->errors[i]);
          em_project_rollback (self->project);
          return;
        }
    }
  em_project_commit (self->project, &job->tx_error);
}

static void
commit_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  commit_batch (source, task_data);
  g_task_return_boolean (task, TRUE);
}

/* On the main thread: answer every request of the batch, then tell. */
static void
answer_batch (EmIngestServer *self, CommitJob *job)
{
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < job->batch->len; i++)
    {
      Pending *p = g_ptr_array_index (job->batch, i);

      if (job->tx_error != NULL)
        {
          /* The project's own messages name it. */
          g_autofree char *message = g_strdup_printf ("the project could not be written: %s",
                                                      job->tx_error->message);
          em_ingest_respond_error (p->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, message);
        }
      else if (job->errors[i] != NULL)
        em_ingest_respond_error (p->msg, em_ingest_status_for_error (job->errors[i]),
                                 job->errors[i]->message);
      else
        {
          em_ingest_respond_samples (p->msg, p->samples);
          for (guint j = 0; j < p->samples->len; j++)
            g_ptr_array_add (added, g_object_ref (g_ptr_array_index (p->samples, j)));
        }
      soup_server_message_unpause (p->msg);
    }
  /* After every answer is on its way: a slow handler delays no device. */
  for (guint i = 0; i < added->len; i++)
    {
      EmSample *s = g_ptr_array_index (added, i);
      g_signal_emit (self, signals[SAMPLE_ADDED], 0, em_sample_get_id (s), s);
    }
}

static CommitJob *
take_batch (EmIngestServer *self)
{
  CommitJob *job = g_new0 (CommitJob, 1);

  job->batch = g_steal_pointer (&self->pending);
  job->errors = g_new0 (GError *, job->batch->len);
  self->pending = g_ptr_array_new_with_free_func (pending_free);
  return job;
}

static void
commit_done (GObject *source, GAsyncResult *result, gpointer data)
{
  EmIngestServer *self = EM_INGEST_SERVER (source);
  CommitJob *job = g_task_get_task_data (G_TASK (result));

  self->committing = FALSE;
  answer_batch (self, job);
  /* The messages are freed here, on their thread, not wherever the task's
   * last reference happens to go. */
  for (guint i = 0; i < job->batch->len; i++)
    g_clear_error (&job->errors[i]);
  g_clear_pointer (&job->batch, g_ptr_array_unref);
  /* What arrived during the write goes next, as one batch. */
  start_commit (self);
}

/* SQLite's fsync (synchronous = FULL) is most of a commit's time; in a
 * worker thread it overlaps with reading and decoding the next requests. */
static void
start_commit (EmIngestServer *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->committing || self->pending->len == 0)
    return;
  if (self->flush_id != 0)
    {
      g_source_remove (self->flush_id);
      self->flush_id = 0;
    }
  self->committing = TRUE;
  task = g_task_new (self, NULL, commit_done, NULL);
  g_task_set_source_tag (task, start_commit);
  g_task_set_task_data (task, take_batch (self), commit_job_free);
  g_task_run_in_thread (task, commit_thread);
}

/* --- object -------------------------------------------------------------- */

EmIngestServer *
em_ingest_server_new (EmProject *project)
{
  g_return_val_if_fail (EM_IS_PROJECT (project), NULL);
  return g_object_new (EM_TYPE_INGEST_SERVER, "project", project, NULL);
}

gboolean
em_ingest_server_listen (EmIngestServer *self, const char *address, guint port, GError **error)
{
  g_autoptr(GSocketAddress) sockaddr = NULL;
  g_autoptr(GError) local_error = NULL;
  GSList *uris;

  g_return_val_if_fail (EM_IS_INGEST_SERVER (self), FALSE);
  if (address == NULL)
    address = "127.0.0.1";
  if (port > 65535 || !g_hostname_is_ip_address (address))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "%s:%u: not an IP address and port to listen on", address, port);
      return FALSE;
    }
  sockaddr = g_inet_socket_address_new_from_string (address, port);
  if (sockaddr == NULL || !soup_server_listen (self->server, sockaddr, 0, &local_error))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "cannot listen on %s:%u: %s", address, port,
                   local_error != NULL ? local_error->message : "bad address");
      return FALSE;
    }
  if (self->context == NULL)
    self->context = g_main_context_ref_thread_default ();
  refresh_keys (self);
  uris = soup_server_get_uris (self->server);
  self->port = uris != NULL ? (guint) g_uri_get_port (uris->data) : port;
  g_free (self->address);
  self->address = g_strdup (address);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

guint
em_ingest_server_get_port (EmIngestServer *self)
{
  g_return_val_if_fail (EM_IS_INGEST_SERVER (self), 0);
  return self->port;
}

void
em_ingest_server_stop (EmIngestServer *self)
{
  g_return_if_fail (EM_IS_INGEST_SERVER (self));
  /* Every request read so far gets its answer: wait for the batch being
   * written, then write the rest here. */
  self->stopping = TRUE;
  while (self->committing)
    g_main_context_iteration (self->context, TRUE);
  if (self->flush_id != 0)
    {
      g_source_remove (self->flush_id);
      self->flush_id = 0;
    }
  if (self->pending->len > 0)
    {
      CommitJob *job = take_batch (self);
      commit_batch (self, job);
      answer_batch (self, job);
      commit_job_free (job);
    }
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  self->port = 0;
  self->stopping = FALSE;
}

/* The first IPv4 address of an interface that is up and not loopback: what
 * a phone on the same network reaches a wildcard listener by. */
static char *
lan_address (void)
{
  struct ifaddrs *list, *ifa;
  char *found = NULL;

  if (getifaddrs (&list) != 0)
    return NULL;
  for (ifa = list; ifa != NULL && found == NULL; ifa = ifa->ifa_next)
    {
      g_autoptr(GSocketAddress) sa = NULL;

      if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET ||
          !(ifa->ifa_flags & IFF_UP) || (ifa->ifa_flags & IFF_LOOPBACK))
        continue;
      sa = g_socket_address_new_from_native (ifa->ifa_addr, sizeof (struct sockaddr_in));
      if (sa != NULL)
        found = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (sa)));
    }
  freeifaddrs (list);
  return found;
}

char *
em_ingest_server_collect_url (EmIngestServer *self, const char *host)
{
  g_autofree char *api_key = NULL;
  g_autofree char *guessed = NULL;
  g_autofree char *escaped = NULL;
  gboolean ipv6;

  g_return_val_if_fail (EM_IS_INGEST_SERVER (self), NULL);
  if (self->port == 0)
    return NULL;
  if (host == NULL)
    {
      host = self->address;
      if (g_strcmp0 (host, "0.0.0.0") == 0 || g_strcmp0 (host, "::") == 0)
        host = guessed = lan_address ();
      if (host == NULL)
        host = "127.0.0.1";
    }
  api_key = cached_key (self, FALSE);
  escaped = g_uri_escape_string (api_key != NULL ? api_key : "", NULL, FALSE);
  ipv6 = strchr (host, ':') != NULL && host[0] != '[';
  return g_strdup_printf ("http://%s%s%s:%u" EM_COLLECT_PAGE_PATH "?key=%s", ipv6 ? "[" : "", host,
                          ipv6 ? "]" : "", self->port, escaped);
}

guint64
em_ingest_server_get_max_body_size (EmIngestServer *self)
{
  g_return_val_if_fail (EM_IS_INGEST_SERVER (self), 0);
  return self->max_body_size;
}

void
em_ingest_server_set_max_body_size (EmIngestServer *self, guint64 size)
{
  g_return_if_fail (EM_IS_INGEST_SERVER (self));
  if (self->max_body_size == size)
    return;
  self->max_body_size = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_BODY_SIZE]);
}

static void
em_ingest_server_dispose (GObject *object)
{
  EmIngestServer *self = EM_INGEST_SERVER (object);

  if (self->server != NULL)
    {
      em_ingest_server_stop (self);
      g_clear_object (&self->server);
    }
  g_clear_object (&self->project);
  G_OBJECT_CLASS (em_ingest_server_parent_class)->dispose (object);
}

static void
em_ingest_server_finalize (GObject *object)
{
  EmIngestServer *self = EM_INGEST_SERVER (object);

  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->api_key);
  g_free (self->hmac_key);
  g_free (self->address);
  g_mutex_clear (&self->keys_lock);
  G_OBJECT_CLASS (em_ingest_server_parent_class)->finalize (object);
}

static void
em_ingest_server_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmIngestServer *self = EM_INGEST_SERVER (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_MAX_BODY_SIZE:
      g_value_set_uint64 (value, self->max_body_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_ingest_server_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EmIngestServer *self = EM_INGEST_SERVER (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      self->project = g_value_dup_object (value);
      break;
    case PROP_MAX_BODY_SIZE:
      em_ingest_server_set_max_body_size (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_ingest_server_class_init (EmIngestServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = em_ingest_server_dispose;
  object_class->finalize = em_ingest_server_finalize;
  object_class->get_property = em_ingest_server_get_property;
  object_class->set_property = em_ingest_server_set_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, EM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_BODY_SIZE] =
    g_param_spec_uint64 ("max-body-size", NULL, NULL, 1, G_MAXUINT64, EM_INGEST_DEFAULT_MAX_BODY_SIZE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SAMPLE_ADDED] =
    g_signal_new ("sample-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, EM_TYPE_SAMPLE);
}

static void
em_ingest_server_init (EmIngestServer *self)
{
  self->max_body_size = EM_INGEST_DEFAULT_MAX_BODY_SIZE;
  self->pending = g_ptr_array_new_with_free_func (pending_free);
  g_mutex_init (&self->keys_lock);
  /* No "Server: libsoup/x.y" header: nothing for a scanner to fingerprint. */
  self->server = soup_server_new ("server-header", NULL, NULL);
  soup_server_add_early_handler (self->server, NULL, early_handler, self, NULL);
  soup_server_add_handler (self->server, NULL, server_handler, self, NULL);
}
