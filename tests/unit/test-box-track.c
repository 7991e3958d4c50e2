/* SPDX-License-Identifier: Apache-2.0 */
/* The frame tracker used for assisted labeling: on images of the objects
 * demo shifted by a known amount, every box must move by exactly that
 * shift; a still frame keeps its boxes; boxes pushed past the border are
 * clipped; the proposal-source wrapper; and the one-line errors for
 * samples that are not images, have no data or differ in size. */
#include <string.h>
#include "em-box-track.h"
#include "em-demo.h"
#include "em-error.h"
#include "em-image.h"
#include "test-util.h"

static EmProject *project;

/* The first demo image with at least @min_boxes boxes, with its data. */
static EmSample *
demo_image (guint min_boxes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = em_project_list_samples (project, NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < listed->len; i++)
    if (em_sample_get_n_boxes (listed->pdata[i]) >= min_boxes)
      {
        EmSample *s = em_project_get_sample (project, em_sample_get_id (listed->pdata[i]), TRUE, &error);
        g_assert_no_error (error);
        return s;
      }
  g_assert_not_reached ();
}

/* @src's pixels moved by (@dx, @dy); uncovered pixels repeat the edge, the
 * way a camera pan brings in similar background. No boxes. */
static EmSample *
shifted (EmSample *src, int dx, int dy)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *rgb = NULL, *out = NULL;
  g_autoptr(GBytes) png = NULL;
  EmSample *s;
  guint w, h;

  rgb = em_image_decode_rgb (src, &w, &h, &error);
  g_assert_no_error (error);
  out = g_malloc ((gsize) w * h * 3);
  for (int y = 0; y < (int) h; y++)
    for (int x = 0; x < (int) w; x++)
      {
        int sx = CLAMP (x - dx, 0, (int) w - 1), sy = CLAMP (y - dy, 0, (int) h - 1);
        memcpy (out + 3 * (y * w + x), rgb + 3 * (sy * w + sx), 3);
      }
  png = em_image_encode_png (out, w, h, &error);
  g_assert_no_error (error);
  s = em_image_read (png, &error);
  g_assert_no_error (error);
  em_sample_set_name (s, "shifted");
  return s;
}

static void
test_known_shift (void)
{
  static const int shifts[][2] = { { 3, -2 }, { -5, 4 }, { 0, 7 }, { 1, 1 } };
  g_autoptr(EmSample) prev = demo_image (2);

  for (guint k = 0; k < G_N_ELEMENTS (shifts); k++)
    {
      int dx = shifts[k][0], dy = shifts[k][1];
      g_autoptr(EmSample) next = shifted (prev, dx, dy);
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) got = em_box_track (prev, next, EM_BOX_TRACK_DEFAULT_RADIUS, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (got->len, ==, em_sample_get_n_boxes (prev));
      for (guint i = 0; i < got->len; i++)
        {
          const EmBoundingBox *b = em_sample_get_box (prev, i);
          EmBoxProposal *p = &g_array_index (got, EmBoxProposal, i);
          double want_x = MAX (0, b->x + dx), want_y = MAX (0, b->y + dy);
          double want_r = MIN (96, b->x + b->width + dx), want_b = MIN (96, b->y + b->height + dy);

          g_assert_cmpstr (p->label, ==, b->label);
          g_assert_cmpfloat_with_epsilon (p->x, want_x, 1e-9);
          g_assert_cmpfloat_with_epsilon (p->y, want_y, 1e-9);
          g_assert_cmpfloat_with_epsilon (p->x + p->width, want_r, 1e-9);
          g_assert_cmpfloat_with_epsilon (p->y + p->height, want_b, 1e-9);
          g_assert_cmpfloat (p->score, >, 0.95);
          g_assert_cmpfloat (p->score, <=, 1.0);
        }
    }
}

static void
test_still_frame (void)
{
  g_autoptr(EmSample) prev = demo_image (1);
  g_autoptr(EmSample) next = shifted (prev, 0, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) got = em_box_track (prev, next, 6, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < got->len; i++)
    {
      const EmBoundingBox *b = em_sample_get_box (prev, i);
      EmBoxProposal *p = &g_array_index (got, EmBoxProposal, i);
      g_assert_cmpfloat (p->x, ==, b->x);
      g_assert_cmpfloat (p->y, ==, b->y);
      g_assert_cmpfloat (p->score, ==, 1.0);
    }
}

/* Raw frames: a bright square on black moving right by 4 past the border. */
static void
test_frames_clip (void)
{
  enum { W = 32, H = 24 };
  guint8 a[W * H] = { 0 }, b[W * H] = { 0 };
  EmBoundingBox box = { (char *) "sq", 24, 8, 6, 6 };
  EmBoxProposal out = { 0 };

  for (int y = 8; y < 14; y++)
    for (int x = 24; x < 30; x++)
      a[y * W + x] = (guint8) (200 + x - y);
  for (int y = 8; y < 14; y++)
    for (int x = 28; x < W; x++)
      b[y * W + x] = (guint8) (200 + (x - 4) - y);
  em_box_track_frames (a, b, W, H, &box, 1, 5, &out);
  g_assert_cmpstr (out.label, ==, "sq");
  g_assert_cmpfloat (out.x, ==, 28);
  g_assert_cmpfloat (out.y, ==, 8);
  g_assert_cmpfloat (out.width, ==, 4);  /* clipped at the right edge */
  g_assert_cmpfloat (out.height, ==, 6);
  em_box_proposal_clear (&out);

  /* A box entirely outside the image: unchanged, score 0. */
  box.x = 40;
  em_box_track_frames (a, b, W, H, &box, 1, 5, &out);
  g_assert_cmpfloat (out.x, ==, 40);
  g_assert_cmpfloat (out.score, ==, 0);
  em_box_proposal_clear (&out);
}

static void
test_source (void)
{
  g_autoptr(EmBoxProposalSource) source = em_box_track_source_new (EM_BOX_TRACK_DEFAULT_RADIUS);
  g_autoptr(EmSample) prev = demo_image (1);
  g_autoptr(EmSample) next = shifted (prev, -2, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) none = em_box_proposal_source_propose (source, next, NULL, &error);
  g_autoptr(GArray) some = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (source->name);
  g_assert_cmpuint (none->len, ==, 0);
  some = em_box_proposal_source_propose (source, next, prev, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (some->len, ==, em_sample_get_n_boxes (prev));
  g_assert_cmpfloat (g_array_index (some, EmBoxProposal, 0).y,
                     ==, MAX (0, em_sample_get_box (prev, 0)->y + 3));
}

static void
test_errors (void)
{
  g_autoptr(EmSample) image = demo_image (1);
  g_autoptr(EmSample) series = em_sample_new ();
  g_autoptr(EmSample) bare = em_sample_copy (image, FALSE);
  g_autoptr(EmSample) small = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  guint8 rgb[8 * 8 * 3] = { 0 };
  GArray *got;

  em_sample_set_name (series, "accel.1");
  em_sample_set_kind (series, EM_SENSOR_TIME_SERIES);
  got = em_box_track (series, image, 4, &error);
  g_assert_null (got);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "'accel.1' is not an image"));
  g_clear_error (&error);

  got = em_box_track (image, bare, 4, &error);
  g_assert_null (got);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "without its data"));
  g_clear_error (&error);

  png = em_image_encode_png (rgb, 8, 8, &error);
  g_assert_no_error (error);
  small = em_image_read (png, &error);
  g_assert_no_error (error);
  em_sample_set_name (small, "tiny");
  got = em_box_track (image, small, 4, &error);
  g_assert_null (got);
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "differ in size"));
  g_assert_nonnull (strstr (error->message, "'tiny' (8×8)"));
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = NULL, *path = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  g_test_init (&argc, &argv, NULL);
  dir = em_test_make_tmpdir ();
  path = g_build_filename (dir, "objects.ember", NULL);
  project = em_demo_create (path, EM_DEMO_OBJECTS, 0.03, 5, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/box-track/known-shift", test_known_shift);
  g_test_add_func ("/box-track/still-frame", test_still_frame);
  g_test_add_func ("/box-track/frames-clip", test_frames_clip);
  g_test_add_func ("/box-track/source", test_source);
  g_test_add_func ("/box-track/errors", test_errors);
  rc = g_test_run ();
  g_object_unref (project);
  return rc;
}
