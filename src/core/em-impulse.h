/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <json-glib/json-glib.h>
#include "em-project.h"

G_BEGIN_DECLS

/* The input block: how samples are cut into windows. */
typedef enum {
  EM_RESIZE_SQUASH,
  EM_RESIZE_FIT_SHORTEST, /* scale so the short side fits, crop the long side */
  EM_RESIZE_FIT_LONGEST,  /* scale so the long side fits, pad the short side */
} EmResizeMode;

typedef struct {
  gboolean     is_image;
  /* time series and audio */
  double       window_size_ms;     /* > 0 */
  double       window_increase_ms; /* > 0; the stride between windows */
  double       frequency_hz;       /* samples at another rate are refused (within 0.5 %) */
  gboolean     zero_pad;           /* pad samples shorter than a window with zeros */
  GStrv        axes;               /* axis names to use, in this order; NULL = all of the first sample's */
  /* images */
  guint        width, height;
  EmResizeMode resize_mode;
  char        *crop_anchor;        /* "top-left" ... "middle-center" ... "bottom-right" */
} EmInputConfig;

/* One processing block of the impulse. */
typedef struct {
  char       *id;        /* unique in the impulse, e.g. "mfcc" or "spectral-2" */
  char       *plugin;    /* block id in the plugin registry */
  JsonObject *params;    /* as the user set them (may be partial: defaults fill in) */
  GStrv       axes;      /* which input axes this block sees; NULL = all */
  double      x, y;      /* position in the graph editor */
} EmImpulseBlock;

/* One learning block: trains on its inputs' features, concatenated per
 * window in the order of @inputs (sensor fusion). In the impulse JSON it is
 * an entry of "blocks" with "kind": "learning". */
typedef struct {
  char       *id;        /* unique in the impulse (among all blocks), e.g. "classification" */
  char       *plugin;    /* learning block id in the plugin registry */
  JsonObject *params;    /* as the user set them (may be partial: defaults fill in) */
  GStrv       inputs;    /* ids of processing blocks of this impulse, in order; never NULL */
  double      x, y;      /* position in the graph editor */
} EmImpulseLearnBlock;

typedef struct {
  guint          version;
  EmInputConfig  input;
  GPtrArray     *blocks; /* EmImpulseBlock; processing blocks, in order */
  JsonNode      *extra;  /* an old "learning" member and anything else later issues add, kept as is */
  GPtrArray     *learn_blocks; /* EmImpulseLearnBlock, in order */
} EmImpulse;

EmImpulse  *em_impulse_new              (void);
void        em_impulse_free             (EmImpulse *impulse);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmImpulse, em_impulse_free)

/* Parse / write the impulse JSON DESIGN.md describes. Errors name the field. */
EmImpulse  *em_impulse_from_json        (const char *json, GError **error);
/* A deep copy (through JSON). (transfer full) */
EmImpulse  *em_impulse_copy             (const EmImpulse *impulse);
char       *em_impulse_to_json          (const EmImpulse *impulse);

/* Stored in the project (setting "impulse"). NULL + EM_ERROR_NOT_FOUND when none. */
EmImpulse  *em_impulse_load             (EmProject *project, GError **error);
gboolean    em_impulse_save             (EmProject *project, const EmImpulse *impulse, GError **error);

EmImpulseBlock *em_impulse_add_block    (EmImpulse *impulse, const char *id, const char *plugin);
EmImpulseBlock *em_impulse_find_block   (EmImpulse *impulse, const char *id);
/* Refuses (FALSE) a processing block that a learning block uses, too. */
gboolean        em_impulse_remove_block (EmImpulse *impulse, const char *id);

/* @inputs: (nullable) processing block ids; NULL = none yet. */
EmImpulseLearnBlock *em_impulse_add_learn_block    (EmImpulse *impulse, const char *id, const char *plugin,
                                                    const char * const *inputs);
EmImpulseLearnBlock *em_impulse_find_learn_block   (EmImpulse *impulse, const char *id);
/* The first learning block, NULL when there is none. */
EmImpulseLearnBlock *em_impulse_first_learn_block  (EmImpulse *impulse);
gboolean             em_impulse_remove_learn_block (EmImpulse *impulse, const char *id);
/* Is @id taken by any block (processing or learning)? */
gboolean             em_impulse_has_id             (EmImpulse *impulse, const char *id);
/* Remove a block of either kind. A processing block that a learning block
 * uses is refused (EM_ERROR_INVALID_ARGUMENT, naming the learning block);
 * an unknown id is EM_ERROR_NOT_FOUND. */
gboolean             em_impulse_remove             (EmImpulse *impulse, const char *id, GError **error);

/* A sensible input block for a project: from its first sample's kind and rate. */
gboolean    em_input_config_guess       (EmInputConfig *config, EmProject *project, GError **error);
/* The part of the input config that changes windows, as canonical text (cache keys). */
char       *em_input_config_key         (const EmInputConfig *config);

G_END_DECLS
