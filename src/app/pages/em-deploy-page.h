/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>
#include "em-block-registry.h"
#include "em-project.h"

G_BEGIN_DECLS

/* The Deployment page: the targets codegen can generate, int8 or float,
 * an output folder, "Build" as a cancellable job, then "Open Folder".
 * Failures show in a toast with the one-line reason. */
#define EM_TYPE_DEPLOY_PAGE (em_deploy_page_get_type ())
G_DECLARE_FINAL_TYPE (EmDeployPage, em_deploy_page, EM, DEPLOY_PAGE, GtkWidget)

GtkWidget  *em_deploy_page_new           (EmProject       *project,
                                          EmBlockRegistry *registry);

/* The target id shown ("c-library", ...); setting an unknown id is ignored. */
const char *em_deploy_page_get_target    (EmDeployPage    *self);
void        em_deploy_page_set_target    (EmDeployPage    *self,
                                          const char      *target);
gboolean    em_deploy_page_get_int8      (EmDeployPage    *self);
void        em_deploy_page_set_int8      (EmDeployPage    *self,
                                          gboolean         int8);
/* Where Build writes; (nullable). */
const char *em_deploy_page_get_output_dir (EmDeployPage   *self);
void        em_deploy_page_set_output_dir (EmDeployPage   *self,
                                          const char      *dir);

void        em_deploy_page_build         (EmDeployPage    *self);
/* The build job running or last run (nullable, transfer none). */
GObject    *em_deploy_page_get_job       (EmDeployPage    *self);
/* The last failure's message (nullable), as the toast shows it. */
const char *em_deploy_page_get_last_error (EmDeployPage   *self);

G_END_DECLS
