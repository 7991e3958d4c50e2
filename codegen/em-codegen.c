/* SPDX-License-Identifier: Apache-2.0 */
/* Generation: check the description, pick the runtime files, write the
 * folder. Paths are only ever built from fixed names and from runtime file
 * names checked against the embedded set, and every file is checked to land
 * under the chosen folder, so no name can lead outside it. */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include "em-codegen-private.h"
#include "em-codegen-write.h"
#include "em-codegen-runtime.h"
#include "targets/wasm/em-codegen-wasm.h"
#include "targets/arduino/em-codegen-arduino.h"

G_DEFINE_QUARK (em-codegen-error-quark, em_codegen_error)

static const EmCodegenTarget targets[] = {
  { "c-library", "C99 sources: DSP, the model as const arrays with straight-line kernel calls, one static arena; "
                 "Makefile, CMakeLists.txt, pkg-config file and an example" },
  { "linux", "The C library plus `runner`, a program that classifies window files or stdin and speaks JSON lines "
             "over stdio (runner --jsonl); `make` builds it" },
  { "wasm", "The C library plus wasm/: ember-impulse.js + .wasm (built with emcc by wasm/build.sh or --build), "
            "a JavaScript classifier module and a browser page for files and the microphone" },
  { "arduino", "An Arduino library (library.properties, src/, examples/ember_classify/): the C library plus a sketch "
               "that classifies a window and prints the scores over Serial; builds for AVR and 32-bit boards" },
  { NULL, NULL },
};

const EmCodegenTarget *
em_codegen_targets (void)
{
  return targets;
}

void
em_codegen_dsp_free (EmCodegenDsp *dsp)
{
  if (dsp == NULL)
    return;
  g_free (dsp->id);
  g_free (dsp->plugin);
  g_free (dsp->axis_index);
  g_free (dsp);
}

EmCodegenImpulse *
em_codegen_impulse_new (void)
{
  EmCodegenImpulse *impulse = g_new0 (EmCodegenImpulse, 1);

  impulse->dsp = g_ptr_array_new_with_free_func ((GDestroyNotify) em_codegen_dsp_free);
  impulse->threshold = 0.6f;
  return impulse;
}

void
em_codegen_impulse_free (EmCodegenImpulse *impulse)
{
  if (impulse == NULL)
    return;
  g_strfreev (impulse->axes);
  g_ptr_array_unref (impulse->dsp);
  g_free (impulse->learn_id);
  g_free (impulse->learn_plugin);
  g_clear_pointer (&impulse->model, g_bytes_unref);
  g_strfreev (impulse->labels);
  g_free (impulse->anomaly_id);
  g_clear_pointer (&impulse->anomaly_json, g_bytes_unref);
  g_free (impulse->project_name);
  g_free (impulse->model_version);
  g_clear_pointer (&impulse->example_window, g_array_unref);
  g_free (impulse);
}

/* --- runtime files ----------------------------------------------------------- */

GBytes *
em_codegen_runtime_file (const char *path)
{
  g_autofree char *full = g_strconcat ("/org/emberstudio/codegen/", path, NULL);

  return g_resource_lookup_data (em_codegen_runtime_get_resource (), full, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
}

GBytes *
em_codegen_target_file (const char *name)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (name != NULL, NULL);
  if (strstr (name, "..") != NULL)
    return NULL;
  path = g_strconcat ("targets/", name, NULL);
  return em_codegen_runtime_file (path);
}

/* The Linux target: runner.c next to the library, and Makefile rules that
 * build it by default (`make`, or `make runner`). */
static gboolean
add_linux_runner (GPtrArray *generated, GError **error)
{
  g_autoptr(GBytes) runner = em_codegen_target_file ("linux/runner.c");
  gsize len;
  const char *data;

  if (runner == NULL)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_IO, "linux target: runner.c is not embedded in this build");
      return FALSE;
    }
  data = g_bytes_get_data (runner, &len);
  for (guint i = 0; i + 1 < generated->len; i += 2)
    if (g_str_equal (g_ptr_array_index (generated, i), "Makefile"))
      {
        char *old = g_ptr_array_index (generated, i + 1);
        generated->pdata[i + 1] = g_strconcat (old,
                                               "\n# The Linux runner (ember-cli deploy --target linux).\n"
                                               "all: runner\n\n"
                                               "runner: runner.o libember-impulse.a\n"
                                               "\t$(CC) $(CFLAGS) $(LDFLAGS) -o $@ runner.o libember-impulse.a -lm\n\n"
                                               "clean: clean-runner\n"
                                               "clean-runner:\n\trm -f runner.o runner\n"
                                               ".PHONY: clean-runner\n", NULL);
        g_free (old);
      }
  g_ptr_array_add (generated, g_strdup ("runner.c"));
  g_ptr_array_add (generated, g_strndup (data, len));
  return TRUE;
}

/* A runtime file name: letters, digits, '-', '_' and one ".c" / ".h". */
static gboolean
file_name_ok (const char *name)
{
  gsize n = strlen (name);

  if (n < 3 || n > 64 || name[n - 2] != '.' || (name[n - 1] != 'c' && name[n - 1] != 'h'))
    return FALSE;
  for (gsize i = 0; i + 2 < n; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '-' && name[i] != '_')
      return FALSE;
  return TRUE;
}

/* Add @name of @folder and, transitively, the quoted headers it includes
 * and those headers' .c files. */
static gboolean
add_with_includes (GHashTable *set, const char *folder, const char *name, GError **error)
{
  g_autofree char *path = g_strdup_printf ("%s/%s", folder, name);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  gsize len;
  const char *data;

  if (g_hash_table_contains (set, path))
    return TRUE;
  if (!file_name_ok (name) || (bytes = em_codegen_runtime_file (path)) == NULL)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "%s/ has no runtime file '%s'", folder, name);
      return FALSE;
    }
  g_hash_table_add (set, g_strdup (path));
  data = g_bytes_get_data (bytes, &len);
  text = g_strndup (data, len);
  for (char *line = text; line != NULL && *line != '\0';)
    {
      char *end = strchr (line, '\n');
      char *p = line;

      if (end != NULL)
        *end = '\0';
      while (*p == ' ' || *p == '\t')
        p++;
      if (g_str_has_prefix (p, "#include \""))
        {
          char *inc = p + strlen ("#include \"");
          char *q = strchr (inc, '"');
          if (q != NULL)
            {
              g_autofree char *header = g_strndup (inc, (gsize) (q - inc));
              g_autofree char *source = NULL, *source_path = NULL;
              g_autoptr(GBytes) source_bytes = NULL;

              /* Only Ember's own files travel; a vendor header such as
               * CMSIS's "arm_math.h" (behind a define) is the user's build's. */
              if (!g_str_has_prefix (header, "em-"))
                {
                  line = end != NULL ? end + 1 : NULL;
                  continue;
                }
              if (!add_with_includes (set, folder, header, error))
                return FALSE;
              if (g_str_has_suffix (header, ".h"))
                {
                  source = g_strdup (header);
                  source[strlen (source) - 1] = 'c';
                  source_path = g_strdup_printf ("%s/%s", folder, source);
                  if ((source_bytes = em_codegen_runtime_file (source_path)) != NULL &&
                      !add_with_includes (set, folder, source, error))
                    return FALSE;
                }
            }
        }
      line = end != NULL ? end + 1 : NULL;
    }
  return TRUE;
}

/* --- checks ------------------------------------------------------------------ */

static gboolean
check_impulse (const EmCodegenImpulse *impulse, guint32 *n_features, GError **error)
{
  guint32 n = 0;
  guint64 values = (guint64) impulse->input.n_frames * impulse->input.n_axes;

  if (impulse->input.input_kind == EM_INPUT_IMAGE)
    values = (guint64) impulse->input.width * impulse->input.height * 3;
  if (values == 0 || values > G_MAXINT32 / 4)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "impulse: the input window holds %" G_GUINT64_FORMAT
                   " values", values);
      return FALSE;
    }
  if (impulse->dsp->len == 0)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "impulse: the model has no processing block feeding it");
      return FALSE;
    }
  for (guint i = 0; i < impulse->dsp->len; i++)
    {
      const EmCodegenDsp *d = g_ptr_array_index (impulse->dsp, i);

      if (d->n_features == 0 || d->n_axes == 0 || d->n_frames != impulse->input.n_frames ||
          memchr (d->code.run, '\0', sizeof d->code.run) == NULL ||
          memchr (d->code.declare, '\0', sizeof d->code.declare) == NULL ||
          memchr (d->code.files, '\0', sizeof d->code.files) == NULL)
        {
          g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "block %s: its device code does not fit the impulse",
                       d->id);
          return FALSE;
        }
      for (guint32 a = 0; a < d->n_axes; a++)
        if (d->axis_index[a] >= impulse->input.n_axes)
          {
            g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "block %s reads an axis the input does not have",
                         d->id);
            return FALSE;
          }
      n += d->n_features;
    }
  if (impulse->model == NULL || impulse->format == NULL)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "impulse: no model to deploy");
      return FALSE;
    }
  *n_features = n;
  return TRUE;
}

/* --- writing ----------------------------------------------------------------- */

static gboolean
dir_is_empty (const char *dir, gboolean *exists, GError **error)
{
  g_autoptr(GDir) d = NULL;
  g_autoptr(GError) local = NULL;

  *exists = g_file_test (dir, G_FILE_TEST_EXISTS);
  if (!*exists)
    return TRUE;
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_EXISTS, "%s exists and is not a folder", dir);
      return FALSE;
    }
  d = g_dir_open (dir, 0, &local);
  if (d == NULL)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_IO, "%s: %s", dir, local->message);
      return FALSE;
    }
  return g_dir_read_name (d) == NULL;
}

typedef struct {
  char             *root;     /* canonical target folder */
  EmCodegenSummary *summary;
} Writer;

/* Write @rel (a fixed name or "dsp/NAME" / "nn/NAME" with a checked NAME)
 * under the target folder, refusing anything that resolves elsewhere. */
static gboolean
write_file (Writer *w, const char *rel, const char *data, gsize len, GError **error)
{
  g_autofree char *path = g_build_filename (w->root, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) local = NULL;

  if (g_path_is_absolute (rel) || strstr (rel, "..") != NULL)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "refusing to write '%s': not a plain name", rel);
      return FALSE;
    }
  if (g_mkdir_with_parents (parent, 0755) != 0)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_IO, "%s: %s", parent, g_strerror (errno));
      return FALSE;
    }
  /* A symbolic link left in a --force'd folder must not take us elsewhere. */
  {
    char *resolved = realpath (parent, NULL);
    gboolean inside = resolved != NULL && (g_str_equal (resolved, w->root) ||
                                           (g_str_has_prefix (resolved, w->root) && resolved[strlen (w->root)] == '/'));
    free (resolved);
    if (!inside)
      {
        g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "refusing to write %s: it resolves outside %s",
                     path, w->root);
        return FALSE;
      }
  }
  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) && g_unlink (path) != 0)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_IO, "%s: %s", path, g_strerror (errno));
      return FALSE;
    }
  if (!g_file_set_contents (path, data, (gssize) len, &local))
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  w->summary->n_files++;
  if (g_str_has_suffix (rel, ".c") || g_str_has_suffix (rel, ".h"))
    for (gsize i = 0; i < len; i++)
      w->summary->source_lines += data[i] == '\n';
  return TRUE;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

gboolean
em_codegen_generate (const EmCodegenImpulse *impulse, const char *target, const char *dir, gboolean force,
                     EmCodegenSummary *summary, GError **error)
{
  g_autoptr(GHashTable) files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) sorted = NULL;
  g_autoptr(GPtrArray) generated = NULL;
  EmCodegenModel model, anomaly;
  EmCodegenSummary local_summary = { 0 };
  gboolean exists = FALSE, ok = FALSE, is_anomaly;
  guint32 n_features = 0, n_outputs;
  Writer w = { NULL, summary != NULL ? summary : &local_summary };
  GHashTableIter iter;
  gpointer key;

  memset (w.summary, 0, sizeof *w.summary);
  if (target == NULL || (strcmp (target, "c-library") != 0 && strcmp (target, "linux") != 0 &&
                         strcmp (target, "wasm") != 0 && strcmp (target, "arduino") != 0))
    {
      g_autoptr(GString) known = g_string_new (NULL);
      for (const EmCodegenTarget *t = targets; t->id != NULL; t++)
        g_string_append_printf (known, "%s%s", known->len > 0 ? ", " : "", t->id);
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_UNKNOWN_TARGET, "unknown target '%s' (known: %s)",
                   target != NULL ? target : "", known->str);
      return FALSE;
    }
  if (!check_impulse (impulse, &n_features, error))
    return FALSE;
  {
    g_autoptr(GError) local = NULL;

    if (!dir_is_empty (dir, &exists, &local))
      {
        if (local != NULL)
          {
            g_propagate_error (error, g_steal_pointer (&local));
            return FALSE;
          }
        if (!force)
          {
            g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_EXISTS,
                         "%s exists and is not empty (use --force to write into it)", dir);
            return FALSE;
          }
      }
  }

  is_anomaly = g_strcmp0 (impulse->format, "em-anomaly-json") == 0;
  n_outputs = is_anomaly ? 1 : (impulse->labels != NULL ? g_strv_length (impulse->labels) : 0);
  if (n_outputs == 0)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "impulse: the model's outputs have no names");
      return FALSE;
    }

  em_codegen_model_init (&model);
  em_codegen_model_init (&anomaly);
  if (is_anomaly)
    {
      if (!em_codegen_emit_anomaly (impulse->model, n_features, "em_model_", &model, error))
        goto out;
    }
  else if (g_strcmp0 (impulse->format, "emnq") == 0)
    {
      if (impulse->task == EM_TASK_OBJECT_DETECTION
            ? !em_codegen_emit_detect (impulse, n_features, n_outputs, "em_model_", &model, error)
            : !em_codegen_emit_nn (impulse->model, impulse->int8, n_features, n_outputs, "em_model_", &model, error))
        goto out;
    }
  else
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_INVALID, "block %s exports its model as '%s', which codegen "
                   "does not read", impulse->learn_id, impulse->format);
      goto out;
    }
  if (impulse->anomaly_json != NULL &&
      !em_codegen_emit_anomaly (impulse->anomaly_json, n_features, "em_anomaly_", &anomaly, error))
    goto out;

  /* The runtime files: what the device code lists and the model needs. */
  if (!add_with_includes (files, "dsp", "em-dsp.h", error) || !add_with_includes (files, "dsp", "em-dsp.c", error))
    goto out;
  for (guint i = 0; i < impulse->dsp->len; i++)
    {
      const EmCodegenDsp *d = g_ptr_array_index (impulse->dsp, i);
      g_auto(GStrv) names = g_strsplit_set (d->code.files, " \t\n", -1);

      for (guint k = 0; names[k] != NULL; k++)
        if (*names[k] != '\0' && !add_with_includes (files, "dsp", names[k], error))
          {
            g_prefix_error (error, "block %s: ", d->id);
            goto out;
          }
    }
  for (EmCodegenModel *m = &model; m != NULL; m = m == &model ? &anomaly : NULL)
    {
      g_hash_table_iter_init (&iter, m->nn_files);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!add_with_includes (files, "nn", key, error))
          goto out;
    }
  sorted = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, files);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (sorted, key);
  g_ptr_array_sort (sorted, compare_strings);

  generated = em_codegen_write_sources (impulse, n_features, n_outputs, &model, &anomaly, sorted, w.summary, error);
  if (generated == NULL)
    goto out;
  if (strcmp (target, "linux") == 0 && !add_linux_runner (generated, error))
    goto out;
  if (strcmp (target, "wasm") == 0 && !em_codegen_wasm_add_files (impulse, generated, error))
    goto out;
  if (strcmp (target, "arduino") == 0 && !em_codegen_arduino_layout (impulse, sorted, generated, error))
    goto out;

  if (!exists && g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_IO, "%s: %s", dir, g_strerror (errno));
      goto out;
    }
  {
    char *resolved = realpath (dir, NULL);
    if (resolved == NULL)
      {
        g_set_error (error, EM_CODEGEN_ERROR, EM_CODEGEN_ERROR_IO, "%s: %s", dir, g_strerror (errno));
        goto out;
      }
    w.root = g_strdup (resolved);
    free (resolved);
  }
  for (guint i = 0; i < sorted->len; i++)
    {
      g_autoptr(GBytes) bytes = em_codegen_runtime_file (g_ptr_array_index (sorted, i));
      gsize len;
      const char *data = g_bytes_get_data (bytes, &len);

      if (!write_file (&w, g_ptr_array_index (sorted, i), data, len, error))
        goto out;
    }
  for (guint i = 0; i + 1 < generated->len; i += 2)
    {
      const char *text = g_ptr_array_index (generated, i + 1);
      if (!write_file (&w, g_ptr_array_index (generated, i), text, strlen (text), error))
        goto out;
    }
  ok = TRUE;

out:
  em_codegen_model_clear (&model);
  em_codegen_model_clear (&anomaly);
  g_free (w.root);
  return ok;
}
