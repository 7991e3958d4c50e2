/* SPDX-License-Identifier: Apache-2.0 */
/* Turning one ingestion request body into samples, with the format readers
 * data import uses, and the JSON answers. Kept apart from the connection and
 * commit logic of em-ingest-server.c. */
#include <string.h>
#include <json-glib/json-glib.h>
#include "em-error.h"
#include "em-ingest-private.h"
#include "formats/em-csv.h"
#include "formats/em-ei-format.h"
#include "formats/em-image.h"
#include "formats/em-wav.h"

G_DEFINE_QUARK (em-ingest-type-error, em_ingest_type_error)

/* --- answers ------------------------------------------------------------- */

static void
respond_json (SoupServerMessage *msg, guint status, JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  gsize length = 0;
  char *text;

  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &length);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, length);
}

void
em_ingest_respond_error (SoupServerMessage *msg, guint status, const char *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "success");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  respond_json (msg, status, b);
}

void
em_ingest_respond_samples (SoupServerMessage *msg, GPtrArray *samples)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "success");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *s = g_ptr_array_index (samples, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, em_sample_get_name (s));
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, em_sample_get_id (s));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  respond_json (msg, SOUP_STATUS_OK, b);
}

guint
em_ingest_status_for_error (const GError *error)
{
  if (error->domain == EM_INGEST_TYPE_ERROR)
    return SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE;
  if (error->domain != EM_ERROR)
    return SOUP_STATUS_INTERNAL_SERVER_ERROR;
  switch ((EmError) error->code)
    {
    case EM_ERROR_DUPLICATE:
      return SOUP_STATUS_CONFLICT;
    case EM_ERROR_INVALID_ARGUMENT:
    case EM_ERROR_INVALID_DATA:
    case EM_ERROR_UNSUPPORTED:
    case EM_ERROR_BAD_SIGNATURE:
      return SOUP_STATUS_BAD_REQUEST;
    default:
      return SOUP_STATUS_INTERNAL_SERVER_ERROR;
    }
}

/* --- decoding ------------------------------------------------------------ */

static gboolean
ends_with_ci (const char *name, const char *suffix)
{
  gsize n = strlen (name), m = strlen (suffix);

  return n >= m && g_ascii_strcasecmp (name + n - m, suffix) == 0;
}

typedef enum { KIND_NONE, KIND_JSON, KIND_CBOR, KIND_WAV, KIND_CSV, KIND_IMAGE } BodyKind;

static BodyKind
kind_for (const char *content_type, const char *file_name)
{
  static const struct { const char *type; BodyKind kind; } types[] = {
    { "application/json", KIND_JSON }, { "application/cbor", KIND_CBOR },
    { "audio/wav", KIND_WAV }, { "audio/x-wav", KIND_WAV }, { "audio/wave", KIND_WAV },
    { "audio/vnd.wave", KIND_WAV }, { "text/csv", KIND_CSV },
    { "image/jpeg", KIND_IMAGE }, { "image/png", KIND_IMAGE },
  };
  static const struct { const char *ext; BodyKind kind; } exts[] = {
    { ".json", KIND_JSON }, { ".cbor", KIND_CBOR }, { ".wav", KIND_WAV }, { ".csv", KIND_CSV },
    { ".png", KIND_IMAGE }, { ".jpg", KIND_IMAGE }, { ".jpeg", KIND_IMAGE },
  };

  if (content_type != NULL && g_ascii_strcasecmp (content_type, "application/octet-stream") != 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (types); i++)
        if (g_ascii_strcasecmp (content_type, types[i].type) == 0)
          return types[i].kind;
      return KIND_NONE;
    }
  /* No useful type: curl -F and some firmware send octet-stream. */
  for (guint i = 0; file_name != NULL && i < G_N_ELEMENTS (exts); i++)
    if (ends_with_ci (file_name, exts[i].ext))
      return exts[i].kind;
  return KIND_NONE;
}

/* Decode one file with the format readers. (transfer full) (element-type EmSample) */
static GPtrArray *
decode_file (GBytes *bytes, const char *file_name, const char *content_type,
             const char *hmac_key, GError **error)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
  EmSample *s = NULL;
  EmEiSignature signature = EM_EI_SIGNATURE_NONE;
  GPtrArray *rows;

  if (g_bytes_get_size (bytes) == 0)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA, "empty body");
      return NULL;
    }
  switch (kind_for (content_type, file_name))
    {
    case KIND_JSON:
    case KIND_CBOR:
      s = kind_for (content_type, file_name) == KIND_JSON
            ? em_ei_read_json_full (bytes, hmac_key, &signature, error)
            : em_ei_read_cbor_full (bytes, hmac_key, &signature, error);
      /* With a key set, only signed documents count: an "alg": "none"
       * document would otherwise bypass the check the key is there for. */
      if (s != NULL && hmac_key != NULL && signature != EM_EI_SIGNATURE_VERIFIED)
        {
          g_clear_object (&s);
          g_set_error_literal (error, EM_ERROR, EM_ERROR_BAD_SIGNATURE,
                               "document is not signed, and the project requires HMAC-SHA256 signatures");
        }
      break;
    case KIND_WAV:
      s = em_wav_read (bytes, error);
      break;
    case KIND_IMAGE:
      s = em_image_read (bytes, error);
      break;
    case KIND_CSV:
      rows = em_csv_read (bytes, error);
      if (rows == NULL)
        return NULL;
      g_ptr_array_extend_and_steal (samples, rows);
      /* As on import: axes all in "wav" units are audio saved as CSV. */
      for (guint i = 0; i < samples->len; i++)
        {
          EmSample *row = g_ptr_array_index (samples, i);
          gboolean wav = em_sample_get_interval_ms (row) > 0 && em_sample_get_n_axes (row) > 0;
          for (guint a = 0; wav && a < em_sample_get_n_axes (row); a++)
            wav = g_strcmp0 (em_sample_get_axis (row, a)->units, "wav") == 0;
          if (wav)
            em_sample_set_kind (row, EM_SENSOR_AUDIO);
        }
      return g_steal_pointer (&samples);
    case KIND_NONE:
    default:
      g_set_error (error, EM_INGEST_TYPE_ERROR, 0,
                   "unsupported content type '%s' (send application/json, application/cbor, "
                   "audio/wav, text/csv, image/jpeg, image/png or multipart/form-data)",
                   content_type != NULL ? content_type : "none");
      return NULL;
    }
  if (s == NULL)
    return NULL;
  g_ptr_array_add (samples, s);
  return g_steal_pointer (&samples);
}

/* Name, label and category for the samples of one file, as data import
 * does: the name is the file's stem ("stem.N" for CSV rows), the label
 * x-label, else a CSV row's own, else from the file name. */
static void
name_samples (GPtrArray *samples, const char *file_name, const char *label, EmCategory category)
{
  g_autofree char *base = file_name != NULL ? g_path_get_basename (file_name) : NULL;
  g_autofree char *file_label = base != NULL ? em_label_from_file_name (base) : g_strdup ("unlabeled");
  g_autofree char *stem = NULL;
  char *dot;

  if (base != NULL)
    {
      stem = g_strdup (base);
      dot = strrchr (stem, '.');
      if (dot != NULL && dot != stem)
        *dot = '\0';
    }
  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *s = g_ptr_array_index (samples, i);
      g_autofree char *name = NULL;

      if (label != NULL)
        em_sample_set_label (s, label);
      else if (*em_sample_get_label (s) == '\0')
        em_sample_set_label (s, file_label);
      /* Without a file name, the content hash keeps names distinct. */
      if (stem == NULL)
        name = g_strdup_printf ("%s.%.12s", em_sample_get_label (s), em_sample_get_hash (s));
      else if (samples->len > 1)
        name = g_strdup_printf ("%s.%u", stem, i + 1);
      else
        name = g_strdup (stem);
      em_sample_set_name (s, name);
      em_sample_set_category (s, category);
    }
}

/* Decode one file and append its samples to @out_samples (and @what to
 * @sources for each); errors name the file. */
static gboolean
add_file (GPtrArray *out_samples, GPtrArray *sources, GBytes *bytes, const char *what,
          const char *file_name, const char *content_type, const char *label, EmCategory category,
          const char *hmac_key, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) samples = NULL;

  if (file_name != NULL && !g_utf8_validate (file_name, -1, NULL))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "%s: file name is not UTF-8", what);
      return FALSE;
    }
  samples = decode_file (bytes, file_name, content_type, hmac_key, &local_error);
  if (samples == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code, "%s: %s", what, local_error->message);
      return FALSE;
    }
  name_samples (samples, file_name, label, category);
  for (guint i = 0; i < samples->len; i++)
    {
      g_ptr_array_add (out_samples, g_object_ref (g_ptr_array_index (samples, i)));
      g_ptr_array_add (sources, g_strdup (what));
    }
  return TRUE;
}

static gboolean
decode_multipart (GPtrArray *samples, GPtrArray *sources, SoupMessageHeaders *headers,
                  GBytes *body, const char *label, EmCategory category, const char *hmac_key,
                  GError **error)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new_from_message (headers, body);
  int n;

  if (multipart == NULL)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                           "multipart body is truncated or malformed");
      return FALSE;
    }
  n = soup_multipart_get_length (multipart);
  if (n == 0)
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_DATA, "multipart body has no parts");
      return FALSE;
    }
  for (int i = 0; i < n; i++)
    {
      SoupMessageHeaders *part_headers = NULL;
      GBytes *part_body = NULL;
      g_autoptr(GHashTable) params = NULL;
      g_autofree char *what = NULL;
      const char *file_name = NULL;

      soup_multipart_get_part (multipart, i, &part_headers, &part_body);
      if (soup_message_headers_get_content_disposition (part_headers, NULL, &params))
        file_name = g_hash_table_lookup (params, "filename");
      if (file_name != NULL && g_utf8_validate (file_name, -1, NULL))
        what = g_strdup_printf ("part %d (%s)", i + 1, file_name);
      else
        what = g_strdup_printf ("part %d", i + 1);
      if (file_name == NULL)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: no filename in Content-Disposition",
                       what);
          return FALSE;
        }
      if (!add_file (samples, sources, part_body, what, file_name,
                     soup_message_headers_get_content_type (part_headers, NULL), label, category,
                     hmac_key, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
em_ingest_header_is_true (SoupMessageHeaders *headers, const char *name)
{
  const char *v = soup_message_headers_get_one (headers, name);

  return v != NULL && (g_ascii_strcasecmp (v, "1") == 0 || g_ascii_strcasecmp (v, "true") == 0 ||
                       g_ascii_strcasecmp (v, "yes") == 0);
}

gboolean
em_ingest_decode_request (SoupMessageHeaders *headers, GBytes *body, EmCategory category,
                          const char *hmac_key, GPtrArray *samples, GPtrArray *sources,
                          GError **error)
{
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  const char *label = soup_message_headers_get_one (headers, "x-label");
  const char *file_name = soup_message_headers_get_one (headers, "x-file-name");
  const char *what;

  if (label != NULL && (*label == '\0' || !g_utf8_validate (label, -1, NULL)))
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                           "x-label must be non-empty UTF-8");
      return FALSE;
    }
  if (content_type != NULL && g_ascii_strcasecmp (content_type, "multipart/form-data") == 0)
    return decode_multipart (samples, sources, headers, body, label, category, hmac_key, error);
  what = file_name != NULL && g_utf8_validate (file_name, -1, NULL) ? file_name : "body";
  return add_file (samples, sources, body, what, file_name, content_type, label, category,
                   hmac_key, error);
}
