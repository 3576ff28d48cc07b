#!/usr/bin/python3
"""PyTorch side of the trainer bench's inference rows (infer.mjs is ours).

The model of ../shared/bench/torch_bert.py (BertForMLMAndClassification without pooler and
classifier, as bench_torch.py trains), eval mode (no dropout) under torch.inference_mode(), for each
batch size at sequence length T: median milliseconds per forward and tokens/s. --head masked
(default) runs the MLM head at the same positions as infer.mjs (per row round(0.15*T) positions
spread evenly over 1 .. T-2), none stops at the last hidden state, all runs it on every token.

    /usr/bin/python3 torch_infer.py --bench-dir ../../../../shared/bench [--config mini]
        [--batches 32,1] [--reps 5,30] [--warmup 2] [--threads 2] [--head masked]

Prints ONE JSON line on stdout.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

CONFIGS = {  # bench_torch.py's configs (and mlm-step.mjs's)
    "tiny": dict(hidden_size=128, num_hidden_layers=2, num_attention_heads=2, intermediate_size=512, vocab_size=8192, seq=128),
    "mini": dict(hidden_size=256, num_hidden_layers=4, num_attention_heads=4, intermediate_size=1024, vocab_size=16384, seq=128),
    "small": dict(hidden_size=512, num_hidden_layers=4, num_attention_heads=8, intermediate_size=2048, vocab_size=30522, seq=128),
}


def positive_ints(s):
    xs = [int(x) for x in s.split(",") if x]
    if not xs or any(x <= 0 for x in xs):
        raise argparse.ArgumentTypeError("expected positive integers, got %r" % s)
    return xs


def infer_positions(B, T):
    n = round(0.15 * T)
    return torch.tensor([b * T + 1 + (j * (T - 2)) // n for b in range(B) for j in range(n)], dtype=torch.long)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench-dir", required=True, help="folder holding torch_bert.py")
    ap.add_argument("--config", default="mini", choices=sorted(CONFIGS))
    ap.add_argument("--batches", type=positive_ints, default=[32, 1])
    ap.add_argument("--reps", type=positive_ints, default=[5, 30])
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--head", choices=["masked", "none", "all"], default="masked")
    a = ap.parse_args()
    sys.path.insert(0, os.path.abspath(a.bench_dir))
    from torch_bert import BertForMLMAndClassification, Cfg

    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    cfg = CONFIGS[a.config]
    T, V = cfg["seq"], cfg["vocab_size"]
    c = Cfg(dict(cfg, max_position_embeddings=512, type_vocab_size=2, hidden_dropout_prob=0.1,
                 attention_probs_dropout_prob=0.1, layer_norm_eps=1e-12, hidden_act="gelu"))
    model = BertForMLMAndClassification(c, pooler=False, classifier=False)
    for p in model.parameters():
        if p.dim() > 1:
            torch.nn.init.normal_(p, std=0.02)
    model.eval()
    results = []
    with torch.inference_mode():
        for i, B in enumerate(a.batches):
            reps = a.reps[min(i, len(a.reps) - 1)]
            ids = torch.tensor([5 + (j * 7919) % (V - 5) for j in range(B * T)], dtype=torch.long).reshape(B, T)
            mask = torch.ones(B, T, dtype=torch.long)
            tt = torch.zeros(B, T, dtype=torch.long)
            pos = infer_positions(B, T) if a.head == "masked" else None

            def once():
                if a.head == "none":
                    return model.bert(ids, mask, tt)[0]
                return model(ids, mask, tt, mlm_positions=pos)["mlm_logits"]

            for _ in range(a.warmup):
                once()
            ms = []
            for _ in range(reps):
                t0 = time.perf_counter()
                out = once()
                ms.append((time.perf_counter() - t0) * 1e3)
            med = statistics.median(ms)
            results.append({"batch": B, "seq": T, "reps": reps, "outputShape": list(out.shape),
                            "positions": None if pos is None else pos.numel(), "msMedian": med, "msBest": min(ms),
                            "tokensPerSecMedian": B * T * 1e3 / med})
    print(json.dumps({"config": a.config, "head": a.head, "torch_version": torch.__version__,
                      "torch_num_threads": torch.get_num_threads(), "results": results}))


if __name__ == "__main__":
    main()
