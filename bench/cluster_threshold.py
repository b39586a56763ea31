#!/usr/bin/env python3
"""How FC_CLUSTER_THRESHOLD (core/cluster/cluster.h) was chosen, until bench/cluster-lfw exists.

Exact batch average linkage (Lance-Williams updates on the full similarity matrix) over
the embeddings `build/bench/lfw --save FILE` wrote for every LFW dev photo (the face at
the centre), scored with BCubed precision and recall against the identity folders, over
all faces and over people with at least two images. The default threshold is the largest
whose BCubed precision on people with >= 2 images is at least 0.99 (wrong merges are
what users hate most).

    build/bench/lfw --model build/facecluster.model --save /tmp/lfw.tsv
    python3 bench/cluster_threshold.py /tmp/lfw.tsv          # needs python3-numpy

Measured (default pipeline, 3809 faces, 2086 people): 0.050 P 0.9986 R 0.7945; 0.055
P 0.9964 R 0.8496; 0.058 P 0.9941 R 0.8778 F 0.9323; 0.060 P 0.9885 R 0.8921; 0.080
P 0.8920 R 0.9585 (precision and recall on people with >= 2 images).
"""
import collections
import sys

import numpy as np


def load(path):
    emb, who = [], []
    for line in open(path):
        photo, failed, _faces, _box, _score, vec = line.rstrip("\n").split("\t")
        if int(failed):
            continue
        emb.append(np.array([float(x) for x in vec.split()]))
        who.append(photo.split("/")[-2])
    names = sorted(set(who))
    return np.array(emb), np.array([names.index(w) for w in who])


def merges_down_to(emb, lowest):
    """(similarity, a, b) of every average-linkage merge with similarity >= lowest."""
    n = len(emb)
    sim = emb @ emb.T
    np.fill_diagonal(sim, -np.inf)
    size = np.ones(n)
    out = []
    while True:
        a, b = divmod(int(np.argmax(sim)), n)
        s = sim[a, b]
        if s < lowest:
            return out
        out.append((s, a, b))
        sim[a, :] = (size[a] * sim[a, :] + size[b] * sim[b, :]) / (size[a] + size[b])
        sim[:, a] = sim[a, :]
        sim[a, a] = sim[b, :] = sim[:, b] = -np.inf
        size[a] += size[b]


def bcubed(label, truth, mask):
    p = r = 0.0
    idx = np.where(mask)[0]
    for i in idx:
        same_group = (label == label[i]) & mask
        same_person = (truth == truth[i]) & mask
        both = (same_group & same_person).sum()
        p += both / same_group.sum()
        r += both / same_person.sum()
    return p / len(idx), r / len(idx)


def main():
    emb, truth = load(sys.argv[1])
    merges = merges_down_to(emb, 1 - 0.12)
    count = collections.Counter(truth)
    multi = np.array([count[t] >= 2 for t in truth])
    best = None
    for thr in np.arange(0.040, 0.1001, 0.002):
        parent = list(range(len(emb)))

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for s, a, b in merges:
            if s < 1 - thr:
                break
            parent[find(b)] = find(a)
        label = np.array([find(i) for i in range(len(emb))])
        p, r = bcubed(label, truth, np.ones(len(emb), bool))
        p2, r2 = bcubed(label, truth, multi)
        print(f"threshold {thr:.3f}: all P {p:.4f} R {r:.4f}; >= 2 images P {p2:.4f} R {r2:.4f} "
              f"F {2 * p2 * r2 / (p2 + r2):.4f}")
        if p2 >= 0.99:
            best = thr
    print(f"largest threshold with precision >= 0.99 on people with >= 2 images: {best:.3f}")


if __name__ == "__main__":
    main()
