/* SPDX-License-Identifier: Apache-2.0 */
/* EmDevicesPage and EmRecordPanel on a real display (Xvfb in CI). There is
 * no microphone or camera here: EMBER_CAPTURE_DEVICES adds audiotestsrc /
 * videotestsrc "pipeline:" devices, and a board is simulated on a
 * pseudo-terminal. The ingestion server is started from the page's switch
 * and a WAV is posted to it with libsoup. Every GLib/GTK warning and
 * critical is fatal. PNGs, light and dark, land in EMBER_GUI_OUTPUT_DIR. */
#define _GNU_SOURCE
#include <string.h>
#include <math.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>
#include <libsoup/soup.h>

#include "gui-util.h"
#include "em-devices-page.h"
#include "em-record-panel.h"
#include "em-error.h"
#include "em-serial.h"

#define WAIT_MS 30000
#define TEST_MIC "pipeline:audiotestsrc is-live=true wave=sine freq=440 volume=0.5"
#define TEST_CAM "pipeline:videotestsrc is-live=true pattern=ball"

static gboolean have_display;
static char *tmp_dir;
static guint project_serial;

/* ---- helpers -------------------------------------------------------------- */

static gboolean
skip_without_display (void)
{
  if (!have_display)
    g_test_skip ("no display (run under xvfb-run)");
  return !have_display;
}

static EmProject *
make_project (void)
{
  g_autofree char *name = g_strdup_printf ("p%u.ember", ++project_serial);
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;
  EmProject *project = em_project_create (path, "devices", &error);

  g_assert_no_error (error);
  return project;
}

static gint64
count_samples (EmProject *project)
{
  g_autoptr(GError) error = NULL;
  gint64 n = em_project_count_samples (project, NULL, &error);

  g_assert_no_error (error);
  return n;
}

/* Depth-first: the first widget of @type whose text starts with @prefix
 * (title for preferences rows, label for buttons and labels). */
static GtkWidget *
find_with_text (GtkWidget *root, GType type, const char *prefix)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    {
      const char *text = NULL;
      if (ADW_IS_PREFERENCES_ROW (root))
        text = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root));
      else if (GTK_IS_BUTTON (root))
        text = gtk_button_get_label (GTK_BUTTON (root));
      else if (GTK_IS_LABEL (root))
        text = gtk_label_get_text (GTK_LABEL (root));
      if (text != NULL && g_str_has_prefix (text, prefix))
        return root;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_with_text (c, type, prefix);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* ---- devices listed ------------------------------------------------------- */

static void
test_lists_devices (void)
{
  g_autoptr(EmProject) project = NULL;
  g_autoptr(GPtrArray) ports = NULL;
  GtkWidget *page, *window;

  if (skip_without_display ())
    return;
  project = make_project ();
  page = em_devices_page_new (project);
  window = gui_show_in_adw_window (page, 800, 900);
  g_assert_nonnull (find_with_text (page, ADW_TYPE_ACTION_ROW, "Test microphone"));
  g_assert_nonnull (find_with_text (page, ADW_TYPE_ACTION_ROW, "Test camera"));
  /* The ports the core sees; with none the page says so rather than showing nothing. */
  ports = em_serial_list_ports (NULL);
  g_assert_nonnull (ports);
  if (ports->len == 0)
    g_assert_nonnull (find_with_text (page, ADW_TYPE_ACTION_ROW, "No serial port found"));
  else
    g_assert_nonnull (find_with_text (page, ADW_TYPE_ACTION_ROW,
                                      ((EmSerialPortInfo *) g_ptr_array_index (ports, 0))->name));
  /* Off by default. */
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (gui_find_widget (page, GTK_TYPE_SWITCH))));
  g_assert_cmpuint (em_devices_page_get_server_port (EM_DEVICES_PAGE (page)), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- ingestion server ----------------------------------------------------- */

static GBytes *
make_wav (guint n_frames)
{
  GByteArray *b = g_byte_array_new ();
  guint32 data_len = n_frames * 2, u32;
  guint16 u16;

#define PUT32(v) (u32 = GUINT32_TO_LE (v), g_byte_array_append (b, (guint8 *) &u32, 4))
#define PUT16(v) (u16 = GUINT16_TO_LE (v), g_byte_array_append (b, (guint8 *) &u16, 2))
  g_byte_array_append (b, (guint8 *) "RIFF", 4);
  PUT32 (36 + data_len);
  g_byte_array_append (b, (guint8 *) "WAVEfmt ", 8);
  PUT32 (16); PUT16 (1); PUT16 (1); PUT32 (16000); PUT32 (32000); PUT16 (2); PUT16 (16);
  g_byte_array_append (b, (guint8 *) "data", 4);
  PUT32 (data_len);
  for (guint i = 0; i < n_frames; i++)
    PUT16 ((guint16) (gint16) (8000 * sin (2 * G_PI * 300 * i / 16000.0)));
#undef PUT32
#undef PUT16
  return g_byte_array_free_to_bytes (b);
}

typedef struct {
  GBytes  *body;
  GError  *error;
  gboolean done;
} PostResult;

static void
on_posted (GObject *source, GAsyncResult *result, gpointer data)
{
  PostResult *r = data;

  r->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &r->error);
  r->done = TRUE;
}

static gboolean
post_done (gpointer data)
{
  return ((PostResult *) data)->done;
}

/* The server runs on this thread's main context: post asynchronously. */
static guint
post_wav (guint port, const char *api_key, PostResult *r)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/api/training/data", port);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) wav = make_wav (4000);
  SoupMessageHeaders *h = soup_message_get_request_headers (msg);

  soup_message_headers_append (h, "x-api-key", api_key);
  soup_message_headers_append (h, "x-label", "tone");
  soup_message_headers_append (h, "x-file-name", "tone.wav");
  soup_message_set_request_body_from_bytes (msg, "audio/wav", wav);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_posted, r);
  g_assert_true (gui_wait_for (post_done, r, WAIT_MS));
  return soup_message_get_status (msg);
}

static gboolean
received_one (gpointer page)
{
  return em_devices_page_get_received_count (page) >= 1;
}

static void
test_server (void)
{
  g_autoptr(EmProject) project = NULL;
  g_autofree char *key = NULL;
  GtkWidget *page, *window, *sw, *count_row;
  PostResult r = { 0 };
  guint port, status;

  if (skip_without_display ())
    return;
  project = make_project ();
  key = em_project_get_setting (project, "api_key");
  g_assert_nonnull (key);
  page = em_devices_page_new (project);
  window = gui_show_in_adw_window (page, 800, 1100);
  /* The key is shown for people to copy into their device. */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find_with_text (page, ADW_TYPE_ACTION_ROW, "API key"))),
                   ==, key);

  em_devices_page_set_listen_port (EM_DEVICES_PAGE (page), 0);
  sw = gui_find_widget (page, GTK_TYPE_SWITCH);
  gtk_switch_set_active (GTK_SWITCH (sw), TRUE);
  port = em_devices_page_get_server_port (EM_DEVICES_PAGE (page));
  g_assert_cmpuint (port, >, 0);

  status = post_wav (port, key, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (g_bytes_get_data (r.body, NULL), "\"success\""));
  g_clear_pointer (&r.body, g_bytes_unref);
  g_assert_true (gui_wait_for (received_one, page, WAIT_MS));
  g_assert_cmpuint (em_devices_page_get_received_count (EM_DEVICES_PAGE (page)), ==, 1);
  g_assert_cmpint (count_samples (project), ==, 1);
  count_row = find_with_text (page, ADW_TYPE_ACTION_ROW, "Samples received");
  g_assert_nonnull (find_with_text (count_row, GTK_TYPE_LABEL, "1"));
  /* The received sample is listed by name. */
  g_assert_nonnull (find_with_text (page, ADW_TYPE_ACTION_ROW, "tone"));
  gui_save_pngs (window, "devices-page", 100);

  /* Off: the port closes and a post is refused by the network, not stored. */
  gtk_switch_set_active (GTK_SWITCH (sw), FALSE);
  g_assert_cmpuint (em_devices_page_get_server_port (EM_DEVICES_PAGE (page)), ==, 0);
  memset (&r, 0, sizeof r);
  post_wav (port, key, &r);
  g_assert_nonnull (r.error);
  g_clear_error (&r.error);
  g_clear_pointer (&r.body, g_bytes_unref);
  g_assert_cmpint (count_samples (project), ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- serial forwarder ----------------------------------------------------- */

typedef struct {
  int           master;
  volatile gint stop;
  GThread      *thread;
} Board;

/* 100 lines a second of "i,i/2,-i", paced against absolute deadlines. */
static gpointer
board_run (gpointer data)
{
  Board *b = data;
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; !g_atomic_int_get (&b->stop); i++)
    {
      char line[64];
      int n = g_snprintf (line, sizeof line, "%u,%g,%d\n", i, i * 0.5, -(int) i);
      gint64 delay;

      if (write (b->master, line, n) < 0)
        { /* nobody reading: a real UART drops it too */ }
      delay = start + (gint64) (i + 1) * 10000 - g_get_monotonic_time ();
      if (delay > 0)
        g_usleep (delay);
    }
  return NULL;
}

/* The forwarder's status line says "Listening…" / "Recording…" while it works. */
static gboolean
not_listening (gpointer label)
{
  const char *text = gtk_label_get_text (label);
  return !g_str_has_prefix (text, "Listening") && !g_str_has_prefix (text, "Recording");
}

static void
test_serial (void)
{
  g_autoptr(EmProject) project = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(EmSample) sample = NULL;
  GtkWidget *page, *window, *axes, *label, *length;
  Board board = { 0 };
  int slave;
  struct termios tio;
  GtkWidget *status;
  const char *text;
  double hz;

  if (skip_without_display ())
    return;
  g_assert_cmpint (openpty (&board.master, &slave, NULL, NULL, NULL), ==, 0);
  tcgetattr (slave, &tio);
  cfmakeraw (&tio);
  tcsetattr (slave, TCSANOW, &tio);
  board.thread = g_thread_new ("board", board_run, &board);

  project = make_project ();
  page = em_devices_page_new (project);
  window = gui_show_in_adw_window (page, 800, 1100);
  em_devices_page_set_serial_port (EM_DEVICES_PAGE (page), ttyname (slave));

  g_signal_emit_by_name (find_with_text (page, GTK_TYPE_BUTTON, "_Detect"), "clicked");
  status = find_with_text (page, GTK_TYPE_LABEL, "Listening");
  g_assert_nonnull (status);
  g_assert_true (gui_wait_for (not_listening, status, WAIT_MS));
  /* The rate is measured at arrival: on a loaded machine it may land a few
   * per cent off the board's 100 Hz, and the core then keeps what it saw. */
  text = gtk_label_get_text (GTK_LABEL (status));
  g_assert_true (g_str_has_prefix (text, "3 axes at "));
  hz = g_ascii_strtod (text + strlen ("3 axes at "), NULL);
  g_assert_cmpfloat (hz, >, 90);
  g_assert_cmpfloat (hz, <, 110);
  axes = find_with_text (page, ADW_TYPE_ENTRY_ROW, "A_xis");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (axes)), ==, "value0, value1, value2");

  gtk_editable_set_text (GTK_EDITABLE (axes), "ax, ay, az");
  label = find_with_text (page, ADW_TYPE_ENTRY_ROW, "La_bel");
  gtk_editable_set_text (GTK_EDITABLE (label), "wave");
  length = gui_find_widget (find_with_text (page, ADW_TYPE_ACTION_ROW, "_Length"), GTK_TYPE_SPIN_BUTTON);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (length), 500);
  g_signal_emit_by_name (find_with_text (page, GTK_TYPE_BUTTON, "_Record"), "clicked");
  g_assert_true (gui_wait_for (not_listening, status, WAIT_MS));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (status)), "Stored wave."));

  samples = em_project_list_samples (project, NULL, NULL);
  g_assert_cmpuint (samples->len, ==, 1);
  sample = g_object_ref (g_ptr_array_index (samples, 0));
  g_assert_cmpstr (em_sample_get_label (sample), ==, "wave");
  g_assert_cmpuint (em_sample_get_n_axes (sample), ==, 3);
  g_assert_cmpstr (em_sample_get_axis (sample, 1)->name, ==, "ay");
  /* 500 ms at the rate the recording detected. */
  hz = em_sample_get_frequency_hz (sample);
  g_assert_cmpfloat (hz, >, 90);
  g_assert_cmpfloat (hz, <, 110);
  g_assert_cmpuint (em_sample_get_n_frames (sample), ==, (guint64) round (0.5 * hz));

  g_atomic_int_set (&board.stop, 1);
  g_thread_join (board.thread);
  close (board.master);
  close (slave);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- record panel --------------------------------------------------------- */

static void
on_recorded (EmRecordPanel *panel, gint64 id, gpointer data)
{
  *(gint64 *) data = id;
}

static gboolean
id_set (gpointer data)
{
  return *(gint64 *) data != 0;
}

static gboolean
level_moves (gpointer panel)
{
  GtkWidget *bar = gui_find_widget (panel, GTK_TYPE_LEVEL_BAR);
  return gtk_level_bar_get_value (GTK_LEVEL_BAR (bar)) > 0.1;
}

static void
test_record_audio (void)
{
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmSample) sample = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *panel, *window;
  gint64 id = 0;

  if (skip_without_display ())
    return;
  project = make_project ();
  panel = em_record_panel_new (project);
  g_object_set (panel, "countdown", 0, NULL);
  g_signal_connect (panel, "sample-recorded", G_CALLBACK (on_recorded), &id);
  window = gui_show_in_adw_window (panel, 600, 500);
  g_assert_true (em_record_panel_select_device (EM_RECORD_PANEL (panel), TEST_MIC));
  /* The meter follows the 0.5-volume sine before anything is recorded. */
  g_assert_true (gui_wait_for (level_moves, panel, WAIT_MS));
  gtk_editable_set_text (GTK_EDITABLE (gui_find_widget (panel, ADW_TYPE_ENTRY_ROW)), "hum");
  em_record_panel_record (EM_RECORD_PANEL (panel));
  g_assert_true (gui_wait_for (id_set, &id, WAIT_MS));

  sample = em_project_get_sample (project, id, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (em_sample_get_kind (sample), ==, EM_SENSOR_AUDIO);
  g_assert_cmpuint (em_sample_get_n_frames (sample), ==, 16000);
  g_assert_cmpstr (em_sample_get_label (sample), ==, "hum");
  g_assert_cmpint (em_sample_get_category (sample), ==, EM_CATEGORY_TRAINING);
  g_assert_nonnull (find_with_text (panel, GTK_TYPE_LABEL, "Stored hum."));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
frames_shown (gpointer panel)
{
  guint n = 0;
  g_object_get (panel, "preview-frames", &n, NULL);
  return n >= 3;
}

static void
test_camera (void)
{
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmSample) sample = NULL;
  GtkWidget *panel, *window, *picture;
  GdkPaintable *paintable;
  gint64 id = 0;

  if (skip_without_display ())
    return;
  project = make_project ();
  panel = em_record_panel_new (project);
  g_object_set (panel, "countdown", 0, NULL);
  g_signal_connect (panel, "sample-recorded", G_CALLBACK (on_recorded), &id);
  window = gui_show_in_adw_window (panel, 600, 620);
  g_assert_true (em_record_panel_select_device (EM_RECORD_PANEL (panel), TEST_CAM));
  g_assert_true (gui_wait_for (frames_shown, panel, WAIT_MS));
  picture = gui_find_widget (panel, GTK_TYPE_PICTURE);
  paintable = gtk_picture_get_paintable (GTK_PICTURE (picture));
  g_assert_true (GDK_IS_TEXTURE (paintable));
  g_assert_cmpint (gdk_texture_get_width (GDK_TEXTURE (paintable)), ==, 320);
  g_assert_cmpint (gdk_texture_get_height (GDK_TEXTURE (paintable)), ==, 240);
  gui_save_pngs (window, "record-panel-camera", 100);

  /* A shot goes in as an image sample, and the preview comes back after it. */
  em_record_panel_record (EM_RECORD_PANEL (panel));
  g_assert_true (gui_wait_for (id_set, &id, WAIT_MS));
  sample = em_project_get_sample (project, id, FALSE, NULL);
  g_assert_cmpint (em_sample_get_kind (sample), ==, EM_SENSOR_IMAGE);
  g_assert_true (gui_wait_for (frames_shown, panel, WAIT_MS));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_no_device (void)
{
  g_autoptr(EmProject) project = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("EMBER_CAPTURE_DEVICES"));
  GtkWidget *panel, *window, *stack;

  if (skip_without_display ())
    return;
  g_unsetenv ("EMBER_CAPTURE_DEVICES");
  project = make_project ();
  panel = em_record_panel_new (project);
  window = gui_show_in_adw_window (panel, 600, 400);
  stack = gui_find_widget (panel, GTK_TYPE_STACK);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "none");
  g_assert_true (gtk_widget_get_visible (find_with_text (panel, GTK_TYPE_LABEL, "No microphone or camera found")));
  g_assert_false (gtk_widget_is_sensitive (find_with_text (panel, GTK_TYPE_BUTTON, "_Record")));
  /* Asking anyway does nothing rather than hang. */
  em_record_panel_record (EM_RECORD_PANEL (panel));
  gui_spin (100);
  g_assert_cmpint (count_samples (project), ==, 0);
  gui_save_pngs (window, "record-panel-empty", 100);
  gtk_window_destroy (GTK_WINDOW (window));
  g_setenv ("EMBER_CAPTURE_DEVICES", saved, TRUE);
}

int
main (int argc, char *argv[])
{
  g_autofree char *devices = g_strdup_printf ("audio=%s;video=%s", TEST_MIC, TEST_CAM);
  int status;

  g_setenv ("EMBER_CAPTURE_DEVICES", devices, TRUE);
  have_display = gui_init (&argc, &argv);
  tmp_dir = gui_make_tmp_dir ("ember-devices-XXXXXX");

  g_test_add_func ("/gui/devices/lists-devices", test_lists_devices);
  g_test_add_func ("/gui/devices/server", test_server);
  g_test_add_func ("/gui/devices/serial", test_serial);
  g_test_add_func ("/gui/devices/record-audio", test_record_audio);
  g_test_add_func ("/gui/devices/camera", test_camera);
  g_test_add_func ("/gui/devices/no-device", test_no_device);
  status = g_test_run ();

  gui_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
