/* SPDX-License-Identifier: Apache-2.0 */
/* The wasm target's extra files are fixed text embedded as resources
 * (targets/wasm/): the generated C library's headers carry everything
 * impulse-specific, so em_wasm.c, build.sh, the JavaScript module and the
 * page need no filling in. */
#include <string.h>
#include <glib/gstdio.h>
#include "em-codegen-private.h"
#include "targets/wasm/em-codegen-wasm.h"

static const char *const wasm_files[] = { "em_wasm.c", "build.sh", "ember-classifier.js", "index.html" };

gboolean
em_codegen_wasm_add_files (const EmCodegenImpulse *impulse, GPtrArray *generated, GError **error)
{
  (void) impulse;
  for (guint i = 0; i < G_N_ELEMENTS (wasm_files); i++)
    {
      g_autofree char *res = g_strconcat ("targets/wasm/", wasm_files[i], NULL);
      g_autoptr(GBytes) bytes = em_codegen_runtime_file (res);
      gsize len;
      const char *data;

      if (bytes == NULL)
        {
          g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "wasm target: its file %s is missing from "
                       "this build of Ember", wasm_files[i]);
          return FALSE;
        }
      data = g_bytes_get_data (bytes, &len);
      g_ptr_array_add (generated, g_strconcat ("wasm/", wasm_files[i], NULL));
      g_ptr_array_add (generated, g_strndup (data, len));
    }
  return TRUE;
}

char *
em_codegen_wasm_find_emcc (GError **error)
{
  const char *name = g_getenv ("EMCC");
  char *path;

  if (name == NULL || *name == '\0')
    name = "emcc";
  path = g_find_program_in_path (name);
  if (path == NULL)
    g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_IO,
                 "cannot build the wasm target: %s not found (install the Debian package emscripten)", name);
  return path;
}

gboolean
em_codegen_wasm_build (const char *dir, GError **error)
{
  g_autofree char *emcc = em_codegen_wasm_find_emcc (error);
  g_autofree char *wasm_dir = g_build_filename (dir, "wasm", NULL);
  g_autofree char *log_path = g_build_filename (wasm_dir, "build.log", NULL);
  g_autofree char *out = NULL, *err = NULL, *log = NULL;
  g_autoptr(GError) local = NULL;
  const char *argv[] = { "sh", "build.sh", NULL };
  int status = 0;

  if (emcc == NULL)
    return FALSE;
  if (!g_spawn_sync (wasm_dir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &local))
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_IO, "cannot run %s/build.sh: %s", wasm_dir, local->message);
      return FALSE;
    }
  log = g_strconcat (out != NULL ? out : "", err != NULL ? err : "", NULL);
  /* The log is a convenience: a folder we cannot write to failed earlier. */
  (void) g_file_set_contents (log_path, log, -1, NULL);
  if (!g_spawn_check_wait_status (status, &local))
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_IO, "building the wasm target with %s failed (%s): see %s",
                   emcc, local->message, log_path);
      return FALSE;
    }
  return TRUE;
}
