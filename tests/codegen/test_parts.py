#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""ember-cli deploy --part: the keyword demo (MFCC + conv1d, int8) checked
against real parts through the Cortex-M4F size report.

  - --list-parts prints the table;
  - --report --part STM32L432KC (64 kB RAM) fits: exit 0, the table and a
    "fits the STM32L432KC" line (the MFCC streams the 64 kB window, so the
    library needs about 14 kB);
  - --report --part ATmega2560 (8 kB RAM) is refused: exit 3, one stderr
    line naming the part, "RAM" and the overflow, which must equal RAM +
    2048 (stack reserve) - 8192 from the --json report; the same with
    -o DIR writes nothing;
  - an unknown part is a usage error (exit 2) naming it; --part without
    --report or -o is one as well;
  - the report says whether the raw window is buffered: not for the
    keyword demo (MFCC streams it), whole for the motion demo (spectral
    features over 3 axes), whose "window" bytes are then its 4-byte floats.

Skipped (exit 77) without gcc-arm-none-eabi / libnewlib-arm-none-eabi.
Prints TAP."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

CLI = os.environ.get('EMBER_CLI')
checks = []


def cli(*args, timeout=600):
    return subprocess.run([CLI] + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          encoding='utf-8', errors='replace', timeout=timeout,
                          env=dict(os.environ, LC_ALL='C.UTF-8'))


def check(name, ok, detail=''):
    checks.append((name, bool(ok), detail))


def main():
    if not CLI:
        print('1..0 # SKIP EMBER_CLI is not set')
        return 77
    if shutil.which('arm-none-eabi-gcc') is None:
        print('1..0 # SKIP arm-none-eabi-gcc not found (Debian packages gcc-arm-none-eabi, libnewlib-arm-none-eabi)')
        return 77
    work = tempfile.mkdtemp(prefix='ember-test-parts-')
    try:
        project = os.path.join(work, 'kw.ember')
        for args in (('demo', 'create', project, '--kind', 'keywords', '--scale', '0.1'),
                     ('impulse', 'create', project, '--block', 'mfcc'),
                     ('impulse', 'add', project, 'classification', '--inputs', 'mfcc'),
                     ('train', project, '--epochs', '1')):
            r = cli(*args)
            if r.returncode != 0:
                print('Bail out! ember-cli %s: %s' % (args[0], r.stderr.strip()))
                return 1

        r = cli('deploy', project, '--list-parts')
        names = [line.split()[0] for line in r.stdout.splitlines() if line.strip()]
        check('--list-parts lists the parts', r.returncode == 0 and
              {'STM32L432KC', 'nRF52840', 'STM32F746NG', 'ATmega2560', 'RP2040'} <= set(names), r.stdout)
        line = [l for l in r.stdout.splitlines() if l.startswith('STM32L432KC')]
        check('--list-parts gives core, flash and RAM', line and 'Cortex-M4F' in line[0] and '262144' in line[0]
              and '65536' in line[0], line)

        rep = cli('deploy', project, '--report', '--json')
        size = json.loads(rep.stdout.strip().splitlines()[-1]) if rep.returncode == 0 else None
        check('--report --json works', size is not None, rep.stderr)
        if size is None:
            return finish()

        check('keywords: the window is not in RAM', size.get('window') == 0, size)

        r = cli('deploy', project, '--report', '--part', 'stm32l432kc')
        check('a part that fits: exit 0', r.returncode == 0, r.stderr)
        check('keywords: the report says the window is streamed',
              'raw window: not in RAM (the DSP reads it through the signal callback)' in r.stdout, r.stdout)
        check('a part that fits: the table and a fits line', 'library total' in r.stdout and
              'fits the STM32L432KC (Cortex-M4F)' in r.stdout and
              'RAM %d of 65536' % (size['ram'] + 2048) in r.stdout, r.stdout)

        r = cli('deploy', project, '--report', '--part', 'ATmega2560')
        err = r.stderr.strip().splitlines()
        over = size['ram'] + 2048 - 8192
        check('a part too small: exit 3', r.returncode == 3, (r.returncode, r.stderr))
        check('a part too small: one line naming the part and RAM', len(err) == 1 and
              'does not fit the ATmega2560' in err[0] and 'RAM overflows by %d bytes' % over in err[0] and
              'flash' not in err[0], (over, r.stderr))
        check('a part too small: the table is still printed', 'library total' in r.stdout, r.stdout)

        r = cli('deploy', project, '--report', '--json', '--part', 'ATmega2560')
        check('--json --part too small: refused, JSON still printed', r.returncode == 3 and
              'does not fit the ATmega2560' in r.stderr and r.stdout.strip().startswith('{'), r.stderr)

        out = os.path.join(work, 'lib')
        r = cli('deploy', project, '--target', 'c-library', '-o', out, '--part', 'ATmega2560')
        check('-o DIR --part too small: refused, nothing written', r.returncode == 3 and not os.path.exists(out) and
              'does not fit the ATmega2560' in r.stderr, (r.returncode, r.stderr))
        r = cli('deploy', project, '--target', 'c-library', '-o', out, '--part', 'STM32F746NG')
        check('-o DIR --part that fits: written', r.returncode == 0 and
              os.path.exists(os.path.join(out, 'ember_impulse.c')) and 'fits the STM32F746NG' in r.stdout,
              (r.returncode, r.stderr))

        r = cli('deploy', project, '--report', '--part', 'Z80')
        check('unknown part: usage error naming it', r.returncode == 2 and "unknown part 'Z80'" in r.stderr and
              'STM32L432KC' in r.stderr, (r.returncode, r.stderr))
        r = cli('deploy', project, '--part', 'nRF52840', '--test-vectors', os.path.join(work, 'v.jsonl'))
        check('--part without --report or -o: usage error', r.returncode == 2 and '--part goes with' in r.stderr,
              (r.returncode, r.stderr))

        motion = os.path.join(work, 'motion.ember')
        for args in (('demo', 'create', motion, '--kind', 'motion', '--scale', '0.1'),
                     ('impulse', 'create', motion, '--block', 'spectral'),
                     ('impulse', 'add', motion, 'classification', '--inputs', 'spectral'),
                     ('train', motion, '--epochs', '1')):
            r = cli(*args)
            if r.returncode != 0:
                print('Bail out! ember-cli %s (motion): %s' % (args[0], r.stderr.strip()))
                return 1
        r = cli('deploy', motion, '--report')
        rj = cli('deploy', motion, '--report', '--json')
        m = json.loads(rj.stdout.strip().splitlines()[-1]) if rj.returncode == 0 else {}
        check('motion: the window is buffered whole', r.returncode == 0 and m.get('window', 0) > 0 and
              m['window'] % 12 == 0 and 'raw window: buffered whole, %d bytes' % m['window'] in r.stdout,
              (r.stdout, rj.stdout, rj.stderr))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return finish()


def finish():
    print('1..%d' % len(checks))
    failed = 0
    for i, (name, ok, detail) in enumerate(checks, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
        if not ok:
            failed += 1
            print('# %s' % str(detail)[:2000].replace('\n', '\n# '))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
