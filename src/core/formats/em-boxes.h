/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-sample.h"

G_BEGIN_DECLS

/* Bounding-box annotations found next to images, keyed by image file name
 * (basename). Formats: Edge Impulse "bounding_boxes.labels" JSON, Pascal VOC
 * XML (one .xml per image), COCO JSON (one file, "images" + "annotations" +
 * "categories") and YOLO txt (one .txt per image with class cx cy w h
 * normalised, names from classes.txt / obj.names / data.yaml). */
typedef enum {
  EM_BOX_FORMAT_EI,
  EM_BOX_FORMAT_VOC,
  EM_BOX_FORMAT_COCO,
  EM_BOX_FORMAT_YOLO,
} EmBoxFormat;

typedef struct _EmBoxIndex EmBoxIndex;

/* Look in @dir for annotation files of any format and load them all. A
 * directory without any gives an empty index. Malformed files and unknown
 * labels (a YOLO class index with no name, a COCO category id that is not
 * declared) are errors naming the file, on one line.
 * Where each format is found: bounding_boxes.labels; every .xml whose root
 * is <annotation> (other XML is skipped); every .json with top-level images,
 * annotations and categories (EI data files and other JSON are skipped);
 * <stem>.txt beside an image <stem>.png/.jpg/.jpeg, or in the "labels"
 * folder mirroring an "images" folder, with names from classes.txt,
 * obj.names or data.yaml / data.yml in @dir, that labels folder, or up to
 * two folders up. A .txt that does not look like YOLO is skipped unless a
 * names file was found.
 * Matching an image: EI and COCO by basename; YOLO by stem; VOC by the
 * XML's own stem, else by its <filename>. Two files claiming one image is
 * an error (at load, or at apply when only the image name tells). */
EmBoxIndex *em_box_index_load_dir  (const char *dir, GError **error);
void        em_box_index_free      (EmBoxIndex *index);
/* Add the boxes recorded for @image_name (a path or basename) to @sample
 * (needs its width and height for YOLO). TRUE if the index had an entry for
 * the image (possibly with zero boxes); FALSE without error if not. A box
 * more than 1 px outside the sample's image is an error naming the
 * annotation file, and then no box is added. VOC corners map to x = xmin,
 * width = xmax - xmin (no 1-pixel shift). */
gboolean    em_box_index_apply     (EmBoxIndex *index, const char *image_name, EmSample *sample,
                                    GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmBoxIndex, em_box_index_free)

/* Write the boxes of @samples (images) into @dir in @format, where the image
 * file of samples[i] is named file_names[i] (only the basename is used):
 * EI bounding_boxes.labels, COCO annotations.json (categories sorted by
 * name, ids from 1), one <stem>.xml (VOC) or <stem>.txt (YOLO, needs the
 * image size) per image plus classes.txt. Numbers are written so that
 * em_box_index_load_dir() reads the same pixels back (YOLO to ~1e-9 px).
 * Images do not get written here. */
gboolean    em_boxes_export        (const char *dir, EmBoxFormat format, GPtrArray *samples,
                                    GPtrArray *file_names, GError **error);

gboolean    em_box_format_from_string (const char *str, EmBoxFormat *out);
const char *em_box_format_to_string   (EmBoxFormat format);

G_END_DECLS
