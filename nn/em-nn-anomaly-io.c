/* SPDX-License-Identifier: Apache-2.0 */
/* EmNnAnomaly ownership, scoring of full feature vectors, and JSON:
 *   {"type": "kmeans", "version": 1, "k": 3, "dim": 2, "axes": [0, 2],
 *    "centroids": [k*dim], "radius": [k]}
 *   {"type": "gmm", "version": 1, "k": 2, "dim": 2, "axes": [...],
 *    "covariance": "full" | "diagonal", "log_weights": [k],
 *    "means": [k*dim], "precision": [k*dim*dim] | [k*dim], "log_norm": [k]}
 * Arrays are flat and row-major, in the layout of EmNnKmeansModel and
 * EmNnGmmModel. Floats are printed with %.9g, which is enough digits for
 * every float to read back bit for bit. */
#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include "em-nn-anomaly-private.h"
#include "em-nn-model.h"

#define ANOMALY_JSON_VERSION 1
/* Far above any sensible model, low enough that k·dim·dim fits an int32. */
#define MAX_K   4096
#define MAX_DIM 1024

static EmNnAnomaly *
anomaly_new (gboolean is_gmm, const int *axes, int n_axes)
{
  EmNnAnomaly *a = g_new0 (EmNnAnomaly, 1);

  a->is_gmm = is_gmm;
  a->n_axes = n_axes;
  a->axes = g_memdup2 (axes, sizeof (int) * (gsize) n_axes);
  return a;
}

EmNnAnomaly *
em_nn_anomaly_new_kmeans (int k, const int *axes, int n_axes)
{
  EmNnAnomaly *a = anomaly_new (FALSE, axes, n_axes);

  a->kmeans.k = k;
  a->kmeans.dim = n_axes;
  a->kmeans.centroids = g_new0 (float, (gsize) k * n_axes);
  a->kmeans.radius = g_new0 (float, k);
  return a;
}

EmNnAnomaly *
em_nn_anomaly_new_gmm (int k, gboolean full, const int *axes, int n_axes)
{
  EmNnAnomaly *a = anomaly_new (TRUE, axes, n_axes);

  a->gmm.k = k;
  a->gmm.dim = n_axes;
  a->gmm.full = full ? 1 : 0;
  a->gmm.log_weights = g_new0 (float, k);
  a->gmm.means = g_new0 (float, (gsize) k * n_axes);
  a->gmm.precision = g_new0 (float, (gsize) k * n_axes * (full ? n_axes : 1));
  a->gmm.log_norm = g_new0 (float, k);
  return a;
}

void
em_nn_anomaly_free (EmNnAnomaly *a)
{
  if (a == NULL)
    return;
  g_free (a->axes);
  /* The model structs expose const arrays for the device API; here they
   * are the ones allocated above. */
  g_free ((float *) a->kmeans.centroids);
  g_free ((float *) a->kmeans.radius);
  g_free ((float *) a->gmm.log_weights);
  g_free ((float *) a->gmm.means);
  g_free ((float *) a->gmm.precision);
  g_free ((float *) a->gmm.log_norm);
  g_free (a);
}

float
em_nn_anomaly_score (const EmNnAnomaly *a, const float *features)
{
  float stack[2 * 64];
  g_autofree float *heap = NULL;
  float *x = stack;
  float score;

  /* Room for the gathered window and the GMM scratch. */
  if (a->n_axes > 64)
    x = heap = g_new (float, 2 * (gsize) a->n_axes);
  for (int j = 0; j < a->n_axes; j++)
    x[j] = features[a->axes[j]];
  if (a->is_gmm)
    score = em_nn_gmm_score (&a->gmm, x, x + a->n_axes);
  else
    score = em_nn_kmeans_score (&a->kmeans, x);
  return score;
}

static void
append_floats (GString *s, const char *key, const float *v, gsize n)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (s, ",\n  \"%s\": [", key);
  for (gsize i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (s, i % 8 == 0 ? ",\n    " : ", ");
      g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.9g", (double) v[i]));
    }
  g_string_append_c (s, ']');
}

char *
em_nn_anomaly_to_json (const EmNnAnomaly *a)
{
  GString *s = g_string_new ("{\n");
  int k = a->is_gmm ? a->gmm.k : a->kmeans.k;

  g_string_append_printf (s, "  \"type\": \"%s\",\n  \"version\": %d,\n  \"k\": %d,\n  \"dim\": %d,\n",
                          a->is_gmm ? "gmm" : "kmeans", ANOMALY_JSON_VERSION, k, a->n_axes);
  g_string_append (s, "  \"axes\": [");
  for (int j = 0; j < a->n_axes; j++)
    g_string_append_printf (s, "%s%d", j > 0 ? ", " : "", a->axes[j]);
  g_string_append_c (s, ']');
  if (!a->is_gmm)
    {
      append_floats (s, "centroids", a->kmeans.centroids, (gsize) k * a->n_axes);
      append_floats (s, "radius", a->kmeans.radius, k);
    }
  else
    {
      g_string_append_printf (s, ",\n  \"covariance\": \"%s\"", a->gmm.full ? "full" : "diagonal");
      append_floats (s, "log_weights", a->gmm.log_weights, k);
      append_floats (s, "means", a->gmm.means, (gsize) k * a->n_axes);
      append_floats (s, "precision", a->gmm.precision,
                     (gsize) k * a->n_axes * (a->gmm.full ? a->n_axes : 1));
      append_floats (s, "log_norm", a->gmm.log_norm, k);
    }
  g_string_append (s, "\n}\n");
  return g_string_free (s, FALSE);
}

static gboolean
corrupt (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
corrupt (GError **error, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, EM_NN_ERROR, EM_NN_ERROR_CORRUPT, "anomaly model JSON: %s", msg);
  return FALSE;
}

/* The string member key, or NULL when it is missing or not a string. */
static const char *
read_string (JsonObject *o, const char *key)
{
  JsonNode *node = json_object_get_member (o, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
read_int (JsonObject *o, const char *key, int lo, int hi, int *out, GError **error)
{
  JsonNode *node = json_object_get_member (o, key);
  gint64 v;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return corrupt (error, "\"%s\" is missing or not an integer", key);
  v = json_node_get_int (node);
  if (v < lo || v > hi)
    return corrupt (error, "\"%s\" is %" G_GINT64_FORMAT ", outside [%d, %d]", key, v, lo, hi);
  *out = (int) v;
  return TRUE;
}

/* A numeric array of exactly n finite floats into out. */
static gboolean
read_floats (JsonObject *o, const char *key, gsize n, float *out, GError **error)
{
  JsonNode *node = json_object_get_member (o, key);
  JsonArray *arr;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return corrupt (error, "\"%s\" is missing or not an array", key);
  arr = json_node_get_array (node);
  if (json_array_get_length (arr) != n)
    return corrupt (error, "\"%s\" has %u values, expected %" G_GSIZE_FORMAT, key,
                    json_array_get_length (arr), n);
  for (gsize i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (arr, (guint) i);
      GType t = JSON_NODE_HOLDS_VALUE (e) ? json_node_get_value_type (e) : G_TYPE_INVALID;
      double v;

      if (t != G_TYPE_DOUBLE && t != G_TYPE_INT64)
        return corrupt (error, "\"%s\"[%" G_GSIZE_FORMAT "] is not a number", key, i);
      v = json_node_get_double (e);
      out[i] = (float) v;
      if (!isfinite (out[i]))
        return corrupt (error, "\"%s\"[%" G_GSIZE_FORMAT "] is not a finite float", key, i);
    }
  return TRUE;
}

EmNnAnomaly *
em_nn_anomaly_from_json (const char *json, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  g_autoptr(EmNnAnomaly) a = NULL;
  g_autofree int *axes = NULL;
  JsonNode *root, *axes_node;
  JsonObject *o;
  JsonArray *axes_arr;
  const char *type;
  int version = 0, k = 0, dim = 0;   /* set by read_int; -O3 cannot see that */

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, &local))
    {
      corrupt (error, "%s", local != NULL ? local->message : "no text");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      corrupt (error, "the top level is not an object");
      return NULL;
    }
  o = json_node_get_object (root);
  type = read_string (o, "type");
  if (type == NULL || (strcmp (type, "kmeans") != 0 && strcmp (type, "gmm") != 0))
    {
      corrupt (error, "\"type\" is %s%s%s, expected \"kmeans\" or \"gmm\"",
               type ? "\"" : "", type ? type : "missing", type ? "\"" : "");
      return NULL;
    }
  if (!read_int (o, "version", ANOMALY_JSON_VERSION, ANOMALY_JSON_VERSION, &version, error)
      || !read_int (o, "k", 1, MAX_K, &k, error)
      || !read_int (o, "dim", 1, MAX_DIM, &dim, error))
    return NULL;

  axes_node = json_object_get_member (o, "axes");
  if (axes_node == NULL || !JSON_NODE_HOLDS_ARRAY (axes_node))
    {
      corrupt (error, "\"axes\" is missing or not an array");
      return NULL;
    }
  axes_arr = json_node_get_array (axes_node);
  if ((int) json_array_get_length (axes_arr) != dim)
    {
      corrupt (error, "\"axes\" has %u entries, expected dim = %d", json_array_get_length (axes_arr), dim);
      return NULL;
    }
  axes = g_new (int, dim);
  for (int j = 0; j < dim; j++)
    {
      JsonNode *e = json_array_get_element (axes_arr, j);

      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_INT64
          || json_node_get_int (e) < 0 || json_node_get_int (e) > G_MAXINT32)
        {
          corrupt (error, "\"axes\"[%d] is not a feature index", j);
          return NULL;
        }
      axes[j] = (int) json_node_get_int (e);
    }

  if (strcmp (type, "kmeans") == 0)
    {
      a = em_nn_anomaly_new_kmeans (k, axes, dim);
      if (!read_floats (o, "centroids", (gsize) k * dim, (float *) a->kmeans.centroids, error)
          || !read_floats (o, "radius", k, (float *) a->kmeans.radius, error))
        return NULL;
      for (int c = 0; c < k; c++)
        if (!(a->kmeans.radius[c] > 0.0f))
          {
            corrupt (error, "\"radius\"[%d] is not positive", c);
            return NULL;
          }
    }
  else
    {
      const char *cov = read_string (o, "covariance");
      gboolean full;

      if (cov == NULL || (strcmp (cov, "full") != 0 && strcmp (cov, "diagonal") != 0))
        {
          corrupt (error, "\"covariance\" is not \"full\" or \"diagonal\"");
          return NULL;
        }
      full = strcmp (cov, "full") == 0;
      a = em_nn_anomaly_new_gmm (k, full, axes, dim);
      if (!read_floats (o, "log_weights", k, (float *) a->gmm.log_weights, error)
          || !read_floats (o, "means", (gsize) k * dim, (float *) a->gmm.means, error)
          || !read_floats (o, "precision", (gsize) k * dim * (full ? dim : 1),
                           (float *) a->gmm.precision, error)
          || !read_floats (o, "log_norm", k, (float *) a->gmm.log_norm, error))
        return NULL;
      /* A precision that is not positive definite would give densities
       * that do not integrate; its diagonal (of L when full) must be > 0. */
      for (int c = 0; c < k; c++)
        for (int j = 0; j < dim; j++)
          {
            float v = full ? a->gmm.precision[((gsize) c * dim + j) * dim + j]
                           : a->gmm.precision[(gsize) c * dim + j];
            if (!(v > 0.0f))
              {
                corrupt (error, "component %d: precision entry %d on the diagonal is not positive", c, j);
                return NULL;
              }
          }
    }
  return g_steal_pointer (&a);
}
