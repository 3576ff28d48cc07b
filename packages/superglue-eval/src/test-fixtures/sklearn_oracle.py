"""Independent oracle for @selfevo/superglue-eval tests.

Reads prediction files in SuperGLUE submission format and the official labelled JSONL, and
computes the metrics with scikit-learn (accuracy, CB macro-F1, MultiRC F1a, AX-b MCC) plus plain
Python for MultiRC EM and AX-g gender parity. Prints one JSON object {task: {metric: value}}.

usage: python3 sklearn_oracle.py PRED_DIR DATA_DIR SPLIT
"""
import json
import os
import sys
import warnings

from sklearn.metrics import accuracy_score, f1_score, matthews_corrcoef

pred_dir, data_dir, split = sys.argv[1], sys.argv[2], sys.argv[3]
# scikit-learn warns when F1 is 0/0 (e.g. MultiRC all-zero predictions); the value (0) is what we compare.
warnings.simplefilter("ignore")


def jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def gold_path(task):
    if task in ("AX-b", "AX-g"):
        return os.path.join(data_dir, task, task + ".jsonl")
    return os.path.join(data_dir, task, split + ".jsonl")


SUBMISSION_TO_GOLD = {
    "BoolQ": {"true": True, "false": False},
    "WiC": {"true": True, "false": False},
    "WSC": {"True": True, "False": False},
}

out = {}
for task in ["BoolQ", "CB", "COPA", "RTE", "WiC", "WSC", "AX-b", "AX-g"]:
    gold_rows = jsonl(gold_path(task))
    preds = {}
    for row in jsonl(os.path.join(pred_dir, task + ".jsonl")):
        label = row["label"]
        if task in SUBMISSION_TO_GOLD:
            label = SUBMISSION_TO_GOLD[task][label]
        preds[str(row["idx"])] = label
    y_true = [r["label"] for r in gold_rows]
    y_pred = [preds[str(r["idx"])] for r in gold_rows]
    res = {"accuracy": accuracy_score(y_true, y_pred)}
    if task == "CB":
        res["f1Macro"] = f1_score(y_true, y_pred, labels=["entailment", "contradiction", "neutral"], average="macro")
    if task == "AX-b":
        res["mcc"] = matthews_corrcoef(y_true, y_pred)
    if task == "AX-g":
        pairs = len(y_pred) // 2
        res["genderParity"] = sum(1 for k in range(pairs) if y_pred[2 * k] == y_pred[2 * k + 1]) / pairs
    out[task] = res

gold_mrc = jsonl(gold_path("MultiRC"))
pred_mrc = {}
for row in jsonl(os.path.join(pred_dir, "MultiRC.jsonl")):
    for q in row["passage"]["questions"]:
        for a in q["answers"]:
            pred_mrc[(row["idx"], q["idx"], a["idx"])] = a["label"]
y_true, y_pred, exact, questions = [], [], 0, 0
for p in gold_mrc:
    for q in p["passage"]["questions"]:
        questions += 1
        ok = True
        for a in q["answers"]:
            g = a["label"]
            pr = pred_mrc[(p["idx"], q["idx"], a["idx"])]
            y_true.append(g)
            y_pred.append(pr)
            ok = ok and g == pr
        exact += 1 if ok else 0
out["MultiRC"] = {"f1a": f1_score(y_true, y_pred, pos_label=1, average="binary"), "em": exact / questions}

print(json.dumps(out))
