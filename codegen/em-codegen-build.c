/* SPDX-License-Identifier: Apache-2.0 */
/* Building a generated library (ember-cli deploy --report and --build):
 * the library for a Cortex-M4F with codegen's firmware template
 * (targets/cortex-m), linked with a map the size report reads; the Linux
 * runner with the system compiler. Host code: spawns the compilers. */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include "em-codegen-build.h"

G_DEFINE_QUARK (em-codegen-build-error-quark, em_codegen_build_error)

/* The flags of the Cortex-M4F build --report measures: the same as the
 * device test's (tests/device), so its numbers are the tested firmware's. */
static const char *const cm4f_cflags[] = {
  "-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard", "-Os",
  "-ffunction-sections", "-fdata-sections", "-std=c99", "-g0", NULL
};

/* Runs @argv (cancellable: a cancel kills the tool); a failure becomes one
 * error naming the program, with the tail of what it printed. */
static gboolean
run_tool (GPtrArray *argv, GCancellable *cancellable, GError **error)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) local = NULL;

  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &local);
  g_ptr_array_remove_index (argv, argv->len - 1);
  if (proc == NULL)
    {
      g_set_error (error, EM_CODEGEN_BUILD_ERROR, EM_CODEGEN_BUILD_ERROR_FAILED,
                   "%s: %s", (char *) argv->pdata[0], local->message);
      return FALSE;
    }
  if (!g_subprocess_communicate_utf8 (proc, NULL, cancellable, NULL, &err, error))
    {
      g_subprocess_force_exit (proc);
      return FALSE;
    }
  if (!g_subprocess_get_successful (proc))
    {
      gsize n = err != NULL ? strlen (err) : 0;
      g_set_error (error, EM_CODEGEN_BUILD_ERROR, EM_CODEGEN_BUILD_ERROR_FAILED,
                   "%s failed:\n%s", (char *) argv->pdata[0],
                   n > 2000 ? err + n - 2000 : (err != NULL ? err : ""));
      return FALSE;
    }
  return TRUE;
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The library's .c files: the top folder, dsp/ and nn/ (not examples/). */
static GPtrArray *
library_sources (const char *dir)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  const char *subs[] = { "", "dsp", "nn" };

  for (guint s = 0; s < G_N_ELEMENTS (subs); s++)
    {
      g_autofree char *sub = g_build_filename (dir, subs[s], NULL);
      g_autoptr(GDir) d = g_dir_open (sub, 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        if (g_str_has_suffix (name, ".c"))
          g_ptr_array_add (names, g_build_filename (sub, name, NULL));
      g_ptr_array_sort (names, compare_paths);
      for (guint i = 0; i < names->len; i++)
        g_ptr_array_add (out, g_strdup (g_ptr_array_index (names, i)));
    }
  return out;
}

void
em_codegen_build_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          em_codegen_build_remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/* NULL when arm-none-eabi-gcc and newlib are there, else what is missing. */
char *
em_codegen_build_arm_missing (void)
{
  g_autofree char *gcc = g_find_program_in_path ("arm-none-eabi-gcc");
  g_autofree char *specs = NULL;
  const char *argv[] = { "arm-none-eabi-gcc", "-print-file-name=rdimon.specs", NULL };

  if (gcc == NULL)
    return g_strdup ("arm-none-eabi-gcc not found: install the Debian packages gcc-arm-none-eabi and "
                     "libnewlib-arm-none-eabi");
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     &specs, NULL, NULL, NULL) ||
      !g_path_is_absolute (g_strstrip (specs)))
    return g_strdup ("newlib for arm-none-eabi not found: install the Debian package libnewlib-arm-none-eabi");
  return NULL;
}

static gboolean
write_target_file (const char *name, const char *dir, char **path, GError **error)
{
  g_autoptr(GBytes) bytes = em_codegen_target_file (name);
  g_autofree char *base = g_path_get_basename (name);
  gsize len;
  const char *data;

  if (bytes == NULL)
    {
      g_set_error (error, EM_CODEGEN_BUILD_ERROR, EM_CODEGEN_BUILD_ERROR_FAILED,
                   "codegen has no target file %s", name);
      return FALSE;
    }
  data = g_bytes_get_data (bytes, &len);
  *path = g_build_filename (dir, base, NULL);
  return g_file_set_contents (*path, data, (gssize) len, error);
}

gboolean
em_codegen_build_cm4f (const EmCodegenImpulse *impulse, EmCodegenSummary *summary, const char *dir,
                       const char *main_template, const char *const *extra_sources,
                       EmCodegenProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                       GError **error)
{
  g_autofree char *lib = g_build_filename (dir, "lib", NULL), *objdir = g_build_filename (dir, "obj", NULL);
  g_autofree char *map = g_build_filename (dir, "firmware.map", NULL);
  g_autofree char *elf = g_build_filename (dir, "firmware.elf", NULL);
  g_autofree char *startup = NULL, *ld = NULL, *main_c = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GPtrArray) objs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) link = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *missing = em_codegen_build_arm_missing ();

  if (missing != NULL)
    {
      g_set_error (error, EM_CODEGEN_BUILD_ERROR, EM_CODEGEN_BUILD_ERROR_TOOLCHAIN,
                   "cannot build for the Cortex-M: %s", missing);
      return FALSE;
    }
  if (progress != NULL)
    progress (0.0, "Generating the library", user_data);
  if (!em_codegen_generate (impulse, "c-library", lib, FALSE, summary, error))
    return FALSE;
  if (g_mkdir (objdir, 0755) != 0)
    {
      g_set_error (error, EM_CODEGEN_BUILD_ERROR, EM_CODEGEN_BUILD_ERROR_FAILED,
                   "%s: %s", objdir, g_strerror (errno));
      return FALSE;
    }
  if (!write_target_file ("cortex-m/startup.c", dir, &startup, error) ||
      !write_target_file ("cortex-m/mps2-an386.ld", dir, &ld, error) ||
      !write_target_file (main_template, dir, &main_c, error))
    return FALSE;
  sources = library_sources (lib);
  g_ptr_array_add (sources, g_strdup (startup));
  g_ptr_array_add (sources, g_strdup (main_c));
  for (guint i = 0; extra_sources != NULL && extra_sources[i] != NULL; i++)
    g_ptr_array_add (sources, g_strdup (extra_sources[i]));
  /* One object per source, named after it: the map attributes by object. */
  for (guint i = 0; i < sources->len; i++)
    {
      const char *src = g_ptr_array_index (sources, i);
      g_autofree char *base = g_path_get_basename (src);
      g_autoptr(GPtrArray) cc = g_ptr_array_new_with_free_func (g_free);
      char *obj;

      if (progress != NULL)
        progress ((double) i / (double) (sources->len + 1), i == 0 ? "Compiling for the Cortex-M4F" : NULL,
                  user_data);
      base[strlen (base) - 1] = 'o';
      obj = g_build_filename (objdir, base, NULL);
      g_ptr_array_add (objs, obj);
      g_ptr_array_add (cc, g_strdup ("arm-none-eabi-gcc"));
      for (guint k = 0; cm4f_cflags[k] != NULL; k++)
        g_ptr_array_add (cc, g_strdup (cm4f_cflags[k]));
      for (const char *const *sub = (const char *const[]) { "", "dsp", "nn", NULL }; *sub != NULL; sub++)
        g_ptr_array_add (cc, g_strconcat ("-I", lib, **sub ? "/" : "", *sub, NULL));
      g_ptr_array_add (cc, g_strdup ("-c"));
      g_ptr_array_add (cc, g_strdup ("-o"));
      g_ptr_array_add (cc, g_strdup (obj));
      g_ptr_array_add (cc, g_strdup (src));
      if (!run_tool (cc, cancellable, error))
        return FALSE;
    }
  g_ptr_array_add (link, g_strdup ("arm-none-eabi-gcc"));
  for (guint k = 0; cm4f_cflags[k] != NULL; k++)
    g_ptr_array_add (link, g_strdup (cm4f_cflags[k]));
  g_ptr_array_add (link, g_strdup ("--specs=nano.specs"));
  g_ptr_array_add (link, g_strdup ("--specs=rdimon.specs"));
  g_ptr_array_add (link, g_strconcat ("-T", ld, NULL));
  g_ptr_array_add (link, g_strdup ("-Wl,--gc-sections"));
  g_ptr_array_add (link, g_strconcat ("-Wl,-Map=", map, NULL));
  g_ptr_array_add (link, g_strdup ("-o"));
  g_ptr_array_add (link, g_strdup (elf));
  for (guint i = 0; i < objs->len; i++)
    g_ptr_array_add (link, g_strdup (g_ptr_array_index (objs, i)));
  g_ptr_array_add (link, g_strdup ("-lm"));
  if (!run_tool (link, cancellable, error))
    return FALSE;
  if (progress != NULL)
    progress (1.0, NULL, user_data);
  return TRUE;
}

/* Generates the library into a temporary folder, links it for a
 * Cortex-M4F with the smallest firmware that calls it and reads the
 * linker map. */
EmCodegenReport *
em_codegen_build_report (const EmCodegenImpulse *impulse, EmCodegenSummary *summary, GError **error)
{
  g_autofree char *tmp = NULL, *map = NULL;
  EmCodegenReport *report = NULL;
  g_autofree char *missing = em_codegen_build_arm_missing ();

  if (missing != NULL)
    {
      g_set_error (error, EM_CODEGEN_BUILD_ERROR, EM_CODEGEN_BUILD_ERROR_TOOLCHAIN,
                   "cannot build for the Cortex-M: %s", missing);
      return NULL;
    }
  if ((tmp = g_dir_make_tmp ("ember-report-XXXXXX", error)) == NULL)
    return NULL;
  map = g_build_filename (tmp, "firmware.map", NULL);
  if (em_codegen_build_cm4f (impulse, summary, tmp, "cortex-m/report-main.c", NULL, NULL, NULL, NULL, error))
    report = em_codegen_report_from_map (map, 0, error);
  if (g_getenv ("EMBER_KEEP_REPORT_BUILD") == NULL)
    em_codegen_build_remove_tree (tmp);
  else
    fprintf (stderr, "ember-cli: kept the report build in %s\n", tmp);
  return report;
}

gboolean
em_codegen_build_runner (const char *dir, GError **error)
{
  g_autoptr(GPtrArray) cc = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) sources = library_sources (dir);
  g_autofree char *compiler = g_find_program_in_path ("cc");

  if (compiler == NULL)
    {
      g_set_error (error, EM_CODEGEN_BUILD_ERROR, EM_CODEGEN_BUILD_ERROR_TOOLCHAIN,
                   "cc not found: install the Debian package gcc");
      return FALSE;
    }
  g_ptr_array_add (cc, g_strdup ("cc"));
  g_ptr_array_add (cc, g_strdup ("-std=c99"));
  g_ptr_array_add (cc, g_strdup ("-O2"));
  for (const char *const *sub = (const char *const[]) { "", "dsp", "nn", NULL }; *sub != NULL; sub++)
    g_ptr_array_add (cc, g_strconcat ("-I", dir, **sub ? "/" : "", *sub, NULL));
  g_ptr_array_add (cc, g_strdup ("-o"));
  g_ptr_array_add (cc, g_build_filename (dir, "runner", NULL));
  for (guint i = 0; i < sources->len; i++)
    g_ptr_array_add (cc, g_strdup (g_ptr_array_index (sources, i)));
  g_ptr_array_add (cc, g_strdup ("-lm"));
  return run_tool (cc, NULL, error);
}
