#!/usr/bin/env bash
# Benchmarks the HTML main-content extractor (clean::html) against the Python
# anchors, in one run, and prints one table:
#
#   1. body F1 on the ScrapingHub article-extraction benchmark (181 pages,
#      ground truth) - ours vs trafilatura, resiliparse (and readability-lxml
#      with ANCHORS=...);
#   2. body F1 on the 60 Chinese news pages against GNE's output for 20 of them
#      (silver, biased to GNE; --tokenizer cjk);
#   3. single-core speed (taskset -c 0), pages/second: wall clock (fastest of
#      REPEAT passes, in-process, after reading the pages into memory) and
#      thread CPU time (robust on a busy machine).
#
# Usage: scripts/bench-clean.sh            (from the crate root)
# Env:   SHARED=/work/shared  ANCHORS_PY=/opt/anchors/bin/python  REPEAT=5
#        ANCHORS=trafilatura,resiliparse  ZH_ANCHORS=gne,trafilatura,resiliparse
#        OUT=target/bench-clean  CORE=0
set -euo pipefail

cd "$(dirname "$0")/.."
SHARED=${SHARED:-/work/shared}
PY=${ANCHORS_PY:-/opt/anchors/bin/python}
REPEAT=${REPEAT:-5}
CORE=${CORE:-0}
ANCHORS=${ANCHORS:-trafilatura,resiliparse}
ZH_ANCHORS=${ZH_ANCHORS:-gne,trafilatura,resiliparse}
OUT=$(realpath -m "${OUT:-target/bench-clean}")
EN_PAGES=$SHARED/bench/article-extraction/html
EN_TRUTH=$SHARED/bench/article-extraction/ground-truth.json
ZH_PAGES=$SHARED/bench/zh-news-pages/html
ZH_SILVER=$SHARED/bench/zh-news-pages/gne-silver-20.json
EVAL=$SHARED/tools/extract_eval.py
ANCHORS_PY_SCRIPT=$SHARED/tools/anchors.py
PIN=(taskset -c "$CORE")

rm -rf "$OUT"
mkdir -p "$OUT/en-html"
echo "== build (release)" >&2
cargo build --release --quiet --example clean_body
BIN=${CARGO_TARGET_DIR:-target}/release/examples/clean_body
for f in "$EN_PAGES"/*.html.gz; do
  gzip -dc "$f" >"$OUT/en-html/$(basename "$f" .gz)"
done

echo "== clean::html, English benchmark" >&2
"${PIN[@]}" "$BIN" --batch "$OUT/en-html" "$OUT/ours-en" --repeat "$REPEAT"
python3 "$EVAL" --pages "$EN_PAGES" --truth "$EN_TRUTH" --pred "$OUT/ours-en" \
  --name clean::html --json-out "$OUT/ours-en.json" >"$OUT/ours-en.txt"

echo "== clean::html, Chinese pages" >&2
"${PIN[@]}" "$BIN" --batch "$ZH_PAGES" "$OUT/ours-zh" --repeat "$REPEAT" --json
python3 "$EVAL" --pages "$ZH_PAGES" --truth "$ZH_SILVER" --pred "$OUT/ours-zh" \
  --tokenizer cjk --name clean::html --json-out "$OUT/ours-zh.json" >"$OUT/ours-zh.txt"

echo "== anchors, English benchmark ($ANCHORS)" >&2
"${PIN[@]}" "$PY" "$ANCHORS_PY_SCRIPT" --pages "$EN_PAGES" --truth "$EN_TRUTH" \
  --extractors "$ANCHORS" --repeat "$REPEAT" --json-out "$OUT/anchors-en.json" \
  >"$OUT/anchors-en.txt"

echo "== anchors, Chinese pages ($ZH_ANCHORS)" >&2
"${PIN[@]}" "$PY" "$ANCHORS_PY_SCRIPT" --pages "$ZH_PAGES" --truth "$ZH_SILVER" --lang zh \
  --extractors "$ZH_ANCHORS" --repeat "$REPEAT" --bootstrap 0 \
  --json-out "$OUT/anchors-zh.json" >"$OUT/anchors-zh.txt"

echo "== resiliparse, thread CPU time" >&2
for set in en zh; do
  dir=$OUT/en-html
  [ "$set" = zh ] && dir=$ZH_PAGES
  "${PIN[@]}" "$PY" - "$dir" "$REPEAT" >"$OUT/resiliparse-cpu-$set.json" <<'PYEOF'
# Same calls as anchors.py's resiliparse anchor, timed with thread CPU time.
import json, sys, time
from pathlib import Path
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding
pages = [p.read_bytes() for p in sorted(Path(sys.argv[1]).glob("*.htm*"))]
best = float("inf")
for _ in range(int(sys.argv[2])):
    t0 = time.thread_time()
    for b in pages:
        extract_plain_text(bytes_to_str(b, detect_encoding(b)), main_content=True, alt_texts=False)
    best = min(best, time.thread_time() - t0)
print(json.dumps({"pages": len(pages), "cpu_seconds": best}))
PYEOF
done

python3 - "$OUT" <<'PYEOF'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
load = lambda p: json.loads((out / p).read_text("utf-8"))
rows = {}
def row(name):
    return rows.setdefault(name, {})
ours = "clean::html (this crate)"
for key, f in (("en", "ours-en.json"), ("zh", "ours-zh.json")):
    m = load(f)["metrics"]["shingle4"]
    r = row(ours)
    r[key] = m
    t = load(f"ours-{key}/_timing.json")
    n = load(f)["n_pages"]
    r[key + "_wall"] = n / t["seconds"]
    if t.get("cpu_seconds", 0) > 0:
        r[key + "_cpu"] = n / t["cpu_seconds"]
for key in ("en", "zh"):
    for rep in load(f"anchors-{key}.json"):
        r = row(rep["name"])
        r[key] = rep["metrics"]["shingle4"]
        r[key + "_wall"] = rep["pages_per_s"]
    cpu = load(f"resiliparse-cpu-{key}.json")
    for name in rows:
        if name.startswith("resiliparse"):
            rows[name][key + "_cpu"] = cpu["pages"] / cpu["cpu_seconds"]
fmt = lambda v, d=3: "-" if v is None else f"{v:.{d}f}"
print()
print("| extractor | en F1 | en P | en R | zh F1 vs GNE silver | en pages/s wall | en pages/s CPU | zh pages/s wall | zh pages/s CPU |")
print("|---|---|---|---|---|---|---|---|---|")
for name, r in rows.items():
    en, zh = r.get("en", {}), r.get("zh", {})
    print(f"| {name} | {fmt(en.get('f1'))} | {fmt(en.get('precision'))} | {fmt(en.get('recall'))} "
          f"| {fmt(zh.get('f1'))} | {fmt(r.get('en_wall'), 1)} | {fmt(r.get('en_cpu'), 1)} "
          f"| {fmt(r.get('zh_wall'), 1)} | {fmt(r.get('zh_cpu'), 1)} |")
print()
print(f"outputs and per-page scores: {out}")
PYEOF
