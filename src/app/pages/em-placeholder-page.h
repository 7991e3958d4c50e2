/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A workflow page whose back-end has not landed yet: it says so, and in one
 * line what will be there. It never shows made-up data. */
#define EM_TYPE_PLACEHOLDER_PAGE (em_placeholder_page_get_type ())
G_DECLARE_FINAL_TYPE (EmPlaceholderPage, em_placeholder_page, EM, PLACEHOLDER_PAGE, GtkWidget)

/* @icon_name: (nullable) */
GtkWidget  *em_placeholder_page_new             (const char *title,
                                                 const char *description,
                                                 const char *icon_name);
const char *em_placeholder_page_get_title       (EmPlaceholderPage *self);
const char *em_placeholder_page_get_description (EmPlaceholderPage *self);

G_END_DECLS
