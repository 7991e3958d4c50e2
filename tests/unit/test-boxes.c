/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include "em-error.h"
#include "em-sample.h"
#include "formats/em-boxes.h"
#include "test-util.h"

/* ---- helpers ------------------------------------------------------------ */

/* Test files quote with ' for readability. */
static void
put (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *dirname = g_path_get_dirname (path);
  g_autofree char *copy = g_strdup (text);

  g_assert_cmpint (g_mkdir_with_parents (dirname, 0755), ==, 0);
  if (!g_str_has_suffix (name, ".yaml") && !g_str_has_suffix (name, ".yml") &&
      !g_str_has_suffix (name, ".txt") && !g_str_has_suffix (name, ".names"))
    g_strdelimit (copy, "'", '"');
  em_test_write_file (path, copy, strlen (copy));
}

/* The index only looks at names; YOLO needs an image beside each .txt. */
static void
put_image (const char *dir, const char *name)
{
  put (dir, name, "not decoded");
}

static EmSample *
image (guint width, guint height)
{
  EmSample *sample = em_sample_new ();

  em_sample_set_kind (sample, EM_SENSOR_IMAGE);
  em_sample_set_encoding (sample, EM_ENCODING_PNG);
  em_sample_set_image_size (sample, width, height);
  return sample;
}

static EmBoxIndex *
load_ok (const char *dir)
{
  g_autoptr(GError) error = NULL;
  EmBoxIndex *index = em_box_index_load_dir (dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (index);
  return index;
}

static EmSample *
apply_ok (EmBoxIndex *index, const char *name, guint width, guint height)
{
  g_autoptr(GError) error = NULL;
  EmSample *sample = image (width, height);

  g_assert_true (em_box_index_apply (index, name, sample, &error));
  g_assert_no_error (error);
  return sample;
}

static void
assert_box (EmSample *sample, guint i, const char *label, double x, double y, double w, double h)
{
  const EmBoundingBox *box;

  g_assert_cmpuint (i, <, em_sample_get_n_boxes (sample));
  box = em_sample_get_box (sample, i);
  g_assert_cmpstr (box->label, ==, label);
  g_assert_cmpfloat_with_epsilon (box->x, x, 1e-9);
  g_assert_cmpfloat_with_epsilon (box->y, y, 1e-9);
  g_assert_cmpfloat_with_epsilon (box->width, w, 1e-9);
  g_assert_cmpfloat_with_epsilon (box->height, h, 1e-9);
}

/* The message names @file and says @reason, on one line. */
static void
assert_file_error (GError *error, EmError code, const char *dir, const char *file, const char *reason)
{
  g_autofree char *prefix = g_strdup_printf ("%s/%s: ", dir, file);

  g_assert_error (error, EM_ERROR, (int) code);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  g_assert_nonnull (strstr (error->message, reason));
  g_assert_null (strchr (error->message, '\n'));
}

static void
expect_load_error (const char *dir, EmError code, const char *file, const char *reason)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmBoxIndex) index = em_box_index_load_dir (dir, &error);

  g_assert_null (index);
  assert_file_error (error, code, dir, file, reason);
}

/* ---- loading each format ------------------------------------------------ */

static void
test_ei (void)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autoptr(EmBoxIndex) index = NULL;
  g_autoptr(EmSample) a = NULL, b = NULL, c = image (640, 480);

  put (dir, "bounding_boxes.labels",
       "{'version':1,'type':'bounding-box-labels','boundingBoxes':{"
       "'a.jpg':[{'label':'cat','x':10,'y':20,'width':30,'height':40},"
       "{'label':'dog','x':0.5,'y':1.25,'width':100.75,'height':200}],"
       "'sub/b.png':[]}}");
  index = load_ok (dir);
  a = apply_ok (index, "a.jpg", 640, 480);
  g_assert_cmpuint (em_sample_get_n_boxes (a), ==, 2);
  assert_box (a, 0, "cat", 10, 20, 30, 40);
  assert_box (a, 1, "dog", 0.5, 1.25, 100.75, 200);
  /* Listed without boxes: an entry, so TRUE, but nothing added. */
  b = apply_ok (index, "/elsewhere/b.png", 64, 64);
  g_assert_cmpuint (em_sample_get_n_boxes (b), ==, 0);
  g_assert_false (em_box_index_apply (index, "c.jpg", c, NULL));
}

static void
test_voc (void)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autoptr(EmBoxIndex) index = NULL;
  g_autoptr(EmSample) a = NULL, b = NULL, stale = NULL;
  g_autoptr(GError) error = NULL;

  put (dir, "a.xml",
       "<?xml version='1.0'?>\n<!-- exported by a labelling tool -->\n<annotation>\n"
       "  <folder>VOC2012</folder><filename>a.jpg</filename>\n"
       "  <size><width>500</width><height>375</height><depth>3</depth></size>\n"
       "  <object><name>person</name><difficult>0</difficult>\n"
       "    <bndbox><xmin>174</xmin><ymin>101</ymin><xmax>349.5</xmax><ymax>351</ymax></bndbox>\n"
       "    <part><name>head</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></part>\n"
       "  </object>\n"
       "  <object><name>R&amp;D</name><bndbox><ymin>0</ymin><xmin>0</xmin><ymax>10</ymax><xmax>20</xmax></bndbox></object>\n"
       "</annotation>\n");
  /* No <filename>: matched by the XML's own name. */
  put (dir, "b.xml", "<annotation><object><name>car</name><bndbox><xmin>1</xmin><ymin>2</ymin>"
                     "<xmax>3</xmax><ymax>4</ymax></bndbox></object></annotation>");
  /* Stale <filename>s, even the same one twice, do not stop matching by the
   * XML's own name; <filename> alone matches when unambiguous. */
  put (dir, "frame7.xml", "<annotation><filename>template.png</filename></annotation>");
  put (dir, "frame8.xml", "<annotation><filename>template.png</filename><object><name>x</name>"
                          "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>");
  put (dir, "renamed.xml", "<annotation><filename>IMG_0001.JPG</filename><object><name>y</name>"
                           "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>");
  /* Other XML is not ours. */
  put (dir, "icon.xml", "<svg xmlns='http://www.w3.org/2000/svg'><rect/></svg>");
  put (dir, "notes.xml", "this is not xml at all <");

  index = load_ok (dir);
  a = apply_ok (index, "a.jpg", 500, 375);
  g_assert_cmpuint (em_sample_get_n_boxes (a), ==, 2);
  assert_box (a, 0, "person", 174, 101, 175.5, 250);
  assert_box (a, 1, "R&D", 0, 0, 20, 10);
  b = apply_ok (index, "b.png", 100, 100);
  assert_box (b, 0, "car", 1, 2, 2, 2);
  stale = apply_ok (index, "frame7.jpg", 100, 100);
  g_assert_cmpuint (em_sample_get_n_boxes (stale), ==, 0);
  g_clear_object (&stale);
  stale = apply_ok (index, "frame8.jpg", 100, 100);
  assert_box (stale, 0, "x", 1, 1, 1, 1);
  g_clear_object (&stale);
  stale = apply_ok (index, "IMG_0001.JPG", 100, 100);
  assert_box (stale, 0, "y", 1, 1, 1, 1);
  g_clear_object (&stale);
  stale = image (100, 100);
  g_assert_false (em_box_index_apply (index, "template.png", stale, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "also claimed by"));
}

static void
test_coco (void)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autoptr(EmBoxIndex) index = NULL;
  g_autoptr(EmSample) a = NULL, b = NULL;

  put (dir, "_annotations.coco.json",
       "{'info':{},'images':[{'id':7,'file_name':'train/a.jpg','width':640,'height':480},"
       "{'id':8,'file_name':'b.jpg','width':10,'height':10}],"
       "'annotations':[{'id':1,'image_id':7,'category_id':3,'bbox':[1.5,2,30,40],'iscrowd':0},"
       "{'id':2,'image_id':7,'category_id':1,'bbox':[100,100,0,0]}],"
       "'categories':[{'id':1,'name':'cat'},{'id':3,'name':'dog','supercategory':'animal'}]}");
  /* An EI data file and some other JSON sit in the same folder. */
  put (dir, "sample.json",
       "{'protected':{'ver':'v1','alg':'none'},'signature':'','payload':{'device_type':'T','interval_ms':1,"
       "'sensors':[{'name':'images','units':'annotations'}],'values':[1],'categories':1}}");
  put (dir, "package.json", "{'name':'x','images':[]}");
  put (dir, "broken.json", "{'images': [");

  index = load_ok (dir);
  a = apply_ok (index, "a.jpg", 640, 480);
  g_assert_cmpuint (em_sample_get_n_boxes (a), ==, 2);
  assert_box (a, 0, "dog", 1.5, 2, 30, 40);
  assert_box (a, 1, "cat", 100, 100, 0, 0);
  b = apply_ok (index, "b.jpg", 10, 10);
  g_assert_cmpuint (em_sample_get_n_boxes (b), ==, 0);
}

static void
test_yolo (void)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autoptr(EmBoxIndex) index = NULL;
  g_autoptr(EmSample) a = NULL, empty = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EmSample) sizeless = em_sample_new ();

  put (dir, "classes.txt", "cat\ndog\r\ntraffic light\n\n");
  put (dir, "a.txt", "0 0.5 0.5 0.25 0.5\n\n2\t0.1 0.2 0.2 0.4  \n");
  put (dir, "empty.txt", "");
  put (dir, "README.txt", "these are photos of pets");
  put_image (dir, "a.jpg");
  put_image (dir, "empty.PNG");

  index = load_ok (dir);
  a = apply_ok (index, "a.jpg", 640, 480);
  g_assert_cmpuint (em_sample_get_n_boxes (a), ==, 2);
  assert_box (a, 0, "cat", 240, 120, 160, 240);
  assert_box (a, 1, "traffic light", 0, 0, 128, 192);
  empty = apply_ok (index, "empty.PNG", 10, 10);
  g_assert_cmpuint (em_sample_get_n_boxes (empty), ==, 0);

  /* Normalised boxes need the image size. */
  g_assert_false (em_box_index_apply (index, "a.jpg", sizeless, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
}

static void
check_names (const char *names_file, const char *text, const char *const *expected)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autoptr(EmBoxIndex) index = NULL;
  g_autoptr(GString) lines = g_string_new (NULL);
  guint n = g_strv_length ((char **) expected);

  put (dir, names_file, text);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (lines, "%u 0.5 0.5 0.1 0.1\n", i);
  put (dir, "x.txt", lines->str);
  put_image (dir, "x.jpeg");
  index = load_ok (dir);
  {
    g_autoptr(EmSample) x = apply_ok (index, "x.jpeg", 100, 100);

    g_assert_cmpuint (em_sample_get_n_boxes (x), ==, n);
    for (guint i = 0; i < n; i++)
      g_assert_cmpstr (em_sample_get_box (x, i)->label, ==, expected[i]);
  }
}

static void
test_yolo_names (void)
{
  const char *const three[] = { "cat", "dog", "traffic light", NULL };
  const char *const quoted[] = { "a, b", "it's", "x # y", NULL };

  check_names ("obj.names", "cat\ndog\ntraffic light\n", three);
  check_names ("data.yaml", "train: ../train/images\nnc: 3\nnames: ['cat', \"dog\", traffic light]\n", three);
  check_names ("data.yaml", "names: [cat,\n  dog,\n  traffic light]  # wrapped\nnc: 3\n", three);
  check_names ("data.yaml", "path: .\nnames:\n  - cat\n  - dog  # comment\n  - 'traffic light'\nnc: 3\n", three);
  check_names ("data.yaml", "names:\n- cat\n- dog\n- traffic light\n", three);
  check_names ("data.yaml", "names:\n  0: cat\n  2: traffic light\n  1: \"dog\"\ntrain: x\n", three);
  check_names ("data.yaml", "names: {0: cat, 1: dog, 2: traffic light}\n", three);
  check_names ("data.yml", "names: ['a, b', 'it''s', \"x # y\"]\n", quoted);
}

/* Ultralytics: images/train/x.jpg, labels/train/x.txt, data.yaml at the top. */
static void
test_yolo_split_layout (void)
{
  g_autofree char *root = em_test_make_tmpdir ();
  g_autofree char *images = g_build_filename (root, "images", "train", NULL);
  g_autoptr(EmBoxIndex) index = NULL;
  g_autoptr(EmSample) x = NULL;

  put (root, "data.yaml", "names: [cat, dog]\n");
  put (root, "labels/train/x.txt", "1 0.5 0.5 1 1\n");
  put (root, "images/train/x.jpg", "");
  index = load_ok (images);
  x = apply_ok (index, "x.jpg", 32, 16);
  assert_box (x, 0, "dog", 0, 0, 32, 16);
}

static void
test_empty_dir (void)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  g_autoptr(EmBoxIndex) index = load_ok (dir);
  g_autoptr(EmSample) sample = image (10, 10);
  g_autoptr(GError) error = NULL;

  g_assert_false (em_box_index_apply (index, "a.jpg", sample, &error));
  g_assert_no_error (error);
  g_assert_null (em_box_index_load_dir (missing, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_IO);
}

/* Images beside .txt files that are not YOLO (captions) are left alone. */
static void
test_yolo_captions (void)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autoptr(EmBoxIndex) index = NULL;
  g_autoptr(EmSample) sample = image (10, 10);

  put (dir, "a.txt", "a cat sitting on a mat\n");
  put_image (dir, "a.jpg");
  index = load_ok (dir);
  g_assert_false (em_box_index_apply (index, "a.jpg", sample, NULL));
}

/* ---- errors ------------------------------------------------------------- */

typedef struct {
  const char *what;
  const char *files[4][2]; /* name, content */
  EmError code;
  const char *file;        /* the file the message must name */
  const char *reason;
} BadDir;

#define LABELS(body) "{'version':1,'type':'bounding-box-labels','boundingBoxes':{'a.jpg':[" body "]}}"
#define COCO(images, annotations) \
  "{'images':[" images "],'annotations':[" annotations "],'categories':[{'id':1,'name':'cat'}]}"
#define VOC_OBJECT(inner) "<annotation><filename>a.jpg</filename><object>" inner "</object></annotation>"

static const BadDir bad_dirs[] = {
  { "YOLO class without a name", { { "classes.txt", "cat\ndog\n" }, { "obj.txt", "0 0.5 0.5 0.1 0.1\n1 0.5 0.5 0.1 0.1\n7 0.5 0.5 0.1 0.1\n" }, { "obj.jpg", "" } },
    EM_ERROR_INVALID_DATA, "obj.txt", "obj.txt: line 3: class 7 has no name in classes.txt" },
  { "YOLO four fields", { { "classes.txt", "cat\n" }, { "a.txt", "0 0.5 0.5 0.1\n" }, { "a.jpg", "" } },
    EM_ERROR_INVALID_DATA, "a.txt", "line 1: expected 'class cx cy w h'" },
  { "YOLO not a number", { { "classes.txt", "cat\n" }, { "a.txt", "0 0.5 0.5 0.1 0.1\n0 0.5 wide 0.1 0.1\n" }, { "a.jpg", "" } },
    EM_ERROR_INVALID_DATA, "a.txt", "line 2: 'wide' is not a number" },
  { "YOLO negative size", { { "classes.txt", "cat\n" }, { "a.txt", "0 0.5 0.5 -0.1 0.1\n" }, { "a.jpg", "" } },
    EM_ERROR_INVALID_DATA, "a.txt", "line 1: negative size" },
  { "YOLO without names", { { "a.txt", "0 0.5 0.5 0.1 0.1\n" }, { "a.jpg", "" } },
    EM_ERROR_INVALID_DATA, "a.txt", "no classes.txt, obj.names or data.yaml" },
  { "YOLO names list never closed", { { "data.yaml", "names: [a, b\n" }, { "a.txt", "0 0.5 0.5 0.1 0.1\n" }, { "a.jpg", "" } },
    EM_ERROR_INVALID_DATA, "data.yaml", "never closed" },
  { "COCO undeclared category", { { "ann.json", COCO ("{'id':1,'file_name':'a.jpg'}", "{'image_id':1,'category_id':1,'bbox':[0,0,1,1]},{'image_id':1,'category_id':9,'bbox':[0,0,1,1]}") } },
    EM_ERROR_INVALID_DATA, "ann.json", "annotation 2: category id 9 is not declared" },
  { "COCO undeclared image", { { "ann.json", COCO ("{'id':1,'file_name':'a.jpg'}", "{'image_id':5,'category_id':1,'bbox':[0,0,1,1]}") } },
    EM_ERROR_INVALID_DATA, "ann.json", "annotation 1: image id 5 is not declared" },
  { "COCO short bbox", { { "ann.json", COCO ("{'id':1,'file_name':'a.jpg'}", "{'image_id':1,'category_id':1,'bbox':[0,0,1]}") } },
    EM_ERROR_INVALID_DATA, "ann.json", "bbox is not [x, y, width, height]" },
  { "COCO negative size", { { "ann.json", COCO ("{'id':1,'file_name':'a.jpg'}", "{'image_id':1,'category_id':1,'bbox':[0,0,-4,1]}") } },
    EM_ERROR_INVALID_DATA, "ann.json", "negative size" },
  { "COCO image listed twice", { { "ann.json", COCO ("{'id':1,'file_name':'a.jpg'},{'id':2,'file_name':'x/a.jpg'}", "") } },
    EM_ERROR_INVALID_DATA, "ann.json", "a.jpg is listed twice" },
  { "COCO lists of the wrong type", { { "ann.json", "{'images':{},'annotations':[],'categories':[]}" } },
    EM_ERROR_INVALID_DATA, "ann.json", "must be lists" },
  { "EI not JSON", { { "bounding_boxes.labels", "{'version':1,'boundingBoxes':{" } },
    EM_ERROR_INVALID_DATA, "bounding_boxes.labels", "not valid JSON" },
  { "EI without boundingBoxes", { { "bounding_boxes.labels", "{'version':1}" } },
    EM_ERROR_INVALID_DATA, "bounding_boxes.labels", "boundingBoxes" },
  { "EI box without label", { { "bounding_boxes.labels", LABELS ("{'x':1,'y':1,'width':1,'height':1}") } },
    EM_ERROR_INVALID_DATA, "bounding_boxes.labels", "a.jpg: box 1 has no label" },
  { "EI coordinate as text", { { "bounding_boxes.labels", LABELS ("{'label':'cat','x':'1','y':1,'width':1,'height':1}") } },
    EM_ERROR_INVALID_DATA, "bounding_boxes.labels", "box 1: x is not a number" },
  { "EI negative size", { { "bounding_boxes.labels", LABELS ("{'label':'cat','x':1,'y':1,'width':1,'height':-1}") } },
    EM_ERROR_INVALID_DATA, "bounding_boxes.labels", "negative size" },
  { "EI newer version", { { "bounding_boxes.labels", "{'version':2,'boundingBoxes':{}}" } },
    EM_ERROR_UNSUPPORTED, "bounding_boxes.labels", "version 2" },
  { "VOC truncated", { { "a.xml", "<annotation><filename>a.jpg</filename><object><name>cat</na" } },
    EM_ERROR_INVALID_DATA, "a.xml", "" },
  { "VOC object without name", { { "a.xml", VOC_OBJECT ("<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox>") } },
    EM_ERROR_INVALID_DATA, "a.xml", "object 1 has no name" },
  { "VOC incomplete bndbox", { { "a.xml", VOC_OBJECT ("<name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax></bndbox>") } },
    EM_ERROR_INVALID_DATA, "a.xml", "object 1 (cat) has no complete bndbox" },
  { "VOC xmax before xmin", { { "a.xml", VOC_OBJECT ("<name>cat</name><bndbox><xmin>5</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox>") } },
    EM_ERROR_INVALID_DATA, "a.xml", "negative size" },
  { "VOC coordinate not a number", { { "a.xml", VOC_OBJECT ("<name>cat</name><bndbox><xmin>left</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox>") } },
    EM_ERROR_INVALID_DATA, "a.xml", "xmin 'left' is not a number" },
  { "VOC and YOLO for one image", { { "classes.txt", "cat\n" }, { "a.txt", "0 0.5 0.5 0.1 0.1\n" }, { "a.jpg", "" },
                                     { "a.xml", "<annotation><filename>a.jpg</filename></annotation>" } },
    EM_ERROR_INVALID_DATA, "a.txt", "boxes for a are also given in" },
};

static void
test_bad_dirs (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_dirs); i++)
    {
      g_autofree char *dir = em_test_make_tmpdir ();

      g_test_message ("%s", bad_dirs[i].what);
      for (guint f = 0; f < G_N_ELEMENTS (bad_dirs[i].files) && bad_dirs[i].files[f][0] != NULL; f++)
        put (dir, bad_dirs[i].files[f][0], bad_dirs[i].files[f][1]);
      expect_load_error (dir, bad_dirs[i].code, bad_dirs[i].file, bad_dirs[i].reason);
    }
}

/* Name-keyed (EI, COCO) and stem-keyed (VOC, YOLO) files for one image. */
static void
test_conflict_at_apply (void)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autoptr(EmBoxIndex) index = NULL;
  g_autoptr(EmSample) a = image (10, 10), b = NULL;
  g_autoptr(GError) error = NULL;

  put (dir, "bounding_boxes.labels", "{'boundingBoxes':{'a.jpg':[],'b.jpg':[]}}");
  put (dir, "a.xml", "<annotation/>");
  index = load_ok (dir);
  g_assert_false (em_box_index_apply (index, "a.jpg", a, &error));
  assert_file_error (error, EM_ERROR_INVALID_DATA, dir, "bounding_boxes.labels", "boxes for a.jpg are also given in");
  b = apply_ok (index, "b.jpg", 10, 10);
}

/* Boxes more than one pixel outside the image are refused when applied,
 * since only then is the real image size known. */
static void
test_outside_image (void)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autoptr(EmBoxIndex) index = NULL;
  g_autoptr(EmSample) inside = NULL, outside = image (640, 480), yolo_out = image (100, 100);
  g_autoptr(GError) error = NULL;

  put (dir, "bounding_boxes.labels",
       "{'boundingBoxes':{'ok.jpg':[{'label':'a','x':-1,'y':0,'width':641,'height':481}],"
       "'out.jpg':[{'label':'a','x':0,'y':0,'width':10,'height':10},{'label':'b','x':630,'y':0,'width':12,'height':10}]}}");
  put (dir, "classes.txt", "a\n");
  put (dir, "y.txt", "0 0.99 0.5 0.1 0.1\n");
  put_image (dir, "y.jpg");
  index = load_ok (dir);
  inside = apply_ok (index, "ok.jpg", 640, 480);
  g_assert_false (em_box_index_apply (index, "out.jpg", outside, &error));
  assert_file_error (error, EM_ERROR_INVALID_DATA, dir, "bounding_boxes.labels", "box 2 (b) lies outside the 640x480 image");
  /* Nothing half-applied. */
  g_assert_cmpuint (em_sample_get_n_boxes (outside), ==, 0);
  g_clear_error (&error);
  g_assert_false (em_box_index_apply (index, "y.jpg", yolo_out, &error));
  assert_file_error (error, EM_ERROR_INVALID_DATA, dir, "y.txt", "line 1 (a) lies outside");
}

/* ---- export ------------------------------------------------------------- */

static void
export_and_compare (EmBoxFormat format)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(EmBoxIndex) index = NULL;
  g_autoptr(GError) error = NULL;
  const char *labels[] = { "cat", "dog", "traffic light", "R&D <x>" };

  for (guint i = 0; i < 6; i++)
    {
      EmSample *sample = image (100 + 37 * i, 80 + 13 * i);
      guint n_boxes = i == 2 ? 0 : 1 + i % 4;

      for (guint k = 0; k < n_boxes; k++)
        {
          double x = g_test_rand_double_range (0, 50), y = g_test_rand_double_range (0, 40);
          /* Integers too: the common case must come back exactly. */
          if (k == 0)
            x = floor (x), y = floor (y);
          em_sample_add_box (sample, labels[(i + k) % G_N_ELEMENTS (labels)], x, y,
                             g_test_rand_double_range (0, 50), k == 0 ? 30 : g_test_rand_double_range (0, 40));
        }
      g_ptr_array_add (samples, sample);
      g_ptr_array_add (names, g_strdup_printf ("%s/img-%u.%s", "some/where", i, i % 2 ? "png" : "jpg"));
      {
        g_autofree char *base = g_path_get_basename (g_ptr_array_index (names, i));
        put_image (dir, base);
      }
    }
  g_assert_true (em_boxes_export (dir, format, samples, names, &error));
  g_assert_no_error (error);

  index = load_ok (dir);
  for (guint i = 0; i < samples->len; i++)
    {
      EmSample *original = g_ptr_array_index (samples, i);
      g_autoptr(EmSample) back = apply_ok (index, g_ptr_array_index (names, i), em_sample_get_width (original),
                                           em_sample_get_height (original));

      g_assert_cmpuint (em_sample_get_n_boxes (back), ==, em_sample_get_n_boxes (original));
      for (guint k = 0; k < em_sample_get_n_boxes (original); k++)
        {
          const EmBoundingBox *a = em_sample_get_box (original, k), *b = em_sample_get_box (back, k);

          g_assert_cmpstr (a->label, ==, b->label);
          g_assert_cmpfloat_with_epsilon (a->x, b->x, 1e-6);
          g_assert_cmpfloat_with_epsilon (a->y, b->y, 1e-6);
          g_assert_cmpfloat_with_epsilon (a->width, b->width, 1e-6);
          g_assert_cmpfloat_with_epsilon (a->height, b->height, 1e-6);
          if (format != EM_BOX_FORMAT_YOLO && k == 0)
            g_assert_true (a->x == b->x && a->y == b->y && a->height == b->height);
        }
    }
}

static void
check_export (gconstpointer data)
{
  export_and_compare (GPOINTER_TO_INT (data));
}

static void
test_export_errors (void)
{
  g_autofree char *dir = em_test_make_tmpdir ();
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;
  EmSample *sizeless = em_sample_new ();

  g_ptr_array_add (samples, image (10, 10));
  g_assert_false (em_boxes_export (dir, EM_BOX_FORMAT_EI, samples, names, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* photo.png and photo.jpg would share photo.xml / photo.txt. */
  g_ptr_array_add (samples, image (10, 10));
  g_ptr_array_add (names, g_strdup ("photo.png"));
  g_ptr_array_add (names, g_strdup ("photo.jpg"));
  g_assert_false (em_boxes_export (dir, EM_BOX_FORMAT_VOC, samples, names, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (em_boxes_export (dir, EM_BOX_FORMAT_COCO, samples, names, &error));
  g_assert_no_error (error);

  em_sample_add_box (sizeless, "cat", 1, 1, 1, 1);
  g_ptr_array_set_size (samples, 0);
  g_ptr_array_set_size (names, 0);
  g_ptr_array_add (samples, sizeless);
  g_ptr_array_add (names, g_strdup ("a.jpg"));
  g_assert_false (em_boxes_export (dir, EM_BOX_FORMAT_YOLO, samples, names, &error));
  g_assert_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
}

static void
test_format_strings (void)
{
  const char *names[] = { "ei", "voc", "coco", "yolo" };
  EmBoxFormat format;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_true (em_box_format_from_string (names[i], &format));
      g_assert_cmpint (format, ==, (int) i);
      g_assert_cmpstr (em_box_format_to_string (format), ==, names[i]);
    }
  g_assert_true (em_box_format_from_string ("YOLO", &format));
  g_assert_cmpint (format, ==, EM_BOX_FORMAT_YOLO);
  g_assert_false (em_box_format_from_string ("csv", &format));
  g_assert_false (em_box_format_from_string (NULL, &format));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/boxes/ei/load", test_ei);
  g_test_add_func ("/boxes/voc/load", test_voc);
  g_test_add_func ("/boxes/coco/load", test_coco);
  g_test_add_func ("/boxes/yolo/load", test_yolo);
  g_test_add_func ("/boxes/yolo/names", test_yolo_names);
  g_test_add_func ("/boxes/yolo/split-layout", test_yolo_split_layout);
  g_test_add_func ("/boxes/yolo/captions", test_yolo_captions);
  g_test_add_func ("/boxes/empty-dir", test_empty_dir);
  g_test_add_func ("/boxes/bad-files", test_bad_dirs);
  g_test_add_func ("/boxes/outside-image", test_outside_image);
  g_test_add_func ("/boxes/conflict-at-apply", test_conflict_at_apply);
  g_test_add_data_func ("/boxes/export/ei", GINT_TO_POINTER (EM_BOX_FORMAT_EI), check_export);
  g_test_add_data_func ("/boxes/export/voc", GINT_TO_POINTER (EM_BOX_FORMAT_VOC), check_export);
  g_test_add_data_func ("/boxes/export/coco", GINT_TO_POINTER (EM_BOX_FORMAT_COCO), check_export);
  g_test_add_data_func ("/boxes/export/yolo", GINT_TO_POINTER (EM_BOX_FORMAT_YOLO), check_export);
  g_test_add_func ("/boxes/export/errors", test_export_errors);
  g_test_add_func ("/boxes/format-strings", test_format_strings);

  return g_test_run ();
}
