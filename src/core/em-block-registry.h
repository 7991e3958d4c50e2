/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include "ember-plugin.h"

G_BEGIN_DECLS

/* A block offered by a loaded plugin. Keeps its plugin loaded while referenced. */
typedef struct _EmBlock EmBlock;

#define EM_TYPE_BLOCK (em_block_get_type ())
GType                  em_block_get_type           (void) G_GNUC_CONST;
EmBlock               *em_block_ref                (EmBlock *block);
void                   em_block_unref              (EmBlock *block);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmBlock, em_block_unref)

const char            *em_block_get_id             (EmBlock *block);
EmBlockKind            em_block_get_kind           (EmBlock *block);
const char            *em_block_get_name           (EmBlock *block);
const char            *em_block_get_description    (EmBlock *block);
guint                  em_block_get_version        (EmBlock *block);
guint                  em_block_get_input_kinds    (EmBlock *block);
const char            *em_block_get_plugin_path    (EmBlock *block);
/* The parsed parameter schema: a JSON array of parameter objects. (transfer none) */
JsonArray             *em_block_get_schema         (EmBlock *block);
const EmProcessingOps *em_block_get_processing_ops (EmBlock *block);
/* NULL unless the block is a learning block. */
const EmLearningOps   *em_block_get_learning_ops   (EmBlock *block);
const char            *em_block_kind_to_string     (EmBlockKind kind);

/* Resolved parameters: every schema parameter with the given value or its
 * default, checked for type, range and choices. */
typedef struct {
  EmPluginParam *params;
  gsize          n_params;
  GStrv          storage; /* owns the strings params point into */
} EmBlockParams;

void           em_block_params_free       (EmBlockParams *params);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmBlockParams, em_block_params_free)
/* @given: a JSON object of name -> value (nullable). Unknown names and bad
 * values are errors naming the parameter and the reason. (transfer full) */
EmBlockParams *em_block_resolve_params    (EmBlock *block, JsonObject *given, GError **error);
/* A canonical JSON text of resolved params (sorted keys) for cache keys. (transfer full) */
char          *em_block_params_to_json    (const EmBlockParams *params);

/* A plugin file that could not be used, and why. */
typedef struct {
  char *path;
  char *reason;
} EmBrokenPlugin;

#define EM_TYPE_BLOCK_REGISTRY (em_block_registry_get_type ())
G_DECLARE_FINAL_TYPE (EmBlockRegistry, em_block_registry, EM, BLOCK_REGISTRY, GObject)

EmBlockRegistry *em_block_registry_new          (void);
/* The process-wide registry, loaded from the default search path on first use:
 * $EMBER_PLUGIN_PATH (':'-separated), the build tree's plugins, the install
 * dir, then ~/.local/share/ember/plugins. (transfer none) */
EmBlockRegistry *em_block_registry_get_default  (void);
/* Load every shared object under @dir (recursing two levels). A missing
 * directory is not an error. */
void             em_block_registry_load_dir     (EmBlockRegistry *self, const char *dir);
/* Load one plugin file; on failure it is listed as broken and FALSE returned. */
gboolean         em_block_registry_load_file    (EmBlockRegistry *self, const char *path,
                                                 GError **error);
/* Register a block compiled into the program (tests, built-ins): checked
 * like a plugin's. @info must outlive the registry. */
gboolean         em_block_registry_add_static   (EmBlockRegistry *self, const EmBlockInfo *info,
                                                 GError **error);
/* Sorted by kind then id. (transfer container) (element-type EmBlock) */
GPtrArray       *em_block_registry_list         (EmBlockRegistry *self);
/* (transfer none) (nullable) */
EmBlock         *em_block_registry_lookup       (EmBlockRegistry *self, const char *id);
/* (transfer none) (element-type EmBrokenPlugin) */
GPtrArray       *em_block_registry_list_broken  (EmBlockRegistry *self);

G_END_DECLS
