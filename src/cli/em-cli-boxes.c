/* SPDX-License-Identifier: Apache-2.0 */
/* ember-cli boxes: assisted labeling with the trained model
 * (em-box-proposal-model.h). */
#include <stdio.h>
#include "em-box-proposal-model.h"
#include "em-cli.h"
#include "em-error.h"
#include "em-learn.h"

static const char propose_help[] =
  "Runs the impulse's trained model on images: an object-detection block\n"
  "proposes its boxes, an image classifier one box over the whole image with\n"
  "the class it finds. The int8 model runs, as deployment does by default\n"
  "(the float one when there is no int8 model, or with --float).\n"
  "Without --sample, every image that has no bounding box yet.\n"
  "\n"
  "--accept stores the proposals as the images' boxes, all in one transaction,\n"
  "on images that have no box only (an image with boxes keeps them). To undo,\n"
  "'ember-cli boxes clear PROJECT ID...' with the ids it prints.\n"
  "\n"
  "Exit status: 0 done; 2 bad command line; 3 the model does not fit the\n"
  "impulse (retrain); 4 the project cannot be opened; 5 no trained model, no\n"
  "such block or sample.";

static JsonNode *
proposal_to_json (const EmBoxProposal *p)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "label");
  json_builder_add_string_value (b, p->label);
  json_builder_set_member_name (b, "score");
  json_builder_add_double_value (b, p->score);
  json_builder_set_member_name (b, "x");
  json_builder_add_double_value (b, p->x);
  json_builder_set_member_name (b, "y");
  json_builder_add_double_value (b, p->y);
  json_builder_set_member_name (b, "width");
  json_builder_add_double_value (b, p->width);
  json_builder_set_member_name (b, "height");
  json_builder_add_double_value (b, p->height);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The images to propose for, without data. */
static GPtrArray *
pick_samples (EmProject *project, GArray *list, int *exit_code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = NULL;

  if (list != NULL)
    {
      samples = em_project_get_samples (project, (gint64 *) list->data, list->len, &error);
      if (samples == NULL)
        {
          *exit_code = em_cli_fail (error);
          return NULL;
        }
      if (samples->len != list->len)
        {
          for (guint i = 0; i < list->len; i++)
            {
              gint64 id = g_array_index (list, gint64, i);
              gboolean found = FALSE;
              for (guint k = 0; k < samples->len && !found; k++)
                found = em_sample_get_id (g_ptr_array_index (samples, k)) == id;
              if (!found)
                {
                  g_set_error (&error, EM_ERROR, EM_ERROR_NOT_FOUND, "no sample with id %" G_GINT64_FORMAT, id);
                  break;
                }
            }
          *exit_code = em_cli_fail (error);
          return NULL;
        }
      for (guint i = 0; i < samples->len; i++)
        {
          EmSample *s = g_ptr_array_index (samples, i);
          if (em_sample_get_kind (s) != EM_SENSOR_IMAGE)
            {
              *exit_code = em_cli_usage ("sample %" G_GINT64_FORMAT " (%s) is not an image", em_sample_get_id (s),
                                         em_sample_get_name (s));
              return NULL;
            }
        }
    }
  else
    {
      EmSampleFilter filter;

      em_sample_filter_init (&filter);
      filter.kind = EM_SENSOR_IMAGE;
      if ((samples = em_project_list_samples (project, &filter, &error)) == NULL)
        {
          *exit_code = em_cli_fail (error);
          return NULL;
        }
      for (guint i = samples->len; i-- > 0;)
        if (em_sample_get_n_boxes (g_ptr_array_index (samples, i)) > 0)
          g_ptr_array_remove_index (samples, i);
    }
  return g_steal_pointer (&samples);
}

static int
boxes_propose (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT - propose boxes or labels with the trained model");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmBoxProposalSource) source = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(JsonArray) results = json_array_new ();
  g_autoptr(GArray) accepted = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) id_list = NULL;
  g_autofree char *block = NULL;
  g_auto(GStrv) ids = NULL;
  gboolean unlabeled = FALSE, accept = FALSE, json = FALSE, use_float = FALSE;
  double min_score = 0;
  guint n_boxes = 0, n_stored = 0;
  int code = 0;
  GOptionEntry entries[] = {
    { "sample", 's', 0, G_OPTION_ARG_STRING_ARRAY, &ids, "Propose for this image (repeat for more)", "ID" },
    { "unlabeled", 'u', 0, G_OPTION_ARG_NONE, &unlabeled, "Every image without boxes (the default)", NULL },
    { "accept", 0, 0, G_OPTION_ARG_NONE, &accept, "Store the proposals as boxes", NULL },
    { "block", 'b', 0, G_OPTION_ARG_STRING, &block, "Learning block (default: the first detector, else classifier)",
      "ID" },
    { "min-score", 0, 0, G_OPTION_ARG_DOUBLE, &min_score, "Leave out proposals scored below S (0..1)", "S" },
    { "float", 0, 0, G_OPTION_ARG_NONE, &use_float, "Run the float model instead of the int8 one", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx, propose_help);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("boxes propose needs exactly one PROJECT");
  if (ids != NULL && unlabeled)
    return em_cli_usage ("give --sample or --unlabeled, not both");
  if (!(min_score >= 0 && min_score <= 1))
    return em_cli_usage ("--min-score must be between 0 and 1");
  if (ids != NULL && !em_cli_parse_ids (ids, (int) g_strv_length (ids), &id_list, &code))
    return code;
  project = em_cli_open_project (argv[1], &code);
  if (project == NULL)
    return code;
  source = em_box_proposal_model_source_new (project, NULL, em_block_registry_get_default (), block,
                                             use_float ? EM_BOX_PROPOSAL_MODEL_FLOAT
                                                       : EM_BOX_PROPOSAL_MODEL_DEFAULT, &error);
  if (source == NULL)
    return em_cli_fail (error);
  if ((samples = pick_samples (project, id_list, &code)) == NULL)
    return code;

  if (accept && !em_project_begin (project, &error))
    return em_cli_fail (error);
  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *listed = g_ptr_array_index (samples, i);
      g_autoptr(EmSample) sample = em_project_get_sample (project, em_sample_get_id (listed), TRUE, &error);
      g_autoptr(GArray) got = NULL;
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(EmSample) boxes = NULL;
      gboolean store;

      if (sample == NULL ||
          (got = em_box_proposal_source_propose (source, sample, NULL, &error)) == NULL)
        goto failed;
      for (guint k = got->len; k-- > 0;)
        if (g_array_index (got, EmBoxProposal, k).score < min_score)
          g_array_remove_index (got, k);
      store = accept && got->len > 0 && em_sample_get_n_boxes (sample) == 0;
      if (store)
        {
          boxes = em_sample_new ();
          for (guint k = 0; k < got->len; k++)
            {
              const EmBoxProposal *p = &g_array_index (got, EmBoxProposal, k);
              em_sample_add_box (boxes, p->label, p->x, p->y, p->width, p->height);
            }
          if (!em_project_set_boxes (project, em_sample_get_id (sample), boxes, &error))
            goto failed;
          g_array_append_vals (accepted, (gint64[]) { em_sample_get_id (sample) }, 1);
          n_stored += got->len;
        }
      n_boxes += got->len;

      if (json)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_int_value (b, em_sample_get_id (sample));
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, em_sample_get_name (sample));
          json_builder_set_member_name (b, "stored");
          json_builder_add_boolean_value (b, store);
          json_builder_set_member_name (b, "proposals");
          json_builder_begin_array (b);
          for (guint k = 0; k < got->len; k++)
            json_builder_add_value (b, proposal_to_json (&g_array_index (got, EmBoxProposal, k)));
          json_builder_end_array (b);
          json_builder_end_object (b);
          json_array_add_element (results, json_builder_get_root (b));
          continue;
        }
      printf ("%s (id %" G_GINT64_FORMAT "): %u proposal%s%s\n", em_sample_get_name (sample),
              em_sample_get_id (sample), got->len, got->len == 1 ? "" : "s",
              store ? ", stored" : accept && got->len > 0 ? ", not stored: the image has boxes" : "");
      for (guint k = 0; k < got->len; k++)
        {
          const EmBoxProposal *p = &g_array_index (got, EmBoxProposal, k);
          printf ("  %-16s %.3f  x %.1f y %.1f w %.1f h %.1f\n", p->label, p->score, p->x, p->y, p->width,
                  p->height);
        }
      continue;

    failed:
      if (accept)
        em_project_rollback (project);
      g_prefix_error (&error, "%s: ", em_sample_get_name (listed));
      return em_cli_fail (error);
    }
  if (accept && !em_project_commit (project, &error))
    return em_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "block");
      json_builder_add_string_value (b, em_box_proposal_model_source_get_block (source));
      json_builder_set_member_name (b, "task");
      json_builder_add_string_value (b, em_learn_task_to_string (em_box_proposal_model_source_get_task (source)));
      json_builder_set_member_name (b, "variant");
      json_builder_add_string_value (b, em_box_proposal_model_source_get_variant (source));
      json_builder_set_member_name (b, "images");
      json_builder_add_value (b, json_node_init_array (json_node_alloc (), results));
      json_builder_set_member_name (b, "stored_boxes");
      json_builder_add_int_value (b, n_stored);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      em_cli_print_json (root);
      return EM_EXIT_OK;
    }
  printf ("%u proposal%s on %u image%s (block %s, %s model)\n", n_boxes, n_boxes == 1 ? "" : "s", samples->len,
          samples->len == 1 ? "" : "s", em_box_proposal_model_source_get_block (source),
          em_box_proposal_model_source_get_variant (source));
  if (accept)
    {
      printf ("Stored %u box%s on %u image%s", n_stored, n_stored == 1 ? "" : "es", accepted->len,
              accepted->len == 1 ? "" : "s");
      if (accepted->len > 0)
        {
          printf ("; undo with: ember-cli boxes clear %s", argv[1]);
          for (guint i = 0; i < accepted->len; i++)
            printf (" %" G_GINT64_FORMAT, g_array_index (accepted, gint64, i));
        }
      printf ("\n");
    }
  return EM_EXIT_OK;
}

static int
boxes_clear (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PROJECT ID... - remove every bounding box of images");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autoptr(EmSample) none = em_sample_new ();
  g_autoptr(GArray) ids = NULL;
  int code = 0;

  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc < 3)
    return em_cli_usage ("boxes clear needs a PROJECT and one or more sample ids");
  if (!em_cli_parse_ids (argv + 2, argc - 2, &ids, &code))
    return code;
  project = em_cli_open_project (argv[1], &code);
  if (project == NULL)
    return code;
  if (!em_project_begin (project, &error))
    return em_cli_fail (error);
  for (guint i = 0; i < ids->len; i++)
    if (!em_project_set_boxes (project, g_array_index (ids, gint64, i), none, &error))
      {
        em_project_rollback (project);
        return em_cli_fail (error);
      }
  if (!em_project_commit (project, &error))
    return em_cli_fail (error);
  printf ("Removed the boxes of %u image%s\n", ids->len, ids->len == 1 ? "" : "s");
  return EM_EXIT_OK;
}

int
em_cli_boxes_main (int argc, char **argv)
{
  static const EmCliCommand commands[] = {
    { "propose", "propose boxes or labels on images with the trained model", boxes_propose },
    { "clear", "remove the bounding boxes of images", boxes_clear },
    { NULL, NULL, NULL },
  };

  return em_cli_dispatch ("boxes", commands, argc, argv);
}
