# SPDX-License-Identifier: Apache-2.0
"""Size goals of generated code (issue 5): the keyword demo's int8 conv1d
model and its float build, deployed for a Cortex-M4F with
`ember-cli deploy --report --json` (arm-none-eabi-gcc -Os, linked with a
minimal firmware, sizes read from the linker map).

For each build it prints:
  - the activation arena codegen planned and the smallest arena any
    placement could have (the most bytes live at one op: the op's input,
    output and every other tensor still needed later; codegen computes it
    from the program's tensors and lifetimes), and their ratio — goal <= 1.1x;
  - the library's RAM (data + bss + arena; the DSP scratch and buffers are
    in it, the stack is not measured here);
  - code overhead = library flash - weights - DSP tables (DSP rodata) —
    goal <= 12 kB — and where the flash goes (DSP / NN / runtime code).

Not a timed test; run with `meson test --benchmark codegen-size`
(needs gcc-arm-none-eabi and libnewlib-arm-none-eabi). Options: --scale,
--epochs, --keep DIR."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

ARENA_GOAL = 1.1
OVERHEAD_GOAL = 12 * 1024


def cli(*args, timeout=900):
    path = os.environ.get('EMBER_CLI')
    if not path:
        sys.exit('EMBER_CLI is not set: run with meson test --benchmark codegen-size')
    r = subprocess.run([path] + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       encoding='utf-8', errors='replace', timeout=timeout, env=dict(os.environ, LC_ALL='C.UTF-8'))
    if r.returncode != 0:
        sys.exit('ember-cli %s exited %d: %s' % (' '.join(map(str, args[:3])), r.returncode, r.stderr.strip()))
    return r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--scale', default='0.2')
    ap.add_argument('--epochs', default='2')
    ap.add_argument('--keep')
    args = ap.parse_args()
    if shutil.which('arm-none-eabi-gcc') is None:
        print('1..0 # SKIP arm-none-eabi-gcc not found (Debian packages gcc-arm-none-eabi, libnewlib-arm-none-eabi)')
        return 77

    work = args.keep or tempfile.mkdtemp(prefix='ember-bench-size-')
    os.makedirs(work, exist_ok=True)
    rows = []
    try:
        project = os.path.join(work, 'keywords.ember')
        if not os.path.exists(project):
            cli('demo', 'create', project, '--kind', 'keywords', '--scale', args.scale)
            cli('impulse', 'create', project, '--block', 'mfcc')
            cli('impulse', 'add', project, 'classification', '--inputs', 'mfcc')
            cli('train', project, '--epochs', args.epochs)
        # The model must be the conv1d network the issue names.
        lib = os.path.join(work, 'lib')
        cli('deploy', project, '--target', 'c-library', '-o', lib, '--force')
        code = open(os.path.join(lib, 'ember_impulse.c')).read()
        if 'em_nn_conv' not in code:
            sys.exit('the keyword demo\'s model has no convolution: %s' % lib)
        for variant in ('int8', 'float'):
            rep = json.loads(cli(*(['deploy', project, '--report', '--json'] +
                                   (['--float'] if variant == 'float' else []))).strip().splitlines()[-1])
            rows.append((variant, rep))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print('Keyword demo (MFCC + conv1d), Cortex-M4F, arm-none-eabi-gcc -Os; bytes')
    print('%-6s %8s %9s %6s %8s | %8s %8s %8s %8s %8s %9s' % (
        'model', 'arena', 'arena min', 'ratio', 'lib RAM', 'flash', 'weights', 'DSP tbl', 'DSP code', 'NN code',
        'overhead'))
    ok = True
    for variant, r in rows:
        p = r['parts']
        ratio = r['arena_bytes'] / r['arena_min_bytes'] if r['arena_min_bytes'] else float('inf')
        print('%-6s %8d %9d %5.2fx %8d | %8d %8d %8d %8d %8d %9d' % (
            variant, r['arena_bytes'], r['arena_min_bytes'], ratio, r['ram'], r['flash'], p['weights']['flash'],
            p['dsp']['rodata'], p['dsp']['text'], p['nn']['text'], r['code_overhead']))
        print('       runtime (ember_impulse.c + the libc/libm/libgcc it pulls in): text %d, rodata %d, '
              'data %d, bss %d' % (p['runtime']['text'], p['runtime']['rodata'], p['runtime']['data'],
                                   p['runtime']['bss']))
        if variant == 'int8':
            ok_arena = ratio <= ARENA_GOAL
            ok_code = r['code_overhead'] <= OVERHEAD_GOAL
            print('       goals (int8): arena <= %.1fx the lower bound: %s; code overhead <= %d: %s' % (
                ARENA_GOAL, 'met' if ok_arena else 'NOT met', OVERHEAD_GOAL, 'met' if ok_code else 'NOT met'))
            ok = ok and ok_arena and ok_code
    # A benchmark reports; it fails only when it could not measure.
    print('goals %s' % ('met' if ok else 'not all met (see above)'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
