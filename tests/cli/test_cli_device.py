# SPDX-License-Identifier: Apache-2.0
"""ember-cli device: list serial ports, forward a board's lines into a sample.

The board is simulated on a pseudo-terminal (os.openpty): libserialport
refuses ptys, so this also covers the termios backend and the choice of
backend. Standard library only; run with /usr/bin/python3 by meson."""

import json
import os
import random
import signal
import subprocess
import threading
import time
import tty

import emcli
from emcli import CliTestCase, EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_USAGE


class Board:
    """A simulated board: a thread writes lines on the master side of a pty,
    paced with perf_counter against absolute deadlines so the mean rate is
    exact even when the thread is scheduled late."""

    def __init__(self):
        self.master, self.slave = os.openpty()
        # Raw, so the line discipline neither echoes nor rewrites "\n".
        tty.setraw(self.slave)
        # A real UART drops bytes nobody reads; a blocked write would hang us.
        os.set_blocking(self.master, False)
        self.path = os.ttyname(self.slave)
        self._stop = threading.Event()
        self._thread = None

    def start(self, line_for, rate=100.0):
        """line_for(i) -> bytes to send at tick i, None to stay silent from
        then on, or 'close' to close the master (the board unplugged)."""
        def run():
            period = 1.0 / rate
            start = time.perf_counter()
            i = 0
            while not self._stop.is_set():
                data = line_for(i)
                if data == 'close':
                    self._close_master()
                    return
                if data is None:
                    self._stop.wait()
                    return
                try:
                    os.write(self.master, data)
                except BlockingIOError:
                    pass
                except OSError:
                    return
                i += 1
                delay = start + i * period - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return self

    def _close_master(self):
        if self.master >= 0:
            os.close(self.master)
            self.master = -1

    def close(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        self._close_master()
        os.close(self.slave)


def numbered(i):
    """Line i of the default board: values that tell the frame apart."""
    return ('%d,%g,%d\n' % (i, i * 0.5, -i)).encode()


class DeviceTest(CliTestCase):

    def setUp(self):
        super().setUp()
        self.boards = []

    def tearDown(self):
        for b in self.boards:
            b.close()
        super().tearDown()

    def board(self, line_for=None, rate=100.0):
        b = Board()
        self.boards.append(b)
        if line_for is not None:
            b.start(line_for, rate)
        return b

    def forward(self, project, port, *args, expect=EXIT_OK, length=1000, label='wave'):
        return self.cli('device', 'forward', project, '--port', port, '--label', label,
                        '--length', str(length), *args, expect=expect, timeout=60)

    def messages(self, stderr):
        return [line for line in emcli.error_lines(stderr)
                if not line.startswith(('Detecting', 'Recording'))]

    def assertError(self, r, pattern):
        lines = self.messages(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith('ember-cli: '), lines[0])
        self.assertRegex(lines[0], pattern)

    def check_consecutive(self, values):
        first = values[0][0]
        for k, row in enumerate(values):
            self.assertEqual(row, [first + k, (first + k) * 0.5, -(first + k)], 'frame %d' % k)

    def test_forward_comma_lines(self):
        project = self.new_project()
        b = self.board(numbered, 100.0)
        r = self.forward(project, b.path, '--axes', 'accX,accY,accZ', '--json',
                         '--category', 'testing', '--name', 'w1')
        s = json.loads(r.stdout)
        self.assertAlmostEqual(s['frequency_hz'], 100.0, delta=2.0)
        self.assertLessEqual(abs(s['frames'] - 100), 2)
        self.assertEqual([a['name'] for a in s['axes']], ['accX', 'accY', 'accZ'])
        self.assertEqual(s['source_format'], 'serial')
        self.assertEqual((s['sensor'], s['encoding']), ('time-series', 'f32le'))
        self.assertEqual((s['name'], s['label'], s['category']), ('w1', 'wave', 'testing'))
        self.assertEqual(s['metadata']['serial_port'], b.path)
        shown = self.show(project, s['id'], values=True)
        self.assertEqual(len(shown['values']), s['frames'])
        self.check_consecutive(shown['values'])

    def test_plain_output_and_other_rate(self):
        project = self.new_project()
        b = self.board(lambda i: ('%d %d\n' % (i, 2 * i)).encode(), 50.0)
        r = self.forward(project, b.path, length=1000)
        self.assertRegex(r.stdout, r"Stored sample 1 'wave\.serial\.[0-9-]+': 50 Hz, \d+ frames, "
                                   r"axes value0,value1")
        s = self.samples(project)[0]
        self.assertAlmostEqual(s['frequency_hz'], 50.0, delta=1.0)
        self.assertLessEqual(abs(s['frames'] - 50), 2)

    def test_tabs_and_symlinked_port(self):
        project = self.new_project()
        b = self.board(lambda i: ('%d\t%g\t%d\r\n' % (i, i * 0.5, -i)).encode(), 100.0)
        link = self.path('ttyBOARD')
        os.symlink(b.path, link)  # what socat's link= gives
        r = self.forward(project, link, '--json', length=500)
        s = json.loads(r.stdout)
        self.assertEqual([a['name'] for a in s['axes']], ['value0', 'value1', 'value2'])
        self.assertLessEqual(abs(s['frames'] - 50), 2)
        self.check_consecutive(self.show(project, s['id'], values=True)['values'])

    def test_garbage_lines_skipped(self):
        project = self.new_project()

        def line(i):
            out = numbered(i)
            if i % 25 == 7:
                out += b'IMU ready, temp=31C\n'   # chatter the sketch prints
            if i % 25 == 19:
                out += b'1,2\n'                   # a short line: wrong field count
            return out
        b = self.board(line, 100.0)
        s = json.loads(self.forward(project, b.path, '--json').stdout)
        self.assertAlmostEqual(s['frequency_hz'], 100.0, delta=2.0)
        self.assertLessEqual(abs(s['frames'] - 100), 2)
        self.assertGreater(int(s['metadata']['serial_skipped_lines']), 0)
        self.check_consecutive(self.show(project, s['id'], values=True)['values'])

    def test_random_bytes_is_a_baud_error(self):
        project = self.new_project()
        rng = random.Random(7)
        b = self.board(lambda i: rng.randbytes(100), 100.0)
        r = self.forward(project, b.path, expect=EXIT_BAD_INPUT, length=500)
        self.assertError(r, r'%s: the board sends unreadable data: check the baud rate' % b.path)
        self.assertEqual(self.count(project), 0)

    def test_text_is_not_numbers(self):
        project = self.new_project()
        b = self.board(lambda i: b'ax=1.0 ay=2.0\n', 100.0)
        r = self.forward(project, b.path, expect=EXIT_BAD_INPUT, length=500)
        self.assertError(r, r'%s: the board sends text, not lines of numbers \("ax=1.0 ay=2.0"\)'
                         % b.path)

    def test_no_data(self):
        project = self.new_project()
        b = self.board()
        t0 = time.monotonic()
        r = self.forward(project, b.path, expect=EXIT_FAILURE, length=500)
        self.assertLess(time.monotonic() - t0, 6)
        self.assertError(r, r'no data from %s.*is the board running and the baud rate right\?'
                         % b.path)
        self.assertEqual(self.count(project), 0)

    def test_unplugged_mid_way(self):
        project = self.new_project()
        b = self.board(lambda i: numbered(i) if i < 150 else 'close', 100.0)
        r = self.forward(project, b.path, expect=EXIT_FAILURE, length=2000)
        self.assertError(r, r'%s: the device was disconnected after \d+ lines; nothing was saved'
                         % b.path)
        self.assertEqual(self.count(project), 0)

    def test_board_goes_quiet(self):
        project = self.new_project()
        b = self.board(lambda i: numbered(i) if i < 150 else None, 100.0)
        r = self.forward(project, b.path, expect=EXIT_FAILURE, length=2000)
        self.assertError(r, r'%s: the device stopped sending \(disconnected\?\) after \d+ lines; '
                            r'nothing was saved' % b.path)
        self.assertEqual(self.count(project), 0)

    def test_irregular_rate(self):
        project = self.new_project()
        # 100 Hz for 0.6 s, then 20 Hz. (Bursts of lines with pauses
        # between them are not a test of this: on a loaded machine the
        # gaps inside a burst shrink to ~0, which is what a USB adapter's
        # buffering looks like, and the forwarder rightly accepts that.)
        b = self.board(lambda i: numbered(i) if (i % 2 == 0 if i < 120 else i % 10 == 0)
                       else b'', 200.0)
        r = self.forward(project, b.path, expect=EXIT_BAD_INPUT, length=500)
        self.assertError(r, r'irregular rate')
        self.assertEqual(self.count(project), 0)

    def test_axes_mismatch(self):
        project = self.new_project()
        b = self.board(numbered, 100.0)
        r = self.forward(project, b.path, '--axes', 'x,y', expect=EXIT_BAD_INPUT, length=300)
        self.assertError(r, r'sends 3 values per line but 2 axis names')

    def test_ctrl_c_saves_nothing(self):
        project = self.new_project()
        b = self.board(numbered, 100.0)
        p = subprocess.Popen([emcli.cli_path(), 'device', 'forward', project, '--port', b.path,
                              '--label', 'x', '--length', '10000'], env=emcli.base_env(),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, encoding='utf-8', errors='replace')
        time.sleep(2.0)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, EXIT_CANCELLED, err)
        self.assertEqual(self.count(project), 0)

    def test_missing_port_and_usage(self):
        project = self.new_project()
        r = self.forward(project, '/dev/ttyNOPE0', expect=emcli.EXIT_NOT_FOUND, length=300)
        self.assertError(r, r'/dev/ttyNOPE0: no such serial port')
        self.cli('device', 'forward', project, '--port', '/dev/null', '--label', 'x',
                 expect=EXIT_USAGE)

    def test_ports_json(self):
        ports = self.cli_json('device', 'ports', '--json')
        self.assertIsInstance(ports, list)
        for p in ports:
            self.assertTrue(p['name'].startswith('/dev/'), p)
            self.assertIn(p['transport'], ('usb', 'bluetooth', 'native'))
            self.assertTrue(p['usb_vid'] is None or isinstance(p['usb_vid'], int))
        self.assertEqual(self.cli('device', 'ports').returncode, EXIT_OK)


if __name__ == '__main__':
    emcli.main()
