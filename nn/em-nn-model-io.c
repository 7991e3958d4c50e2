/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-model-io.c — a model as JSON, as a summary table, and as a saved
 * blob ("EMNN", version, JSON length, JSON, float32 LE parameters). */
#include <math.h>
#include <string.h>
#include "em-nn-model-private.h"

#define BLOB_MAGIC   "EMNN"
#define BLOB_VERSION 1u
#define BLOB_HEADER  12u

/* ---- JSON -------------------------------------------------------------- */

static void
append_json_string (GString *s, const char *text)
{
  g_string_append_c (s, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      if (c == '"' || c == '\\')
        g_string_append_printf (s, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (s, "\\u%04x", c);
      else
        g_string_append_c (s, (char) c);
    }
  g_string_append_c (s, '"');
}

/* The shortest decimal that reads back as the same float, so 0.001f is
 * written "0.001" rather than its double expansion. */
static void
append_float (GString *s, float v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (int prec = 1; prec <= 9; prec++)
    {
      char fmt[8];
      g_snprintf (fmt, sizeof fmt, "%%.%dg", prec);
      g_ascii_formatd (buf, sizeof buf, fmt, v);
      if ((float) g_ascii_strtod (buf, NULL) == v)
        break;
    }
  g_string_append (s, buf);
}

static void
append_pair (GString *s, const char *key, int h, int w, gboolean one_d)
{
  if (one_d || h == w)
    g_string_append_printf (s, ", \"%s\": %d", key, w);
  else
    g_string_append_printf (s, ", \"%s\": [%d, %d]", key, h, w);
}

static void
append_dims (GString *s, EmNnDims d)
{
  if (d.h == 1 && d.w == 1)
    g_string_append_printf (s, "[%d]", d.c);
  else if (d.h == 1)
    g_string_append_printf (s, "[%d, %d]", d.w, d.c);
  else
    g_string_append_printf (s, "[%d, %d, %d]", d.h, d.w, d.c);
}

static const char *
input_name (const EmNnModel *m, int index)
{
  return index < 0 ? EM_NN_MODEL_INPUT_NAME
                   : ((const EmNnLayer *) g_ptr_array_index (m->layers, index))->name;
}

char *
em_nn_model_to_json (const EmNnModel *model)
{
  GString *s = g_string_new ("{\"input_shape\": ");

  append_dims (s, model->input);
  g_string_append (s, ", \"layers\": [");
  for (guint i = 0; i < model->layers->len; i++)
    {
      const EmNnLayer *l = g_ptr_array_index (model->layers, i);
      gboolean one_d = l->type == EM_NN_CONV1D || l->type == EM_NN_MAXPOOL1D ||
                       l->type == EM_NN_AVGPOOL1D;

      g_string_append_printf (s, "%s\n  {\"type\": \"%s\", \"name\": ", i > 0 ? "," : "",
                              em_nn_layer_type_name (l->type));
      append_json_string (s, l->name);
      if (l->n_inputs == 2 || l->inputs[0] != (int) i - 1)
        {
          g_string_append (s, ", \"inputs\": [");
          for (int k = 0; k < l->n_inputs; k++)
            {
              if (k > 0)
                g_string_append (s, ", ");
              append_json_string (s, input_name (model, l->inputs[k]));
            }
          g_string_append_c (s, ']');
        }
      switch (l->type)
        {
        case EM_NN_DENSE:
          g_string_append_printf (s, ", \"units\": %d", l->units);
          break;
        case EM_NN_CONV1D:
        case EM_NN_CONV2D:
        case EM_NN_DEPTHWISE_CONV2D:
          if (l->type == EM_NN_DEPTHWISE_CONV2D)
            g_string_append_printf (s, ", \"depth_multiplier\": %d", l->depth_multiplier);
          else
            g_string_append_printf (s, ", \"filters\": %d", l->filters);
          append_pair (s, "kernel_size", l->kernel_h, l->kernel_w, one_d);
          append_pair (s, "strides", l->stride_h, l->stride_w, one_d);
          break;
        case EM_NN_MAXPOOL1D:
        case EM_NN_MAXPOOL2D:
        case EM_NN_AVGPOOL1D:
        case EM_NN_AVGPOOL2D:
          append_pair (s, "pool_size", l->kernel_h, l->kernel_w, one_d);
          append_pair (s, "strides", l->stride_h, l->stride_w, one_d);
          break;
        case EM_NN_BATCHNORM:
          g_string_append (s, ", \"epsilon\": ");
          append_float (s, l->epsilon);
          g_string_append (s, ", \"momentum\": ");
          append_float (s, l->momentum);
          break;
        case EM_NN_DROPOUT:
          g_string_append (s, ", \"rate\": ");
          append_float (s, l->rate);
          break;
        case EM_NN_RESHAPE:
          g_string_append_printf (s, ", \"shape\": [%d, %d, %d]", l->reshape.h, l->reshape.w,
                                  l->reshape.c);
          break;
        default:
          break;
        }
      switch (l->type)
        {
        case EM_NN_CONV1D:
        case EM_NN_CONV2D:
        case EM_NN_DEPTHWISE_CONV2D:
        case EM_NN_MAXPOOL1D:
        case EM_NN_MAXPOOL2D:
        case EM_NN_AVGPOOL1D:
        case EM_NN_AVGPOOL2D:
          g_string_append_printf (s, ", \"padding\": \"%s\"",
                                  l->padding == EM_NN_PAD_SAME ? "same" : "valid");
          break;
        default:
          break;
        }
      switch (l->type)
        {
        case EM_NN_DENSE:
        case EM_NN_CONV1D:
        case EM_NN_CONV2D:
        case EM_NN_DEPTHWISE_CONV2D:
          g_string_append_printf (s, ", \"activation\": \"%s\", \"use_bias\": %s",
                                  em_nn_activation_name (l->activation),
                                  l->use_bias ? "true" : "false");
          break;
        case EM_NN_ADD:
        case EM_NN_ACTIVATION:
          g_string_append_printf (s, ", \"activation\": \"%s\"", em_nn_activation_name (l->activation));
          break;
        default:
          break;
        }
      g_string_append_c (s, '}');
    }
  g_string_append (s, "\n]}\n");
  return g_string_free (s, FALSE);
}

/* ---- summary ----------------------------------------------------------- */

/* Digits grouped by thousands, as Keras prints parameter counts. */
static char *
grouped (guint64 v)
{
  g_autofree char *plain = g_strdup_printf ("%" G_GUINT64_FORMAT, v);
  GString *s = g_string_new (NULL);
  gsize n = strlen (plain);

  for (gsize i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append_c (s, ',');
      g_string_append_c (s, plain[i]);
    }
  return g_string_free (s, FALSE);
}

char *
em_nn_model_summary (const EmNnModel *model)
{
  GString *s = g_string_new (NULL);
  g_autofree char *in = em_nn_dims_to_string (model->input);
  g_autofree char *tp = grouped (em_nn_model_n_params (model));
  g_autofree char *tm = grouped (em_nn_model_macs (model));
  const char *rule = "--------------------------------------------------------------------------------\n";

  g_string_append_printf (s, "%-22s %-17s %-14s %10s %12s\n", "Layer", "Type", "Output", "Params", "MACs");
  g_string_append (s, rule);
  /* "×" is two bytes in UTF-8 but one column on screen: pad by columns. */
  g_string_append_printf (s, "%-22s %-17s %-*s %10s %12s\n", EM_NN_MODEL_INPUT_NAME, "input",
                          14 + (int) (strlen (in) - g_utf8_strlen (in, -1)), in, "0", "0");
  for (guint i = 0; i < model->layers->len; i++)
    {
      const EmNnLayer *l = g_ptr_array_index (model->layers, i);
      g_autofree char *out = em_nn_dims_to_string (l->out);
      g_autofree char *p = grouped (l->n_params);
      g_autofree char *m = grouped (l->macs);
      int extra = (int) (strlen (out) - g_utf8_strlen (out, -1));

      g_string_append_printf (s, "%-22s %-17s %-*s %10s %12s\n", l->name,
                              em_nn_layer_type_name (l->type), 14 + extra, out, p, m);
    }
  g_string_append (s, rule);
  g_string_append_printf (s, "Total params: %s (%.1f KiB as float32)\nTotal MACs: %s\n", tp,
                          em_nn_model_n_params (model) * 4 / 1024.0, tm);
  return g_string_free (s, FALSE);
}

/* ---- finiteness -------------------------------------------------------- */

gboolean
em_nn_model_check_finite (const EmNnModel *model, GError **error)
{
  for (guint i = 0; i < model->layers->len; i++)
    {
      const EmNnLayer *l = g_ptr_array_index (model->layers, i);
      EmNnTensorRef t[EM_NN_LAYER_MAX_TENSORS];
      int nt = em_nn_layer_tensors (l, t);

      for (int k = 0; k < nt; k++)
        for (gsize j = 0; j < t[k].n; j++)
          if (!isfinite (t[k].data[j]))
            {
              g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_DIVERGED,
                           "%s: %s[%" G_GSIZE_FORMAT "] is %s", l->name, t[k].what, j,
                           isnan (t[k].data[j]) ? "NaN" : "infinite");
              return FALSE;
            }
    }
  return TRUE;
}

/* ---- save / load ------------------------------------------------------- */

static void
put_u32 (GByteArray *b, guint32 v)
{
  guint32 le = GUINT32_TO_LE (v);
  g_byte_array_append (b, (const guint8 *) &le, 4);
}

static guint32
get_u32 (const guint8 *p)
{
  guint32 v;
  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

GBytes *
em_nn_model_save (const EmNnModel *model)
{
  g_autofree char *json = em_nn_model_to_json (model);
  gsize json_len = strlen (json);
  guint64 total = BLOB_HEADER + (guint64) json_len + 4 * (guint64) em_nn_model_n_params (model);
  GByteArray *b;

  /* GByteArray and the u32 JSON length cap a blob at 4 GiB. */
  g_return_val_if_fail (total < G_MAXUINT32, NULL);
  b = g_byte_array_sized_new ((guint) total);
  g_byte_array_append (b, (const guint8 *) BLOB_MAGIC, 4);
  put_u32 (b, BLOB_VERSION);
  put_u32 (b, (guint32) json_len);
  g_byte_array_append (b, (const guint8 *) json, (guint) json_len);
  for (guint i = 0; i < model->layers->len; i++)
    {
      EmNnTensorRef t[EM_NN_LAYER_MAX_TENSORS];
      int nt = em_nn_layer_tensors (g_ptr_array_index (model->layers, i), t);

      for (int k = 0; k < nt; k++)
        for (gsize j = 0; j < t[k].n; j++)
          {
            guint32 bits;
            memcpy (&bits, &t[k].data[j], 4);
            put_u32 (b, bits);
          }
    }
  return g_byte_array_free_to_bytes (b);
}

static gpointer
corrupt (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gpointer
corrupt (GError **error, const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_CORRUPT, "model blob: %s", msg);
  return NULL;
}

EmNnModel *
em_nn_model_load (GBytes *bytes, GError **error)
{
  gsize size = 0;
  const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(EmNnModel) m = NULL;
  g_autofree char *json = NULL;
  guint32 version, json_len;
  gsize need = 0, have, off;

  if (size < BLOB_HEADER)
    return corrupt (error, "%" G_GSIZE_FORMAT " bytes, too short for the %u-byte header",
                    size, BLOB_HEADER);
  if (memcmp (data, BLOB_MAGIC, 4) != 0)
    return corrupt (error, "bad magic (not an Ember model)");
  version = get_u32 (data + 4);
  if (version != BLOB_VERSION)
    return corrupt (error, "unknown format version %u (this build reads %u)", version, BLOB_VERSION);
  json_len = get_u32 (data + 8);
  if (json_len > size - BLOB_HEADER)
    return corrupt (error, "architecture JSON of %u bytes runs past the end (%" G_GSIZE_FORMAT
                    " bytes left)", json_len, size - BLOB_HEADER);
  json = g_strndup ((const char *) data + BLOB_HEADER, json_len);
  if (strlen (json) != json_len)
    return corrupt (error, "architecture JSON contains a NUL byte");
  /* Sizes first, parameters only once the blob is known to hold them. */
  m = em_nn_model_parse (json, FALSE, &local);
  if (m == NULL)
    return corrupt (error, "architecture: %s", local->message);

  need = 4 * em_nn_model_n_params (m);
  have = size - BLOB_HEADER - json_len;
  if (have != need)
    return corrupt (error, "%" G_GSIZE_FORMAT " parameter bytes, the architecture needs %" G_GSIZE_FORMAT,
                    have, need);

  for (guint i = 0; i < m->layers->len; i++)
    em_nn_layer_alloc_params (g_ptr_array_index (m->layers, i));
  off = BLOB_HEADER + json_len;
  for (guint i = 0; i < m->layers->len; i++)
    {
      const EmNnLayer *l = g_ptr_array_index (m->layers, i);
      EmNnTensorRef t[EM_NN_LAYER_MAX_TENSORS];
      int nt = em_nn_layer_tensors (l, t);

      for (int k = 0; k < nt; k++)
        for (gsize j = 0; j < t[k].n; j++, off += 4)
          {
            guint32 bits = get_u32 (data + off);
            memcpy (&t[k].data[j], &bits, 4);
            if (!isfinite (t[k].data[j]))
              return corrupt (error, "%s: %s[%" G_GSIZE_FORMAT "] is %s", l->name, t[k].what, j,
                              isnan (t[k].data[j]) ? "NaN" : "infinite");
          }
    }
  return g_steal_pointer (&m);
}
