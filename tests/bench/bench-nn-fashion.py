# SPDX-License-Identifier: Apache-2.0
"""nn/ benchmark: Ember against PyTorch on Fashion-MNIST, the same small CNN,
optimizer, batch size, epochs and threads, one after the other.

  /usr/bin/python3 tests/bench/bench-nn-fashion.py --ember BUILD/tests/bench/bench-nn-fashion \
      [--epochs 2] [--batch 64] [--threads 2] [--train-size 0]

Prints a table and the two goals of the issue: Ember's epoch time ≤ 0.7×
PyTorch's, test accuracy within 0.5 points."""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, threads):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench-nn-fashion: {cmd[0]} failed with exit code {proc.returncode}")
    result = {}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            key, _, value = line[7:].partition("=")
            result[key] = value
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ember", required=True)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--train-size", type=int, default=0)
    args = ap.parse_args()
    common = ["--epochs", str(args.epochs), "--batch", str(args.batch),
              "--threads", str(args.threads), "--train-size", str(args.train_size)]

    ember = run([args.ember] + common, args.threads)
    torch = run(["/usr/bin/python3", os.path.join(HERE, "bench_nn_fashion_torch.py")] + common,
                args.threads)

    print(f"Fashion-MNIST, {args.train_size or 60000} training images, {args.epochs} epochs, "
          f"batch {args.batch}, {args.threads} threads")
    print(f"{'framework':<18}| {'s/epoch':>8} | {'test acc (float)':>16} | {'test acc (int8)':>15}")
    print(f"{'Ember':<18}| {float(ember['seconds_per_epoch']):8.2f} | "
          f"{100 * float(ember['test_accuracy']):15.2f}% | {100 * float(ember['int8_test_accuracy']):14.2f}%")
    print(f"{'PyTorch ' + torch['torch_version']:<18}| {float(torch['seconds_per_epoch']):8.2f} | "
          f"{100 * float(torch['test_accuracy']):15.2f}% | {'-':>15}")
    ratio = float(ember["seconds_per_epoch"]) / float(torch["seconds_per_epoch"])
    diff = 100 * (float(ember["test_accuracy"]) - float(torch["test_accuracy"]))
    print(f"Ember epoch time / PyTorch epoch time = {ratio:.2f} (goal <= 0.70)")
    print(f"accuracy difference (Ember - PyTorch) = {diff:+.2f} points (goal within 0.5)")
    print(f"Ember model: {ember['params']} parameters, {ember['macs']} MACs; "
          f"arena float {ember['float_arena_bytes']} B, int8 {ember['int8_arena_bytes']} B; "
          f"weights float {ember['float_weight_bytes']} B, int8 {ember['int8_weight_bytes']} B")


if __name__ == "__main__":
    main()
