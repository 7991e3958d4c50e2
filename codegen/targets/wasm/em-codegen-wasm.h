/* SPDX-License-Identifier: Apache-2.0 */
/* em-codegen-wasm.h — the wasm target: the c-library plus DIR/wasm/ (an
 * exported C API, an emcc build script, a JavaScript classifier module and a
 * browser page), and building it with emscripten. */
#pragma once

#include "em-codegen.h"

G_BEGIN_DECLS

/* Append the wasm/ files as (relative path, text) pairs to @generated, the
 * array em_codegen_write_sources() returned. */
gboolean em_codegen_wasm_add_files (const EmCodegenImpulse *impulse, GPtrArray *generated, GError **error);

/* emcc ($EMCC or from PATH): its path, or NULL and an error naming the Debian
 * package to install. */
char    *em_codegen_wasm_find_emcc (GError **error);

/* Run DIR/wasm/build.sh: DIR/wasm/ember-impulse.js and .wasm. The build's
 * output goes to DIR/wasm/build.log, which a failure's message names. */
gboolean em_codegen_wasm_build     (const char *dir, GError **error);

G_END_DECLS
