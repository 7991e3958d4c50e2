/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include "em-cli.h"
#include "em-demo.h"

static void
on_progress (double fraction, const char *what, gpointer data)
{
  em_cli_progress_update (data, (guint64) (fraction * 100 + 0.5), 100);
}

static int
demo_create (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("PATH.ember - create a demo project, offline");
  g_autoptr(GError) error = NULL;
  g_autoptr(EmProject) project = NULL;
  g_autofree char *kind_name = NULL;
  EmDemoKind kind = EM_DEMO_KEYWORDS;
  double scale = 1.0;
  gint seed = 42;
  EmCliProgress *progress;
  gint64 n;
  int code = 0;
  GOptionEntry entries[] = {
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind_name, "keywords (default), motion, images or objects", "KIND" },
    { "scale", 0, 0, G_OPTION_ARG_DOUBLE, &scale, "Multiply the number of samples (default 1.0)", "X" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Random seed (default 42)", "N" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!em_cli_parse (ctx, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return em_cli_usage ("demo create needs exactly one PATH");
  if (kind_name != NULL && !em_demo_kind_from_string (kind_name, &kind))
    return em_cli_usage ("--kind must be keywords, motion, images or objects, not '%s'", kind_name);
  if (!(scale > 0 && scale <= 100))
    return em_cli_usage ("--scale must be above 0 and at most 100");
  progress = em_cli_progress_new ("Creating demo", "%");
  project = em_demo_create (argv[1], kind, scale, (guint32) seed, on_progress, progress,
                            em_cli_cancellable (), &error);
  em_cli_progress_done (progress);
  if (project == NULL)
    return em_cli_fail (error);
  n = em_project_count_samples (project, NULL, NULL);
  printf ("Created demo project '%s' with %" G_GINT64_FORMAT " samples at %s\n",
          em_project_get_name (project), n, em_project_get_path (project));
  return EM_EXIT_OK;
}

int
em_cli_demo_main (int argc, char **argv)
{
  static const EmCliCommand commands[] = {
    { "create", "create a keyword, motion, image or object-detection demo project", demo_create },
    { NULL, NULL, NULL },
  };
  return em_cli_dispatch ("demo", commands, argc, argv);
}
