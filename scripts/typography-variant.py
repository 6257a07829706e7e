#!/usr/bin/env python3
"""Make a typography variant of a page directory: pangu spacing (a space between
digit/Latin runs and CJK), keeping the gold as is (the scorer matches on value+unit)."""
import os, re, sys, shutil
src, dst, kind = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(dst + "/pages", exist_ok=True)
CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
for name in os.listdir(src + "/pages"):
    t = open(f"{src}/pages/{name}", encoding="utf-8").read()
    if kind == "pangu":
        t = re.sub(f"({CJK})([0-9A-Za-z])", r"\1 \2", t)
        t = re.sub(f"([0-9A-Za-z%])({CJK})", r"\1 \2", t)
    elif kind == "fullwidth":
        t = "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in t)
    open(f"{dst}/pages/{name}", "w", encoding="utf-8").write(t)
if os.path.exists(dst + "/gold"):
    shutil.rmtree(dst + "/gold")
shutil.copytree(src + "/gold", dst + "/gold")
