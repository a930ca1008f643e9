#!/usr/bin/env python3
"""Reference values for dl4j-losses' tests, computed independently with PyTorch (float64, autograd).

Each loss is written here the plain way, one anchor and one pair at a time, straight from its paper's formula,
so it shares nothing with the library's vectorised, analytic-gradient implementation. Output: one JSON file per
case in ../resources/reference/. Reproduce with Debian's python3-torch (PyTorch 1.13, CPU):

    /usr/bin/python3 dl4j-losses/src/test/python/make_reference_vectors.py

Each file holds the inputs, every anchor's loss ("rowLoss", 0 for invalid anchors), the mean over valid anchors
("meanLoss") and the gradient of the sum of row losses with respect to each input ("grad_<input>").
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "reference")


def unit(z):
    return torch.nn.functional.normalize(z, dim=1)


def sims(a, b, normalize=True):
    if normalize:
        a, b = unit(a), unit(b)
    return a @ b.T


def hardest(candidates, similarity, hard):
    """The negatives kept by hard-negative selection (rule, value), decided on detached similarities; ties kept."""
    if hard is None or not candidates:
        return candidates
    rule, value = hard
    values = [float(similarity[c]) for c in candidates]
    if rule == "THRESHOLD":
        return [c for c, v in zip(candidates, values) if v >= value]
    n = len(values)
    k = min(int(value), n) if rule == "TOP_K" else max(1, math.ceil(value * n * (1 - 1e-6)))
    kth = sorted(values, reverse=True)[k - 1]
    return [c for c, v in zip(candidates, values) if v >= kth]


def ntxent_rows(z, y, tau, normalize=True, hard=None):
    s = sims(z, z, normalize)
    rows = []
    for i in range(len(y)):
        pos = [p for p in range(len(y)) if p != i and y[p] == y[i]]
        neg = hardest([n for n in range(len(y)) if y[n] != y[i]], s[i], hard)
        if not pos or not neg:
            rows.append(torch.zeros(()))
            continue
        terms = []
        for p in pos:
            num = torch.exp(s[i, p] / tau)
            den = num + sum(torch.exp(s[i, n] / tau) for n in neg)
            terms.append(-torch.log(num / den))
        rows.append(sum(terms) / len(pos))
    return rows


def supcon_rows(z, y, tau, normalize=True, hard=None):
    s = sims(z, z, normalize)
    rows = []
    for i in range(len(y)):
        pos = [p for p in range(len(y)) if p != i and y[p] == y[i]]
        neg = hardest([n for n in range(len(y)) if y[n] != y[i]], s[i], hard)
        if not pos or not neg:
            rows.append(torch.zeros(()))
            continue
        den = sum(torch.exp(s[i, k] / tau) for k in range(len(y)) if k in pos or k in neg)
        rows.append(-sum(torch.log(torch.exp(s[i, p] / tau) / den) for p in pos) / len(pos))
    return rows


def simple_rows(z, y, lam):
    """L_simple (Wang & Liu 2021): -mean_p s_ip + lambda * mean_n s_in on cosine similarities."""
    s = sims(z, z, True)
    rows = []
    for i in range(len(y)):
        pos = [p for p in range(len(y)) if p != i and y[p] == y[i]]
        neg = [n for n in range(len(y)) if y[n] != y[i]]
        if not pos or not neg:
            rows.append(torch.zeros(()))
            continue
        rows.append(-sum(s[i, p] for p in pos) / len(pos) + lam * sum(s[i, n] for n in neg) / len(neg))
    return rows


def circle_rows(z, y, m, gamma):
    s = sims(z, z, True)
    rows = []
    for i in range(len(y)):
        pos = [p for p in range(len(y)) if p != i and y[p] == y[i]]
        neg = [n for n in range(len(y)) if y[n] != y[i]]
        if not pos or not neg:
            rows.append(torch.zeros(()))
            continue
        lp = torch.stack([-gamma * torch.clamp(1 + m - s[i, p].detach(), min=0) * (s[i, p] - (1 - m)) for p in pos])
        ln = torch.stack([gamma * torch.clamp(s[i, n].detach() + m, min=0) * (s[i, n] - m) for n in neg])
        rows.append(torch.nn.functional.softplus(torch.logsumexp(ln, 0) + torch.logsumexp(lp, 0)))
    return rows


def infonce_rows(q, k, tau, negatives=None, ids=None, symmetric=False, normalize=True, hard=None):
    n = q.shape[0]
    s_qk = sims(q, k, normalize)
    s_qn = sims(q, negatives, normalize) if negatives is not None else None

    def direction(s, extra):
        rows = []
        for i in range(n):
            candidates = [s[i, j] for j in range(n) if j != i and (ids is None or ids[j] != ids[i])]
            if extra is not None:
                candidates += [extra[i, m] for m in range(extra.shape[1])]
            kept = hardest(list(range(len(candidates))), [float(c) for c in candidates], hard)
            logits = [s[i, i] / tau] + [candidates[c] / tau for c in kept]
            if len(logits) == 1:
                rows.append(torch.zeros(()))
                continue
            logits = torch.stack(logits)
            rows.append(-(logits[0] - torch.logsumexp(logits, 0)))
        return rows

    rows = direction(s_qk, s_qn)
    if symmetric:
        back = direction(s_qk.T, None)
        rows = [(a + b) / 2 for a, b in zip(rows, back)]
    return rows


def moco_rows(q, k, queue, ids, queue_ids, tau):
    """InfoNCE with a memory queue (MoCo): query i against its key, the other keys and the queued keys, leaving out
    keys and queue entries with its id; the queue is a constant."""
    s_qk, s_qm = sims(q, k), sims(q, queue)
    rows = []
    for i in range(q.shape[0]):
        logits = [s_qk[i, i] / tau]
        logits += [s_qk[i, j] / tau for j in range(q.shape[0]) if j != i and ids[j] != ids[i]]
        logits += [s_qm[i, m] / tau for m in range(len(queue_ids)) if queue_ids[m] != ids[i]]
        logits = torch.stack(logits)
        rows.append(-(logits[0] - torch.logsumexp(logits, 0)))
    return rows


def ntxent_queue_rows(z, y, queue, queue_ids, tau):
    """NT-Xent with a memory queue (cross-batch memory): queued entries with another id are extra negatives."""
    s, s_m = sims(z, z), sims(z, queue)
    rows = []
    for i in range(len(y)):
        pos = [p for p in range(len(y)) if p != i and y[p] == y[i]]
        neg = [torch.exp(s[i, n] / tau) for n in range(len(y)) if y[n] != y[i]]
        neg += [torch.exp(s_m[i, m] / tau) for m in range(len(queue_ids)) if queue_ids[m] != y[i]]
        terms = [-torch.log(torch.exp(s[i, p] / tau) / (torch.exp(s[i, p] / tau) + sum(neg))) for p in pos]
        rows.append(sum(terms) / len(pos))
    return rows


def clip_rows(a, b, log_scale, max_scale):
    """CLIP's symmetric loss with a learnable logit scale: s = min(exp(t), max_scale), logits s · cos(a_i, b_j)."""
    logits = torch.clamp(torch.exp(log_scale), max=max_scale) * sims(a, b)
    rows = []
    for i in range(a.shape[0]):
        image = -(logits[i, i] - torch.logsumexp(logits[i, :], 0))
        text = -(logits[i, i] - torch.logsumexp(logits[:, i], 0))
        rows.append((image + text) / 2)
    return rows


def dcl_rows(z, y, tau, sigma=None):
    """DCL (Yeh et al. 2022): -w_ip s_ip/tau + log sum_n e^{s_in/tau}, mean over the anchor's positives; w = 1, or for
    DCLW w = 2 - M softmax(s/sigma) over the M ordered positive pairs of valid anchors (the authors' code does not
    detach it). With two views, M = 2N and each similarity appears twice: the paper's 2 - N softmax_i(s_ii'/sigma)."""
    s = sims(z, z, True)
    valid = pairwise_valid(y)
    pairs = [(i, p) for i in range(len(y)) if valid[i] for p in range(len(y)) if p != i and y[p] == y[i]]
    weight = {pair: torch.ones(()) for pair in pairs}
    if sigma is not None:
        soft = torch.softmax(torch.stack([s[i, p] / sigma for i, p in pairs]), 0)
        weight = {pair: 2 - len(pairs) * soft[k] for k, pair in enumerate(pairs)}
    rows = []
    for i in range(len(y)):
        if not valid[i]:
            rows.append(torch.zeros(()))
            continue
        pos = [p for p in range(len(y)) if p != i and y[p] == y[i]]
        neg = torch.stack([s[i, n] / tau for n in range(len(y)) if y[n] != y[i]])
        rows.append(sum(-weight[(i, p)] * s[i, p] / tau for p in pos) / len(pos) + torch.logsumexp(neg, 0))
    return rows


def dclw_paper_two_views(z, tau, sigma):
    """DCLW exactly as the authors' code writes it for views z1 = z[:N], z2 = z[N:], both directions, per anchor."""
    u = unit(z)
    n = u.shape[0] // 2
    z1, z2 = u[:n], u[n:]
    weight = 2 - n * torch.softmax((z1 * z2).sum(1) / sigma, 0)
    rows = []
    for a, b in ((z1, z2), (z2, z1)):
        for i in range(n):
            neg = torch.stack([a[i] @ a[k] / tau for k in range(n) if k != i] + [a[i] @ b[k] / tau for k in range(n) if k != i])
            rows.append(-weight[i] * (a[i] @ b[i]) / tau + torch.logsumexp(neg, 0))
    return rows


def debiased_rows(z, y, tau, tau_plus, beta):
    """Debiased contrastive loss (Chuang et al. 2020) and HCL (Robinson et al. 2021) as Robinson et al.'s code writes
    it: imp = neg^beta, Ng = max((sum imp*neg / mean imp - tau_plus * n * pos) / (1 - tau_plus), n e^{-1/tau}), loss
    -log(pos / (pos + Ng)); nothing detached. Mean over the anchor's positives."""
    s = sims(z, z, True)
    rows = []
    for i in range(len(y)):
        pos = [p for p in range(len(y)) if p != i and y[p] == y[i]]
        negs = [n for n in range(len(y)) if y[n] != y[i]]
        if not pos or not negs:
            rows.append(torch.zeros(()))
            continue
        neg = torch.stack([torch.exp(s[i, n] / tau) for n in negs])
        imp = (beta * neg.log()).exp()
        reweight_neg = (imp * neg).sum() / imp.mean()
        terms = []
        for p in pos:
            e_pos = torch.exp(s[i, p] / tau)
            ng = (-tau_plus * len(negs) * e_pos + reweight_neg) / (1 - tau_plus)
            ng = torch.clamp(ng, min=len(negs) * math.e ** (-1 / tau))
            terms.append(-torch.log(e_pos / (e_pos + ng)))
        rows.append(sum(terms) / len(terms))
    return rows


def multisim_rows(z, y, alpha, beta, base, epsilon=None):
    """Multi-similarity (Wang et al. 2019): (1/alpha) log(1 + sum_p e^{-alpha(s-base)}) + (1/beta) log(1 + sum_n
    e^{beta(s-base)}), an empty sum being 0; pytorch-metric-learning's mean reducer averages over all anchors. With
    epsilon, the multi-similarity miner's pairs only (Wang et al. Sec. 3.3): positives with s_ip - eps < max_n s_in,
    negatives with s_in + eps > min_p s_ip, decided on detached similarities."""
    s = sims(z, z, True)
    rows = []
    for i in range(len(y)):
        pos = [p for p in range(len(y)) if p != i and y[p] == y[i]]
        neg = [n for n in range(len(y)) if y[n] != y[i]]
        if epsilon is not None:
            hardest_neg = max((float(s[i, n]) for n in neg), default=-math.inf)
            easiest_pos = min((float(s[i, p]) for p in pos), default=math.inf)
            pos, neg = ([p for p in pos if float(s[i, p]) - epsilon < hardest_neg],
                        [n for n in neg if float(s[i, n]) + epsilon > easiest_pos])
        row = torch.zeros(())
        if pos:
            row = row + torch.log(1 + sum(torch.exp(-alpha * (s[i, p] - base)) for p in pos)) / alpha
        if neg:
            row = row + torch.log(1 + sum(torch.exp(beta * (s[i, n] - base)) for n in neg)) / beta
        rows.append(row)
    return rows


def siglip_rows(images, texts, t, b):
    """SigLIP (Zhai et al. 2023, its pseudo-code): logits = t * cos(img_i, txt_j) + b, labels 2*eye - 1, row i's loss
    -sum_j log sigmoid(label_ij * logit_ij); the loss is their sum over N."""
    logits = t * sims(images, texts) + b
    labels = 2 * torch.eye(images.shape[0]) - 1
    return list(-torch.nn.functional.logsigmoid(labels * logits).sum(1))


def save(name, inputs, rows, valid, params):
    total = sum(rows)
    grads = torch.autograd.grad(total, [v for v in inputs.values()], allow_unused=True)
    count = sum(valid)
    doc = dict(params)
    doc["name"] = name
    for key, value in inputs.items():
        doc[key] = value.detach().tolist()
    for key, g in zip(inputs.keys(), grads):
        doc["grad_" + key] = (g if g is not None else torch.zeros_like(inputs[key])).tolist()
    doc["rowLoss"] = [float(r) for r in rows]
    doc["valid"] = valid
    doc["meanLoss"] = float(total) / count if count else 0.0
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
    print(f"{name}: mean loss {doc['meanLoss']:.6f} over {count} valid anchors")


def pairwise_valid(y):
    return [int(any(p != i and y[p] == y[i] for p in range(len(y))) and any(y[n] != y[i] for n in range(len(y))))
            for i in range(len(y))]


def metrics(z, y, taus):
    """Alignment and uniformity as in Wang & Isola's code (pdist), tolerance and hardness profile pair by pair."""
    u = unit(z)
    n = len(y)
    pos = [(i, j) for i in range(n) for j in range(n) if i != j and y[i] == y[j]]
    doc = {"alignment": float(sum((u[i] - u[j]).norm() ** 2 for i, j in pos) / len(pos)),
           "alignment_alpha1": float(sum((u[i] - u[j]).norm() for i, j in pos) / len(pos)),
           "uniformity": float(torch.pdist(u, p=2).pow(2).mul(-2).exp().mean().log()),
           "uniformity_t1": float(torch.pdist(u, p=2).pow(2).mul(-1).exp().mean().log()),
           "tolerance": float(sum(u[i] @ u[j] for i, j in pos) / len(pos))}
    for tau in taus:
        entropies, effective, top1, top10 = [], [], [], []
        for i in range(n):
            neg = [j for j in range(n) if y[j] != y[i]]
            if not neg:
                continue
            s = torch.stack([u[i] @ u[j] for j in neg])
            w = torch.softmax(s / tau, 0)
            h = -(w * torch.log(w)).sum()
            entropies.append(float(h))
            effective.append(math.exp(float(h)))
            ranked = torch.sort(w, descending=True).values
            top1.append(float(ranked[:max(1, math.ceil(0.01 * len(neg)))].sum()))
            top10.append(float(ranked[:max(1, math.ceil(0.1 * len(neg)))].sum()))
        doc[f"hardness_{tau}"] = [sum(entropies) / len(entropies), sum(effective) / len(effective),
                                  sum(top1) / len(top1), sum(top10) / len(top10), len(entropies)]
    return doc


def hard_valid(z, y, hard):
    s = sims(z, z, True)
    return [int(any(p != i and y[p] == y[i] for p in range(len(y)))
                and bool(hardest([n for n in range(len(y)) if y[n] != y[i]], s[i], hard))) for i in range(len(y))]


def main():
    os.makedirs(OUT, exist_ok=True)
    g = torch.Generator().manual_seed(20261122)
    simclr = [0, 1, 2, 3, 0, 1, 2, 3]
    classes = [0, 0, 0, 1, 1, 2, 2, 3]          # id 3 has no positive: an invalid anchor
    for name, y, tau, normalize in [("ntxent_simclr_t05", simclr, 0.5, True),
                                    ("ntxent_classes_t01", classes, 0.1, True),
                                    ("ntxent_dot_t1", classes, 1.0, False)]:
        z = torch.randn(8, 5, generator=g).requires_grad_()
        save(name, {"embeddings": z}, ntxent_rows(z, y, tau, normalize), pairwise_valid(y),
             {"labels": y, "temperature": tau, "normalize": normalize})
    for name, y, tau, normalize in [("supcon_classes_t01", classes, 0.1, True),
                                    ("supcon_simclr_t05", simclr, 0.5, True),
                                    ("supcon_dot_t1", classes, 1.0, False)]:
        z = torch.randn(8, 5, generator=g).requires_grad_()
        save(name, {"embeddings": z}, supcon_rows(z, y, tau, normalize), pairwise_valid(y),
             {"labels": y, "temperature": tau, "normalize": normalize})
    for name, y, m, gamma in [("circle_classes_default", classes, 0.25, 256.0),
                              ("circle_classes_m04_g32", classes, 0.4, 32.0)]:
        z = torch.randn(8, 5, generator=g).requires_grad_()
        save(name, {"embeddings": z}, circle_rows(z, y, m, gamma), pairwise_valid(y),
             {"labels": y, "margin": m, "gamma": gamma})
    ids = [0, 0, 1, 2, 3, 3]
    for name, tau, with_neg, with_ids, symmetric in [("infonce_t007", 0.07, False, False, False),
                                                     ("infonce_negatives_t05", 0.5, True, False, False),
                                                     ("infonce_ids_symmetric_t02", 0.2, False, True, True),
                                                     ("infonce_all_t01", 0.1, True, True, True)]:
        q = torch.randn(6, 5, generator=g).requires_grad_()
        k = torch.randn(6, 5, generator=g).requires_grad_()
        inputs = {"queries": q, "keys": k}
        negatives = None
        if with_neg:
            negatives = torch.randn(3, 5, generator=g).requires_grad_()
            inputs["negatives"] = negatives
        params = {"temperature": tau, "symmetric": symmetric}
        if with_ids:
            params["labels"] = ids
        rows = infonce_rows(q, k, tau, negatives, ids if with_ids else None, symmetric)
        save(name, inputs, rows, [1] * 6, params)

    # hard-negative selection (Wang & Liu 2021); the valid anchors are those left with a positive and a negative
    for name, rows_of, y, tau, hard in [("ntxent_hard_topk3_t02", ntxent_rows, classes, 0.2, ("TOP_K", 3)),
                                        ("supcon_hard_threshold_t01", supcon_rows, classes, 0.1, ("THRESHOLD", 0.0)),
                                        ("supcon_hard_topfraction_t05", supcon_rows, simclr, 0.5, ("TOP_FRACTION", 0.3))]:
        z = torch.randn(8, 5, generator=g).requires_grad_()
        rows = rows_of(z, y, tau, True, hard)
        save(name, {"embeddings": z}, rows, hard_valid(z, y, hard),
             {"labels": y, "temperature": tau, "normalize": True, "hardRule": hard[0], "hardValue": hard[1]})
    q = torch.randn(6, 5, generator=g).requires_grad_()
    k = torch.randn(6, 5, generator=g).requires_grad_()
    negatives = torch.randn(3, 5, generator=g).requires_grad_()
    hard = ("TOP_FRACTION", 0.3)
    save("infonce_hard_topfraction_t01", {"queries": q, "keys": k, "negatives": negatives},
         infonce_rows(q, k, 0.1, negatives, ids, True, hard=hard), [1] * 6,
         {"temperature": 0.1, "symmetric": True, "labels": ids, "hardRule": hard[0], "hardValue": hard[1]})
    for name, y, lam in [("simple_classes_l1", classes, 1.0), ("simple_simclr_l05", simclr, 0.5)]:
        z = torch.randn(8, 5, generator=g).requires_grad_()
        save(name, {"embeddings": z}, simple_rows(z, y, lam), pairwise_valid(y), {"labels": y, "lambda": lam})
    # representation metrics: 24 rows, 4 classes, one singleton class (an anchor without positives)
    z = torch.randn(24, 6, generator=g)
    y = [i % 4 for i in range(23)] + [4]
    taus = [1.0, 0.5, 0.2, 0.1, 0.05]
    doc = {"name": "metrics_b24", "embeddings": z.tolist(), "labels": y, "temperatures": taus}
    doc.update(metrics(z, y, taus))
    with open(os.path.join(OUT, "metrics_b24.json"), "w") as f:
        json.dump(doc, f, indent=1)
    print(f"metrics_b24: {[(k, v) for k, v in doc.items() if k not in ('embeddings', 'labels')]}")

    # memory queues and the learnable temperature: a generator of their own, so the cases above stay as they were
    g = torch.Generator().manual_seed(20261123)
    q = torch.randn(6, 5, generator=g).requires_grad_()
    k = torch.randn(6, 5, generator=g).requires_grad_()
    queue = torch.randn(7, 5, generator=g)
    queue_ids = [0, 3, 7, 8, 9, 10, 11]                 # 0 and 3 are ids of the batch: not their negatives
    save("moco_queue_t007", {"queries": q, "keys": k}, moco_rows(q, k, queue, ids, queue_ids, 0.07), [1] * 6,
         {"temperature": 0.07, "labels": ids, "queue": queue.tolist(), "queueIds": queue_ids})
    z = torch.randn(8, 5, generator=g).requires_grad_()
    queue = torch.randn(6, 5, generator=g)
    queue_ids = [1, 2, 5, 6, 7, 1]
    save("ntxent_queue_t05", {"embeddings": z}, ntxent_queue_rows(z, simclr, queue, queue_ids, 0.5), [1] * 8,
         {"temperature": 0.5, "labels": simclr, "queue": queue.tolist(), "queueIds": queue_ids})
    for name, tau, max_scale in [("clip_logit_scale_t007", 0.07, 100.0), ("clip_logit_scale_clamped", 0.005, 100.0)]:
        a = torch.randn(6, 5, generator=g).requires_grad_()
        b = torch.randn(6, 5, generator=g).requires_grad_()
        t = torch.tensor(math.log(1 / tau)).requires_grad_()
        save(name, {"queries": a, "keys": b, "logScale": t}, clip_rows(a, b, t, max_scale), [1] * 6,
             {"maxScale": max_scale})

    # the decoupled, debiased and multi-similarity losses (issue 17): a generator of their own
    g = torch.Generator().manual_seed(20261124)
    for name, y, tau, sigma in [("dcl_simclr_t01", simclr, 0.1, None), ("dcl_classes_t03", classes, 0.3, None),
                                ("dclw_simclr_t01_s05", simclr, 0.1, 0.5), ("dclw_classes_t02_s03", classes, 0.2, 0.3)]:
        z = torch.randn(8, 5, generator=g).requires_grad_()
        rows = dcl_rows(z, y, tau, sigma)
        if sigma is not None and y == simclr:
            paper = dclw_paper_two_views(z, tau, sigma)
            assert all(abs(float(a - b)) < 1e-12 for a, b in zip(rows, paper)), "DCLW pair form differs from the paper's"
        params = {"labels": y, "temperature": tau}
        if sigma is not None:
            params["sigma"] = sigma
        save(name, {"embeddings": z}, rows, pairwise_valid(y), params)
    for name, y, tau, tau_plus, beta in [("debiased_simclr_t05", simclr, 0.5, 0.1, 0.0),
                                         ("hcl_simclr_default", simclr, 0.5, 0.1, 1.0),
                                         ("hcl_classes_t02_b2", classes, 0.2, 0.05, 2.0),
                                         ("hcl_simclr_bound_tp09", simclr, 0.5, 0.9, 1.0)]:
        z = torch.randn(8, 5, generator=g).requires_grad_()
        save(name, {"embeddings": z}, debiased_rows(z, y, tau, tau_plus, beta), pairwise_valid(y),
             {"labels": y, "temperature": tau, "tauPlus": tau_plus, "beta": beta})
    for name, y, alpha, beta, base in [("multisim_classes_default", classes, 2.0, 50.0, 0.5),
                                       ("multisim_simclr_a1_b10_l03", simclr, 1.0, 10.0, 0.3)]:
        z = torch.randn(8, 5, generator=g).requires_grad_()
        save(name, {"embeddings": z}, multisim_rows(z, y, alpha, beta, base), [1] * len(y),
             {"labels": y, "alpha": alpha, "beta": beta, "base": base})
    for name, t, b in [("siglip_t10_bm10", 10.0, -10.0), ("siglip_t100_bm5", 100.0, -5.0)]:
        a = torch.randn(6, 5, generator=g).requires_grad_()
        c = torch.randn(6, 5, generator=g).requires_grad_()
        save(name, {"queries": a, "keys": c}, siglip_rows(a, c, t, b), [1] * 6, {"scale": t, "bias": b})
    z = torch.randn(8, 5, generator=g).requires_grad_()
    save("multisim_mined_classes_e01", {"embeddings": z}, multisim_rows(z, classes, 2.0, 10.0, 0.5, 0.1), [1] * 8,
         {"labels": classes, "alpha": 2.0, "beta": 10.0, "base": 0.5, "epsilon": 0.1})


if __name__ == "__main__":
    main()
