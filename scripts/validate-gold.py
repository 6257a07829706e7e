#!/usr/bin/env python3
"""Check the gold files of a labelled batch before its first run:

    python3 scripts/validate-gold.py DIR   # DIR holds pages/ and gold/

Every field the spec names must be there with a value of its vocabulary;
quotes and period texts must occur in the page (spaces ignored), so that a
label can always be traced back to the words it was read from."""
import json, os, re, sys, datetime
METRICS = set("""cases_solved cases_reported suspects_arrested suspects_repatriated fugitives_captured gangs_busted
dens_destroyed funds_stopped funds_frozen funds_returned losses_avoided warnings_issued people_protected calls_blocked
sms_blocked sites_blocked accounts_removed transactions_suspended card_offenders_punished operations_launched
outbound_intercepted other""".split())
KINDS = {"count", "money", "percent", "change"}
APPROX = {None, "over", "about", "under"}
DIR = {None, "up", "down"}
PER = {None, "day", "month"}
CUR = {None, "CNY", "HKD", "TWD", "MOP", "SGD", "USD", "EUR", "MYR"}
def iso(d):
    if d is None: return True
    try: datetime.date.fromisoformat(d); return True
    except Exception: return False
def squash(s): return re.sub(r"\s+", "", s)
root = sys.argv[1]; bad = 0; n = 0
for f in sorted(os.listdir(os.path.join(root, "gold"))):
    if not f.endswith(".json"): continue
    p = os.path.join(root, "gold", f)
    try: g = json.load(open(p, encoding="utf-8"))
    except Exception as e: print(f, "JSON:", e); bad += 1; continue
    def err(m):
        global bad; bad += 1; print(f, m)
    page = os.path.join(root, "pages", g.get("page", ""))
    if not os.path.isfile(page): err("page file missing: %r" % g.get("page")); continue
    text = squash(open(page, encoding="utf-8").read())
    for k in ("title", "published", "source", "origin", "statistics"):
        if k not in g: err("missing key " + k)
    if not iso(g.get("published")): err("published not ISO")
    for i, s in enumerate(g.get("statistics", [])):
        n += 1
        w = lambda m: err("stat %d (%s): %s" % (i, s.get("quote", "")[:30], m))
        for k in ("quote", "metric", "value", "unit", "kind", "currency", "approx", "direction", "per", "subject", "period", "region"):
            if k not in s: w("missing " + k)
        if s.get("metric") not in METRICS: w("metric %r" % s.get("metric"))
        if not isinstance(s.get("value"), (int, float)) or isinstance(s.get("value"), bool): w("value not a number")
        if s.get("kind") not in KINDS: w("kind %r" % s.get("kind"))
        if s.get("approx") not in APPROX: w("approx")
        if s.get("direction") not in DIR: w("direction")
        if s.get("per") not in PER: w("per")
        if s.get("currency") not in CUR: w("currency")
        if s.get("kind") == "money" and (s.get("unit") != "元" or not s.get("currency")): w("money needs unit 元 and a currency")
        if s.get("kind") != "money" and s.get("currency"): w("currency on non-money")
        per = s.get("period") or {}
        if set(per) != {"text", "from", "to"}: w("period must have text/from/to")
        if not iso(per.get("from")) or not iso(per.get("to")): w("period dates not ISO")
        if per.get("text") and squash(per["text"]) not in text: w("period.text not in page: %r" % per["text"])
        if per.get("text") is None and (per.get("from") or per.get("to")): w("from/to without text")
        if not s.get("quote") or squash(s["quote"]) not in text: w("quote not found verbatim in page")
print("%d statistics, %d problems" % (n, bad)); sys.exit(1 if bad else 0)
