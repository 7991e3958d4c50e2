/* SPDX-License-Identifier: Apache-2.0 */
#include <locale.h>
#include <glib/gi18n.h>

#include "em-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr(EmApplication) app = NULL;

  /* Before anything can print a translated message, including option errors. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = em_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
