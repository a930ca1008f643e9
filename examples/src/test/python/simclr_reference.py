#!/usr/bin/python3
"""PyTorch reference of the `simclr-image` example's recipe, as an independent check of the Java example.

Same encoder (conv-maxpool-BN-ReLU twice, an MLP projection head; features: the flattened pooled maps side by side
with the head's first layer), same augmentations (random resized crop with an optional flip, brightness/contrast
jitter; optional 3x3 blur and Gaussian noise, off by default as in the Java example; for colour images saturation
jitter and random grey), NT-Xent, Adam with linear warm-up and
cosine decay, decoupled weight decay, the same number of steps and the same evaluation: a softmax regression on
standardised frozen features of the first `--probe-size` training images (L2 chosen from {1e-3, 1e-2, 1e-1} on a
validation fifth, refitted on all; Adam 1e-2 with cosine decay, 30 epochs, batches of 256) and cosine 1-NN, both
scored on the test images, next to the same two on raw pixels and on the encoder at random initialisation.

Reads the directory layout `simclr-image --data-dir` reads (MNIST-style gzipped IDX files, or CIFAR-10 binary
batches). Uses Debian's python3-torch (`/usr/bin/python3`); not part of the build or the test command.

    /usr/bin/python3 examples/src/test/python/simclr_reference.py --data-dir data/fashion-mnist --steps 1500
"""
import argparse
import gzip
import json
import math
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(directory, stem):
    for name in (stem, stem.replace("-idx", ".idx")):
        for suffix in ("", ".gz"):
            if os.path.isfile(os.path.join(directory, name + suffix)):
                return os.path.join(directory, name + suffix)
    return None


def load(directory):
    """(train images [N,C,H,W] float in [0,1], train labels, test images, test labels, colour)"""
    for d in [directory] + sorted(os.path.join(directory, c) for c in os.listdir(directory)
                                  if os.path.isdir(os.path.join(directory, c))):
        files = [find(d, s) for s in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                      "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")]
        if all(files):
            x_train, y_train, x_test, y_test = (read_idx(f) for f in files)
            return (x_train[:, None] / 255.0, y_train, x_test[:, None] / 255.0, y_test, False)
        if os.path.isfile(os.path.join(d, "data_batch_1.bin")):
            def batch(name):
                raw = np.fromfile(os.path.join(d, name), dtype=np.uint8).reshape(-1, 3073)
                return raw[:, 1:].reshape(-1, 3, 32, 32) / 255.0, raw[:, 0]
            parts = [batch("data_batch_%d.bin" % i) for i in range(1, 6)]
            x_test, y_test = batch("test_batch.bin")
            return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]), x_test, y_test, True)
    raise SystemExit("no MNIST IDX files or CIFAR-10 batches in " + directory)


class Augmentation:
    """The Java example's SimClrAugmentation, per image, on a batch."""

    def __init__(self, colour, min_crop, flip, blur, noise):
        self.colour, self.min_crop, self.flip, self.blur, self.noise = colour, min_crop, flip, blur, noise

    def __call__(self, x, g):
        n, c, h, w = x.shape
        u = lambda *s: torch.rand(*s, generator=g)
        area = self.min_crop + (1 - self.min_crop) * u(n)
        aspect = torch.exp(math.log(3 / 4) + (math.log(4 / 3) - math.log(3 / 4)) * u(n))
        bh = torch.clamp(torch.sqrt(area / aspect), max=1.0)
        bw = torch.clamp(torch.sqrt(area * aspect), max=1.0)
        top, left = u(n) * (1 - bh), u(n) * (1 - bw)
        right = left + bw
        if self.flip:
            flipped = (u(n) < 0.5).float()
            left, right = left + flipped * bw, right - flipped * bw
        # crop_and_resize (bilinear, box corners sampled exactly) as an affine grid with align_corners=True
        theta = torch.zeros(n, 2, 3)
        theta[:, 0, 0] = right - left
        theta[:, 0, 2] = left + right - 1
        theta[:, 1, 1] = bh
        theta[:, 1, 2] = 2 * top + bh - 1
        grid = F.affine_grid(theta, (n, c, h, w), align_corners=True)
        x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=True)
        jitter = (u(n) < 0.8).float().view(n, 1, 1, 1)
        factor = lambda spread: 1 + (2 * u(n).view(n, 1, 1, 1) - 1) * spread * jitter
        x = x * factor(0.4)
        grey = self.grey(x)
        mean = grey.mean(dim=(1, 2, 3), keepdim=True)
        x = (x - mean) * factor(0.4) + mean
        if self.colour:
            t = 1 - factor(0.4)
            x = x + (self.grey(x) - x) * t
            to_grey = (u(n) < 0.2).float().view(n, 1, 1, 1)
            x = x + (self.grey(x) - x) * to_grey
        if self.blur > 0:
            blurred = F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)
            use = (u(n) < self.blur).float().view(n, 1, 1, 1)
            x = x + (blurred - x) * use
        if self.noise > 0:
            x = x + torch.randn(x.shape, generator=g) * (self.noise * u(n).view(n, 1, 1, 1))
        return x.clamp(0, 1)

    @staticmethod
    def grey(x):
        if x.shape[1] == 1:
            return x
        return (x * torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)).sum(dim=1, keepdim=True)


class Encoder(nn.Module):
    def __init__(self, channels, side, filters, features, hidden, projection, pool_first):
        super().__init__()
        f = filters
        block = lambda cin, cout: ([nn.Conv2d(cin, cout, 3, padding=1), nn.MaxPool2d(2), nn.BatchNorm2d(cout), nn.ReLU()]
                                   if pool_first else
                                   [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2)])
        self.body = nn.Sequential(*block(channels, f), *block(f, 2 * f),
            nn.Flatten(), nn.Linear(2 * f * (side // 4) ** 2, features), nn.BatchNorm1d(features), nn.ReLU())
        self.head = nn.Sequential(nn.Linear(features, hidden), nn.ReLU(), nn.Linear(hidden, projection))

    def forward(self, x):
        return self.head(self.body(x))


def nt_xent(z, tau):
    z = F.normalize(z, dim=1)
    n = z.shape[0]
    s = z @ z.t() / tau
    s.fill_diagonal_(float("-inf"))
    target = (torch.arange(n) + n // 2) % n
    return F.cross_entropy(s, target)


def lr_at(step, peak, warmup, total, final_fraction=0.01):
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (final_fraction + (1 - final_fraction) * 0.5 * (1 + math.cos(math.pi * progress)))


def fit_probe(train_x, train_y, classes, epochs, l2, seed):
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    layer = nn.Linear(train_x.shape[1], classes)
    nn.init.xavier_uniform_(layer.weight)
    nn.init.zeros_(layer.bias)
    opt = torch.optim.Adam(layer.parameters(), 1e-2)
    steps = epochs * ((len(train_x) + 255) // 256)
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 0.5 * (1 + math.cos(math.pi * min(k, steps) / steps)))
    for _ in range(epochs):
        order = torch.randperm(len(train_x), generator=g)
        for i in range(0, len(order), 256):
            rows = order[i:i + 256]
            opt.zero_grad()
            loss = F.cross_entropy(layer(train_x[rows]), train_y[rows]) + 0.5 * l2 * (layer.weight ** 2).sum()
            loss.backward()
            opt.step()
            schedule.step()
    return layer


def linear_probe(train_x, train_y, test_x, test_y, classes, epochs, seed):
    """As the Java LinearProbe: standardise, choose L2 (DL4J's lambda/2 ||W||^2) on a validation fifth, refit on all."""
    mean, std = train_x.mean(0), train_x.std(0)
    std[std == 0] = 1
    train_x, test_x = (train_x - mean) / std, (test_x - mean) / std
    order = torch.randperm(len(train_x), generator=torch.Generator().manual_seed(seed))
    held = max(1, round(0.2 * len(train_x)))
    fit_rows, val_rows = order[held:], order[:held]
    best, best_accuracy = None, -1.0
    with torch.enable_grad():
        for l2 in (1e-3, 1e-2, 1e-1):
            layer = fit_probe(train_x[fit_rows], train_y[fit_rows], classes, epochs, l2, seed)
            with torch.no_grad():
                accuracy = (layer(train_x[val_rows]).argmax(1) == train_y[val_rows]).float().mean().item()
            if accuracy >= best_accuracy:
                best, best_accuracy = l2, accuracy
        layer = fit_probe(train_x, train_y, classes, epochs, best, seed)
    with torch.no_grad():
        return (layer(test_x).argmax(1) == test_y).float().mean().item()


def nearest_neighbour(train_x, train_y, test_x, test_y):
    a, b = F.normalize(train_x, dim=1), F.normalize(test_x, dim=1)
    return (train_y[(b @ a.t()).argmax(1)] == test_y).float().mean().item()


def scores(features, probe_x, probe_y, test_x, test_y, classes, epochs, seed):
    with torch.no_grad():
        fit, held = features(probe_x), features(test_x)
    return {"linearProbe": linear_probe(fit, probe_y, held, test_y, classes, epochs, seed),
            "knnTop1": nearest_neighbour(fit, probe_y, held, test_y)}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", required=True)
    p.add_argument("--steps", type=int, default=1500)
    p.add_argument("--batch", type=int, default=128, help="images per batch (2x views)")
    p.add_argument("--temperature", type=float, default=0.2)
    p.add_argument("--lr", type=float, default=5e-3)
    p.add_argument("--warmup-steps", type=int, default=None, help="default: 5%% of the steps")
    p.add_argument("--weight-decay", type=float, default=1e-5)
    p.add_argument("--filters", type=int, default=32)
    p.add_argument("--feature-dim", type=int, default=256)
    p.add_argument("--projection-dim", type=int, default=64)
    p.add_argument("--order", choices=["bn-pool", "pool-bn"], default="pool-bn",
                   help="conv, batch norm, ReLU, max pool (bn-pool) or conv, max pool, batch norm, ReLU (pool-bn)")
    p.add_argument("--features", choices=["dense", "conv", "concat"], default="concat",
                   help="evaluate the head's first dense layer, the flattened pooled conv maps, or both side by side (default, as the Java example)")
    p.add_argument("--min-crop", type=float, default=None, help="default 0.35 grey, 0.2 colour")
    p.add_argument("--flip", choices=["on", "off"], default="off")
    p.add_argument("--blur", type=float, default=0.0)
    p.add_argument("--noise", type=float, default=0.0)
    p.add_argument("--train-size", type=int, default=None)
    p.add_argument("--test-size", type=int, default=None)
    p.add_argument("--probe-size", type=int, default=5000)
    p.add_argument("--probe-epochs", type=int, default=30)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", default=None, help="write the figures as JSON here")
    p.add_argument("--save-features", default=None, help="write the trained encoder's probe and test features (.npz) here")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    x_train, y_train, x_test, y_test, colour = load(a.data_dir)
    if a.train_size:
        x_train, y_train = x_train[:a.train_size], y_train[:a.train_size]
    if a.test_size:
        x_test, y_test = x_test[:a.test_size], y_test[:a.test_size]
    to = lambda x: torch.tensor(np.ascontiguousarray(x), dtype=torch.float32)
    x_train, x_test = to(x_train), to(x_test)
    y_train, y_test = torch.tensor(y_train.astype(np.int64)), torch.tensor(y_test.astype(np.int64))
    classes = int(max(y_train.max(), y_test.max())) + 1
    probe_x, probe_y = x_train[:a.probe_size], y_train[:a.probe_size]
    n, c, h, w = x_train.shape
    print("data: %d training, %d test images of %dx%dx%d" % (n, len(x_test), c, h, w), flush=True)

    augment = Augmentation(colour, a.min_crop or (0.2 if colour else 0.35), a.flip == "on",
                           0.0 if colour else a.blur, 0.0 if colour else a.noise)
    model = Encoder(c, h, a.filters, a.feature_dim, a.feature_dim, a.projection_dim, a.order == "pool-bn")
    flat = lambda x: x.reshape(len(x), -1)
    def representation(x):
        maps = model.body[:8](x).flatten(1)
        if a.features == "conv":
            return maps
        dense = model.body[8:](maps)
        return dense if a.features == "dense" else torch.cat([maps, dense], 1)
    encoder_features = lambda x: torch.cat([representation(x[i:i + 1000]) for i in range(0, len(x), 1000)])
    results = {"rawPixels": scores(flat, probe_x, probe_y, x_test, y_test, classes, a.probe_epochs, a.seed)}
    model.eval()
    results["randomInit"] = scores(encoder_features, probe_x, probe_y, x_test, y_test, classes, a.probe_epochs, a.seed)
    print("raw pixels: %s; random init: %s" % (results["rawPixels"], results["randomInit"]), flush=True)

    decay, no_decay = [], []
    for name, param in model.named_parameters():
        (decay if param.dim() > 1 else no_decay).append(param)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay}, {"params": no_decay, "weight_decay": 0}],
                            lr=a.lr)
    warmup = a.warmup_steps if a.warmup_steps is not None else max(1, a.steps // 20)
    g = torch.Generator().manual_seed(a.seed)
    model.train()
    start, losses, step = time.time(), [], 0
    while step < a.steps:
        order = torch.randperm(n, generator=g)
        for i in range(0, n - a.batch + 1, a.batch):
            if step == a.steps:
                break
            images = x_train[order[i:i + a.batch]]
            views = torch.cat([augment(images, g), augment(images, g)])
            for group in opt.param_groups:
                group["lr"] = lr_at(step, a.lr, warmup, a.steps)
            opt.zero_grad()
            loss = nt_xent(model(views), a.temperature)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            step += 1
            if step % 100 == 0 or step == a.steps:
                elapsed = time.time() - start
                print("step %d/%d loss %.4f %.0f views/s" % (step, a.steps, loss.item(), 2 * a.batch * step / elapsed),
                      flush=True)
    train_seconds = time.time() - start
    model.eval()
    results["trained"] = scores(encoder_features, probe_x, probe_y, x_test, y_test, classes, a.probe_epochs, a.seed)
    if a.save_features:
        with torch.no_grad():
            np.savez(a.save_features, probe_x=encoder_features(probe_x).numpy(), probe_y=probe_y.numpy(),
                     test_x=encoder_features(x_test).numpy(), test_y=y_test.numpy())
    results.update({"settings": vars(a), "trainSeconds": train_seconds,
                    "viewsPerSecond": 2 * a.batch * a.steps / train_seconds, "finalLoss": float(np.mean(losses[-50:]))})
    print(json.dumps({k: results[k] for k in ("rawPixels", "randomInit", "trained", "trainSeconds", "viewsPerSecond",
                                               "finalLoss")}))
    if a.out:
        with open(a.out, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
