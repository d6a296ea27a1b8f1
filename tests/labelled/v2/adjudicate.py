"""Make and apply third-reader adjudication sheets for uses the two readers disagree on."""
import sys, yaml
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
import corpus

def make(paths, out):
    items = []
    for p in paths:
        d = corpus.load(Path(p))
        for it in d["items"]:
            disputes = [(k, u) for k, u in enumerate(it["uses"]) if "b" in u and "gold" not in u and corpus.gold(u) is None]
            if not disputes:
                continue
            text, marked, last = it["text"], [], 0
            for k, u in enumerate(it["uses"]):
                marked.append(text[last:u["at"]]); marked.append(f"[[{k+1}: {text[u['at']:u['at']+len(u['match'])]}]]"); last = u["at"] + len(u["match"])
            marked.append(text[last:])
            items.append({"file": str(p), "id": it["id"], "text": "".join(marked),
                          "disputes": [{"n": k + 1, "term": u["term"], "match": u["match"], "reader_1": u["a"], "reader_2": u["b"], "gold": "TODO", "why": "TODO"} for k, u in disputes]})
    corpus.dump({"items": items}, Path(out), keep=True)
    print(len(items), "items,", sum(len(i["disputes"]) for i in items), "disputes")

def apply(sheet):
    data = yaml.safe_load(open(sheet))
    by_file = {}
    for it in data["items"]:
        by_file.setdefault(it["file"], []).append(it)
    for f, its in by_file.items():
        d = corpus.load(Path(f))
        idx = {i["id"]: i for i in d["items"]}
        for it in its:
            for disp in it["disputes"]:
                u = idx[it["id"]]["uses"][disp["n"] - 1]
                assert disp["gold"] in corpus.labels_for(u["term"]) | {"disputed"}, disp
                u["gold"] = disp["gold"]; u["why"] = str(disp["why"])[:200]
        corpus.dump(d, Path(f)); corpus.flow_uses(Path(f))
    print("applied")

if __name__ == "__main__":
    if sys.argv[1] == "make": make(sys.argv[3:], sys.argv[2])
    else: apply(sys.argv[2])
