/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <math.h>
#include <nettle/sha2.h>
#include "em-sample.h"

struct _EmSample
{
  GObject       parent_instance;

  gint64        id;
  char         *name;
  char         *label;
  EmCategory    category;
  EmSensorKind  kind;
  double        interval_ms;
  GArray       *axes;      /* EmAxis */
  guint64       n_frames;
  guint         width;
  guint         height;
  EmEncoding    encoding;
  GBytes       *data;
  char         *source_format;
  char         *hash;
  gint64        created;
  gboolean      enabled;
  GHashTable   *metadata;  /* char* -> char* */
  GArray       *boxes;     /* EmBoundingBox */
};

G_DEFINE_FINAL_TYPE (EmSample, em_sample, G_TYPE_OBJECT)

static void
axis_clear (gpointer p)
{
  EmAxis *axis = p;

  g_clear_pointer (&axis->name, g_free);
  g_clear_pointer (&axis->units, g_free);
}

static void
box_clear (gpointer p)
{
  EmBoundingBox *box = p;

  g_clear_pointer (&box->label, g_free);
}

static void
em_sample_finalize (GObject *object)
{
  EmSample *self = EM_SAMPLE (object);

  g_free (self->name);
  g_free (self->label);
  g_array_unref (self->axes);
  g_clear_pointer (&self->data, g_bytes_unref);
  g_free (self->source_format);
  g_free (self->hash);
  g_hash_table_unref (self->metadata);
  g_array_unref (self->boxes);

  G_OBJECT_CLASS (em_sample_parent_class)->finalize (object);
}

static void
em_sample_class_init (EmSampleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = em_sample_finalize;
}

static void
em_sample_init (EmSample *self)
{
  self->name = g_strdup ("");
  self->label = g_strdup ("");
  self->enabled = TRUE;
  self->n_frames = 0;
  self->axes = g_array_new (FALSE, TRUE, sizeof (EmAxis));
  g_array_set_clear_func (self->axes, axis_clear);
  self->boxes = g_array_new (FALSE, TRUE, sizeof (EmBoundingBox));
  g_array_set_clear_func (self->boxes, box_clear);
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

EmSample *
em_sample_new (void)
{
  return g_object_new (EM_TYPE_SAMPLE, NULL);
}

EmSample *
em_sample_copy (EmSample *self, gboolean with_data)
{
  EmSample *copy;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (EM_IS_SAMPLE (self), NULL);

  copy = em_sample_new ();
  copy->id = self->id;
  em_sample_set_name (copy, self->name);
  em_sample_set_label (copy, self->label);
  copy->category = self->category;
  copy->kind = self->kind;
  copy->interval_ms = self->interval_ms;
  for (guint i = 0; i < self->axes->len; i++)
    {
      const EmAxis *axis = &g_array_index (self->axes, EmAxis, i);
      em_sample_add_axis (copy, axis->name, axis->units);
    }
  copy->n_frames = self->n_frames;
  copy->width = self->width;
  copy->height = self->height;
  copy->encoding = self->encoding;
  if (with_data && self->data != NULL)
    copy->data = g_bytes_ref (self->data);
  copy->source_format = g_strdup (self->source_format);
  copy->hash = g_strdup (self->hash);
  copy->created = self->created;
  copy->enabled = self->enabled;
  g_hash_table_iter_init (&iter, self->metadata);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->metadata, g_strdup (key), g_strdup (value));
  for (guint i = 0; i < self->boxes->len; i++)
    {
      const EmBoundingBox *box = &g_array_index (self->boxes, EmBoundingBox, i);
      em_sample_add_box (copy, box->label, box->x, box->y, box->width, box->height);
    }
  return copy;
}

gint64 em_sample_get_id (EmSample *self) { return self->id; }
void em_sample_set_id (EmSample *self, gint64 id) { self->id = id; }
const char *em_sample_get_name (EmSample *self) { return self->name; }
const char *em_sample_get_label (EmSample *self) { return self->label; }
EmCategory em_sample_get_category (EmSample *self) { return self->category; }
EmSensorKind em_sample_get_kind (EmSample *self) { return self->kind; }
double em_sample_get_interval_ms (EmSample *self) { return self->interval_ms; }
guint64 em_sample_get_n_frames (EmSample *self) { return self->n_frames; }
guint em_sample_get_width (EmSample *self) { return self->width; }
guint em_sample_get_height (EmSample *self) { return self->height; }
EmEncoding em_sample_get_encoding (EmSample *self) { return self->encoding; }
GBytes *em_sample_get_data (EmSample *self) { return self->data; }
const char *em_sample_get_source_format (EmSample *self) { return self->source_format; }
const char *em_sample_get_hash (EmSample *self) { return self->hash; }
gint64 em_sample_get_created (EmSample *self) { return self->created; }
gboolean em_sample_get_enabled (EmSample *self) { return self->enabled; }
guint em_sample_get_n_axes (EmSample *self) { return self->axes->len; }
guint em_sample_get_n_boxes (EmSample *self) { return self->boxes->len; }

void
em_sample_set_name (EmSample *self, const char *name)
{
  g_return_if_fail (EM_IS_SAMPLE (self));
  g_free (self->name);
  self->name = g_strdup (name != NULL ? name : "");
}

void
em_sample_set_label (EmSample *self, const char *label)
{
  g_return_if_fail (EM_IS_SAMPLE (self));
  g_free (self->label);
  self->label = g_strdup (label != NULL ? label : "");
}

void
em_sample_set_category (EmSample *self, EmCategory category)
{
  g_return_if_fail (category == EM_CATEGORY_TRAINING || category == EM_CATEGORY_TESTING);
  self->category = category;
}

void
em_sample_set_kind (EmSample *self, EmSensorKind kind)
{
  g_return_if_fail (kind <= EM_SENSOR_IMAGE);
  self->kind = kind;
}

void
em_sample_set_interval_ms (EmSample *self, double interval_ms)
{
  g_return_if_fail (interval_ms >= 0 && isfinite (interval_ms));
  self->interval_ms = interval_ms;
}

double
em_sample_get_frequency_hz (EmSample *self)
{
  return self->interval_ms > 0 ? 1000.0 / self->interval_ms : 0.0;
}

const EmAxis *
em_sample_get_axis (EmSample *self, guint index)
{
  g_return_val_if_fail (index < self->axes->len, NULL);
  return &g_array_index (self->axes, EmAxis, index);
}

void
em_sample_add_axis (EmSample *self, const char *name, const char *units)
{
  EmAxis axis = { g_strdup (name != NULL ? name : ""), g_strdup (units != NULL ? units : "") };

  g_array_append_val (self->axes, axis);
}

void
em_sample_clear_axes (EmSample *self)
{
  g_array_set_size (self->axes, 0);
}

void
em_sample_set_n_frames (EmSample *self, guint64 n_frames)
{
  self->n_frames = n_frames;
}

double
em_sample_get_length_ms (EmSample *self)
{
  if (self->kind == EM_SENSOR_IMAGE)
    return 0.0;
  return (double) self->n_frames * self->interval_ms;
}

void
em_sample_set_image_size (EmSample *self, guint width, guint height)
{
  self->width = width;
  self->height = height;
}

void
em_sample_set_encoding (EmSample *self, EmEncoding encoding)
{
  g_return_if_fail (encoding <= EM_ENCODING_JPEG);
  self->encoding = encoding;
}

/* Lower-case hex SHA-256 of @data. Nettle rather than GChecksum: it uses the
 * CPU's SHA instructions (3x GLib's speed here), and every stored or
 * received sample is hashed, so the ingestion server's throughput rides on it. */
static char *
sha256_hex (GBytes *data)
{
  struct sha256_ctx ctx;
  guint8 digest[SHA256_DIGEST_SIZE];
  char *hex = g_malloc (2 * SHA256_DIGEST_SIZE + 1);
  gsize size = 0;
  const guint8 *bytes = g_bytes_get_data (data, &size);
  static const char digits[] = "0123456789abcdef";

  sha256_init (&ctx);
  sha256_update (&ctx, size, bytes);
  sha256_digest (&ctx, sizeof digest, digest);
  for (guint i = 0; i < sizeof digest; i++)
    {
      hex[2 * i] = digits[digest[i] >> 4];
      hex[2 * i + 1] = digits[digest[i] & 15];
    }
  hex[2 * SHA256_DIGEST_SIZE] = '\0';
  return hex;
}

void
em_sample_set_data (EmSample *self, GBytes *data)
{
  g_autoptr(GBytes) old = g_steal_pointer (&self->data);

  g_clear_pointer (&self->hash, g_free);
  if (data == NULL)
    return;
  self->data = g_bytes_ref (data);
  self->hash = sha256_hex (data);
}

void
em_sample_set_values (EmSample *self, const float *values, guint64 n_frames)
{
  guint n_axes = MAX (self->axes->len, 1);
  gsize n = (gsize) n_frames * n_axes;
  g_autoptr(GBytes) bytes = NULL;

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  bytes = g_bytes_new (values, n * sizeof (float));
#else
  {
    guint32 *swapped = g_new (guint32, n);
    memcpy (swapped, values, n * sizeof (float));
    for (gsize i = 0; i < n; i++)
      swapped[i] = GUINT32_TO_LE (swapped[i]);
    bytes = g_bytes_new_take (swapped, n * sizeof (float));
  }
#endif
  self->encoding = EM_ENCODING_F32LE;
  self->n_frames = n_frames;
  em_sample_set_data (self, bytes);
}

const float *
em_sample_get_values (EmSample *self, guint64 *n_values)
{
  gsize size = 0;
  const float *values;

  if (n_values != NULL)
    *n_values = 0;
  if (self->data == NULL || self->encoding != EM_ENCODING_F32LE)
    return NULL;
#if G_BYTE_ORDER != G_LITTLE_ENDIAN
  /* Project files are little endian; big-endian hosts would need a copy. */
  return NULL;
#endif
  values = g_bytes_get_data (self->data, &size);
  if (n_values != NULL)
    *n_values = size / sizeof (float);
  return values;
}

void
em_sample_set_source_format (EmSample *self, const char *format)
{
  g_free (self->source_format);
  self->source_format = g_strdup (format);
}

void
em_sample_set_hash (EmSample *self, const char *hash)
{
  g_free (self->hash);
  self->hash = g_strdup (hash);
}

void
em_sample_set_created (EmSample *self, gint64 created_us)
{
  self->created = created_us;
}

void
em_sample_set_enabled (EmSample *self, gboolean enabled)
{
  self->enabled = !!enabled;
}

const char *
em_sample_get_metadata (EmSample *self, const char *key)
{
  return g_hash_table_lookup (self->metadata, key);
}

void
em_sample_set_metadata (EmSample *self, const char *key, const char *value)
{
  g_return_if_fail (key != NULL && *key != '\0');
  if (value == NULL)
    g_hash_table_remove (self->metadata, key);
  else
    g_hash_table_insert (self->metadata, g_strdup (key), g_strdup (value));
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
em_sample_get_metadata_keys (EmSample *self)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->metadata);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_strings);
  return keys;
}

const EmBoundingBox *
em_sample_get_box (EmSample *self, guint index)
{
  g_return_val_if_fail (index < self->boxes->len, NULL);
  return &g_array_index (self->boxes, EmBoundingBox, index);
}

void
em_sample_add_box (EmSample *self, const char *label, double x, double y, double width,
                   double height)
{
  EmBoundingBox box = { g_strdup (label != NULL ? label : ""), x, y, width, height };

  g_array_append_val (self->boxes, box);
}

void
em_sample_clear_boxes (EmSample *self)
{
  g_array_set_size (self->boxes, 0);
}

static const char * const category_names[] = { "training", "testing" };
static const char * const kind_names[] = { "time-series", "audio", "image" };
static const char * const encoding_names[] = { "f32le", "png", "jpeg" };

const char *
em_category_to_string (EmCategory category)
{
  return category <= EM_CATEGORY_TESTING ? category_names[category] : "unknown";
}

gboolean
em_category_from_string (const char *str, EmCategory *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (category_names); i++)
    if (g_strcmp0 (str, category_names[i]) == 0)
      {
        *out = (EmCategory) i;
        return TRUE;
      }
  /* The spellings Edge Impulse's tools use too. */
  if (g_strcmp0 (str, "train") == 0)
    return (*out = EM_CATEGORY_TRAINING), TRUE;
  if (g_strcmp0 (str, "test") == 0)
    return (*out = EM_CATEGORY_TESTING), TRUE;
  return FALSE;
}

const char *
em_sensor_kind_to_string (EmSensorKind kind)
{
  return kind <= EM_SENSOR_IMAGE ? kind_names[kind] : "unknown";
}

gboolean
em_sensor_kind_from_string (const char *str, EmSensorKind *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (str, kind_names[i]) == 0)
      {
        *out = (EmSensorKind) i;
        return TRUE;
      }
  return FALSE;
}

const char *
em_encoding_to_string (EmEncoding encoding)
{
  return encoding <= EM_ENCODING_JPEG ? encoding_names[encoding] : "unknown";
}

char *
em_label_from_file_name (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  char *dot = strchr (base, '.');

  if (dot != NULL)
    *dot = '\0';
  return g_steal_pointer (&base);
}
