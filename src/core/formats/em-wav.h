/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-sample.h"

G_BEGIN_DECLS

/* Decode a RIFF/WAVE file: PCM 8 (unsigned), 16, 24, 32-bit integer and
 * IEEE float32, mono or multi-channel (WAVE_FORMAT_EXTENSIBLE too). Returns
 * an EM_SENSOR_AUDIO sample, EM_ENCODING_F32LE, values scaled to [-1, 1),
 * one axis per channel ("audio" for mono, "ch0", "ch1", ... otherwise; units
 * "wav"), interval 1000/rate, source format "wav:pcm16" etc. Name, label and
 * category are left for the caller. (transfer full) */
EmSample *em_wav_read  (GBytes *bytes, GError **error);

/* Encode an F32LE sample as WAV. @source_format picks the sample format
 * ("wav:pcm16", ...); NULL uses the sample's own source format, or pcm16.
 * Integer formats round to nearest and clip. The rate is 1000/interval
 * rounded (1 to 384000 Hz); NaN or infinite values are refused. Float and
 * mono/stereo 8/16-bit PCM use the plain format tag, other PCM
 * WAVE_FORMAT_EXTENSIBLE.
 * Writing is the exact inverse of em_wav_read() for pcm8/16/24 and float32:
 * read (write (read (x))) gives identical values. pcm32 is the exception in
 * the bytes only: float32 holds 24 bits, so a re-written file differs from
 * the original below that precision (the values read back are still
 * identical). (transfer full) */
GBytes   *em_wav_write (EmSample *sample, const char *source_format, GError **error);

G_END_DECLS
