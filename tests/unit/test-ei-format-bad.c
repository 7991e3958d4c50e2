/* SPDX-License-Identifier: Apache-2.0 */
/* Malformed, truncated and hostile Edge Impulse documents: every one must
 * give a one-line EM_ERROR, never a crash, a leak or a half-read sample. */
#include <math.h>
#include <string.h>
#include <cbor.h>
#include <json-glib/json-glib.h>
#include "em-error.h"
#include "em-sample.h"
#include "formats/em-ei-format.h"
#include "test-util.h"
#include "ei-test-vectors.h"

/* ---- helpers ------------------------------------------------------------ */

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

/* Test tables quote with ' for readability. */
static GBytes *
quoted_bytes (const char *text)
{
  g_autofree char *copy = g_strdup (text);

  g_strdelimit (copy, "'", '"');
  return g_bytes_new (copy, strlen (copy));
}

static void
assert_one_line_error (GError *error, EmError code)
{
  g_assert_error (error, EM_ERROR, (int) code);
  g_assert_null (strchr (error->message, '\n'));
  g_assert_cmpuint (strlen (error->message), >, 0);
}

static EmSample *
make_small_series (void)
{
  EmSample *sample = em_sample_new ();
  const float values[] = { 1.5f, -2.0f, 0.25f, 1e-3f, 7.0f, -0.0f };

  em_sample_add_axis (sample, "x", "m/s2");
  em_sample_add_axis (sample, "y", "m/s2");
  em_sample_set_interval_ms (sample, 10);
  em_sample_set_values (sample, values, 3);
  return sample;
}

/* ---- malformed documents ------------------------------------------------ */

#define HEAD "{'protected':{'ver':'v1','alg':'none'},'signature':'','payload':{'device_type':'T',"
#define ONE_SENSOR "'sensors':[{'name':'x','units':'u'}]"
#define TWO_SENSORS "'sensors':[{'name':'x','units':'u'},{'name':'y','units':'u'}]"

typedef struct {
  const char *what;
  const char *doc;
  EmError code;
} BadDoc;

/* Valid JSON with bad content: each is also tried as CBOR. "@nan" and
 * "@inf" become CBOR floats (JSON cannot spell them) and stay strings in
 * JSON, an error either way. */
static const BadDoc bad_docs[] = {
  { "NaN value", HEAD "'interval_ms':1," ONE_SENSOR ",'values':[1,'@nan',3]}}", EM_ERROR_INVALID_DATA },
  { "infinite value", HEAD "'interval_ms':1," ONE_SENSOR ",'values':[[1],['@inf']]}}", EM_ERROR_INVALID_DATA },
  { "string value", HEAD "'interval_ms':1," ONE_SENSOR ",'values':[1,'2']}}", EM_ERROR_INVALID_DATA },
  { "boolean value", HEAD "'interval_ms':1," ONE_SENSOR ",'values':[1,true]}}", EM_ERROR_INVALID_DATA },
  { "null value", HEAD "'interval_ms':1," ONE_SENSOR ",'values':[1,null]}}", EM_ERROR_INVALID_DATA },
  { "beyond float32", HEAD "'interval_ms':1," ONE_SENSOR ",'values':[1e39]}}", EM_ERROR_INVALID_DATA },
  { "short row", HEAD "'interval_ms':1," TWO_SENSORS ",'values':[[1,2],[3]]}}", EM_ERROR_INVALID_DATA },
  { "long row", HEAD "'interval_ms':1," TWO_SENSORS ",'values':[[1,2,3]]}}", EM_ERROR_INVALID_DATA },
  { "flat values, two sensors", HEAD "'interval_ms':1," TWO_SENSORS ",'values':[1,2]}}", EM_ERROR_INVALID_DATA },
  { "row then number", HEAD "'interval_ms':1," TWO_SENSORS ",'values':[[1,2],3]}}", EM_ERROR_INVALID_DATA },
  { "number then row", HEAD "'interval_ms':1," ONE_SENSOR ",'values':[1,[2]]}}", EM_ERROR_INVALID_DATA },
  { "no values", HEAD "'interval_ms':1," ONE_SENSOR "}}", EM_ERROR_INVALID_DATA },
  { "empty values", HEAD "'interval_ms':1," ONE_SENSOR ",'values':[]}}", EM_ERROR_INVALID_DATA },
  { "values not a list", HEAD "'interval_ms':1," ONE_SENSOR ",'values':{}}}", EM_ERROR_INVALID_DATA },
  { "no sensors", HEAD "'interval_ms':1,'values':[1]}}", EM_ERROR_INVALID_DATA },
  { "empty sensors", HEAD "'interval_ms':1,'sensors':[],'values':[1]}}", EM_ERROR_INVALID_DATA },
  { "sensor without units", HEAD "'interval_ms':1,'sensors':[{'name':'x'}],'values':[1]}}", EM_ERROR_INVALID_DATA },
  { "sensor name a number", HEAD "'interval_ms':1,'sensors':[{'name':1,'units':'u'}],'values':[1]}}", EM_ERROR_INVALID_DATA },
  { "sensor not an object", HEAD "'interval_ms':1,'sensors':['x'],'values':[1]}}", EM_ERROR_INVALID_DATA },
  { "zero interval", HEAD "'interval_ms':0," ONE_SENSOR ",'values':[1]}}", EM_ERROR_INVALID_DATA },
  { "negative interval", HEAD "'interval_ms':-5," ONE_SENSOR ",'values':[1]}}", EM_ERROR_INVALID_DATA },
  { "interval as text", HEAD "'interval_ms':'10'," ONE_SENSOR ",'values':[1]}}", EM_ERROR_INVALID_DATA },
  { "no interval", HEAD ONE_SENSOR ",'values':[1]}}", EM_ERROR_INVALID_DATA },
  { "no device_type", "{'protected':{'ver':'v1','alg':'none'},'payload':{'interval_ms':1," ONE_SENSOR ",'values':[1]}}", EM_ERROR_INVALID_DATA },
  { "no payload", "{'protected':{'ver':'v1','alg':'none'},'signature':''}", EM_ERROR_INVALID_DATA },
  { "payload a list", "{'protected':{'ver':'v1','alg':'none'},'payload':[]}", EM_ERROR_INVALID_DATA },
  { "no protected", "{'signature':'','payload':{'device_type':'T','interval_ms':1," ONE_SENSOR ",'values':[1]}}", EM_ERROR_INVALID_DATA },
  { "no alg", "{'protected':{'ver':'v1'},'payload':{'device_type':'T','interval_ms':1," ONE_SENSOR ",'values':[1]}}", EM_ERROR_INVALID_DATA },
  { "unknown alg", "{'protected':{'ver':'v1','alg':'RS256'},'payload':{'device_type':'T','interval_ms':1," ONE_SENSOR ",'values':[1]}}", EM_ERROR_UNSUPPORTED },
  { "unknown version", "{'protected':{'ver':'v2','alg':'none'},'payload':{'device_type':'T','interval_ms':1," ONE_SENSOR ",'values':[1]}}", EM_ERROR_UNSUPPORTED },
  { "top level list", "[1,2,3]", EM_ERROR_INVALID_DATA },
  { "top level number", "42", EM_ERROR_INVALID_DATA },
  { "empty object", "{}", EM_ERROR_INVALID_DATA },
};

/* Not JSON at all, or not complete. */
static const char * const broken_json[] = {
  "",
  "   ",
  "{'protected':",
  HEAD "'interval_ms':1," ONE_SENSOR ",'values':[1,NaN]}}",
  HEAD "'interval_ms':1," ONE_SENSOR ",'values':[1,2]}} trailing",
  HEAD "'interval_ms':1," ONE_SENSOR ",'values':[1,2,]}}",
  "\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
  "<annotation></annotation>",
};

static void
put_cbor_head (GByteArray *out, size_t (*encode) (size_t, unsigned char *, size_t), size_t n)
{
  unsigned char buf[9];
  g_byte_array_append (out, buf, encode (n, buf, sizeof buf));
}

/* Just enough JSON -> CBOR to state the bad documents once for both. */
static void
json_to_cbor (GByteArray *out, JsonNode *node)
{
  unsigned char buf[9];
  gsize n = 0;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        g_autoptr(GList) members = json_object_get_members (json_node_get_object (node));

        put_cbor_head (out, cbor_encode_map_start, g_list_length (members));
        for (GList *l = members; l != NULL; l = l->next)
          {
            put_cbor_head (out, cbor_encode_string_start, strlen (l->data));
            g_byte_array_append (out, l->data, strlen (l->data));
            json_to_cbor (out, json_object_get_member (json_node_get_object (node), l->data));
          }
        return;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        put_cbor_head (out, cbor_encode_array_start, json_array_get_length (array));
        for (guint i = 0; i < json_array_get_length (array); i++)
          json_to_cbor (out, json_array_get_element (array, i));
        return;
      }
    case JSON_NODE_NULL:
      n = cbor_encode_null (buf, sizeof buf);
      break;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_INT64)
        {
          gint64 v = json_node_get_int (node);
          n = v >= 0 ? cbor_encode_uint (v, buf, sizeof buf) : cbor_encode_negint (-1 - v, buf, sizeof buf);
        }
      else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        n = cbor_encode_double (json_node_get_double (node), buf, sizeof buf);
      else if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        n = cbor_encode_bool (json_node_get_boolean (node), buf, sizeof buf);
      else if (g_strcmp0 (json_node_get_string (node), "@nan") == 0)
        n = cbor_encode_single (NAN, buf, sizeof buf);
      else if (g_strcmp0 (json_node_get_string (node), "@inf") == 0)
        n = cbor_encode_half (INFINITY, buf, sizeof buf);
      else
        {
          const char *s = json_node_get_string (node);
          put_cbor_head (out, cbor_encode_string_start, strlen (s));
          g_byte_array_append (out, (const guint8 *) s, strlen (s));
        }
      break;
    default:
      g_assert_not_reached ();
    }
  g_byte_array_append (out, buf, n);
}

static void
test_bad_documents (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_docs); i++)
    {
      g_autoptr(GBytes) json = quoted_bytes (bad_docs[i].doc);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GByteArray) cbor = g_byte_array_new ();
      g_autoptr(GBytes) cbor_bytes = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", bad_docs[i].what);
      g_assert_null (em_ei_read_json (json, NULL, &error));
      assert_one_line_error (error, bad_docs[i].code);
      g_test_message ("  json: %s", error->message);
      g_clear_error (&error);

      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (json, NULL),
                                                 g_bytes_get_size (json), NULL));
      json_to_cbor (cbor, json_parser_get_root (parser));
      cbor_bytes = g_bytes_new (cbor->data, cbor->len);
      g_assert_null (em_ei_read_cbor (cbor_bytes, NULL, &error));
      assert_one_line_error (error, bad_docs[i].code);
      g_test_message ("  cbor: %s", error->message);
    }
}

static void
test_broken_json (void)
{
  GString *deep = g_string_new ("{'a':");

  for (guint i = 0; i < G_N_ELEMENTS (broken_json); i++)
    {
      g_autoptr(GBytes) bytes = quoted_bytes (broken_json[i]);
      g_autoptr(GError) error = NULL;

      g_assert_null (em_ei_read_json (bytes, NULL, &error));
      assert_one_line_error (error, EM_ERROR_INVALID_DATA);
    }

  /* Deep nesting is refused before any recursive parser sees it. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  {
    g_autoptr(GBytes) bytes = quoted_bytes (deep->str);
    g_autoptr(GError) error = NULL;

    g_assert_null (em_ei_read_json (bytes, NULL, &error));
    assert_one_line_error (error, EM_ERROR_INVALID_DATA);
  }
  g_string_free (deep, TRUE);
}

/* Every proper prefix of a valid document is an error, never a crash. */
static void
check_prefixes (GBytes *whole, gboolean is_cbor)
{
  gsize size = g_bytes_get_size (whole);
  const guint8 *data = g_bytes_get_data (whole, NULL);

  for (gsize len = 0; len < size; len++)
    {
      g_autoptr(GBytes) prefix = g_bytes_new (data, len);
      g_autoptr(GError) error = NULL;
      g_autoptr(EmSample) sample = is_cbor ? em_ei_read_cbor (prefix, KEY, &error)
                                           : em_ei_read_json (prefix, KEY, &error);

      g_assert_null (sample);
      g_assert_nonnull (error);
      g_assert_true (error->domain == EM_ERROR);
      g_assert_true (error->code == EM_ERROR_INVALID_DATA || error->code == EM_ERROR_BAD_SIGNATURE);
      g_assert_null (strchr (error->message, '\n'));
    }
}

static void
test_truncated (void)
{
  g_autoptr(GBytes) json = text_bytes (kat_json);
  g_autoptr(GBytes) cbor = g_bytes_new_static (kat_cbor, sizeof kat_cbor);
  g_autoptr(GBytes) indefinite = g_bytes_new_static (indefinite_cbor, sizeof indefinite_cbor);
  g_autoptr(EmSample) small = make_small_series ();
  g_autoptr(GBytes) written = em_ei_write_cbor (small, NULL, NULL);

  check_prefixes (json, FALSE);
  check_prefixes (cbor, TRUE);
  check_prefixes (indefinite, TRUE);
  check_prefixes (written, TRUE);
}

/* Indefinite lengths, chunked strings, a self-describe tag and a half -0. */
static void
test_cbor_indefinite (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (indefinite_cbor, sizeof indefinite_cbor);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) sample = em_ei_read_cbor (bytes, KEY, &error);
  const float *values;
  guint64 n = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (em_sample_get_metadata (sample, "device_type"), ==, "ABCD");
  values = em_sample_get_values (sample, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (values[0], ==, 1.0f);
  g_assert_true (values[1] == 0.0f && signbit (values[1]));
  g_assert_cmpfloat (values[2], ==, -3.0f);
}

static void
expect_cbor_invalid (const guint8 *data, gsize size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;

  g_assert_null (em_ei_read_cbor (bytes, NULL, &error));
  assert_one_line_error (error, EM_ERROR_INVALID_DATA);
}

static void
test_cbor_garbage (void)
{
  g_autofree guint8 *copy = g_memdup2 (kat_cbor, sizeof kat_cbor);
  const guint8 reserved[] = { 0xa1, 0x61, 0x61, 0x1c };     /* additional info 28 */
  const guint8 huge_array[] = { 0xa1, 0x61, 0x61, 0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
  const guint8 huge_string[] = { 0xa1, 0x61, 0x61, 0x7b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
  const guint8 stray_break[] = { 0xa1, 0x61, 0x61, 0xff };
  const guint8 not_a_map[] = { 0x83, 0x01, 0x02, 0x03 };
  g_autofree guint8 *trailing = g_malloc (sizeof kat_cbor + 1);
  GByteArray *deep = g_byte_array_new ();

  expect_cbor_invalid (reserved, sizeof reserved);
  expect_cbor_invalid (huge_array, sizeof huge_array);
  expect_cbor_invalid (huge_string, sizeof huge_string);
  expect_cbor_invalid (stray_break, sizeof stray_break);
  expect_cbor_invalid (not_a_map, sizeof not_a_map);
  memcpy (trailing, kat_cbor, sizeof kat_cbor);
  trailing[sizeof kat_cbor] = 0x00;
  expect_cbor_invalid (trailing, sizeof kat_cbor + 1);

  /* A million nested arrays must not reach libcbor's recursive free. */
  g_byte_array_append (deep, (const guint8 *) "\xa1\x61\x61", 3);
  for (guint i = 0; i < 1000000; i++)
    g_byte_array_append (deep, (const guint8 *) "\x81", 1);
  g_byte_array_append (deep, (const guint8 *) "\x00", 1);
  expect_cbor_invalid (deep->data, deep->len);
  g_byte_array_unref (deep);

  /* Flip every byte in a few ways and throw random buffers at it: any
   * outcome is fine except a crash, a leak or an error outside EM_ERROR. */
  for (gsize i = 0; i < sizeof kat_cbor; i++)
    for (guint flip = 0; flip < 4; flip++)
      {
        static const guint8 masks[] = { 0x01, 0x20, 0x80, 0xff };
        g_autoptr(GBytes) bytes = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(EmSample) sample = NULL;

        copy[i] ^= masks[flip];
        bytes = g_bytes_new (copy, sizeof kat_cbor);
        sample = em_ei_read_cbor (bytes, flip % 2 ? KEY : NULL, &error);
        g_assert_true (sample != NULL || (error != NULL && error->domain == EM_ERROR));
        copy[i] ^= masks[flip];
      }
  for (guint round = 0; round < 3000; round++)
    {
      guint8 buf[64];
      gsize len = g_test_rand_int_range (1, sizeof buf);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(EmSample) sample = NULL;

      for (gsize i = 0; i < len; i++)
        buf[i] = g_test_rand_int_range (0, 256);
      buf[0] = 0xa0 | (buf[0] & 0x1f); /* mostly maps, so parsing gets somewhere */
      bytes = g_bytes_new (buf, len);
      sample = em_ei_read_cbor (bytes, NULL, &error);
      g_assert_true (sample != NULL || (error != NULL && error->domain == EM_ERROR));
      g_clear_object (&sample);
      g_clear_error (&error);
      sample = em_ei_read_json (bytes, NULL, &error);
      g_assert_true (sample != NULL || (error != NULL && error->domain == EM_ERROR));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ei-format/bad-documents", test_bad_documents);
  g_test_add_func ("/ei-format/json/broken", test_broken_json);
  g_test_add_func ("/ei-format/truncated", test_truncated);
  g_test_add_func ("/ei-format/cbor/indefinite", test_cbor_indefinite);
  g_test_add_func ("/ei-format/cbor/garbage", test_cbor_garbage);

  return g_test_run ();
}
