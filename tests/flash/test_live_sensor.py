#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The on-board sensor mode (issue 9, protocol 2), on the emulated board:

  1. a small motion demo is trained; `deploy --test-vectors` writes Ember's
     own int8 results for every testing window; the emulated firmware is
     built;
  2. `live --sensor --playback SAMPLE`: the sample is played back into the
     board's simulated sensor (QEMU's UART1); the board samples it, runs the
     impulse every window increase and sends the results unprompted; for
     every window position the scores equal Ember's int8 outputs for the
     same window bit for bit, and the output says the sensor is simulated;
     the same from a CSV file of the sample; in real time the first result
     comes after a window's worth of signal;
  3. `--record LABEL --limit 2`: the windows behind the results become
     training samples whose values are exactly those windows; the board is
     stopped after 2 windows;
  4. the protocol, spoken by this script (independent of em-live.c): the
     hello advertises the sensor and the window geometry; START_SENSOR with
     the raw-window flag; garbage and a frame with a bad sum on the sensor
     line and garbage on the protocol line are skipped; every SENSOR_RESULT
     carries the right scores and its raw window; a host-fed WINDOW while
     sensing gets ERROR 6; STOP answers the count and a host-fed window
     works again; an unknown sensor gets ERROR 3;
  5. command-line errors: one line each.

Exit 77 (skip) when arm-none-eabi-gcc / newlib or qemu-system-arm is missing.
"""
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import tty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_live_emulated import Board as HostFedBoard, f32, frame  # noqa: E402

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


def cli(*args, timeout=300):
    return subprocess.run([EMBER_CLI] + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          encoding='utf-8', errors='replace', timeout=timeout)


def cli_ok(*args):
    r = cli(*args)
    if r.returncode != 0:
        print('# ember-cli %s exited %d:\n# %s' % (' '.join(map(str, args[:3])), r.returncode,
                                                    r.stderr.strip().replace('\n', '\n# ')))
        sys.exit(1)
    return r


def sensor_frame(values):
    """One frame for the simulated sensor, as port-mps2.c reads it."""
    data = struct.pack('<%df' % len(values), *values)
    return b'\xa5\x5a' + data + bytes([sum(data) & 0xFF])


class Board(HostFedBoard):
    """QEMU running the firmware: UART0 on a pty, UART1 on a socket (send and reply are
    the host-fed test's)."""

    def __init__(self, elf, work):
        path = os.path.join(work, 'uart1.sock')
        self.q = subprocess.Popen(['qemu-system-arm', '-M', 'mps2-an386', '-nographic', '-monitor', 'none',
                                   '-serial', 'pty', '-kernel', elf,
                                   '-chardev', 'socket,id=s,path=%s,server=on,wait=off' % path,
                                   '-serial', 'chardev:s'],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        line = self.q.stdout.readline().decode()
        m = re.search(r'(/dev/pts/\d+)', line)
        if not m:
            raise RuntimeError('QEMU printed no pty: %r' % line)
        self.fd = os.open(m.group(1), os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        for _ in range(100):
            try:
                self.sensor = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sensor.connect(path)
                break
            except OSError:
                time.sleep(0.05)
        self.rx = b''

    def close(self):
        self.sensor.close()
        os.close(self.fd)
        self.q.kill()
        self.q.wait()

    def request(self, data, seq, tries=8, wait=1.0):
        """The reply with @seq; unprompted frames (seq 0) in between are kept in self.unprompted."""
        for _ in range(tries):
            self.send(data)
            end = time.time() + wait
            while time.time() < end:
                r = self.reply(end - time.time())
                if r is None:
                    break
                if r[1] == seq:
                    return r
                if r[1] == 0:
                    self.unprompted.append(r)
        return None

    unprompted = []


def parse_hello(p):
    version, flags, n_labels, n_values = struct.unpack('<BBHI', p[:8])
    strings = p[8:].split(b'\0')
    rest = b'\0'.join(strings[n_labels + 2:])
    tail = p[8 + sum(len(s) + 1 for s in strings[:n_labels + 2]):]
    rate, wframes, inc, axes, n_sensors = struct.unpack('<fIIHB', tail[:15])
    sensors, at = [], 15
    for _ in range(n_sensors):
        max_axes = tail[at]
        name = tail[at + 1:tail.index(b'\0', at + 1)].decode()
        at += 2 + len(name)
        sensors.append((name, max_axes))
    return dict(version=version, n_values=n_values, rate=rate, window_frames=wframes, increase=inc, axes=axes,
                sensors=sensors)


def parse_sensor_result(p):
    window, status, dsp, nn, anomaly, n = struct.unpack('<iiIIfH', p[:22])
    scores = list(struct.unpack('<%df' % n, p[22:22 + 4 * n]))
    n_raw = struct.unpack('<I', p[22 + 4 * n:26 + 4 * n])[0]
    raw = list(struct.unpack('<%df' % n_raw, p[26 + 4 * n:26 + 4 * n + 4 * n_raw]))
    return window, status, scores, raw


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
    work = tempfile.mkdtemp(prefix='ember-sensor-')
    try:
        return run(work)
    finally:
        if not os.environ.get('EMBER_KEEP_TEST'):
            shutil.rmtree(work, ignore_errors=True)


def run(work):
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
    sample = min(s for s, _ in ember)
    n_windows = len([k for k in ember if k[0] == sample])
    ok(n_windows > 2, 'Ember wrote test vectors (%d windows of sample %d)' % (n_windows, sample))
    out = os.path.join(work, 'emu')
    cli_ok('deploy', project, '--board', 'cortex-m4-emulated', '-o', out)
    elf = os.path.join(out, 'firmware.elf')

    def same(results, key_sample):
        return len(results) > 0 and all(
            [f32(x) for x in w['scores']] == [f32(x) for x in ember[(key_sample, w['window'])]['outputs']]
            for w in results)

    # 2. playback through the simulated sensor, as fast as the board reads.
    r = cli('live', project, '--board', 'cortex-m4-emulated', '--firmware', elf, '--sensor', '--playback', sample,
            '--playback-speed', '0', '--json')
    lines = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
    results = [l for l in lines if not l.get('summary')]
    summary = [l for l in lines if l.get('summary')]
    ok(r.returncode == 0 and len(results) == n_windows,
       'live --sensor --playback %d: %d of %d windows (%s)' % (sample, len(results), n_windows, r.stderr.strip()[-200:]))
    ok([w['window'] for w in results] == list(range(n_windows)), 'the windows come in order, none missing')
    ok(same(results, sample), "every window position's scores equal Ember's int8 outputs bit for bit")
    ok(len(summary) == 1 and summary[0]['board_windows'] == n_windows and summary[0]['simulated'] is True
       and summary[0]['sensor'] == 'simulated', 'the summary: the board sent as many, the sensor is simulated')

    csv_dir = os.path.join(work, 'export')
    cli_ok('data', 'export', project, csv_dir, '--format', 'csv')
    csvs = [os.path.join(d, f) for d, _, fs in os.walk(csv_dir) for f in fs if f.endswith('.csv')]
    name = json.loads(cli_ok('data', 'show', project, sample, '--json').stdout)['name']
    mine = [c for c in csvs if os.path.basename(c).endswith('.' + name + '.csv') or
            os.path.basename(c) == name + '.csv']
    if ok(len(mine) == 1, 'the sample exported as CSV (%s)' % (mine[:1])):
        r = cli('live', project, '--board', 'cortex-m4-emulated', '--firmware', elf, '--sensor', '--playback',
                mine[0], '--playback-speed', '0', '--limit', 5)
        got = [l for l in r.stdout.splitlines() if l.startswith('window ')]
        ok(r.returncode == 0 and 'simulated sensor (played back from file %s' % mine[0] in r.stdout and len(got) == 5,
           'a CSV file plays back too, labelled as a simulated sensor (%s)' % r.stderr.strip()[-200:])
        r = cli('live', project, '--board', 'cortex-m4-emulated', '--firmware', elf, '--sensor', '--playback',
                mine[0], '--playback-speed', '0', '--limit', 5, '--json')
        res = [json.loads(l) for l in r.stdout.splitlines() if l.strip() and 'summary' not in l]
        ok(same(res, sample), 'and gives the same scores as the sample itself')

    t0 = time.time()
    r = cli('live', project, '--board', 'cortex-m4-emulated', '--firmware', elf, '--sensor', '--playback', sample,
            '--limit', 1, '--json')
    elapsed = time.time() - t0
    ok(r.returncode == 0 and elapsed >= 2.0, 'in real time the first window takes its 2 s of signal (%.1f s)' % elapsed)

    # 3. record the windows behind two results.
    # In real time, so the board is still sampling when the STOP comes.
    r = cli('live', project, '--board', 'cortex-m4-emulated', '--firmware', elf, '--sensor', '--playback', sample,
            '--limit', 2, '--record', 'recorded', '--json')
    lines = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
    results = [l for l in lines if not l.get('summary')]
    summary = [l for l in lines if l.get('summary')]
    ok(r.returncode == 0 and len(results) == 2 and all('recorded' in w for w in results),
       '--record --limit 2: two windows recorded (%s)' % r.stderr.strip()[-200:])
    # A third window may finish in the 0.2 s before the STOP arrives.
    ok(len(summary) == 1 and 2 <= summary[0]['board_windows'] <= 3 < n_windows,
       'stopped after 2: the board sent %s of %d' % (summary[0]['board_windows'] if summary else '?', n_windows))
    exact = True
    for w in results:
        d = json.loads(cli_ok('data', 'show', project, w['recorded'], '--values', '--json').stdout)
        flat = [f32(x) for row in d['values'] for x in row]
        exact = exact and d['label'] == 'recorded' and d['category'] == 'training' and \
            flat == [f32(x) for x in ember[(sample, w['window'])]['window_values']]
    ok(len(results) == 2 and exact, 'each recorded sample holds exactly the window behind its result')

    # 4. the protocol, spoken here.
    v0 = ember[(sample, 0)]
    window = struct.pack('<%df' % len(v0['window_values']), *v0['window_values'])
    d = json.loads(cli_ok('data', 'show', project, sample, '--values', '--json').stdout)
    names = [a['name'] for a in d['axes']]
    frames = [row for row in d['values']]
    board = Board(elf, work)
    try:
        r = board.request(frame(0x01, 5), 5)
        h = parse_hello(r[2]) if r is not None and r[0] == 0x81 else None
        ok(h is not None and h['version'] == 2 and h['sensors'] == [('simulated', 16)] and h['window_frames'] == 125
           and h['increase'] == 13 and h['axes'] == 3 and abs(h['rate'] - 62.5) < 1e-6,
           'the hello: protocol 2, the simulated sensor, 125-frame windows every 13 frames at 62.5 Hz (%s)' % h)
        r = board.request(frame(0x03, 6, bytes([7, 0])), 6)
        ok(r is not None and r[0] == 0xEE and r[2][0] == 3, 'an unknown sensor gets ERROR 3')
        r = board.request(frame(0x03, 7, bytes([0, 1])), 7)
        ok(r is not None and r[0] == 0x83 and struct.unpack('<BHfII', r[2][:15])[1:] == (3, 62.5, 125, 13),
           'START_SENSOR is answered with the geometry')
        board.sensor.sendall(b'noise\xa5\x00\xa5\x5a' + b'\x01' * 12 + b'\x00')   # garbage, then a bad sum
        board.send(b'garbage on the protocol line \xa5\x5a\x03')
        n = 125 + 2 * 13
        for row in frames[:n]:
            board.sensor.sendall(sensor_frame([row[names.index(a)] for a in names]))
        got = {}
        end = time.time() + 30
        while len(got) < 3 and time.time() < end:
            r = board.reply(1.0)
            if r is not None and r[0] == 0x86:
                w, status, scores, raw = parse_sensor_result(r[2])
                got[w] = (status, scores, raw)
        ok(sorted(got) == [0, 1, 2], 'three unprompted SENSOR_RESULTs for 125 + 2 × 13 frames (%s)' % sorted(got))
        ok(all(got[w][0] == 0 and got[w][1] == [f32(x) for x in ember[(sample, w)]['outputs']] for w in got),
           'after garbage and a bad frame on the sensor line, the scores are still exact')
        ok(all(got[w][2] == [f32(x) for x in ember[(sample, w)]['window_values']] for w in got),
           'each result carries its raw window')
        board.unprompted = []
        r = board.request(frame(0x02, 8, window), 8, tries=2, wait=3)
        ok(r is not None and r[0] == 0xEE and r[2][0] == 6, 'a host-fed WINDOW while sensing gets ERROR 6 (busy)')
        r = board.request(frame(0x04, 9), 9)
        ok(r is not None and r[0] == 0x84 and struct.unpack('<I', r[2][:4])[0] == 3, 'STOP answers: 3 windows sent')
        r = board.request(frame(0x02, 10, window), 10, tries=3, wait=5)
        ok(r is not None and r[0] == 0x82 and
           list(struct.unpack('<%df' % struct.unpack('<H', r[2][16:18])[0], r[2][18:])) ==
           [f32(x) for x in v0['outputs']], 'after STOP a host-fed window gets its scores again')
        board.sensor.sendall(sensor_frame(frames[0]) * 200)
        ok(board.reply(1.5) is None, 'stopped: frames on the sensor line give no result')
    finally:
        board.close()

    # 5. command-line errors.
    r = cli('live', project, '--board', 'cortex-m4-emulated', '--firmware', elf, '--sensor')
    err = r.stderr.strip()
    ok(r.returncode == 3 and 'has no real sensor: its simulated sensor needs a signal' in err and
       len(err.splitlines()) == 1, 'emulated board without --playback: one line (%s)' % err)
    r = cli('live', project, '--board', 'cortex-m4-emulated', '--firmware', elf, '--sensor=accelerometer',
            '--playback', sample)
    err = r.stderr.strip()
    ok(r.returncode == 5 and "has no sensor 'accelerometer' (it has: simulated)" in err and
       len(err.splitlines()) == 1, 'an unknown sensor name: one line (%s)' % err)
    r = cli('live', project, '--board', 'cortex-m4-emulated', '--playback', sample)
    ok(r.returncode == 2 and 'add --sensor' in r.stderr, '--playback without --sensor is a usage error')
    r = cli('live', project, '--board', 'cortex-m4-emulated', '--firmware', elf, '--sensor', '--playback',
            os.path.join(work, 'nothing.csv'))
    err = r.stderr.strip()
    ok(r.returncode == 5 and 'nothing.csv: no such sample id or file' in err, 'a missing playback file: one line')
    # 6. the real boards' ADC drivers: compile-tested only (no board here).
    out = os.path.join(work, 'nucleo')
    r = cli('deploy', project, '--board', 'nucleo-f446re', '-o', out)
    syms = subprocess.run(['arm-none-eabi-nm', os.path.join(out, 'firmware.elf')], stdout=subprocess.PIPE,
                          encoding='utf-8').stdout if r.returncode == 0 else ''
    ok(' em_fw_port_sensor_read' in syms and ' em_fw_port_sensor_start' in syms,
       'the NUCLEO-F446RE firmware links with its ADC sensor driver (compile-tested only)')
    if shutil.which('avr-gcc') and shutil.which('avr-nm'):
        out = os.path.join(work, 'mega')
        cli('deploy', project, '--board', 'arduino-mega2560', '-o', out)   # compiles, then may not fit
        obj = os.path.join(out, 'obj', 'port-avr.o')
        syms = subprocess.run(['avr-nm', obj], stdout=subprocess.PIPE, encoding='utf-8').stdout \
            if os.path.exists(obj) else ''
        ok(' em_fw_port_sensor_read' in syms, 'the AVR ADC sensor driver compiles for the ATmega2560 '
           '(compile-tested only)')
    print('1..%d' % n_test)
    if failures:
        print('# failed: %s' % '; '.join(failures))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
