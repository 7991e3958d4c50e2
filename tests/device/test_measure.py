#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Ember's instruction measurement (issues 9 and 10): `ember-cli deploy
--report` counts the instructions one window takes on an emulated
Cortex-M4F with the installed QEMU plugin (codegen/measure); this checks it
against the device test's own way of counting (firmware/main.c, bracketing
em_run_impulse and em_run_features, test_cortex_m.py) on the same window.

On a small motion demo (spectral + dense, int8):
  1. deploy --report --json: instructions {dsp, nn, total} are plausible
     (each part non-zero, total >= dsp + nn, the rest small) and measured on
     window 0 of the first testing sample;
  2. the device test's firmware on that very window (Ember's raw values from
     --test-vectors) counts em_run_impulse within 100 instructions of
     `total` (the harnesses differ only in how the window callback finds its
     data: 2 apart when this was written) and
     em_run_features at most 300 above `nn` (its checks, the argmax and the
     timing calls, outside the measured model);
  3. deploy --board cortex-m4-emulated prints a latency line that is
     total x the board's cycles per instruction / its clock;
  4. without qemu-system-arm on PATH, --report still prints the sizes and
     says why the instructions were not measured (in the JSON; stderr stays
     empty for scripts);
  5. AVR (when avr-gcc is installed and Ember has its simavr cycle counter):
     deploy --board arduino-mega2560 on flash-live-avr's impulse (flatten,
     1 s windows: what fits the Mega's 8 KB) prints "latency: X ms ... N
     cycles measured in simavr at 16 MHz" with X = N / 16 MHz and DSP and NN
     in a plausible range (the demo was measured at DSP 23.1, NN 10.0 ms on
     the firmware); with --avr-sim, the firmware itself run in simavr on the
     same window (test_live_avr.py's harness) times its DSP and NN with
     Timer1 within 5 % + 0.1 ms of the counted cycles: both bracket the same
     em_port_time_us() calls; they differ by Timer1's 4 us steps, the window
     callback (flash here, RAM there) and the firmware's interrupts. The Uno
     (2 KB RAM) says "latency: not estimated (does not fit)".
Exit 77 when the ARM toolchain or QEMU is missing.
Usage: test_measure.py --insncount PLUGIN [--avr-sim AVR-FIRMWARE-SIM] [--keep DIR]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_cortex_m as cm  # noqa: E402  (build and QEMU helpers of the device test)

HERE = os.path.dirname(os.path.abspath(__file__))
BOARD = os.path.join(HERE, '..', '..', 'codegen', 'boards', 'cortex-m4-emulated.json')


def report(project, env=None):
    r = subprocess.run([os.environ['EMBER_CLI'], 'deploy', project, '--report', '--json'], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, encoding='utf-8', env=env, timeout=300)
    if r.returncode != 0:
        raise cm.Failure('deploy --report exited %d: %s' % (r.returncode, r.stderr[-2000:]))
    return json.loads(r.stdout.strip().splitlines()[-1]), r.stderr


MEGA_LINE = re.compile(r'latency: ([0-9.]+) ms per window on Arduino Mega 2560 \(DSP ([0-9.]+) ms, NN ([0-9.]+) '
                       r'ms\): (\d+) cycles measured in simavr at 16 MHz$')


def firmware_timings(sim, elf, window):
    """The Mega firmware's own DSP and NN microseconds (Timer1) on @window,
    in avr-firmware-sim, as test_live_avr.py runs it."""
    sys.path.insert(0, os.path.join(HERE, '..', 'flash'))
    import struct
    from test_live_avr import AvrBoard, frame  # noqa: E402
    board = AvrBoard(sim, elf)
    try:
        h = board.request(frame(0x01, 1), 1, tries=5, wait=2)
        if h is None or h[0] != 0x81:
            raise cm.Failure('the Mega firmware in simavr does not answer the hello')
        payload = struct.pack('<%df' % len(window), *window)
        r = board.request(frame(0x02, 10, payload), 10, tries=2, wait=10)
        if r is None or r[0] != 0x82:
            raise cm.Failure('the Mega firmware in simavr does not answer a window')
        return struct.unpack('<II', r[2][4:12])
    finally:
        board.close()


def avr_latency(work, sim, errors):
    if shutil.which('avr-gcc') is None:
        cm.log('AVR: skipped, avr-gcc is not installed')
        return
    project = os.path.join(work, 'flatten.ember')
    cm.cli_ok('demo', 'create', project, '--kind', 'motion', '--scale', '0.2')
    cm.cli_ok('impulse', 'create', project, '--block', 'flatten')
    cm.cli_ok('impulse', 'input', project, '--window-size', '1000', '--window-increase', '500')
    cm.cli_ok('impulse', 'add', project, 'classification', '--inputs', 'flatten')
    cm.cli_ok('train', project, '--epochs', '5')
    out = os.path.join(work, 'mega')
    r = cm.cli_ok('deploy', project, '--board', 'arduino-mega2560', '-o', out)
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith('latency:')), '')
    cm.log('Mega: ' + line)
    if 'without libsimavr' in line:
        cm.log('AVR: skipped, Ember was built without libsimavr')
        return
    m = MEGA_LINE.match(line)
    if m is None:
        errors.append('deploy --board arduino-mega2560: %r' % line)
        return
    ms, dsp, nn, cycles = float(m.group(1)), float(m.group(2)), float(m.group(3)), int(m.group(4))
    if abs(ms - cycles / 16e6 * 1e3) > 0.006:
        errors.append('Mega: %.2f ms is not %d cycles at 16 MHz' % (ms, cycles))
    if not (5 <= dsp <= 100 and 2 <= nn <= 50 and dsp + nn <= ms <= (dsp + nn) * 1.05 + 1):
        errors.append('Mega: implausible DSP %.2f / NN %.2f / total %.2f ms' % (dsp, nn, ms))
    if sim and os.path.exists(sim):
        vectors = os.path.join(work, 'flatten-vectors.jsonl')
        cm.cli_ok('deploy', project, '--target', 'c-library', '-o', os.path.join(work, 'flatten-lib'),
                  '--test-vectors', vectors)
        with open(vectors) as f:
            first = min((json.loads(ln) for ln in f), key=lambda v: (v['sample'], v['window']))
        dsp_us, nn_us = firmware_timings(sim, os.path.join(out, 'firmware.elf'), first['window_values'])
        cm.log('Mega firmware (Timer1) on the same window: DSP %.2f ms, NN %.2f ms' % (dsp_us / 1e3, nn_us / 1e3))
        for what, counted, timed in (('DSP', dsp, dsp_us / 1e3), ('NN', nn, nn_us / 1e3)):
            if abs(counted - timed) > 0.05 * timed + 0.1:
                errors.append('Mega %s: %.2f ms counted in simavr, %.2f ms timed by the firmware' % (
                    what, counted, timed))
    else:
        cm.log('AVR: no avr-firmware-sim, the firmware\'s own timings not compared')
    r = cm.cli('deploy', project, '--board', 'arduino-uno', '-o', os.path.join(work, 'uno'))
    if 'latency: not estimated (does not fit)' not in r.stdout.splitlines() or r.returncode != 3:
        errors.append('Uno: exit %d, %r' % (r.returncode, r.stdout[-300:]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--insncount', required=True, help='the built ember-insncount plugin')
    ap.add_argument('--avr-sim', help='tests/flash/avr-firmware-sim, for the firmware\'s own timings')
    ap.add_argument('--keep', help='work in DIR and keep it')
    args = ap.parse_args()
    missing = cm.toolchain_missing()
    if missing:
        print('SKIP: ' + missing)
        return 77
    work = args.keep or tempfile.mkdtemp(prefix='ember-measure-test-')
    os.makedirs(work, exist_ok=True)
    errors = []
    try:
        project = os.path.join(work, 'motion.ember')
        cm.cli_ok('demo', 'create', project, '--kind', 'motion', '--scale', '0.2')
        cm.cli_ok('impulse', 'create', project, '--block', 'spectral')
        cm.cli_ok('impulse', 'add', project, 'classification', '--inputs', 'spectral')
        cm.cli_ok('train', project, '--epochs', '2')

        # 1. the product's measurement
        rep, _ = report(project)
        m = rep.get('instructions')
        if not m:
            raise cm.Failure('deploy --report --json has no instructions: %s' % rep.get('instructions_error'))
        cm.log('deploy --report: DSP %d, NN %d, total %d (testing sample %d)' % (
            m['dsp'], m['nn'], m['total'], m['testing_sample']))
        if not (m['dsp'] > 1000 and m['nn'] > 100 and m['dsp'] + m['nn'] <= m['total'] <= 1.05 * (m['dsp'] + m['nn'])
                + 5000 and m['testing_sample'] > 0):
            errors.append('implausible counts: %s' % m)

        # 2. the device test's way, on the same window
        libdir = os.path.join(work, 'lib')
        vectors = os.path.join(work, 'vectors.jsonl')
        cm.cli_ok('deploy', project, '--target', 'c-library', '-o', libdir, '--test-vectors', vectors)
        with open(vectors) as f:
            vs = [json.loads(line) for line in f]
        first = min(vs, key=lambda v: (v['sample'], v['window']))
        if (first['sample'], first['window']) != (m['testing_sample'], 0):
            errors.append('measured sample %d, the first test vector is sample %d window %d' % (
                m['testing_sample'], first['sample'], first['window']))
        d = cm.library_defines(libdir)
        wdir = os.path.join(work, 'windows')
        cm.write_windows(wdir, [{'raw': first['window_values'], 'features': first['features']}],
                         d['EM_IMPULSE_INPUT_VALUES'], d['EM_IMPULSE_N_FEATURES'])
        elf = cm.build_arm(libdir, wdir, os.path.join(work, 'arm'))
        _, counts, _ = cm.run_qemu(elf, args.insncount)
        impulse, features = counts['regions'][:2]
        cm.log('device test firmware: em_run_impulse %d, em_run_features %d' % (impulse, features))
        if abs(impulse - m['total']) > 100:
            errors.append('em_run_impulse: device test %d, deploy --report %d' % (impulse, m['total']))
        if not 0 <= features - m['nn'] <= 300:
            errors.append('em_run_features: device test %d, deploy --report NN %d' % (features, m['nn']))

        # 3. the fit check's latency
        board = json.load(open(BOARD))
        r = cm.cli_ok('deploy', project, '--board', 'cortex-m4-emulated', '-o', os.path.join(work, 'fw'))
        line = next((ln for ln in r.stdout.splitlines() if ln.startswith('latency:')), None)
        cm.log(line or 'no latency line: ' + r.stdout)
        want = m['total'] * board['cycles_per_instruction'] / board['clock_hz'] * 1e3
        got = re.search(r'about ([0-9.]+) ms', line or '')
        if got is None or abs(float(got.group(1)) - want) > 0.01 + 0.001 * want:
            errors.append('deploy --board: %r, expected about %.2f ms' % (line, want))

        # 4. no QEMU: the sizes, and why there is no count
        bindir = os.path.join(work, 'bin-without-qemu')
        os.makedirs(bindir, exist_ok=True)
        for tool in os.listdir(os.path.dirname(shutil.which('arm-none-eabi-gcc'))):
            if tool.startswith('arm-none-eabi-'):
                dst = os.path.join(bindir, tool)
                if not os.path.exists(dst):
                    os.symlink(os.path.join(os.path.dirname(shutil.which('arm-none-eabi-gcc')), tool), dst)
        rep, err = report(project, dict(os.environ, PATH=bindir))
        cm.log('without QEMU: %s' % rep.get('instructions_error'))
        if rep.get('instructions') is not None or 'qemu-system-arm not found' not in rep.get('instructions_error', '') \
                or rep.get('flash', 0) <= 0 or err.strip():
            errors.append('without QEMU: %s / %s' % (json.dumps(rep)[:300], err[-300:]))

        # 5. AVR: cycles in simavr
        avr_latency(work, args.avr_sim, errors)
    except cm.Failure as e:
        errors.append(str(e))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    for e in errors:
        print('FAIL: ' + e)
    print('%d passed, %d failed' % (0 if errors else 1, 1 if errors else 0))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
