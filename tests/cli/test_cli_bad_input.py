#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""ember-cli data import of bad input: each refused with one clear line
naming the file and the reason, exit 3, nothing imported. Also a full disk
(EMBER_TEST_MAX_PAGE_COUNT) and Ctrl-C in the middle of a big import."""

import json
import os
import random
import signal
import struct
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emcli  # noqa: E402
from emcli import (EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_FAILURE, EXIT_PARTIAL,  # noqa: E402
                   ei_document, parse_report, pcm16_noise, png_bytes, write_bytes,
                   write_noise_wav, write_wav)


def wav_header(n_data_bytes, fmt_tag=1, channels=1, rate=16000, bits=16):
    block = channels * bits // 8
    fmt = struct.pack('<HHIIHH', fmt_tag, channels, rate, rate * block, block, bits)
    return (b'RIFF' + struct.pack('<I', 4 + 8 + len(fmt) + 8 + n_data_bytes) + b'WAVE' +
            b'fmt ' + struct.pack('<I', len(fmt)) + fmt + b'data' + struct.pack('<I', n_data_bytes))


def png_chunk(kind, body):
    import zlib
    return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff)


# name -> (file name, bytes, a pattern the reason must match (lower case), extra import args)
def bad_inputs():
    rng = random.Random(1234)
    good_wav = wav_header(3200) + pcm16_noise(1600, seed=77)
    good_png = png_bytes(16, 16, seed=78)
    iend = good_png.rfind(b'IEND') - 4
    bad_crc_png = bytearray(good_png)
    bad_crc_png[29] ^= 0xff  # the IHDR CRC
    signed = ei_document([[1, 2], [3, 4]], [('a', ''), ('b', '')], key='right')
    return {
        'truncated wav': ('yes.trunc.wav', good_wav[:len(good_wav) // 2], r'truncat|short|incomplete|expected|end'),
        'wav header only': ('yes.hdr.wav', good_wav[:30], r'truncat|short|incomplete|header|expected|end'),
        'wav no frames': ('yes.noframes.wav', wav_header(0), r'no (audio|samples|frames|data)|empty|0 frames|holds 0'),
        'wav adpcm': ('yes.adpcm.wav', wav_header(400, fmt_tag=2, bits=4) + bytes(400), r'unsupported|not supported|format'),
        'wav zero channels': ('yes.zch.wav', wav_header(400, channels=0) + bytes(400), r'channel|invalid|format'),
        'wav not riff': ('yes.notriff.wav', b'RIFX' + good_wav[4:], r'riff|not a wav|wave'),
        'empty wav': ('yes.empty.wav', b'', r'empty'),
        'empty csv': ('wave.empty.csv', b'', r'empty'),
        'empty json': ('wave.empty.json', b'', r'empty'),
        'empty png': ('cat.empty.png', b'', r'empty'),
        'garbage wav': ('yes.garbage.wav', rng.randbytes(4096), r'riff|not a wav|wave|invalid'),
        'garbage png': ('cat.garbage.png', rng.randbytes(4096), r'png|image|invalid|signature'),
        'garbage json': ('wave.garbage.json', rng.randbytes(4096), r'json|utf-8|invalid|parse'),
        'garbage cbor': ('wave.garbage.cbor', rng.randbytes(4096), r'cbor|invalid|parse|decode'),
        'garbage csv': ('wave.garbage.csv', rng.randbytes(4096), r'utf-8|text|invalid|csv|number|header'),
        'csv nan': ('wave.nan.csv', b'timestamp,x,y\n0,1,2\n10,nan,3\n20,4,5\n', r'nan|not a (finite )?number|finite'),
        'csv inf': ('wave.inf.csv', b'timestamp,x\n0,1\n10,inf\n20,2\n', r'inf|not a (finite )?number|finite'),
        'csv ragged': ('wave.ragged.csv', b'timestamp,x,y\n0,1,2\n10,3\n20,4,5\n', r'column|field|row|ragged|value'),
        'csv too many cells': ('wave.wide.csv', b'timestamp,x\n0,1\n10,3,4\n', r'column|field|row|ragged|value'),
        'csv text cell': ('wave.text.csv', b'timestamp,x\n0,1\n10,abc\n', r'number|numeric|abc'),
        'csv empty cell': ('wave.hole.csv', b'timestamp,x,y\n0,1,2\n10,,3\n', r'empty|missing|number'),
        'csv header only': ('wave.head.csv', b'timestamp,x,y\n', r'no (data|rows|values)|empty|header'),
        'csv irregular': ('wave.irr.csv', b'timestamp,x\n0,1\n10,2\n35,3\n40,4\n', r'interval|regular|timestamp'),
        'ei bad hmac': ('wave.badsig.json', signed, r'signature', ['--hmac-key', 'wrong']),
        'ei tampered': ('wave.tamper.json', signed.replace(b'[3,4]', b'[3,5]'), r'signature', ['--hmac-key', 'right']),
        'ei no payload': ('wave.nopayload.json', b'{"protected":{"ver":"v1","alg":"none"},"signature":"' + b'0' * 64 + b'"}',
                          r'payload|missing'),
        'ei ragged': ('wave.eiragged.json', ei_document([[1, 2], [3]], [('a', ''), ('b', '')]),
                      r'row|sensor|value|column|length'),
        'ei no sensors': ('wave.nosensors.json', ei_document([[1], [2]], []), r'sensor|value|axis'),
        'png truncated': ('cat.trunc.png', good_png[:iend - 10], r'truncat|corrupt|damaged|png|end'),
        'png bad crc': ('cat.crc.png', bytes(bad_crc_png), r'crc|corrupt|damaged|png'),
        'png signature only': ('cat.sig.png', good_png[:8], r'truncat|corrupt|png|end'),
        'png no idat': ('cat.noidat.png', good_png[:33] + png_chunk(b'IEND', b''), r'idat|corrupt|png|image|data'),
    }


class TestBadInput(emcli.CliTestCase):
    def setUp(self):
        super().setUp()
        self.project = self.new_project()
        # One good sample already there: "nothing imported" must not disturb it.
        self.cli('data', 'import', self.project, write_noise_wav(self.path('ok', 'ok.1.wav'), seed=1))

    def test_each_bad_file(self):
        for case, spec in bad_inputs().items():
            name, data, pattern = spec[:3]
            extra = spec[3] if len(spec) > 3 else []
            with self.subTest(case=case):
                path = write_bytes(self.path('bad', name), data)
                before = self.count(self.project)
                r = self.cli('data', 'import', self.project, path, '--report', *extra, expect=EXIT_BAD_INPUT)
                self.assertEqual(parse_report(r.stdout), [('refused', path)])
                self.assertOneErrorLine(r.stderr, path, pattern)
                self.assertNotIn('(null)', r.stderr)
                self.assertEqual(self.count(self.project), before)
                # --json too: the summary says it.
                r = self.cli('data', 'import', self.project, path, '--json', *extra, expect=EXIT_BAD_INPUT)
                self.assertEqual(json.loads(r.stdout), {'files': 1, 'imported_files': 0, 'samples': 0, 'refused': 1})
                self.assertEqual(self.count(self.project), before)
        self.assertEqual(emcli.db_integrity(self.project), 'ok')

    def test_folder_of_bad_and_good(self):
        cases = bad_inputs()
        d = self.mkdir('mixed')
        for spec in cases.values():
            if len(spec) == 3:
                write_bytes(os.path.join(d, spec[0]), spec[1])
        good = [write_noise_wav(os.path.join(d, 'yes.g%d.wav' % i), seed=500 + i) for i in range(3)]
        n_bad = sum(len(s) == 3 for s in cases.values())
        r = self.cli('data', 'import', self.project, d, '--json', expect=EXIT_PARTIAL)
        self.assertEqual(json.loads(r.stdout), {'files': n_bad + 3, 'imported_files': 3, 'samples': 3,
                                                'refused': n_bad})
        self.assertEqual(len(emcli.error_lines(r.stderr)), n_bad, r.stderr)
        self.assertEqual(sorted(self.by_name(self.project)), sorted(['ok.1'] + [emcli.stem(p) for p in good]))
        # --strict: one bad file and nothing at all.
        p2 = self.new_project('strict.ember')
        self.cli('data', 'import', p2, d, '--strict', expect=EXIT_BAD_INPUT)
        self.assertEqual(self.count(p2), 0)

    def test_unreadable_file(self):
        # Root reads any file: as root, ember-cli runs as 'nobody' here.
        if not emcli.can_run_as_nobody():
            self.skipTest('running as root and cannot switch to nobody')
        emcli.open_up(emcli.cli_path())
        emcli.open_up(self.tmp)
        os.chmod(self.tmp, 0o777)
        os.chmod(self.project, 0o666)
        path = write_noise_wav(self.path('bad', 'yes.secret.wav'), seed=3)
        os.chmod(os.path.dirname(path), 0o755)
        os.chmod(path, 0)
        r = emcli.run_unprivileged('data', 'import', self.project, path)
        self.assertEqual(r.returncode, EXIT_BAD_INPUT, r.stderr)
        self.assertOneErrorLine(r.stderr, path, r'permission')
        self.assertEqual(self.count(self.project), 1)
        # An unreadable folder inside a folder being imported.
        os.chmod(path, 0o644)
        os.chmod(os.path.dirname(path), 0)
        r = emcli.run_unprivileged('data', 'import', self.project, self.tmp)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('bad', r.stderr)
        self.assertRegex(r.stderr.lower(), 'permission')
        os.chmod(os.path.dirname(path), 0o755)
        self.assertEqual(self.count(self.project), 1)


class TestFullDisk(emcli.CliTestCase):
    def test_full_disk(self):
        project = self.new_project()
        d = self.mkdir('big')
        # One-second clips: 64 KiB of float32 each, 16 pages of 4 KiB.
        files = [write_noise_wav(os.path.join(d, 'yes.%02d.wav' % i), seed=900 + i, n_frames=16000)
                 for i in range(40)]
        env = {'EMBER_TEST_MAX_PAGE_COUNT': '200'}
        r = self.cli('data', 'import', project, d, '--report', '--batch', '3', env=env, expect=EXIT_FAILURE)
        report = parse_report(r.stdout)
        committed = [p for t, p in report if t == 'committed']
        self.assertGreater(len(committed), 0, 'nothing fitted: raise the page count')
        self.assertLess(len(committed), len(files))
        lines = emcli.error_lines(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn('disk is full', lines[0])
        self.assertIn('%d files committed' % len(committed), lines[0])
        # The project opens (without the cap), is sound and holds exactly what was committed.
        self.assertEqual(emcli.db_integrity(project), 'ok')
        info = self.cli_json('project', 'info', project, '--json')
        self.assertEqual(info['samples'], len(committed))
        self.assertEqual(sorted(self.by_name(project)), sorted(emcli.stem(p) for p in committed))
        # Still full: reading works, writing fails cleanly again.
        self.cli('project', 'info', project, env=env)
        self.cli('data', 'list', project, env=env)
        r = self.cli('data', 'import', project, d, env=env, expect=EXIT_FAILURE)
        self.assertIn('disk is full', r.stderr)
        self.assertEqual(self.count(project), len(committed))
        # Room again: a re-run imports the rest, the committed ones are refused as present.
        r = self.cli('data', 'import', project, d, '--json', expect=EXIT_PARTIAL)
        self.assertEqual(json.loads(r.stdout)['imported_files'], len(files) - len(committed))
        self.assertEqual(sorted(self.by_name(project)), sorted(emcli.stem(p) for p in files))
        self.assertEqual(emcli.db_integrity(project), 'ok')

    def test_full_disk_on_edit(self):
        project = self.new_project()
        d = self.mkdir('small')
        for i in range(30):
            write_noise_wav(os.path.join(d, 'yes.%02d.wav' % i), seed=i, n_frames=160)
        self.cli('data', 'import', project, d)
        pages = emcli.db_query(project, 'PRAGMA page_count')[0][0]
        env = {'EMBER_TEST_MAX_PAGE_COUNT': str(pages)}
        big = self.mkdir('big')
        write_noise_wav(os.path.join(big, 'huge.1.wav'), seed=1, n_frames=64000)
        r = self.cli('data', 'import', project, big, env=env, expect=EXIT_FAILURE)
        self.assertIn('disk is full', r.stderr)
        self.assertEqual(self.count(project), 30)
        self.assertEqual(emcli.db_integrity(project), 'ok')


class TestCancel(emcli.CliTestCase):
    N_FILES = 5000

    def start_import(self, sig):
        project = self.new_project()
        d = self.mkdir('many')
        for i in range(self.N_FILES):
            write_wav(os.path.join(d, 'kw%d.%04d.wav' % (i % 5, i)), pcm16_noise(320, seed=i))
        err_path = self.path('import.err')
        with open(err_path, 'wb') as err_f:
            proc = subprocess.Popen([emcli.cli_path(), 'data', 'import', project, d, '--report', '--batch', '50'],
                                    stdout=subprocess.PIPE, stderr=err_f, text=True, env=emcli.base_env())
        out, n_committed = [], [0]
        enough = threading.Event()

        def reader():
            for line in proc.stdout:
                out.append(line)
                if line.startswith('committed'):
                    n_committed[0] += 1
                    if n_committed[0] >= self.N_FILES // 5:
                        enough.set()
        t = threading.Thread(target=reader, daemon=True)
        t.start()
        started = time.monotonic()
        # About 0.3 s in, or sooner on a fast machine (a fifth committed), but only
        # once a batch is on disk: the signal must land mid-import.
        while not enough.is_set() and (n_committed[0] == 0 or time.monotonic() - started < 0.3):
            if proc.poll() is not None or time.monotonic() - started > 60:
                break
            enough.wait(0.005)
        alive = proc.poll() is None
        proc.send_signal(sig)
        proc.wait(60)
        t.join(10)
        err = emcli.file_bytes(err_path).decode(errors='replace')
        if not alive:
            self.skipTest('the import finished before the signal; make it bigger')
        return project, proc.returncode, ''.join(out), err

    def check_cancelled(self, sig):
        project, code, out, err = self.start_import(sig)
        self.assertEqual(code, EXIT_CANCELLED, err)
        self.assertIn('cancel', err.lower())
        report = parse_report(out)
        committed = {emcli.stem(p) for t, p in report if t == 'committed'}
        self.assertGreater(len(committed), 0)
        self.assertLess(len(committed), self.N_FILES, 'the import finished: nothing cancelled')
        self.assertEqual(emcli.db_integrity(project), 'ok')
        names = emcli.db_names(project)
        self.assertEqual(len(names), len(set(names)))
        self.assertEqual(set(names), committed)
        self.cli('project', 'info', project)
        return project

    def test_sigint(self):
        project = self.check_cancelled(signal.SIGINT)
        # A re-run finishes the job.
        self.cli('data', 'import', project, self.path('many'), '--json', expect=EXIT_PARTIAL)
        self.assertEqual(self.count(project), self.N_FILES)

    def test_sigterm(self):
        self.check_cancelled(signal.SIGTERM)


if __name__ == '__main__':
    emcli.main()
