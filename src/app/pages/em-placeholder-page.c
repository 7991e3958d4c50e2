/* SPDX-License-Identifier: Apache-2.0 */
#include <adwaita.h>

#include "em-placeholder-page.h"

struct _EmPlaceholderPage
{
  GtkWidget      parent_instance;

  AdwStatusPage *status_page;
};

G_DEFINE_FINAL_TYPE (EmPlaceholderPage, em_placeholder_page, GTK_TYPE_WIDGET)

static void
em_placeholder_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), EM_TYPE_PLACEHOLDER_PAGE);
  G_OBJECT_CLASS (em_placeholder_page_parent_class)->dispose (object);
}

static void
em_placeholder_page_class_init (EmPlaceholderPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = em_placeholder_page_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/emberstudio/Ember/ui/em-placeholder-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EmPlaceholderPage, status_page);
}

static void
em_placeholder_page_init (EmPlaceholderPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
em_placeholder_page_new (const char *title, const char *description, const char *icon_name)
{
  EmPlaceholderPage *self;

  g_return_val_if_fail (title != NULL, NULL);
  g_return_val_if_fail (description != NULL, NULL);

  self = g_object_new (EM_TYPE_PLACEHOLDER_PAGE, NULL);
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  if (icon_name != NULL)
    adw_status_page_set_icon_name (self->status_page, icon_name);
  return GTK_WIDGET (self);
}

const char *
em_placeholder_page_get_title (EmPlaceholderPage *self)
{
  g_return_val_if_fail (EM_IS_PLACEHOLDER_PAGE (self), NULL);
  return adw_status_page_get_title (self->status_page);
}

const char *
em_placeholder_page_get_description (EmPlaceholderPage *self)
{
  g_return_val_if_fail (EM_IS_PLACEHOLDER_PAGE (self), NULL);
  return adw_status_page_get_description (self->status_page);
}
