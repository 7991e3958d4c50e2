/* SPDX-License-Identifier: Apache-2.0 */
/* Ember firmware: the generated impulse library behind a serial protocol,
 * in two data modes. Host-fed: the host (src/core/em-live.c) sends raw
 * windows, the board runs the impulse on each and answers with the scores
 * and its own DSP and NN times. On-board sensor: the host asks the board to
 * sample one of its sensors at the impulse's frequency; the board keeps the
 * last window of frames in a ring, runs the impulse every window increase
 * and sends each result unprompted. The same file runs on every board
 * family; the board's port file (port-*.c, ember_firmware_port.h) provides
 * the UART, the clock and the sensors.
 *
 * Protocol version 2 (version 1 was host-fed only; every version-1 request
 * and reply is unchanged, the hello reply only grew at its end). All
 * integers and floats little-endian (IEEE 754).
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
 *                em_run_impulse() takes it. Refused (ERROR 6) while the
 *                sensor mode is on.
 *   0x03 START_SENSOR  sensor:u8 (index in the hello's list)  flags:u8
 *                (bit 0: put the raw window in every SENSOR_RESULT, so the
 *                host can record it). Starts the sensor mode; a running one
 *                is restarted with an empty window.
 *   0x04 STOP    empty payload: ends the sensor mode (answered also when it
 *                was not on).
 * Replies (board → host):
 *   0x81 HELLO   version:u8 (2)  flags:u8 (bit 0: has an anomaly block,
 *                bit 1: int8 model)  n_labels:u16  n_values:u32, then
 *                NUL-terminated strings: n_labels labels (output order), the
 *                project name, the model version. Version 2 goes on with
 *                frequency_hz:f32  window_frames:u32  increase_frames:u32
 *                n_axes:u16  n_sensors:u8, then per sensor max_axes:u8 and
 *                its NUL-terminated name (n_sensors 0: host-fed only; image
 *                impulses never have a sensor mode).
 *   0x82 RESULT  status:i32 (em_run_impulse's, 0 = ok)  dsp_us:u32  nn_us:u32
 *                anomaly:f32  n_scores:u16  scores: n_scores × f32.
 *   0x83 SENSOR_STARTED  sensor:u8  n_axes:u16  frequency_hz:f32
 *                window_frames:u32  increase_frames:u32.
 *   0x84 STOPPED windows:u32 (SENSOR_RESULTs sent since the start).
 *   0x86 SENSOR_RESULT (unprompted, seq 0, one per window while the sensor
 *                mode is on)  window:u32 (0 for the first full window; window
 *                k starts at frame k × increase_frames of the sensor's
 *                stream)  status:i32  dsp_us:u32  nn_us:u32  anomaly:f32
 *                n_scores:u16  scores: n_scores × f32  n_raw:u32  raw:
 *                n_raw × f32 (the window, as WINDOW carries it; n_raw 0
 *                unless START_SENSOR asked for it).
 *   0xEE ERROR   code:u8  message: NUL-terminated text. Codes: 1 the window
 *                has the wrong number of values, 2 unknown request type,
 *                3 no such sensor, 4 the sensor cannot give the impulse's
 *                axes at its frequency, 5 this impulse has no sensor mode
 *                (images), 6 busy: the sensor mode is on.
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
 * The window buffer is static, sized by the impulse (EM_IMPULSE_INPUT_VALUES),
 * and doubles as the sensor mode's ring of frames: nothing is allocated, and
 * the sensor mode costs no RAM beyond a few counters. The sensor is polled
 * between bytes: while the impulse runs no frame is read, so a port whose
 * sensor is paced by a clock (ADC) catches up with the frames that fell due
 * by reading them back to back (ports document this). */
#include <stdint.h>
#include <string.h>
#include "ember_impulse.h"
#include "ember_impulse_meta.h"
#include "ember_firmware_port.h"

#define EM_FW_PROTOCOL_VERSION 2u
#define EM_FW_SYNC0 0xA5u
#define EM_FW_SYNC1 0x5Au
#define EM_FW_GAP_MS 500u
/* Longest request other than WINDOW: longer is garbage. */
#define EM_FW_SMALL_MAX 64u

enum {
  EM_FW_HELLO = 0x01,
  EM_FW_WINDOW = 0x02,
  EM_FW_START_SENSOR = 0x03,
  EM_FW_STOP = 0x04,
  EM_FW_HELLO_REPLY = 0x81,
  EM_FW_RESULT = 0x82,
  EM_FW_SENSOR_STARTED = 0x83,
  EM_FW_STOPPED = 0x84,
  EM_FW_SENSOR_RESULT = 0x86,
  EM_FW_ERROR = 0xEE,
};

#define EM_FW_WINDOW_BYTES ((uint32_t) EM_IMPULSE_INPUT_VALUES * 4u)

static float em_fw_window[EM_IMPULSE_INPUT_VALUES];

/* The sensor mode exists for time series and audio; an image impulse's
 * window is no stream of frames. */
#if EM_IMPULSE_IMAGE_WIDTH == 0 && EM_IMPULSE_N_AXES > 0
#define EM_FW_CAN_SENSE 1
#else
#define EM_FW_CAN_SENSE 0
#endif
#ifdef EM_IMPULSE_WINDOW_INCREASE_FRAMES
#define EM_FW_INCREASE_FRAMES EM_IMPULSE_WINDOW_INCREASE_FRAMES
#else   /* a library generated before the define existed */
#define EM_FW_INCREASE_FRAMES ((uint32_t) (EM_IMPULSE_WINDOW_INCREASE_MS * EM_IMPULSE_FREQUENCY_HZ / 1000.0 + 0.5))
#endif

/* Where the window starts in em_fw_window, in values: 0 for a host-fed
 * window, the oldest frame of the ring in the sensor mode. */
static uint32_t em_fw_window_start;
static uint8_t em_fw_sensing;     /* the sensor mode is on */
static uint8_t em_fw_send_raw;    /* SENSOR_RESULTs carry the window */
static uint32_t em_fw_ring_next;  /* value index the next frame goes to */
static uint32_t em_fw_ring_frames, em_fw_since_run, em_fw_windows_run;

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
  uint8_t n_sensors = EM_FW_CAN_SENSE ? em_fw_port_sensor_count () : 0;

  for (uint16_t i = 0; i < EM_IMPULSE_N_OUTPUTS; i++)
    length += (uint32_t) strlen (em_fw_labels[i]) + 1u;
  length += (uint32_t) (sizeof EM_IMPULSE_PROJECT + sizeof EM_IMPULSE_MODEL_VERSION);
  length += 4u + 4u + 4u + 2u + 1u;
  for (uint8_t i = 0; i < n_sensors; i++)
    length += 1u + (uint32_t) strlen (em_fw_port_sensor_name (i)) + 1u;
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
  em_fw_put_f32 ((float) EM_IMPULSE_FREQUENCY_HZ);
  em_fw_put_u32 (EM_IMPULSE_N_FRAMES);
  em_fw_put_u32 (EM_FW_INCREASE_FRAMES);
  em_fw_put_u16 (EM_IMPULSE_N_AXES);
  em_fw_put (n_sensors);
  for (uint8_t i = 0; i < n_sensors; i++)
    {
      em_fw_put (em_fw_port_sensor_max_axes (i));
      em_fw_put_str (em_fw_port_sensor_name (i));
    }
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
  size_t at, first;

  if (offset > EM_IMPULSE_INPUT_VALUES || length > EM_IMPULSE_INPUT_VALUES - offset)
    return -1;
  /* The ring unrolled: at most two pieces. */
  at = (em_fw_window_start + offset) % EM_IMPULSE_INPUT_VALUES;
  first = EM_IMPULSE_INPUT_VALUES - at < length ? EM_IMPULSE_INPUT_VALUES - at : length;
  memcpy (out, em_fw_window + at, first * sizeof (float));
  memcpy (out + first, em_fw_window, (length - first) * sizeof (float));
  return 0;
}

/* Runs the impulse on the window (em_fw_window from em_fw_window_start)
 * and sends the result: a RESULT answering @seq, or with @sensor_window
 * >= 0 an unprompted SENSOR_RESULT for that window. */
static void
em_fw_classify (uint8_t seq, int32_t sensor_window)
{
  em_signal_t signal = { EM_IMPULSE_INPUT_VALUES, em_fw_get_window, 0 };
  em_impulse_result_t result;
  uint32_t n_raw = sensor_window >= 0 && em_fw_send_raw ? EM_IMPULSE_INPUT_VALUES : 0u;
  int status;

  memset (&result, 0, sizeof result);
  status = em_run_impulse (&signal, &result);
  if (sensor_window >= 0)
    {
      em_fw_begin (EM_FW_SENSOR_RESULT, 0, 4u + 18u + 4u * EM_IMPULSE_N_OUTPUTS + 4u + 4u * n_raw);
      em_fw_put_u32 ((uint32_t) sensor_window);
    }
  else
    em_fw_begin (EM_FW_RESULT, seq, 18u + 4u * EM_IMPULSE_N_OUTPUTS);
  em_fw_put_u32 ((uint32_t) (int32_t) status);
  em_fw_put_u32 (result.dsp_us);
  em_fw_put_u32 (result.nn_us);
  em_fw_put_f32 (result.anomaly);
  em_fw_put_u16 (EM_IMPULSE_N_OUTPUTS);
  for (uint16_t i = 0; i < EM_IMPULSE_N_OUTPUTS; i++)
    em_fw_put_f32 (result.outputs[i]);
  if (sensor_window >= 0)
    {
      uint32_t at = em_fw_window_start;

      em_fw_put_u32 (n_raw);
      for (uint32_t v = 0; v < n_raw; v++)
        {
          em_fw_put_f32 (em_fw_window[at]);
          if (++at == EM_IMPULSE_INPUT_VALUES)
            at = 0;
        }
    }
  em_fw_end ();
}

/* --- the sensor mode ----------------------------------------------------- */

static void
em_fw_start_sensor (uint8_t seq, const uint8_t *payload, uint32_t length)
{
  uint8_t sensor = length >= 1 ? payload[0] : 0xFFu;
  uint8_t max_axes;

  if (!EM_FW_CAN_SENSE)
    {
      em_fw_send_error (seq, 5, "this impulse has no sensor mode");
      return;
    }
  if (length < 2 || sensor >= em_fw_port_sensor_count ())
    {
      em_fw_send_error (seq, 3, "no such sensor");
      return;
    }
  max_axes = em_fw_port_sensor_max_axes (sensor);
  if (em_fw_sensing)
    em_fw_port_sensor_stop ();
  em_fw_sensing = 0;
  if (EM_IMPULSE_N_AXES > max_axes ||
      em_fw_port_sensor_start (sensor, (float) EM_IMPULSE_FREQUENCY_HZ, EM_IMPULSE_N_AXES) != 0)
    {
      em_fw_send_error (seq, 4, "the sensor cannot give the impulse's axes at its frequency");
      return;
    }
  em_fw_sensing = 1;
  em_fw_send_raw = payload[1] & 1u;
  em_fw_ring_next = 0;
  em_fw_ring_frames = 0;
  em_fw_since_run = 0;
  em_fw_windows_run = 0;
  em_fw_begin (EM_FW_SENSOR_STARTED, seq, 15u);
  em_fw_put (sensor);
  em_fw_put_u16 (EM_IMPULSE_N_AXES);
  em_fw_put_f32 ((float) EM_IMPULSE_FREQUENCY_HZ);
  em_fw_put_u32 (EM_IMPULSE_N_FRAMES);
  em_fw_put_u32 (EM_FW_INCREASE_FRAMES);
  em_fw_end ();
}

static void
em_fw_stop_sensor (uint8_t seq)
{
  if (em_fw_sensing)
    em_fw_port_sensor_stop ();
  em_fw_sensing = 0;
  em_fw_window_start = 0;
  em_fw_begin (EM_FW_STOPPED, seq, 4u);
  em_fw_put_u32 (em_fw_windows_run);
  em_fw_end ();
}

/* One frame from the sensor into the ring, and the impulse when a window
 * increase has gone by. A frame never wraps: the ring holds whole frames. */
static void
em_fw_poll_sensor (void)
{
  if (em_fw_port_sensor_read (em_fw_window + em_fw_ring_next) <= 0)
    return;
  em_fw_ring_next = (em_fw_ring_next + EM_IMPULSE_N_AXES) % EM_IMPULSE_INPUT_VALUES;
  if (em_fw_ring_frames < EM_IMPULSE_N_FRAMES)
    em_fw_ring_frames++;
  em_fw_since_run++;
  if (em_fw_ring_frames < EM_IMPULSE_N_FRAMES ||
      (em_fw_windows_run > 0 && em_fw_since_run < EM_FW_INCREASE_FRAMES))
    return;
  /* Full: the oldest frame is the one the next frame will replace. */
  em_fw_window_start = em_fw_ring_next;
  em_fw_since_run = 0;
  em_fw_classify (0, (int32_t) em_fw_windows_run);
  em_fw_windows_run++;
}

/* --- receiving ----------------------------------------------------------- */

enum { HUNT0, HUNT1, HEADER, PAYLOAD, CRC };

int
main (void)
{
  uint8_t header[6];
  uint8_t small[EM_FW_SMALL_MAX];
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
          if (em_fw_sensing)
            em_fw_poll_sensor ();
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
          /* In the sensor mode the buffer is the ring: a window is read
           * off the line but not stored. */
          if (header[0] == EM_FW_WINDOW && !em_fw_sensing)
            ((uint8_t *) em_fw_window)[got] = byte;
          else if (header[0] != EM_FW_WINDOW)
            small[got] = byte;
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
          else if (header[0] == EM_FW_START_SENSOR)
            em_fw_start_sensor (header[1], small, length);
          else if (header[0] == EM_FW_STOP)
            em_fw_stop_sensor (header[1]);
          else if (header[0] == EM_FW_WINDOW && em_fw_sensing)
            em_fw_send_error (header[1], 6, "busy: the sensor mode is on, send STOP first");
          else if (header[0] == EM_FW_WINDOW && length == EM_FW_WINDOW_BYTES)
            {
              em_fw_window_start = 0;
              em_fw_classify (header[1], -1);
            }
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
