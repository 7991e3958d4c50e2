# SPDX-License-Identifier: Apache-2.0
"""dsp/ Spectrogram (em_dsp_spectrogram_f32, v4) against the numpy
reference of speech_ref.py and the §1.8 golden vector.

Values are normalised log powers: |err| ≤ 1e-4·max(1, |want|) plus what a
float32 FFT cannot resolve (speech_ref.spectrogram_fft_tolerance, 0 except
for bins ~80 dB or more under the frame's peak that are still above the
noise floor; v4 does not rescale int16 input, so those exist there).

Usage: /usr/bin/python3 test_spectrogram.py PATH/TO/dsp-run-speech"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import speech_ref as ref  # noqa: E402
from speech_common import (Report, expect_error, golden_audio, run_ok,  # noqa: E402
                           signals, TOL)

GOLDEN = dict(n=6435, sum=1295.798748,
              first=[0.490969, 0.502391, 0.543849, 0.666771, 0.658194, 0.488360])

S = 1 / 32768.0
# (signal, fs, seconds, input scale, params)
CASES = [
    ("speech", 16000, 1.0, S, {}),
    ("tone", 16000, 1.0, S, {}),
    ("chirp", 16000, 1.0, S, {}),
    ("noise", 16000, 1.0, S, {}),
    ("silence", 16000, 1.0, S, {}),
    ("clipped", 16000, 1.0, S, {}),
    ("speech", 8000, 1.0, S, {}),
    ("two_tones", 8000, 2.0, S, {"frame_stride": 0.02, "fft_length": 256}),
    ("speech", 44100, 1.0, S, {"frame_length": 0.025, "frame_stride": 0.0125,
                               "fft_length": 1024}),
    ("chirp", 44100, 0.5, S, {"fft_length": 512}),
    ("speech", 16000, 1.0, S, {"frame_length": 0.0255, "frame_stride": 0.0137}),
    ("speech", 16000, 0.05, S, {}),
    ("noise", 16000, 4.99, S, {}),                              # 498 frames
    ("speech", 16000, 1.0, S, {"fft_length": 64}),             # 320-sample frames cut to 64
    ("chirp", 16000, 1.0, S, {"fft_length": 512}),             # padded
    ("impulses", 16000, 1.0, S, {}),
    ("dc_noise", 16000, 1.0, S, {}),
    ("quiet", 16000, 1.0, S, {"noise_floor_db": -120}),
    ("square", 16000, 1.0, S, {"noise_floor_db": -80}),
    ("speech", 16000, 1.0, S, {"noise_floor_db": -20}),
    ("speech", 16000, 1.0, 1.0, {}),                           # int16 scale: values > 1
    ("noise", 16000, 1.0, 1.0, {"fft_length": 256}),
    ("tone", 11025, 0.25, 1.0, {"frame_length": 0.0005, "frame_stride": 0.0005,
                               "fft_length": 8}),          # 6-sample frames
    ("speech", 16000, 1.0, S, {"frame_length": 0.00025, "frame_stride": 0.002,
                               "fft_length": 4}),          # 4-sample frames
]

STATS = {"values": 0, "over_1e-4": 0}


def check_case(rep, label, x, fs, params):
    want = ref.spectrogram(x, fs, **params)
    extra = ref.spectrogram_fft_tolerance(x, fs, **params)
    got = run_ok("spectrogram", x, fs=fs, **params).reshape(want.shape)
    base = TOL * np.maximum(1.0, np.abs(want))
    d = np.abs(got - want)
    STATS["values"] += d.size
    STATS["over_1e-4"] += int((d > base).sum())
    rep.compare(label, got, want, tol=base + extra, relative=False)
    rep.check(label + " >= 0", np.all(got >= 0))


def golden(rep):
    x = golden_audio() / 32768.0
    got = run_ok("spectrogram", x, fs=16000)
    want = ref.spectrogram(x, 16000)
    rep.compare("golden reference vs §1.8", want.flat[:6], GOLDEN["first"], tol=1e-6)
    rep.compare("golden reference sum vs §1.8", want.sum(), GOLDEN["sum"], tol=1e-6)
    rep.check("golden n", got.size == GOLDEN["n"], str(got.size))
    rep.compare("golden first values", got[:6], GOLDEN["first"])
    rep.compare("golden sum", got.astype(np.float64).sum(), GOLDEN["sum"], tol=1e-4 * 6435,
                relative=False)
    rep.compare("golden all", got.reshape(want.shape), want)
    rep.note("golden: n %d, sum %.6f (EI %.6f), max err %.3g"
             % (got.size, got.astype(np.float64).sum(), GOLDEN["sum"],
                np.abs(got.reshape(want.shape) - want).max()))


def no_upper_clip(rep):
    x = signals(16000, 16000)["speech"]  # int16 scale, not rescaled in v4
    got = run_ok("spectrogram", x, fs=16000)
    rep.check("v4 has no upper clip", got.max() > 1.5, "max %.3g" % got.max())


def errors(rep):
    x = signals(16000, 16000)["speech"] / 32768
    expect_error(rep, "fft_length 96", "spectrogram", x, "fft", fs=16000, fft_length=96)
    expect_error(rep, "frame under 4 samples", "spectrogram", x, "param", "4 samples",
                 fs=16000, frame_length=0.00015)
    expect_error(rep, "stride under 4 samples", "spectrogram", x, "param", "4 samples",
                 fs=16000, frame_stride=0.0001)
    expect_error(rep, "frame longer than the window", "spectrogram", x[:100], "shape",
                 "Frame length is larger than your window size", fs=16000)
    expect_error(rep, "more than 500 frames", "spectrogram", x, "shape", "500", fs=16000,
                 frame_stride=0.0019)
    expect_error(rep, "noise floor 12 dB", "spectrogram", x, "param", fs=16000,
                 noise_floor_db=12)
    bad = x.copy()
    bad[0] = np.nan
    expect_error(rep, "NaN input", "spectrogram", bad, "not_finite", fs=16000)


def main():
    rep = Report("spectrogram")
    for i, (name, fs, seconds, scale, params) in enumerate(CASES):
        x = signals(fs, int(round(fs * seconds)), seed=200 + i)[name] * scale
        check_case(rep, "%s @%d Hz %.3g s ×%g %s" % (name, fs, seconds, scale, params), x, fs,
                   params)
    golden(rep)
    no_upper_clip(rep)
    errors(rep)
    rep.note("%d varied cases; %d of %d values off by more than 1e-4 relative (within the "
             "float32 FFT bound)" % (len(CASES), STATS["over_1e-4"], STATS["values"]))
    rep.finish()


if __name__ == "__main__":
    main()
