/* SPDX-License-Identifier: Apache-2.0 */
/* The trained-model proposal source (em-box-proposal-model.h) without
 * training: boxes found in the input's pixels map back onto the image
 * (em_learn_box_from_input, the inverse of the resize every mode and
 * anchor does), and the source refuses clearly when there is no impulse,
 * no model or no block to run. Proposals of a trained detector are
 * checked in tests/cli/test_cli_propose.py and tests/gui/test-labeling-model.c. */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "em-box-proposal-model.h"
#include "em-demo.h"
#include "em-error.h"
#include "em-learn-boxes.h"

static void
check_round_trip (EmResizeMode mode, const char *anchor, guint image_w, guint image_h)
{
  EmInputConfig input = { 0 };
  /* Boxes well inside the part of the image the input keeps. */
  const EmBoundingBox boxes[] = {
    { (char *) "a", image_w * 0.40, image_h * 0.40, image_w * 0.15, image_h * 0.10 },
    { (char *) "b", image_w * 0.45, image_h * 0.30, image_w * 0.05, image_h * 0.30 },
  };

  input.is_image = TRUE;
  input.width = 96;
  input.height = 64;
  input.resize_mode = mode;
  input.crop_anchor = (char *) anchor;
  for (guint i = 0; i < G_N_ELEMENTS (boxes); i++)
    {
      EmLearnBox in;
      EmBoundingBox back = { 0 };

      g_assert_true (em_learn_box_to_input (&input, image_w, image_h, &boxes[i], &in));
      g_assert_true (em_learn_box_from_input (&input, image_w, image_h, &in, &back));
      g_assert_cmpfloat_with_epsilon (back.x, boxes[i].x, 1e-3);
      g_assert_cmpfloat_with_epsilon (back.y, boxes[i].y, 1e-3);
      g_assert_cmpfloat_with_epsilon (back.width, boxes[i].width, 1e-3);
      g_assert_cmpfloat_with_epsilon (back.height, boxes[i].height, 1e-3);
    }
}

static void
test_from_input (void)
{
  static const char * const anchors[] = { "top-left", "middle-center", "bottom-right", "top-right" };
  EmInputConfig input = { 0 };
  EmLearnBox in = { 1, 0, 0, 96, 64 };
  EmBoundingBox out = { 0 };

  for (guint a = 0; a < G_N_ELEMENTS (anchors); a++)
    for (EmResizeMode m = EM_RESIZE_SQUASH; m <= EM_RESIZE_FIT_LONGEST; m++)
      {
        check_round_trip (m, anchors[a], 200, 100);  /* wider than the input */
        check_round_trip (m, anchors[a], 90, 80);    /* taller */
        check_round_trip (m, anchors[a], 96, 64);    /* the same */
      }

  /* The whole input of a letterboxed 200 × 100 image: the padding maps
   * outside the image, so the box is the whole image, clipped. */
  input.width = 96;
  input.height = 96;
  input.resize_mode = EM_RESIZE_FIT_LONGEST;
  in.w = in.h = 96;
  g_assert_true (em_learn_box_from_input (&input, 200, 100, &in, &out));
  g_assert_cmpfloat_with_epsilon (out.x, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (out.y, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (out.width, 200, 1e-9);
  g_assert_cmpfloat_with_epsilon (out.height, 100, 1e-9);
  /* A box only in the padding (the top 24 rows): nothing of it is in the image. */
  in.h = 20;
  g_assert_false (em_learn_box_from_input (&input, 200, 100, &in, &out));
  /* A crop (fit shortest, centred): the input's left edge is x = 50. */
  input.resize_mode = EM_RESIZE_FIT_SHORTEST;
  input.crop_anchor = (char *) "middle-center";
  in = (EmLearnBox) { 1, 0, 0, 48, 96 };
  g_assert_true (em_learn_box_from_input (&input, 200, 100, &in, &out));
  g_assert_cmpfloat_with_epsilon (out.x, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (out.width, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (out.height, 100, 1e-9);
}

static void
test_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ember-proposal-XXXXXX", NULL);
  g_autofree char *empty_path = g_build_filename (dir, "empty.ember", NULL);
  g_autofree char *objects_path = g_build_filename (dir, "objects.ember", NULL);
  g_autoptr(EmProject) empty = em_project_create (empty_path, "empty", &error);
  g_autoptr(EmProject) objects = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  EmBlockRegistry *registry = em_block_registry_get_default ();
  EmBoxProposalSource *source;

  g_assert_no_error (error);
  source = em_box_proposal_model_source_new (empty, NULL, registry, NULL, EM_BOX_PROPOSAL_MODEL_DEFAULT, &error);
  g_assert_null (source);
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "has no impulse"));
  g_clear_error (&error);

  /* The objects demo comes with a detection block, untrained. */
  objects = em_demo_create (objects_path, EM_DEMO_OBJECTS, 0.02, 1, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  source = em_box_proposal_model_source_new (objects, NULL, registry, NULL, EM_BOX_PROPOSAL_MODEL_DEFAULT, &error);
  g_assert_null (source);
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "no trained model: train the object-detection block first");
  g_clear_error (&error);
  source = em_box_proposal_model_source_new (objects, NULL, registry, "nope", EM_BOX_PROPOSAL_MODEL_INT8, &error);
  g_assert_null (source);
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nope"));
  g_clear_error (&error);

  /* An impulse without a detector or classifier has nothing to propose with. */
  impulse = em_impulse_load (objects, &error);
  g_assert_no_error (error);
  g_ptr_array_set_size (impulse->learn_blocks, 0);
  source = em_box_proposal_model_source_new (objects, impulse, registry, NULL, EM_BOX_PROPOSAL_MODEL_DEFAULT, &error);
  g_assert_null (source);
  g_assert_error (error, EM_ERROR, EM_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no object-detection or classification block"));
  g_clear_error (&error);

  /* Other sources are not model sources. */
  g_assert_null (em_box_proposal_model_source_get_block (NULL));
  g_assert_cmpint (em_box_proposal_model_source_get_trained (NULL), ==, 0);

  g_clear_object (&objects);
  g_clear_object (&empty);
  g_remove (objects_path);
  g_remove (empty_path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/box-proposal-model/from-input", test_from_input);
  g_test_add_func ("/box-proposal-model/errors", test_errors);
  return g_test_run ();
}
