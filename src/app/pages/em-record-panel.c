/* SPDX-License-Identifier: Apache-2.0 */
/* The Record panel: a live monitor pipeline (level meter or camera preview)
 * of our own, and the recording itself through the core capture API as an
 * EmJob. Streaming threads never touch widgets: they leave the latest level
 * or frame in a locked slot that a main-loop timeout picks up. */
#include <math.h>
#include <string.h>
#include <glib/gi18n.h>
#include <gst/app/gstappsink.h>
#include <adwaita.h>

#include "em-record-panel.h"
#include "em-capture-private.h"
#include "em-job.h"
#include "em-window.h"

#define PREVIEW_WIDTH  320
#define PREVIEW_HEIGHT 240
#define FRAME_WIDTH    320
#define FRAME_HEIGHT   240

/* Shared with the streaming thread; reference counted so a late callback
 * never sees freed memory. */
typedef struct {
  gatomicrefcount ref;
  GMutex          lock;
  float           level;     /* peak of the last buffer, 0..1 */
  GBytes         *frame;     /* newest RGBA frame, NULL once taken */
  int             width, height;
  gsize           stride;
} MonitorSlot;

struct _EmRecordPanel
{
  GtkWidget         parent_instance;

  EmProject        *project;
  EmCaptureMonitor *monitor;
  GPtrArray        *devices;      /* EmCaptureDevice, in the device row's order */
  GtkStringList    *device_names;
  EmJob            *job;
  GstElement       *pipeline;     /* the live monitor */
  guint             bus_watch;
  MonitorSlot      *slot;
  guint             poll_id;
  guint             countdown_id;
  guint             countdown_left;
  guint             countdown;    /* seconds before recording starts */
  guint             n_frames_shown;

  AdwComboRow      *device_row;
  AdwEntryRow      *label_row;
  AdwComboRow      *category_row;
  AdwActionRow     *length_row;
  GtkSpinButton    *length_spin;
  GtkStack         *monitor_stack;
  GtkLevelBar      *level_bar;
  GtkPicture       *preview;
  GtkLabel         *empty_label;
  GtkLabel         *status_label;
  GtkButton        *record_button;
};

G_DEFINE_FINAL_TYPE (EmRecordPanel, em_record_panel, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_COUNTDOWN, PROP_PREVIEW_FRAMES, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SAMPLE_RECORDED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void start_monitor (EmRecordPanel *self);
static void stop_monitor (EmRecordPanel *self);

static MonitorSlot *
slot_ref (MonitorSlot *slot)
{
  g_atomic_ref_count_inc (&slot->ref);
  return slot;
}

static void
slot_unref (MonitorSlot *slot)
{
  if (!g_atomic_ref_count_dec (&slot->ref))
    return;
  g_clear_pointer (&slot->frame, g_bytes_unref);
  g_mutex_clear (&slot->lock);
  g_free (slot);
}

/* ---- devices ------------------------------------------------------------------ */

static EmCaptureDevice *
device_copy (const EmCaptureDevice *d)
{
  EmCaptureDevice *copy = g_new0 (EmCaptureDevice, 1);

  copy->kind = d->kind;
  copy->name = g_strdup (d->name);
  copy->display_name = g_strdup (d->display_name);
  copy->caps = g_strdup (d->caps);
  return copy;
}

GPtrArray *
em_record_panel_list_devices (EmCaptureMonitor *monitor, EmCaptureKind kind)
{
  GPtrArray *out = monitor != NULL ? em_capture_monitor_get_devices (monitor, kind)
                                   : g_ptr_array_new_with_free_func ((GDestroyNotify) em_capture_device_free);
  const char *extra = g_getenv ("EMBER_CAPTURE_DEVICES");
  g_auto(GStrv) items = NULL;
  const char *prefix = kind == EM_CAPTURE_AUDIO ? "audio=" : "video=";

  if (extra == NULL || *extra == '\0')
    return out;
  items = g_strsplit (extra, ";", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *item = g_strstrip (items[i]);
      EmCaptureDevice *d;

      if (!g_str_has_prefix (item, prefix))
        continue;
      d = g_new0 (EmCaptureDevice, 1);
      d->kind = kind;
      d->name = g_strdup (item + strlen (prefix));
      d->display_name = g_strdup_printf (kind == EM_CAPTURE_AUDIO ? _("Test microphone (%s)")
                                                                  : _("Test camera (%s)"),
                                         d->name + strlen ("pipeline:"));
      d->caps = g_strdup ("");
      g_ptr_array_add (out, d);
    }
  return out;
}

static const EmCaptureDevice *
selected_device (EmRecordPanel *self)
{
  guint i = adw_combo_row_get_selected (self->device_row);

  return i < self->devices->len ? g_ptr_array_index (self->devices, i) : NULL;
}

static void
update_state (EmRecordPanel *self)
{
  const EmCaptureDevice *d = selected_device (self);
  gboolean busy = (self->job != NULL && em_job_is_running (self->job)) || self->countdown_id != 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.start", d != NULL && !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->device_row), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->device_row), self->devices->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->length_row), d == NULL || d->kind == EM_CAPTURE_AUDIO);
  if (d == NULL)
    gtk_stack_set_visible_child_name (self->monitor_stack, "none");
  else
    gtk_stack_set_visible_child_name (self->monitor_stack,
                                      d->kind == EM_CAPTURE_AUDIO ? "audio" : "video");
}

static void
reload_devices (EmRecordPanel *self)
{
  const EmCaptureDevice *old = selected_device (self);
  g_autofree char *old_name = old != NULL ? g_strdup (old->name) : NULL;
  guint keep = GTK_INVALID_LIST_POSITION;

  g_ptr_array_set_size (self->devices, 0);
  for (EmCaptureKind kind = EM_CAPTURE_AUDIO; kind <= EM_CAPTURE_VIDEO; kind++)
    {
      g_autoptr(GPtrArray) list = em_record_panel_list_devices (self->monitor, kind);
      for (guint i = 0; i < list->len; i++)
        g_ptr_array_add (self->devices, device_copy (g_ptr_array_index (list, i)));
    }
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  for (guint i = 0; i < self->devices->len; i++)
    {
      EmCaptureDevice *d = g_ptr_array_index (self->devices, i);
      g_ptr_array_add (names, d->display_name);
      if (g_strcmp0 (d->name, old_name) == 0)
        keep = i;
    }
  g_ptr_array_add (names, NULL);
  /* Replacing the model resets the selection; put it back by name. */
  stop_monitor (self);
  gtk_string_list_splice (self->device_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->device_names)),
                          (const char * const *) names->pdata);
  if (keep != GTK_INVALID_LIST_POSITION)
    adw_combo_row_set_selected (self->device_row, keep);
  update_state (self);
  start_monitor (self);
}

/* ---- the live monitor ------------------------------------------------------------ */

static GstFlowReturn
on_audio_sample (GstAppSink *sink, gpointer data)
{
  MonitorSlot *slot = data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buffer = sample != NULL ? gst_sample_get_buffer (sample) : NULL;
  GstMapInfo map;
  float peak = 0;

  if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  for (gsize i = 0; i < map.size / sizeof (float); i++)
    peak = MAX (peak, fabsf (((const float *) map.data)[i]));
  gst_buffer_unmap (buffer, &map);
  g_mutex_lock (&slot->lock);
  slot->level = MIN (peak, 1.0f);
  g_mutex_unlock (&slot->lock);
  return GST_FLOW_OK;
}

static GstFlowReturn
on_video_sample (GstAppSink *sink, gpointer data)
{
  MonitorSlot *slot = data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buffer = sample != NULL ? gst_sample_get_buffer (sample) : NULL;
  GstStructure *s = sample != NULL ? gst_caps_get_structure (gst_sample_get_caps (sample), 0) : NULL;
  GstMapInfo map;
  int width = 0, height = 0;

  if (buffer == NULL || s == NULL || !gst_structure_get_int (s, "width", &width) ||
      !gst_structure_get_int (s, "height", &height) || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  if (map.size >= (gsize) width * height * 4)
    {
      g_mutex_lock (&slot->lock);
      g_clear_pointer (&slot->frame, g_bytes_unref);
      slot->frame = g_bytes_new (map.data, (gsize) width * height * 4);
      slot->width = width;
      slot->height = height;
      slot->stride = (gsize) width * 4;
      g_mutex_unlock (&slot->lock);
    }
  gst_buffer_unmap (buffer, &map);
  return GST_FLOW_OK;
}

static gboolean
poll_monitor (gpointer data)
{
  EmRecordPanel *self = data;
  g_autoptr(GBytes) frame = NULL;
  float level;
  int width, height;
  gsize stride;

  g_mutex_lock (&self->slot->lock);
  level = self->slot->level;
  frame = g_steal_pointer (&self->slot->frame);
  width = self->slot->width, height = self->slot->height, stride = self->slot->stride;
  g_mutex_unlock (&self->slot->lock);
  gtk_level_bar_set_value (self->level_bar, level);
  if (frame != NULL)
    {
      g_autoptr(GdkTexture) texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8,
                                                              frame, stride);
      gtk_picture_set_paintable (self->preview, GDK_PAINTABLE (texture));
      self->n_frames_shown++;
      if (self->n_frames_shown == 1 || self->n_frames_shown % 30 == 0)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREVIEW_FRAMES]);
    }
  return G_SOURCE_CONTINUE;
}

static void
show_status (EmRecordPanel *self, const char *text)
{
  gtk_label_set_text (self->status_label, text);
}

static gboolean
on_bus_message (GstBus *bus, GstMessage *message, gpointer data)
{
  EmRecordPanel *self = data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      gst_message_parse_error (message, &error, NULL);
      text = g_strdup_printf (_("The device stopped: %s"), error->message);
      show_status (self, text);
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      self->bus_watch = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static GstElement *
make_source (const EmCaptureDevice *d, GError **error)
{
  g_autoptr(GstDevice) device = NULL;
  GstElement *source;

  if (g_str_has_prefix (d->name, "pipeline:"))
    {
      source = gst_parse_bin_from_description (d->name + strlen ("pipeline:"), TRUE, error);
      return source;
    }
  device = em_capture_find_device (d->kind, d->name, error);
  if (device == NULL)
    return NULL;
  source = gst_device_create_element (device, NULL);
  if (source == NULL)
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED, _("%s cannot be opened"), d->display_name);
  return source;
}

static void
start_monitor (EmRecordPanel *self)
{
  const EmCaptureDevice *d = selected_device (self);
  g_autoptr(GError) error = NULL;
  GstElement *source, *convert, *scale, *filter, *sink;
  GstAppSinkCallbacks callbacks = { 0 };
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBus) bus = NULL;

  if (self->pipeline != NULL || d == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  if (!em_capture_ensure_gst (&error) || (source = make_source (d, &error)) == NULL)
    {
      show_status (self, error->message);
      return;
    }
  self->pipeline = gst_pipeline_new ("em-record-monitor");
  gst_object_ref_sink (self->pipeline);
  if (d->kind == EM_CAPTURE_AUDIO)
    {
      convert = gst_element_factory_make ("audioconvert", NULL);
      scale = gst_element_factory_make ("audioresample", NULL);
      caps = gst_caps_from_string ("audio/x-raw,format=F32LE,channels=1");
      callbacks.new_sample = on_audio_sample;
    }
  else
    {
      convert = gst_element_factory_make ("videoconvert", NULL);
      scale = gst_element_factory_make ("videoscale", NULL);
      caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "RGBA",
                                  "width", G_TYPE_INT, PREVIEW_WIDTH,
                                  "height", G_TYPE_INT, PREVIEW_HEIGHT, NULL);
      callbacks.new_sample = on_video_sample;
    }
  filter = gst_element_factory_make ("capsfilter", NULL);
  sink = gst_element_factory_make ("appsink", NULL);
  g_object_set (filter, "caps", caps, NULL);
  /* Only the newest picture matters: a slow UI drops frames, never queues them. */
  g_object_set (sink, "sync", FALSE, "max-buffers", 2, "drop", TRUE, NULL);
  gst_bin_add_many (GST_BIN (self->pipeline), source, convert, scale, filter, sink, NULL);
  if (!gst_element_link_many (source, convert, scale, filter, sink, NULL))
    {
      show_status (self, _("The device’s format cannot be shown"));
      g_clear_pointer (&self->pipeline, gst_object_unref);
      return;
    }
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, slot_ref (self->slot),
                              (GDestroyNotify) slot_unref);
  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    show_status (self, _("The device would not start"));
  if (self->poll_id == 0)
    self->poll_id = g_timeout_add (33, poll_monitor, self);
}

static void
stop_monitor (EmRecordPanel *self)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  if (self->pipeline != NULL)
    {
      /* Joins the streaming thread, so no callback runs after this. */
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_clear_pointer (&self->pipeline, gst_object_unref);
    }
  if (self->level_bar != NULL)
    gtk_level_bar_set_value (self->level_bar, 0);
}

static void
on_device_selected (EmRecordPanel *self)
{
  stop_monitor (self);
  update_state (self);
  show_status (self, "");
  start_monitor (self);
}

/* ---- recording ------------------------------------------------------------------- */

typedef struct {
  char         *device;
  EmCaptureKind kind;
  guint         length_ms;
} RecordRequest;

static void
record_request_free (RecordRequest *r)
{
  g_free (r->device);
  g_free (r);
}

static gpointer
record_in_thread (EmJob *job, gpointer data, GCancellable *cancellable, GError **error)
{
  RecordRequest *r = data;
  g_autoptr(GPtrArray) frames = NULL;

  if (r->kind == EM_CAPTURE_AUDIO)
    return em_capture_record_audio (r->device, 16000, r->length_ms, em_job_progress_cb, job,
                                    cancellable, error);
  frames = em_capture_grab_frames (r->device, FRAME_WIDTH, FRAME_HEIGHT, 1, 0, em_job_progress_cb,
                                   job, cancellable, error);
  return frames != NULL ? g_object_ref (g_ptr_array_index (frames, 0)) : NULL;
}

static void
on_job_progress (EmRecordPanel *self)
{
  double fraction = em_job_get_fraction (self->job);
  const EmCaptureDevice *d = selected_device (self);
  g_autofree char *text = NULL;

  if (d != NULL && d->kind == EM_CAPTURE_AUDIO && fraction >= 0)
    {
      double left = (1 - fraction) * gtk_spin_button_get_value (self->length_spin) / 1000.0;
      text = g_strdup_printf (_("Recording… %.1f s left"), MAX (left, 0));
      show_status (self, text);
    }
}

static void
on_job_finished (EmRecordPanel *self)
{
  g_autoptr(EmJob) job = g_steal_pointer (&self->job);
  EmSample *sample = em_job_get_result (job);
  const GError *job_error = em_job_get_error (job);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *label = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->label_row))));
  g_autofree char *name = NULL, *text = NULL;
  gint64 id;

  g_signal_handlers_disconnect_by_data (job, self);
  if (em_job_get_state (job) == EM_JOB_STATE_CANCELLED)
    show_status (self, _("Recording cancelled"));
  else if (sample == NULL)
    show_status (self, job_error != NULL ? job_error->message : _("Nothing was recorded"));
  else
    {
      if (*label == '\0')
        {
          g_free (label);
          label = g_strdup ("unlabeled");
        }
      name = g_strdup_printf ("%s.%s", label, stamp);
      em_sample_set_name (sample, name);
      em_sample_set_label (sample, label);
      em_sample_set_category (sample, adw_combo_row_get_selected (self->category_row) == 1
                                      ? EM_CATEGORY_TESTING : EM_CATEGORY_TRAINING);
      /* Two recordings of silence are the same bytes; both were meant. */
      id = em_project_add_sample (self->project, sample, EM_ADD_FLAGS_ALLOW_DUPLICATE, &error);
      if (id == 0)
        show_status (self, error->message);
      else
        {
          text = g_strdup_printf (_("Stored %s"), name);
          show_status (self, text);
          g_signal_emit (self, signals[SAMPLE_RECORDED], 0, id);
        }
    }
  update_state (self);
  start_monitor (self);
}

static void
start_job (EmRecordPanel *self)
{
  const EmCaptureDevice *d = selected_device (self);
  RecordRequest *r;
  GtkRoot *root;

  if (d == NULL)
    return;
  r = g_new0 (RecordRequest, 1);
  r->device = g_strdup (d->name);
  r->kind = d->kind;
  r->length_ms = (guint) gtk_spin_button_get_value (self->length_spin);
  /* A camera is usually one-at-a-time: let go of it for the shot. */
  if (d->kind == EM_CAPTURE_VIDEO)
    stop_monitor (self);
  show_status (self, d->kind == EM_CAPTURE_AUDIO ? _("Recording…") : _("Taking a picture…"));
  self->job = em_job_new (d->kind == EM_CAPTURE_AUDIO ? _("Recording audio") : _("Taking a picture"));
  g_signal_connect_swapped (self->job, "finished", G_CALLBACK (on_job_finished), self);
  g_signal_connect_swapped (self->job, "notify::fraction", G_CALLBACK (on_job_progress), self);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (EM_IS_WINDOW (root))
    em_window_add_job (EM_WINDOW (root), self->job);
  em_job_run (self->job, record_in_thread, r, (GDestroyNotify) record_request_free, g_object_unref);
  update_state (self);
}

static gboolean
countdown_tick (gpointer data)
{
  EmRecordPanel *self = data;
  g_autofree char *text = NULL;

  if (self->countdown_left == 0)
    {
      self->countdown_id = 0;
      start_job (self);
      return G_SOURCE_REMOVE;
    }
  text = g_strdup_printf (_("Starting in %u…"), self->countdown_left);
  show_status (self, text);
  self->countdown_left--;
  return G_SOURCE_CONTINUE;
}

void
em_record_panel_record (EmRecordPanel *self)
{
  g_return_if_fail (EM_IS_RECORD_PANEL (self));

  if (selected_device (self) == NULL || self->job != NULL || self->countdown_id != 0)
    return;
  if (self->countdown == 0)
    {
      start_job (self);
      return;
    }
  self->countdown_left = self->countdown;
  countdown_tick (self);
  self->countdown_id = g_timeout_add_seconds (1, countdown_tick, self);
  update_state (self);
}

gboolean
em_record_panel_select_device (EmRecordPanel *self, const char *name)
{
  g_return_val_if_fail (EM_IS_RECORD_PANEL (self), FALSE);

  for (guint i = 0; i < self->devices->len; i++)
    if (g_strcmp0 (((EmCaptureDevice *) g_ptr_array_index (self->devices, i))->name, name) == 0)
      {
        adw_combo_row_set_selected (self->device_row, i);
        return TRUE;
      }
  return FALSE;
}

/* ---- GObject --------------------------------------------------------------------- */

static void
em_record_panel_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (em_record_panel_parent_class)->map (widget);
  start_monitor (EM_RECORD_PANEL (widget));
}

static void
em_record_panel_unmap (GtkWidget *widget)
{
  /* Nobody looks: give the microphone or camera back. */
  stop_monitor (EM_RECORD_PANEL (widget));
  GTK_WIDGET_CLASS (em_record_panel_parent_class)->unmap (widget);
}

static void
em_record_panel_dispose (GObject *object)
{
  EmRecordPanel *self = EM_RECORD_PANEL (object);

  stop_monitor (self);
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  if (self->job != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->job, self);
      em_job_cancel (self->job);
      g_clear_object (&self->job);
    }
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      em_capture_monitor_stop (self->monitor);
      g_clear_object (&self->monitor);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_RECORD_PANEL);
  /* GTK 4.8 only clears bound children; the unbound top-level box is ours to drop. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->project);
  G_OBJECT_CLASS (em_record_panel_parent_class)->dispose (object);
}

static void
em_record_panel_finalize (GObject *object)
{
  EmRecordPanel *self = EM_RECORD_PANEL (object);

  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->slot, slot_unref);
  G_OBJECT_CLASS (em_record_panel_parent_class)->finalize (object);
}

static void
em_record_panel_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmRecordPanel *self = EM_RECORD_PANEL (object);

  switch (prop_id)
    {
    case PROP_COUNTDOWN:
      g_value_set_uint (value, self->countdown);
      break;
    case PROP_PREVIEW_FRAMES:
      g_value_set_uint (value, self->n_frames_shown);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_record_panel_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  EmRecordPanel *self = EM_RECORD_PANEL (object);

  switch (prop_id)
    {
    case PROP_COUNTDOWN:
      if (self->countdown != g_value_get_uint (value))
        {
          self->countdown = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
record_activated (GtkWidget *widget, const char *action, GVariant *param)
{
  em_record_panel_record (EM_RECORD_PANEL (widget));
}

static void
em_record_panel_class_init (EmRecordPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_record_panel_dispose;
  object_class->finalize = em_record_panel_finalize;
  object_class->get_property = em_record_panel_get_property;
  object_class->set_property = em_record_panel_set_property;
  widget_class->map = em_record_panel_map;
  widget_class->unmap = em_record_panel_unmap;

  properties[PROP_COUNTDOWN] =
    g_param_spec_uint ("countdown", NULL, NULL, 0, 10, 3,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PREVIEW_FRAMES] =
    g_param_spec_uint ("preview-frames", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SAMPLE_RECORDED] =
    g_signal_new ("sample-recorded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/emberstudio/Ember/ui/em-record-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, EmRecordPanel, device_row);
  gtk_widget_class_bind_template_child (widget_class, EmRecordPanel, label_row);
  gtk_widget_class_bind_template_child (widget_class, EmRecordPanel, category_row);
  gtk_widget_class_bind_template_child (widget_class, EmRecordPanel, length_row);
  gtk_widget_class_bind_template_child (widget_class, EmRecordPanel, length_spin);
  gtk_widget_class_bind_template_child (widget_class, EmRecordPanel, monitor_stack);
  gtk_widget_class_bind_template_child (widget_class, EmRecordPanel, level_bar);
  gtk_widget_class_bind_template_child (widget_class, EmRecordPanel, preview);
  gtk_widget_class_bind_template_child (widget_class, EmRecordPanel, empty_label);
  gtk_widget_class_bind_template_child (widget_class, EmRecordPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, EmRecordPanel, record_button);
  gtk_widget_class_bind_template_callback (widget_class, on_device_selected);
  gtk_widget_class_install_action (widget_class, "record.start", NULL, record_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
em_record_panel_init (EmRecordPanel *self)
{
  g_autoptr(GError) error = NULL;

  self->countdown = 3;
  self->devices = g_ptr_array_new_with_free_func ((GDestroyNotify) em_capture_device_free);
  self->slot = g_new0 (MonitorSlot, 1);
  g_atomic_ref_count_init (&self->slot->ref);
  g_mutex_init (&self->slot->lock);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->device_names = GTK_STRING_LIST (adw_combo_row_get_model (self->device_row));

  self->monitor = em_capture_monitor_new ();
  /* No GStreamer device provider is not "no device": the list just stays
   * empty, and the panel says so. */
  if (!em_capture_monitor_start (self->monitor, &error))
    g_debug ("capture monitor: %s", error->message);
  g_signal_connect_swapped (self->monitor, "devices-changed", G_CALLBACK (reload_devices), self);
  reload_devices (self);
}

GtkWidget *
em_record_panel_new (EmProject *project)
{
  EmRecordPanel *self;

  g_return_val_if_fail (EM_IS_PROJECT (project), NULL);

  self = g_object_new (EM_TYPE_RECORD_PANEL, NULL);
  self->project = g_object_ref (project);
  return GTK_WIDGET (self);
}
