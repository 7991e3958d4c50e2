/* SPDX-License-Identifier: Apache-2.0 */
/* Listing microphones and cameras, and watching them come and go
 * (GstDeviceMonitor). Recording is in em-capture.c. */
#include <gst/gst.h>
#include "em-capture.h"
#include "em-capture-private.h"
#include "em-error.h"

static const char *
kind_class (EmCaptureKind kind)
{
  return kind == EM_CAPTURE_VIDEO ? "Video/Source" : "Audio/Source";
}

void
em_capture_device_free (EmCaptureDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->name);
  g_free (device->display_name);
  g_free (device->caps);
  g_free (device);
}

/* --- devices ---------------------------------------------------------------- */

/* The name we hand out must survive a restart and be accepted back by
 * find_device(); display names are not unique (two identical webcams), so
 * prefer what the platform uses to address the device. */
static char *
device_id (GstDevice *dev)
{
  g_autoptr(GstStructure) props = gst_device_get_properties (dev);
  static const char *const keys[] = { "node.name", "device.path", "api.v4l2.path", NULL };

  for (guint i = 0; props != NULL && keys[i] != NULL; i++)
    {
      const char *v = gst_structure_get_string (props, keys[i]);
      if (v != NULL && *v != '\0')
        return g_strdup (v);
    }
  /* pulsesrc and alsasrc devices keep their address in a GObject property. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (dev), "internal-name") != NULL)
    {
      char *v = NULL;
      g_object_get (dev, "internal-name", &v, NULL);
      if (v != NULL && *v != '\0')
        return v;
      g_free (v);
    }
  return gst_device_get_display_name (dev);
}

/* "monitor" sources of PulseAudio / PipeWire record what the speakers play:
 * a poor default microphone. */
static gboolean
device_is_monitor (GstDevice *dev)
{
  g_autoptr(GstStructure) props = gst_device_get_properties (dev);
  const char *cls = props != NULL ? gst_structure_get_string (props, "device.class") : NULL;
  return g_strcmp0 (cls, "monitor") == 0;
}

static void
append_field (GString *out, const GstStructure *s, const char *field, const char *suffix)
{
  const GValue *v = gst_structure_get_value (s, field);
  g_autofree char *text = NULL;

  if (v == NULL)
    return;
  if (G_VALUE_HOLDS_STRING (v))
    text = g_value_dup_string (v);
  else
    text = gst_value_serialize (v);
  if (text == NULL)
    return;
  if (out->len > 0 && out->str[out->len - 1] != ' ' && out->str[out->len - 1] != 'x')
    g_string_append_c (out, ' ');
  g_string_append (out, text);
  g_string_append (out, suffix);
}

/* A one-line summary of the first few formats, enough to tell devices apart. */
static char *
caps_summary (GstCaps *caps, EmCaptureKind kind)
{
  GString *out = g_string_new (NULL);
  guint n;

  if (caps == NULL)
    return g_string_free (out, FALSE);
  if (gst_caps_is_any (caps))
    {
      g_string_append (out, "any");
      return g_string_free (out, FALSE);
    }
  n = gst_caps_get_size (caps);
  for (guint i = 0; i < n && i < 3; i++)
    {
      const GstStructure *s = gst_caps_get_structure (caps, i);
      GString *one = g_string_new (NULL);

      append_field (one, s, "format", "");
      if (kind == EM_CAPTURE_AUDIO)
        {
          append_field (one, s, "rate", " Hz");
          append_field (one, s, "channels", " ch");
        }
      else
        {
          append_field (one, s, "width", "x");
          append_field (one, s, "height", "");
        }
      if (one->len == 0)
        g_string_append (one, gst_structure_get_name (s));
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, one->str);
      g_string_free (one, TRUE);
    }
  if (n > 3)
    g_string_append_printf (out, ", ... (%u formats)", n);
  return g_string_free (out, FALSE);
}

static EmCaptureDevice *
device_info (GstDevice *dev, EmCaptureKind kind)
{
  EmCaptureDevice *d = g_new0 (EmCaptureDevice, 1);
  g_autoptr(GstCaps) caps = gst_device_get_caps (dev);

  d->kind = kind;
  d->name = device_id (dev);
  d->display_name = gst_device_get_display_name (dev);
  d->caps = caps_summary (caps, kind);
  return d;
}

/* The GstDevices of @kind, probed now. (transfer full) */
static GList *
probe_devices (EmCaptureKind kind)
{
  g_autoptr(GstDeviceMonitor) monitor = gst_device_monitor_new ();
  GList *devices;

  gst_device_monitor_add_filter (monitor, kind_class (kind), NULL);
  /* get_devices() probes the hardware itself when the monitor is not started,
   * so no main loop is needed here. */
  devices = gst_device_monitor_get_devices (monitor);
  return devices;
}

GPtrArray *
em_capture_list_devices (EmCaptureKind kind, GError **error)
{
  GPtrArray *out;
  GList *devices;

  if (!em_capture_ensure_gst (error))
    return NULL;
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) em_capture_device_free);
  devices = probe_devices (kind);
  for (GList *l = devices; l != NULL; l = l->next)
    g_ptr_array_add (out, device_info (l->data, kind));
  g_list_free_full (devices, gst_object_unref);
  return out;
}

GstDevice *
em_capture_find_device (EmCaptureKind kind, const char *name, GError **error)
{
  GList *devices = probe_devices (kind);
  GstDevice *found = NULL;

  for (GList *l = devices; l != NULL && found == NULL; l = l->next)
    {
      GstDevice *dev = l->data;
      if (name == NULL)
        {
          if (!device_is_monitor (dev))
            found = gst_object_ref (dev);
          continue;
        }
      g_autofree char *id = device_id (dev);
      g_autofree char *display = gst_device_get_display_name (dev);
      if (g_strcmp0 (id, name) == 0 || g_strcmp0 (display, name) == 0)
        found = gst_object_ref (dev);
    }
  g_list_free_full (devices, gst_object_unref);
  if (found == NULL && name == NULL)
    g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                 kind == EM_CAPTURE_AUDIO
                 ? "no microphone found: connect one or check your sound settings"
                 : "no camera found: connect one or check that it is enabled");
  else if (found == NULL)
    g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                 "no %s named '%s' (see 'ember-cli capture list')",
                 em_capture_kind_to_string (kind), name);
  return found;
}

/* --- the monitor ------------------------------------------------------------- */

struct _EmCaptureMonitor
{
  GObject parent_instance;
  GstDeviceMonitor *monitor;
  guint watch_id;
  gboolean started;
};

G_DEFINE_FINAL_TYPE (EmCaptureMonitor, em_capture_monitor, G_TYPE_OBJECT)

enum { SIGNAL_DEVICES_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
on_monitor_message (GstBus *bus, GstMessage *message, gpointer data)
{
  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_DEVICE_ADDED:
    case GST_MESSAGE_DEVICE_REMOVED:
    case GST_MESSAGE_DEVICE_CHANGED:
      g_signal_emit (data, signals[SIGNAL_DEVICES_CHANGED], 0);
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

void
em_capture_monitor_stop (EmCaptureMonitor *self)
{
  g_return_if_fail (EM_IS_CAPTURE_MONITOR (self));
  if (self->monitor == NULL)
    return;
  if (self->started)
    gst_device_monitor_stop (self->monitor);
  if (self->watch_id != 0)
    g_source_remove (self->watch_id);
  self->watch_id = 0;
  self->started = FALSE;
  gst_clear_object (&self->monitor);
}

static void
em_capture_monitor_dispose (GObject *object)
{
  em_capture_monitor_stop (EM_CAPTURE_MONITOR (object));
  G_OBJECT_CLASS (em_capture_monitor_parent_class)->dispose (object);
}

static void
em_capture_monitor_class_init (EmCaptureMonitorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = em_capture_monitor_dispose;
  signals[SIGNAL_DEVICES_CHANGED] =
    g_signal_new ("devices-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
em_capture_monitor_init (EmCaptureMonitor *self)
{
}

EmCaptureMonitor *
em_capture_monitor_new (void)
{
  return g_object_new (EM_TYPE_CAPTURE_MONITOR, NULL);
}

gboolean
em_capture_monitor_start (EmCaptureMonitor *self, GError **error)
{
  g_autoptr(GstBus) bus = NULL;

  g_return_val_if_fail (EM_IS_CAPTURE_MONITOR (self), FALSE);
  if (self->monitor != NULL)
    return TRUE;
  if (!em_capture_ensure_gst (error))
    return FALSE;
  self->monitor = gst_device_monitor_new ();
  gst_device_monitor_add_filter (self->monitor, kind_class (EM_CAPTURE_AUDIO), NULL);
  gst_device_monitor_add_filter (self->monitor, kind_class (EM_CAPTURE_VIDEO), NULL);
  bus = gst_device_monitor_get_bus (self->monitor);
  /* The watch lands on the thread-default context, so the app gets the
   * signal on its main loop. */
  self->watch_id = gst_bus_add_watch (bus, on_monitor_message, self);
  /* Without any device provider (a minimal install) start() fails; that is
   * "no devices", not an error, so the panel just shows an empty list. */
  self->started = gst_device_monitor_start (self->monitor);
  if (!self->started)
    g_debug ("GstDeviceMonitor did not start: no device providers?");
  return TRUE;
}

GPtrArray *
em_capture_monitor_get_devices (EmCaptureMonitor *self, EmCaptureKind kind)
{
  GPtrArray *out;
  GList *devices;

  g_return_val_if_fail (EM_IS_CAPTURE_MONITOR (self), NULL);
  if (!self->started)
    {
      g_autoptr(GError) error = NULL;
      out = em_capture_list_devices (kind, &error);
      return out != NULL ? out
                         : g_ptr_array_new_with_free_func ((GDestroyNotify) em_capture_device_free);
    }
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) em_capture_device_free);
  devices = gst_device_monitor_get_devices (self->monitor);
  for (GList *l = devices; l != NULL; l = l->next)
    if (gst_device_has_classes (l->data, kind_class (kind)))
      g_ptr_array_add (out, device_info (l->data, kind));
  g_list_free_full (devices, gst_object_unref);
  return out;
}
