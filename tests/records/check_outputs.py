#!/usr/bin/python3
"""One run, every output: the same options given to impwatch once per
output (the text report with --html and --graph beside it, --brief,
--format json, ecs and csv) must tell the same run.

    check_outputs.py BIN OPTION...

Compared: the exit status of every run; the text's lead line with
--brief's and (under --validate) the page's; the flows, by verdict,
of the text's Capture section, the JSON and ECS summaries, their flow
records and the CSV rows; the packets and bytes of the text, the JSON
and ECS summaries and the page's capture health; the sums of the
flows' packets and bytes in JSON, ECS and CSV, and of the graph's
edges; the reasons the run is inconclusive (text, JSON, ECS, and the
page under --validate: without it the page says what --validate would);
the exit status the summaries state; the first and last packet times.
Every JSON and ECS line must be one object, UTF-8, no key twice.

Prints one line per disagreement and a last line naming the run; exits
1 on any disagreement.
"""
import csv
import html.parser
import io
import json
import re
import subprocess
import sys
import tempfile

faults = []


def fault(what):
    faults.append(what)


def no_dup(pairs):
    """json object_pairs_hook: a key written twice is a fault."""
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        fault("a key written twice: %s" % sorted(
            k for k in set(keys) if keys.count(k) > 1))
    return dict(pairs)


def lines(raw, what):
    """The objects of JSON lines raw (bytes)."""
    out = []
    for i, line in enumerate(raw.split(b"\n")[:-1], 1):
        try:
            obj = json.loads(line.decode("utf-8"), object_pairs_hook=no_dup)
        except (UnicodeDecodeError, ValueError) as e:
            fault("%s line %d: not JSON in UTF-8: %s" % (what, i, e))
            continue
        if not isinstance(obj, dict):
            fault("%s line %d: not an object" % (what, i))
            continue
        out.append(obj)
    if raw and not raw.endswith(b"\n"):
        fault("%s: the last line is cut" % what)
    return out


def count(items, key):
    d = {}
    for x in items:
        d[key(x)] = d.get(key(x), 0) + 1
    return d


def nonzero(d):
    return {k: v for k, v in (d or {}).items() if v}


class Page(html.parser.HTMLParser):
    """The page's verdict line and its Inconclusive list."""

    def __init__(self):
        super().__init__()
        self.verdict, self.reasons = "", []
        self.in_verdict = self.in_li = False

    def handle_starttag(self, tag, attrs):
        if dict(attrs).get("id") == "verdict":
            self.in_verdict = True
        elif tag == "p":
            self.in_verdict = False
        if tag == "li":
            self.in_li = True
            self.reasons.append("")

    def handle_endtag(self, tag):
        if tag == "div":
            self.in_verdict = False
        if tag == "li":
            self.in_li = False

    def handle_data(self, data):
        if self.in_verdict:
            self.verdict += data
        if self.in_li:
            self.reasons[-1] += data


def same(what, **got):
    if len(set(got.values())) != 1:
        fault("%s differ: %s" % (what, got))


def main():
    binary, opts = sys.argv[1], sys.argv[2:]
    tmp = tempfile.mkdtemp()
    validate = "--validate" in opts

    def run(extra):
        p = subprocess.run([binary, "-q"] + opts + extra,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return p.returncode, p.stdout

    rc = {}
    rc["text"], text = run(["--html", tmp + "/p.html",
                            "--graph", tmp + "/g.dot"])
    rc["brief"], brief = run(["--brief"])
    rc["json"], js = run(["--format", "json"])
    rc["ecs"], ecs = run(["--format", "ecs"])
    rc["csv"], cs = run(["--format", "csv"])
    same("exit statuses", **rc)
    text, brief = text.decode("utf-8"), brief.decode("utf-8")
    recs, evs = lines(js, "json"), lines(ecs, "ecs")
    rows = list(csv.DictReader(io.StringIO(cs.decode("utf-8"))))
    summ = ([r for r in recs if r["type"] == "summary"] or [{}])[-1]
    flows = [r for r in recs if r["type"] == "flow"]
    esum = ([e for e in evs if e["event"]["dataset"] == "impwatch.summary"]
            or [{}])[-1]
    eimp = esum.get("impwatch", {})
    eflows = [e for e in evs if e["event"]["dataset"] == "impwatch.flow"]
    page = open(tmp + "/p.html", encoding="utf-8").read()
    dot = open(tmp + "/g.dot", encoding="utf-8").read()
    hp = Page()
    hp.feed(page)

    lead = text.split("\n")[0]
    same("lead lines", text=lead, brief=brief.split("\n")[0])
    m = re.search(r"\(exit (\d)", lead)
    if not m or int(m.group(1)) != rc["text"]:
        fault("the lead line %r, the exit status %d" % (lead, rc["text"]))
    if validate:
        same("verdicts", text=lead, page=hp.verdict)
    same("exit statuses stated", run=rc["json"],
         json=summ.get("exit_status"), ecs=eimp.get("exit_status"))

    m = re.search(r"^  flows +(\d+):(.*)$", text, re.M)
    tv = {}
    for part in (m.group(2).split(",") if m else []):
        k, v = part.split()
        tv[k] = int(v)
    same("flows", text=int(m.group(1)) if m else None,
         json=summ.get("flows"), json_records=len(flows),
         ecs=eimp.get("flows"), ecs_records=len(eflows), csv=len(rows))
    by = dict(text=nonzero(tv), json=nonzero(summ.get("flows_by_verdict")),
              ecs=nonzero(eimp.get("flows_by_verdict")),
              json_records=count(flows, lambda r: r["verdict"]),
              ecs_records=count(eflows, lambda e: e["impwatch"]["verdict"]),
              csv=count(rows, lambda r: r["verdict"]))
    graph = {}
    gbytes = 0
    for v, n, b in re.findall(
            r'tooltip="([a-z-]+): (\d+) flows?, (\d+) bytes', dot):
        graph[v] = graph.get(v, 0) + int(n)
        gbytes += int(b)
    by["graph"] = graph
    same("flows by verdict", **{k: json.dumps(v, sort_keys=True)
                                for k, v in by.items()})

    tp = re.search(r"^  packets +(\d+)$", text, re.M)
    tb = re.search(r"^  bytes +(\d+) ", text, re.M)
    hm = re.search(r"<tr><th>Packets</th><td>(\d+) \((\d+) bytes\), "
                   r"(\d+) flows?</td>", page)
    net = esum.get("network", {})
    same("packets and bytes",
         text=(tp and int(tp.group(1)), tb and int(tb.group(1))),
         json=(summ.get("packets"), summ.get("bytes")),
         ecs=(net.get("packets"), net.get("bytes")),
         page=hm and (int(hm.group(1)), int(hm.group(2))))
    same("the flows' bytes",
         json=(sum(r["packets"] for r in flows),
               sum(r["bytes"] for r in flows)),
         ecs=(sum(e["network"]["packets"] for e in eflows),
              sum(e["network"]["bytes"] for e in eflows)),
         csv=(sum(int(r["packets"]) for r in rows),
              sum(int(r["bytes"]) for r in rows)),
         graph=(sum(r["packets"] for r in flows), gbytes))

    block = text.split("\nInconclusive:\n")
    ti = (re.findall(r"^  (\S+) +(.*)$", block[1].split("\n\n")[0], re.M)
          if len(block) > 1 else [])
    reasons = dict(
        text=ti,
        json=[(x["reason"], x["why"]) for x in summ.get("inconclusive", [])],
        ecs=list(zip(eimp.get("inconclusive", []),
                     eimp.get("inconclusive_why", []))))
    if validate:
        reasons["page"] = [tuple(x.split(": ", 1)) for x in hp.reasons]
    same("inconclusive reasons", **{k: json.dumps(v)
                                    for k, v in reasons.items()})

    tt = re.search(r"^Packets +(\S+) to (\S+)$", text, re.M)
    ht = re.search(r"<tr><th>Packets</th><td>(\S+) to (\S+) ", page)
    same("first and last packets", text=tt.groups() if tt else (None, None),
         json=(summ.get("first_packet"), summ.get("last_packet")),
         ecs=(esum.get("event", {}).get("start"),
              esum.get("event", {}).get("end")),
         page=ht.groups() if ht else (None, None))

    for f in faults:
        print("  %s" % f)
    print("%s: exit %d, %s: %s" % (" ".join(opts), rc["text"],
                                   json.dumps(by["text"]),
                                   "%d disagreements" % len(faults)
                                   if faults else "every output agrees"))
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
