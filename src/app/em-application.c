/* SPDX-License-Identifier: Apache-2.0 */
#include <glib/gi18n.h>

#include "em-application.h"

struct _EmApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (EmApplication, em_application, ADW_TYPE_APPLICATION)

static EmWindow *
find_window (EmApplication *self, GFile *file, EmWindow **out_empty)
{
  *out_empty = NULL;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (!EM_IS_WINDOW (l->data))
        continue;
      if (file != NULL && em_window_shows_file (l->data, file))
        return l->data;
      if (*out_empty == NULL && em_window_get_project (l->data) == NULL)
        *out_empty = l->data;
    }
  return NULL;
}

void
em_application_open_file (EmApplication *self, GFile *file, EmWindow *parent)
{
  EmWindow *window;
  EmWindow *empty = NULL;

  g_return_if_fail (EM_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (parent == NULL || EM_IS_WINDOW (parent));

  window = find_window (self, file, &empty);
  if (window != NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      return;
    }

  if (parent != NULL && em_window_get_project (parent) == NULL)
    empty = parent;

  if (empty == NULL && parent != NULL)
    {
      /* Asked from a window busy with another project: open first, so a bad
       * file costs no new window and its error shows where it was asked for. */
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(EmProject) project = path != NULL ? em_project_open (path, &error) : NULL;

      if (project == NULL)
        {
          if (error == NULL)
            g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                         _("Only projects stored on this computer can be opened"));
          em_window_show_open_error (parent, file, error);
          return;
        }
      window = em_window_new (GTK_APPLICATION (self));
      em_window_set_project (window, project);
      gtk_window_present (GTK_WINDOW (window));
      return;
    }

  window = empty != NULL ? empty : em_window_new (GTK_APPLICATION (self));
  /* Presented first so an error dialog has a mapped parent to sit on. */
  gtk_window_present (GTK_WINDOW (window));
  em_window_open_file (window, file);
}

static void
new_window_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  gtk_window_present (GTK_WINDOW (em_window_new (GTK_APPLICATION (user_data))));
}

static void
quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  /* Closing rather than g_application_quit() lets each window save its
   * state; the application ends with its last window. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  const char *developers[] = { "The Ember developers", NULL };

  adw_show_about_window (parent,
                         "application-name", "Ember",
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Ember developers"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_APACHE_2_0,
                         "copyright", "© 2026 The Ember developers",
                         /* Translators: your names, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { .name = "new-window", .activate = new_window_action },
  { .name = "quit", .activate = quit_action },
  { .name = "about", .activate = about_action },
};

static void
em_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Primary>q", NULL };
  static const char *new_window_accels[] = { "<Primary><Shift>n", NULL };
  static const char *help_accels[] = { "<Primary>question", "F1", NULL };

  G_APPLICATION_CLASS (em_application_parent_class)->startup (app);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.new-window", new_window_accels);
  /* GtkApplication gives the shortcuts window Ctrl+?; F1 is where people look too. */
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay",
                                         help_accels);
}

static void
em_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (!EM_IS_WINDOW (window))
    window = GTK_WINDOW (em_window_new (GTK_APPLICATION (app)));
  gtk_window_present (window);
}

static void
em_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  for (int i = 0; i < n_files; i++)
    em_application_open_file (EM_APPLICATION (app), files[i], NULL);
}

static void
em_application_class_init (EmApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = em_application_startup;
  app_class->activate = em_application_activate;
  app_class->open = em_application_open;
}

static void
em_application_init (EmApplication *self)
{
  /* Translators: how `ember --help` names its arguments */
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[PROJECT.ember…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Open Ember projects, each in its own window."));
}

EmApplication *
em_application_new (void)
{
  return g_object_new (EM_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/emberstudio/Ember",
                       NULL);
}
