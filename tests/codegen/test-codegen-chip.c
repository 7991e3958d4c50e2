/* SPDX-License-Identifier: Apache-2.0 */
/* The parts table and the fit check of `ember-cli deploy --part`
 * (codegen/em-codegen-chip.c), on made-up reports. */
#include <string.h>

#include "em-codegen-chip.h"

static EmCodegenReport *
report_of (guint64 flash, guint64 ram, guint64 stack)
{
  EmCodegenReport *r = g_new0 (EmCodegenReport, 1);

  r->flash = flash;
  r->stack = stack;
  r->ram = ram + stack;
  return r;
}

static void
test_table (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) chips = em_codegen_chips_load (&error);
  const EmCodegenChip *c;

  g_assert_no_error (error);
  g_assert_nonnull (chips);
  g_assert_cmpuint (chips->len, >=, 5);
  c = em_codegen_chips_find (chips, "stm32l432kc", &error);   /* case does not matter */
  g_assert_no_error (error);
  g_assert_cmpstr (c->name, ==, "STM32L432KC");
  g_assert_cmpstr (c->core, ==, "Cortex-M4F");
  g_assert_cmpuint (c->flash, ==, 256 * 1024);
  g_assert_cmpuint (c->ram, ==, 64 * 1024);
  c = em_codegen_chips_find (chips, "ATmega2560", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c->ram, ==, 8 * 1024);

  c = em_codegen_chips_find (chips, "Z80", &error);
  g_assert_null (c);
  g_assert_error (error, EM_CODEGEN_CHIP_ERROR, EM_CODEGEN_CHIP_ERROR_UNKNOWN);
  g_assert_nonnull (strstr (error->message, "unknown part 'Z80'"));
  g_assert_nonnull (strstr (error->message, "nRF52840"));
}

static void
test_parse_bad (void)
{
  static const struct { const char *json, *expect; } cases[] = {
    { "{", "parts table:" },
    { "[]", "no \"parts\" array" },
    { "{\"parts\": {}}", "no \"parts\" array" },
    { "{\"parts\": [{\"name\": \"A\", \"core\": \"M0\", \"flash\": 1024}]}", "entry 1 (A)" },
    { "{\"parts\": [{\"name\": \"A\", \"core\": \"M0\", \"flash\": 1024, \"ram\": 512},"
      " {\"core\": \"M0\", \"flash\": 1, \"ram\": 1}]}", "entry 2 (no name)" },
    { "{\"parts\": [{\"name\": \"A\", \"core\": \"M0\", \"flash\": -4, \"ram\": 512}]}", "positive byte counts" },
    { "{\"parts\": [{\"name\": \"A\", \"core\": \"M0\", \"flash\": 1.5, \"ram\": 512}]}", "positive byte counts" },
    { "{\"parts\": [{\"name\": \"A\", \"core\": \"M0\", \"flash\": \"1k\", \"ram\": 512}]}", "positive byte counts" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) chips = em_codegen_chips_parse (cases[i].json, -1, &error);

      g_assert_null (chips);
      g_assert_error (error, EM_CODEGEN_CHIP_ERROR, EM_CODEGEN_CHIP_ERROR_INVALID);
      if (strstr (error->message, cases[i].expect) == NULL)
        g_error ("case %u: '%s' does not say '%s'", i, error->message, cases[i].expect);
    }
}

static void
test_fit (void)
{
  EmCodegenChip chip = { (char *) "Tiny", (char *) "Cortex-M0+", 32768, 8192, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autoptr(EmCodegenReport) fits = report_of (20000, 6000, 0);
  g_autoptr(EmCodegenReport) edge = report_of (32768, 8192 - EM_CODEGEN_CHIP_STACK_RESERVE, 0);
  g_autoptr(EmCodegenReport) ram = report_of (20000, 7000, 0);
  g_autoptr(EmCodegenReport) flash = report_of (40000, 1000, 0);
  g_autoptr(EmCodegenReport) both = report_of (40000, 9000, 0);
  g_autoptr(EmCodegenReport) measured = report_of (20000, 7000, 500);

  g_assert_true (em_codegen_chip_check (&chip, fits, &line, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (line, "fits the Tiny"));
  g_assert_nonnull (strstr (line, "RAM 8048 of 8192"));   /* 6000 + the 2048 stack reserve */
  /* Exactly full fits. */
  g_assert_true (em_codegen_chip_check (&chip, edge, NULL, &error));
  g_assert_no_error (error);

  /* 7000 + 2048 = 9048: 856 over. */
  g_assert_false (em_codegen_chip_check (&chip, ram, NULL, &error));
  g_assert_error (error, EM_CODEGEN_CHIP_ERROR, EM_CODEGEN_CHIP_ERROR_DOES_NOT_FIT);
  g_assert_nonnull (strstr (error->message, "does not fit the Tiny"));
  g_assert_nonnull (strstr (error->message, "RAM overflows by 856 bytes"));
  g_assert_null (strstr (error->message, "flash"));
  g_assert_null (strchr (error->message, '\n'));
  g_clear_error (&error);

  g_assert_false (em_codegen_chip_check (&chip, flash, NULL, &error));
  g_assert_nonnull (strstr (error->message, "flash overflows by 7232 bytes"));
  g_assert_null (strstr (error->message, "RAM"));
  g_clear_error (&error);

  g_assert_false (em_codegen_chip_check (&chip, both, NULL, &error));
  g_assert_nonnull (strstr (error->message, "flash overflows by 7232 bytes"));
  g_assert_nonnull (strstr (error->message, "RAM overflows by 2856 bytes"));
  g_clear_error (&error);

  /* A measured stack replaces the reserve: 7000 + 500 fits. */
  g_assert_true (em_codegen_chip_check (&chip, measured, NULL, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/codegen/chip/table", test_table);
  g_test_add_func ("/codegen/chip/parse-bad", test_parse_bad);
  g_test_add_func ("/codegen/chip/fit", test_fit);
  return g_test_run ();
}
