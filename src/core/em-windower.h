/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "em-impulse.h"
#include "ember-plugin.h"

G_BEGIN_DECLS

/* Cuts samples into the windows the input block describes and hands them to
 * processing blocks as EmSignal. One windower per thread; it owns the
 * window buffer, so a window is valid until the next call. */
typedef struct _EmWindower EmWindower;

/* @axes: the block's axis subset (NULL: the input's axes, or all axes of
 * @template). @template: a sample (without data) fixing the axis names and
 * rate when the input config leaves them open. */
EmWindower     *em_windower_new        (const EmInputConfig *config, GStrv axes, EmSample *template,
                                        GError **error);
void            em_windower_free       (EmWindower *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmWindower, em_windower_free)

/* What every window looks like. */
const EmSignalInfo *em_windower_get_info (EmWindower *self);

/* Prepare a sample (with data): checks kind, rate and axes, and counts its
 * windows (0 when shorter than a window and zero-padding is off). */
gboolean        em_windower_set_sample (EmWindower *self, EmSample *sample, guint *n_windows,
                                        GError **error);
/* Window @index of the current sample. (transfer none) */
const EmSignal *em_windower_get        (EmWindower *self, guint index);

G_END_DECLS
