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
     empty for scripts).
Exit 77 when the ARM toolchain or QEMU is missing.
Usage: test_measure.py --insncount PLUGIN [--keep DIR]
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--insncount', required=True, help='the built ember-insncount plugin')
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
