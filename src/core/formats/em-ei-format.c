/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include "em-ei-format-private.h"

/* 16-bit PCM in the file, [-1, 1) in Ember, like em_wav_read(). A power of
 * two, so scaling both ways is exact and round trips stay bit-exact. */
#define AUDIO_SCALE 32768.0f
#define DEFAULT_DEVICE_TYPE "EMBER"

gboolean
em_ei_fail (GError **error, EmError code, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* Messages quote the input (names, parser excerpts), which may hold line
   * breaks: JSON readers accept raw control characters in strings. */
  for (char *p = message; *p != '\0'; p++)
    if ((guchar) *p < 0x20)
      *p = ' ';
  g_set_error_literal (error, EM_ERROR, code, message);
  return FALSE;
}

/* ---- signature ---------------------------------------------------------- */

static gboolean
check_signature (const guint8 *data, gsize size, const EmEiSignatureSpan *span, const char *key,
                 GError **error)
{
  g_autofree guint8 *zeroed = NULL;
  g_autoptr(GHmac) hmac = NULL;
  const char *expected;
  guint diff = 0;

  if (!span->found)
    return em_ei_fail (error, EM_ERROR_BAD_SIGNATURE, "document is signed (HS256) but has no signature");
  if (span->length != EM_EI_SIGNATURE_HEX_LEN)
    return em_ei_fail (error, EM_ERROR_BAD_SIGNATURE,
                       "signature is not %d hex digits", EM_EI_SIGNATURE_HEX_LEN);
  for (gsize i = 0; i < EM_EI_SIGNATURE_HEX_LEN; i++)
    if (!g_ascii_isxdigit (data[span->offset + i]))
      return em_ei_fail (error, EM_ERROR_BAD_SIGNATURE,
                         "signature is not %d hex digits", EM_EI_SIGNATURE_HEX_LEN);

  /* The sender hashed the document with the digits zeroed: rebuild exactly that. */
  zeroed = g_memdup2 (data, size);
  memset (zeroed + span->offset, '0', EM_EI_SIGNATURE_HEX_LEN);
  hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) key, strlen (key));
  g_hmac_update (hmac, zeroed, size);
  expected = g_hmac_get_string (hmac);

  /* No early exit, so the time taken does not reveal how many digits matched. */
  for (gsize i = 0; i < EM_EI_SIGNATURE_HEX_LEN; i++)
    diff |= (guint) (g_ascii_tolower (data[span->offset + i]) ^ expected[i]);
  if (diff != 0)
    return em_ei_fail (error, EM_ERROR_BAD_SIGNATURE, "signature does not match the HMAC key");
  return TRUE;
}

/* ---- JSON scanning ------------------------------------------------------ */

/* Find the top-level "signature" string in JSON text and measure nesting,
 * in one pass that only tracks strings and brackets. Its findings are only
 * used once json-glib has accepted the same text. */
static gboolean
scan_json (const char *text, gsize size, EmEiSignatureSpan *span)
{
  int depth = 0;
  gboolean root_object = FALSE, expect_key = FALSE, key_is_signature = FALSE;
  gboolean want_value = FALSE;

  memset (span, 0, sizeof *span);
  for (gsize i = 0; i < size; i++)
    {
      char c = text[i];

      if (c == '"')
        {
          gsize start = ++i;

          while (i < size && text[i] != '"')
            i += text[i] == '\\' ? 2 : 1;
          if (depth == 1 && root_object && expect_key)
            {
              key_is_signature = i - start == 9 && memcmp (text + start, "signature", 9) == 0;
              span->n_keys += key_is_signature;
              expect_key = FALSE;
            }
          else if (depth == 1 && want_value)
            {
              span->offset = start;
              span->length = MIN (i, size) - start;
              span->found = TRUE;
            }
          want_value = FALSE;
          continue;
        }
      switch (c)
        {
        case '{':
        case '[':
          if (++depth > EM_EI_MAX_DEPTH)
            return FALSE;
          if (depth == 1)
            expect_key = root_object = c == '{';
          want_value = FALSE;
          break;
        case '}':
        case ']':
          depth--;
          break;
        case ':':
          want_value = depth == 1 && key_is_signature;
          key_is_signature = FALSE;
          break;
        case ',':
          if (depth == 1)
            expect_key = root_object;
          break;
        case ' ': case '\t': case '\r': case '\n':
          break;
        default:
          want_value = FALSE;
          break;
        }
    }
  return TRUE;
}

/* ---- the document ------------------------------------------------------- */

static gboolean
get_member (JsonObject *object, const char *where, const char *name, JsonNodeType type,
            gboolean required, JsonNode **out, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);
  static const char * const type_names[] = { "an object", "an array", "a value", "null" };

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return !required ? TRUE : em_ei_fail (error, EM_ERROR_INVALID_DATA, "missing %s%s", where, name);
  if (JSON_NODE_TYPE (node) != type)
    return em_ei_fail (error, EM_ERROR_INVALID_DATA, "%s%s is not %s", where, name, type_names[type]);
  *out = node;
  return TRUE;
}

static gboolean
get_string (JsonObject *object, const char *where, const char *name, gboolean required,
            char **out, GError **error)
{
  JsonNode *node;

  *out = NULL;
  if (!get_member (object, where, name, JSON_NODE_VALUE, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return em_ei_fail (error, EM_ERROR_INVALID_DATA, "%s%s is not a string", where, name);
  /* Strings end up in the project and the UI, which need valid UTF-8. */
  *out = g_utf8_make_valid (json_node_get_string (node), -1);
  return TRUE;
}

static gboolean
node_number (JsonNode *node, double *out)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;
  *out = json_node_get_double (node);
  return TRUE;
}

static gboolean
push_value (GArray *values, JsonNode *node, gboolean audio, guint row, int column, GError **error)
{
  g_autofree char *where = column < 0 ? g_strdup_printf ("payload.values[%u]", row)
                                      : g_strdup_printf ("payload.values[%u][%d]", row, column);
  double d;
  float f;

  if (!node_number (node, &d) || !isfinite (d))
    return em_ei_fail (error, EM_ERROR_INVALID_DATA, "%s is not a finite number", where);
  if (audio)
    d /= AUDIO_SCALE;
  /* Judge after rounding: "3.40282347e+38" is above FLT_MAX as a double
   * yet rounds to it. */
  f = (float) d;
  if (!isfinite (f))
    return em_ei_fail (error, EM_ERROR_INVALID_DATA, "%s is out of float32 range", where);
  g_array_append_val (values, f);
  return TRUE;
}

EmSample *
em_ei_read_document (JsonNode *root, const guint8 *data, gsize size, const EmEiSignatureSpan *span,
                     const char *hmac_key, const char *source_format, EmEiSignature *signature,
                     GError **error)
{
  g_autoptr(EmSample) sample = NULL;
  g_autoptr(GArray) values = NULL;
  g_autofree char *ver = NULL, *alg = NULL, *device_name = NULL, *device_type = NULL;
  JsonObject *doc, *payload;
  JsonNode *node, *protected_node, *sensors_node, *values_node;
  JsonArray *sensors, *rows;
  double interval_ms;
  guint n_axes, n_rows;
  gboolean audio = FALSE, flat;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return em_ei_fail (error, EM_ERROR_INVALID_DATA,
                       "not an Edge Impulse document (top level is not an object)"), NULL;
  doc = json_node_get_object (root);
  if (!get_member (doc, "", "protected", JSON_NODE_OBJECT, TRUE, &protected_node, error) ||
      !get_member (doc, "", "payload", JSON_NODE_OBJECT, TRUE, &node, error) ||
      !get_string (json_node_get_object (protected_node), "protected.", "ver", TRUE, &ver, error) ||
      !get_string (json_node_get_object (protected_node), "protected.", "alg", TRUE, &alg, error))
    return NULL;
  payload = json_node_get_object (node);
  if (strcmp (ver, "v1") != 0)
    return em_ei_fail (error, EM_ERROR_UNSUPPORTED, "unsupported version '%s' (only v1 is known)", ver), NULL;
  if (strcmp (alg, "HS256") != 0 && strcmp (alg, "none") != 0)
    return em_ei_fail (error, EM_ERROR_UNSUPPORTED,
                       "unsupported signature algorithm '%s' (HS256 or none)", alg), NULL;
  if (span->n_keys > 1)
    return em_ei_fail (error, EM_ERROR_INVALID_DATA, "more than one signature field"), NULL;

  /* Authenticate before interpreting the payload: a tampered document must
   * be reported as such, not as whatever the tampering broke. */
  if (strcmp (alg, "none") == 0)
    {
      if (signature != NULL)
        *signature = EM_EI_SIGNATURE_NONE;
    }
  else if (hmac_key == NULL)
    {
      if (signature != NULL)
        *signature = EM_EI_SIGNATURE_UNCHECKED;
    }
  else if (!check_signature (data, size, span, hmac_key, error))
    return NULL;
  else if (signature != NULL)
    *signature = EM_EI_SIGNATURE_VERIFIED;

  if (!get_string (payload, "payload.", "device_name", FALSE, &device_name, error) ||
      !get_string (payload, "payload.", "device_type", TRUE, &device_type, error) ||
      !get_member (payload, "payload.", "interval_ms", JSON_NODE_VALUE, TRUE, &node, error) ||
      !get_member (payload, "payload.", "sensors", JSON_NODE_ARRAY, TRUE, &sensors_node, error) ||
      !get_member (payload, "payload.", "values", JSON_NODE_ARRAY, TRUE, &values_node, error))
    return NULL;
  if (!node_number (node, &interval_ms) || !isfinite (interval_ms) || interval_ms <= 0)
    return em_ei_fail (error, EM_ERROR_INVALID_DATA, "payload.interval_ms is not a number > 0"), NULL;

  sample = em_sample_new ();
  sensors = json_node_get_array (sensors_node);
  n_axes = json_array_get_length (sensors);
  if (n_axes == 0)
    return em_ei_fail (error, EM_ERROR_INVALID_DATA, "payload.sensors is empty"), NULL;
  for (guint i = 0; i < n_axes; i++)
    {
      JsonNode *sensor = json_array_get_element (sensors, i);
      g_autofree char *where = g_strdup_printf ("payload.sensors[%u].", i);
      g_autofree char *name = NULL, *units = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (sensor))
        return em_ei_fail (error, EM_ERROR_INVALID_DATA, "payload.sensors[%u] is not an object", i), NULL;
      if (!get_string (json_node_get_object (sensor), where, "name", TRUE, &name, error) ||
          !get_string (json_node_get_object (sensor), where, "units", TRUE, &units, error))
        return NULL;
      em_sample_add_axis (sample, name, units);
      /* Audio, mono or multi-channel, when every sensor is in "wav" units. */
      audio = (i == 0 || audio) && strcmp (units, "wav") == 0;
    }

  rows = json_node_get_array (values_node);
  n_rows = json_array_get_length (rows);
  if (n_rows == 0)
    return em_ei_fail (error, EM_ERROR_INVALID_DATA, "payload.values is empty"), NULL;
  flat = !JSON_NODE_HOLDS_ARRAY (json_array_get_element (rows, 0));
  if (flat && n_axes != 1)
    return em_ei_fail (error, EM_ERROR_INVALID_DATA,
                       "payload.values is a flat list but there are %u sensors", n_axes), NULL;
  values = g_array_sized_new (FALSE, FALSE, sizeof (float), n_rows);
  for (guint r = 0; r < n_rows; r++)
    {
      JsonNode *row = json_array_get_element (rows, r);
      JsonArray *columns;

      if (flat)
        {
          if (!push_value (values, row, audio, r, -1, error))
            return NULL;
          continue;
        }
      if (!JSON_NODE_HOLDS_ARRAY (row))
        return em_ei_fail (error, EM_ERROR_INVALID_DATA, "payload.values[%u] is not a list", r), NULL;
      columns = json_node_get_array (row);
      if (json_array_get_length (columns) != n_axes)
        return em_ei_fail (error, EM_ERROR_INVALID_DATA,
                           "payload.values[%u] has %u values, expected %u (one per sensor)",
                           r, json_array_get_length (columns), n_axes), NULL;
      for (guint a = 0; a < n_axes; a++)
        if (!push_value (values, json_array_get_element (columns, a), audio, r, (int) a, error))
          return NULL;
    }

  em_sample_set_kind (sample, audio ? EM_SENSOR_AUDIO : EM_SENSOR_TIME_SERIES);
  em_sample_set_interval_ms (sample, interval_ms);
  em_sample_set_values (sample, (const float *) (gpointer) values->data, n_rows);
  em_sample_set_source_format (sample, source_format);
  em_sample_set_metadata (sample, "device_name", device_name);
  em_sample_set_metadata (sample, "device_type", device_type);
  return g_steal_pointer (&sample);
}

EmSample *
em_ei_read_json_full (GBytes *bytes, const char *hmac_key, EmEiSignature *signature,
                      GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  EmEiSignatureSpan span;
  const char *data;
  gsize size = 0;

  g_return_val_if_fail (bytes != NULL, NULL);
  data = g_bytes_get_data (bytes, &size);

  if (size == 0)
    return em_ei_fail (error, EM_ERROR_INVALID_DATA, "empty file"), NULL;
  if (!scan_json (data, size, &span))
    return em_ei_fail (error, EM_ERROR_INVALID_DATA,
                       "JSON nested more than %d levels deep", EM_EI_MAX_DEPTH), NULL;
  if (!json_parser_load_from_data (parser, data, (gssize) size, &local_error))
    return em_ei_fail (error, EM_ERROR_INVALID_DATA, "not valid JSON: %.200s", local_error->message), NULL;
  return em_ei_read_document (json_parser_get_root (parser), (const guint8 *) data, size, &span,
                              hmac_key, "ei-json", signature, error);
}

EmSample *
em_ei_read_json (GBytes *bytes, const char *hmac_key, GError **error)
{
  return em_ei_read_json_full (bytes, hmac_key, NULL, error);
}

EmSample *
em_ei_read_cbor (GBytes *bytes, const char *hmac_key, GError **error)
{
  return em_ei_read_cbor_full (bytes, hmac_key, NULL, error);
}

/* ---- writing ------------------------------------------------------------ */

void
em_ei_write_job_clear (EmEiWriteJob *job)
{
  g_clear_pointer (&job->values, g_free);
}

const char *
em_ei_axis_name (EmSample *sample, guint i)
{
  return em_sample_get_n_axes (sample) > 0 ? em_sample_get_axis (sample, i)->name : "value";
}

const char *
em_ei_axis_units (EmEiWriteJob *job, EmSample *sample, guint i)
{
  if (job->audio)
    return "wav";
  return em_sample_get_n_axes (sample) > 0 ? em_sample_get_axis (sample, i)->units : "";
}

gboolean
em_ei_write_job_init (EmEiWriteJob *job, EmSample *sample, GError **error)
{
  GBytes *data = em_sample_get_data (sample);
  const guint8 *bytes;
  gsize size = 0, n;

  memset (job, 0, sizeof *job);
  if (em_sample_get_kind (sample) == EM_SENSOR_IMAGE || em_sample_get_encoding (sample) != EM_ENCODING_F32LE)
    return em_ei_fail (error, EM_ERROR_UNSUPPORTED,
                       "only time-series and audio samples can be written in the Edge Impulse data format");
  if (data == NULL)
    return em_ei_fail (error, EM_ERROR_INVALID_ARGUMENT, "sample has no data");
  job->n_axes = MAX (em_sample_get_n_axes (sample), 1);
  job->n_frames = em_sample_get_n_frames (sample);
  job->interval_ms = em_sample_get_interval_ms (sample);
  bytes = g_bytes_get_data (data, &size);
  if (job->n_frames == 0)
    return em_ei_fail (error, EM_ERROR_INVALID_ARGUMENT, "sample has no values");
  if (size % sizeof (float) != 0 || size / sizeof (float) / job->n_axes != job->n_frames ||
      size / sizeof (float) % job->n_axes != 0)
    return em_ei_fail (error, EM_ERROR_INVALID_DATA,
                       "sample data does not hold %" G_GUINT64_FORMAT " frames of %u axes",
                       job->n_frames, job->n_axes);
  if (!isfinite (job->interval_ms) || job->interval_ms <= 0)
    return em_ei_fail (error, EM_ERROR_INVALID_ARGUMENT, "sample interval must be > 0 ms");

  job->audio = em_sample_get_kind (sample) == EM_SENSOR_AUDIO;
  for (guint a = 0; !job->audio && a < em_sample_get_n_axes (sample); a++)
    {
      if (g_strcmp0 (em_sample_get_axis (sample, a)->units, "wav") != 0)
        break;
      job->audio = a + 1 == em_sample_get_n_axes (sample);
    }
  n = size / sizeof (float);
  job->values = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    {
      guint32 le;
      float f;

      /* Copy through an integer: the project stores little endian on every host. */
      memcpy (&le, bytes + i * sizeof le, sizeof le);
      le = GUINT32_FROM_LE (le);
      memcpy (&f, &le, sizeof f);
      if (job->audio)
        f *= AUDIO_SCALE;
      if (!isfinite (f))
        return em_ei_fail (error, EM_ERROR_INVALID_DATA, "value %zu of the sample is not a finite number", i);
      job->values[i] = f;
    }
  job->iat = em_sample_get_created (sample) > 0 ? em_sample_get_created (sample) / G_USEC_PER_SEC : -1;
  job->device_name = em_sample_get_metadata (sample, "device_name");
  job->device_type = em_sample_get_metadata (sample, "device_type");
  if (job->device_type == NULL || *job->device_type == '\0')
    job->device_type = DEFAULT_DEVICE_TYPE;
  return TRUE;
}

void
em_ei_sign_in_place (guint8 *data, gsize size, gsize offset, const char *key)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) key, strlen (key));

  g_hmac_update (hmac, data, size);
  memcpy (data + offset, g_hmac_get_string (hmac), EM_EI_SIGNATURE_HEX_LEN);
}

static void
json_append_string (GString *out, const char *str)
{
  g_autofree char *valid = g_utf8_make_valid (str, -1);

  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guint) (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* The shortest "%.Ng" that reads back (through a double, as JSON readers
 * do) as the very same float. */
static void
json_append_float (GString *out, float value)
{
  static const char * const formats[] = { "%.6g", "%.7g", "%.8g", "%.9g" };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* "-0" would read back as the integer 0 and lose its sign. */
  if (value == 0.0f && signbit (value))
    {
      g_string_append (out, "-0.0");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, sizeof buf, formats[i], value);
      if ((float) g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (out, buf);
}

static void
json_append_double (GString *out, double value)
{
  static const char * const formats[] = { "%.15g", "%.16g", "%.17g" };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, sizeof buf, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (out, buf);
}

GBytes *
em_ei_write_json (EmSample *sample, const char *hmac_key, GError **error)
{
  g_auto(EmEiWriteJob) job = { 0 };
  GString *out;
  gsize signature_offset;

  g_return_val_if_fail (EM_IS_SAMPLE (sample), NULL);
  if (!em_ei_write_job_init (&job, sample, error))
    return NULL;

  out = g_string_sized_new (256 + job.n_frames * job.n_axes * 12);
  g_string_append_printf (out, "{\"protected\":{\"ver\":\"v1\",\"alg\":\"%s\"",
                          hmac_key != NULL ? "HS256" : "none");
  if (job.iat >= 0)
    g_string_append_printf (out, ",\"iat\":%" G_GINT64_FORMAT, job.iat);
  g_string_append (out, "},\"signature\":\"");
  signature_offset = out->len;
  for (guint i = 0; i < EM_EI_SIGNATURE_HEX_LEN; i++)
    g_string_append_c (out, '0');
  g_string_append (out, "\",\"payload\":{");
  if (job.device_name != NULL)
    {
      g_string_append (out, "\"device_name\":");
      json_append_string (out, job.device_name);
      g_string_append_c (out, ',');
    }
  g_string_append (out, "\"device_type\":");
  json_append_string (out, job.device_type);
  g_string_append (out, ",\"interval_ms\":");
  json_append_double (out, job.interval_ms);
  g_string_append (out, ",\"sensors\":[");
  for (guint a = 0; a < job.n_axes; a++)
    {
      g_string_append (out, a > 0 ? ",{\"name\":" : "{\"name\":");
      json_append_string (out, em_ei_axis_name (sample, a));
      g_string_append (out, ",\"units\":");
      json_append_string (out, em_ei_axis_units (&job, sample, a));
      g_string_append_c (out, '}');
    }
  g_string_append (out, "],\"values\":[");
  for (guint64 f = 0; f < job.n_frames; f++)
    {
      if (f > 0)
        g_string_append_c (out, ',');
      if (job.n_axes == 1)
        {
          json_append_float (out, job.values[f]);
          continue;
        }
      g_string_append_c (out, '[');
      for (guint a = 0; a < job.n_axes; a++)
        {
          if (a > 0)
            g_string_append_c (out, ',');
          json_append_float (out, job.values[f * job.n_axes + a]);
        }
      g_string_append_c (out, ']');
    }
  g_string_append (out, "]}}");

  if (hmac_key != NULL)
    em_ei_sign_in_place ((guint8 *) out->str, out->len, signature_offset, hmac_key);
  return g_string_free_to_bytes (out);
}

