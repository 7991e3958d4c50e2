/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include "em-cli.h"

/* Options shared by the listing commands. */
typedef struct {
  char    *label;
  char    *category;
  char    *kind;
  char    *enabled;
  char    *search;
  gint64   offset;
  gint64   limit;
  gboolean json;
} ListOptions;

static void
list_options_clear (ListOptions *o)
{
  g_free (o->label);
  g_free (o->category);
  g_free (o->kind);
  g_free (o->enabled);
  g_free (o->search);
}

static gboolean
list_options_to_filter (ListOptions *o, EmSampleFilter *filter, int *code)
{
  em_sample_filter_init (filter);
  filter->label = o->label;
  filter->search = o->search;
  filter->offset = o->offset;
  filter->limit = o->limit;
  if (o->category != NULL)
    {
      EmCategory c;
      if (!em_category_from_string (o->category, &c))
        return (*code = em_cli_usage ("--category must be training or testing, not '%s'", o->category)), FALSE;
      filter->category = c;
    }
  if (o->kind != NULL)
    {
      EmSensorKind k;
      if (!em_sensor_kind_from_string (o->kind, &k))
        return (*code = em_cli_usage ("--sensor must be time-series, audio or image, not '%s'", o->kind)), FALSE;
      filter->kind = k;
    }
  if (o->enabled != NULL)
    {
      if (strcmp (o->enabled, "yes") == 0)
        filter->enabled = 1;
      else if (strcmp (o->enabled, "no") == 0)
        filter->enabled = 0;
      else
        return (*code = em_cli_usage ("--enabled must be yes or no")), FALSE;
    }
  if (o->offset < 0)
    return (*code = em_cli_usage ("--offset must not be negative")), FALSE;
  return TRUE;
}

static void
add_list_options (GOptionContext *ctx, ListOptions *o)
{
  GOptionEntry entries[] = {
    { "label", 'l', 0, G_OPTION_ARG_STRING, &o->label, "Only samples with this label", "LABEL" },
    { "category", 'c', 0, G_OPTION_ARG_STRING, &o->category, "training or testing", "CATEGORY" },
    { "sensor", 0, 0, G_OPTION_ARG_STRING, &o->kind, "time-series, audio or image", "KIND" },
    { "enabled", 0, 0, G_OPTION_ARG_STRING, &o->enabled, "yes or no", "yes|no" },
    { "search", 's', 0, G_OPTION_ARG_STRING, &o->search, "Name or label contains TEXT", "TEXT" },
    { "offset", 0, 0, G_OPTION_ARG_INT64, &o->offset, "Skip N samples", "N" },
    { "limit", 'n', 0, G_OPTION_ARG_INT64, &o->limit, "At most N samples", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "Print JSON", NULL },
    { NULL }
  };
  o->limit = -1;
  g_option_context_add_main_entries (ctx, entries, NULL);
}

static int
data_list (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - list samples");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  ListOptions o = { 0 };
  EmSampleFilter filter;
  int code = EM_EXIT_OK;

  add_list_options (ctx, &o);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    goto out;
  if (argc != 2)
    {
      code = em_cli_usage ("data list needs exactly one PROJECT");
      goto out;
    }
  if (!list_options_to_filter (&o, &filter, &code) ||
      (project = em_cli_open_project (argv[1], &code)) == NULL)
    goto out;
  samples = em_project_list_samples (project, &filter, &error);
  if (samples == NULL)
    {
      code = em_cli_fail (error);
      goto out;
    }
  if (o.json)
    {
      /* One sample at a time: a 100k-row listing never holds the whole document. */
      printf ("[");
      for (guint i = 0; i < samples->len; i++)
        {
          g_autoptr(JsonNode) node = em_cli_sample_to_json (g_ptr_array_index (samples, i));
          g_autofree char *text = json_to_string (node, FALSE);
          printf ("%s\n  %s", i > 0 ? "," : "", text);
        }
      printf ("\n]\n");
      goto out;
    }
  printf ("%8s  %-28s %-14s %-9s %-11s %12s %s\n", "ID", "NAME", "LABEL", "CATEGORY", "SENSOR", "LENGTH", "");
  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *s = g_ptr_array_index (samples, i);
      g_autofree char *length = em_sample_get_kind (s) == EM_SENSOR_IMAGE
        ? g_strdup_printf ("%ux%u", em_sample_get_width (s), em_sample_get_height (s))
        : g_strdup_printf ("%.0f ms", em_sample_get_length_ms (s));
      printf ("%8" G_GINT64_FORMAT "  %-28s %-14s %-9s %-11s %12s %s\n", em_sample_get_id (s),
              em_sample_get_name (s), em_sample_get_label (s),
              em_category_to_string (em_sample_get_category (s)),
              em_sensor_kind_to_string (em_sample_get_kind (s)), length,
              em_sample_get_enabled (s) ? "" : "(disabled)");
    }
out:
  list_options_clear (&o);
  return code;
}

static int
data_show (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT ID - show one sample");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmSample) sample = NULL;
  g_autoptr(JsonNode) node = NULL;
  gboolean json = FALSE, values = FALSE;
  guint64 id = 0;
  int code = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "values", 0, 0, G_OPTION_ARG_NONE, &values, "Include the raw values (time series / audio)", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 3 || !g_ascii_string_to_unsigned (argv[2], 10, 1, G_MAXINT64, &id, NULL))
    return em_cli_usage ("data show needs PROJECT and a sample ID");
  project = em_cli_open_project (argv[1], &code);
  if (project == NULL)
    return code;
  sample = em_project_get_sample (project, (gint64) id, TRUE, &error);
  if (sample == NULL)
    return em_cli_fail (error);

  node = em_cli_sample_to_json (sample);
  if (values && em_sample_get_encoding (sample) == EM_ENCODING_F32LE)
    {
      guint64 n = 0;
      const float *v = em_sample_get_values (sample, &n);
      guint n_axes = MAX (em_sample_get_n_axes (sample), 1);
      JsonArray *rows = json_array_sized_new ((guint) (n / n_axes));
      for (guint64 f = 0; f + n_axes <= n; f += n_axes)
        {
          JsonArray *row = json_array_sized_new (n_axes);
          for (guint a = 0; a < n_axes; a++)
            json_array_add_double_element (row, v[f + a]);
          json_array_add_array_element (rows, row);
        }
      json_object_set_array_member (json_node_get_object (node), "values", rows);
    }
  if (json || values)
    {
      em_cli_print_json (node);
      return EM_EXIT_OK;
    }
  {
    g_autoptr(GPtrArray) keys = em_sample_get_metadata_keys (sample);
    g_autoptr(GDateTime) created = g_date_time_new_from_unix_utc (em_sample_get_created (sample) / G_USEC_PER_SEC);
    g_autofree char *created_text = created != NULL ? g_date_time_format_iso8601 (created) : g_strdup ("?");

    printf ("Sample %" G_GINT64_FORMAT ": %s\n", em_sample_get_id (sample), em_sample_get_name (sample));
    printf ("  Label:     %s\n", em_sample_get_label (sample));
    printf ("  Category:  %s%s\n", em_category_to_string (em_sample_get_category (sample)),
            em_sample_get_enabled (sample) ? "" : " (disabled)");
    printf ("  Sensor:    %s\n", em_sensor_kind_to_string (em_sample_get_kind (sample)));
    if (em_sample_get_kind (sample) == EM_SENSOR_IMAGE)
      printf ("  Size:      %u x %u %s\n", em_sample_get_width (sample), em_sample_get_height (sample),
              em_encoding_to_string (em_sample_get_encoding (sample)));
    else
      {
        printf ("  Rate:      %g Hz (interval %g ms)\n", em_sample_get_frequency_hz (sample),
                em_sample_get_interval_ms (sample));
        printf ("  Length:    %" G_GUINT64_FORMAT " frames, %.1f ms\n", em_sample_get_n_frames (sample),
                em_sample_get_length_ms (sample));
      }
    for (guint i = 0; i < em_sample_get_n_axes (sample); i++)
      printf ("  Axis %u:    %s (%s)\n", i, em_sample_get_axis (sample, i)->name,
              em_sample_get_axis (sample, i)->units);
    printf ("  Source:    %s\n", em_sample_get_source_format (sample) ? em_sample_get_source_format (sample) : "-");
    printf ("  Hash:      %s\n", em_sample_get_hash (sample));
    printf ("  Created:   %s\n", created_text);
    for (guint i = 0; i < keys->len; i++)
      printf ("  %s = %s\n", (char *) g_ptr_array_index (keys, i),
              em_sample_get_metadata (sample, g_ptr_array_index (keys, i)));
    for (guint i = 0; i < em_sample_get_n_boxes (sample); i++)
      {
        const EmBoundingBox *b = em_sample_get_box (sample, i);
        printf ("  Box %u:     %s at %g,%g size %gx%g\n", i, b->label, b->x, b->y, b->width, b->height);
      }
  }
  return EM_EXIT_OK;
}

typedef enum { EDIT_RM, EDIT_RELABEL, EDIT_MOVE, EDIT_ENABLE, EDIT_DISABLE } EditKind;

static int
data_edit (int argc, char **argv, EditKind kind)
{
  static const char * const usage[] = {
    "PROJECT ID... - delete samples",
    "PROJECT LABEL ID... - give samples a new label",
    "PROJECT training|testing ID... - move samples to a category",
    "PROJECT ID... - include samples in training and testing",
    "PROJECT ID... - leave samples out of training and testing",
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (usage[kind]);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(GArray) ids = NULL;
  int first_id = kind == EDIT_RELABEL || kind == EDIT_MOVE ? 3 : 2;
  EmCategory category = EM_CATEGORY_TRAINING;
  gboolean ok = FALSE;
  int code = 0;

  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc < first_id + 1)
    return em_cli_usage ("usage: %s %s", g_get_prgname (), usage[kind]);
  if (kind == EDIT_MOVE && !em_category_from_string (argv[2], &category))
    return em_cli_usage ("category must be training or testing, not '%s'", argv[2]);
  if (!em_cli_parse_ids (argv + first_id, argc - first_id, &ids, &code))
    return code;
  project = em_cli_open_project (argv[1], &code);
  if (project == NULL)
    return code;
  switch (kind)
    {
    case EDIT_RM:
      ok = em_project_delete_samples (project, (gint64 *) ids->data, ids->len, &error);
      break;
    case EDIT_RELABEL:
      ok = em_project_relabel (project, (gint64 *) ids->data, ids->len, argv[2], &error);
      break;
    case EDIT_MOVE:
      ok = em_project_set_category (project, (gint64 *) ids->data, ids->len, category, &error);
      break;
    case EDIT_ENABLE:
    case EDIT_DISABLE:
      ok = em_project_set_enabled (project, (gint64 *) ids->data, ids->len, kind == EDIT_ENABLE, &error);
      break;
    }
  if (!ok)
    return em_cli_fail (error);
  printf ("%u sample%s %s\n", ids->len, ids->len == 1 ? "" : "s",
          (const char *[]) { "deleted", "relabelled", "moved", "enabled", "disabled" }[kind]);
  return EM_EXIT_OK;
}

static int data_rm (int argc, char **argv) { return data_edit (argc, argv, EDIT_RM); }
static int data_relabel (int argc, char **argv) { return data_edit (argc, argv, EDIT_RELABEL); }
static int data_move (int argc, char **argv) { return data_edit (argc, argv, EDIT_MOVE); }
static int data_enable (int argc, char **argv) { return data_edit (argc, argv, EDIT_ENABLE); }
static int data_disable (int argc, char **argv) { return data_edit (argc, argv, EDIT_DISABLE); }

static int
data_split (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - stratified train/test re-split");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  double train = 0.8;
  gint seed = 1;
  int code = 0;
  GOptionEntry entries[] = {
    { "train", 0, 0, G_OPTION_ARG_DOUBLE, &train, "Fraction for training (default 0.8)", "F" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Shuffle seed (default 1)", "N" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("data split needs exactly one PROJECT");
  if (!(train >= 0 && train <= 1))
    return em_cli_usage ("--train must be between 0 and 1");
  project = em_cli_open_project (argv[1], &code);
  if (project == NULL)
    return code;
  if (!em_project_resplit (project, train, (guint32) seed, &error))
    return em_cli_fail (error);
  printf ("Re-split %s: %.0f%% training per label\n", em_project_get_name (project), train * 100);
  return EM_EXIT_OK;
}

static int
data_stats (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - samples per label and category");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(GPtrArray) stats = NULL;
  gboolean json = FALSE;
  int code = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("data stats needs exactly one PROJECT");
  project = em_cli_open_project (argv[1], &code);
  if (project == NULL)
    return code;
  stats = em_project_label_stats (project, &error);
  if (stats == NULL)
    return em_cli_fail (error);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      json_builder_begin_array (b);
      for (guint i = 0; i < stats->len; i++)
        {
          EmLabelStats *s = g_ptr_array_index (stats, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "label");
          json_builder_add_string_value (b, s->label);
          json_builder_set_member_name (b, "training");
          json_builder_add_int_value (b, s->count[0]);
          json_builder_set_member_name (b, "testing");
          json_builder_add_int_value (b, s->count[1]);
          json_builder_set_member_name (b, "training_ms");
          json_builder_add_double_value (b, s->length_ms[0]);
          json_builder_set_member_name (b, "testing_ms");
          json_builder_add_double_value (b, s->length_ms[1]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      em_cli_print_json (root);
      return EM_EXIT_OK;
    }
  printf ("%-24s %9s %9s %7s %12s\n", "LABEL", "TRAINING", "TESTING", "TEST %", "LENGTH (s)");
  for (guint i = 0; i < stats->len; i++)
    {
      EmLabelStats *s = g_ptr_array_index (stats, i);
      guint n = s->count[0] + s->count[1];
      printf ("%-24s %9u %9u %6.1f%% %12.1f\n", *s->label ? s->label : "(unlabeled)", s->count[0],
              s->count[1], n ? 100.0 * s->count[1] / n : 0.0, (s->length_ms[0] + s->length_ms[1]) / 1000);
    }
  return EM_EXIT_OK;
}

int
em_cli_data_main (int argc, char **argv)
{
  static const EmCliCommand commands[] = {
    { "import", "import WAV, CSV, EI JSON/CBOR, PNG, JPEG files or folders", em_cli_data_import },
    { "list", "list samples, with filters and paging", data_list },
    { "show", "show one sample (with --values, its data)", data_show },
    { "rm", "delete samples", data_rm },
    { "relabel", "give samples a new label", data_relabel },
    { "move", "move samples to training or testing", data_move },
    { "enable", "include samples in training and testing", data_enable },
    { "disable", "leave samples out of training and testing", data_disable },
    { "split", "stratified train/test re-split", data_split },
    { "export", "write samples to folders, in the formats they came in", em_cli_data_export },
    { "stats", "samples per label and category", data_stats },
    { NULL, NULL, NULL },
  };
  return em_cli_dispatch ("data", commands, argc, argv);
}
