/* SPDX-License-Identifier: Apache-2.0 */
/* The object-detection demo: image count, split, impulse, determinism,
 * that every stored box really surrounds a drawn object, and that its boxes
 * round-trip through export + import in all four box formats. */
#include <math.h>
#include <string.h>
#include "em-demo.h"
#include "em-error.h"
#include "em-export.h"
#include "em-image.h"
#include "em-import.h"
#include "em-impulse.h"
#include "test-util.h"

#define SIDE 96

static EmProject *
create (const char *name, double scale, guint32 seed)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  EmProject *project = em_demo_create (path, EM_DEMO_OBJECTS, scale, seed, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (project);
  return project;
}

static GPtrArray *
load_all (EmProject *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = em_project_list_samples (project, NULL, &error);
  GPtrArray *full = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_no_error (error);
  for (guint i = 0; i < listed->len; i++)
    {
      EmSample *s = em_project_get_sample (project, em_sample_get_id (listed->pdata[i]), TRUE, &error);
      g_assert_no_error (error);
      g_ptr_array_add (full, s);
    }
  return full;
}

/* Hashes, names, categories and boxes: a fingerprint of the whole project. */
static char *
fingerprint (EmProject *project)
{
  g_autoptr(GPtrArray) samples = load_all (project);
  GString *all = g_string_new (NULL);

  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *s = samples->pdata[i];
      g_string_append_printf (all, "%s %s %d", em_sample_get_hash (s), em_sample_get_name (s),
                              em_sample_get_category (s));
      for (guint k = 0; k < em_sample_get_n_boxes (s); k++)
        {
          const EmBoundingBox *b = em_sample_get_box (s, k);
          g_string_append_printf (all, " %s %.9g %.9g %.9g %.9g", b->label, b->x, b->y, b->width, b->height);
        }
      g_string_append_c (all, '\n');
    }
  return g_string_free (all, FALSE);
}

static double
lum (const guint8 *px)
{
  return 0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2];
}

/* The object's colour is read at its centroid (inside every shape: the
 * middle of a circle or square, 2/3 down a triangle from its apex, which
 * may point up or down: take whichever of the two points is the more
 * distinct from the background just outside the box's corner). Pixels of that brightness around the
 * box must span the box to within 2 px: the apex of a triangle covers
 * too little of its pixel to count. */
static void
assert_box_fits_object (const guint8 *rgb, const EmBoundingBox *b)
{
  double cx = b->x + b->width / 2, cy = b->y + b->height / 2;
  double corner = lum (rgb + 3 * (((int) b->y - 1) * SIDE + (int) b->x - 1)); /* background */
  double probe_y[2] = { cy, cy };
  double object = 0, best = -1;
  int x0 = SIDE, y0 = SIDE, x1 = -1, y1 = -1;

  if (strcmp (b->label, "triangle") == 0)
    probe_y[0] = b->y + b->height * 2 / 3, probe_y[1] = b->y + b->height / 3;
  for (guint i = 0; i < 2; i++)
    {
      double l = lum (rgb + 3 * ((int) probe_y[i] * SIDE + (int) cx));
      if (fabs (l - corner) > best)
        best = fabs (l - corner), object = l;
    }
  g_assert_cmpfloat (best, >, 40);
  for (int y = MAX (0, (int) b->y - 2); y < MIN (SIDE, (int) ceil (b->y + b->height) + 2); y++)
    for (int x = MAX (0, (int) b->x - 2); x < MIN (SIDE, (int) ceil (b->x + b->width) + 2); x++)
      if (fabs (lum (rgb + 3 * (y * SIDE + x)) - object) < 30)
        {
          x0 = MIN (x0, x), x1 = MAX (x1, x + 1);
          y0 = MIN (y0, y), y1 = MAX (y1, y + 1);
        }
  g_assert_cmpfloat (fabs (x0 - b->x), <=, 2.0);
  g_assert_cmpfloat (fabs (x1 - (b->x + b->width)), <=, 2.0);
  g_assert_cmpfloat (fabs (y0 - b->y), <=, 2.0);
  g_assert_cmpfloat (fabs (y1 - (b->y + b->height)), <=, 2.0);
}

static void
test_objects (void)
{
  g_autoptr(EmProject) project = create ("objects.ember", 0.06, 42);
  g_autoptr(GPtrArray) samples = load_all (project);
  g_autoptr(GError) error = NULL;
  g_autoptr(EmImpulse) impulse = NULL;
  g_autofree char *demo = em_project_get_setting (project, "demo");
  guint testing = 0, boxes = 0, per_label[3] = { 0 };
  const char *labels[] = { "circle", "square", "triangle" };

  g_assert_cmpstr (demo, ==, "objects");
  g_assert_cmpstr (em_project_get_name (project), ==, "Object detection demo");
  g_assert_cmpuint (samples->len, ==, 60);
  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *s = samples->pdata[i];
      guint w = 0, h = 0;
      g_autofree guint8 *rgb = em_image_decode_rgb (s, &w, &h, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (w, ==, SIDE);
      g_assert_cmpuint (h, ==, SIDE);
      g_assert_cmpint (em_sample_get_kind (s), ==, EM_SENSOR_IMAGE);
      g_assert_cmpint (em_sample_get_encoding (s), ==, EM_ENCODING_PNG);
      g_assert_cmpstr (em_sample_get_label (s), ==, em_sample_get_n_boxes (s) > 0 ? "objects" : "background");
      g_assert_true (g_str_has_prefix (em_sample_get_name (s), em_sample_get_label (s)));
      testing += em_sample_get_category (s) == EM_CATEGORY_TESTING;
      g_assert_cmpuint (em_sample_get_n_boxes (s), <=, 3);
      for (guint k = 0; k < em_sample_get_n_boxes (s); k++)
        {
          const EmBoundingBox *b = em_sample_get_box (s, k);
          gboolean known = FALSE;

          for (guint c = 0; c < 3; c++)
            if (strcmp (b->label, labels[c]) == 0)
              per_label[c]++, known = TRUE;
          g_assert_true (known);
          g_assert_cmpfloat (b->width, >=, 14);
          g_assert_cmpfloat (b->width, <=, 30);
          g_assert_cmpfloat (b->x, >=, 0);
          g_assert_cmpfloat (b->y, >=, 0);
          g_assert_cmpfloat (b->x + b->width, <=, SIDE);
          g_assert_cmpfloat (b->y + b->height, <=, SIDE);
          /* no two boxes overlap, so no two centroids share a cell of 8 px */
          for (guint j = 0; j < k; j++)
            {
              const EmBoundingBox *o = em_sample_get_box (s, j);
              g_assert_true (b->x >= o->x + o->width || o->x >= b->x + b->width ||
                             b->y >= o->y + o->height || o->y >= b->y + b->height);
              g_assert_true ((int) ((b->x + b->width / 2) / 8) != (int) ((o->x + o->width / 2) / 8) ||
                             (int) ((b->y + b->height / 2) / 8) != (int) ((o->y + o->height / 2) / 8));
            }
          assert_box_fits_object (rgb, b);
          boxes++;
        }
    }
  /* the stratified 80/20 split, and every class present */
  g_assert_cmpuint (testing, >=, 10);
  g_assert_cmpuint (testing, <=, 14);
  g_assert_cmpuint (boxes, >=, 60);
  for (guint c = 0; c < 3; c++)
    g_assert_cmpuint (per_label[c], >=, 10);

  impulse = em_impulse_load (project, &error);
  g_assert_no_error (error);
  g_assert_true (impulse->input.is_image);
  g_assert_cmpuint (impulse->input.width, ==, SIDE);
  g_assert_cmpuint (impulse->input.height, ==, SIDE);
  g_assert_cmpuint (impulse->blocks->len, ==, 1);
  g_assert_cmpstr (((EmImpulseBlock *) impulse->blocks->pdata[0])->plugin, ==, "image");
  /* the FOMO-style detector (issue 8), fed by the image block */
  g_assert_cmpuint (impulse->learn_blocks->len, ==, 1);
  g_assert_cmpstr (((EmImpulseLearnBlock *) impulse->learn_blocks->pdata[0])->plugin, ==, "object-detection");
  g_assert_cmpstr (((EmImpulseLearnBlock *) impulse->learn_blocks->pdata[0])->inputs[0], ==, "image");
}

static void
test_deterministic (void)
{
  g_autoptr(EmProject) a = create ("a.ember", 0.03, 7);
  g_autoptr(EmProject) b = create ("b.ember", 0.03, 7);
  g_autoptr(EmProject) c = create ("c.ember", 0.03, 8);
  g_autofree char *fa = fingerprint (a);
  g_autofree char *fb = fingerprint (b);
  g_autofree char *fc = fingerprint (c);

  g_assert_cmpstr (fa, ==, fb);
  g_assert_cmpstr (fa, !=, fc);
}

static void
test_kind_name (void)
{
  EmDemoKind kind = EM_DEMO_KEYWORDS;

  g_assert_true (em_demo_kind_from_string ("objects", &kind));
  g_assert_cmpint (kind, ==, EM_DEMO_OBJECTS);
  g_assert_true (em_demo_kind_from_string ("OBJECTS", &kind));
}

/* The demo's fractional boxes survive export and import in every box
 * format: same images (by hash), same split, same boxes. */
static void
test_box_round_trip (gconstpointer data)
{
  EmBoxFormat format = GPOINTER_TO_INT (data);
  g_autoptr(EmProject) project = create ("src.ember", 0.02, 11);
  g_autoptr(GPtrArray) original = load_all (project);
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autofree char *copy_path = g_build_filename (dir, "copy.ember", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  const char *paths[] = { out, NULL };
  g_autoptr(EmProject) copy = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GHashTable) by_hash = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  EmExportOptions export_options;
  EmImportOptions import_options;
  EmImportStats stats = { 0 };
  guint n_boxes = 0;

  em_export_options_init (&export_options);
  export_options.box_format = format;
  g_assert_true (em_export_project (project, out, &export_options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  copy = em_project_create (copy_path, "copy", &error);
  g_assert_no_error (error);
  files = em_import_collect (paths, &error);
  g_assert_no_error (error);
  em_import_options_init (&import_options);
  g_assert_true (em_import_files (copy, files, &import_options, 0, NULL, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.n_refused, ==, 0);
  back = load_all (copy);
  g_assert_cmpuint (back->len, ==, original->len);
  for (guint i = 0; i < back->len; i++)
    g_hash_table_insert (by_hash, (gpointer) em_sample_get_hash (back->pdata[i]), back->pdata[i]);
  for (guint i = 0; i < original->len; i++)
    {
      EmSample *a = original->pdata[i];
      EmSample *b = g_hash_table_lookup (by_hash, em_sample_get_hash (a));

      g_assert_nonnull (b);
      g_assert_cmpint (em_sample_get_category (a), ==, em_sample_get_category (b));
      g_assert_cmpuint (em_sample_get_n_boxes (a), ==, em_sample_get_n_boxes (b));
      for (guint k = 0; k < em_sample_get_n_boxes (a); k++)
        {
          const EmBoundingBox *x = em_sample_get_box (a, k), *y = em_sample_get_box (b, k);

          g_assert_cmpstr (x->label, ==, y->label);
          g_assert_cmpfloat_with_epsilon (x->x, y->x, 1e-6);
          g_assert_cmpfloat_with_epsilon (x->y, y->y, 1e-6);
          g_assert_cmpfloat_with_epsilon (x->width, y->width, 1e-6);
          g_assert_cmpfloat_with_epsilon (x->height, y->height, 1e-6);
          n_boxes++;
        }
    }
  g_assert_cmpuint (n_boxes, >, 10);
}

static void
cancel_midway (double fraction, const char *what, gpointer user_data)
{
  if (fraction > 0.3)
    g_cancellable_cancel (user_data);
}

/* Cancelled halfway through drawing: nothing is left on disk. */
static void
test_cancelled (void)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "x.ember", NULL);
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  EmProject *project;

  project = em_demo_create (path, EM_DEMO_OBJECTS, 0.05, 1, cancel_midway, cancel, cancel, &error);
  g_assert_null (project);
  g_assert_error (error, EM_ERROR, EM_ERROR_CANCELLED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/demo-objects/project", test_objects);
  g_test_add_func ("/demo-objects/deterministic", test_deterministic);
  g_test_add_func ("/demo-objects/kind-name", test_kind_name);
  g_test_add_func ("/demo-objects/cancelled", test_cancelled);
  g_test_add_data_func ("/demo-objects/round-trip/ei", GINT_TO_POINTER (EM_BOX_FORMAT_EI), test_box_round_trip);
  g_test_add_data_func ("/demo-objects/round-trip/voc", GINT_TO_POINTER (EM_BOX_FORMAT_VOC), test_box_round_trip);
  g_test_add_data_func ("/demo-objects/round-trip/coco", GINT_TO_POINTER (EM_BOX_FORMAT_COCO), test_box_round_trip);
  g_test_add_data_func ("/demo-objects/round-trip/yolo", GINT_TO_POINTER (EM_BOX_FORMAT_YOLO), test_box_round_trip);
  return g_test_run ();
}
