/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Shared by em-ei-format.c (JSON, the document model) and em-ei-cbor.c. */

#include <json-glib/json-glib.h>
#include "em-error.h"
#include "em-ei-format.h"

G_BEGIN_DECLS

#define EM_EI_SIGNATURE_HEX_LEN 64
/* The format needs depth 4; the bound keeps recursive parsers and libcbor's
 * recursive free away from stack exhaustion on hostile input. */
#define EM_EI_MAX_DEPTH 32

/* Where the signature's hex digits sit in the encoded document. */
typedef struct {
  gsize offset;
  gsize length;
  guint n_keys;     /* top-level "signature" keys seen */
  gboolean found;   /* the (single) value is a text string at offset */
} EmEiSignatureSpan;

/* What both encoders need, checked once. */
typedef struct {
  float *values;        /* n_frames × n_axes, already scaled for audio */
  guint64 n_frames;
  guint n_axes;
  gboolean audio;
  double interval_ms;
  gint64 iat;           /* -1: leave out */
  const char *device_name;
  const char *device_type;
} EmEiWriteJob;

/* Sets an EM_ERROR and returns FALSE. */
gboolean    em_ei_fail            (GError **error, EmError code, const char *format, ...) G_GNUC_PRINTF (3, 4);

/* Interpret a parsed document (CBOR is mapped onto JSON nodes first). @data
 * and @span are the encoded bytes, for the signature. (transfer full) */
EmSample   *em_ei_read_document   (JsonNode *root, const guint8 *data, gsize size,
                                   const EmEiSignatureSpan *span, const char *hmac_key,
                                   const char *source_format, EmEiSignature *signature,
                                   GError **error);

gboolean    em_ei_write_job_init  (EmEiWriteJob *job, EmSample *sample, GError **error);
void        em_ei_write_job_clear (EmEiWriteJob *job);
const char *em_ei_axis_name       (EmSample *sample, guint i);
const char *em_ei_axis_units      (EmEiWriteJob *job, EmSample *sample, guint i);
/* Replace the 64 '0's at @offset by the HMAC-SHA256 of all @size bytes. */
void        em_ei_sign_in_place   (guint8 *data, gsize size, gsize offset, const char *key);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EmEiWriteJob, em_ei_write_job_clear)

G_END_DECLS
