#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The one-click flow on the emulated board (issue 9), headless:

  1. a small motion demo is trained; `deploy --test-vectors` writes Ember's
     own int8 results for every testing window;
  2. `deploy --board cortex-m4-emulated --flash` builds the firmware (impulse
     library + codegen/targets/firmware) and starts it in qemu-system-arm
     with its UART on a pseudo-terminal, checking that it answers;
  3. `live --firmware ELF --json` streams testing windows to it: every score
     the board sends back equals Ember's int8 output bit for bit (as float32),
     the board reports its own DSP/NN times, the summary counts the windows;
  4. the protocol itself, spoken by this script (an implementation
     independent of em-live.c): garbage and a fake frame head on the line
     are skipped, a frame with a bad CRC gets no answer, a window of the
     wrong size gets an ERROR reply, and a valid window still gets the right
     scores afterwards;
  5. error paths: firmware that is not Ember's (a UART loop written here)
     gives "no answer from Ember firmware"; a file that is no ELF: QEMU did
     not start; no toolchain on PATH: one line naming the Debian packages;
  6. the NUCLEO-F446RE firmware compiles and links, its vector table points
     into its flash, and it fits the board; the Arduino Uno build of this
     impulse is refused with one line giving the sizes.

Exit 77 (skip) when arm-none-eabi-gcc / newlib or qemu-system-arm is missing.
"""
import json
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import tty

EMBER_CLI = os.environ.get('EMBER_CLI', 'ember-cli')
failures = []
n_test = 0


def ok(cond, what):
    global n_test
    n_test += 1
    print('%s %d - %s' % ('ok' if cond else 'not ok', n_test, what), flush=True)
    if not cond:
        failures.append(what)
    return cond


def cli(*args, env=None, timeout=300):
    r = subprocess.run([EMBER_CLI] + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       encoding='utf-8', errors='replace', timeout=timeout, env=env)
    return r


def cli_ok(*args):
    r = cli(*args)
    if r.returncode != 0:
        print('# ember-cli %s exited %d:\n# %s' % (' '.join(map(str, args[:3])), r.returncode,
                                                    r.stderr.strip().replace('\n', '\n# ')))
        sys.exit(1)
    return r


def error_lines(r):
    """What ember-cli said as errors (progress lines left out)."""
    return [l for l in r.stderr.splitlines() if l.startswith('ember-cli:')]


def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


# --- the protocol, from its description in ember_firmware.c --------------------

def crc16(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def frame(ftype, seq, payload=b''):
    body = bytes([ftype, seq]) + struct.pack('<I', len(payload)) + payload
    return b'\xa5\x5a' + body + struct.pack('<H', crc16(body))


class Board:
    """QEMU running a firmware ELF, its UART on a pty this script opens."""

    def __init__(self, elf):
        self.q = subprocess.Popen(['qemu-system-arm', '-M', 'mps2-an386', '-nographic', '-monitor', 'none',
                                   '-serial', 'pty', '-kernel', elf],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        line = self.q.stdout.readline().decode()
        m = re.search(r'(/dev/pts/\d+)', line)
        if not m:
            raise RuntimeError('QEMU printed no pty: %r' % line)
        self.fd = os.open(m.group(1), os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        self.rx = b''

    def close(self):
        os.close(self.fd)
        self.q.kill()
        self.q.wait()

    def send(self, data):
        os.write(self.fd, data)

    def reply(self, timeout):
        """The next valid frame (type, seq, payload), or None."""
        end = time.time() + timeout
        while True:
            i = self.rx.find(b'\xa5\x5a')
            if i >= 0:
                self.rx = self.rx[i:]
                if len(self.rx) >= 8:
                    n = struct.unpack('<I', self.rx[4:8])[0]
                    if len(self.rx) >= 10 + n:
                        body, crc = self.rx[2:8 + n], struct.unpack('<H', self.rx[8 + n:10 + n])[0]
                        if crc == crc16(body):
                            self.rx = self.rx[10 + n:]
                            return body[0], body[1], body[6:]
                        self.rx = self.rx[1:]
                        continue
            left = end - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([self.fd], [], [], min(left, 0.1))
            if r:
                self.rx += os.read(self.fd, 65536)

    def request(self, data, seq, tries=8, wait=1.0):
        for _ in range(tries):
            self.send(data)
            r = self.reply(wait)
            while r is not None and r[1] != seq:
                r = self.reply(wait)
            if r is not None:
                return r
        return None


def parse_result(payload):
    status, dsp_us, nn_us, anomaly, n = struct.unpack('<iIIfH', payload[:18])
    return status, list(struct.unpack('<%df' % n, payload[18:18 + 4 * n]))


NOT_EMBER_C = r'''
#include <stdint.h>
extern uint32_t _estack[];
static void reset (void)
{
  volatile uint32_t *uart = (volatile uint32_t *) 0x40004000u;
  const char *msg = "Hello from some other firmware\r\n";
  uart[4] = 16; uart[2] = 3;
  for (;;)
    for (const char *p = msg; *p; p++) { while (uart[1] & 1u) ; uart[0] = (uint8_t) *p; }
}
__attribute__ ((section (".isr_vector"), used))
void (*const vectors[2]) (void) = { (void (*) (void)) (uintptr_t) _estack, reset };
'''


def main():
    for tool in ('arm-none-eabi-gcc', 'qemu-system-arm'):
        if shutil.which(tool) is None:
            print('1..0 # SKIP %s not installed' % tool)
            return 77
    nano = subprocess.run(['arm-none-eabi-gcc', '-print-file-name=nano.specs'], stdout=subprocess.PIPE,
                          encoding='utf-8').stdout.strip()
    if not os.path.isabs(nano):
        print('1..0 # SKIP libnewlib-arm-none-eabi not installed')
        return 77
    work = tempfile.mkdtemp(prefix='ember-live-')
    try:
        return run(work)
    finally:
        if not os.environ.get('EMBER_KEEP_TEST'):
            shutil.rmtree(work, ignore_errors=True)


def run(work):
    src = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
    project = os.path.join(work, 'motion.ember')
    cli_ok('demo', 'create', project, '--kind', 'motion', '--scale', '0.2')
    cli_ok('impulse', 'create', project, '--block', 'spectral')
    cli_ok('impulse', 'add', project, 'classification', '--inputs', 'spectral')
    cli_ok('train', project, '--epochs', '3')
    vectors = os.path.join(work, 'vectors.jsonl')
    cli_ok('deploy', project, '--target', 'c-library', '-o', os.path.join(work, 'lib'), '--test-vectors', vectors)
    ember = {}
    with open(vectors) as f:
        for line in f:
            v = json.loads(line)
            ember[(v['sample'], v['window'])] = v
    ok(len(ember) > 0, 'Ember wrote test vectors (%d windows)' % len(ember))

    # 2. build + "flash" (start) the emulated board.
    out = os.path.join(work, 'emu')
    r = cli('deploy', project, '--board', 'cortex-m4-emulated', '--flash', '-o', out)
    elf = os.path.join(out, 'firmware.elf')
    ok(r.returncode == 0 and os.path.exists(elf), 'deploy --board cortex-m4-emulated --flash builds the ELF')
    ok('Ember firmware protocol 2' in r.stdout and 'idle, snake, updown, wave' in r.stdout,
       'the started firmware answers the hello with the protocol and the labels')
    m = re.search(r'flash (\d+) of', r.stdout)
    print('# emulated firmware: %s' % (r.stdout.strip().split('\n')[0] if r.stdout else r.stderr.strip()))

    # 3. live over the pty: scores equal Ember's int8 outputs exactly.
    sample = min(s for s, _ in ember)
    n_windows = 10
    t0 = time.time()
    r = cli('live', project, '--board', 'cortex-m4-emulated', '--firmware', elf, '--sample', sample,
            '--limit', n_windows, '--json')
    elapsed = time.time() - t0
    ok(r.returncode == 0, 'live --sample %d exits 0 (%s)' % (sample, r.stderr.strip()[-200:]))
    lines = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
    results = [l for l in lines if not l.get('summary')]
    summary = [l for l in lines if l.get('summary')]
    ok(len(results) == n_windows, '%d windows classified on the board' % len(results))
    exact = all([f32(x) for x in w['scores']] == [f32(x) for x in ember[(w['sample'], w['window'])]['outputs']]
                for w in results)
    ok(len(results) > 0 and exact, "every window's scores equal Ember's int8 outputs bit for bit")
    # QEMU's SysTick follows the host clock, not the instructions run: a
    # window can finish inside one tick when QEMU is quick, so only the
    # total must show the DSP's time.
    ok(all(0 <= w['dsp_ms'] < 10000 and 0 <= w['nn_ms'] < 10000 for w in results) and
       sum(w['dsp_ms'] for w in results) > 0,
       'the board reports its own DSP and NN times')
    ok(len(summary) == 1 and summary[0]['windows'] == n_windows and summary[0]['labelled'] == n_windows,
       'the summary counts the windows')
    if results:
        rts = sorted(w['round_trip_ms'] for w in results)
        print('# %d windows in %.1f s; round trip median %.0f ms; device DSP %.2f ms, NN %.3f ms (QEMU, not '
              'cycle-accurate)' % (len(results), elapsed, rts[len(rts) // 2],
                                   sum(w['dsp_ms'] for w in results) / len(results),
                                   sum(w['nn_ms'] for w in results) / len(results)))

    # 4. the protocol, spoken here.
    v = ember[(sample, 0)]
    window = struct.pack('<%df' % len(v['window_values']), *v['window_values'])
    board = Board(elf)
    try:
        board.send(b'garbage \x00\xff\xa5\x5a\x02\x01\xff\xff\x00\x00 more garbage')
        r = board.request(frame(0x01, 5), 5)
        ok(r is not None and r[0] == 0x81 and r[2][0] == 2 and struct.unpack('<I', r[2][4:8])[0] == len(
            v['window_values']), 'after garbage and a fake frame head, the hello is answered')
        bad = bytearray(frame(0x02, 6, window))
        bad[100] ^= 0x40
        board.send(bytes(bad))
        ok(board.reply(1.5) is None, 'a window with a bad CRC gets no answer')
        r = board.request(frame(0x02, 7, window[:-4]), 7, tries=2, wait=3)
        ok(r is not None and r[0] == 0xEE and r[2][0] == 1, 'a window of the wrong size gets ERROR 1')
        r = board.request(frame(0x02, 8, window), 8, tries=3, wait=5)
        ok(r is not None and r[0] == 0x82 and parse_result(r[2]) == (0, [f32(x) for x in v['outputs']]),
           "then a valid window gets Ember's scores again")
        r = board.request(frame(0x33, 9), 9, tries=2, wait=3)
        ok(r is not None and r[0] == 0xEE and r[2][0] == 2, 'an unknown request gets ERROR 2')
    finally:
        board.close()

    # 5. error paths.
    other = os.path.join(work, 'other.elf')
    c = os.path.join(work, 'other.c')
    with open(c, 'w') as f:
        f.write(NOT_EMBER_C)
    subprocess.run(['arm-none-eabi-gcc', '-mcpu=cortex-m4', '-mthumb', '-Os', '-nostdlib', '-T',
                    os.path.join(src, 'codegen', 'targets', 'cortex-m', 'mps2-an386.ld'), c, '-o', other],
                   check=True)
    r = cli('live', project, '--board', 'cortex-m4-emulated', '--firmware', other, '--limit', '1')
    err = r.stderr.strip()
    ok(r.returncode == 1 and 'no answer from Ember firmware: is it flashed and running?' in err and
       len(err.splitlines()) == 1, 'firmware that is not Ember\'s: one line, no answer (%s)' % err)
    junk = os.path.join(work, 'junk.elf')
    with open(junk, 'w') as f:
        f.write('not an ELF\n')
    r = cli('live', project, '--board', 'cortex-m4-emulated', '--firmware', junk, '--limit', '1')
    err = r.stderr.strip()
    ok(r.returncode != 0 and re.search('QEMU (did not start|stopped).*junk.elf', err) is not None and
       len(err.splitlines()) == 1, 'a file that is no firmware: QEMU stopped, with its reason (%s)' % err)
    env = dict(os.environ, PATH=os.path.join(work, 'no-such-dir'))
    r = cli('deploy', project, '--board', 'nucleo-f446re', '-o', os.path.join(work, 'nopath'), env=env)
    err = r.stderr.strip()
    ok(r.returncode == 5 and err == 'ember-cli: NUCLEO-F446RE: cannot build the firmware: arm-none-eabi-gcc not '
       'found: install the Debian packages gcc-arm-none-eabi and libnewlib-arm-none-eabi',
       'no toolchain: one line naming the Debian packages')

    # 6. the real boards' builds.
    out = os.path.join(work, 'nucleo')
    r = cli('deploy', project, '--board', 'nucleo-f446re', '-o', out)
    binf = os.path.join(out, 'firmware.bin')
    ok(r.returncode == 0 and os.path.exists(binf), 'the NUCLEO-F446RE firmware compiles and links')
    if os.path.exists(binf):
        data = open(binf, 'rb').read()
        sp, reset = struct.unpack('<II', data[:8])
        ok(sp == 0x20020000 and 0x08000000 < reset < 0x08000000 + len(data) and reset & 1,
           'its vector table: stack at the top of its 128 KB RAM, reset handler (Thumb) in its flash')
        ok(len(data) <= 512 * 1024, 'it fits the 512 KB flash (%d bytes)' % len(data))
        size = subprocess.run(['arm-none-eabi-size', os.path.join(out, 'firmware.elf')], stdout=subprocess.PIPE,
                              encoding='utf-8').stdout.splitlines()[1].split()
        text, data_, bss = int(size[0]), int(size[1]), int(size[2])
        ok(data_ + bss < 128 * 1024, 'its RAM fits 128 KB (%d bytes)' % (data_ + bss))
        print('# NUCLEO-F446RE: %s' % r.stdout.strip().splitlines()[-1])
        syms = subprocess.run(['arm-none-eabi-nm', os.path.join(out, 'firmware.elf')], stdout=subprocess.PIPE,
                              encoding='utf-8').stdout
        ok(' em_run_impulse' in syms and ' SysTick_Handler' in syms and ' em_fw_port_init' in syms,
           'it holds the impulse, the SysTick clock and the USART2 port')
    if shutil.which('avr-gcc'):
        r = cli('deploy', project, '--board', 'arduino-uno', '-o', os.path.join(work, 'uno'))
        errs = error_lines(r)
        err = errs[0] if errs else r.stderr.strip()
        # Either limit may come first: the firmware's code is within a few
        # hundred bytes of the Uno's flash too.
        ok(r.returncode == 3 and re.search(r'Arduino Uno: the impulse does not fit: (RAM needs \d+ bytes, the board '
                                           r'has 2048|flash needs \d+ bytes, the board has 32256) \(', err)
           is not None and len(errs) == 1,
           'Arduino Uno: the impulse does not fit, one line with the sizes (%s)' % err)
    print('1..%d' % n_test)
    if failures:
        print('# failed: %s' % '; '.join(failures))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
