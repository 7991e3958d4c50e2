#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Crash safety: SIGKILL 'ember-cli data import' at random moments, 20 times,
into the same project, and check after each kill that the project is sound
and holds exactly the files reported committed (plus, all or nothing, the
batch announced pending when the kill came).

A re-run resumes: files already present are refused as duplicates, so
later runs exit 6 or 3, which is expected. Even runs import the folder (in
sorted order, so they first skip what is there); odd runs pass the same
files as a seeded shuffled list, so their kills land among new files too."""

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emcli  # noqa: E402
from emcli import (EXIT_OK, EXIT_BAD_INPUT, EXIT_PARTIAL, parse_report,  # noqa: E402
                   pcm16_noise, stem, write_wav)

N_FILES = 5000
N_KILLS = 20
SEED = int(os.environ.get('EMBER_KILL_SEED', '20240611'))
# Clip length. 0.05 s clips import at ~7000 files/s here, so the first run
# finished all 5000 before its kill and later kills only met duplicate
# checks. One-second clips (~1000 files/s) spread the import over the first
# several kills, so those land while batches are being written.
CLIP_FRAMES = int(float(os.environ.get('EMBER_KILL_CLIP_S', '1.0')) * 16000)


class TestKillImport(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix='ember-kill-')
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def test_kill_import(self):
        rng = random.Random(SEED)
        data_dir = os.path.join(self.tmp, 'clips')
        os.makedirs(data_dir)
        t0 = time.monotonic()
        for i in range(N_FILES):
            # Distinct content: the index is in the first frames.
            write_wav(os.path.join(data_dir, '%s.%05d.wav' % (('yes', 'no', 'up', 'down')[i % 4], i)),
                      pcm16_noise(CLIP_FRAMES, seed=i))
        all_files = sorted(os.path.join(data_dir, f) for f in os.listdir(data_dir))
        all_names = {'%s.%05d' % (('yes', 'no', 'up', 'down')[i % 4], i) for i in range(N_FILES)}
        print('generated %d files in %.1f s' % (N_FILES, time.monotonic() - t0), flush=True)

        project = os.path.join(self.tmp, 'kill.ember')
        r = emcli.run('project', 'create', project)
        self.assertEqual(r.returncode, 0, r.stderr)

        present = set()     # names known to be in the project
        mid_import = 0      # kills after the first file was reported, before the end
        mid_writing = 0     # ... of those, once the run had reached new files
        early_kills = 0     # kills before any file was reported (start-up, opening)
        finished_runs = 0   # runs that ended before their kill was due
        uncertain_seen = 0  # kills that left a batch pending: its fate decided by the kill
        uncertain_landed = 0
        for run_no in range(N_KILLS):
            delay = rng.uniform(0.05, 1.5)
            # Output to files, not pipes: a full pipe would stall the import.
            out_path = os.path.join(self.tmp, 'run%02d.out' % run_no)
            err_path = os.path.join(self.tmp, 'run%02d.err' % run_no)
            if run_no % 2 == 0:
                inputs = [data_dir]
            else:
                inputs = list(all_files)
                rng.shuffle(inputs)
            with open(out_path, 'wb') as out_f, open(err_path, 'wb') as err_f:
                proc = subprocess.Popen([emcli.cli_path(), 'data', 'import', project] + inputs +
                                        ['--report', '--batch', '50'],
                                        stdout=out_f, stderr=err_f, env=emcli.base_env())
                time.sleep(delay)
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                proc.wait(120)
                # It may have ended between the poll and the kill.
                finished = proc.returncode != -signal.SIGKILL
            out = emcli.file_bytes(out_path).decode(errors='replace')
            err = emcli.file_bytes(err_path).decode(errors='replace')
            if finished:
                self.assertIn(proc.returncode, (EXIT_OK, EXIT_PARTIAL, EXIT_BAD_INPUT), err)

            report = parse_report(out)
            committed, refused, pending = set(), set(), []
            for tag, path in report:
                name = stem(path)
                if tag == 'pending':
                    pending.append(name)
                elif tag == 'committed':
                    committed.add(name)
                else:
                    refused.add(name)
            # The last batch: pending lines not followed by their commit lines.
            last_batch = [n for n in pending if n not in committed]
            n_looked_at = len(committed) + len(refused) + len(last_batch)
            if finished:
                finished_runs += 1
            elif n_looked_at == 0:
                early_kills += 1
            else:
                mid_import += 1
                # Past the files already there: the run was adding new ones.
                if committed or last_batch or n_looked_at > len(present):
                    mid_writing += 1

            # The CLI itself must open the project as the kill left it.
            info = emcli.run('project', 'info', project, '--json')
            self.assertEqual(info.returncode, 0, 'run %d: project info after the kill: %s' % (run_no, info.stderr))

            self.assertEqual(emcli.db_integrity(project), 'ok', 'run %d' % run_no)
            self.assertEqual(emcli.db_query(project, 'PRAGMA foreign_key_check'), [])
            names = emcli.db_names(project)
            self.assertEqual(len(names), len(set(names)), 'run %d: a file stored twice' % run_no)
            in_db = set(names)
            n_data = emcli.db_query(project, 'SELECT count(*) FROM sample_data')[0][0]
            self.assertEqual(n_data, len(names), 'run %d: samples without data or data without samples' % run_no)

            # Refused files were refused as already present: they must be in the project.
            self.assertEqual(refused - in_db, set(), 'run %d: refused but not in the project' % run_no)
            present |= committed
            self.assertEqual(present - in_db, set(), 'run %d: reported committed but missing' % run_no)
            extra = in_db - present
            if last_batch:
                uncertain_seen += 1
                batch = set(last_batch)
                # A partly reported commit means the commit happened: all of the batch is in.
                if batch & committed:
                    self.assertEqual(batch - in_db, set(), 'run %d: half a batch' % run_no)
                landed = batch & in_db
                self.assertIn(landed, (set(), batch), 'run %d: the pending batch is only partly there '
                              '(%d of %d)' % (run_no, len(landed), len(batch)))
                if landed:
                    uncertain_landed += 1
                    present |= batch
                extra -= batch
            self.assertEqual(extra, set(), 'run %d: %d samples never reported (e.g. %s)'
                             % (run_no, len(extra), sorted(extra)[:3]))
            self.assertEqual(in_db, present)
            print('run %2d (%s): kill at %.2f s%s: %4d committed, %4d refused, last batch %2d%s; %4d in the project'
                  % (run_no, 'folder' if run_no % 2 == 0 else 'shuffled', delay, ' (had finished)' if finished else '', len(committed), len(refused),
                     len(last_batch), ' (landed)' if last_batch and set(last_batch) <= in_db else '',
                     len(in_db)), flush=True)

        # Finally, an import left alone completes the set.
        r = emcli.run('data', 'import', project, data_dir, '--json', timeout=600)
        self.assertIn(r.returncode, (EXIT_OK, EXIT_PARTIAL, EXIT_BAD_INPUT), r.stderr)
        self.assertEqual(set(emcli.db_names(project)), all_names)
        self.assertEqual(emcli.db_integrity(project), 'ok')
        print('summary: %d runs: %d killed mid-import (%d while adding new files, the others '
              'while skipping files already imported), '
              '%d killed before the first file, %d finished first; %d kills left a batch pending '
              '(%d of those had committed); total %.1f s'
              % (N_KILLS, mid_import, mid_writing, early_kills, finished_runs, uncertain_seen,
                 uncertain_landed, time.monotonic() - t0), flush=True)


if __name__ == '__main__':
    emcli.main()
