#!/usr/bin/env bash
# Benchmarks the HTML main-content extractor (clean::html) against the Python
# anchors, in one run, and prints one table:
#
#   1. body F1 on the ScrapingHub article-extraction benchmark (181 pages,
#      ground truth) - ours vs trafilatura, resiliparse (and readability-lxml
#      with ANCHORS=...);
#   2. body F1 on the 60 Chinese news pages against GNE's output for 20 of them
#      (silver, biased to GNE; --tokenizer cjk);
#   3. single-core speed (taskset -c 0), pages/second: wall clock and thread
#      CPU time (robust on a busy machine), in-process after reading the pages
#      into memory. Ours and resiliparse are timed in alternation, ROUNDS
#      rounds of REPEAT passes each, best pass kept, so that a load spike on
#      a shared machine does not favour one of them.
#
# The whole pipeline (decode + clean + extract) vs resiliparse:
# scripts/bench-pipeline.sh.
#
# Usage: scripts/bench-clean.sh            (from the crate root)
# Env:   SHARED=/work/shared  ANCHORS_PY=/opt/anchors/bin/python  REPEAT=3 ROUNDS=3
#        ANCHORS=trafilatura,resiliparse  ZH_ANCHORS=gne,trafilatura,resiliparse
#        OUT=target/bench-clean  CORE=0
set -euo pipefail

cd "$(dirname "$0")/.."
SHARED=${SHARED:-/work/shared}
PY=${ANCHORS_PY:-/opt/anchors/bin/python}
REPEAT=${REPEAT:-3}
ROUNDS=${ROUNDS:-3}
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

echo "== speed: clean::html and resiliparse in alternation, $ROUNDS rounds" >&2
cat >"$OUT/resiliparse_time.py" <<'PYEOF'
# Same calls as anchors.py's resiliparse anchor; best wall and thread-CPU pass.
import json, sys, time
from pathlib import Path
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding
pages = [p.read_bytes() for p in sorted(Path(sys.argv[1]).glob("*.htm*"))]
wall = cpu = float("inf")
for _ in range(int(sys.argv[2])):
    w0, c0 = time.perf_counter(), time.thread_time()
    for b in pages:
        extract_plain_text(bytes_to_str(b, detect_encoding(b)), main_content=True, alt_texts=False)
    wall = min(wall, time.perf_counter() - w0)
    cpu = min(cpu, time.thread_time() - c0)
print(json.dumps({"pages": len(pages), "seconds": wall, "cpu_seconds": cpu}))
PYEOF
for round in $(seq "$ROUNDS"); do
  for set in en zh; do
    dir=$OUT/en-html
    [ "$set" = zh ] && dir=$ZH_PAGES
    "${PIN[@]}" "$BIN" --batch "$dir" "$OUT/speed-ours-$set-$round" --repeat "$REPEAT" 2>/dev/null
    cp "$OUT/speed-ours-$set-$round/_timing.json" "$OUT/speed-ours-$set-$round.json"
    rm -rf "$OUT/speed-ours-$set-$round"
    "${PIN[@]}" "$PY" "$OUT/resiliparse_time.py" "$dir" "$REPEAT" >"$OUT/speed-resiliparse-$set-$round.json"
  done
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
pages = {}
for key, f in (("en", "ours-en.json"), ("zh", "ours-zh.json")):
    row(ours)[key] = load(f)["metrics"]["shingle4"]
    pages[key] = load(f)["n_pages"]
for key in ("en", "zh"):
    for rep in load(f"anchors-{key}.json"):
        r = row(rep["name"])
        r[key] = rep["metrics"]["shingle4"]
        r[key + "_wall"] = rep["pages_per_s"]
# Alternating speed rounds: best wall and best CPU pass of each.
resili = next((n for n in rows if n.startswith("resiliparse")), "resiliparse")
for key in ("en", "zh"):
    for name, prefix in ((ours, "speed-ours"), (resili, "speed-resiliparse")):
        runs = [json.loads(p.read_text()) for p in sorted(out.glob(f"{prefix}-{key}-*.json"))]
        n = pages[key]
        walls = [r["seconds"] for r in runs if r.get("seconds")]
        cpus = [r["cpu_seconds"] for r in runs if r.get("cpu_seconds", 0) > 0]
        if walls:
            row(name)[key + "_wall"] = n / min(walls)
        if cpus:
            row(name)[key + "_cpu"] = n / min(cpus)
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
print("pages/s: clean::html and resiliparse from the alternating speed rounds (best pass);")
print("other rows: wall clock of anchors.py (one run of REPEAT passes).")
print(f"outputs and per-page scores: {out}")
PYEOF
