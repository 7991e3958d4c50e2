/* SPDX-License-Identifier: Apache-2.0 */
#include "em-serial.h"
#include "em-serial-monitor.h"

struct _EmSerialMonitor {
  GObject parent_instance;
  GPtrArray *ports;  /* EmSerialPortInfo, never NULL */
  GSource *timer;
};

G_DEFINE_FINAL_TYPE (EmSerialMonitor, em_serial_monitor, G_TYPE_OBJECT)

enum { PORTS_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
same_ports (GPtrArray *a, GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const EmSerialPortInfo *x = a->pdata[i], *y = b->pdata[i];
      if (g_strcmp0 (x->name, y->name) != 0 || x->usb_vid != y->usb_vid ||
          x->usb_pid != y->usb_pid)
        return FALSE;
    }
  return TRUE;
}

gboolean
em_serial_monitor_refresh (EmSerialMonitor *self)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *now;

  g_return_val_if_fail (EM_IS_SERIAL_MONITOR (self), FALSE);
  now = em_serial_list_ports (&error);
  if (now == NULL)
    {
      /* A transient sysfs hiccup must not empty the list the user looks at. */
      g_debug ("serial monitor: %s", error->message);
      return FALSE;
    }
  if (same_ports (self->ports, now))
    {
      g_ptr_array_unref (now);
      return FALSE;
    }
  g_ptr_array_unref (self->ports);
  self->ports = now;
  g_signal_emit (self, signals[PORTS_CHANGED], 0);
  return TRUE;
}

static gboolean
on_timer (gpointer data)
{
  em_serial_monitor_refresh (data);
  return G_SOURCE_CONTINUE;
}

GPtrArray *
em_serial_monitor_get_ports (EmSerialMonitor *self)
{
  g_return_val_if_fail (EM_IS_SERIAL_MONITOR (self), NULL);
  return self->ports;
}

static void
em_serial_monitor_dispose (GObject *object)
{
  EmSerialMonitor *self = EM_SERIAL_MONITOR (object);

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  G_OBJECT_CLASS (em_serial_monitor_parent_class)->dispose (object);
}

static void
em_serial_monitor_finalize (GObject *object)
{
  EmSerialMonitor *self = EM_SERIAL_MONITOR (object);

  g_clear_pointer (&self->ports, g_ptr_array_unref);
  G_OBJECT_CLASS (em_serial_monitor_parent_class)->finalize (object);
}

static void
em_serial_monitor_class_init (EmSerialMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = em_serial_monitor_dispose;
  object_class->finalize = em_serial_monitor_finalize;
  signals[PORTS_CHANGED] = g_signal_new ("ports-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
}

static void
em_serial_monitor_init (EmSerialMonitor *self)
{
  self->ports = em_serial_list_ports (NULL);
  if (self->ports == NULL)
    self->ports = g_ptr_array_new_with_free_func ((GDestroyNotify) em_serial_port_info_free);
  self->timer = g_timeout_source_new_seconds (1);
  /* The timer must not keep the monitor alive: dispose destroys it. */
  g_source_set_callback (self->timer, on_timer, self, NULL);
  g_source_attach (self->timer, g_main_context_get_thread_default ());
}

EmSerialMonitor *
em_serial_monitor_new (void)
{
  return g_object_new (EM_TYPE_SERIAL_MONITOR, NULL);
}
