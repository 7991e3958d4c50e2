/* SPDX-License-Identifier: Apache-2.0 */
/* The CBOR encoding of the Edge Impulse data acquisition format. */
#include <string.h>
#include <math.h>
#include <cbor.h>
#include "em-ei-format-private.h"

/* ---- CBOR scanning ------------------------------------------------------ */

typedef struct {
  const guint8 *p;
  gsize size;
  gsize pos;
} Cursor;

/* One initial byte plus its argument. FALSE on truncation, reserved
 * additional info, or a "break" where an item is required. */
static gboolean
cbor_head (Cursor *c, guint *major, guint64 *arg, gboolean *indefinite)
{
  guint info;

  if (c->pos >= c->size)
    return FALSE;
  *major = c->p[c->pos] >> 5;
  info = c->p[c->pos++] & 31;
  *arg = info;
  *indefinite = FALSE;
  if (info >= 24 && info <= 27)
    {
      gsize n = (gsize) 1 << (info - 24);

      if (c->size - c->pos < n)
        return FALSE;
      *arg = 0;
      for (gsize i = 0; i < n; i++)
        *arg = (*arg << 8) | c->p[c->pos++];
    }
  else if (info == 31 && *major >= 2 && *major <= 5)
    *indefinite = TRUE;
  else if (info > 27)
    return FALSE;
  return TRUE;
}

static gboolean
cbor_at_break (Cursor *c)
{
  if (c->pos < c->size && c->p[c->pos] == 0xff)
    {
      c->pos++;
      return TRUE;
    }
  return FALSE;
}

/* Step over one well-formed item. Every length is checked against the bytes
 * left, so libcbor is never asked to allocate for a size the input cannot
 * back. */
static gboolean
cbor_skip (Cursor *c, guint depth)
{
  guint major;
  guint64 arg;
  gboolean indefinite;

  if (depth > EM_EI_MAX_DEPTH || !cbor_head (c, &major, &arg, &indefinite))
    return FALSE;
  switch (major)
    {
    case 2:
    case 3:
      if (!indefinite)
        {
          if (arg > c->size - c->pos)
            return FALSE;
          c->pos += arg;
          return TRUE;
        }
      while (!cbor_at_break (c))
        {
          guint chunk_major;
          gboolean chunk_indefinite;

          if (!cbor_head (c, &chunk_major, &arg, &chunk_indefinite) || chunk_major != major ||
              chunk_indefinite || arg > c->size - c->pos)
            return FALSE;
          c->pos += arg;
        }
      return TRUE;
    case 4:
    case 5:
      {
        guint per = major == 5 ? 2 : 1;

        if (!indefinite)
          {
            if (arg > c->size - c->pos)
              return FALSE;
            for (guint64 i = 0; i < arg * per; i++)
              if (!cbor_skip (c, depth + 1))
                return FALSE;
            return TRUE;
          }
        while (!cbor_at_break (c))
          for (guint i = 0; i < per; i++)
            if (!cbor_skip (c, depth + 1))
              return FALSE;
        return TRUE;
      }
    case 6:
      return cbor_skip (c, depth + 1);
    default:
      return TRUE;
    }
}

/* Validate the whole buffer as one CBOR map (optionally tagged) and find the
 * top-level "signature" text string. */
static gboolean
scan_cbor (const guint8 *data, gsize size, EmEiSignatureSpan *span, GError **error)
{
  Cursor c = { data, size, 0 };
  guint major, depth = 0;
  guint64 n_pairs;
  gboolean indefinite;

  memset (span, 0, sizeof *span);
  do
    {
      if (!cbor_head (&c, &major, &n_pairs, &indefinite) || ++depth > EM_EI_MAX_DEPTH)
        return em_ei_fail (error, EM_ERROR_INVALID_DATA, "truncated or malformed CBOR");
    }
  while (major == 6);
  if (major != 5)
    return em_ei_fail (error, EM_ERROR_INVALID_DATA,
                       "not an Edge Impulse document (CBOR top level is not a map)");

  for (guint64 i = 0; indefinite ? !cbor_at_break (&c) : i < n_pairs; i++)
    {
      Cursor key = c;
      guint key_major;
      guint64 key_len;
      gboolean key_indefinite, is_signature = FALSE;

      if (!cbor_head (&key, &key_major, &key_len, &key_indefinite))
        return em_ei_fail (error, EM_ERROR_INVALID_DATA, "truncated or malformed CBOR");
      if (key_major == 3 && !key_indefinite && key_len == 9 && key.size - key.pos >= 9 &&
          memcmp (key.p + key.pos, "signature", 9) == 0)
        is_signature = TRUE;
      if (!cbor_skip (&c, depth))
        return em_ei_fail (error, EM_ERROR_INVALID_DATA, "truncated or malformed CBOR");
      if (is_signature)
        {
          Cursor value = c;
          guint value_major;
          guint64 value_len;
          gboolean value_indefinite;

          span->n_keys++;
          if (cbor_head (&value, &value_major, &value_len, &value_indefinite) &&
              value_major == 3 && !value_indefinite && value_len <= value.size - value.pos)
            {
              span->offset = value.pos;
              span->length = value_len;
              span->found = TRUE;
            }
        }
      if (!cbor_skip (&c, depth))
        return em_ei_fail (error, EM_ERROR_INVALID_DATA, "truncated or malformed CBOR");
    }
  if (c.pos != size)
    return em_ei_fail (error, EM_ERROR_INVALID_DATA, "unexpected bytes after the CBOR document");
  return TRUE;
}

static char *
cbor_dup_string (cbor_item_t *item)
{
  GString *s;

  if (cbor_string_is_definite (item))
    return g_strndup ((const char *) cbor_string_handle (item), cbor_string_length (item));
  s = g_string_new (NULL);
  for (gsize i = 0; i < cbor_string_chunk_count (item); i++)
    {
      cbor_item_t *chunk = cbor_string_chunks_handle (item)[i];
      g_string_append_len (s, (const char *) cbor_string_handle (chunk), cbor_string_length (chunk));
    }
  return g_string_free (s, FALSE);
}

/* Map the CBOR tree onto JSON nodes so that one interpreter serves both
 * encodings. Depth is bounded by scan_cbor(). */
static JsonNode *
cbor_to_json (cbor_item_t *item)
{
  JsonNode *node = json_node_alloc ();
  guint64 u;

  switch (cbor_typeof (item))
    {
    case CBOR_TYPE_UINT:
      u = cbor_get_int (item);
      return u <= G_MAXINT64 ? json_node_init_int (node, (gint64) u)
                             : json_node_init_double (node, (double) u);
    case CBOR_TYPE_NEGINT:
      u = cbor_get_int (item);
      return u <= G_MAXINT64 ? json_node_init_int (node, -1 - (gint64) u)
                             : json_node_init_double (node, -1.0 - (double) u);
    case CBOR_TYPE_STRING:
      {
        g_autofree char *s = cbor_dup_string (item);
        return json_node_init_string (node, s);
      }
    case CBOR_TYPE_ARRAY:
      {
        JsonArray *array = json_array_sized_new (cbor_array_size (item));

        for (gsize i = 0; i < cbor_array_size (item); i++)
          json_array_add_element (array, cbor_to_json (cbor_array_handle (item)[i]));
        json_node_init_array (node, array);
        json_array_unref (array);
        return node;
      }
    case CBOR_TYPE_MAP:
      {
        JsonObject *object = json_object_new ();

        for (gsize i = 0; i < cbor_map_size (item); i++)
          {
            struct cbor_pair *pair = &cbor_map_handle (item)[i];
            g_autofree char *key = NULL;

            /* Non-text keys cannot be fields of this format: ignore them. */
            if (!cbor_isa_string (pair->key))
              continue;
            key = cbor_dup_string (pair->key);
            json_object_set_member (object, key, cbor_to_json (pair->value));
          }
        json_node_init_object (node, object);
        json_object_unref (object);
        return node;
      }
    case CBOR_TYPE_TAG:
      {
        cbor_item_t *inner = cbor_tag_item (item); /* a new reference */

        json_node_unref (node);
        node = cbor_to_json (inner);
        cbor_decref (&inner);
        return node;
      }
    case CBOR_TYPE_FLOAT_CTRL:
      if (cbor_is_float (item))
        return json_node_init_double (node, cbor_float_get_float (item));
      if (cbor_is_bool (item))
        return json_node_init_boolean (node, cbor_get_bool (item));
      return json_node_init_null (node);
    case CBOR_TYPE_BYTESTRING:
    default:
      return json_node_init_null (node);
    }
}

EmSample *
em_ei_read_cbor_full (GBytes *bytes, const char *hmac_key, EmEiSignature *signature,
                      GError **error)
{
  struct cbor_load_result result;
  g_autoptr(JsonNode) root = NULL;
  cbor_item_t *item;
  EmEiSignatureSpan span;
  const guint8 *data;
  gsize size = 0;

  g_return_val_if_fail (bytes != NULL, NULL);
  data = g_bytes_get_data (bytes, &size);

  if (size == 0)
    return em_ei_fail (error, EM_ERROR_INVALID_DATA, "empty file"), NULL;
  if (!scan_cbor (data, size, &span, error))
    return NULL;
  item = cbor_load (data, size, &result);
  if (item == NULL || result.error.code != CBOR_ERR_NONE)
    {
      if (item != NULL)
        cbor_decref (&item);
      return em_ei_fail (error, EM_ERROR_INVALID_DATA, "malformed CBOR at byte %zu",
                         result.error.position), NULL;
    }
  root = cbor_to_json (item);
  cbor_decref (&item);
  return em_ei_read_document (root, data, size, &span, hmac_key, "ei-cbor", signature, error);
}

/* libcbor's encoders write into a caller buffer; 9 bytes hold any head. */
typedef size_t (*HeadEncoder) (size_t, unsigned char *, size_t);

static void
cbor_put_head (GByteArray *out, HeadEncoder encode, size_t n)
{
  unsigned char buf[9];

  g_byte_array_append (out, buf, encode (n, buf, sizeof buf));
}

static void
cbor_put_text (GByteArray *out, const char *str)
{
  g_autofree char *valid = g_utf8_make_valid (str, -1);
  gsize len = strlen (valid);

  cbor_put_head (out, cbor_encode_string_start, len);
  g_byte_array_append (out, (const guint8 *) valid, len);
}

static void
cbor_put_float (GByteArray *out, float value)
{
  unsigned char buf[9];

  g_byte_array_append (out, buf, cbor_encode_single (value, buf, sizeof buf));
}

/* Whole numbers as integers (what EI's own clients send), others as doubles. */
static void
cbor_put_number (GByteArray *out, double value)
{
  unsigned char buf[9];
  size_t n;

  if (value >= 0 && value < 9007199254740992.0 && value == floor (value))
    n = cbor_encode_uint ((uint64_t) value, buf, sizeof buf);
  else
    n = cbor_encode_double (value, buf, sizeof buf);
  g_byte_array_append (out, buf, n);
}

GBytes *
em_ei_write_cbor (EmSample *sample, const char *hmac_key, GError **error)
{
  g_auto(EmEiWriteJob) job = { 0 };
  GByteArray *out;
  gsize signature_offset;

  g_return_val_if_fail (EM_IS_SAMPLE (sample), NULL);
  if (!em_ei_write_job_init (&job, sample, error))
    return NULL;

  out = g_byte_array_sized_new (256 + job.n_frames * job.n_axes * 5);
  cbor_put_head (out, cbor_encode_map_start, 3);
  cbor_put_text (out, "protected");
  cbor_put_head (out, cbor_encode_map_start, job.iat >= 0 ? 3 : 2);
  cbor_put_text (out, "ver");
  cbor_put_text (out, "v1");
  cbor_put_text (out, "alg");
  cbor_put_text (out, hmac_key != NULL ? "HS256" : "none");
  if (job.iat >= 0)
    {
      cbor_put_text (out, "iat");
      cbor_put_number (out, (double) job.iat);
    }
  cbor_put_text (out, "signature");
  cbor_put_head (out, cbor_encode_string_start, EM_EI_SIGNATURE_HEX_LEN);
  signature_offset = out->len;
  for (guint i = 0; i < EM_EI_SIGNATURE_HEX_LEN; i++)
    g_byte_array_append (out, (const guint8 *) "0", 1);
  cbor_put_text (out, "payload");
  cbor_put_head (out, cbor_encode_map_start, job.device_name != NULL ? 5 : 4);
  if (job.device_name != NULL)
    {
      cbor_put_text (out, "device_name");
      cbor_put_text (out, job.device_name);
    }
  cbor_put_text (out, "device_type");
  cbor_put_text (out, job.device_type);
  cbor_put_text (out, "interval_ms");
  cbor_put_number (out, job.interval_ms);
  cbor_put_text (out, "sensors");
  cbor_put_head (out, cbor_encode_array_start, job.n_axes);
  for (guint a = 0; a < job.n_axes; a++)
    {
      cbor_put_head (out, cbor_encode_map_start, 2);
      cbor_put_text (out, "name");
      cbor_put_text (out, em_ei_axis_name (sample, a));
      cbor_put_text (out, "units");
      cbor_put_text (out, em_ei_axis_units (&job, sample, a));
    }
  cbor_put_text (out, "values");
  cbor_put_head (out, cbor_encode_array_start, job.n_frames);
  for (guint64 f = 0; f < job.n_frames; f++)
    {
      if (job.n_axes > 1)
        cbor_put_head (out, cbor_encode_array_start, job.n_axes);
      for (guint a = 0; a < job.n_axes; a++)
        cbor_put_float (out, job.values[f * job.n_axes + a]);
    }

  if (hmac_key != NULL)
    em_ei_sign_in_place (out->data, out->len, signature_offset, hmac_key);
  return g_byte_array_free_to_bytes (out);
}
