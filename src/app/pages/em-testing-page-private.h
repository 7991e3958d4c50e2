/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by em-testing-page.c and em-testing-page-results.c. */
#pragma once

#include <json-glib/json-glib.h>

#include "em-testing-page.h"

G_BEGIN_DECLS

/* A number member (int or double), NaN when missing or null. */
double      em_testing_json_number  (JsonObject *o, const char *name);
/* An object member, NULL when missing or not an object. (transfer none) */
JsonObject *em_testing_json_object  (JsonObject *o, const char *name);

/* Replaces @box's children with one variant's results: @m (nullable: then
 * @unavailable, the reason) for a model of @task. Returns the accuracy
 * label of a classifier's, else NULL. (transfer none) */
GtkLabel   *em_testing_results_fill (GtkBox *box, gboolean int8, JsonObject *m, const char *task,
                                     const char *unavailable);

G_END_DECLS
