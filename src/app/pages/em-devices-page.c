/* SPDX-License-Identifier: Apache-2.0 */
/* The Devices page. Capture devices come from EmCaptureMonitor (hot-plug),
 * serial ports from EmSerialMonitor (polling); the forwarder and its rate
 * detection run as EmJobs; the ingestion server lives on this page's main
 * context and is off until the user turns it on. */
#include <string.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <glib/gi18n.h>

#include "em-devices-page.h"
#include "em-record-panel.h"
#include "em-capture.h"
#include "em-serial.h"
#include "em-serial-monitor.h"
#include "em-ingest-server.h"
#include "em-qr.h"
#include "em-job.h"
#include "em-window.h"

#define DEFAULT_PORT   4810
#define MAX_RECEIVED   20
#define DETECT_MS      300

static const guint bauds[] = { 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600 };

struct _EmDevicesPage
{
  GtkWidget         parent_instance;

  EmProject        *project;
  EmCaptureMonitor *capture_monitor;
  EmSerialMonitor  *serial_monitor;
  EmIngestServer   *server;
  GtkPicture       *qr_picture;   /* the collection page's address as a QR code */
  EmJob            *job;
  gboolean          job_is_detect;
  GPtrArray        *capture_rows;   /* rows added to capture_group */
  GPtrArray        *port_rows;      /* rows added to ports_group */
  guint             received;
  guint             n_received_rows;
  guint             listen_port;

  AdwToastOverlay  *toast_overlay;
  AdwPreferencesGroup *capture_group;
  AdwPreferencesGroup *ports_group;
  AdwEntryRow      *port_entry;
  AdwComboRow      *baud_row;
  AdwEntryRow      *axes_row;
  AdwEntryRow      *serial_label_row;
  GtkSpinButton    *serial_length_spin;
  GtkLabel         *serial_status;
  GtkButton        *detect_button;
  GtkButton        *serial_record_button;
  GtkButton        *serial_cancel_button;
  GtkSwitch        *server_switch;
  AdwComboRow      *address_row;
  GtkLabel         *address_warning;
  GtkSpinButton    *port_spin;
  AdwActionRow     *api_key_row;
  AdwActionRow     *url_row;
  GtkLabel         *received_count_label;
  GtkListBox       *received_list;
  GtkWidget        *received_group;
};

G_DEFINE_FINAL_TYPE (EmDevicesPage, em_devices_page, GTK_TYPE_WIDGET)

static void
show_error (EmDevicesPage *self, const char *message)
{
  g_autofree char *line = g_strndup (message, strcspn (message, "\n"));
  g_autofree char *escaped = g_markup_escape_text (line, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* ---- microphones and cameras ------------------------------------------------------ */

static void
reload_capture (EmDevicesPage *self)
{
  guint n = 0;

  for (guint i = 0; i < self->capture_rows->len; i++)
    adw_preferences_group_remove (self->capture_group, g_ptr_array_index (self->capture_rows, i));
  g_ptr_array_set_size (self->capture_rows, 0);
  for (EmCaptureKind kind = EM_CAPTURE_AUDIO; kind <= EM_CAPTURE_VIDEO; kind++)
    {
      g_autoptr(GPtrArray) list = em_record_panel_list_devices (self->capture_monitor, kind);
      for (guint i = 0; i < list->len; i++, n++)
        {
          EmCaptureDevice *d = g_ptr_array_index (list, i);
          GtkWidget *row = adw_action_row_new ();
          GtkWidget *icon = gtk_image_new_from_icon_name (kind == EM_CAPTURE_AUDIO
                                                          ? "audio-input-microphone-symbolic"
                                                          : "camera-web-symbolic");
          g_autofree char *title = g_markup_escape_text (d->display_name, -1);
          g_autofree char *subtitle = g_markup_escape_text (d->caps != NULL && *d->caps
                                                            ? d->caps : d->name, -1);

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
          g_object_set_data_full (G_OBJECT (row), "em-device-name", g_strdup (d->name), g_free);
          adw_preferences_group_add (self->capture_group, row);
          g_ptr_array_add (self->capture_rows, row);
        }
    }
  if (n == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No microphone or camera found"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Plugged-in devices appear here by themselves"));
      adw_preferences_group_add (self->capture_group, row);
      g_ptr_array_add (self->capture_rows, row);
    }
}

/* ---- serial ports ----------------------------------------------------------------- */

static void
on_port_row_activated (AdwActionRow *row, EmDevicesPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->port_entry),
                         g_object_get_data (G_OBJECT (row), "em-port-name"));
}

static void
reload_ports (EmDevicesPage *self)
{
  GPtrArray *ports = em_serial_monitor_get_ports (self->serial_monitor);

  for (guint i = 0; i < self->port_rows->len; i++)
    adw_preferences_group_remove (self->ports_group, g_ptr_array_index (self->port_rows, i));
  g_ptr_array_set_size (self->port_rows, 0);
  for (guint i = 0; ports != NULL && i < ports->len; i++)
    {
      EmSerialPortInfo *p = g_ptr_array_index (ports, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_markup_escape_text (p->name, -1);
      g_autofree char *subtitle = p->usb_vid >= 0
        ? g_strdup_printf ("%s — USB %04x:%04x", *p->description ? p->description : p->transport,
                           p->usb_vid, p->usb_pid)
        : g_strdup (*p->description ? p->description : p->transport);
      g_autofree char *esc = g_markup_escape_text (subtitle, -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), esc);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("network-wired-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "em-port-name", g_strdup (p->name), g_free);
      g_signal_connect (row, "activated", G_CALLBACK (on_port_row_activated), self);
      adw_preferences_group_add (self->ports_group, row);
      g_ptr_array_add (self->port_rows, row);
    }
  if (self->port_rows->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No serial port found"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Connect a board by USB, or type a port’s path below"));
      adw_preferences_group_add (self->ports_group, row);
      g_ptr_array_add (self->port_rows, row);
    }
}

static void
refresh_ports (EmDevicesPage *self)
{
  if (!em_serial_monitor_refresh (self->serial_monitor))
    reload_ports (self);
}

static void
update_serial (EmDevicesPage *self)
{
  gboolean running = self->job != NULL && em_job_is_running (self->job);
  const char *port = gtk_editable_get_text (GTK_EDITABLE (self->port_entry));

  gtk_widget_set_sensitive (GTK_WIDGET (self->detect_button), !running && *port != '\0');
  gtk_widget_set_sensitive (GTK_WIDGET (self->serial_record_button), !running && *port != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->serial_cancel_button), running);
}

typedef struct {
  char   *port;
  guint   baud;
  guint   length_ms;
  GStrv   axes;
} SerialRequest;

static void
serial_request_free (SerialRequest *r)
{
  g_free (r->port);
  g_strfreev (r->axes);
  g_free (r);
}

static gpointer
serial_in_thread (EmJob *job, gpointer data, GCancellable *cancellable, GError **error)
{
  SerialRequest *r = data;

  return em_serial_forward (r->port, r->baud, r->length_ms, (const char * const *) r->axes,
                            em_job_progress_cb, job, cancellable, error);
}

static GStrv
axis_names (EmDevicesPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->axes_row));
  g_auto(GStrv) parts = g_strsplit_set (text, ",; \t", -1);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  guint n = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (b, parts[i]), n++;
  return n > 0 ? g_strv_builder_end (b) : NULL;
}

static void
on_serial_finished (EmDevicesPage *self)
{
  g_autoptr(EmJob) job = g_steal_pointer (&self->job);
  EmSample *sample = em_job_get_result (job);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_signal_handlers_disconnect_by_data (job, self);
  if (em_job_get_state (job) == EM_JOB_STATE_CANCELLED)
    gtk_label_set_text (self->serial_status, _("Cancelled"));
  else if (sample == NULL)
    {
      const GError *e = em_job_get_error (job);
      gtk_label_set_text (self->serial_status, e != NULL ? e->message : _("No data"));
    }
  else if (self->job_is_detect)
    {
      guint n = em_sample_get_n_axes (sample);
      g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
      g_auto(GStrv) names = NULL;
      g_autofree char *joined = NULL;

      text = g_strdup_printf (g_dngettext (NULL, "%u axis at %.1f Hz", "%u axes at %.1f Hz", n),
                              n, em_sample_get_frequency_hz (sample));
      gtk_label_set_text (self->serial_status, text);
      for (guint i = 0; i < n; i++)
        g_strv_builder_add (b, em_sample_get_axis (sample, i)->name);
      names = g_strv_builder_end (b);
      joined = g_strjoinv (", ", names);
      gtk_editable_set_text (GTK_EDITABLE (self->axes_row), joined);
    }
  else
    {
      g_autofree char *label = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->serial_label_row))));
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
      g_autofree char *name = NULL;

      if (*label == '\0')
        {
          g_free (label);
          label = g_strdup ("unlabeled");
        }
      name = g_strdup_printf ("%s.%s", label, stamp);
      em_sample_set_name (sample, name);
      em_sample_set_label (sample, label);
      if (em_project_add_sample (self->project, sample, EM_ADD_FLAGS_ALLOW_DUPLICATE, &error) == 0)
        gtk_label_set_text (self->serial_status, error->message);
      else
        {
          text = g_strdup_printf (_("Stored %s (%" G_GUINT64_FORMAT " frames)"), name,
                                  em_sample_get_n_frames (sample));
          gtk_label_set_text (self->serial_status, text);
        }
    }
  update_serial (self);
}

static void
start_serial_job (EmDevicesPage *self, gboolean detect)
{
  SerialRequest *r = g_new0 (SerialRequest, 1);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->job != NULL)
    return;
  r->port = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->port_entry)));
  r->baud = bauds[MIN (adw_combo_row_get_selected (self->baud_row), G_N_ELEMENTS (bauds) - 1)];
  r->length_ms = detect ? DETECT_MS : (guint) gtk_spin_button_get_value (self->serial_length_spin);
  /* Detection reads whatever the board sends; names only matter for recording. */
  r->axes = detect ? NULL : axis_names (self);
  self->job_is_detect = detect;
  self->job = em_job_new (detect ? _("Detecting the board’s data") : _("Recording from the board"));
  g_signal_connect_swapped (self->job, "finished", G_CALLBACK (on_serial_finished), self);
  if (EM_IS_WINDOW (root))
    em_window_add_job (EM_WINDOW (root), self->job);
  gtk_label_set_text (self->serial_status, detect ? _("Listening…") : _("Recording…"));
  em_job_run (self->job, serial_in_thread, r, (GDestroyNotify) serial_request_free, g_object_unref);
  update_serial (self);
}

static void
on_detect_clicked (EmDevicesPage *self)
{
  start_serial_job (self, TRUE);
}

static void
on_serial_record_clicked (EmDevicesPage *self)
{
  start_serial_job (self, FALSE);
}

static void
on_serial_cancel_clicked (EmDevicesPage *self)
{
  if (self->job != NULL)
    em_job_cancel (self->job);
}

/* ---- ingestion server ------------------------------------------------------------- */

/* The first non-loopback IPv4 address: what a phone on the same network dials. */
static char *
lan_address (void)
{
  struct ifaddrs *list = NULL;
  char *out = NULL;

  if (getifaddrs (&list) != 0)
    return NULL;
  for (struct ifaddrs *i = list; i != NULL && out == NULL; i = i->ifa_next)
    {
      char buf[INET_ADDRSTRLEN];
      if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET)
        continue;
      if (inet_ntop (AF_INET, &((struct sockaddr_in *) i->ifa_addr)->sin_addr, buf, sizeof buf) != NULL &&
          !g_str_has_prefix (buf, "127."))
        out = g_strdup (buf);
    }
  freeifaddrs (list);
  return out;
}

static const char *
chosen_address (EmDevicesPage *self)
{
  return adw_combo_row_get_selected (self->address_row) == 1 ? "0.0.0.0" : "127.0.0.1";
}

/* A phone's camera reads the address from this code. */
static void
update_qr (EmDevicesPage *self, const char *url)
{
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  guint width = 0;

  if (self->qr_picture == NULL)
    {
      self->qr_picture = GTK_PICTURE (gtk_picture_new ());
      gtk_picture_set_can_shrink (self->qr_picture, FALSE);
      gtk_widget_set_margin_top (GTK_WIDGET (self->qr_picture), 6);
      gtk_widget_set_margin_bottom (GTK_WIDGET (self->qr_picture), 6);
      adw_action_row_add_suffix (self->url_row, GTK_WIDGET (self->qr_picture));
    }
  if (url != NULL)
    pixels = em_qr_rgba (url, 3, &width, NULL);
  if (pixels != NULL)
    texture = gdk_memory_texture_new (width, width, GDK_MEMORY_R8G8B8A8, pixels, width * 4);
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), texture != NULL);
}

static void
update_server (EmDevicesPage *self)
{
  guint port = em_devices_page_get_server_port (self);
  gboolean everywhere = adw_combo_row_get_selected (self->address_row) == 1;
  g_autofree char *key = NULL;
  g_autofree char *url = NULL, *host = NULL, *count = NULL;

  if (self->project == NULL)
    return;
  key = em_project_get_setting (self->project, "api_key");

  gtk_widget_set_visible (GTK_WIDGET (self->address_warning), everywhere);
  gtk_widget_set_sensitive (GTK_WIDGET (self->address_row), port == 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->port_spin), port == 0);
  adw_action_row_set_subtitle (self->api_key_row, key != NULL ? key : _("(none)"));
  if (port == 0)
    url = g_strdup (_("Turn the server on to get the address"));
  else
    {
      host = everywhere ? lan_address () : NULL;
      /* The browser collection page, with the project's key in it. */
      url = em_ingest_server_collect_url (self->server, host);
    }
  adw_action_row_set_subtitle (self->url_row, url);
  update_qr (self, port != 0 ? url : NULL);
  count = g_strdup_printf ("%u", self->received);
  gtk_label_set_text (self->received_count_label, count);
}

static void
on_sample_added (EmIngestServer *server, gint64 id, EmSample *sample, EmDevicesPage *self)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = g_markup_escape_text (em_sample_get_name (sample), -1);
  g_autofree char *subtitle = g_markup_escape_text (em_sample_get_label (sample), -1);
  GtkListBoxRow *last;

  self->received++;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_prepend (self->received_list, row);
  if (++self->n_received_rows > MAX_RECEIVED &&
      (last = gtk_list_box_get_row_at_index (self->received_list, MAX_RECEIVED)) != NULL)
    {
      gtk_list_box_remove (self->received_list, GTK_WIDGET (last));
      self->n_received_rows--;
    }
  gtk_widget_set_visible (self->received_group, TRUE);
  update_server (self);
}

static void
stop_server (EmDevicesPage *self)
{
  if (self->server == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->server, self);
  em_ingest_server_stop (self->server);
  g_clear_object (&self->server);
}

static void
on_switch_active (EmDevicesPage *self)
{
  gboolean on = gtk_switch_get_active (self->server_switch);
  g_autoptr(GError) error = NULL;

  if (on && self->server == NULL)
    {
      self->server = em_ingest_server_new (self->project);
      g_signal_connect (self->server, "sample-added", G_CALLBACK (on_sample_added), self);
      if (!em_ingest_server_listen (self->server, chosen_address (self),
                                    (guint) gtk_spin_button_get_value (self->port_spin), &error))
        {
          stop_server (self);
          show_error (self, error->message);
          gtk_switch_set_active (self->server_switch, FALSE);
        }
    }
  else if (!on)
    stop_server (self);
  update_server (self);
}

static void
on_copy_key (EmDevicesPage *self)
{
  g_autofree char *key = em_project_get_setting (self->project, "api_key");

  if (key == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), key);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("API key copied")));
}

/* ---- public ----------------------------------------------------------------------- */

guint
em_devices_page_get_server_port (EmDevicesPage *self)
{
  g_return_val_if_fail (EM_IS_DEVICES_PAGE (self), 0);
  return self->server != NULL ? em_ingest_server_get_port (self->server) : 0;
}

void
em_devices_page_set_listen_port (EmDevicesPage *self, guint port)
{
  g_return_if_fail (EM_IS_DEVICES_PAGE (self));
  gtk_spin_button_set_value (self->port_spin, port);
}

guint
em_devices_page_get_received_count (EmDevicesPage *self)
{
  g_return_val_if_fail (EM_IS_DEVICES_PAGE (self), 0);
  return self->received;
}

void
em_devices_page_set_serial_port (EmDevicesPage *self, const char *path)
{
  g_return_if_fail (EM_IS_DEVICES_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->port_entry), path != NULL ? path : "");
}

/* ---- GObject ---------------------------------------------------------------------- */

static void
em_devices_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (em_devices_page_parent_class)->map (widget);
  /* The user came to look: show what is plugged in now, not a second ago. */
  refresh_ports (EM_DEVICES_PAGE (widget));
}

static void
em_devices_page_dispose (GObject *object)
{
  EmDevicesPage *self = EM_DEVICES_PAGE (object);

  stop_server (self);
  if (self->job != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->job, self);
      em_job_cancel (self->job);
      g_clear_object (&self->job);
    }
  if (self->capture_monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->capture_monitor, self);
      em_capture_monitor_stop (self->capture_monitor);
      g_clear_object (&self->capture_monitor);
    }
  if (self->serial_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->serial_monitor, self);
  g_clear_object (&self->serial_monitor);
  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_DEVICES_PAGE);
  /* GTK 4.8 only clears bound children; the unbound top-level box is ours to drop. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->project);
  G_OBJECT_CLASS (em_devices_page_parent_class)->dispose (object);
}

static void
em_devices_page_finalize (GObject *object)
{
  EmDevicesPage *self = EM_DEVICES_PAGE (object);

  g_clear_pointer (&self->capture_rows, g_ptr_array_unref);
  g_clear_pointer (&self->port_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (em_devices_page_parent_class)->finalize (object);
}

static void
em_devices_page_class_init (EmDevicesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_devices_page_dispose;
  object_class->finalize = em_devices_page_finalize;
  widget_class->map = em_devices_page_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/emberstudio/Ember/ui/em-devices-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, capture_group);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, ports_group);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, port_entry);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, baud_row);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, axes_row);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, serial_label_row);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, serial_length_spin);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, serial_status);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, detect_button);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, serial_record_button);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, serial_cancel_button);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, server_switch);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, address_row);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, address_warning);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, port_spin);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, api_key_row);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, url_row);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, received_count_label);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, received_list);
  gtk_widget_class_bind_template_child (widget_class, EmDevicesPage, received_group);
  gtk_widget_class_bind_template_callback (widget_class, refresh_ports);
  gtk_widget_class_bind_template_callback (widget_class, update_serial);
  gtk_widget_class_bind_template_callback (widget_class, update_server);
  gtk_widget_class_bind_template_callback (widget_class, on_detect_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_serial_record_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_serial_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_switch_active);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_key);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
em_devices_page_init (EmDevicesPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkStringList) baud_names = gtk_string_list_new (NULL);

  self->capture_rows = g_ptr_array_new ();
  self->port_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (bauds); i++)
    {
      g_autofree char *s = g_strdup_printf ("%u", bauds[i]);
      gtk_string_list_append (baud_names, s);
    }
  adw_combo_row_set_model (self->baud_row, G_LIST_MODEL (baud_names));
  adw_combo_row_set_selected (self->baud_row, 4); /* 115200: what most sketches use */

  self->capture_monitor = em_capture_monitor_new ();
  if (!em_capture_monitor_start (self->capture_monitor, &error))
    g_debug ("capture monitor: %s", error->message);
  g_signal_connect_swapped (self->capture_monitor, "devices-changed", G_CALLBACK (reload_capture), self);
  self->serial_monitor = em_serial_monitor_new ();
  g_signal_connect_swapped (self->serial_monitor, "ports-changed", G_CALLBACK (reload_ports), self);
  reload_capture (self);
  reload_ports (self);
  update_serial (self);
}

GtkWidget *
em_devices_page_new (EmProject *project)
{
  EmDevicesPage *self;

  g_return_val_if_fail (EM_IS_PROJECT (project), NULL);

  self = g_object_new (EM_TYPE_DEVICES_PAGE, NULL);
  self->project = g_object_ref (project);
  update_server (self);
  return GTK_WIDGET (self);
}
