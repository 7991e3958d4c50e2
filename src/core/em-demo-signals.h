/* SPDX-License-Identifier: Apache-2.0 */
/* Signal synthesis behind the demo projects (em-demo.c): background noise,
 * keyword mixing and simulated accelerometer recordings. Internal to
 * libember-core. Every function draws its randomness from the GRand it is
 * given and from nothing else, so a seed reproduces the output exactly. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Fill @out[0..n) with background noise of RMS 1.0 at @rate_hz: a pink,
 * brown or white bed, optionally mains hum (50 or 60 Hz with harmonics) and
 * occasional clicks, in random proportions. When @desc is not NULL a short
 * description such as "pink+hum50+clicks" is appended to it. */
void    em_demo_noise              (float *out, gsize n, double rate_hz, GRand *rand,
                                    GString *desc);

/* Turn a clean 1 s speech clip into a training clip, in place:
 * @clip holds @n samples in [-1, 1) with the word starting near 0 (sox has
 * trimmed the leading silence). The word is moved to a random position
 * (@offset_u in [0, 1) picks it within the room left), scaled so its active
 * part has an RMS of @level_db dBFS, and mixed with noise from
 * em_demo_noise() at @snr_db (speech RMS over noise RMS). The result is
 * clipped to [-1, 1) and rounded to the 16-bit PCM grid, so that exporting
 * as pcm16 and importing again gives identical values.
 * @desc as for em_demo_noise(). Returns FALSE (and leaves @clip unchanged)
 * when the clip is silent. */
gboolean em_demo_mix_keyword       (float *clip, gsize n, double rate_hz, double offset_u,
                                    double level_db, double snr_db, GRand *rand,
                                    GString *desc);

/* Background noise alone at @level_db dBFS RMS, rounded like
 * em_demo_mix_keyword(). */
void    em_demo_noise_clip         (float *clip, gsize n, double rate_hz, double level_db,
                                    GRand *rand, GString *desc);

typedef enum {
  EM_DEMO_MOTION_IDLE,
  EM_DEMO_MOTION_WAVE,
  EM_DEMO_MOTION_UPDOWN,
  EM_DEMO_MOTION_SNAKE,
  EM_DEMO_MOTION_N_CLASSES,
} EmDemoMotion;

/* The label of a motion class: "idle", "wave", "updown", "snake". */
const char *em_demo_motion_label   (EmDemoMotion motion);

/* Simulate a 3-axis accelerometer worn on a hand: @out receives
 * @n_frames × 3 values (accX, accY, accZ interleaved by frame) in m/s²,
 * sampled at @rate_hz. At rest the sensor reads +g on Z, tilted by a small
 * random orientation. Amplitude, frequency and its jitter, orientation,
 * noise level (σ 0.05–0.2 m/s²), drift and occasional spikes vary per call. */
void    em_demo_motion             (float *out, guint n_frames, double rate_hz,
                                    EmDemoMotion motion, GRand *rand);

G_END_DECLS
