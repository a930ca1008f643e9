#!/usr/bin/env python3
"""Reference values for the classic metric-learning losses, computed independently with PyTorch (float64, autograd).

Each loss is written the plain way, one pair or triplet at a time, from its paper's formula with the defaults and
reductions of pytorch-metric-learning (Euclidean distance of L2-normalised embeddings; averages over the non-zero
terms or over pairs), so it shares nothing with the library's vectorised, analytic-gradient implementation. Output:
one JSON file per case in ../resources/reference/. Reproduce with Debian's python3-torch (PyTorch 1.13, CPU):

    /usr/bin/python3 dl4j-losses/src/test/python/make_classic_reference_vectors.py

Cases over one labelled batch hold "rowLoss" (each anchor's share of the loss: its terms divided by the batch's
normaliser), "valid", "loss" (their sum) and "grad_embeddings" (of the loss). Pair-input cases (N-pair, NCE) hold
"rowLoss" (each anchor's loss), "meanLoss" and the gradient of the sum of row losses for every input.
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "reference")


def unit(z):
    return z / z.norm(dim=1, keepdim=True)


def dist(u, i, j):
    return (u[i] - u[j]).norm()


def positives(y, i):
    return [p for p in range(len(y)) if p != i and y[p] == y[i]]


def negatives(y, i):
    return [n for n in range(len(y)) if y[n] != y[i]]


def avg_non_zero(terms):
    """pytorch-metric-learning's AvgNonZeroReducer: the sum over the count of terms > 0 (0 when there is none)."""
    count = sum(1 for t in terms if float(t) > 0)
    return max(count, 1)


def contrastive(z, y, pos_margin, neg_margin, normalize):
    u = unit(z) if normalize else z
    pos = {i: [torch.relu(dist(u, i, p) - pos_margin) for p in positives(y, i)] for i in range(len(y))}
    neg = {i: [torch.relu(neg_margin - dist(u, i, n)) for n in negatives(y, i)] for i in range(len(y))}
    pos_count = avg_non_zero([t for ts in pos.values() for t in ts])
    neg_count = avg_non_zero([t for ts in neg.values() for t in ts])
    rows = [sum(pos[i], torch.zeros(())) / pos_count + sum(neg[i], torch.zeros(())) / neg_count for i in range(len(y))]
    valid = [int(bool(positives(y, i) or negatives(y, i))) for i in range(len(y))]
    return rows, valid


def triplet_all(z, y, margin, normalize):
    u = unit(z) if normalize else z
    terms = {i: [torch.relu(dist(u, i, p) - dist(u, i, n) + margin) for p in positives(y, i) for n in negatives(y, i)]
             for i in range(len(y))}
    count = avg_non_zero([t for ts in terms.values() for t in ts])
    rows = [sum(terms[i], torch.zeros(())) / count for i in range(len(y))]
    return rows, [int(bool(positives(y, i) and negatives(y, i))) for i in range(len(y))]


def triplet_batch_hard(z, y, margin, normalize):
    u = unit(z) if normalize else z
    terms = []
    for i in range(len(y)):
        if not positives(y, i) or not negatives(y, i):
            terms.append(torch.zeros(()))
            continue
        hardest_positive = max((dist(u, i, p) for p in positives(y, i)), key=float)
        hardest_negative = min((dist(u, i, n) for n in negatives(y, i)), key=float)
        terms.append(torch.relu(hardest_positive - hardest_negative + margin))
    count = avg_non_zero(terms)
    return [t / count for t in terms], [int(bool(positives(y, i) and negatives(y, i))) for i in range(len(y))]


def lifted(z, y, neg_margin, pos_margin, normalize):
    """Song et al. 2016, smooth form: per ordered positive pair, 1/2 [log(sum over negatives of both ends) + d - m_p]_+^2,
    mean over the ordered positive pairs."""
    u = unit(z) if normalize else z
    pairs = [(i, j) for i in range(len(y)) for j in positives(y, i)]
    rows = [torch.zeros(()) for _ in y]
    for i, j in pairs:
        exps = [torch.exp(neg_margin - dist(u, i, k)) for k in negatives(y, i)]
        exps += [torch.exp(neg_margin - dist(u, j, l)) for l in negatives(y, j)]
        joint = torch.log(sum(exps)) + dist(u, i, j) - pos_margin
        rows[i] = rows[i] + 0.5 * torch.relu(joint) ** 2 / len(pairs)
    return rows, [int(bool(positives(y, i) and negatives(y, i))) for i in range(len(y))]


def npairs(a, p, ids, normalize):
    """Sohn 2016: cross-entropy of anchor i over its similarity to every positive; positives of its class but not its
    own (with ids) are left out."""
    s = unit(a) @ unit(p).T if normalize else a @ p.T
    rows = []
    for i in range(a.shape[0]):
        logits = torch.stack([s[i, j] for j in range(a.shape[0]) if j == i or ids is None or ids[j] != ids[i]])
        own = [j for j in range(a.shape[0]) if j == i or ids is None or ids[j] != ids[i]].index(i)
        rows.append(-torch.log(torch.softmax(logits, 0)[own]))
    return rows


def nce(a, p, noise, log_q_pos, log_q_noise, per_anchor, tau, normalize):
    """Gutmann & Hyvarinen 2010: -log sigma(G+) - sum_j log(1 - sigma(G_j-)), G = s/tau - log(k q)."""
    ua, up, un = (unit(a), unit(p), unit(noise)) if normalize else (a, p, noise)
    rows = []
    for i in range(a.shape[0]):
        owned = range(i * per_anchor, (i + 1) * per_anchor) if per_anchor else range(noise.shape[0])
        log_k = math.log(len(owned))
        g_pos = ua[i] @ up[i] / tau - log_k - log_q_pos[i]
        loss = -torch.log(torch.sigmoid(g_pos))
        for j in owned:
            g_neg = ua[i] @ un[j] / tau - log_k - log_q_noise[j]
            loss = loss - torch.log(1 - torch.sigmoid(g_neg))
        rows.append(loss)
    return rows


def write(name, doc):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1)


def save_batch(name, z, y, rows, valid, params):
    total = sum(rows)
    (grad,) = torch.autograd.grad(total, [z])
    doc = dict(params, name=name, embeddings=z.detach().tolist(), labels=y, rowLoss=[float(r) for r in rows],
               valid=valid, loss=float(total), grad_embeddings=grad.tolist())
    write(name, doc)
    print(f"{name}: loss {float(total):.6f}")


def save_pairs(name, inputs, rows, params):
    total = sum(rows)
    grads = torch.autograd.grad(total, list(inputs.values()))
    doc = dict(params, name=name, rowLoss=[float(r) for r in rows], meanLoss=float(total) / len(rows))
    for (key, value), g in zip(inputs.items(), grads):
        doc[key] = value.detach().tolist()
        doc["grad_" + key] = g.tolist()
    write(name, doc)
    print(f"{name}: mean loss {doc['meanLoss']:.6f}")


def main():
    os.makedirs(OUT, exist_ok=True)
    g = torch.Generator().manual_seed(20261201)
    classes = [0, 0, 0, 1, 1, 2, 2, 3]          # id 3 has no positive: a negative only
    for name, fn, args, params in [
        ("contrastive_default", contrastive, (0.0, 1.0, True), {"positiveMargin": 0.0, "negativeMargin": 1.0, "normalize": True}),
        ("contrastive_raw_m05_m3", contrastive, (0.5, 3.0, False), {"positiveMargin": 0.5, "negativeMargin": 3.0, "normalize": False}),
        ("triplet_all_default", triplet_all, (0.05, True), {"margin": 0.05, "batchHard": False, "normalize": True}),
        ("triplet_all_raw_m1", triplet_all, (1.0, False), {"margin": 1.0, "batchHard": False, "normalize": False}),
        ("triplet_batchhard_default", triplet_batch_hard, (0.05, True), {"margin": 0.05, "batchHard": True, "normalize": True}),
        ("triplet_batchhard_raw_m05", triplet_batch_hard, (0.5, False), {"margin": 0.5, "batchHard": True, "normalize": False}),
        ("lifted_default", lifted, (1.0, 0.0, True), {"negativeMargin": 1.0, "positiveMargin": 0.0, "normalize": True}),
        ("lifted_raw_m2_m05", lifted, (2.0, 0.5, False), {"negativeMargin": 2.0, "positiveMargin": 0.5, "normalize": False}),
    ]:
        z = torch.randn(8, 5, generator=g).requires_grad_()
        rows, valid = fn(z, classes, *args)
        save_batch(name, z, classes, rows, valid, params)

    ids = [0, 0, 1, 2, 3, 4]
    for name, with_ids, normalize in [("npairs_cosine", False, True), ("npairs_ids_dot", True, False)]:
        a = torch.randn(6, 5, generator=g).requires_grad_()
        p = torch.randn(6, 5, generator=g).requires_grad_()
        params = {"normalize": normalize}
        if with_ids:
            params["labels"] = ids
        save_pairs(name, {"queries": a, "keys": p}, npairs(a, p, ids if with_ids else None, normalize), params)

    for name, per_anchor, tau, normalize in [("nce_shared_dot", 0, 1.0, False), ("nce_per_anchor_cosine_t02", 3, 0.2, True)]:
        a = torch.randn(6, 5, generator=g).requires_grad_()
        p = torch.randn(6, 5, generator=g).requires_grad_()
        noise = torch.randn(6 * per_anchor if per_anchor else 4, 5, generator=g).requires_grad_()
        log_q_pos = [math.log(x) for x in torch.rand(6, generator=g).mul(0.2).add(0.01).tolist()]
        log_q_noise = [math.log(x) for x in torch.rand(noise.shape[0], generator=g).mul(0.2).add(0.01).tolist()]
        save_pairs(name, {"anchors": a, "positives": p, "noise": noise},
                   nce(a, p, noise, log_q_pos, log_q_noise, per_anchor, tau, normalize),
                   {"logNoisePositives": log_q_pos, "logNoise": log_q_noise, "noisePerAnchor": per_anchor,
                    "temperature": tau, "normalize": normalize})


if __name__ == "__main__":
    main()
