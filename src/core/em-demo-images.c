/* SPDX-License-Identifier: Apache-2.0 */
/* The image demo: a balanced subset of Fashion-MNIST read from the Debian
 * package's gzipped IDX files. */
#include <math.h>
#include <string.h>

#include "em-demo-private.h"
#include "em-error.h"
#include "em-image.h"

/* ---- images (Fashion-MNIST) ------------------------------------------------- */

static const char *const fashion_labels[] = {
  "tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot",
};
#define FASHION_N_CLASSES G_N_ELEMENTS (fashion_labels)

/* Where the data set lives; EMBER_FASHION_MNIST_DIR overrides it so tests
 * can point at a missing or damaged copy. */
static const char *
fashion_dir (void)
{
  const char *env = g_getenv ("EMBER_FASHION_MNIST_DIR");
  return env != NULL && *env ? env : FASHION_DIR;
}

static GInputStream *
open_gzip (const char *path, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) raw = NULL;
  g_autoptr(GZlibDecompressor) gunzip = NULL;
  g_autoptr(GError) local = NULL;

  raw = g_file_read (file, NULL, &local);
  if (raw == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: %s", path, local->message);
      return NULL;
    }
  gunzip = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  return g_converter_input_stream_new (G_INPUT_STREAM (raw), G_CONVERTER (gunzip));
}

static gboolean
read_exact (GInputStream *in, const char *path, void *buf, gsize len, GCancellable *cancellable,
            GError **error)
{
  g_autoptr(GError) local = NULL;
  gsize got = 0;

  if (!g_input_stream_read_all (in, buf, len, &got, cancellable, &local))
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_set_error_literal (error, EM_ERROR, EM_ERROR_CANCELLED, "demo creation cancelled");
      else
        g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: %s", path, local->message);
      return FALSE;
    }
  if (got != len)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: truncated IDX file", path);
      return FALSE;
    }
  return TRUE;
}

/* An IDX header: a big-endian magic (0x08 = unsigned bytes, then the number
 * of dimensions) followed by one big-endian 32-bit size per dimension. */
static gboolean
read_idx_header (GInputStream *in, const char *path, guint n_dims, guint32 *dims,
                 GCancellable *cancellable, GError **error)
{
  guint8 head[4 + 4 * 3];

  g_assert (n_dims <= 3);
  if (!read_exact (in, path, head, 4 + 4 * n_dims, cancellable, error))
    return FALSE;
  if (head[0] != 0 || head[1] != 0 || head[2] != 0x08 || head[3] != n_dims)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "%s: not an IDX file of %u-dimensional unsigned bytes", path, n_dims);
      return FALSE;
    }
  for (guint i = 0; i < n_dims; i++)
    {
      const guint8 *p = head + 4 + 4 * i;
      dims[i] = ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
    }
  return TRUE;
}

typedef struct {
  guint32 index;
  guint8 label;
  guint8 pixels[FASHION_PIXELS];
} FashionImage;

/* Read one split (train or t10k) and pick @per_class (+ spares) images of
 * each class at random. Returns the picks grouped by class, in pick order.
 * The image file is streamed: only the picked images are kept. */
static GPtrArray *
fashion_pick (Demo *d, const char *split, guint per_class, GRand *rand, GError **error)
{
  g_autofree char *labels_path = g_strdup_printf ("%s/%s-labels-idx1-ubyte.gz", fashion_dir (), split);
  g_autofree char *images_path = g_strdup_printf ("%s/%s-images-idx3-ubyte.gz", fashion_dir (), split);
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GPtrArray) picks = g_ptr_array_new_with_free_func (g_free);
  g_autofree guint8 *labels = NULL;
  g_autofree gint32 *slot = NULL; /* image index -> position in picks, -1 = not wanted */
  g_autofree guint8 *chunk = NULL;
  guint32 dims[3];
  guint32 n;
  const guint32 chunk_images = 256;

  in = open_gzip (labels_path, error);
  if (in == NULL || !read_idx_header (in, labels_path, 1, dims, d->cancellable, error))
    return NULL;
  n = dims[0];
  if (n == 0 || n > 10000000)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: implausible count %u", labels_path, n);
      return NULL;
    }
  labels = g_malloc (n);
  if (!read_exact (in, labels_path, labels, n, d->cancellable, error))
    return NULL;
  g_clear_object (&in);
  for (guint32 i = 0; i < n; i++)
    if (labels[i] >= FASHION_N_CLASSES)
      {
        g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA, "%s: label %u out of range",
                     labels_path, labels[i]);
        return NULL;
      }

  slot = g_new (gint32, n);
  for (guint32 i = 0; i < n; i++)
    slot[i] = -1;
  for (guint c = 0; c < FASHION_N_CLASSES; c++)
    {
      g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (guint32));
      guint want = per_class + FASHION_SPARES;

      for (guint32 i = 0; i < n; i++)
        if (labels[i] == c)
          g_array_append_val (members, i);
      /* a partial Fisher–Yates draws @want distinct members */
      for (guint k = 0; k < want && k < members->len; k++)
        {
          guint j = k + (guint) g_rand_int_range (rand, 0, (gint32) (members->len - k));
          guint32 pick = g_array_index (members, guint32, j);
          FashionImage *img = g_new0 (FashionImage, 1);

          g_array_index (members, guint32, j) = g_array_index (members, guint32, k);
          g_array_index (members, guint32, k) = pick;
          img->index = pick;
          img->label = (guint8) c;
          slot[pick] = (gint32) picks->len;
          g_ptr_array_add (picks, img);
        }
    }

  in = open_gzip (images_path, error);
  if (in == NULL || !read_idx_header (in, images_path, 3, dims, d->cancellable, error))
    return NULL;
  if (dims[0] != n || dims[1] != FASHION_SIDE || dims[2] != FASHION_SIDE)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_DATA,
                   "%s: expected %u images of 28×28, found %u of %u×%u", images_path, n, dims[0],
                   dims[1], dims[2]);
      return NULL;
    }
  chunk = g_malloc ((gsize) chunk_images * FASHION_PIXELS);
  for (guint32 first = 0; first < n; first += chunk_images)
    {
      guint32 count = MIN (chunk_images, n - first);

      if (!read_exact (in, images_path, chunk, (gsize) count * FASHION_PIXELS, d->cancellable, error))
        return NULL;
      for (guint32 i = 0; i < count; i++)
        if (slot[first + i] >= 0)
          {
            FashionImage *img = picks->pdata[slot[first + i]];
            memcpy (img->pixels, chunk + (gsize) i * FASHION_PIXELS, FASHION_PIXELS);
          }
    }
  return g_steal_pointer (&picks);
}

static EmSample *
fashion_sample (const FashionImage *img, const char *split, EmCategory category, GError **error)
{
  guint8 rgb[FASHION_PIXELS * 3];
  g_autoptr(GBytes) png = NULL;
  g_autoptr(EmSample) s = NULL;
  g_autofree char *name = NULL;
  g_autofree char *index = NULL;
  g_autofree char *dataset = g_strconcat ("fashion-mnist ", split, NULL);

  /* em_image_encode_png() takes RGB; a gray image is R = G = B */
  for (guint i = 0; i < FASHION_PIXELS; i++)
    rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = img->pixels[i];
  png = em_image_encode_png (rgb, FASHION_SIDE, FASHION_SIDE, error);
  if (png == NULL)
    return NULL;
  s = em_sample_new ();
  name = g_strdup_printf ("%s.%s-%05u", fashion_labels[img->label], split, img->index);
  index = g_strdup_printf ("%u", img->index);
  em_sample_set_name (s, name);
  em_sample_set_label (s, fashion_labels[img->label]);
  em_sample_set_category (s, category);
  em_sample_set_kind (s, EM_SENSOR_IMAGE);
  em_sample_set_encoding (s, EM_ENCODING_PNG);
  em_sample_set_image_size (s, FASHION_SIDE, FASHION_SIDE);
  em_sample_set_n_frames (s, 1);
  em_sample_set_data (s, png);
  em_sample_set_source_format (s, "png");
  em_sample_set_metadata (s, "dataset", dataset);
  em_sample_set_metadata (s, "index", index);
  return g_steal_pointer (&s);
}

/* Add @per_class images of every class, classes interleaved; a picked image
 * whose bytes are already in the project (Fashion-MNIST has a few exact
 * duplicates) is replaced by the next spare. */
static gboolean
fashion_add (Demo *d, GPtrArray *picks, const char *split, EmCategory category, guint per_class,
             double progress_from, double progress_to, GError **error)
{
  guint pos[FASHION_N_CLASSES] = { 0 }, end[FASHION_N_CLASSES] = { 0 }, added[FASHION_N_CLASSES] = { 0 };
  guint total = 0, target = per_class * FASHION_N_CLASSES;

  /* picks are grouped by class: find each class's range */
  for (guint i = 0; i < picks->len; i++)
    {
      const FashionImage *img = picks->pdata[i];
      if (end[img->label] == 0)
        pos[img->label] = i;
      end[img->label] = i + 1;
    }
  for (guint round = 0; round < per_class; round++)
    for (guint c = 0; c < FASHION_N_CLASSES; c++)
      while (added[c] <= round && pos[c] < end[c])
        {
          g_autoptr(EmSample) s = NULL;
          g_autoptr(GError) local = NULL;
          g_autofree char *what = NULL;

          if (!em_demo_check_cancel (d, error))
            return FALSE;
          s = fashion_sample (picks->pdata[pos[c]++], split, category, error);
          if (s == NULL)
            return FALSE;
          if (!em_demo_add (d, s, &local))
            {
              if (!g_error_matches (local, EM_ERROR, EM_ERROR_DUPLICATE))
                {
                  g_propagate_error (error, g_steal_pointer (&local));
                  return FALSE;
                }
              continue;
            }
          added[c]++;
          total++;
          what = g_strdup_printf ("Adding images: %s", em_sample_get_name (s));
          em_demo_progress (d, progress_from + (progress_to - progress_from) * total / target, what);
        }
  return TRUE;
}

gboolean
em_demo_create_images (Demo *d, double scale, GRand *rand, GError **error)
{
  static const struct {
    const char *split;
    EmCategory category;
    guint per_class;
  } splits[] = {
    { "train", EM_CATEGORY_TRAINING, FASHION_TRAIN_PER_CLASS },
    { "t10k", EM_CATEGORY_TESTING, FASHION_TEST_PER_CLASS },
  };
  const double share[] = { 0.0, 0.75, 0.95 }; /* progress at the start of each split */

  for (guint s = 0; s < G_N_ELEMENTS (splits); s++)
    {
      guint per_class = (guint) MAX (1.0, round (splits[s].per_class * scale));
      g_autoptr(GPtrArray) picks = NULL;
      g_autofree char *what = g_strdup_printf ("Reading Fashion-MNIST %s", splits[s].split);
      double mid = share[s] + 0.5 * (share[s + 1] - share[s]);

      em_demo_progress (d, share[s], what);
      picks = fashion_pick (d, splits[s].split, per_class, rand, error);
      if (picks == NULL)
        return FALSE;
      if (!fashion_add (d, picks, splits[s].split, splits[s].category, per_class, mid,
                        share[s + 1], error))
        return FALSE;
    }
  return TRUE;
}

gboolean
em_demo_fashion_present (GError **error)
{
  static const char *const files[] = {
    "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (fashion_dir (), files[i], NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error_literal (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                               "Fashion-MNIST not found: install the Debian package dataset-fashion-mnist");
          return FALSE;
        }
    }
  return TRUE;
}

