#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""ONNX import against PyTorch.

PyTorch 1.13 exports small models with random weights (torch.onnx.export
needs no python onnx package); test-onnx-run imports each one with
em_nn_import_onnx, runs Ember's float program on random inputs and must
match torch within 1e-4; then Ember quantizes to int8 with a calibration
set and must agree with float (top-1, bounded error). Bad files — truncated
at many lengths, bytes flipped, unsupported operators, padding Ember cannot
express, dynamic shapes — must give one clear line and exit 2, never a
crash. Prints TAP; exits 77 without torch or without ONNX support.
"""
import io
import os
import random
import subprocess
import sys
import tempfile

RUN = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("EMBER_ONNX_RUN", "")
try:
    import numpy as np
    import torch
    import torch.nn as nn
except ImportError as e:
    print(f"1..0 # SKIP torch missing ({e})")
    sys.exit(77)

torch.manual_seed(7)
rng = np.random.default_rng(7)
tmp = tempfile.mkdtemp(prefix="ember-onnx-")
n_test = 0
failed = 0


def ok(cond, what):
    global n_test, failed
    n_test += 1
    print(("ok" if cond else "not ok") + f" {n_test} - {what}")
    if not cond:
        failed += 1
    sys.stdout.flush()


def export(model, shape, name, **kw):
    model.eval()
    path = os.path.join(tmp, name + ".onnx")
    with torch.no_grad():
        torch.onnx.export(model, torch.zeros(shape), path, input_names=["x"], output_names=["y"],
                          opset_version=kw.pop("opset", 13), **kw)
    return path


def run(*args):
    return subprocess.run([RUN, *args], capture_output=True, text=True, errors="replace",
                          timeout=120)


def to_ember(x):
    """NCHW / NCL / NF batches → Ember's (h, w, c) windows, float32 bytes."""
    if x.ndim == 4:
        x = x.transpose(0, 2, 3, 1)
    elif x.ndim == 3:
        x = x.transpose(0, 2, 1)
    return np.ascontiguousarray(x, dtype=np.float32)


def ember_run(path, x, calib=None):
    xin = os.path.join(tmp, "in.f32")
    out = os.path.join(tmp, "out.f32")
    to_ember(x).tofile(xin)
    if calib is None:
        r = run(path, "float", xin, out)
    else:
        cpath = os.path.join(tmp, "calib.f32")
        to_ember(calib).tofile(cpath)
        r = run(path, "int8", cpath, xin, out)
    if r.returncode != 0:
        print("# " + r.stderr.strip())
        return None
    return np.fromfile(out, dtype=np.float32).reshape(len(x), -1)


def torch_run(model, x):
    # One window at a time: the models reshape to batch 1, as exported.
    with torch.no_grad():
        return np.concatenate([model(torch.from_numpy(x[i:i + 1])).numpy().reshape(1, -1)
                               for i in range(len(x))])


def randomize_bn(model):
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c) * 0.3)
            m.running_var.copy_(torch.rand(c) + 0.5)
            m.weight.data.copy_(torch.rand(c) + 0.5)
            m.bias.data.copy_(torch.randn(c) * 0.2)
    # Spread the logits: with random weights the classes are otherwise
    # near ties, and int8 rounding flips their order.
    for m in model.modules():
        if isinstance(m, nn.Linear):
            m.weight.data.mul_(15.0)


class Cnn(nn.Module):
    """conv, BN, ReLU6, max pool, BN (not after a conv), depthwise conv
    (multiplier 2), ReLU, 1×1 conv, average pool, flatten, linear, softmax."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.pool1 = nn.MaxPool2d(2)
        self.bn2 = nn.BatchNorm2d(8)
        self.dw = nn.Conv2d(8, 16, 3, padding=1, groups=8)
        self.pw = nn.Conv2d(16, 12, 1)
        self.pool2 = nn.AvgPool2d(2)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(12 * 3 * 4, 10)

    def forward(self, x):
        x = self.pool1(torch.clamp(self.bn1(self.conv(x)), 0.0, 6.0))
        x = torch.relu(self.dw(self.bn2(x)))
        x = self.pool2(self.pw(x))
        x = self.drop(torch.flatten(x, 1))
        return torch.softmax(self.fc(x), dim=1)


class Seq(nn.Module):
    """1-D: conv1d, tanh, residual add, sigmoid, valid strided conv, global
    average pool, flatten, MatMul + Add, Gemm, ReLU, reshape."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(4, 6, 5, padding=2)
        self.c2 = nn.Conv1d(6, 6, 3, padding=1)
        self.c3 = nn.Conv1d(6, 8, 3, stride=2)
        self.w = nn.Parameter(torch.randn(8, 5) * 0.5)
        self.b = nn.Parameter(torch.randn(5) * 0.1)
        self.fc = nn.Linear(5, 3)

    def forward(self, x):
        a = torch.tanh(self.c1(x))
        a = torch.sigmoid(a + self.c2(a))
        a = nn.functional.adaptive_avg_pool1d(self.c3(a), 1)
        a = a.reshape(1, -1)
        a = torch.relu(a @ self.w + self.b)
        return self.fc(a)


class Misc(nn.Module):
    """Padding that maps to Ember's 'same': a stride-2 conv on an odd input,
    a padded max pool; a residual add of images, sigmoid, global average
    pool, linear, tanh."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(2, 6, 3, stride=2, padding=1)
        self.pool = nn.MaxPool2d(3, stride=1, padding=1)
        self.c2 = nn.Conv2d(6, 6, 5, padding=2)
        self.fc = nn.Linear(6, 4)

    def forward(self, x):
        a = self.pool(self.c1(x))
        a = torch.sigmoid(a + self.c2(a))
        a = torch.flatten(nn.functional.adaptive_avg_pool2d(a, 1), 1)
        return torch.tanh(self.fc(a))


def check_model(model, shape, name, classify, **export_kw):
    randomize_bn(model)
    path = export(model, shape, name, **export_kw)
    r = run(path)
    ok(r.returncode == 0, f"{name}: imports ({r.stderr.strip() or 'ok'})")
    if r.returncode != 0:
        return path
    print("# " + "\n# ".join(r.stdout.strip().splitlines()))
    x = rng.normal(0, 1, (64,) + shape[1:]).astype(np.float32)
    want = torch_run(model, x)
    got = ember_run(path, x)
    ok(got is not None and got.shape == want.shape, f"{name}: float program runs, output {want.shape}")
    if got is None or got.shape != want.shape:
        return path
    err = float(np.max(np.abs(got - want)))
    print(f"# {name}: float max |ember - torch| = {err:.3g}")
    ok(err <= 1e-4, f"{name}: float outputs match torch within 1e-4 (max {err:.3g})")

    calib = rng.normal(0, 1, (200,) + shape[1:]).astype(np.float32)
    q = ember_run(path, x, calib)
    ok(q is not None and q.shape == want.shape, f"{name}: int8 program runs")
    if q is None or q.shape != want.shape:
        return path
    qerr = float(np.max(np.abs(q - got)))
    scale = float(np.max(np.abs(got)))
    if classify:
        top1 = float(np.mean(np.argmax(q, 1) == np.argmax(got, 1)))
        print(f"# {name}: int8 top-1 agreement {top1:.3f}, max |int8 - float| = {qerr:.3g}")
        srt = np.sort(got, 1)
        clear = (srt[:, -1] - srt[:, -2]) > 0.05
        clear_agree = bool(np.all(np.argmax(q[clear], 1) == np.argmax(got[clear], 1)))
        ok(top1 >= 0.9, f"{name}: int8 top-1 agrees with float on ≥ 90 % of random windows ({top1:.3f})")
        ok(clear_agree and clear.sum() > 10,
           f"{name}: int8 top-1 agrees on all {int(clear.sum())} windows whose float top-2 margin > 0.05")
        ok(qerr <= 0.1, f"{name}: int8 probabilities within 0.1 of float ({qerr:.3g})")
    else:
        print(f"# {name}: int8 max |int8 - float| = {qerr:.3g} (float range {scale:.3g})")
        ok(qerr <= 0.1 * scale, f"{name}: int8 within 10 % of the output range ({qerr:.3g} / {scale:.3g})")
    return path


def expect_error(path, what, *needles):
    r = run(path)
    line = r.stderr.strip()
    good = r.returncode == 2 and line.startswith("ONNX:") and "\n" not in line and \
        all(n in line for n in needles)
    ok(good, f"{what}: refused with one line naming {', '.join(needles) or 'the reason'} ({line!r})")


# Without ONNX support the importer must say so, and there is nothing to test.
probe = os.path.join(tmp, "empty.onnx")
open(probe, "wb").close()
r = run(probe)
if "without ONNX support" in r.stderr:
    print(f"1..0 # SKIP {r.stderr.strip()}")
    sys.exit(77)

cnn_path = check_model(Cnn(), (1, 3, 12, 16), "cnn", True)
check_model(Seq(), (1, 4, 21), "seq1d", False)
# PRESERVE keeps the BatchNormalization PyTorch otherwise folds into the
# conv before it: Ember folds it instead (em_nn_model_fold).
bn_path = check_model(Cnn(), (1, 3, 12, 16), "cnn-bn", True, training=torch.onnx.TrainingMode.PRESERVE)
r = run(bn_path)
ok(r.stdout.count("layer BatchNormalization") == 2, "cnn-bn: both BatchNormalization nodes were in the file")
check_model(Misc(), (1, 2, 13, 11), "misc", False)
# Older and newer opsets: Clip and Pad take attributes before 11, inputs after.
for opset in (9, 11, 17):
    m = Cnn()
    randomize_bn(m)
    p = export(m, (1, 3, 12, 16), f"cnn-opset{opset}", opset=opset)
    x = rng.normal(0, 1, (8, 3, 12, 16)).astype(np.float32)
    got = ember_run(p, x)
    err = float(np.max(np.abs(got - torch_run(m, x)))) if got is not None else float("inf")
    ok(err <= 1e-4, f"cnn exported with opset {opset}: float outputs match torch (max {err:.3g})")

# ---- bad files ----
data = open(cnn_path, "rb").read()
bad = os.path.join(tmp, "bad.onnx")
expect_error(probe, "empty file")
with open(bad, "wb") as f:
    f.write(bytes(random.Random(1).getrandbits(8) for _ in range(4000)))
expect_error(bad, "random bytes")

refused = crashed = 0
lengths = sorted(set([1, 2, 5, 17, 100, len(data) - 1] +
                     [int(len(data) * k / 60) for k in range(1, 60)]))
for n in lengths:
    with open(bad, "wb") as f:
        f.write(data[:n])
    r = run(bad)
    if r.returncode < 0 or r.returncode not in (0, 2):
        crashed += 1
        print(f"# truncated at {n}: exit {r.returncode} {r.stderr.strip()!r}")
    elif r.returncode == 2 and r.stderr.startswith("ONNX:") and r.stderr.count("\n") == 1:
        refused += 1
ok(crashed == 0 and refused == len(lengths),
   f"truncated at {len(lengths)} lengths: all refused with one line ({refused} refused, {crashed} crashed)")

prng = random.Random(3)
crashed = refused = accepted = 0
for trial in range(200):
    b = bytearray(data)
    for _ in range(prng.choice([1, 1, 2, 4, 8])):
        b[prng.randrange(len(b))] ^= 1 << prng.randrange(8)
    with open(bad, "wb") as f:
        f.write(b)
    r = run(bad)
    if r.returncode == 0:
        accepted += 1
    elif r.returncode == 2 and r.stderr.startswith("ONNX:") and r.stderr.count("\n") == 1:
        refused += 1
    else:
        crashed += 1
        print(f"# flip trial {trial}: exit {r.returncode} {r.stderr.strip()[:200]!r}")
print(f"# byte flips: {refused} refused, {accepted} still valid (e.g. a changed weight), {crashed} crashed")
ok(crashed == 0 and refused > 0, f"200 files with flipped bytes: none crashes ({refused} refused, {accepted} accepted)")


class Unsupported(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, batch_first=True)
        self.w = nn.Parameter(torch.randn(6, 3))

    def forward(self, x):
        y, _ = self.lstm(x)
        return torch.einsum("bsf,fk->bsk", y, self.w)


expect_error(export(Unsupported(), (1, 8, 4), "lstm"), "LSTM + Einsum model", "unsupported operators",
             "LSTM", "Einsum")

# Stride 2 with symmetric padding 1 on an even input: PyTorch pads before,
# TensorFlow-style 'same' (all Ember computes) does not.
expect_error(export(nn.Sequential(nn.Conv2d(2, 4, 3, stride=2, padding=1), nn.Flatten()),
                    (1, 2, 8, 8), "pad"), "padding Ember cannot express", "padding")
expect_error(export(nn.Sequential(nn.Conv2d(2, 4, 3, padding=1)), (1, 2, 8, 8), "dynamic",
                    dynamic_axes={"x": {2: "height"}}), "dynamic input shape", "not static", "height")
expect_error(export(nn.Sequential(nn.Conv2d(4, 4, 3, padding=1, groups=2)),
                    (1, 4, 8, 8), "groups"), "grouped conv", "group")
expect_error(export(nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.Flatten()), (1, 2, 8, 8), "flat-out"),
             "flattened image as output", "flattened image")

# ---- ember-cli model import: a project's training windows calibrate int8 ----
cli = os.environ.get("EMBER_CLI", "")
if cli and os.access(cli, os.X_OK):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "cli"))
    import emcli
    import json
    proj = os.path.join(tmp, "p.ember")
    wavs = []
    for i in range(10):
        w = os.path.join(tmp, "wav", f"{'yes' if i % 2 else 'no'}.{i}.wav")
        emcli.write_noise_wav(w, i, n_frames=1600)
        wavs.append(w)
    mlp = nn.Sequential(nn.Conv1d(1, 4, 5, padding=2), nn.ReLU(), nn.Flatten(), nn.Linear(256, 2),
                        nn.Softmax(dim=1))
    mpath = export(mlp, (1, 1, 64), "cli")
    steps = [emcli.run("project", "create", proj),
             emcli.run("data", "import", "-c", "training", proj, *wavs[:6]),
             emcli.run("data", "import", "-c", "testing", proj, *wavs[6:]),
             emcli.run("model", "import", "--labels", "no,yes", proj, mpath)]
    r = steps[-1]
    ok(all(x.returncode == 0 for x in steps) and "float + int8 (quantized by Ember)" in r.stdout,
       f"ember-cli model import PROJECT model.onnx quantizes on the project ({r.stdout.strip()!r} "
       f"{' '.join(x.stderr.strip()[-200:] for x in steps if x.returncode)})")
    r = emcli.run("model", "show", proj)
    ok(r.returncode == 0 and "Conv" in r.stdout and "Gemm" in r.stdout, "ember-cli model show lists the ONNX ops")
    r = emcli.run("test", "--json", proj)
    try:
        m = json.loads(r.stdout)
        fl, q8 = m["float"], m["int8"]
        print(f"# ember-cli test: float accuracy {fl['accuracy']:.3f}, int8 {q8['accuracy']:.3f} on {fl['n']} windows")
        good = fl["n"] == q8["n"] > 0 and abs(fl["accuracy"] - q8["accuracy"]) <= 0.1
    except (ValueError, KeyError, TypeError):
        print("# " + r.stderr.strip()[-300:])
        good = False
    ok(good, "ember-cli test runs the imported model as float and int8, accuracies within 0.1")
    with open(bad, "wb") as f:
        f.write(data[:len(data) // 2])
    r = emcli.run("model", "import", proj, bad)
    ok(r.returncode == 3 and "bad.onnx: ONNX:" in r.stderr, f"ember-cli refuses a damaged .onnx ({r.stderr.strip()!r})")
else:
    print("# EMBER_CLI not set: ember-cli checks skipped")

print(f"1..{n_test}")
sys.exit(1 if failed else 0)
