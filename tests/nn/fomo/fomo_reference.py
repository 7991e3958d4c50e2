# SPDX-License-Identifier: Apache-2.0
"""Checks Ember's FOMO training and post-processing code against independent
references, on random inputs that fomo-ref-helper prints:
  - loss: the weighted per-cell cross-entropy and its gradient against
    torch (F.cross_entropy, autograd) in float64, to 1e-5 relative;
  - targets: the centroid cell of every box, and the collision rule
    (smaller box keeps the cell, the earlier on a tie), against numpy;
  - post: cells → objects against scipy.ndimage.label (4- or
    8-connectivity) per class: count, order, box, centroid, score, cells.
Prints TAP. Usage: fomo_reference.py PATH/TO/fomo-ref-helper
"""
import json
import math
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage

SEEDS = range(1, 31)
results = []


def check(ok, what):
    results.append((bool(ok), what))


def run(helper, mode, seed):
    out = subprocess.run([helper, mode, str(seed)], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def check_loss(doc, seed):
    n, ch, weight = doc["n"], doc["channels"], doc["weight"]
    z = torch.tensor(doc["logits"], dtype=torch.float64).reshape(n, ch).requires_grad_(True)
    t = torch.tensor(doc["targets"], dtype=torch.int64)
    w = torch.where(t != 0, torch.tensor(weight, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64))
    loss = (w * F.cross_entropy(z, t, reduction="none")).sum() / n
    loss.backward()
    ref_grad = z.grad.numpy().reshape(-1)
    grad = np.array(doc["grad"], dtype=np.float64)
    ok_loss = abs(doc["loss"] - loss.item()) <= 1e-5 * max(1.0, abs(loss.item()))
    err = np.abs(grad - ref_grad).max()
    ok_grad = np.all(np.abs(grad - ref_grad) <= 1e-7 + 1e-5 * np.abs(ref_grad))
    check(ok_loss, f"loss seed {seed}: {doc['loss']:.7g} vs torch {loss.item():.7g} ({n} cells, {ch} channels, weight {weight})")
    check(ok_grad, f"loss gradient seed {seed}: max |error| {err:.3g}")


def check_targets(doc, seed):
    iw, ih, gw, gh = doc["input_w"], doc["input_h"], doc["grid_w"], doc["grid_h"]
    want = np.zeros(gw * gh, dtype=np.int64)
    owner = -np.ones(gw * gh, dtype=np.int64)
    collisions = 0
    boxes = doc["boxes"]
    for i, (label, x, y, w, h) in enumerate(boxes):
        # the values went through float32 in C: do the same
        x, y, w, h = (float(np.float32(v)) for v in (x, y, w, h))
        col = min(max(math.floor((x + w / 2.0) * gw / iw), 0), gw - 1)
        row = min(max(math.floor((y + h / 2.0) * gh / ih), 0), gh - 1)
        cell = row * gw + col
        if owner[cell] >= 0:
            collisions += 1
            _, _, _, hw, hh = boxes[owner[cell]]
            if w * h >= float(np.float32(hw)) * float(np.float32(hh)):
                continue
        owner[cell] = i
        want[cell] = label
    got = np.array(doc["targets"])
    check(np.array_equal(got, want), f"targets seed {seed}: {len(boxes)} boxes on {gw}x{gh} cells")
    check(doc["collisions"] == collisions, f"targets seed {seed}: {collisions} collisions counted")


def check_post(doc, seed):
    gw, gh, nc = doc["grid_w"], doc["grid_h"], doc["n_classes"]
    cw, chh = doc["input_w"] / gw, doc["input_h"] / gh
    probs = np.array(doc["probs"], dtype=np.float32).reshape(gh, gw, nc + 1)
    best = np.argmax(probs[:, :, 1:], axis=2) + 1  # first maximum: the lower class on a tie
    best_p = np.take_along_axis(probs, best[:, :, None], axis=2)[:, :, 0]
    on = best_p >= np.float32(doc["threshold"])
    structure = np.ones((3, 3)) if doc["connectivity"] == 8 else ndimage.generate_binary_structure(2, 1)
    ref = []
    for c in range(1, nc + 1):
        labels, count = ndimage.label(on & (best == c), structure=structure)
        for k in range(1, count + 1):
            rows, cols = np.nonzero(labels == k)
            p = probs[rows, cols, c].astype(np.float64)
            first = min(rows * gw + cols)
            ref.append((first, c, cols.min() * cw, rows.min() * chh, (cols.max() - cols.min() + 1) * cw,
                        (rows.max() - rows.min() + 1) * chh, (p @ (cols + 0.5)) / p.sum() * cw,
                        (p @ (rows + 0.5)) / p.sum() * chh, p.max(), len(rows)))
    ref.sort()
    got = doc["objects"]
    ok = len(got) == len(ref)
    worst = 0.0
    for g, r in zip(got, ref):
        ok = ok and g[0] == r[1] and g[8] == r[9]
        worst = max(worst, max(abs(a - b) for a, b in zip(g[1:8], r[2:9])))
    ok = ok and worst < 1e-3
    check(ok, f"post seed {seed}: {len(got)} objects vs scipy {len(ref)} on {gw}x{gh} cells, "
              f"{nc} classes, {doc['connectivity']}-connected, max |error| {worst:.2g}")


def main():
    helper = sys.argv[1]
    for seed in SEEDS:
        check_loss(run(helper, "loss", seed), seed)
        check_targets(run(helper, "targets", seed), seed)
        check_post(run(helper, "post", seed), seed)
    # the random post cases must have exercised merging at all
    merged = sum(any(o[8] > 1 for o in run(helper, "post", s)["objects"]) for s in SEEDS)
    check(merged >= 5, f"post: {merged} seeds with multi-cell objects")
    print(f"1..{len(results)}")
    for i, (ok, what) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {what}")
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
