/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <math.h>

#include "em-learn-util.h"

const char *
em_learn_kind_to_string (EmLearnKind kind)
{
  switch (kind)
    {
    case EM_LEARN_CLASSIFICATION: return "classification";
    case EM_LEARN_REGRESSION: return "regression";
    case EM_LEARN_ANOMALY_KMEANS: return "anomaly-kmeans";
    case EM_LEARN_ANOMALY_GMM: return "anomaly-gmm";
    case EM_LEARN_OBJECT_DETECTION: return "object-detection";
    default: return "unknown";
    }
}

/* --- blob ------------------------------------------------------------------ */

static void
put_u32 (GByteArray *a, guint32 v)
{
  guint32 le = GUINT32_TO_LE (v);

  g_byte_array_append (a, (const guint8 *) &le, 4);
}

static guint32
get_u32 (const guint8 *p)
{
  guint32 le;

  memcpy (&le, p, 4);
  return GUINT32_FROM_LE (le);
}

GByteArray *
em_learn_blob_writer_new (EmLearnKind kind, guint32 n_features, guint32 n_outputs)
{
  GByteArray *a = g_byte_array_new ();

  g_byte_array_append (a, (const guint8 *) "EMLB", 4);
  put_u32 (a, EM_LEARN_BLOB_VERSION);
  put_u32 (a, kind);
  put_u32 (a, n_features);
  put_u32 (a, n_outputs);
  put_u32 (a, 0);
  return a;
}

void
em_learn_blob_writer_add (GByteArray *writer, const char *tag, const void *data, gsize len)
{
  guint32 n = get_u32 (writer->data + 20);

  g_return_if_fail (strlen (tag) == 4 && len <= G_MAXUINT32 && n < EM_LEARN_MAX_SECTIONS);
  g_byte_array_append (writer, (const guint8 *) tag, 4);
  put_u32 (writer, (guint32) len);
  if (len > 0)
    g_byte_array_append (writer, data, (guint) len);
  n = GUINT32_TO_LE (n + 1);
  memcpy (writer->data + 20, &n, 4);
}

void *
em_learn_blob_writer_finish (GByteArray *writer, size_t *len)
{
  void *out = malloc (writer->len);

  if (out != NULL)
    {
      memcpy (out, writer->data, writer->len);
      *len = writer->len;
    }
  g_byte_array_unref (writer);
  return out;
}

gboolean
em_learn_blob_parse (const void *data, size_t len, EmLearnKind expected, EmLearnBlob *blob,
                     GError **error)
{
  const guint8 *p = data;
  guint32 version, kind;
  size_t at;

  memset (blob, 0, sizeof *blob);
  if (data == NULL || len < EM_LEARN_BLOB_HEADER || memcmp (p, "EMLB", 4) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the trained model is not an Ember learning-block model (no EMLB header)");
      return FALSE;
    }
  version = get_u32 (p + 4);
  if (version != EM_LEARN_BLOB_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the trained model has format version %u; this block reads version %u (retrain it)",
                   version, EM_LEARN_BLOB_VERSION);
      return FALSE;
    }
  kind = get_u32 (p + 8);
  if (kind != (guint32) expected)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the trained model belongs to the %s block, not %s",
                   em_learn_kind_to_string ((EmLearnKind) kind), em_learn_kind_to_string (expected));
      return FALSE;
    }
  blob->kind = kind;
  blob->n_features = get_u32 (p + 12);
  blob->n_outputs = get_u32 (p + 16);
  blob->n_sections = get_u32 (p + 20);
  if (blob->n_features == 0 || blob->n_outputs == 0 || blob->n_sections > EM_LEARN_MAX_SECTIONS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the trained model's header is corrupt (%u features, %u outputs, %u sections)",
                   blob->n_features, blob->n_outputs, blob->n_sections);
      return FALSE;
    }
  at = EM_LEARN_BLOB_HEADER;
  for (guint32 i = 0; i < blob->n_sections; i++)
    {
      guint32 length;

      if (len - at < 8)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "the trained model is truncated (section %u of %u is missing)", i + 1,
                       blob->n_sections);
          return FALSE;
        }
      memcpy (blob->tags[i], p + at, 4);
      blob->tags[i][4] = '\0';
      length = get_u32 (p + at + 4);
      at += 8;
      if (length > len - at)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "the trained model is truncated (section %u needs %u bytes, %zu left)", i + 1,
                       length, len - at);
          return FALSE;
        }
      for (guint32 j = 0; j < i; j++)
        if (memcmp (blob->tags[j], blob->tags[i], 4) == 0)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "the trained model is corrupt (two sections tagged '%.4s')", blob->tags[i]);
            return FALSE;
          }
      blob->data[i] = p + at;
      blob->lengths[i] = length;
      at += length;
    }
  if (at != len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the trained model is corrupt (%zu unexpected bytes after its last section)", len - at);
      return FALSE;
    }
  return TRUE;
}

GBytes *
em_learn_blob_section (const EmLearnBlob *blob, const char *tag)
{
  for (guint32 i = 0; i < blob->n_sections; i++)
    if (memcmp (blob->tags[i], tag, 4) == 0)
      return g_bytes_new (blob->data[i], blob->lengths[i]);
  return NULL;
}

void
em_learn_free_model (void *model)
{
  free (model);
}

/* --- errors ---------------------------------------------------------------- */

int
em_learn_fail (char *err, size_t err_len, const char *block, const char *message)
{
  g_autofree char *text = g_strdup_printf ("%s: %s", block, message);

  /* One line: the app shows it in a status bar. */
  g_strdelimit (text, "\r\n", ' ');
  return em_plugin_error (err, err_len, -1, text);
}

int
em_learn_fail_error (char *err, size_t err_len, const char *block, const GError *error)
{
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      em_learn_fail (err, err_len, block, "training cancelled");
      return EM_LEARN_CANCELLED;
    }
  return em_learn_fail (err, err_len, block, error != NULL ? error->message : "unknown error");
}

gboolean
em_learn_copy_out (const char *text, char *out, size_t out_len)
{
  size_t n = strlen (text);

  if (out == NULL || n >= out_len)
    return FALSE;
  memcpy (out, text, n + 1);
  return TRUE;
}

gboolean
em_learn_parse_axes (const char *text, guint32 n_features, int **axes, int *n_axes, GError **error)
{
  g_auto(GStrv) parts = NULL;
  g_autofree int *out = NULL;
  int n = 0;

  *axes = NULL;
  *n_axes = 0;
  {
    g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));
    if (*copy == '\0')
      return TRUE;
    parts = g_strsplit (copy, ",", -1);
  }
  out = g_new0 (int, g_strv_length (parts));
  for (int i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *item = g_strstrip (g_strdup (parts[i]));
      guint64 v = 0;

      if (!g_ascii_string_to_unsigned (item, 10, 0, G_MAXINT, &v, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "axes: '%s' is not a feature index (use comma-separated numbers from 0)", item);
          return FALSE;
        }
      if (v >= n_features)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "axes: feature %" G_GUINT64_FORMAT " does not exist (the window has %u features)",
                       v, n_features);
          return FALSE;
        }
      for (int j = 0; j < n; j++)
        if (out[j] == (int) v)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "axes: feature %" G_GUINT64_FORMAT " is listed twice", v);
            return FALSE;
          }
      out[n++] = (int) v;
    }
  *axes = g_steal_pointer (&out);
  *n_axes = n;
  return TRUE;
}

void
em_learn_relay_epoch (const EmNnEpochStats *s, gpointer user_data)
{
  EmLearnEpochRelay *r = user_data;
  EmLearnProgress lp = {
    .epoch = s->epoch, .n_epochs = s->n_epochs, .loss = s->loss, .accuracy = s->accuracy,
    .val_loss = s->val_loss, .val_accuracy = s->val_accuracy,
  };
  g_autoptr(GString) line = NULL;

  if (r->callbacks == NULL || r->callbacks->progress == NULL)
    return;
  line = g_string_new (NULL);
  g_string_printf (line, "Epoch %d/%d: loss %.4f", s->epoch, s->n_epochs, s->loss);
  if (!isnan (s->accuracy))
    g_string_append_printf (line, ", %s %.1f%%", r->accuracy_what, 100 * s->accuracy);
  if (!isnan (s->val_loss))
    g_string_append_printf (line, ", validation loss %.4f", s->val_loss);
  if (!isnan (s->val_accuracy))
    g_string_append_printf (line, ", validation %s %.1f%%", r->accuracy_what, 100 * s->val_accuracy);
  g_string_append_printf (line, " (%.1f s)", s->seconds);
  if (r->callbacks->progress (&lp, line->str, r->callbacks->user_data) != 0)
    g_cancellable_cancel (r->cancellable);
}
