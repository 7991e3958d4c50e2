/* SPDX-License-Identifier: Apache-2.0 */
/* The Cortex-M microsecond clock shared by the Cortex-M ports: SysTick on
 * the core clock, reloaded every millisecond; its interrupt counts the
 * milliseconds and the current value gives the microseconds within one.
 * (DWT CYCCNT would be finer, but QEMU does not implement it: it reads 0.)
 * Include once, from the port file, after defining EM_FW_CLOCK_HZ. */
#define SYST_CSR   REG (0xE000E010u)
#define SYST_RVR   REG (0xE000E014u)
#define SYST_CVR   REG (0xE000E018u)
#define SCB_ICSR   REG (0xE000ED04u)   /* bit 26: SysTick pending */

static volatile uint32_t em_fw_ms;

void SysTick_Handler (void);

void
SysTick_Handler (void)
{
  em_fw_ms++;
}

static void
em_fw_systick_start (void)
{
  SYST_RVR = EM_FW_CLOCK_HZ / 1000u - 1u;
  SYST_CVR = 0;
  SYST_CSR = 0x7u;   /* processor clock, interrupt, enable */
}

uint64_t em_fw_port_time_us (void);

/* From the microsecond clock, not em_fw_ms alone: under QEMU on a busy
 * host, SysTick interrupts that come late are not all delivered, and the
 * count of them falls behind the counter's own clock. A Cortex-M has the
 * cycles for the division. */
uint32_t
em_fw_port_millis (void)
{
  return (uint32_t) (em_fw_port_time_us () / 1000u);
}

uint64_t
em_fw_port_time_us (void)
{
  static uint32_t wraps, last_ms;   /* em_fw_ms overflows every 49.7 days */
  static uint64_t last_us;
  uint32_t ms, ticks, pending;
  uint64_t us;

  /* Read ms, the counter, and ms again: a tick between the two reads of ms
   * means the counter may belong to either; read again. The counter may
   * also have reloaded with its interrupt still pending: then that
   * millisecond is not counted yet. */
  do
    {
      ms = em_fw_ms;
      ticks = SYST_CVR;
      pending = SCB_ICSR & (1u << 26);
    }
  while (ms != em_fw_ms);
  if (pending && ticks > EM_FW_CLOCK_HZ / 2000u)
    ms++;
  if (ms < last_ms && last_ms - ms > 0x80000000u)
    wraps++;
  last_ms = ms;
  us = (((uint64_t) wraps << 32) + ms) * 1000u +
       (uint64_t) (EM_FW_CLOCK_HZ / 1000u - 1u - ticks) * 1000000u / EM_FW_CLOCK_HZ;
  /* Never step back: QEMU computes the counter from its clock but raises
   * the interrupt from a timer of its own, which may fire a little late,
   * and a duration that came out negative would read as 71 minutes. */
  if (us < last_us)
    us = last_us;
  last_us = us;
  return us;
}
