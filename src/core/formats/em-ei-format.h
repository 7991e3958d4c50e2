/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-sample.h"

G_BEGIN_DECLS

/* The Edge Impulse data acquisition format:
 * { "protected": { "ver": "v1", "alg": "HS256" | "none", "iat": seconds },
 *   "signature": hex HMAC-SHA256 of the document with the signature field zeroed
 *                (same length, all '0'),
 *   "payload": { "device_name", "device_type", "interval_ms",
 *                "sensors": [ { "name", "units" } ], "values": [[...], ...] or [...] } }
 * in JSON or CBOR. When @hmac_key is non-NULL and alg is HS256 the signature
 * must verify (EM_ERROR_BAD_SIGNATURE otherwise). Values that are NaN, rows
 * whose length differs from the sensor count and missing fields are errors.
 * device_name / device_type go to the sample's metadata. Units "wav" with one
 * sensor make an audio sample. (transfer full) */
EmSample *em_ei_read_json  (GBytes *bytes, const char *hmac_key, GError **error);
EmSample *em_ei_read_cbor  (GBytes *bytes, const char *hmac_key, GError **error);

/* What the reader could say about a document's signature, so a caller that
 * was given a key can warn about (or refuse) documents that were not signed. */
typedef enum {
  EM_EI_SIGNATURE_NONE,      /* alg "none": the document is not signed */
  EM_EI_SIGNATURE_UNCHECKED, /* alg HS256, but no key was given to check it */
  EM_EI_SIGNATURE_VERIFIED,  /* alg HS256 and the signature matches the key */
} EmEiSignature;

/* As above, also reporting the signature status in @signature (nullable).
 * The signature is checked over the bytes as received with the signature's
 * hex digits replaced by '0' in place, so the sender's key order, spacing and
 * number spelling are what is authenticated.
 * Units "wav": values are 16-bit PCM numbers in the file (-32768..32767) and
 * [-1, 1) in the sample, like em_wav_read(); the writer scales back. */
EmSample *em_ei_read_json_full (GBytes *bytes, const char *hmac_key, EmEiSignature *signature,
                                GError **error);
EmSample *em_ei_read_cbor_full (GBytes *bytes, const char *hmac_key, EmEiSignature *signature,
                                GError **error);

/* Write an F32LE time-series or audio sample; signed with HS256 when
 * @hmac_key is non-NULL, alg "none" (signature all '0') otherwise. JSON
 * numbers are the shortest text that reads back as the same float32; CBOR
 * values are float32. device_name / device_type come from the metadata
 * (device_type defaults to "EMBER"), iat from the creation time when set, so
 * the same sample always gives the same bytes. (transfer full) */
GBytes   *em_ei_write_json (EmSample *sample, const char *hmac_key, GError **error);
GBytes   *em_ei_write_cbor (EmSample *sample, const char *hmac_key, GError **error);

G_END_DECLS
