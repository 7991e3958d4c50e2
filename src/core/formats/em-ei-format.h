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

/* Write an F32LE sample; signed with HS256 when @hmac_key is non-NULL,
 * alg "none" otherwise. (transfer full) */
GBytes   *em_ei_write_json (EmSample *sample, const char *hmac_key, GError **error);
GBytes   *em_ei_write_cbor (EmSample *sample, const char *hmac_key, GError **error);

G_END_DECLS
