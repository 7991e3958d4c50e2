/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A board Ember can build for and flash, read from a JSON data file in
 * codegen/boards/ (one board a file; the file's stem is the board's id).
 *
 * {
 *   "name": "NUCLEO-F446RE",            display name, also accepted by --board
 *   "core": "cortex-m4f",               cortex-m0plus | cortex-m4f | cortex-m7 | avr
 *   "clock_hz": 16000000,               clock at reset defaults
 *   "ram": 131072, "flash": 524288,     bytes
 *   "fpu": true,
 *   "cycles_per_instruction": 1.25,     optional: cycles this board takes per
 *                                       instruction the emulated Cortex-M4F
 *                                       counts (em-codegen-measure.h); null =
 *                                       latency not estimated; absent = the
 *                                       core's default (em-board.c says why:
 *                                       M4F 1.25, M7 1.0, no FPU / M0+ / AVR
 *                                       not estimated)
 *   "toolchain": "arm-none-eabi-gcc",
 *   "linker_script": "codegen/boards/stm32f446re.ld",   paths relative to the
 *   "startup": "codegen/targets/cortex-m/startup.c",    source tree, or null
 *   "flash_method": {
 *     "protocol": "stm32-uart",         stm32-uart | stk500v1 | stk500v2 | qemu
 *     "baud": 115200,
 *     "base": "0x08000000",             where flash starts (binary images load here)
 *     "chip_id": "0x0421",              STM32 product id / AVR signature "0x1E950F"
 *     "bootloader_size": 512,           AVR: bytes at the top of flash the
 *                                       bootloader keeps (never written)
 *     "page_size": 128,                 AVR: SPM page, bytes
 *     "qemu_machine": "mps2-an386",     qemu only
 *     "usb": [ { "vid": "0x0483", "pid": "0x374b" } ]
 *   },
 *   "sensors": [ { "name": "host-fed", "source": "serial" },
 *                { "name": "analog", "source": "ADC", "axes": ["A0", "A1"] },
 *                { "name": "simulated", "source": "UART1 playback", "simulated": true } ]
 * }
 * A sensor whose source is "serial" is the host-fed mode; any other is one
 * the firmware can sample itself (its name is the firmware's). "axes": what
 * it gives, in order (a sensor-mode impulse takes the first N); absent: any
 * number (a simulated sensor plays back whatever signal it is given).
 * "simulated": no real sensor, a played-back signal: always shown as such.
 * Numbers may be JSON integers or "0x…" strings. */

typedef enum {
  EM_BOARD_PROTOCOL_STM32_UART,   /* ST AN3155 ROM bootloader over UART */
  EM_BOARD_PROTOCOL_STK500V1,     /* optiboot (Arduino Uno) */
  EM_BOARD_PROTOCOL_STK500V2,     /* the Mega 2560's "wiring" bootloader */
  EM_BOARD_PROTOCOL_QEMU,         /* emulated: nothing to flash, QEMU loads the ELF */
} EmBoardProtocol;

typedef struct {
  guint16 vid;
  guint16 pid;
} EmBoardUsbId;

typedef struct {
  char           *id;              /* file stem, e.g. "nucleo-f446re" */
  char           *name;
  char           *core;
  guint64         clock_hz;
  guint64         ram;             /* bytes */
  guint64         flash;           /* bytes */
  gboolean        fpu;
  double          cycles_per_instruction; /* 0 = latency not estimated */
  char           *toolchain;
  char           *linker_script;   /* nullable */
  char           *startup;         /* nullable */
  EmBoardProtocol protocol;
  guint           baud;
  guint32         flash_base;
  guint32         chip_id;         /* 0 = do not check */
  guint32         bootloader_size; /* bytes reserved at the top of flash */
  guint32         page_size;
  char           *qemu_machine;    /* nullable */
  GArray         *usb_ids;         /* (element-type EmBoardUsbId) */
  char          **sensors;         /* NULL-terminated sensor names */
  char           *path;            /* the file it came from */
  GPtrArray      *sensor_info;     /* (element-type EmBoardSensor), the "sensors" list in order */
} EmBoard;

typedef struct {
  char     *name;
  char     *source;
  char    **axes;                  /* nullable: any number */
  gboolean  simulated;
} EmBoardSensor;

/* The first sensor the firmware samples itself (not "serial"), or NULL
 * when the board is host-fed only. (transfer none) */
const EmBoardSensor *em_board_get_onboard_sensor (const EmBoard *board);

void        em_board_free          (EmBoard *board);

/* Parse one board file. Errors: EM_ERROR_NOT_FOUND / EM_ERROR_IO (cannot
 * read), EM_ERROR_INVALID_DATA with a one-line message naming the file and
 * the member ("nucleo.json: flash_method.protocol: unknown protocol 'x'").
 * (transfer full) */
EmBoard    *em_board_load          (const char *path, GError **error);
EmBoard    *em_board_load_from_data (const char *id, const char *json, gssize len,
                                     GError **error);

/* The folder of board files: $EMBER_BOARDS_DIR, else the one in the source
 * tree this Ember was built from, else the installed one. */
const char *em_board_default_dir   (void);

/* Every *.json in @dir (NULL = the default dir), sorted by name. A file that
 * does not parse fails the whole list: board files ship with Ember, so a bad
 * one is a bug to report, not to hide. (transfer full) (element-type EmBoard) */
GPtrArray  *em_board_list          (const char *dir, GError **error);

/* Find by id or name, case-insensitive ("uno", "Arduino Uno").
 * EM_ERROR_NOT_FOUND lists the known ids. (transfer none) */
EmBoard    *em_board_find          (GPtrArray *boards, const char *name, GError **error);

/* The first board whose USB id list has @vid:@pid, or NULL. Several boards
 * may share a USB bridge; the first in the list wins. (transfer none) */
EmBoard    *em_board_match_usb     (GPtrArray *boards, int vid, int pid);

const char *em_board_protocol_to_string (EmBoardProtocol protocol);

/* Milliseconds one window takes on @board: @instructions (counted on the
 * emulated Cortex-M4F) x the board's cycles_per_instruction / its clock.
 * Negative when not estimated (no count, or a core the count does not
 * carry over to, e.g. AVR). An estimate: QEMU is not cycle-accurate. */
double      em_board_latency_ms     (const EmBoard *board, guint64 instructions);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmBoard, em_board_free)

G_END_DECLS
