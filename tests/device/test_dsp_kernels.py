#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Ember's Cortex-M DSP-extension int8 kernels (nn/em-nn-kernels-s8-dsp.c)
against the portable ones, bit for bit, under QEMU.

1. Kernels: tests/device/dsp-kernels-main.c runs conv2d, depthwise conv2d
   and dense over random shapes and data (strides 1-3, VALID/SAME/lopsided
   padding, odd sizes, channel counts that are not multiples of 4, depth
   multipliers 1-8, per-channel multipliers with extreme shifts now and
   then, zero points, ReLU/ReLU6-like clamps, with and without bias) and
   over layers of TFLM's micro_speech and person_detect. It is built
     - natively with cc (portable kernels, ASan/UBSan),
     - for the Cortex-M4F (QEMU mps2-an386) with the DSP kernels,
     - for the same core with -DEM_NN_NO_DSP_EXT (portable kernels),
     - for the Cortex-M7 (mps2-an500) with the DSP kernels,
     - for the Cortex-M4F with -DEM_NN_DSP_IM2COL_BYTES=40, so that windows
       over 20 values take the DSP kernels' row-by-row path (the one for
       windows longer than the im2col buffer),
   and every build must print the same output hash for every case.
   Instruction counts per kernel call (insncount.c) must be lower with
   the DSP kernels on every model layer and in total.
2. Demo model (unless --no-demo): the keywords demo is trained, deployed as
   an int8 C library, and the same firmware (firmware/main.c, Ember's test
   windows) built with and without the DSP kernels must give the same
   outputs bit for bit, in fewer instructions; flash of the NN code is
   printed for both.

Exit 77 (skip) when gcc-arm-none-eabi, newlib or qemu-system-arm is missing.
Usage: test_dsp_kernels.py [--keep DIR] [--cases N] [--no-demo] [--size-report EXE]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
NN = os.path.join(ROOT, 'nn')
TARGET_CM = os.path.join(ROOT, 'codegen', 'targets', 'cortex-m')
DRIVER = os.path.join(HERE, 'dsp-kernels-main.c')
KERNEL_SOURCES = [os.path.join(NN, f) for f in ('em-nn-kernels-s8.c', 'em-nn-kernels-s8-dsp.c',
                                                 'em-nn-quant-math.c')]
M4 = ['-mcpu=cortex-m4', '-mthumb', '-mfpu=fpv4-sp-d16', '-mfloat-abi=hard']
M7 = ['-mcpu=cortex-m7', '-mthumb', '-mfpu=fpv5-d16', '-mfloat-abi=hard']
COMMON = ['-Os', '-ffunction-sections', '-fdata-sections', '-std=c99', '-g0', '-Wall', '-Wextra']
QEMU_TIMEOUT = 120

sys.path.insert(0, HERE)
import test_cortex_m as cm  # noqa: E402  (the demo part reuses its firmware plumbing)


class Failure(Exception):
    pass


def log(msg):
    print(msg, flush=True)


def run(cmd, timeout=300, **kw):
    r = subprocess.run([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       encoding='utf-8', errors='replace', timeout=timeout, **kw)
    if r.returncode != 0:
        raise Failure('%s exited %d\n%s%s' % (' '.join(map(str, cmd[:4])), r.returncode, r.stdout[-3000:],
                                             r.stderr[-3000:]))
    return r


def build_firmware(out, cpu_flags, defines):
    elf = out + '.elf'
    run(['arm-none-eabi-gcc'] + cpu_flags + COMMON + defines + ['-I', NN, '--specs=nano.specs', '--specs=rdimon.specs',
         '-T', os.path.join(TARGET_CM, 'mps2-an386.ld'), '-Wl,--gc-sections', '-o', elf, DRIVER] + KERNEL_SOURCES +
        [os.path.join(TARGET_CM, 'startup.c'), '-lm'])
    return elf


def run_firmware(elf, machine, plugin):
    begin, end = cm.symbol_address(elf, 'dev_mark_begin'), cm.symbol_address(elf, 'dev_mark_end')
    if begin is None or end is None:
        raise Failure('%s has no dev_mark_begin/dev_mark_end' % elf)
    cmd = ['qemu-system-arm', '-M', machine, '-nographic', '-monitor', 'none',
           '-semihosting-config', 'enable=on,target=native', '-kernel', elf,
           '-plugin', '%s,begin=0x%x,end=0x%x' % (plugin, begin, end)]
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding='utf-8',
                           errors='replace', timeout=QEMU_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Failure('QEMU did not finish within %d s: %s' % (QEMU_TIMEOUT, elf))
    if r.returncode != 0:
        raise Failure('%s exited %d under QEMU\n%s' % (elf, r.returncode, r.stderr[-3000:]))
    text = r.stdout + '\n' + r.stderr
    regions = [int(m.group(1)) for m in re.finditer(r'^insncount region \d+ (\d+)$', text, re.M)]
    return parse_cases(text, elf), regions


def parse_cases(text, what):
    """{label: line} in print order, and the kernel flavour the build reports."""
    cases, flavour, done = {}, None, False
    order = []
    for line in text.splitlines():
        if line.startswith('kernels '):
            flavour = line.split()[1]
        elif line == 'done':
            done = True
        elif re.match(r'[MR][\w-]* ', line) and not line.endswith(' skipped'):
            label = line.split()[0]
            cases[label] = line
            order.append(label)
    if not done:
        raise Failure('%s: output has no final "done" line:\n%s' % (what, text[-2000:]))
    return {'cases': cases, 'order': order, 'flavour': flavour}


def compare(name, got, ref, errors):
    if got['order'] != ref['order']:
        errors.append('%s ran cases %s..., the host %s...' % (name, got['order'][:5], ref['order'][:5]))
        return
    bad = [label for label in ref['order'] if got['cases'][label] != ref['cases'][label]]
    for label in bad[:10]:
        errors.append('%s differs from the portable host kernels:\n  %s\n  host: %s' % (
            name, got['cases'][label], ref['cases'][label]))
    if len(bad) > 10:
        errors.append('%s: %d more cases differ' % (name, len(bad) - 10))
    return len(ref['order']) - len(bad)


def kernel_part(args, work, plugin, errors):
    n = str(args.cases)
    host = os.path.join(work, 'host-kernels')
    run(['cc', '-O1', '-g', '-std=c99', '-Wall', '-Wextra', '-fsanitize=address,undefined',
         '-fno-sanitize-recover=all', '-I', NN, '-DDEV_N_RANDOM=' + n, '-o', host, DRIVER] + KERNEL_SOURCES + ['-lm'])
    ref = parse_cases(run([host], timeout=120).stdout, 'host')
    if ref['flavour'] != 'portable':
        errors.append('the host build says "kernels %s"' % ref['flavour'])
    n_model = sum(1 for label in ref['order'] if label.startswith('M'))
    if n_model < 10 or len(ref['order']) - n_model < args.cases * 0.9:
        errors.append('the host ran only %d model and %d random cases' % (n_model, len(ref['order']) - n_model))

    builds = [('m4-dsp', M4, 'mps2-an386', [], 'dsp'),
              ('m4-portable', M4, 'mps2-an386', ['-DEM_NN_NO_DSP_EXT'], 'portable'),
              ('m7-dsp', M7, 'mps2-an500', [], 'dsp'),
              ('m4-dsp-small-im2col', M4, 'mps2-an386', ['-DEM_NN_DSP_IM2COL_BYTES=40'], 'dsp')]
    counts = {}
    for name, cpu, machine, defines, flavour in builds:
        t0 = time.monotonic()
        elf = build_firmware(os.path.join(work, name), cpu, defines + ['-DDEV_N_RANDOM=' + n])
        res, regions = run_firmware(elf, machine, plugin)
        if res['flavour'] != flavour:
            errors.append('%s: the firmware says "kernels %s", expected %s' % (name, res['flavour'], flavour))
        same = compare(name, res, ref, errors)
        if len(regions) != len(res['order']):
            errors.append('%s: %d counted kernel calls for %d cases' % (name, len(regions), len(res['order'])))
        counts[name] = dict(zip(res['order'], regions))
        log('%-20s %-8s %4s of %d cases bit-identical to the host (%.1f s)' % (
            name, res['flavour'], same, len(ref['order']), time.monotonic() - t0))

    dsp, port = counts['m4-dsp'], counts['m4-portable']
    log('\n%-16s %-10s %9s %12s %12s %7s %9s' % ('layer', 'kernel', 'MACs', 'portable', 'DSP', 'ratio',
                                                 'DSP ins/MAC'))
    for label in ref['order']:
        if not label.startswith('M'):
            continue
        line = ref['cases'][label]
        macs = int(re.search(r'macs=(\d+)', line).group(1))
        a, b = port.get(label, 0), dsp.get(label, 0)
        log('%-16s %-10s %9d %12d %12d %6.2fx %9.2f' % (label[2:], line.split()[1], macs, a, b,
                                                       a / max(b, 1), b / max(macs, 1)))
        if not 0 < b < a:
            errors.append('%s: the DSP kernel took %d instructions, the portable one %d' % (label, b, a))
    rand_p = sum(v for k, v in port.items() if k.startswith('R'))
    rand_d = sum(v for k, v in dsp.items() if k.startswith('R'))
    log('%-27s %9s %12d %12d %6.2fx' % ('random cases (sum)', '', rand_p, rand_d, rand_p / max(rand_d, 1)))
    if not 0 < rand_d < rand_p:
        errors.append('random cases: DSP %d instructions, portable %d' % (rand_d, rand_p))
    m7 = sum(counts['m7-dsp'].values())
    log('Cortex-M7 DSP build, all cases: %d instructions' % m7)


# ---- the keywords demo through the generated library ----------------------------

def demo_part(args, work, plugin, errors):
    cli = os.environ.get('EMBER_CLI')
    if not cli:
        errors.append('EMBER_CLI is not set (run through meson test, or pass --no-demo)')
        return
    project = cm.make_project(work, 'keywords')
    libdir = os.path.join(work, 'keywords-lib')
    vectors = os.path.join(work, 'vectors.jsonl')
    cm.cli_ok('deploy', project, '--target', 'c-library', '-o', libdir, '--test-vectors', vectors)
    if not os.path.exists(os.path.join(libdir, 'nn', 'em-nn-kernels-s8-dsp.c')):
        errors.append('the generated library has no nn/em-nn-kernels-s8-dsp.c')
        return
    windows = cm.pick_windows(vectors, 3)
    d = cm.library_defines(libdir)
    wdir = os.path.join(work, 'windows')
    cm.write_windows(wdir, windows, d['EM_IMPULSE_INPUT_VALUES'], d['EM_IMPULSE_N_FEATURES'])
    results = {}
    base_flags = list(cm.ARM_CFLAGS)
    try:
        for variant, extra in (('dsp', []), ('portable', ['-DEM_NN_NO_DSP_EXT'])):
            cm.ARM_CFLAGS[:] = base_flags + extra
            out = os.path.join(work, 'keywords-' + variant)
            elf = cm.build_arm(libdir, wdir, out)
            text, counts, _ = cm.run_qemu(elf, plugin)
            res, stack = cm.parse_results(text, 'keywords ' + variant)
            n = len(windows)
            regions = counts['regions'] + [0] * (2 * n)
            nn_insns = sum(regions[n:2 * n]) / n
            nn_code = None
            if args.size_report:
                rep = cm.size_report(args.size_report, os.path.join(out, 'firmware.map'), stack, cm.arm_size(elf),
                                     errors, 'keywords ' + variant)[1]
                nn_code = rep['parts']['nn']['text']
            results[variant] = (res, nn_insns, stack, nn_code)
    finally:
        cm.ARM_CFLAGS[:] = base_flags
    (rd, nd, sd, cd), (rp, np_, sp, cp) = results['dsp'], results['portable']
    for key in sorted(rp):
        if key not in rd or rd[key]['bits'] != rp[key]['bits']:
            errors.append('keywords demo, window %s: DSP kernels %s, portable %s' % (
                key, rd.get(key, {}).get('bits'), rp[key]['bits']))
    # Ember's own outputs for its features: the DSP build must give them too.
    cm.compare_ember('keywords dsp', rd, windows, True, errors, 'F')
    log('\nkeywords demo (int8), model only, per inference: portable %d, DSP %d instructions (%.2fx); '
        'stack %s / %s B; NN code %s / %s B' % (np_, nd, np_ / max(nd, 1), sp, sd, cp, cd))
    if not nd < np_:
        errors.append('keywords demo: the DSP build took %d instructions per inference, portable %d' % (nd, np_))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--keep', help='work in this folder and keep it')
    ap.add_argument('--cases', type=int, default=300, help='random cases (default 300)')
    ap.add_argument('--no-demo', action='store_true', help='skip the keywords demo part (no ember-cli needed)')
    ap.add_argument('--size-report', help='device-size-report, for the NN code size of the demo builds')
    args = ap.parse_args()

    missing = cm.toolchain_missing()
    if missing:
        print('1..0 # SKIP Cortex-M toolchain missing: %s' % missing)
        return 77
    work = args.keep or tempfile.mkdtemp(prefix='ember-dsp-')
    os.makedirs(work, exist_ok=True)
    errors = []
    t0 = time.monotonic()
    try:
        # Built here, not by meson: a sanitizer build would instrument it,
        # and an ASan library cannot be loaded into QEMU.
        plugin = os.path.join(work, 'libinsncount.so')
        run(['cc', '-shared', '-fPIC', '-O2', '-Wall', '-o', plugin, os.path.join(HERE, 'insncount.c')])
        kernel_part(args, work, plugin, errors)
        if not args.no_demo:
            demo_part(args, work, plugin, errors)
    except (Failure, cm.Failure) as e:
        errors.append(str(e))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    log('(%.1f s)' % (time.monotonic() - t0))
    if errors:
        for e in errors:
            print('FAIL: ' + e, file=sys.stderr)
        return 1
    log('PASS')
    return 0


if __name__ == '__main__':
    sys.exit(main())
