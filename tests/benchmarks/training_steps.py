"""PyTorch baseline of TrainingStepBenchmark: the same training steps, timed the same way, on the same 2 cores.

Run with Debian's Python (torch 1.13), not a virtualenv's:

    /usr/bin/python3 tests/benchmarks/training_steps.py

Times, in ms per step (mean over the measured steps, after warm-up steps), float32, torch.set_num_threads(2):
- lossAlone: NT-Xent (tau 0.5) forward + backward on Gaussian [B, d] rows with SimCLR's layout (rows i and i + B/2
  are two views), B = 1024, d = 128;
- layer: one training step (forward, backward, Adam 1e-3) of a Linear(d, d) layer ending in that loss;
- simclr: one training step (Adam 2e-3) of the simclr-image network (the example's reference encoder: two
  conv-maxpool-BN-ReLU blocks of 32 and 64 filters, a 256-unit layer with BN and ReLU, a 256-unit ReLU layer and a
  64-unit projection) on 2N = 256 uniform random 1x28x28 views, NT-Xent tau 0.2; augmentation excluded (the batch
  is ready in memory), as in the Java benchmark.
"""
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(42)


def nt_xent(z, tau):
    """NT-Xent over rows whose positive is the row B/2 away (SimCLR's layout), mean over the B anchors."""
    z = F.normalize(z, dim=1)
    n = z.shape[0]
    s = z @ z.t() / tau
    s.fill_diagonal_(float("-inf"))
    target = (torch.arange(n) + n // 2) % n
    return F.cross_entropy(s, target)


def simclr_network(filters=32, features=256, hidden=256, projection=64, side=28):
    block = lambda cin, cout: [nn.Conv2d(cin, cout, 3, padding=1), nn.MaxPool2d(2), nn.BatchNorm2d(cout), nn.ReLU()]
    return nn.Sequential(*block(1, filters), *block(filters, 2 * filters), nn.Flatten(),
                         nn.Linear(2 * filters * (side // 4) ** 2, features), nn.BatchNorm1d(features), nn.ReLU(),
                         nn.Linear(features, hidden), nn.ReLU(), nn.Linear(hidden, projection))


def timed(step, warmup, measured, repeats=3):
    """ms per step of each repeat (warm-up steps first)."""
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(measured):
            step()
        times.append((time.perf_counter() - start) * 1e3 / measured)
    return times


def main():
    b, d = 1024, 128
    x = torch.randn(b, d)

    z = torch.randn(b, d, requires_grad=True)

    def loss_alone():
        z.grad = None
        nt_xent(z, 0.5).backward()

    layer = nn.Linear(d, d)
    layer_opt = torch.optim.Adam(layer.parameters(), 1e-3)

    def layer_step():
        layer_opt.zero_grad()
        nt_xent(layer(x), 0.5).backward()
        layer_opt.step()

    net = simclr_network()
    net.train()
    views = torch.rand(256, 1, 28, 28)
    net_opt = torch.optim.Adam(net.parameters(), 2e-3)

    def simclr_step():
        net_opt.zero_grad()
        nt_xent(net(views), 0.2).backward()
        net_opt.step()

    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    for name, step, warmup, measured in [("lossAlone B=1024 d=128", loss_alone, 20, 50),
                                         ("layer step B=1024 d=128", layer_step, 20, 50),
                                         ("simclr step 256 views", simclr_step, 5, 20)]:
        times = timed(step, warmup, measured)
        print(f"{name}: " + ", ".join(f"{t:.1f}" for t in times) + f" ms per step (mean {sum(times) / len(times):.1f})")


if __name__ == "__main__":
    main()
