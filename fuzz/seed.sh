#!/bin/sh
# Builds the seed corpora from the test fixtures (corpus/ is not committed):
# whole pages for decode/clean/extract, one file per non-empty line for
# numeral_scan (short inputs mutate faster), plus HTML-wrapped pages.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pages="$here/../tests/fixtures/corpus/pages"
for t in numeral_scan decode clean extract input; do mkdir -p "$here/corpus/$t"; done
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
# input: the message shapes of docs/interfaces.md and the worker
# tests' bad bodies.
mkdir -p "$here/corpus/input"
n=0
for body in \
    'https://example.com/a/1.html' \
    '  http://example.com/a?b=1#frag  ' \
    '{"url": "https://example.com/a/1.html", "id": "caller-7", "meta": {"crawl": 42}}' \
    '{"url": "http://127.0.0.1:8080/ok/1", "id": 12345}' \
    '{"url": "http://example.com@127.0.0.1/", "id": null, "meta": [1, "x"]}' \
    '{"url": "ftp://example.com/file"}' \
    '{"id": "no-url"}' \
    '{"url": 5}' \
    '["https://example.com/"]' \
    '"https://example.com/"' \
    'javascript:alert(1)' \
    'http://[::ffff:127.0.0.1]:80/x' \
    'http://2130706433/' \
    'http://0177.0.0.1/' \
    'https://例子.测试/路径?q=诈骗' \
    '{not json' \
    'two words'; do
    n=$((n + 1))
    printf '%s' "$body" > "$here/corpus/input/seed-$n"
done
printf '\377\376\000garbage' > "$here/corpus/input/seed-bytes"
