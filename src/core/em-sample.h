/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  EM_CATEGORY_TRAINING = 0,
  EM_CATEGORY_TESTING = 1,
} EmCategory;

typedef enum {
  EM_SENSOR_TIME_SERIES = 0,
  EM_SENSOR_AUDIO = 1,
  EM_SENSOR_IMAGE = 2,
} EmSensorKind;

/* How the raw data BLOB is laid out.
 * F32LE: frames × axes float32 values, little endian, interleaved by frame
 *        (frame 0 axis 0, frame 0 axis 1, ..., frame 1 axis 0, ...).
 * PNG / JPEG: the encoded file bytes exactly as imported. */
typedef enum {
  EM_ENCODING_F32LE = 0,
  EM_ENCODING_PNG = 1,
  EM_ENCODING_JPEG = 2,
} EmEncoding;

typedef struct {
  char *name;
  char *units; /* "" when unknown; "wav" for audio, "m/s2" for accelerometers, ... */
} EmAxis;

/* A bounding box in image pixels; x, y is the top-left corner. */
typedef struct {
  char *label;
  double x, y, width, height;
} EmBoundingBox;

#define EM_TYPE_SAMPLE (em_sample_get_type ())
G_DECLARE_FINAL_TYPE (EmSample, em_sample, EM, SAMPLE, GObject)

EmSample      *em_sample_new                (void);
EmSample      *em_sample_copy               (EmSample *self, gboolean with_data);

/* Identity: 0 until the sample is stored in a project. */
gint64         em_sample_get_id             (EmSample *self);
void           em_sample_set_id             (EmSample *self, gint64 id);

const char    *em_sample_get_name           (EmSample *self);
void           em_sample_set_name           (EmSample *self, const char *name);
const char    *em_sample_get_label          (EmSample *self);
void           em_sample_set_label          (EmSample *self, const char *label);
EmCategory     em_sample_get_category       (EmSample *self);
void           em_sample_set_category       (EmSample *self, EmCategory category);
EmSensorKind   em_sample_get_kind           (EmSample *self);
void           em_sample_set_kind           (EmSample *self, EmSensorKind kind);

/* Time between frames in milliseconds (audio at 16 kHz: 0.0625). 0 for images. */
double         em_sample_get_interval_ms    (EmSample *self);
void           em_sample_set_interval_ms    (EmSample *self, double interval_ms);
/* 1000 / interval, 0 when there is no interval. */
double         em_sample_get_frequency_hz   (EmSample *self);

guint          em_sample_get_n_axes         (EmSample *self);
const EmAxis  *em_sample_get_axis           (EmSample *self, guint index);
void           em_sample_add_axis           (EmSample *self, const char *name, const char *units);
void           em_sample_clear_axes         (EmSample *self);

/* Frames of a time series or audio sample (values / axes); 1 for images. */
guint64        em_sample_get_n_frames       (EmSample *self);
void           em_sample_set_n_frames       (EmSample *self, guint64 n_frames);
/* Length in milliseconds: n_frames × interval; 0 for images. */
double         em_sample_get_length_ms      (EmSample *self);

/* Image size in pixels, 0 for other kinds. */
guint          em_sample_get_width          (EmSample *self);
guint          em_sample_get_height         (EmSample *self);
void           em_sample_set_image_size     (EmSample *self, guint width, guint height);

EmEncoding     em_sample_get_encoding       (EmSample *self);
void           em_sample_set_encoding       (EmSample *self, EmEncoding encoding);

/* Raw data; NULL when the sample was listed without data. (transfer none) */
GBytes        *em_sample_get_data           (EmSample *self);
/* Takes a reference on @data. */
void           em_sample_set_data           (EmSample *self, GBytes *data);
/* Convenience for F32LE samples: copies frames × axes values. */
void           em_sample_set_values         (EmSample *self, const float *values,
                                             guint64 n_frames);
/* The F32LE values, or NULL when there is no data or the encoding differs.
 * Little-endian hosts only read in place; (transfer none). */
const float   *em_sample_get_values         (EmSample *self, guint64 *n_values);

/* Where the data came from, so an export writes it back the same way:
 * "wav:pcm8", "wav:pcm16", "wav:pcm24", "wav:pcm32", "wav:float32", "csv",
 * "ei-json", "ei-cbor", "png", "jpeg", "generated", ... May be NULL. */
const char    *em_sample_get_source_format  (EmSample *self);
void           em_sample_set_source_format  (EmSample *self, const char *format);

/* Lower-case hex SHA-256 of the data bytes; computed by em_sample_set_data(). */
const char    *em_sample_get_hash           (EmSample *self);
void           em_sample_set_hash           (EmSample *self, const char *hash);

/* Creation time, microseconds since the Unix epoch (0 = not stored yet). */
gint64         em_sample_get_created        (EmSample *self);
void           em_sample_set_created        (EmSample *self, gint64 created_us);

gboolean       em_sample_get_enabled        (EmSample *self);
void           em_sample_set_enabled        (EmSample *self, gboolean enabled);

/* Free metadata key/values (strings). Setting NULL removes the key. */
const char    *em_sample_get_metadata       (EmSample *self, const char *key);
void           em_sample_set_metadata       (EmSample *self, const char *key, const char *value);
/* Sorted keys; (transfer container). */
GPtrArray     *em_sample_get_metadata_keys  (EmSample *self);

guint                em_sample_get_n_boxes  (EmSample *self);
const EmBoundingBox *em_sample_get_box      (EmSample *self, guint index);
void                 em_sample_add_box      (EmSample *self, const char *label,
                                             double x, double y, double width, double height);
void                 em_sample_clear_boxes  (EmSample *self);

const char    *em_category_to_string        (EmCategory category);
gboolean       em_category_from_string      (const char *str, EmCategory *out);
const char    *em_sensor_kind_to_string     (EmSensorKind kind);
gboolean       em_sensor_kind_from_string   (const char *str, EmSensorKind *out);
const char    *em_encoding_to_string        (EmEncoding encoding);

/* The label Edge Impulse tools take from a file name: the part of the
 * basename before the first '.', e.g. "yes.01.wav" -> "yes". (transfer full) */
char          *em_label_from_file_name      (const char *path);

G_END_DECLS
