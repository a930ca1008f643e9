#!/usr/bin/env python3
"""Checks the committed multi-similarity reference vectors against pytorch-metric-learning's own MultiSimilarityLoss
(and, for the mined case, its MultiSimilarityMiner): per-anchor losses, the mean PML reports and its gradient, to
1e-9 relative in float64. The vectors are what the Java tests compare the library with (ReferenceValuesTest), so
this binds the library to PML through them.

pytorch-metric-learning is not a dependency of anything here; this check needs a copy of its source (any recent
release, e.g. a clone of github.com/KevinMusgrave/pytorch-metric-learning) and Debian's python3-torch and
python3-tqdm:

    PYTHONPATH=/path/to/pytorch-metric-learning/src /usr/bin/python3 dl4j-losses/src/test/python/check_against_pml.py
"""
import json
import os
import sys

import torch
from pytorch_metric_learning.losses import MultiSimilarityLoss
from pytorch_metric_learning.miners import MultiSimilarityMiner
from pytorch_metric_learning.reducers import DoNothingReducer

torch.set_default_dtype(torch.float64)
REFERENCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "reference")
CASES = ["multisim_classes_default", "multisim_simclr_a1_b10_l03", "multisim_mined_classes_e01"]
TOLERANCE = 1e-9


def close(a, b):
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b)) + 1e-15


def check(name):
    with open(os.path.join(REFERENCE, name + ".json")) as f:
        doc = json.load(f)
    labels = torch.tensor(doc["labels"])
    params = dict(alpha=doc["alpha"], beta=doc["beta"], base=doc["base"])
    miner = MultiSimilarityMiner(epsilon=doc["epsilon"]) if "epsilon" in doc else None

    def run(reducer):
        z = torch.tensor(doc["embeddings"], requires_grad=True)
        loss_fn = MultiSimilarityLoss(**params) if reducer is None else MultiSimilarityLoss(reducer=reducer, **params)
        pairs = miner(z, labels) if miner is not None else None
        return z, loss_fn(z, labels, pairs)

    _, per_anchor = run(DoNothingReducer())
    z, mean = run(None)   # PML's default reducer (the mean over anchors)
    mean.backward()
    rows = per_anchor["loss"]["losses"].flatten().tolist()   # DoNothingReducer hands back PML's loss dictionary
    count = len(rows)
    grad = (z.grad * count).flatten().tolist()   # the vectors hold the gradient of the sum of rows
    expected_grad = [g for row in doc["grad_embeddings"] for g in row]
    if len(rows) != len(doc["rowLoss"]) or len(grad) != len(expected_grad):
        print(f"{name}: PML gave {len(rows)} rows and {len(grad)} gradient entries, the reference "
              f"{len(doc['rowLoss'])} and {len(expected_grad)}")
        return False
    failures = [f"row {i}: PML {a!r}, reference {b!r}" for i, (a, b) in enumerate(zip(rows, doc["rowLoss"])) if not close(a, b)]
    if not close(mean.item(), doc["meanLoss"]):
        failures.append(f"mean: PML {mean.item()!r}, reference {doc['meanLoss']!r}")
    scale = max(abs(g) for g in expected_grad)
    failures += [f"gradient entry {i}: PML {a!r}, reference {b!r}" for i, (a, b) in enumerate(zip(grad, expected_grad))
                 if abs(a - b) > TOLERANCE * scale]
    print(f"{name}: PML mean {mean.item():.12f}, reference {doc['meanLoss']:.12f}: "
          + ("agree" if not failures else "DIFFER\n  " + "\n  ".join(failures)))
    return not failures


if __name__ == "__main__":
    sys.exit(0 if all([check(name) for name in CASES]) else 1)
