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
  /* Numbers go into generated C, JSON and CSV (printf "%g" and friends):
   * with a decimal comma they would break them, so numbers stay in the C
   * locale as in ember-cli, and GTK must not set the locale again. */
  setlocale (LC_NUMERIC, "C");
  gtk_disable_setlocale ();
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = em_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
