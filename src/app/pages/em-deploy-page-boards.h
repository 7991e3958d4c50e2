/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>
#include "em-block-registry.h"
#include "em-board-list.h"
#include "em-project.h"

G_BEGIN_DECLS

/* The Deployment page's board section: the boards (em_board_list()) with
 * the fit of the current impulse ("Check Fit" builds its library for a
 * Cortex-M4F in a job and reads the linker map), a serial port and
 * "Deploy to Board": build the firmware (em_firmware_build), flash it
 * (em_flash_board) on the port chosen or found by the board's USB id, then
 * open Live classification; the emulated board goes straight there. Both
 * run as cancellable jobs; a failure shows as one line under the buttons.
 *
 * Property "int8": deploy the quantized model (the page binds its switch). */
#define EM_TYPE_DEPLOY_PAGE_BOARDS (em_deploy_page_boards_get_type ())
G_DECLARE_FINAL_TYPE (EmDeployPageBoards, em_deploy_page_boards, EM, DEPLOY_PAGE_BOARDS, GtkWidget)

/* Loads the boards (EMBER_BOARDS_DIR or the shipped ones). */
void         em_deploy_page_boards_set_project    (EmDeployPageBoards *self,
                                                   EmProject          *project,
                                                   EmBlockRegistry    *registry);
/* The port to flash (nullable: find it by the board's USB id); a port the
 * system does not list (a pseudo-terminal) is added. */
void         em_deploy_page_boards_set_port       (EmDeployPageBoards *self,
                                                   const char         *port);
/* (transfer none) */
EmBoardList *em_deploy_page_boards_get_list       (EmDeployPageBoards *self);
void         em_deploy_page_boards_check_fit      (EmDeployPageBoards *self);
void         em_deploy_page_boards_deploy         (EmDeployPageBoards *self);
/* The job running or last run (nullable, transfer none). */
GObject     *em_deploy_page_boards_get_job        (EmDeployPageBoards *self);
/* The last failure's one line (nullable). */
const char  *em_deploy_page_boards_get_last_error (EmDeployPageBoards *self);
/* The firmware image the last deploy built (nullable). */
const char  *em_deploy_page_boards_get_firmware   (EmDeployPageBoards *self);

G_END_DECLS
