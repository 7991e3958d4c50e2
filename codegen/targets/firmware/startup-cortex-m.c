/* SPDX-License-Identifier: Apache-2.0 */
/* Reset and vector table of the Ember firmware on a Cortex-M (the emulated
 * mps2-an386 and the STM32F446). Unlike ../cortex-m/startup.c (which hands
 * over to newlib's semihosting crt0 for the tests), nothing here needs a
 * debugger: the reset handler copies .data, zeroes .bss, turns the FPU on
 * and calls main(); a fault parks the core in a loop. The SysTick handler
 * is the port's millisecond counter. */
#include <stdint.h>

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];
extern int main (void);
void Reset_Handler (void);
void Default_Handler (void);
void SysTick_Handler (void);

void
Default_Handler (void)
{
  for (;;)
    ;
}

void
Reset_Handler (void)
{
  uint32_t *src = _sidata, *dst = _sdata;

  while (dst < _edata)
    *dst++ = *src++;
  for (dst = _sbss; dst < _ebss; dst++)
    *dst = 0;
#if defined(__ARM_FP)
  /* CPACR: full access to CP10/CP11 before the first floating-point
   * instruction, or it faults. */
  *(volatile uint32_t *) 0xE000ED88u |= 0xFu << 20;
  __asm volatile ("dsb\n\tisb" ::: "memory");
#endif
  main ();
  for (;;)
    ;
}

__attribute__ ((section (".isr_vector"), used))
void (*const em_fw_vectors[16]) (void) = {
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
  SysTick_Handler,
};
