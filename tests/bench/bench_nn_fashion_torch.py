# SPDX-License-Identifier: Apache-2.0
"""PyTorch side of the nn/ benchmark: the same small CNN as Ember's
bench-nn-fashion on Fashion-MNIST, same optimizer, batch size, epochs and
threads. Prints `RESULT key=value` lines for bench-nn-fashion.py."""
import argparse
import gzip
import time

import numpy as np
import torch
from torch import nn

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load(split, limit):
    images = read_idx(f"{DATA}/{split}-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28)
    labels = read_idx(f"{DATA}/{split}-labels-idx1-ubyte.gz", 8)
    if limit:
        images, labels = images[:limit], labels[:limit]
    return (torch.from_numpy(images.astype(np.float32) / 255.0),
            torch.from_numpy(labels.astype(np.int64)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--train-size", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_train, y_train = load("train", args.train_size)
    x_test, y_test = load("t10k", 0)

    # padding 1 with 3x3 kernels is TF's "same"; CrossEntropyLoss = softmax + CE.
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(args.seed)

    epoch_seconds = []
    for _ in range(args.epochs):
        model.train()
        order = torch.randperm(len(x_train), generator=gen)
        start = time.perf_counter()
        for i in range(0, len(order), args.batch):
            idx = order[i:i + args.batch]
            opt.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            opt.step()
        epoch_seconds.append(time.perf_counter() - start)

    model.eval()
    with torch.no_grad():
        correct = 0
        for i in range(0, len(x_test), 1000):
            correct += (model(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item()
    print(f"RESULT threads={args.threads}")
    print(f"RESULT batch={args.batch}")
    print(f"RESULT epochs={args.epochs}")
    print(f"RESULT seconds_per_epoch={sum(epoch_seconds) / len(epoch_seconds):.3f}")
    print(f"RESULT test_accuracy={correct / len(x_test):.4f}")
    print(f"RESULT torch_version={torch.__version__}")


if __name__ == "__main__":
    main()
