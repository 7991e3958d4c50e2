/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>
#include <libserialport.h>
#include "em-error.h"
#include "em-serial-port.h"

/* The backend interface: one vtable per implementation. */
typedef struct {
  const char *name;
  gssize (*read)  (EmSerialPort *port, guint8 *buf, gsize len, guint timeout_ms, GError **error);
  void   (*close) (EmSerialPort *port);
} EmSerialBackend;

struct _EmSerialPort {
  const EmSerialBackend *backend;
  char *path;              /* as the user gave it, for messages */
  int fd;                  /* termios backend */
  struct sp_port *sp;      /* libserialport backend */
  gboolean write;          /* opened by em_serial_port_open_full() */
  gboolean even_parity;    /* asked for 8E1 */
  gboolean parity_set;     /* and got it */
};

gboolean
em_serial_path_is_pty (const char *path)
{
  g_autofree char *real = realpath (path, NULL);
  struct stat st;

  if (real == NULL || stat (real, &st) != 0 || !S_ISCHR (st.st_mode))
    return FALSE;
  if (g_str_has_prefix (real, "/dev/pts/"))
    return TRUE;
  /* UNIX98 pty slaves live on majors 136..143 even when devpts is mounted elsewhere. */
  return major (st.st_rdev) >= 136 && major (st.st_rdev) <= 143;
}

static void
set_open_error (GError **error, const char *path, int errsv)
{
  if (errsv == ENOENT || errsv == ENODEV || errsv == ENXIO)
    g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "%s: no such serial port", path);
  else if (errsv == EACCES || errsv == EPERM)
    g_set_error (error, EM_ERROR, EM_ERROR_IO,
                 "%s: permission denied: add your user to the 'dialout' group and log in again",
                 path);
  else if (errsv == EBUSY)
    g_set_error (error, EM_ERROR, EM_ERROR_IO,
                 "%s: the port is busy: close the other program that uses it", path);
  else
    g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: cannot open: %s", path, g_strerror (errsv));
}

static void
set_disconnected (GError **error, const char *path, const char *why)
{
  g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: the device was disconnected (%s)", path, why);
}

/* --- termios backend (pseudo-terminals) ------------------------------------ */

static speed_t
termios_speed (guint baud)
{
  static const struct { guint baud; speed_t speed; } table[] = {
    { 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
    { 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 }, { 115200, B115200 },
    { 230400, B230400 }, { 460800, B460800 }, { 500000, B500000 }, { 576000, B576000 },
    { 921600, B921600 }, { 1000000, B1000000 }, { 2000000, B2000000 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (table[i].baud == baud)
      return table[i].speed;
  return B0;
}

static gssize
termios_read (EmSerialPort *port, guint8 *buf, gsize len, guint timeout_ms, GError **error)
{
  struct pollfd pfd = { .fd = port->fd, .events = POLLIN };
  gssize n;
  int r;

  do
    r = poll (&pfd, 1, (int) timeout_ms);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    {
      set_disconnected (error, port->path, g_strerror (errno));
      return -1;
    }
  if (r == 0)
    return 0;
  do
    n = read (port->fd, buf, len);
  while (n < 0 && errno == EINTR);
  if (n > 0)
    return n;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    return 0;
  /* A pty slave reads EIO (or EOF) once the master side closed: the board is gone. */
  set_disconnected (error, port->path, n == 0 ? "end of file" : g_strerror (errno));
  return -1;
}

static void
termios_close (EmSerialPort *port)
{
  if (port->fd >= 0)
    close (port->fd);
  port->fd = -1;
}

static const EmSerialBackend termios_backend = { "termios", termios_read, termios_close };

static gboolean
termios_open (EmSerialPort *port, const char *path, guint baud, GError **error)
{
  struct termios tio;
  speed_t speed = termios_speed (baud);

  /* O_NOCTTY: a board must never become our controlling terminal (Ctrl-C
   * from its data would kill us). O_NONBLOCK: poll decides when to read. */
  port->fd = open (path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (port->fd < 0)
    {
      set_open_error (error, path, errno);
      return FALSE;
    }
  if (tcgetattr (port->fd, &tio) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: not a serial port: %s", path,
                   g_strerror (errno));
      return FALSE;
    }
  cfmakeraw (&tio);
  tio.c_cflag &= ~(CSIZE | PARENB | CSTOPB | CRTSCTS);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;
  if (port->even_parity)
    tio.c_cflag |= PARENB;
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  if (speed != B0)
    {
      cfsetispeed (&tio, speed);
      cfsetospeed (&tio, speed);
    }
  if (tcsetattr (port->fd, TCSANOW, &tio) != 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: cannot configure the port: %s", path,
                   g_strerror (errno));
      return FALSE;
    }
  /* The pty driver drops PARENB silently: read back what stuck. */
  port->parity_set = port->even_parity && tcgetattr (port->fd, &tio) == 0 &&
                     (tio.c_cflag & PARENB) != 0;
  tcflush (port->fd, TCIFLUSH);
  return TRUE;
}

/* --- libserialport backend (real ports) ------------------------------------ */

static gssize
sp_backend_read (EmSerialPort *port, guint8 *buf, gsize len, guint timeout_ms, GError **error)
{
  /* A timeout of 0 means "forever" to libserialport. */
  enum sp_return r = sp_blocking_read_next (port->sp, buf, len, MAX (timeout_ms, 1));

  if (r < 0)
    {
      g_autofree char *msg = sp_last_error_message ();
      set_disconnected (error, port->path, msg != NULL ? msg : "read failed");
      return -1;
    }
  /* An unplugged USB adapter may just go quiet: its device node vanishing tells us. */
  if (r == 0 && !g_file_test (port->path, G_FILE_TEST_EXISTS))
    {
      set_disconnected (error, port->path, "the port is gone");
      return -1;
    }
  return r;
}

static void
sp_backend_close (EmSerialPort *port)
{
  if (port->sp != NULL)
    {
      sp_close (port->sp);
      sp_free_port (port->sp);
    }
  port->sp = NULL;
}

static const EmSerialBackend sp_backend = { "libserialport", sp_backend_read, sp_backend_close };

static gboolean
sp_backend_open (EmSerialPort *port, const char *path, guint baud, GError **error)
{
  struct stat st;

  if (stat (path, &st) != 0)
    {
      set_open_error (error, path, errno);
      return FALSE;
    }
  if (sp_get_port_by_name (path, &port->sp) != SP_OK)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_NOT_FOUND, "%s: not a serial port", path);
      return FALSE;
    }
  if (sp_open (port->sp, port->write ? SP_MODE_READ_WRITE : SP_MODE_READ) != SP_OK)
    {
      int errsv = sp_last_error_code ();
      sp_free_port (port->sp);
      port->sp = NULL;
      set_open_error (error, path, errsv);
      return FALSE;
    }
  if (sp_set_baudrate (port->sp, (int) baud) != SP_OK || sp_set_bits (port->sp, 8) != SP_OK ||
      sp_set_parity (port->sp, port->even_parity ? SP_PARITY_EVEN : SP_PARITY_NONE) != SP_OK ||
      sp_set_stopbits (port->sp, 1) != SP_OK ||
      sp_set_flowcontrol (port->sp, SP_FLOWCONTROL_NONE) != SP_OK)
    {
      g_autofree char *msg = sp_last_error_message ();
      g_set_error (error, EM_ERROR, EM_ERROR_IO, "%s: cannot set %u baud 8N1: %s", path, baud,
                   msg != NULL ? msg : "unsupported");
      return FALSE;
    }
  port->parity_set = port->even_parity;
  sp_flush (port->sp, SP_BUF_INPUT);
  return TRUE;
}

/* --- public ----------------------------------------------------------------- */

EmSerialPort *
em_serial_port_open (const char *path, guint baud, GError **error)
{
  g_autoptr(EmSerialPort) port = g_new0 (EmSerialPort, 1);
  gboolean ok;

  g_return_val_if_fail (path != NULL, NULL);
  if (baud == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "the baud rate must be above 0");
      return NULL;
    }
  port->fd = -1;
  port->path = g_strdup (path);
  if (em_serial_path_is_pty (path))
    {
      port->backend = &termios_backend;
      ok = termios_open (port, path, baud, error);
    }
  else
    {
      port->backend = &sp_backend;
      ok = sp_backend_open (port, path, baud, error);
    }
  return ok ? g_steal_pointer (&port) : NULL;
}

EmSerialPort *
em_serial_port_open_full (const char *path, guint baud, gboolean even_parity,
                          gboolean *parity_set, GError **error)
{
  g_autoptr(EmSerialPort) port = g_new0 (EmSerialPort, 1);
  gboolean ok;

  g_return_val_if_fail (path != NULL, NULL);
  if (baud == 0)
    {
      g_set_error (error, EM_ERROR, EM_ERROR_INVALID_ARGUMENT, "the baud rate must be above 0");
      return NULL;
    }
  port->fd = -1;
  port->path = g_strdup (path);
  port->write = TRUE;
  port->even_parity = even_parity;
  if (em_serial_path_is_pty (path))
    {
      port->backend = &termios_backend;
      ok = termios_open (port, path, baud, error);
    }
  else
    {
      port->backend = &sp_backend;
      ok = sp_backend_open (port, path, baud, error);
    }
  if (ok && parity_set != NULL)
    *parity_set = port->parity_set;
  return ok ? g_steal_pointer (&port) : NULL;
}

gboolean
em_serial_port_write (EmSerialPort *port, const guint8 *buf, gsize len, guint timeout_ms,
                      GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gsize done = 0;

  g_return_val_if_fail (port != NULL && port->write, FALSE);
  while (done < len)
    {
      gint64 left_ms = (deadline - g_get_monotonic_time ()) / 1000;

      if (left_ms <= 0)
        {
          set_disconnected (error, port->path, "write timed out");
          return FALSE;
        }
      if (port->sp != NULL)
        {
          enum sp_return r = sp_blocking_write (port->sp, buf + done, len - done, (guint) left_ms);
          if (r < 0)
            {
              g_autofree char *msg = sp_last_error_message ();
              set_disconnected (error, port->path, msg != NULL ? msg : "write failed");
              return FALSE;
            }
          done += (gsize) r;
        }
      else
        {
          struct pollfd pfd = { .fd = port->fd, .events = POLLOUT };
          gssize n;
          int r = poll (&pfd, 1, (int) left_ms);

          if (r < 0 && errno == EINTR)
            continue;
          if (r < 0 || (r > 0 && (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))))
            {
              set_disconnected (error, port->path, r < 0 ? g_strerror (errno) : "hang-up");
              return FALSE;
            }
          if (r == 0)
            continue;
          n = write (port->fd, buf + done, len - done);
          if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
          if (n < 0)
            {
              set_disconnected (error, port->path, g_strerror (errno));
              return FALSE;
            }
          done += (gsize) n;
        }
    }
  return TRUE;
}

void
em_serial_port_flush_input (EmSerialPort *port)
{
  if (port->sp != NULL)
    sp_flush (port->sp, SP_BUF_INPUT);
  else if (port->fd >= 0)
    tcflush (port->fd, TCIFLUSH);
}

gboolean
em_serial_port_set_dtr_rts (EmSerialPort *port, gboolean dtr, gboolean rts)
{
  if (port->sp != NULL)
    return sp_set_dtr (port->sp, dtr ? SP_DTR_ON : SP_DTR_OFF) == SP_OK &&
           sp_set_rts (port->sp, rts ? SP_RTS_ON : SP_RTS_OFF) == SP_OK;
  else if (port->fd >= 0)
    {
      int bits = TIOCM_DTR | TIOCM_RTS, set = (dtr ? TIOCM_DTR : 0) | (rts ? TIOCM_RTS : 0);
      /* ptys answer ENOTTY here. */
      return ioctl (port->fd, TIOCMBIC, &bits) == 0 && (set == 0 || ioctl (port->fd, TIOCMBIS, &set) == 0);
    }
  return FALSE;
}

gssize
em_serial_port_read (EmSerialPort *port, guint8 *buf, gsize len, guint timeout_ms,
                     GError **error)
{
  g_return_val_if_fail (port != NULL && buf != NULL && len > 0, -1);
  return port->backend->read (port, buf, len, timeout_ms, error);
}

const char *
em_serial_port_get_backend (EmSerialPort *port)
{
  return port->backend->name;
}

void
em_serial_port_close (EmSerialPort *port)
{
  if (port == NULL)
    return;
  if (port->backend != NULL)
    port->backend->close (port);
  g_free (port->path);
  g_free (port);
}
