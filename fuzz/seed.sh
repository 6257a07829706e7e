#!/bin/sh
# Builds the seed corpora from the test fixtures (corpus/ is not committed):
# whole pages for decode/clean/extract, one file per non-empty line for
# numeral_scan (short inputs mutate faster), plus HTML-wrapped pages.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pages="$here/../tests/fixtures/corpus/pages"
for t in numeral_scan decode clean extract; do mkdir -p "$here/corpus/$t"; done
for p in "$pages"/*.txt; do
    name=$(basename "$p" .txt)
    for t in decode clean extract; do cp "$p" "$here/corpus/$t/$name"; done
    { printf '<html><head><meta charset="utf-8"><title>%s</title></head><body><div><p>' "$name"
      sed 's|$|</p><p>|' "$p"
      printf '</p></div></body></html>'; } > "$here/corpus/clean/$name.html"
    cp "$here/corpus/clean/$name.html" "$here/corpus/decode/$name.html"
    i=0
    grep -v '^[[:space:]]*$' "$p" | grep '[0-9零〇一二三四五六七八九十百千万萬亿億两兩廿卅%成]' | while IFS= read -r line; do
        i=$((i + 1))
        printf '%s' "$line" > "$here/corpus/numeral_scan/$name-$i"
    done
done
