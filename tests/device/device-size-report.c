/* SPDX-License-Identifier: Apache-2.0 */
/* device-size-report MAP [STACK_BYTES]: prints em_codegen_report's table,
 * then its JSON on the last line (test_cortex_m.py reads that line). */
#include <stdio.h>
#include <stdlib.h>
#include "em-codegen-report.h"

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EmCodegenReport) report = NULL;
  g_autofree char *text = NULL, *json = NULL;
  guint64 stack = 0;

  if (argc < 2 || argc > 3)
    {
      fprintf (stderr, "usage: device-size-report MAP [STACK_BYTES]\n");
      return 2;
    }
  if (argc == 3)
    stack = g_ascii_strtoull (argv[2], NULL, 10);
  report = em_codegen_report_from_map (argv[1], stack, &error);
  if (report == NULL)
    {
      fprintf (stderr, "device-size-report: %s\n", error->message);
      return 1;
    }
  text = em_codegen_report_to_text (report);
  json = em_codegen_report_to_json (report);
  printf ("%s%s\n", text, json);
  return 0;
}
