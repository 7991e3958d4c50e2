/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>
#include "em-window.h"

G_BEGIN_DECLS

/* The `ember` application: opens the .ember files it is given, one window
 * per project, or a window with a start page when given none. */
#define EM_TYPE_APPLICATION (em_application_get_type ())
G_DECLARE_FINAL_TYPE (EmApplication, em_application, EM, APPLICATION, AdwApplication)

EmApplication *em_application_new       (void);

/* Show the project at @file: present its window if one shows it already,
 * else open it into @parent (nullable) or another window without a project,
 * else into a new window. Errors are shown in the window concerned. */
void           em_application_open_file (EmApplication *self,
                                         GFile         *file,
                                         EmWindow      *parent);

G_END_DECLS
