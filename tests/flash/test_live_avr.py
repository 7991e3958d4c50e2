#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Ember firmware on an AVR board (issue 9): a small motion impulse (flatten
features, 1 s windows) built by `deploy --board arduino-mega2560` with
avr-gcc runs in simavr (avr-firmware-sim, UART0 on a pty) and answers the
host-fed protocol: the hello gives the impulse's window size and labels, and
windows of the testing set get scores within one int8 step of Ember's own
int8 outputs (avr-libc's libm is not glibc's, so the features may differ in
their last bits) with the same top label, plus the board's own DSP and NN
times from Timer1. The same impulse on an Arduino Uno (2 KB RAM) is refused
with one line giving the sizes.

Usage: test_live_avr.py AVR-FIRMWARE-SIM. Exit 77 without avr-gcc.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import tty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_live_emulated import Board, cli, cli_ok, error_lines, f32, frame, parse_result  # noqa: E402

n_test = 0
failures = []


def ok(cond, what):
    global n_test
    n_test += 1
    print('%s %d - %s' % ('ok' if cond else 'not ok', n_test, what), flush=True)
    if not cond:
        failures.append(what)
    return cond


class AvrBoard(Board):
    """avr-firmware-sim running a firmware ELF; the pty it prints."""

    def __init__(self, sim, elf):
        self.q = subprocess.Popen([sim, elf, 'atmega2560'], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        pty = None
        for _ in range(20):
            m = re.match(r'PTY (\S+)', self.q.stdout.readline().decode())
            if m:
                pty = m.group(1)
                break
        if pty is None:
            raise RuntimeError('avr-firmware-sim printed no pty')
        self.fd = os.open(pty, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        self.rx = b''

    def send(self, data):
        # simavr's pty bridge buffers little: pace the bytes like a UART would.
        for i in range(0, len(data), 32):
            os.write(self.fd, data[i:i + 32])
            time.sleep(0.004)


def main():
    if len(sys.argv) < 2:
        sys.exit('usage: test_live_avr.py AVR-FIRMWARE-SIM')
    if shutil.which('avr-gcc') is None:
        print('1..0 # SKIP avr-gcc not installed')
        return 77
    work = tempfile.mkdtemp(prefix='ember-live-avr-')
    try:
        return run(sys.argv[1], work)
    finally:
        if not os.environ.get('EMBER_KEEP_TEST'):
            shutil.rmtree(work, ignore_errors=True)


def run(sim, work):
    project = os.path.join(work, 'motion.ember')
    cli_ok('demo', 'create', project, '--kind', 'motion', '--scale', '0.2')
    cli_ok('impulse', 'create', project, '--block', 'flatten')
    cli_ok('impulse', 'input', project, '--window-size', '1000', '--window-increase', '500')
    cli_ok('impulse', 'add', project, 'classification', '--inputs', 'flatten')
    cli_ok('train', project, '--epochs', '5')
    vectors = os.path.join(work, 'vectors.jsonl')
    cli_ok('deploy', project, '--target', 'c-library', '-o', os.path.join(work, 'lib'), '--test-vectors', vectors)
    with open(vectors) as f:
        ember = [json.loads(line) for line in f]

    out = os.path.join(work, 'mega')
    r = cli('deploy', project, '--board', 'arduino-mega2560', '-o', out)
    ok(r.returncode == 0 and os.path.exists(os.path.join(out, 'firmware.hex')),
       'deploy --board arduino-mega2560 builds firmware.hex with avr-gcc')
    print('# %s' % (r.stdout.strip() or r.stderr.strip()[-300:]))
    labels = []
    board = AvrBoard(sim, os.path.join(out, 'firmware.elf'))
    try:
        h = board.request(frame(0x01, 1), 1, tries=5, wait=2)
        if ok(h is not None and h[0] == 0x81 and h[2][0] == 2, 'the ATmega2560 answers the hello, protocol 2'):
            n_values = struct.unpack('<I', h[2][4:8])[0]
            labels = h[2][8:].split(b'\0')[:struct.unpack('<H', h[2][2:4])[0]]
            ok(n_values == len(ember[0]['window_values']) and [l.decode() for l in labels] ==
               ['idle', 'snake', 'updown', 'wave'], 'its window size and labels are the impulse\'s')
        picked = ember[::max(1, len(ember) // 4)][:4]
        close, same_top, timed = True, True, True
        for i, v in enumerate(picked):
            payload = struct.pack('<%df' % len(v['window_values']), *v['window_values'])
            t0 = time.time()
            r = board.request(frame(0x02, 10 + i, payload), 10 + i, tries=2, wait=10)
            if r is None or r[0] != 0x82:
                close = same_top = timed = False
                break
            status, scores = parse_result(r[2])
            dsp_us, nn_us = struct.unpack('<II', r[2][4:12])
            want = [f32(x) for x in v['outputs']]
            close = close and status == 0 and all(abs(a - b) <= 1 / 256 + 1e-7 for a, b in zip(scores, want))
            same_top = same_top and scores.index(max(scores)) == want.index(max(want))
            timed = timed and dsp_us > 0 and nn_us > 0
            print('# window %d: board %s, Ember %s; DSP %.1f ms, NN %.1f ms, round trip %.0f ms' % (
                i, scores, want, dsp_us / 1000, nn_us / 1000, (time.time() - t0) * 1000))
        ok(close, 'the board\'s scores are within one int8 step of Ember\'s')
        ok(same_top, 'and give the same top label')
        ok(timed, 'the board times its DSP and NN with Timer1')
    finally:
        board.close()

    r = cli('deploy', project, '--board', 'arduino-uno', '-o', os.path.join(work, 'uno'))
    errs = error_lines(r)
    ok(r.returncode == 3 and len(errs) == 1 and re.search(r'Arduino Uno: the impulse does not fit: RAM needs \d+ '
                                                          r'bytes, the board has 2048', errs[0]) is not None,
       'the Uno (2 KB RAM) refuses it with the sizes: %s' % (errs[0] if errs else r.stderr.strip()[-200:]))
    print('1..%d' % n_test)
    if failures:
        print('# failed: %s' % '; '.join(failures))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
