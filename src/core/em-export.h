/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-project.h"
#include "em-demo.h"
#include "formats/em-boxes.h"

G_BEGIN_DECLS

typedef struct {
  const EmSampleFilter *filter;   /* NULL: all samples */
  const char *time_series_format; /* "csv" (default), "ei-json" or "ei-cbor" */
  EmBoxFormat box_format;         /* for image samples with boxes */
  const char *hmac_key;           /* sign EI files */
} EmExportOptions;

void     em_export_options_init (EmExportOptions *options);

/* Write samples into DIR/training/ and DIR/testing/ as LABEL.NAME.EXT
 * (audio as WAV in its source sample format, images as their original
 * bytes, time series per options), with bounding boxes beside the images.
 * Importing DIR gives back the same samples. */
gboolean em_export_project (EmProject *project, const char *dir, const EmExportOptions *options,
                            EmProgressFunc progress, gpointer user_data,
                            GCancellable *cancellable, GError **error);

G_END_DECLS
