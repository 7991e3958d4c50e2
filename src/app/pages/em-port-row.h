/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* A serial-port choice in an AdwComboRow, shared by the Deployment and
 * Live pages: row 0 is @first (automatic / none), then the ports found,
 * then a port the list does not show (a pseudo-terminal) when @choose
 * names one. @ports holds the port names behind rows 1…; @choose NULL keeps
 * the current choice across a refresh. */
void  em_port_row_refresh (AdwComboRow *row, GPtrArray *ports, const char *first, const char *choose);
/* (transfer full) (nullable): the chosen port, NULL for row 0. */
char *em_port_row_chosen  (AdwComboRow *row, GPtrArray *ports);

G_END_DECLS
