/* SPDX-License-Identifier: Apache-2.0 */
/* The impulse run on one image, outside the feature cache: the labeling
 * view asks for images that may have no features yet (an image just
 * captured), and one image's features cost less to compute than to look
 * up and store. */
#include <string.h>

#include "em-box-proposal-model.h"
#include "em-error.h"
#include "em-learn.h"
#include "em-learn-boxes.h"
#include "em-model-store.h"
#include "em-windower.h"

typedef struct {
  EmImpulse           *impulse;
  EmImpulseLearnBlock *lb;       /* in @impulse */
  EmModel             *model;
  EmBlock             *block;    /* the learning block (a ref) */
  const EmLearningOps *ops;
  void                *state;    /* the loaded model */
  guint32              n_outputs;
  EmLearnTask          task;
  gboolean             int8;
  GPtrArray           *inputs;   /* Input, in lb->inputs order */
  double              *typical;  /* detection: per class, median box width and height as
                                  * fractions of the image's (0: no box of the class) */
} Runner;

typedef struct {
  EmImpulseBlock        *ib;     /* in the runner's impulse */
  EmBlock               *block;  /* a ref */
  const EmProcessingOps *ops;
  EmBlockParams         *params;
} Input;

static void
input_free (Input *input)
{
  em_block_params_free (input->params);
  em_block_unref (input->block);
  g_free (input);
}

static void
runner_free (Runner *r)
{
  if (r->state != NULL)
    r->ops->free (r->state);
  g_clear_pointer (&r->inputs, g_ptr_array_unref);
  g_free (r->typical);
  g_clear_pointer (&r->block, em_block_unref);
  g_clear_pointer (&r->model, em_model_free);
  g_clear_pointer (&r->impulse, em_impulse_free);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Runner, runner_free)

static const char *
sample_name (EmSample *sample)
{
  return em_sample_get_name (sample) != NULL ? em_sample_get_name (sample) : "";
}

/* The features of the image's first window (an image has one), every
 * input's concatenated in order, as em_learn_gather() lays them out. */
static float *
compute_features (Runner *r, EmSample *sample, GError **error)
{
  g_autoptr(GArray) x = g_array_new (FALSE, FALSE, sizeof (float));

  for (guint i = 0; i < r->inputs->len; i++)
    {
      Input *in = g_ptr_array_index (r->inputs, i);
      g_autoptr(EmWindower) windower = em_windower_new (&r->impulse->input, in->ib->axes, sample, error);
      g_autofree float *out = NULL;
      EmFeatureShape shape = { 0, 0 };
      void *state = NULL;
      char err[256] = "";
      guint n_windows = 0;
      int rc;

      if (windower == NULL || !em_windower_set_sample (windower, sample, &n_windows, error))
        {
          g_prefix_error (error, "block %s: ", in->ib->id);
          return NULL;
        }
      if (n_windows == 0)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "block %s: image '%s' gives no window", in->ib->id,
                       sample_name (sample));
          return NULL;
        }
      if (in->ops->init (in->params->params, in->params->n_params, em_windower_get_info (windower), &state, &shape,
                         err, sizeof err) != 0)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "block %s: %s", in->ib->id, err);
          return NULL;
        }
      out = g_new (float, MAX ((gsize) shape.rows * shape.cols, 1));
      rc = in->ops->run (state, em_windower_get (windower, 0), out, err, sizeof err);
      in->ops->free (state);
      if (rc != 0)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "block %s: image '%s': %s", in->ib->id,
                       sample_name (sample), err);
          return NULL;
        }
      g_array_append_vals (x, out, shape.rows * shape.cols);
    }
  return (float *) g_array_free (g_steal_pointer (&x), FALSE);
}

static GArray *
model_propose (EmBoxProposalSource *source, EmSample *sample, EmSample *previous, GError **error)
{
  Runner *r = source->user_data;
  g_autoptr(GArray) proposals = NULL;
  g_autofree float *features = NULL;
  g_autofree float *out = NULL;
  guint n_labels = g_strv_length (r->model->labels);
  guint width = em_sample_get_width (sample), height = em_sample_get_height (sample);
  char err[512] = "";

  if (em_sample_get_kind (sample) != EM_SENSOR_IMAGE)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "sample '%s' is not an image", sample_name (sample));
      return NULL;
    }
  if (em_sample_get_data (sample) == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "image '%s' was read without its data",
                   sample_name (sample));
      return NULL;
    }
  if ((features = compute_features (r, sample, error)) == NULL)
    return NULL;
  out = g_new (float, r->n_outputs);
  if (r->ops->run (r->state, features, out, err, sizeof err) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_FAILED, "block %s: running the %s model on '%s' failed: %s",
                   r->lb->id, r->int8 ? "int8" : "float", sample_name (sample), err);
      return NULL;
    }
  /* Images stored without a size are the input's size (em-learn-boxes.c). */
  if (width == 0 || height == 0)
    {
      width = r->impulse->input.width;
      height = r->impulse->input.height;
    }

  proposals = em_box_proposals_new ();
  if (r->task == EM_TASK_OBJECT_DETECTION)
    {
      guint n = (guint) CLAMP (out[0], 0, EM_LEARN_MAX_OBJECTS);

      for (guint k = 0; k < n; k++)
        {
          const float *o = out + 1 + k * EM_LEARN_OBJECT_FLOATS;
          EmLearnBox in = { (int32_t) o[0], o[1], o[2], o[3], o[4] };
          EmBoundingBox box = { 0 };
          EmBoxProposal p;
          double cx, cy, w, h;

          if (in.label < 1 || (guint) in.label > n_labels || in.w <= 0 || in.h <= 0 ||
              !em_learn_box_from_input (&r->impulse->input, width, height, &in, &box))
            continue;
          /* The centroid, placed in the image box as it sits in the cells' box. */
          cx = box.x + CLAMP ((o[5] - in.x) / in.w, 0, 1) * box.width;
          cy = box.y + CLAMP ((o[6] - in.y) / in.h, 0, 1) * box.height;
          /* The cells only say where an object is, not how big (a cell is
           * 1/8 of the input): give it the size its class's boxes usually
           * have, or the merged cells' when those are bigger. */
          w = MAX (box.width, r->typical[2 * (in.label - 1)] * width);
          h = MAX (box.height, r->typical[2 * (in.label - 1) + 1] * height);
          p.x = CLAMP (cx - w / 2, 0, width);
          p.y = CLAMP (cy - h / 2, 0, height);
          p.width = MIN (cx + w / 2, (double) width) - p.x;
          p.height = MIN (cy + h / 2, (double) height) - p.y;
          p.label = g_strdup (r->model->labels[in.label - 1]);
          p.score = CLAMP (o[7], 0.0f, 1.0f);
          g_array_append_val (proposals, p);
        }
    }
  else
    {
      guint top = 0;
      EmBoxProposal p;

      for (guint c = 1; c < n_labels; c++)
        if (out[c] > out[top])
          top = c;
      p.label = g_strdup (r->model->labels[top]);
      p.x = p.y = 0;
      p.width = width;
      p.height = height;
      p.score = CLAMP (out[top], 0.0f, 1.0f);
      g_array_append_val (proposals, p);
    }
  return g_steal_pointer (&proposals);
}

/* The block to run: @block_id, or the first detector, else the first classifier. */
static EmImpulseLearnBlock *
find_block (EmImpulse *impulse, EmBlockRegistry *registry, const char *block_id, EmBlock **block_out,
            GError **error)
{
  static const EmLearnTask wanted[] = { EM_TASK_OBJECT_DETECTION, EM_TASK_CLASSIFICATION };

  if (block_id != NULL)
    {
      EmImpulseLearnBlock *lb = em_learn_find_block (impulse, registry, block_id, block_out, error);
      EmLearnTask task;

      if (lb == NULL)
        return NULL;
      task = em_learn_task_for_block (*block_out);
      if (task != EM_TASK_OBJECT_DETECTION && task != EM_TASK_CLASSIFICATION)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                       "block %s (%s) cannot propose boxes or labels: it is not object detection or "
                       "classification", lb->id, em_learn_task_to_string (task));
          return NULL;
        }
      return lb;
    }
  for (guint w = 0; w < G_N_ELEMENTS (wanted); w++)
    for (guint i = 0; impulse->learn_blocks != NULL && i < impulse->learn_blocks->len; i++)
      {
        EmImpulseLearnBlock *lb = g_ptr_array_index (impulse->learn_blocks, i);
        EmBlock *block = em_block_registry_lookup (registry, lb->plugin);

        if (block != NULL && em_block_get_kind (block) == EM_BLOCK_LEARNING &&
            em_learn_task_for_block (block) == wanted[w])
          {
            *block_out = block;
            return lb;
          }
      }
  g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
               "the impulse has no object-detection or classification block (installed) to propose with");
  return NULL;
}

static gboolean
runner_add_inputs (Runner *r, EmBlockRegistry *registry, GError **error)
{
  r->inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) input_free);
  if (r->lb->inputs[0] == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "block %s has no inputs: connect it to a processing block",
                   r->lb->id);
      return FALSE;
    }
  for (guint i = 0; r->lb->inputs[i] != NULL; i++)
    {
      EmImpulseBlock *ib = em_impulse_find_block (r->impulse, r->lb->inputs[i]);
      EmBlock *block = ib != NULL ? em_block_registry_lookup (registry, ib->plugin) : NULL;
      Input *in;

      if (ib == NULL)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "block %s takes '%s', which is not in the impulse",
                       r->lb->id, r->lb->inputs[i]);
          return FALSE;
        }
      if (block == NULL || em_block_get_kind (block) != EM_BLOCK_PROCESSING)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "block %s: processing block '%s' is not installed",
                       ib->id, ib->plugin);
          return FALSE;
        }
      in = g_new0 (Input, 1);
      in->ib = ib;
      in->block = em_block_ref (block);
      in->ops = em_block_get_processing_ops (block);
      g_ptr_array_add (r->inputs, in);
      if ((in->params = em_block_resolve_params (block, ib->params, error)) == NULL)
        {
          g_prefix_error (error, "block %s: ", ib->id);
          return FALSE;
        }
    }
  return TRUE;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Per class, the median width and height of the project's boxes of it,
 * relative to their images. */
static gboolean
runner_measure_boxes (Runner *r, EmProject *project, GError **error)
{
  guint n_labels = g_strv_length (r->model->labels);
  g_autoptr(GPtrArray) samples = NULL;
  g_autofree GArray **sizes = g_new0 (GArray *, 2 * MAX (n_labels, 1));
  EmSampleFilter filter;

  r->typical = g_new0 (double, 2 * MAX (n_labels, 1));
  if (r->task != EM_TASK_OBJECT_DETECTION)
    return TRUE;
  em_sample_filter_init (&filter);
  filter.kind = EM_SENSOR_IMAGE;
  if ((samples = em_project_list_samples (project, &filter, error)) == NULL)
    return FALSE;
  for (guint c = 0; c < 2 * n_labels; c++)
    sizes[c] = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *s = g_ptr_array_index (samples, i);
      double iw = em_sample_get_width (s), ih = em_sample_get_height (s);

      if (iw <= 0 || ih <= 0)
        iw = r->impulse->input.width, ih = r->impulse->input.height;
      for (guint k = 0; k < em_sample_get_n_boxes (s); k++)
        {
          const EmBoundingBox *box = em_sample_get_box (s, k);
          for (guint c = 0; c < n_labels; c++)
            if (g_strcmp0 (box->label, r->model->labels[c]) == 0)
              {
                double fw = box->width / iw, fh = box->height / ih;
                g_array_append_val (sizes[2 * c], fw);
                g_array_append_val (sizes[2 * c + 1], fh);
              }
        }
    }
  for (guint c = 0; c < 2 * n_labels; c++)
    {
      if (sizes[c]->len > 0)
        {
          g_array_sort (sizes[c], compare_doubles);
          r->typical[c] = g_array_index (sizes[c], double, sizes[c]->len / 2);
        }
      g_array_unref (sizes[c]);
    }
  return TRUE;
}

static gboolean
runner_load (Runner *r, EmBoxProposalModelVariant variant, GError **error)
{
  gsize size = 0;
  gconstpointer data = g_bytes_get_data (r->model->blob, &size);
  char err[512] = "";
  guint n_labels = g_strv_length (r->model->labels);
  guint32 want;

  r->int8 = variant != EM_BOX_PROPOSAL_MODEL_FLOAT;
  if (r->ops->load (data, size, r->int8, &r->state, &r->n_outputs, err, sizeof err) != 0)
    {
      r->state = NULL;
      if (variant != EM_BOX_PROPOSAL_MODEL_DEFAULT)
        {
          g_set_error (error, EM_ERROR, EM_ERROR_UNSUPPORTED, "block %s: cannot load the %s model: %s", r->lb->id,
                       r->int8 ? "int8" : "float", *err != '\0' ? err : "the block gave no reason");
          return FALSE;
        }
      /* No int8 variant (not quantized, or a block without one): as
       * deployment with --float. */
      return runner_load (r, EM_BOX_PROPOSAL_MODEL_FLOAT, error);
    }
  want = r->task == EM_TASK_OBJECT_DETECTION ? 1 + EM_LEARN_MAX_OBJECTS * EM_LEARN_OBJECT_FLOATS : n_labels;
  if (n_labels == 0 || r->n_outputs != want)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "block %s: the %s model gives %u outputs for %u classes, not what %s needs; retrain it",
                   r->lb->id, r->int8 ? "int8" : "float", r->n_outputs, n_labels, em_learn_task_to_string (r->task));
      return FALSE;
    }
  return TRUE;
}

EmBoxProposalSource *
em_box_proposal_model_source_new (EmProject *project, EmImpulse *impulse, EmBlockRegistry *registry,
                                  const char *block_id, EmBoxProposalModelVariant variant, GError **error)
{
  g_autoptr(Runner) r = g_new0 (Runner, 1);
  g_autoptr(GError) local = NULL;
  g_autofree char *key = NULL;
  EmBlock *block = NULL;

  g_return_val_if_fail (EM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (EM_IS_BLOCK_REGISTRY (registry), NULL);

  if (impulse != NULL)
    r->impulse = em_impulse_copy (impulse);
  else if ((r->impulse = em_impulse_load (project, &local)) == NULL)
    {
      if (g_error_matches (local, EM_ERROR, EM_ERROR_NOT_FOUND))
        g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                     "project %s has no impulse: design one and train it first", em_project_get_name (project));
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (!r->impulse->input.is_image)
    {
      /* Not an error of the project: there is just no model for images. */
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                   "the impulse takes no images, so it has no model to propose boxes on images with");
      return NULL;
    }
  if ((r->lb = find_block (r->impulse, registry, block_id, &block, error)) == NULL)
    return NULL;
  r->block = em_block_ref (block);
  r->ops = em_block_get_learning_ops (block);
  r->task = em_learn_task_for_block (block);
  if ((r->model = em_model_store_get (project, r->lb->id, TRUE, &local)) == NULL)
    {
      if (g_error_matches (local, EM_ERROR, EM_ERROR_NOT_FOUND))
        g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "no trained model: train the %s block first", r->lb->id);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if ((key = em_learn_params_key (r->impulse, r->lb, registry, error)) == NULL)
    return NULL;
  if (g_strcmp0 (key, r->model->params_key) != 0 || g_strcmp0 (r->lb->plugin, r->model->plugin) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "block %s: the model is out of date (the impulse changed since it was trained): train it again",
                   r->lb->id);
      return NULL;
    }
  if (!runner_add_inputs (r, registry, error) || !runner_load (r, variant, error) ||
      !runner_measure_boxes (r, project, error))
    return NULL;
  return em_box_proposal_source_new (EM_BOX_PROPOSAL_MODEL_NAME, model_propose, g_steal_pointer (&r),
                                     (GDestroyNotify) runner_free);
}

static Runner *
runner_of (EmBoxProposalSource *source)
{
  return source != NULL && source->propose == model_propose ? source->user_data : NULL;
}

const char *
em_box_proposal_model_source_get_block (EmBoxProposalSource *source)
{
  Runner *r = runner_of (source);

  return r != NULL ? r->lb->id : NULL;
}

EmLearnTask
em_box_proposal_model_source_get_task (EmBoxProposalSource *source)
{
  Runner *r = runner_of (source);

  return r != NULL ? r->task : 0;
}

const char *
em_box_proposal_model_source_get_variant (EmBoxProposalSource *source)
{
  Runner *r = runner_of (source);

  return r == NULL ? NULL : r->int8 ? "int8" : "float";
}

gint64
em_box_proposal_model_source_get_trained (EmBoxProposalSource *source)
{
  Runner *r = runner_of (source);

  return r != NULL ? r->model->created : 0;
}
