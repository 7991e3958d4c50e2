# SPDX-License-Identifier: Apache-2.0
"""dsp/ MFE (em_dsp_mfe_f32) against the numpy/scipy reference of
speech_ref.py and the §1.8 golden vector.

Before quantization (quantize=0) values must be within 1e-4 plus what a
float32 FFT cannot resolve (speech_ref.mfe_fft_tolerance: 0 except in
bands ~80 dB or more under the frame's peak that are still above the noise
floor). Quantized values may differ from the reference by exactly one
step (1/256), and only where the continuous value lies within that
tolerance of a rounding edge. The SDK's clamp (1.0 at the top) is checked
against Studio's uint8 wrap (0 there), which dsp/ deliberately does not
copy.

Usage: /usr/bin/python3 test_mfe.py PATH/TO/dsp-run-speech"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import speech_ref as ref  # noqa: E402
from speech_common import (Report, expect_error, golden_audio, run_ok,  # noqa: E402
                           signals, TOL)

GOLDEN = dict(n=3960, sum=186.632812,
              first=[0, 0, 0, 0, 0, 0.019531, 0.097656, 0.531250])

CASES = [
    ("speech", 16000, 1.0, {}),
    ("tone", 16000, 1.0, {}),
    ("chirp", 16000, 1.0, {}),
    ("noise", 16000, 1.0, {}),
    ("silence", 16000, 1.0, {}),
    ("clipped", 16000, 1.0, {}),
    ("speech", 8000, 1.0, {}),
    ("two_tones", 8000, 2.0, {"frame_stride": 0.02, "num_filters": 32}),
    ("speech", 44100, 1.0, {"frame_length": 0.025, "frame_stride": 0.0125, "fft_length": 1024,
                            "num_filters": 64}),
    ("chirp", 44100, 0.5, {"fft_length": 512, "num_filters": 40}),
    ("speech", 16000, 1.0, {"frame_length": 0.0255, "frame_stride": 0.0137}),
    ("speech", 16000, 0.1, {}),
    ("speech", 16000, 4.0, {"frame_stride": 0.02}),     # 200 frames
    ("noise", 16000, 4.99, {}),                          # 498 frames
    ("speech", 16000, 1.0, {"fft_length": 512, "num_filters": 64}),
    ("chirp", 16000, 1.0, {"fft_length": 128, "num_filters": 20}),
    ("speech", 16000, 1.0, {"low_frequency": 80, "high_frequency": 7600}),
    ("two_tones", 16000, 1.0, {"low_frequency": 300, "high_frequency": 4000, "num_filters": 32}),
    ("impulses", 16000, 1.0, {}),
    ("dc_noise", 16000, 1.0, {}),
    ("quiet", 16000, 1.0, {}),
    ("square", 16000, 1.0, {"noise_floor_db": -72}),
    ("speech", 16000, 1.0, {"noise_floor_db": -30}),
    ("speech", 16000, 1.0, {"frame_length": 0.01, "frame_stride": 0.005}),  # padded frames
    ("speech", 11025, 1.0, {}),
    ("noise", 22050, 1.0, {"frame_length": 0.032, "frame_stride": 0.016, "fft_length": 1024}),
]

STATS = {"values": 0, "over_1e-4": 0, "flips": 0, "quantized": 0}


def check_case(rep, label, x, fs, params):
    want = ref.mfe(x, fs, quantize=False, **params)
    extra = ref.mfe_fft_tolerance(x, fs, **params)
    got = run_ok("mfe", x, fs=fs, quantize=0, **params).reshape(want.shape)
    d = np.abs(got - want)
    STATS["values"] += d.size
    STATS["over_1e-4"] += int((d > TOL).sum())
    rep.compare(label + " (unquantized)", got, want, tol=TOL + extra, relative=False)

    q_want = ref.mfe(x, fs, quantize="sdk", **params)
    q_got = run_ok("mfe", x, fs=fs, **params).reshape(want.shape)
    steps = np.round((q_got - q_want) * 256)
    exact = np.all(q_got * 256 == np.round(q_got * 256))
    # A one-step flip is fine where the continuous value sits on an edge.
    edge = np.abs(want * 256 - (np.floor(want * 256) + 0.5)) <= (TOL + extra) * 256 + 1e-3
    flips = steps != 0
    STATS["quantized"] += steps.size
    STATS["flips"] += int(flips.sum())
    rep.check(label + " (quantized)", exact and np.all(np.abs(steps) <= 1)
              and np.all(edge[flips]) and np.all((q_got >= 0) & (q_got <= 1)),
              "%d flips, %d off an edge, max %d steps"
              % (flips.sum(), (flips & ~edge).sum(), np.abs(steps).max()))


def golden(rep):
    x = golden_audio()
    got = run_ok("mfe", x, fs=16000)
    want = ref.mfe(x, 16000, quantize="python")
    rep.compare("golden reference vs §1.8", want.flat[:8], GOLDEN["first"], tol=1e-6)
    rep.compare("golden reference sum vs §1.8", want.sum(), GOLDEN["sum"], tol=1e-6)
    rep.check("golden n", got.size == GOLDEN["n"], str(got.size))
    rep.compare("golden first values", got[:8], GOLDEN["first"], tol=1e-6)
    flips = int(np.sum(np.abs(got - want.ravel()) > 1e-6))
    rep.check("golden one-step flips only", np.all(np.abs(got - want.ravel()) <= 1 / 256 + 1e-6),
              "%d flips" % flips)
    rep.compare("golden sum", got.astype(np.float64).sum(), GOLDEN["sum"],
                tol=flips / 256 + 1e-5, relative=False)
    u = run_ok("mfe", x, fs=16000, quantize=0)
    uw = ref.mfe(x, 16000, quantize=False)
    rep.compare("golden unquantized", u.reshape(uw.shape), uw, relative=False)
    rep.note("golden: n %d, sum %.6f (EI %.6f), %d one-step flips, unquantized max err %.3g"
             % (got.size, got.astype(np.float64).sum(), GOLDEN["sum"], flips,
                np.abs(u.reshape(uw.shape) - uw).max()))


def top_code(rep):
    """Loud high tones reach y >= 255.5/256: the SDK (and dsp/) give 1.0,
    Studio's uint8 cast wraps them to 0."""
    fs = 16000
    t = np.arange(fs) / fs
    x = np.floor(32000 * np.sin(2 * np.pi * 5123.4 * t) + 0.5)
    got = run_ok("mfe", x, fs=fs).reshape(-1, 40)
    sdk = ref.mfe(x, fs, quantize="sdk")
    py = ref.mfe(x, fs, quantize="python")
    top = sdk == 1.0
    rep.check("loud tone reaches the top code", top.sum() > 0, "no value at 1.0")
    rep.check("top code is 1.0 as in the SDK", np.all(got[top] == 1.0))
    rep.check("Studio's Python wraps the top code to 0", np.all(py[top] == 0.0))
    rep.check("elsewhere SDK and Python agree", np.all(py[~top] == sdk[~top]))
    rep.note("top code: %d values at 1.0 (Studio's Python: 0)" % top.sum())


def errors(rep):
    x = signals(16000, 16000)["speech"]
    expect_error(rep, "fft_length 100", "mfe", x, "fft", fs=16000, fft_length=100)
    expect_error(rep, "frame longer than the window", "mfe", x[:200], "shape",
                 "Frame length is larger than your window size", fs=16000)
    expect_error(rep, "more than 500 frames", "mfe", x, "shape", "500", fs=16000,
                 frame_stride=0.0015)
    expect_error(rep, "empty filterbank", "mfe", x, "filterbank", fs=16000, fft_length=128,
                 num_filters=40)
    expect_error(rep, "noise floor 12 dB", "mfe", x, "param", fs=16000, noise_floor_db=12)
    expect_error(rep, "high_frequency > fs/2", "mfe", x, "param", fs=16000,
                 high_frequency=9000)
    bad = x.copy()
    bad[5] = -np.inf
    expect_error(rep, "Inf input", "mfe", bad, "not_finite", fs=16000)
    try:
        ref.mfe(x, 16000, fft_length=128, num_filters=40)
        rep.check("reference raises for an empty filter", False)
    except ref.RefError as e:
        rep.check("reference raises for an empty filter", e.kind == "filterbank", e.kind)


def main():
    rep = Report("mfe")
    for i, (name, fs, seconds, params) in enumerate(CASES):
        x = signals(fs, int(round(fs * seconds)), seed=100 + i)[name]
        check_case(rep, "%s @%d Hz %.3g s %s" % (name, fs, seconds, params), x, fs, params)
    golden(rep)
    top_code(rep)
    errors(rep)
    rep.note("%d varied cases; unquantized: %d of %d values off by more than 1e-4 (within the "
             "float32 FFT bound); quantized: %d one-step flips in %d values"
             % (len(CASES), STATS["over_1e-4"], STATS["values"], STATS["flips"],
                STATS["quantized"]))
    rep.finish()


if __name__ == "__main__":
    main()
