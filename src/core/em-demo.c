/* SPDX-License-Identifier: Apache-2.0 */
/* The bundled demo projects, made offline on the user's machine: keyword
 * clips are synthesised with espeak-ng + sox and mixed with noise, motion
 * recordings are simulated, images come from the Debian Fashion-MNIST
 * package. Nothing is downloaded, and a seed reproduces a project exactly. */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "em-demo-private.h"
#include "em-demo-signals.h"
#include "em-error.h"
#include "em-image.h"
#include "em-wav.h"

static const char *const kind_names[] = { "keywords", "motion", "images", "objects" };

gboolean
em_demo_kind_from_string (const char *str, EmDemoKind *out)
{
  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (kind_names); i++)
    if (g_ascii_strcasecmp (str, kind_names[i]) == 0)
      {
        if (out != NULL)
          *out = (EmDemoKind) i;
        return TRUE;
      }
  return FALSE;
}

/* ---- common ------------------------------------------------------------ */


void
em_demo_progress (Demo *d, double fraction, const char *what)
{
  if (d->progress != NULL)
    d->progress (CLAMP (fraction, 0.0, 1.0), what, d->user_data);
}

/* Callers see EM_ERROR_CANCELLED, whatever part of GIO noticed it first. */
gboolean
em_demo_check_cancel (Demo *d, GError **error)
{
  if (g_cancellable_is_cancelled (d->cancellable))
    {
      g_set_error_literal (error, EM_ERROR, EM_ERROR_CANCELLED, "demo creation cancelled");
      return FALSE;
    }
  return TRUE;
}

gboolean
em_demo_add (Demo *d, EmSample *sample, GError **error)
{
  if (d->in_batch == 0 && !em_project_begin (d->project, error))
    return FALSE;
  d->in_batch++;
  if (em_project_add_sample (d->project, sample, EM_ADD_FLAGS_NONE, error) == 0)
    return FALSE;
  if (d->in_batch >= DEMO_BATCH)
    {
      d->in_batch = 0;
      return em_project_commit (d->project, error);
    }
  return TRUE;
}

gboolean
em_demo_flush (Demo *d, GError **error)
{
  if (d->in_batch == 0)
    return TRUE;
  d->in_batch = 0;
  return em_project_commit (d->project, error);
}

guint
em_demo_scaled_count (guint base, double scale)
{
  /* at least two per class, so a stratified split can put one on each side */
  return (guint) MAX (2.0, round (base * scale));
}

/* Fisher–Yates with the project's GRand, so the order follows the seed. */
void
em_demo_shuffle (gpointer *items, guint n, GRand *rand)
{
  for (guint i = n; i > 1; i--)
    {
      guint j = (guint) g_rand_int_range (rand, 0, (gint32) i);
      gpointer tmp = items[i - 1];
      items[i - 1] = items[j];
      items[j] = tmp;
    }
}

gboolean
em_demo_find_tool (const char *name, char **path_out, GError **error)
{
  char *path = g_find_program_in_path (name);

  if (path == NULL)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND,
                   "%s not found: install the Debian package %s", name, name);
      return FALSE;
    }
  *path_out = path;
  return TRUE;
}

void
em_demo_delete_project_files (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

/* ---- motion ----------------------------------------------------------------- */

static gboolean
create_motion (Demo *d, double scale, GRand *rand, GError **error)
{
  guint per_class = em_demo_scaled_count (MOTION_PER_CLASS, scale);
  guint n = per_class * EM_DEMO_MOTION_N_CLASSES;
  g_autofree gpointer *plan = g_new (gpointer, n);
  g_autofree guint32 *seeds = g_new (guint32, n);
  g_autofree float *values = g_new (float, MOTION_FRAMES * 3);
  guint counters[EM_DEMO_MOTION_N_CLASSES] = { 0 };

  /* plan entries encode the class; seeds are drawn in class order so that
   * the shuffle below only changes the order, not the recordings */
  for (guint i = 0; i < n; i++)
    {
      plan[i] = GUINT_TO_POINTER (i);
      seeds[i] = g_rand_int (rand);
    }
  em_demo_shuffle (plan, n, rand);

  for (guint k = 0; k < n; k++)
    {
      guint i = GPOINTER_TO_UINT (plan[k]);
      EmDemoMotion motion = (EmDemoMotion) (i / per_class);
      const char *label = em_demo_motion_label (motion);
      g_autoptr(GRand) r = g_rand_new_with_seed (seeds[i]);
      g_autoptr(EmSample) s = em_sample_new ();
      g_autofree char *name = g_strdup_printf ("%s.sim%u", label, ++counters[motion]);
      g_autofree char *what = NULL;

      if (!em_demo_check_cancel (d, error))
        return FALSE;
      em_demo_motion (values, MOTION_FRAMES, 1000.0 / MOTION_INTERVAL_MS, motion, r);
      em_sample_set_name (s, name);
      em_sample_set_label (s, label);
      em_sample_set_kind (s, EM_SENSOR_TIME_SERIES);
      em_sample_set_interval_ms (s, MOTION_INTERVAL_MS);
      em_sample_add_axis (s, "accX", "m/s2");
      em_sample_add_axis (s, "accY", "m/s2");
      em_sample_add_axis (s, "accZ", "m/s2");
      em_sample_set_values (s, values, MOTION_FRAMES);
      em_sample_set_source_format (s, "generated");
      em_sample_set_metadata (s, "device_type", "simulated-accelerometer");
      if (!em_demo_add (d, s, error))
        return FALSE;
      what = g_strdup_printf ("Simulating motion: %s", name);
      em_demo_progress (d, 0.95 * (k + 1) / n, what);
    }
  return TRUE;
}

/* ---- entry point -------------------------------------------------------------- */

EmProject *
em_demo_create (const char *path, EmDemoKind kind, double scale, guint32 seed,
                EmProgressFunc progress, gpointer user_data, GCancellable *cancellable,
                GError **error)
{
  static const char *const project_names[] = {
    "Keyword spotting demo", "Motion demo", "Fashion-MNIST demo", "Object detection demo",
  };
  Demo d = { NULL, progress, user_data, cancellable, 0 };
  g_autoptr(GRand) rand = NULL;
  g_autofree char *espeak = NULL;
  g_autofree char *sox = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((guint) kind >= G_N_ELEMENTS (kind_names))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "unknown demo kind %d", (int) kind);
      return NULL;
    }
  if (!(scale > 0 && scale <= 100))
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT,
                   "demo scale must be above 0 and at most 100, not %g", scale);
      return NULL;
    }
  /* Check what we depend on before a file appears on disk. */
  if (kind == EM_DEMO_KEYWORDS &&
      (!em_demo_find_tool ("espeak-ng", &espeak, error) || !em_demo_find_tool ("sox", &sox, error)))
    return NULL;
  if (kind == EM_DEMO_IMAGES && !em_demo_fashion_present (error))
    return NULL;
  if (!em_demo_check_cancel (&d, error))
    return NULL;

  d.project = em_project_create (path, project_names[kind], error);
  if (d.project == NULL)
    return NULL; /* e.g. the path exists: it is not ours to delete */

  em_demo_progress (&d, 0.0, "Creating project");
  rand = g_rand_new_with_seed (seed);
  if (em_project_set_setting (d.project, "demo", kind_names[kind], error))
    {
      switch (kind)
        {
        case EM_DEMO_KEYWORDS:
          ok = em_demo_create_keywords (&d, scale, rand, espeak, sox, error);
          break;
        case EM_DEMO_MOTION:
          ok = create_motion (&d, scale, rand, error);
          break;
        case EM_DEMO_IMAGES:
          ok = em_demo_create_images (&d, scale, rand, error);
          break;
        case EM_DEMO_OBJECTS:
          ok = em_demo_create_objects (&d, scale, rand, error);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  ok = ok && em_demo_flush (&d, error);
  /* Fashion-MNIST comes with its own train/test split; the rest get a
   * stratified 80/20 one. */
  if (ok && kind != EM_DEMO_IMAGES)
    {
      em_demo_progress (&d, 0.97, "Splitting into training and testing");
      ok = em_project_resplit (d.project, DEMO_TRAIN_FRACTION, seed, error);
    }

  if (!ok)
    {
      /* A half-made demo is of no use and would block a retry at the same
       * path: roll back, close the database, then remove its files. */
      if (d.in_batch > 0)
        em_project_rollback (d.project);
      g_clear_object (&d.project);
      em_demo_delete_project_files (path);
      return NULL;
    }
  em_demo_progress (&d, 1.0, "Done");
  return d.project;
}
