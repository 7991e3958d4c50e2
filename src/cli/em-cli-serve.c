/* SPDX-License-Identifier: Apache-2.0 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <glib-unix.h>
#include "em-cli.h"
#include "em-ingest-server.h"
#include "em-qr.h"

typedef struct {
  GMainLoop *loop;
  guint64 n_stored;
} ServeState;

static gboolean
on_quit_signal (gpointer data)
{
  ServeState *state = data;

  g_main_loop_quit (state->loop);
  return G_SOURCE_CONTINUE;
}

static void
on_sample_added (EmIngestServer *server, gint64 id, EmSample *s, gpointer data)
{
  ServeState *state = data;

  state->n_stored++;
  printf ("Stored sample %" G_GINT64_FORMAT ": %s (label %s, %s)\n", id, em_sample_get_name (s),
          em_sample_get_label (s), em_category_to_string (em_sample_get_category (s)));
}

int
em_cli_serve_main (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx =
    g_option_context_new ("PROJECT - accept samples from devices over HTTP until Ctrl-C");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmIngestServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *address = NULL;
  g_autofree char *api_key = NULL;
  g_autofree char *hmac_key = NULL;
  g_autofree char *collect_host = NULL;
  g_autofree char *collect_url = NULL;
  gboolean no_qr = FALSE;
  gint port = 4810;
  gint max_body_mb = EM_INGEST_DEFAULT_MAX_BODY_SIZE >> 20;
  ServeState state = { 0 };
  guint sigint_id, sigterm_id;
  int code = 0;
  GOptionEntry entries[] = {
    { "address", 'a', 0, G_OPTION_ARG_STRING, &address, "IP address to listen on (default 127.0.0.1)", "A" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port (default 4810; 0 picks a free one)", "P" },
    { "max-body-mb", 0, 0, G_OPTION_ARG_INT, &max_body_mb, "Largest request body in MiB (default 64)", "N" },
    { "collect-host", 0, 0, G_OPTION_ARG_STRING, &collect_host,
      "Host name or IP a phone reaches this computer by, for the collection URL", "H" },
    { "no-qr", 0, 0, G_OPTION_ARG_NONE, &no_qr, "Do not print the collection URL's QR code", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx,
    "Endpoints: POST /api/training/data and /api/testing/data with the header\n"
    "x-api-key: the project's API key (printed at start). Bodies: Edge Impulse\n"
    "JSON/CBOR (checked against the project's HMAC key, if any), WAV, CSV, PNG,\n"
    "JPEG, or multipart/form-data with several files.\n"
    "\n"
    "Browsers and phones: open the collection URL printed at start (or scan its\n"
    "QR code) to record the microphone, camera or accelerometer and post samples.\n"
    "A phone needs --address 0.0.0.0 (or this computer's LAN address); browsers\n"
    "give the microphone, camera and motion sensors only to https or 127.0.0.1\n"
    "pages, so on a phone over plain HTTP the page offers file upload from the\n"
    "phone's camera or recorder instead (or use `adb reverse tcp:P tcp:P`).");
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("serve needs exactly one PROJECT");
  if (port < 0 || port > 65535)
    return em_cli_usage ("--port must be 0 to 65535");
  if (max_body_mb < 1 || max_body_mb > 4096)
    return em_cli_usage ("--max-body-mb must be 1 to 4096");
  if (address != NULL && !g_hostname_is_ip_address (address))
    return em_cli_usage ("--address must be an IP address, not '%s'", address);
  project = em_cli_open_project (argv[1], &code);
  if (project == NULL)
    return code;

  server = em_ingest_server_new (project);
  em_ingest_server_set_max_body_size (server, (guint64) max_body_mb << 20);
  if (!em_ingest_server_listen (server, address, (guint) port, &error))
    return em_cli_fail (error);

  /* Scripts read the port from this line, so it goes out at once. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  api_key = em_project_get_setting (project, "api_key");
  hmac_key = em_project_get_setting (project, "hmac_key");
  printf ("Listening on http://%s:%u/ (api key: %s)%s\n", address != NULL ? address : "127.0.0.1",
          em_ingest_server_get_port (server), api_key != NULL ? api_key : "",
          hmac_key != NULL && *hmac_key != '\0' ? " - JSON/CBOR must be signed with the HMAC key" : "");

  collect_url = em_ingest_server_collect_url (server, collect_host);
  printf ("Collect from a browser or phone: %s%s\n", collect_url,
          address == NULL || g_str_has_prefix (address, "127.") || g_strcmp0 (address, "::1") == 0
            ? " (this computer only; --address 0.0.0.0 for a phone)" : "");
  if (!no_qr)
    {
      g_autoptr(GError) qr_error = NULL;
      g_autofree char *qr = em_qr_terminal (collect_url, isatty (STDOUT_FILENO), &qr_error);

      if (qr != NULL)
        fputs (qr, stdout);
      else
        g_printerr ("ember-cli: no QR code: %s\n", qr_error->message);
    }

  loop = g_main_loop_new (NULL, FALSE);
  state.loop = loop;
  g_signal_connect (server, "sample-added", G_CALLBACK (on_sample_added), &state);
  /* A main loop signal source rather than em_cli_cancellable(): the loop
   * must wake up, and the server then stops between requests. */
  sigint_id = g_unix_signal_add (SIGINT, on_quit_signal, &state);
  sigterm_id = g_unix_signal_add (SIGTERM, on_quit_signal, &state);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  em_ingest_server_stop (server);
  g_signal_handlers_disconnect_by_data (server, &state);
  printf ("Stopped; %" G_GUINT64_FORMAT " samples stored\n", state.n_stored);
  return EM_EXIT_OK;
}
