/* SPDX-License-Identifier: Apache-2.0 */
/* em-nn-augment.h — data augmentation applied to training windows only,
 * each epoch anew. Everything is off by default (all zero). A window is
 * treated as dims.h × dims.w × dims.c (NHWC): for audio features (MFCC,
 * MFE, spectrogram) rows = time = w, columns = frequency = c with h = 1; for
 * images h × w × c.
 */
#pragma once

#include <glib.h>
#include "em-nn-model.h"

G_BEGIN_DECLS

typedef struct {
  /* time series / audio features */
  float noise_std;        /* additive Gaussian noise, × the window's own standard deviation */
  int   time_shift_max;   /* shift by up to ± this many steps along w, zero filled */
  int   time_masks;       /* SpecAugment: number of time masks (along w) */
  int   time_mask_max;    /*   each up to this many steps wide, set to the window mean */
  int   freq_masks;       /* SpecAugment: number of frequency masks (along c, or h for images) */
  int   freq_mask_max;
  /* images */
  gboolean flip_horizontal;
  gboolean flip_vertical;
  float crop_max;         /* random crop removing up to this fraction of each side, resized back (bilinear) */
  float brightness;       /* add uniform(-b, b) × value range */
  float contrast;         /* scale around the mean by uniform(1 - c, 1 + c) */
} EmNnAugment;

gboolean em_nn_augment_is_enabled (const EmNnAugment *aug);
/* Augment one window in place. scratch: em_nn_dims_size(dims) floats. */
void     em_nn_augment_apply      (const EmNnAugment *aug, EmNnDims dims, float *window,
                                   float *scratch, GRand *rand);

G_END_DECLS
