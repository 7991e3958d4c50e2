# SPDX-License-Identifier: Apache-2.0
"""Benchmark: MFCC and MFE (and Spectrogram) with default parameters on 1 s
of 16 kHz speech-like audio; dsp/ (timed inside dsp-run-speech --bench,
clock_gettime) against the numpy/scipy reference of speech_ref.py
(timeit), in one run. Prints µs per call and the speed-up (goal ≥ 20×).

Usage: /usr/bin/python3 bench_speech.py PATH/TO/dsp-run-speech [N]"""
import os
import subprocess
import sys
import tempfile
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import speech_ref as ref  # noqa: E402
from speech_common import runner_path, signals  # noqa: E402


def c_us(block, x, n_calls, **params):
    with tempfile.NamedTemporaryFile(suffix=".f32", delete=False) as f:
        x.astype(np.float32).tofile(f)
        path = f.name
    try:
        args = [runner_path(), "--bench", str(n_calls), block]
        args += ["%s=%s" % kv for kv in params.items()] + [path]
        r = subprocess.run(args, capture_output=True, check=True, text=True)
    finally:
        os.unlink(path)
    return float(r.stdout.strip())


def py_us(fn, reps=20):
    return min(timeit.repeat(fn, number=reps, repeat=3)) / reps * 1e6


def main():
    n_calls = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    fs = 16000
    x = signals(fs, fs, seed=1)["speech"]
    x32 = x.astype(np.float32)
    rows = [
        ("MFCC (50x13, win 101)", c_us("mfcc", x, n_calls, fs=fs),
         py_us(lambda: ref.mfcc(x32, fs))),
        ("MFCC (win_size 0)", c_us("mfcc", x, n_calls, fs=fs, win_size=0),
         py_us(lambda: ref.mfcc(x32, fs, win_size=0))),
        ("MFE (99x40)", c_us("mfe", x, n_calls, fs=fs),
         py_us(lambda: ref.mfe(x32, fs))),
        ("Spectrogram (99x65)", c_us("spectrogram", x / 32768, n_calls, fs=fs),
         py_us(lambda: ref.spectrogram(x32 / 32768, fs))),
    ]
    print("1 s of 16 kHz audio, default parameters, %d C calls each:" % n_calls)
    print("  %-24s %12s %16s %9s" % ("block", "dsp/ (C) us", "numpy ref us", "speed-up"))
    for name, c, p in rows:
        print("  %-24s %12.1f %16.1f %8.1fx" % (name, c, p, p / c))


if __name__ == "__main__":
    main()
