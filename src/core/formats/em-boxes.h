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
 * declared) are errors naming the file. */
EmBoxIndex *em_box_index_load_dir  (const char *dir, GError **error);
void        em_box_index_free      (EmBoxIndex *index);
/* Add the boxes recorded for @image_name to @sample (needs its width and
 * height for YOLO). TRUE if the index had an entry for the image (possibly
 * with zero boxes). */
gboolean    em_box_index_apply     (EmBoxIndex *index, const char *image_name, EmSample *sample,
                                    GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmBoxIndex, em_box_index_free)

/* Write the boxes of @samples (images) into @dir in @format, where the image
 * file of samples[i] is named file_names[i]. */
gboolean    em_boxes_export        (const char *dir, EmBoxFormat format, GPtrArray *samples,
                                    GPtrArray *file_names, GError **error);

gboolean    em_box_format_from_string (const char *str, EmBoxFormat *out);
const char *em_box_format_to_string   (EmBoxFormat format);

G_END_DECLS
