/* SPDX-License-Identifier: Apache-2.0 */
/* Reset and vector table of a Cortex-M4F firmware for QEMU mps2-an386: the
 * device test (tests/device) and `ember-cli deploy --report` (embedded in
 * codegen as a resource) both link it.
 * The reset handler copies .data, turns the FPU on and hands over to
 * newlib's crt0 (rdimon.specs), which zeroes .bss, sets up semihosting
 * stdio, calls main() and exits with its return value through
 * semihosting, so QEMU's exit status is main()'s. */
#include <stdint.h>

extern uint32_t _sidata[], _sdata[], _edata[], _estack[];
extern void _start (void);
void Reset_Handler (void);
void Default_Handler (void);

void
Default_Handler (void)
{
  /* A fault in the firmware: stop with a status the host cannot mistake
   * for success (semihosting SYS_EXIT_EXTENDED, status 99). */
  static const uint32_t block[2] = { 0x20026u, 99u };
  register uint32_t r0 __asm ("r0") = 0x20u;
  register const uint32_t *r1 __asm ("r1") = block;
  __asm volatile ("bkpt 0xab" : "+r" (r0) : "r" (r1) : "memory");
  for (;;)
    ;
}

void
Reset_Handler (void)
{
  uint32_t *src = _sidata, *dst = _sdata;

  while (dst < _edata)
    *dst++ = *src++;
  /* CPACR: full access to CP10/CP11 before the first floating-point
   * instruction, or the first vldr faults (UsageFault → lockup). */
  *(volatile uint32_t *) 0xE000ED88u |= 0xFu << 20;
  __asm volatile ("dsb\n\tisb" ::: "memory");
  _start ();
  for (;;)
    ;
}

__attribute__ ((section (".isr_vector"), used))
void (*const em_vectors[16]) (void) = {
  (void (*) (void)) (uintptr_t) _estack,
  Reset_Handler,
  Default_Handler,   /* NMI */
  Default_Handler,   /* HardFault */
  Default_Handler,   /* MemManage */
  Default_Handler,   /* BusFault */
  Default_Handler,   /* UsageFault */
  0, 0, 0, 0,
  Default_Handler,   /* SVCall */
  Default_Handler,   /* DebugMon */
  0,
  Default_Handler,   /* PendSV */
  Default_Handler,   /* SysTick */
};
