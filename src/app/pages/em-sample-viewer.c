/* SPDX-License-Identifier: Apache-2.0 */
#include <glib/gi18n.h>
#include <adwaita.h>
#include <gst/gst.h>
#include <gst/app/gstappsrc.h>

#include "em-sample-viewer.h"
#include "em-image.h"
#include "em-series-model.h"

struct _EmSampleViewer
{
  GtkWidget       parent_instance;

  /* template children */
  GtkLabel       *title_label;
  GtkLabel       *subtitle_label;
  GtkButton      *play_button;
  AdwButtonContent *play_content;
  GtkButton      *reset_zoom_button;
  GtkStack       *stack;
  EmLinePlot     *plot;
  GtkDrawingArea *image_area;
  AdwStatusPage  *status_page;
  AdwPreferencesGroup *details_group;
  AdwPreferencesGroup *metadata_group;
  AdwEntryRow    *name_row;
  AdwEntryRow    *label_row;
  AdwComboRow    *category_row;
  GtkSwitch      *enabled_switch;
  AdwEntryRow    *new_metadata_row;

  EmProject      *project;
  EmSample       *sample;       /* with data */
  EmSeriesModel  *series;
  GPtrArray      *metadata_rows;
  const char     *mode;
  gboolean        loading;      /* filling the rows: their signals are not edits */

  /* image view: decoded once per sample */
  cairo_surface_t *image;
  guint           n_boxes_drawn;

  GstElement     *pipeline;
  guint           bus_watch;
};

G_DEFINE_FINAL_TYPE (EmSampleViewer, em_sample_viewer, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PROJECT, PROP_SAMPLE_ID, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* ---- audio ---------------------------------------------------------------- */

static void
set_play_button (EmSampleViewer *self, gboolean playing)
{
  adw_button_content_set_icon_name (self->play_content, playing ? "media-playback-stop-symbolic"
                                                                : "media-playback-start-symbolic");
  adw_button_content_set_label (self->play_content, playing ? _("Stop") : _("Play"));
}

void
em_sample_viewer_stop (EmSampleViewer *self)
{
  g_return_if_fail (EM_IS_SAMPLE_VIEWER (self));

  if (self->pipeline == NULL)
    return;
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  gst_clear_object (&self->pipeline);
  set_play_button (self, FALSE);
}

static gboolean
bus_cb (GstBus *bus, GstMessage *message, gpointer data)
{
  EmSampleViewer *self = data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        gst_message_parse_error (message, &error, NULL);
        /* No sound device is an everyday condition, not a bug: say so
         * where the button is rather than on the terminal. */
        gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), error->message);
      }
      G_GNUC_FALLTHROUGH;
    case GST_MESSAGE_EOS:
      self->bus_watch = 0;
      em_sample_viewer_stop (self);
      return G_SOURCE_REMOVE;
    default:
      return G_SOURCE_CONTINUE;
    }
}

gboolean
em_sample_viewer_play (EmSampleViewer *self, GError **error)
{
  const char *sink = g_getenv ("EMBER_AUDIO_SINK");
  g_autofree char *description = NULL;
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBus) bus = NULL;
  GstElement *pipeline;
  GBytes *data;

  g_return_val_if_fail (EM_IS_SAMPLE_VIEWER (self), FALSE);

  em_sample_viewer_stop (self);
  if (self->sample == NULL || em_sample_get_kind (self->sample) != EM_SENSOR_AUDIO ||
      em_sample_get_encoding (self->sample) != EM_ENCODING_F32LE ||
      em_sample_get_frequency_hz (self->sample) < 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "no audio sample to play");
      return FALSE;
    }
  if (!gst_init_check (NULL, NULL, error))
    return FALSE;

  description = g_strdup_printf ("appsrc name=src format=time ! audioconvert ! audioresample ! %s",
                                 sink != NULL && *sink != '\0' ? sink : "autoaudiosink");
  pipeline = gst_parse_launch (description, error);
  if (pipeline == NULL)
    return FALSE;
  self->pipeline = pipeline;

  /* The stored values are float32 in -1..1, interleaved by frame: exactly
   * audio/x-raw F32LE, so the blob goes to GStreamer as it is. */
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  caps = gst_caps_new_simple ("audio/x-raw",
                              "format", G_TYPE_STRING, "F32LE",
                              "layout", G_TYPE_STRING, "interleaved",
                              "rate", G_TYPE_INT, (int) (em_sample_get_frequency_hz (self->sample) + 0.5),
                              "channels", G_TYPE_INT, (int) MAX (1, em_sample_get_n_axes (self->sample)),
                              NULL);
  gst_app_src_set_caps (GST_APP_SRC (src), caps);
  data = em_sample_get_data (self->sample);
  gst_app_src_push_buffer (GST_APP_SRC (src), gst_buffer_new_wrapped_bytes (data));
  gst_app_src_end_of_stream (GST_APP_SRC (src));

  bus = gst_element_get_bus (pipeline);
  self->bus_watch = gst_bus_add_watch (bus, bus_cb, self);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "cannot start audio playback (no sound output?)");
      em_sample_viewer_stop (self);
      return FALSE;
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), _("Stop playing"));
  set_play_button (self, TRUE);
  return TRUE;
}

gboolean
em_sample_viewer_get_playing (EmSampleViewer *self)
{
  g_return_val_if_fail (EM_IS_SAMPLE_VIEWER (self), FALSE);
  return self->pipeline != NULL;
}

static void
play_clicked_cb (EmSampleViewer *self, GtkButton *button)
{
  g_autoptr(GError) error = NULL;

  if (self->pipeline != NULL)
    {
      em_sample_viewer_stop (self);
      return;
    }
  if (!em_sample_viewer_play (self, &error))
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), error->message);
}

static void
reset_zoom_clicked_cb (EmSampleViewer *self, GtkButton *button)
{
  em_line_plot_reset_zoom (self->plot);
}

/* ---- image ---------------------------------------------------------------- */

static void
draw_image (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  EmSampleViewer *self = data;
  int iw, ih;
  double scale, ox, oy;

  self->n_boxes_drawn = 0;
  if (self->image == NULL || self->sample == NULL)
    return;
  iw = cairo_image_surface_get_width (self->image);
  ih = cairo_image_surface_get_height (self->image);
  scale = MIN ((double) width / iw, (double) height / ih);
  ox = (width - iw * scale) / 2;
  oy = (height - ih * scale) / 2;

  cairo_save (cr);
  cairo_translate (cr, ox, oy);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, self->image, 0, 0);
  /* Small images (28×28) are for looking at pixels: no smoothing. */
  cairo_pattern_set_filter (cairo_get_source (cr), scale >= 2 ? CAIRO_FILTER_NEAREST
                                                              : CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_restore (cr);

  for (guint i = 0; i < em_sample_get_n_boxes (self->sample); i++)
    {
      const EmBoundingBox *box = em_sample_get_box (self->sample, i);
      double x = ox + box->x * scale, y = oy + box->y * scale;
      double w = box->width * scale, h = box->height * scale;
      cairo_text_extents_t ext;

      /* A fixed bright colour with a dark outline reads on any image,
       * whichever the app's style. */
      cairo_set_line_width (cr, 4);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
      cairo_rectangle (cr, x, y, w, h);
      cairo_stroke (cr);
      cairo_set_line_width (cr, 2);
      cairo_set_source_rgb (cr, 1.0, 0.76, 0.03);
      cairo_rectangle (cr, x, y, w, h);
      cairo_stroke (cr);

      cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_font_size (cr, 12);
      cairo_text_extents (cr, box->label, &ext);
      cairo_rectangle (cr, x - 1, MAX (0, y - ext.height - 6), ext.x_advance + 8, ext.height + 6);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_move_to (cr, x + 3, MAX (0, y - ext.height - 6) + ext.height + 2);
      cairo_show_text (cr, box->label);
      self->n_boxes_drawn++;
    }
}

static cairo_surface_t *
decode_image (EmSample *sample, GError **error)
{
  g_autofree guint8 *rgb = NULL;
  cairo_surface_t *surface;
  guint w, h;
  guint8 *dst;
  int stride;

  rgb = em_image_decode_rgb (sample, &w, &h, error);
  if (rgb == NULL)
    return NULL;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) w, (int) h);
  cairo_surface_flush (surface);
  dst = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        const guint8 *p = rgb + ((gsize) y * w + x) * 3;
        ((guint32 *) (dst + (gsize) y * stride))[x] = 0xff000000u | (p[0] << 16) | (p[1] << 8) | p[2];
      }
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* ---- details -------------------------------------------------------------- */

static void
report_error (EmSampleViewer *self, const GError *error)
{
  /* The page around us shows toasts; without one the reason still shows
   * in the subtitle instead of vanishing into the terminal. */
  gtk_label_set_text (self->subtitle_label, error->message);
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle_label), "error");
}

static void
metadata_apply_cb (AdwEntryRow *row, EmSampleViewer *self)
{
  const char *key = g_object_get_data (G_OBJECT (row), "em-key");
  const char *value = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autoptr(GError) error = NULL;

  if (self->sample == NULL || self->project == NULL)
    return;
  if (!em_project_set_metadata (self->project, em_sample_get_id (self->sample), key,
                                *value != '\0' ? value : NULL, &error))
    {
      report_error (self, error);
      return;
    }
  em_sample_viewer_set_sample_id (self, em_sample_get_id (self->sample));
}

static void
fill_metadata (EmSampleViewer *self)
{
  g_autoptr(GPtrArray) keys = NULL;

  for (guint i = 0; i < self->metadata_rows->len; i++)
    adw_preferences_group_remove (self->metadata_group, g_ptr_array_index (self->metadata_rows, i));
  g_ptr_array_set_size (self->metadata_rows, 0);
  if (self->sample == NULL)
    return;
  keys = em_sample_get_metadata_keys (self->sample);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      GtkWidget *row = adw_entry_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), key);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
      gtk_editable_set_text (GTK_EDITABLE (row), em_sample_get_metadata (self->sample, key));
      g_object_set_data_full (G_OBJECT (row), "em-key", g_strdup (key), g_free);
      g_signal_connect (row, "apply", G_CALLBACK (metadata_apply_cb), self);
      adw_preferences_group_add (self->metadata_group, row);
      g_ptr_array_add (self->metadata_rows, row);
    }
}

static void
name_apply_cb (EmSampleViewer *self, AdwEntryRow *row)
{
  g_autoptr(GError) error = NULL;

  if (self->sample == NULL || self->loading)
    return;
  if (!em_project_rename_sample (self->project, em_sample_get_id (self->sample),
                                 gtk_editable_get_text (GTK_EDITABLE (row)), &error))
    report_error (self, error);
  else
    em_sample_viewer_set_sample_id (self, em_sample_get_id (self->sample));
}

static void
label_apply_cb (EmSampleViewer *self, AdwEntryRow *row)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (self->sample == NULL || self->loading)
    return;
  id = em_sample_get_id (self->sample);
  if (!em_project_relabel (self->project, &id, 1, gtk_editable_get_text (GTK_EDITABLE (row)),
                           &error))
    report_error (self, error);
  else
    em_sample_viewer_set_sample_id (self, id);
}

static void
category_selected_cb (EmSampleViewer *self, GParamSpec *pspec, AdwComboRow *row)
{
  g_autoptr(GError) error = NULL;
  EmCategory category = adw_combo_row_get_selected (row) == 1 ? EM_CATEGORY_TESTING
                                                               : EM_CATEGORY_TRAINING;
  gint64 id;

  if (self->sample == NULL || self->loading || em_sample_get_category (self->sample) == category)
    return;
  id = em_sample_get_id (self->sample);
  if (!em_project_set_category (self->project, &id, 1, category, &error))
    report_error (self, error);
  else
    em_sample_set_category (self->sample, category);
}

static void
enabled_active_cb (EmSampleViewer *self, GParamSpec *pspec, GtkSwitch *sw)
{
  g_autoptr(GError) error = NULL;
  gboolean active = gtk_switch_get_active (sw);
  gint64 id;

  if (self->sample == NULL || self->loading || em_sample_get_enabled (self->sample) == active)
    return;
  id = em_sample_get_id (self->sample);
  if (!em_project_set_enabled (self->project, &id, 1, active, &error))
    report_error (self, error);
  else
    em_sample_set_enabled (self->sample, active);
}

static void
new_metadata_apply_cb (EmSampleViewer *self, AdwEntryRow *row)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (self->sample == NULL)
    return;
  parts = g_strsplit (text, "=", 2);
  if (parts[0] == NULL || parts[1] == NULL || *g_strstrip (parts[0]) == '\0')
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Metadata is written as key=value"));
      report_error (self, error);
      return;
    }
  if (!em_project_set_metadata (self->project, em_sample_get_id (self->sample), parts[0],
                                g_strstrip (parts[1]), &error))
    {
      report_error (self, error);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  em_sample_viewer_set_sample_id (self, em_sample_get_id (self->sample));
}

/* ---- showing a sample ----------------------------------------------------- */

static char *
describe (EmSample *sample)
{
  const char *kind;

  switch (em_sample_get_kind (sample))
    {
    case EM_SENSOR_IMAGE:
      /* Translators: image size in pixels */
      return g_strdup_printf (_("Image · %u × %u px · %u boxes"), em_sample_get_width (sample),
                              em_sample_get_height (sample), em_sample_get_n_boxes (sample));
    case EM_SENSOR_AUDIO:
      kind = _("Audio");
      break;
    case EM_SENSOR_TIME_SERIES:
    default:
      kind = _("Time series");
      break;
    }
  /* Translators: kind · length · rate · number of axes, e.g. "Audio · 1000 ms · 16000 Hz · 1 axes" */
  return g_strdup_printf (_("%s · %.0f ms · %g Hz · %u axes"), kind, em_sample_get_length_ms (sample),
                          em_sample_get_frequency_hz (sample), em_sample_get_n_axes (sample));
}

static void
show_series (EmSampleViewer *self)
{
  EmSample *s = self->sample;
  guint n_axes = em_sample_get_n_axes (s);
  guint64 n_values = 0;
  const float *values = em_sample_get_values (s, &n_values);
  guint64 n_frames = n_axes > 0 ? n_values / n_axes : 0;
  double interval = em_sample_get_interval_ms (s);
  g_autofree float *x = g_new (float, MAX (n_frames, 1));
  g_autofree float *y = g_new (float, MAX (n_frames, 1));

  for (guint64 i = 0; i < n_frames; i++)
    x[i] = (float) (interval > 0 ? i * interval : i);
  em_series_model_freeze_changed (self->series);
  em_series_model_clear (self->series);
  for (guint a = 0; a < n_axes; a++)
    {
      const EmAxis *axis = em_sample_get_axis (s, a);
      g_autofree char *name = axis->units != NULL && *axis->units != '\0' &&
                              em_sample_get_kind (s) != EM_SENSOR_AUDIO
                              ? g_strdup_printf ("%s (%s)", axis->name, axis->units)
                              : g_strdup (axis->name);
      guint series = em_series_model_add_series (self->series, name, TRUE);

      for (guint64 i = 0; i < n_frames; i++)
        y[i] = values[i * n_axes + a];
      em_series_model_set_values (self->series, series, x, y, (guint) n_frames);
    }
  em_series_model_thaw_changed (self->series);
  em_line_plot_set_model (self->plot, self->series);
  em_line_plot_set_x_label (self->plot, interval > 0 ? _("Time (ms)") : _("Frame"));
  em_line_plot_set_show_legend (self->plot, n_axes > 1);
  gtk_stack_set_visible_child_name (self->stack, "plot");
  gtk_widget_set_visible (GTK_WIDGET (self->reset_zoom_button), TRUE);
  self->mode = em_sample_get_kind (s) == EM_SENSOR_AUDIO ? "audio" : "series";
  gtk_widget_set_visible (GTK_WIDGET (self->play_button), em_sample_get_kind (s) == EM_SENSOR_AUDIO);
}

static void
show_nothing (EmSampleViewer *self, const char *title, const char *description, const char *icon)
{
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  adw_status_page_set_icon_name (self->status_page, icon);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

void
em_sample_viewer_set_sample_id (EmSampleViewer *self, gint64 id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *subtitle = NULL;
  gboolean have;

  g_return_if_fail (EM_IS_SAMPLE_VIEWER (self));

  em_sample_viewer_stop (self);
  g_clear_object (&self->sample);
  g_clear_pointer (&self->image, cairo_surface_destroy);
  gtk_widget_remove_css_class (GTK_WIDGET (self->subtitle_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->play_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->reset_zoom_button), FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), _("Play the clip"));
  self->mode = "empty";

  if (id > 0 && self->project != NULL)
    self->sample = em_project_get_sample (self->project, id, TRUE, &error);
  have = self->sample != NULL;

  self->loading = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->details_group), have);
  gtk_widget_set_visible (GTK_WIDGET (self->metadata_group), have);
  if (!have)
    {
      gtk_label_set_text (self->title_label, "");
      gtk_label_set_text (self->subtitle_label, "");
      em_line_plot_set_model (self->plot, NULL);
      if (error != NULL)
        {
          self->mode = "error";
          show_nothing (self, _("Cannot Show This Sample"), error->message, "dialog-warning-symbolic");
        }
      else
        show_nothing (self, _("No Sample Selected"),
                      _("Select a sample in the list to see its data and details"),
                      "view-list-symbolic");
    }
  else
    {
      gtk_label_set_text (self->title_label, em_sample_get_name (self->sample));
      subtitle = describe (self->sample);
      gtk_label_set_text (self->subtitle_label, subtitle);
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), em_sample_get_name (self->sample));
      gtk_editable_set_text (GTK_EDITABLE (self->label_row), em_sample_get_label (self->sample));
      adw_combo_row_set_selected (self->category_row,
                                  em_sample_get_category (self->sample) == EM_CATEGORY_TESTING);
      gtk_switch_set_active (self->enabled_switch, em_sample_get_enabled (self->sample));
      if (em_sample_get_kind (self->sample) == EM_SENSOR_IMAGE)
        {
          self->image = decode_image (self->sample, &error);
          if (self->image == NULL)
            {
              self->mode = "error";
              show_nothing (self, _("Cannot Show This Image"), error->message,
                            "dialog-warning-symbolic");
            }
          else
            {
              self->mode = "image";
              gtk_stack_set_visible_child_name (self->stack, "image");
              gtk_widget_queue_draw (GTK_WIDGET (self->image_area));
            }
          em_line_plot_set_model (self->plot, NULL);
        }
      else
        show_series (self);
    }
  fill_metadata (self);
  self->loading = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAMPLE_ID]);
}

gint64
em_sample_viewer_get_sample_id (EmSampleViewer *self)
{
  g_return_val_if_fail (EM_IS_SAMPLE_VIEWER (self), 0);
  return self->sample != NULL ? em_sample_get_id (self->sample) : 0;
}

EmSample *
em_sample_viewer_get_sample (EmSampleViewer *self)
{
  g_return_val_if_fail (EM_IS_SAMPLE_VIEWER (self), NULL);
  return self->sample;
}

const char *
em_sample_viewer_get_mode (EmSampleViewer *self)
{
  g_return_val_if_fail (EM_IS_SAMPLE_VIEWER (self), NULL);
  return self->mode;
}

EmLinePlot *
em_sample_viewer_get_plot (EmSampleViewer *self)
{
  g_return_val_if_fail (EM_IS_SAMPLE_VIEWER (self), NULL);
  return self->plot;
}

guint
em_sample_viewer_get_n_boxes_drawn (EmSampleViewer *self)
{
  g_return_val_if_fail (EM_IS_SAMPLE_VIEWER (self), 0);
  return self->n_boxes_drawn;
}

EmProject *
em_sample_viewer_get_project (EmSampleViewer *self)
{
  g_return_val_if_fail (EM_IS_SAMPLE_VIEWER (self), NULL);
  return self->project;
}

void
em_sample_viewer_set_project (EmSampleViewer *self, EmProject *project)
{
  g_return_if_fail (EM_IS_SAMPLE_VIEWER (self));
  g_return_if_fail (project == NULL || EM_IS_PROJECT (project));

  if (!g_set_object (&self->project, project))
    return;
  em_sample_viewer_set_sample_id (self, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

/* ---- GObject -------------------------------------------------------------- */

static void
em_sample_viewer_dispose (GObject *object)
{
  EmSampleViewer *self = EM_SAMPLE_VIEWER (object);
  GtkWidget *child;

  em_sample_viewer_stop (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), EM_TYPE_SAMPLE_VIEWER);
  /* The header box has no binding, so dispose_template() leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->sample);
  g_clear_object (&self->series);
  g_clear_object (&self->project);
  g_clear_pointer (&self->image, cairo_surface_destroy);
  g_clear_pointer (&self->metadata_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (em_sample_viewer_parent_class)->dispose (object);
}

static void
em_sample_viewer_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  EmSampleViewer *self = EM_SAMPLE_VIEWER (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_SAMPLE_ID:
      g_value_set_int64 (value, em_sample_viewer_get_sample_id (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_sample_viewer_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  EmSampleViewer *self = EM_SAMPLE_VIEWER (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      em_sample_viewer_set_project (self, g_value_get_object (value));
      break;
    case PROP_SAMPLE_ID:
      em_sample_viewer_set_sample_id (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
em_sample_viewer_class_init (EmSampleViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_sample_viewer_dispose;
  object_class->get_property = em_sample_viewer_get_property;
  object_class->set_property = em_sample_viewer_set_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, EM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SAMPLE_ID] =
    g_param_spec_int64 ("sample-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (EM_TYPE_LINE_PLOT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/emberstudio/Ember/ui/em-sample-viewer.ui");
  gtk_widget_class_bind_template_child (widget_class, EmSampleViewer, title_label);
  gtk_widget_class_bind_template_child (widget_class, EmSampleViewer, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, EmSampleViewer, play_button);
  gtk_widget_class_bind_template_child (widget_class, EmSampleViewer, play_content);
  gtk_widget_class_bind_template_child (widget_class, EmSampleViewer, reset_zoom_button);
  gtk_widget_class_bind_template_child (widget_class, EmSampleViewer, stack);
  gtk_widget_class_bind_template_child (widget_class, EmSampleViewer, plot);
  gtk_widget_class_bind_template_child (widget_class, EmSampleViewer, image_area);
  gtk_widget_class_bind_template_child (widget_class, EmSampleViewer, status_page);
  gtk_widget_class_bind_template_child (widget_class, EmSampleViewer, details_group);
  gtk_widget_class_bind_template_child (widget_class, EmSampleViewer, metadata_group);
  gtk_widget_class_bind_template_child (widget_class, EmSampleViewer, name_row);
  gtk_widget_class_bind_template_child (widget_class, EmSampleViewer, label_row);
  gtk_widget_class_bind_template_child (widget_class, EmSampleViewer, category_row);
  gtk_widget_class_bind_template_child (widget_class, EmSampleViewer, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, EmSampleViewer, new_metadata_row);
  gtk_widget_class_bind_template_callback (widget_class, play_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, reset_zoom_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, label_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, category_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, enabled_active_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_metadata_apply_cb);
}

static void
em_sample_viewer_init (EmSampleViewer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->series = em_series_model_new ();
  self->metadata_rows = g_ptr_array_new ();
  self->mode = "empty";
  gtk_drawing_area_set_draw_func (self->image_area, draw_image, self, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->details_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->metadata_group), FALSE);
}

GtkWidget *
em_sample_viewer_new (void)
{
  return g_object_new (EM_TYPE_SAMPLE_VIEWER, NULL);
}
