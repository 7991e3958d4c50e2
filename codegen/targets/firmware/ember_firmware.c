/* SPDX-License-Identifier: Apache-2.0 */
/* Ember firmware: the generated impulse library behind a host-fed serial
 * protocol. The host (src/core/em-live.c) sends raw windows, the board runs
 * the impulse on each and answers with the scores and its own DSP and NN
 * times. The same file runs on every board family; the board's port file
 * (port-*.c, ember_firmware_port.h) provides the UART and the clock.
 *
 * Protocol version 1. All integers and floats little-endian (IEEE 754).
 *
 * Frame (both directions):
 *   0xA5 0x5A  type:u8  seq:u8  length:u32  payload[length]  crc:u16
 * crc is CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF, no
 * reflection, no final xor) over type, seq, length and the payload. A reply
 * carries the seq of its request.
 *
 * Requests (host → board):
 *   0x01 HELLO   empty payload.
 *   0x02 WINDOW  n_values × f32: one raw window, frames × axes interleaved by
 *                frame (images: height × width × 3), exactly as the impulse's
 *                em_run_impulse() takes it.
 * Replies (board → host):
 *   0x81 HELLO   version:u8 (1)  flags:u8 (bit 0: has an anomaly block,
 *                bit 1: int8 model)  n_labels:u16  n_values:u32, then
 *                NUL-terminated strings: n_labels labels (output order), the
 *                project name, the model version.
 *   0x82 RESULT  status:i32 (em_run_impulse's, 0 = ok)  dsp_us:u32  nn_us:u32
 *                anomaly:f32  n_scores:u16  scores: n_scores × f32.
 *   0xEE ERROR   code:u8  message: NUL-terminated text. Codes: 1 the window
 *                has the wrong number of values, 2 unknown request type.
 *
 * Resynchronisation: the board hunts for 0xA5 0x5A; a header whose length
 * cannot be a request (a WINDOW longer than the impulse's window, anything
 * else longer than 64 bytes) is taken for garbage at once, a frame whose
 * CRC does not match is dropped without an answer, and a frame that stalls
 * for more than EM_FW_GAP_MS (0.5 s) between two bytes is abandoned. So
 * garbage on the line (a reset, a terminal program, a half-sent frame)
 * costs the host at most one timed-out request, after which it simply sends
 * again. A WINDOW shorter than the impulse's is read to its end and
 * answered with ERROR 1.
 *
 * The window buffer is static, sized by the impulse (EM_IMPULSE_INPUT_VALUES);
 * nothing is allocated. */
#include <stdint.h>
#include <string.h>
#include "ember_impulse.h"
#include "ember_impulse_meta.h"
#include "ember_firmware_port.h"

#define EM_FW_PROTOCOL_VERSION 1u
#define EM_FW_SYNC0 0xA5u
#define EM_FW_SYNC1 0x5Au
#define EM_FW_GAP_MS 500u
/* Longest request other than WINDOW: longer is garbage. */
#define EM_FW_SMALL_MAX 64u

enum {
  EM_FW_HELLO = 0x01,
  EM_FW_WINDOW = 0x02,
  EM_FW_HELLO_REPLY = 0x81,
  EM_FW_RESULT = 0x82,
  EM_FW_ERROR = 0xEE,
};

#define EM_FW_WINDOW_BYTES ((uint32_t) EM_IMPULSE_INPUT_VALUES * 4u)

static float em_fw_window[EM_IMPULSE_INPUT_VALUES];

/* The library's timing hook: the port's microsecond clock. */
uint64_t
em_port_time_us (void)
{
  return em_fw_port_time_us ();
}

static uint16_t
em_fw_crc_byte (uint16_t crc, uint8_t byte)
{
  crc ^= (uint16_t) byte << 8;
  for (uint8_t i = 0; i < 8; i++)
    crc = (crc & 0x8000u) ? (uint16_t) ((crc << 1) ^ 0x1021u) : (uint16_t) (crc << 1);
  return crc;
}

/* --- sending ------------------------------------------------------------- */

static uint16_t em_fw_tx_crc;

static void
em_fw_put (uint8_t byte)
{
  em_fw_tx_crc = em_fw_crc_byte (em_fw_tx_crc, byte);
  em_fw_port_putc (byte);
}

static void
em_fw_put_u16 (uint16_t v)
{
  em_fw_put ((uint8_t) v);
  em_fw_put ((uint8_t) (v >> 8));
}

static void
em_fw_put_u32 (uint32_t v)
{
  em_fw_put_u16 ((uint16_t) v);
  em_fw_put_u16 ((uint16_t) (v >> 16));
}

static void
em_fw_put_f32 (float f)
{
  uint32_t v;

  memcpy (&v, &f, sizeof v);
  em_fw_put_u32 (v);
}

static void
em_fw_put_str (const char *s)
{
  do
    em_fw_put ((uint8_t) *s);
  while (*s++ != '\0');
}

static void
em_fw_begin (uint8_t type, uint8_t seq, uint32_t length)
{
  em_fw_port_putc (EM_FW_SYNC0);
  em_fw_port_putc (EM_FW_SYNC1);
  em_fw_tx_crc = 0xFFFFu;
  em_fw_put (type);
  em_fw_put (seq);
  em_fw_put_u32 (length);
}

static void
em_fw_end (void)
{
  uint16_t crc = em_fw_tx_crc;

  em_fw_port_putc ((uint8_t) crc);
  em_fw_port_putc ((uint8_t) (crc >> 8));
}

#define em_fw_labels em_impulse_labels

static void
em_fw_send_hello (uint8_t seq)
{
  uint32_t length = 8;
  uint8_t flags = 0;

  for (uint16_t i = 0; i < EM_IMPULSE_N_OUTPUTS; i++)
    length += (uint32_t) strlen (em_fw_labels[i]) + 1u;
  length += (uint32_t) (sizeof EM_IMPULSE_PROJECT + sizeof EM_IMPULSE_MODEL_VERSION);
#if EM_IMPULSE_HAS_ANOMALY
  flags |= 1u;
#endif
#if EM_IMPULSE_INT8
  flags |= 2u;
#endif
  em_fw_begin (EM_FW_HELLO_REPLY, seq, length);
  em_fw_put (EM_FW_PROTOCOL_VERSION);
  em_fw_put (flags);
  em_fw_put_u16 (EM_IMPULSE_N_OUTPUTS);
  em_fw_put_u32 (EM_IMPULSE_INPUT_VALUES);
  for (uint16_t i = 0; i < EM_IMPULSE_N_OUTPUTS; i++)
    em_fw_put_str (em_fw_labels[i]);
  em_fw_put_str (EM_IMPULSE_PROJECT);
  em_fw_put_str (EM_IMPULSE_MODEL_VERSION);
  em_fw_end ();
}

static void
em_fw_send_error (uint8_t seq, uint8_t code, const char *message)
{
  em_fw_begin (EM_FW_ERROR, seq, 1u + (uint32_t) strlen (message) + 1u);
  em_fw_put (code);
  em_fw_put_str (message);
  em_fw_end ();
}

static int
em_fw_get_window (size_t offset, size_t length, float *out, void *user)
{
  (void) user;
  if (offset > EM_IMPULSE_INPUT_VALUES || length > EM_IMPULSE_INPUT_VALUES - offset)
    return -1;
  memcpy (out, em_fw_window + offset, length * sizeof (float));
  return 0;
}

static void
em_fw_classify (uint8_t seq)
{
  em_signal_t signal = { EM_IMPULSE_INPUT_VALUES, em_fw_get_window, 0 };
  em_impulse_result_t result;
  int status;

  memset (&result, 0, sizeof result);
  status = em_run_impulse (&signal, &result);
  em_fw_begin (EM_FW_RESULT, seq, 18u + 4u * EM_IMPULSE_N_OUTPUTS);
  em_fw_put_u32 ((uint32_t) (int32_t) status);
  em_fw_put_u32 (result.dsp_us);
  em_fw_put_u32 (result.nn_us);
  em_fw_put_f32 (result.anomaly);
  em_fw_put_u16 (EM_IMPULSE_N_OUTPUTS);
  for (uint16_t i = 0; i < EM_IMPULSE_N_OUTPUTS; i++)
    em_fw_put_f32 (result.outputs[i]);
  em_fw_end ();
}

/* --- receiving ----------------------------------------------------------- */

enum { HUNT0, HUNT1, HEADER, PAYLOAD, CRC };

int
main (void)
{
  uint8_t header[6];
  uint8_t crc_bytes[2];
  uint32_t length = 0, got = 0;
  uint16_t crc = 0xFFFFu;
  uint32_t last = 0;
  int state = HUNT0;

  em_fw_port_init ();
  for (;;)
    {
      int c = em_fw_port_getc ();
      uint8_t byte;

      if (c < 0)
        {
          if (state != HUNT0 && (uint32_t) (em_fw_port_millis () - last) > EM_FW_GAP_MS)
            state = HUNT0;
          continue;
        }
      byte = (uint8_t) c;
      last = em_fw_port_millis ();
      switch (state)
        {
        case HUNT0:
          if (byte == EM_FW_SYNC0)
            state = HUNT1;
          break;
        case HUNT1:
          if (byte == EM_FW_SYNC1)
            {
              state = HEADER;
              got = 0;
              crc = 0xFFFFu;
            }
          else if (byte != EM_FW_SYNC0)
            state = HUNT0;
          break;
        case HEADER:
          header[got++] = byte;
          crc = em_fw_crc_byte (crc, byte);
          if (got == sizeof header)
            {
              length = (uint32_t) header[2] | (uint32_t) header[3] << 8 | (uint32_t) header[4] << 16 |
                       (uint32_t) header[5] << 24;
              got = 0;
              if (length > (header[0] == EM_FW_WINDOW ? EM_FW_WINDOW_BYTES : EM_FW_SMALL_MAX))
                state = HUNT0;
              else
                state = length == 0 ? CRC : PAYLOAD;
            }
          break;
        case PAYLOAD:
          if (header[0] == EM_FW_WINDOW)
            ((uint8_t *) em_fw_window)[got] = byte;
          crc = em_fw_crc_byte (crc, byte);
          if (++got == length)
            {
              got = 0;
              state = CRC;
            }
          break;
        case CRC:
          crc_bytes[got++] = byte;
          if (got < 2)
            break;
          state = HUNT0;
          if ((uint16_t) (crc_bytes[0] | crc_bytes[1] << 8) != crc)
            break;
          if (header[0] == EM_FW_HELLO)
            em_fw_send_hello (header[1]);
          else if (header[0] == EM_FW_WINDOW && length == EM_FW_WINDOW_BYTES)
            em_fw_classify (header[1]);
          else if (header[0] == EM_FW_WINDOW)
            em_fw_send_error (header[1], 1, "the window has the wrong number of values");
          else
            em_fw_send_error (header[1], 2, "unknown request");
          break;
        default:
          state = HUNT0;
          break;
        }
    }
}
