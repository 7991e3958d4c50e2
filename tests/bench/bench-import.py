#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Benchmark: ember-cli data import speed, and listing a 100k-sample project.

  1. writes 10,000 distinct one-second 16 kHz mono 16-bit WAV files,
  2. times `ember-cli data import` of them into a new project (files/s),
  3. grows the project to 100,000 rows (the same files again with
     --allow-duplicates, in one run),
  4. times `data list --limit 100 --offset 99900`, `data list --json` of all
     rows, `data list --search`, `data stats` and `project info`,
  5. runs tests/bench/bench-list-model N_ROWS (the core's paged list model
     over a project of its own) when that program was built, and prints its
     output.

--quick does the same with 1,000 files and a 10,000-row project. Run by
`meson test --benchmark` (benchmark 'import') or directly with
EMBER_CLI=build/src/cli/ember-cli /usr/bin/python3 tests/bench/bench-import.py.
Needs about 7 GB of free space in $TMPDIR for the full run."""

import argparse
import json
import os
import resource
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

try:
    import numpy
except ImportError:  # the array module is slower but enough
    numpy = None

RATE = 16000


def wav_header(n_frames):
    n_bytes = n_frames * 2
    return (b'RIFF' + struct.pack('<I', 36 + n_bytes) + b'WAVE' +
            b'fmt ' + struct.pack('<IHHIIHH', 16, 1, 1, RATE, RATE * 2, 2, 16) +
            b'data' + struct.pack('<I', n_bytes))


def generate(directory, n_files, seconds=1.0):
    """n_files distinct WAVs named LABEL.NNNNN.wav over 10 labels."""
    labels = ['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go']
    n_frames = int(RATE * seconds)
    header = wav_header(n_frames)
    os.makedirs(directory, exist_ok=True)
    chunk = 500
    for start in range(0, n_files, chunk):
        count = min(chunk, n_files - start)
        if numpy is not None:
            rng = numpy.random.default_rng(start)
            block = rng.integers(-8000, 8000, size=(count, n_frames), dtype=numpy.int16)
            block[:, 0] = numpy.arange(start, start + count) & 0x7fff  # distinct content
            block[:, 1] = numpy.arange(start, start + count) >> 15
            rows = [block[i].tobytes() for i in range(count)]
        else:
            import array
            import random
            rows = []
            for i in range(start, start + count):
                rng = random.Random(i)
                a = array.array('h', rng.randbytes(n_frames * 2))
                a[0], a[1] = i & 0x7fff, i >> 15
                rows.append(a.tobytes())
        for i, data in enumerate(rows):
            name = '%s.%05d.wav' % (labels[(start + i) % len(labels)], start + i)
            with open(os.path.join(directory, name), 'wb') as f:
                f.write(header + data)


TIME = '/usr/bin/time' if os.access('/usr/bin/time', os.X_OK) else None


def timed(args, out_path=os.devnull):
    """Run a command; returns (seconds, max RSS MiB or nan, exit code, stdout size).
    The peak RSS comes from GNU time: a child forked from this Python process
    would report Python's own pages as its peak."""
    rss_file = out_path + '.rss' if out_path != os.devnull else os.path.join(tempfile.gettempdir(), 'ember-bench.rss')
    prefix = [TIME, '-f', '%M', '-o', rss_file] if TIME else []
    with open(out_path, 'wb') as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        code = subprocess.call(prefix + args, stdout=out, stderr=err)
        elapsed = time.perf_counter() - start
        err.seek(0)
        stderr = err.read()
    rss = float('nan')
    if TIME:
        try:
            with open(rss_file) as f:
                rss = int(f.read().split()[-1]) / 1024.0
            os.unlink(rss_file)
        except (OSError, ValueError, IndexError):
            pass
    size = os.path.getsize(out_path) if out_path != os.devnull else 0
    if code not in (0, 6):
        sys.stderr.write(stderr.decode(errors='replace')[-2000:])
        raise SystemExit('%s: exit %d' % (' '.join(args[:3]), code))
    return elapsed, rss, code, size


def best_of(n, args, out_path=os.devnull):
    runs = [timed(args, out_path) for _ in range(n)]
    return min(runs, key=lambda r: r[0]) + (statistics.median(r[0] for r in runs),)


def find_list_model_bench(cli):
    candidates = [os.environ.get('EMBER_BENCH_LIST_MODEL', '')]
    if os.environ.get('G_TEST_BUILDDIR'):
        candidates.append(os.path.join(os.environ['G_TEST_BUILDDIR'], 'bench', 'bench-list-model'))
    build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(cli))))
    candidates.append(os.path.join(build, 'tests', 'bench', 'bench-list-model'))
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return c
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--quick', action='store_true', help='1,000 files, 10,000 rows')
    parser.add_argument('--files', type=int, help='number of WAV files (default 10,000)')
    parser.add_argument('--rows', type=int, help='rows of the listing project (default 10 x files)')
    parser.add_argument('--keep', metavar='DIR', help='work in DIR and keep it')
    opts = parser.parse_args()

    cli = os.environ.get('EMBER_CLI') or shutil.which('ember-cli')
    if not cli:
        raise SystemExit('set EMBER_CLI to the ember-cli binary')
    n_files = opts.files or (1000 if opts.quick else 10000)
    n_rows = opts.rows or 10 * n_files
    if n_rows % n_files:
        raise SystemExit('--rows must be a multiple of --files')

    if opts.keep:
        os.makedirs(opts.keep, exist_ok=True)
        work = opts.keep
        cleanup = None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix='ember-bench-')
        work = cleanup.name
    results = []

    def row(what, value, unit, note=''):
        results.append((what, value, unit, note))
        print('  %-46s %12s %-9s %s' % (what, value, unit, note), flush=True)

    try:
        clips = os.path.join(work, 'clips')
        print('ember-cli benchmark: %d files, %d rows, in %s (numpy: %s)'
              % (n_files, n_rows, work, 'yes' if numpy is not None else 'no'), flush=True)
        t = time.perf_counter()
        if not (os.path.isdir(clips) and len(os.listdir(clips)) == n_files):
            shutil.rmtree(clips, ignore_errors=True)
            generate(clips, n_files)
        mb = n_files * (44 + 2 * RATE) / 1e6
        row('generate %d one-second WAVs (%.0f MB)' % (n_files, mb), '%.1f' % (time.perf_counter() - t), 's')

        project = os.path.join(work, 'bench.ember')
        for suffix in ('', '-wal', '-shm'):
            if os.path.exists(project + suffix):
                os.unlink(project + suffix)
        subprocess.run([cli, 'project', 'create', project], check=True, stdout=subprocess.DEVNULL)
        summary = os.path.join(work, 'import.json')
        secs, rss, _, _ = timed([cli, 'data', 'import', project, clips, '--json'], summary)
        with open(summary) as f:
            imported = json.load(f)
        if imported['imported_files'] != n_files:
            raise SystemExit('imported %r' % imported)
        row('data import %d files' % n_files, '%.0f' % (n_files / secs), 'files/s',
            '%.1f s, %.1f MB/s of WAV, max RSS %.0f MiB' % (secs, mb / secs, rss))

        # Grow to n_rows: the same folder again, several times in one run.
        repeats = n_rows // n_files - 1
        if repeats > 0:
            secs, rss, _, _ = timed([cli, 'data', 'import', project] + [clips] * repeats +
                                    ['--allow-duplicates', '--json'], summary)
            row('data import %d more (--allow-duplicates)' % (repeats * n_files),
                '%.0f' % (repeats * n_files / secs), 'files/s', '%.1f s, max RSS %.0f MiB' % (secs, rss))
        size = sum(os.path.getsize(project + s) for s in ('', '-wal') if os.path.exists(project + s))
        info = json.loads(subprocess.run([cli, 'project', 'info', project, '--json'], check=True,
                                         stdout=subprocess.PIPE).stdout)
        if info['samples'] != n_rows:
            raise SystemExit('project has %d samples, expected %d' % (info['samples'], n_rows))
        row('project with %d samples' % n_rows, '%.2f' % (size / 1e9), 'GB', 'file size')

        out = os.path.join(work, 'out.txt')
        secs, rss, _, n = best_of(5, [cli, 'data', 'list', project, '--limit', '100',
                                      '--offset', str(n_rows - 100)], out)[:4]
        row('data list --limit 100 --offset %d' % (n_rows - 100), '%.3f' % secs, 's',
            'best of 5, max RSS %.0f MiB' % rss)
        secs, rss, _, n = best_of(5, [cli, 'data', 'list', project, '--limit', '100'], out)[:4]
        row('data list --limit 100 (first page)', '%.3f' % secs, 's', 'best of 5')
        secs, rss, _, n = best_of(3, [cli, 'data', 'list', project, '--json'], out)[:4]
        with open(out) as f:
            n_listed = len(json.load(f))
        if n_listed != n_rows:
            raise SystemExit('list --json gave %d rows' % n_listed)
        row('data list --json (all %d rows)' % n_rows, '%.2f' % secs, 's',
            'best of 3, %.0f MB of JSON, max RSS %.0f MiB' % (n / 1e6, rss))
        secs, rss, _, n = best_of(3, [cli, 'data', 'list', project], out)[:4]
        row('data list (text, all rows)', '%.2f' % secs, 's', 'best of 3, max RSS %.0f MiB' % rss)
        secs, rss, _, n = best_of(3, [cli, 'data', 'list', project, '--search', '.0424', '--json'], out)[:4]
        row('data list --search .0424', '%.3f' % secs, 's', 'best of 3')
        secs, rss, _, n = best_of(3, [cli, 'data', 'list', project, '--label', 'stop', '--limit', '100',
                                      '--offset', str(n_rows // 20)], out)[:4]
        row('data list --label stop --limit 100 --offset %d' % (n_rows // 20), '%.3f' % secs, 's', 'best of 3')
        secs, rss, _, n = best_of(5, [cli, 'data', 'stats', project], out)[:4]
        row('data stats', '%.3f' % secs, 's', 'best of 5')
        secs, rss, _, n = best_of(5, [cli, 'project', 'info', project], out)[:4]
        row('project info', '%.3f' % secs, 's', 'best of 5')

        bench = find_list_model_bench(cli)
        if bench is None:
            row('list model (bench-list-model)', '-', '', 'not built; skipped')
        else:
            secs, rss, _, n = timed([bench, str(n_rows)], out)
            row('bench-list-model', '%.2f' % secs, 's', 'max RSS %.0f MiB; its output:' % rss)
            with open(out) as f:
                for line in f:
                    print('    ' + line.rstrip())
    finally:
        if cleanup is not None:
            cleanup.cleanup()

    print('\n| what | value | unit | notes |\n|---|---:|---|---|')
    for what, value, unit, note in results:
        print('| %s | %s | %s | %s |' % (what, value, unit, note))
    return 0


if __name__ == '__main__':
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.exit(main())
