#!/usr/bin/python3
"""One run, every output: the same options given to impwatch once per
output (the text report with --html and --graph beside it, --brief,
--format json, ecs and csv) must tell the same run.

    check_outputs.py BIN OPTION...

Compared: the exit status of every run; the text's lead line with
--brief's and (under --validate) the page's; the flows, by verdict,
of the text's Capture section, the JSON and ECS summaries, their flow
records and the CSV rows; the icmp-tunnel check's unmatched echo
replies of the text, the JSON and ECS summaries and the page; the packets and bytes of the text, the JSON
and ECS summaries and the page's capture health; the sums of the
flows' packets and bytes in JSON, ECS and CSV, and of the graph's
edges; the reasons the run is inconclusive (text, JSON, ECS, and the
page under --validate: without it the page says what --validate would);
the exit status the summaries state; the first and last packet times.
The page besides: its verdict is the text's under --validate (without
it, that of the same options with --validate, "under --validate"
after it unless that is an error, the run's own), in
that exit status's colour; each finding's flows (its heading) and the
flows, packets and bytes of its rows (the row of what --top left out
too), of the documented services' rows likewise, and its largest flows
(as many as --top lets, each one of its records), against the JSON
records; its capture health (packets, bytes, flows, one-way TCP,
duplicates, decode errors by reason, ok or poor), its inputs and its
coverage, against the JSON summary and the text; the graph's edges
and what the page says the picture left out are every flow.
And what decides a gate or says an output was lost (run_facts()), in
every format that speaks of the run: the outputs not written (the
text's and --brief's Errors, the JSON and ECS summaries'
outputs_not_written, the page's Errors); the input files, their
packets, state and what damaged them, and --brief's Errors for them;
the losses the files recorded; the decode errors by reason; capture
health, why, and the thresholds it was judged by; the flow workers;
the evidence written or why not; the waivers and the flows they
waived; the tunnel carriers and their trust; the services never seen
(the text's while --top lets it name them all); --brief's inconclusive
reasons. A --graph given is every run's (an output that cannot be
written): the text's run then draws none of its own.
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
    """The page's verdict line, and the items of each of its lists by
    the heading above it (reasons: the Inconclusive list's)."""

    def __init__(self):
        super().__init__()
        self.verdict, self.lists = "", {}
        self.in_verdict = self.in_li = self.in_head = False
        self.head = ""

    def handle_starttag(self, tag, attrs):
        if dict(attrs).get("id") == "verdict":
            self.in_verdict = True
        elif tag == "p":
            self.in_verdict = False
        if tag in ("h2", "h3"):
            self.in_head, self.head = True, ""
        if tag == "li":
            self.in_li = True
            self.lists.setdefault(self.head, []).append("")

    def handle_endtag(self, tag):
        if tag == "div":
            self.in_verdict = False
        if tag in ("h2", "h3"):
            self.in_head = False
        if tag == "li":
            self.in_li = False

    def handle_data(self, data):
        if self.in_verdict:
            self.verdict += data
        if self.in_head:
            self.head += data
        if self.in_li:
            self.lists[self.head][-1] += data

    @property
    def reasons(self):
        return self.lists.get("Inconclusive", [])


class Tables(html.parser.HTMLParser):
    """The page's tables, each under the heading before it: (heading,
    heading's id, rows), a row a list of (text, data-v) per cell; and
    the text of each row of the meta tables by its header."""

    def __init__(self):
        super().__init__()
        self.tables, self.meta = [], {}
        self.head = self.head_id = ""
        self.in_head = False
        self.cell = self.row = self.th = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("h2", "h3"):
            self.in_head, self.head, self.head_id = True, "", a.get("id", "")
        elif tag == "table":
            self.tables.append((self.head, self.head_id, []))
        elif tag == "tr":
            self.row, self.th = [], None
        elif tag == "th" and self.row is not None:
            self.th = ""
        elif tag == "td" and self.row is not None:
            self.cell = ["", a.get("data-v")]
        elif tag == "br" and self.cell is not None:
            self.cell[0] += "\n"

    def handle_endtag(self, tag):
        if tag in ("h2", "h3"):
            self.in_head = False
        elif tag == "td" and self.cell is not None:
            self.row.append(tuple(self.cell))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.th is not None and len(self.row) == 1:
                self.meta.setdefault(self.th, []).append(self.row[0][0])
            elif self.row and self.tables:
                self.tables[-1][2].append(self.row)
            self.row = self.th = None

    def handle_data(self, data):
        if self.in_head:
            self.head += data
        if self.cell is not None:
            self.cell[0] += data
        elif self.th is not None and self.row == []:
            self.th += data


def page_facts(page, js_flows, summ, text, top, fault_prefix="the page"):
    """What the page says that the JSON records and summary and the text
    also say: each finding's flows (its heading, the sums of its port
    table), the documented services' sums, capture health, the inputs,
    the coverage. Faults for each difference."""
    t = Tables()
    t.feed(page)
    fbv = summ.get("flows_by_verdict") or {}

    def sums(verdict):
        rs = [r for r in js_flows if r["verdict"] == verdict]
        return (len(rs), sum(r["packets"] for r in rs),
                sum(r["bytes"] for r in rs))

    def table_sums(rows, first):
        return tuple(sum(int(r[i][1]) for r in rows)
                     for i in range(first, first + 3))

    heads, largest = {}, {}
    for head, hid, rows in t.tables:
        if hid.startswith("finding-") and hid not in heads:
            heads[hid] = (head, rows)
        elif hid.startswith("finding-"):
            largest[hid] = rows
    # Each of a finding's largest flows is one of its records: the
    # client's address and port, the server's port, packets and bytes.
    for hid, rows in largest.items():
        v = hid[len("finding-"):]
        recs = {}
        for r in js_flows:
            if r["verdict"] != v:
                continue
            ip = r["client_ip"]
            # A transport with no ports (GRE: 47; ICMP) is its name or
            # number alone.
            portless = (isinstance(r["transport"], int) or
                        r["transport"] in ("icmp", "icmpv6"))
            k = (ip if portless else
                 "[%s]:%s" % (ip, r["client_port"]) if ":" in ip else
                 "%s:%s" % (ip, r["client_port"]),
                 "/%s" % (r["transport"] if portless else r["server_port"]),
                 r["packets"], r["bytes"])
            recs[k] = recs.get(k, 0) + 1
        for row in rows:
            k = (row[0][0].split(" ")[0], "/" + row[4][0].split("/")[-1],
                 int(row[6][1]), int(row[7][1]))
            if recs.get(k, 0) < 1:
                fault("%s: a largest %s flow no record has: %s" %
                      (fault_prefix, v, k))
            else:
                recs[k] -= 1
    for v, n in fbv.items():
        hid = "finding-" + v
        if v in ("documented", "trusted-tunnel"):
            continue
        if not n:
            if hid in heads:
                fault("%s has a section for %s, which has no flow" %
                      (fault_prefix, v))
            continue
        if hid not in heads:
            fault("%s has no section for %d %s flows" % (fault_prefix, n, v))
            continue
        head, rows = heads[hid]
        m = re.search(r": (\d+) flows?$", head)
        same("%s flows" % v, json=n, page=m and int(m.group(1)))
        same("%s flows, packets and bytes" % v, json=sums(v),
             page=table_sums(rows, 2))
        same("%s largest flows listed" % v, json=min(n, top),
             page=len(largest.get(hid, [])))
    doc = [rows for head, hid, rows in t.tables
           if head == "Documented services"]
    same("documented flows, packets and bytes", json=sums("documented"),
         page=table_sums(doc[0], 4) if doc else (0, 0, 0))

    def meta(th, pattern):
        m = re.match(pattern, (t.meta.get(th) or [""])[-1])
        return m and tuple(int(x) for x in m.groups())

    h = summ.get("health") or {}
    same("packets, bytes and flows", json=(summ.get("packets"),
         summ.get("bytes"), summ.get("flows")),
         page=meta("Packets", r"(\d+) \((\d+) bytes\), (\d+) flows?$"))
    same("one-way TCP flows", json=(h.get("tcp_one_way"),
         h.get("tcp_flows_judged"), h.get("one_way_threshold_pct")),
         page=meta("One-way TCP flows",
                   r"(\d+) of (\d+) judged \(threshold (\d+)%\)$"))
    same("duplicate frames", json=(h.get("duplicate_frames"),
         h.get("frames_checked"), h.get("duplicate_threshold_pct")),
         page=meta("Duplicate frames",
                   r"(\d+) of (\d+) \(threshold (\d+)%\)$"))
    de = summ.get("decode_errors") or {}
    pe = (t.meta.get("Decode errors") or [""])[-1].split("\n")
    same("decode errors", json=json.dumps(
        [sum(de.values())] + sorted([k, v] for k, v in de.items())),
         page=json.dumps([int(pe[0]) if pe[0].isdigit() else None] + sorted(
             [x.split(": ")[0].split(" ", 1)[1], int(x.split(" ")[0])]
             for x in pe[1:])))
    hs = re.search(r"<h2>Capture health: <span class=\"[a-z]+\">([a-zA-Z]+)"
                   r"</span></h2>", page)
    same("capture health", json=h.get("status"),
         page=hs and hs.group(1).lower())
    inputs = [re.match(r"(.*): (\d+) packets", x)
              for x in t.meta.get("Input", [])]
    same("inputs", json=json.dumps([[f["name"], f["packets"]]
                                    for f in summ.get("files") or []]),
         page=json.dumps([m and [m.group(1), int(m.group(2))]
                          for m in inputs]))
    tc = re.search(r"^Coverage: (\d+) of (\d+) catalogue rows", text, re.M)
    pc = re.search(r"<p>(\d+) of (\d+) catalogue rows exercised\.</p>", page)
    same("coverage", text=tc and tc.groups(), page=pc and pc.groups())


OUTPUTS = r"(evidence|alert file|graph|HTML report)"


def block(text, head):
    """The lines of text's block under the line head, to a blank line."""
    parts = text.split("\n%s\n" % head, 1)
    return ([x for x in parts[1].split("\n\n")[0].split("\n") if x]
            if len(parts) > 1 else [])


def text_files(text):
    """The input files of the text's Capture section: name, packets,
    state and error."""
    out = []
    for line in text.split("\n"):
        m = re.match(r"^  file            (.*): (\d+) packets, ", line)
        if m:
            out.append([m.group(1), int(m.group(2)), "complete", None])
            continue
        if not out:
            continue
        m = re.match(r"^    error         (.*)$", line)
        if m:
            out[-1][2:] = ["error", m.group(1)]
        elif line.startswith("    not finished  "):
            out[-1][2] = "interrupted"
        elif line.startswith("    not read      "):
            out[-1][2] = "unread"
    return out


def run_facts(text, brief, recs, summ, evs, eimp, page, hp, rc, top):
    """What decides a gate or says an output was lost, in every format
    that speaks of the run: the outputs not written, the input files
    and their damage, the losses the files recorded, the decode errors
    by reason, capture health, why and its thresholds, the flow workers,
    the evidence, the waivers
    and what they waived, the tunnel carriers and their trust, the
    services never seen, the inconclusive reasons of --brief."""
    t = Tables()
    t.feed(page or "")
    files = summ.get("files")
    if files is None:
        files = [e for r in recs if r["type"] == "files"
                 for e in r.get("entries", [])]
    efiles = [e for e in evs if e["event"]["dataset"] == "impwatch.file"]

    # Each output not written: what, its name, why.
    def said(lines):
        return sorted(m.groups() for m in
                      (re.match(r"^  %s (.*): not written \((.*)\)$" %
                                OUTPUTS, x) for x in lines) if m)

    def listed(xs):
        return sorted((x.get("output"), x.get("file"), x.get("error"))
                      for x in xs or [])

    outs = dict(text=said(block(text, "Errors:")),
                brief=said(block(brief, "Errors:")),
                json=listed(summ.get("outputs_not_written")),
                ecs=listed(eimp.get("outputs_not_written")))
    if page is not None:
        # The page cannot say it was not written itself.
        outs["page"] = said("  " + x for x in hp.lists.get("Errors", []))
        outs["page"] += [x for x in outs["json"] if x[0] == "HTML report"]
        outs["page"].sort()
    same("outputs not written", **{k: json.dumps(v)
                                   for k, v in outs.items()})
    if rc == 2 and not any(outs.values()) and \
       not any(f.get("error") for f in files):
        fault("an error run that names no input and no output")

    # The input files: name, packets, state, and what damaged them.
    ins = dict(text=text_files(text),
               json=[[f["name"], f["packets"], f["state"], f["error"]]
                     for f in files],
               ecs=[[e["file"]["path"], e["impwatch"]["packets"],
                     e["impwatch"]["state"], e["event"].get("reason")]
                    for e in efiles])
    if page is not None:
        rows = [re.match(r"^(.*): (\d+) packets, [^,]*, ([a-z]+)"
                         r"(?: \((.*)\))?(?:, [^,]*(?:dropped|losses)"
                         r"[^,]*, as the file records)?$", x)
                for x in t.meta.get("Input", [])]
        ins["page"] = [m and [m.group(1), int(m.group(2)), m.group(3),
                              m.group(4)] for m in rows]
    same("input files", **{k: json.dumps(v) for k, v in ins.items()})
    if rc == 2:
        said_out = r"^  %s .*: not written \(" % OUTPUTS
        same("inputs not read in full", brief=json.dumps(
            [x for x in block(brief, "Errors:") if not re.match(said_out, x)]),
             json=json.dumps(["  %s: %s" % (f["name"], f["error"])
                              for f in files if f["error"]]))

    # The losses each file recorded (null: not known).
    def jdrops(d):
        if d is None:
            return "none"
        return d.get("dropped", "not known")
    same("drops the files recorded",
         json=json.dumps([jdrops(f.get("recorded_drops")) for f in files]),
         ecs=json.dumps([jdrops(e["impwatch"].get("recorded_drops"))
                         for e in efiles]))
    td = re.search(r"^  dropped             (.*) by the capture files?",
                   text, re.M)
    pd = (t.meta.get("Dropped") or [None])[-1]
    ds = [jdrops(f.get("recorded_drops")) for f in files]
    js = (None if all(d == "none" for d in ds) else "not known, as recorded"
          if "not known" in ds else
          "%d recorded" % sum(d for d in ds if d != "none"))
    if page is not None:
        pd = pd and re.sub(r" by the capture files?.*$", "", pd)
        same("drops recorded", text=td and td.group(1), json=js, page=pd)
    else:
        same("drops recorded", text=td and td.group(1), json=js)

    # The decode errors by reason.
    de = {}
    for m in re.finditer(r"^    ([a-z0-9-]+) +(\d+)  ", text, re.M):
        de[m.group(1)] = int(m.group(2))
    same("decode errors by reason",
         text=json.dumps(de, sort_keys=True),
         json=json.dumps(summ.get("decode_errors") or {}, sort_keys=True),
         ecs=json.dumps(eimp.get("decode_errors") or {}, sort_keys=True))

    # Capture health and why.
    th = re.search(r"^Capture health: (ok|POOR)$", text, re.M)
    tw = [x[len("  why: "):] for x in block(text, th.group(0))
          if x.startswith("  why: ")] if th else []
    h, eh = summ.get("health") or {}, eimp.get("health") or {}
    health = dict(text=(th and th.group(1).lower(), tw[0] if tw else None),
                  json=(h.get("status"), h.get("why")),
                  ecs=(eh.get("status"), eh.get("why")))
    if page is not None:
        health["page"] = (health["json"][0],
                          (t.meta.get("Why poor") or [None])[-1])
    same("capture health and why", **{k: json.dumps(v)
                                      for k, v in health.items()})

    # The thresholds capture health was judged by (one-way TCP,
    # duplicates, drops: what makes a run inconclusive); the drops' where
    # the text and the page say them (files that recorded their losses).
    def pct(x):
        return None if x is None else float(x)
    tt = [re.search(r"^  %s +.*\(threshold ([0-9.]+)%%\)$" % k, text, re.M)
          for k in ("one-way TCP flows", "duplicate frames", "dropped")]
    thr = dict(text=[m and pct(m.group(1)) for m in tt],
               json=[pct(h.get(k)) for k in ("one_way_threshold_pct",
                                             "duplicate_threshold_pct",
                                             "drops_threshold_pct")],
               ecs=[pct(eh.get(k)) for k in ("one_way_threshold_pct",
                                             "duplicate_threshold_pct",
                                             "drops_threshold_pct")])
    if page is not None:
        pt = [re.search(r"\(threshold ([0-9.]+)%\)$",
                        (t.meta.get(k) or [""])[-1])
              for k in ("One-way TCP flows", "Duplicate frames", "Dropped")]
        thr["page"] = [m and pct(m.group(1)) for m in pt]
    if thr["text"][2] is None:
        for v in thr.values():
            v[2] = None
    same("capture health thresholds", **{k: json.dumps(v)
                                         for k, v in thr.items()})

    # The flow workers (one unless said).
    tt = re.search(r"^  threads         (\d+) flow workers", text, re.M)
    pw = re.match(r"^(\d+) behind one reader$",
                  (t.meta.get("Flow workers") or [""])[-1])
    same("flow workers", text=int(tt.group(1)) if tt else 1,
         json=summ.get("threads") or 1, ecs=eimp.get("threads") or 1,
         **({} if page is None else {"page": int(pw.group(1)) if pw else 1}))

    # The evidence: its file, the frames written and left out, or why
    # it was not written.
    te = re.search(r"^  evidence        (.*)$", text, re.M)

    def ev_said(x):
        m = x and re.match(r"^(.*): (?:(\d+) frames of findings written; "
                           r"(\d+) of another link type left out|not "
                           r"written \((.*)\): the file is cut or empty)$",
                           x)
        if not m:
            return None
        return [m.group(1), m.group(4)] + (
            [int(m.group(2)), int(m.group(3))] if m.group(2) else [])

    def ev_rec(e):
        if not e:
            return None
        return [e.get("file"), e.get("error")] + (
            [e.get("frames"), e.get("skipped")] if not e.get("error")
            else [])
    evid = dict(text=ev_said(te and te.group(1)),
                json=ev_rec(summ.get("evidence")),
                ecs=ev_rec(eimp.get("evidence")))
    if page is not None:
        evid["page"] = ev_said((t.meta.get("Evidence") or [None])[-1])
    same("evidence", **{k: json.dumps(v) for k, v in evid.items()})

    # The waivers: each one's line, ticket, flows and state, and the
    # finding flows waived.
    tw = []
    for m in re.finditer(r"^  line (\d+) +(\S+) +until \S+  .*? (\d+) "
                         r"flows?(, EXPIRED: waives nothing|, matched "
                         r"nothing)?$", text, re.M):
        tw.append([int(m.group(1)), m.group(2), int(m.group(3)),
                   "expired" if m.group(4) and "EXPIRED" in m.group(4)
                   else "unused" if m.group(4) else "in-force"])

    def wl(ws):
        return [[w["line"], w["ticket"], w["flows"], w["state"]]
                for w in ws or []]
    tn = re.search(r"^Waivers: \d+; (\d+) finding flows? waived", text,
                   re.M)
    waivers = dict(text=(tw, int(tn.group(1)) if tn else None),
                   json=(wl(summ.get("waivers")), summ.get("waived")),
                   ecs=(wl(eimp.get("waivers")), eimp.get("waived")))
    if page is not None and summ.get("waivers") is not None:
        rows = [r for head, hid, rows in t.tables if head == "Waivers"
                for r in rows]
        pn = re.search(r"(\d+) finding flows? waived", page)
        waivers["page"] = ([[int(r[0][1]), r[1][0], int(r[4][1]), r[5][0]]
                            for r in rows], int(pn.group(1)) if pn else None)
    if summ.get("waivers") is None:
        waivers = {k: v for k, v in waivers.items() if k in ("json", "ecs")}
    same("waivers", **{k: json.dumps(v) for k, v in waivers.items()})

    # The tunnel carriers, each trusted or not (what decided each
    # trusted-tunnel flow), while --top lists them all.
    tc = [[m.group(1), int(m.group(2)) if m.group(2) else None, m.group(3),
           m.group(4), int(m.group(5)), m.group(6) == "trusted"]
          for m in re.finditer(r"^  ([a-z0-9-]+)(?: (?:VNI|session) "
                               r"(\d+))?: (\S+) <-> (\S+), \d+ packets, "
                               r"(\d+) flows?, (trusted|untrusted)$",
                               text, re.M)]
    jc = [[c["kind"], c.get("tunnel_id"), c["src"], c["dst"], c["flows"],
           c["trusted"]] for r in recs if r["type"] == "carriers"
          for c in r.get("entries", [])]
    ec = [[e["impwatch"]["tunnel"], e["impwatch"].get("tunnel_id"),
           e["source"]["ip"], e["destination"]["ip"], e["impwatch"]["flows"],
           e["impwatch"]["trusted"]] for e in evs
          if e["event"]["dataset"] == "impwatch.carrier"]
    if len(jc) <= top:
        carriers = dict(text=tc, json=jc, ecs=ec)
        if page is not None:
            rows = [r for head, hid, rows in t.tables
                    if head.startswith("Tunnel carriers") for r in rows]
            carriers["page"] = [
                [r[0][0].split(" ")[0],
                 int(r[0][0].split(" ")[2]) if " " in r[0][0] else None,
                 r[1][0], r[2][0], int(r[4][1]), r[5][0] == "trusted"]
                for r in rows]
        same("tunnel carriers", **{k: json.dumps(sorted(v, key=str))
                                   for k, v in carriers.items()})

    # The services never seen, per table, each named once (the text
    # names them while --top lets it name them all; JSON and ECS list
    # every row with its flows). The guide's rows only.
    def unseen(rows):
        out = {}
        for table, service, flows in rows:
            if table is not None and not flows and \
               service not in out.setdefault(table, []):
                out[table].append(service)
        return {k: v for k, v in out.items() if v}
    jv = unseen((e.get("table"), e["service"], e["flows"]) for r in recs
                if r["type"] == "coverage" for e in r.get("entries", []))
    ev = unseen((e["impwatch"].get("table"), e["impwatch"]["service"],
                 e["impwatch"]["exercised"]) for e in evs
                if e["event"]["dataset"] == "impwatch.coverage")
    never = dict(json=jv, ecs=ev)
    tb = block(text, "  never seen:") if "\n  never seen:\n" in text else []
    if not any(x.startswith("    ... and ") for x in tb):
        never["text"] = {int(m.group(1)): m.group(2).split(" ")
                         for m in (re.match(r"^    table (\d+): (.*)$", x)
                                   for x in tb) if m}
    if page is not None:
        never["page"] = {int(r[0][1]): r[4][0].split(", ")
                         for head, hid, rows in t.tables
                         if head == "Coverage" for r in rows
                         if r[0][1] != "0" and r[4][0]}
    same("services never seen", **{k: json.dumps(v, sort_keys=True)
                                   for k, v in never.items()})

    # --brief's reasons are the text's.
    same("inconclusive reasons of --brief",
         text=json.dumps(block(text, "Inconclusive:")),
         brief=json.dumps(block(brief, "Inconclusive:")))


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

    # A --graph given is every run's (an output that fails, say): the
    # text's run draws no graph of its own then.
    gopt = [] if "--graph" in opts else ["--graph", tmp + "/g.dot"]
    rc = {}
    rc["text"], text = run(["--html", tmp + "/p.html"] + gopt)
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
    dot = open(tmp + "/g.dot", encoding="utf-8").read() if gopt else None
    hp = Page()
    hp.feed(page)

    lead = text.split("\n")[0]
    same("lead lines", text=lead, brief=brief.split("\n")[0])
    m = re.search(r"\(exit (\d)", lead)
    if not m or int(m.group(1)) != rc["text"]:
        fault("the lead line %r, the exit status %d" % (lead, rc["text"]))
    # The page says what --validate says of the run, given or not; its
    # colour is that verdict's exit status, never a friendlier one.
    vlead = lead
    if not validate:
        vrc, vtext = run(["--validate"])
        vlead = vtext.decode("utf-8").split("\n")[0]
        vm = re.search(r"\(exit (\d)", vlead)
        if not vm or int(vm.group(1)) != vrc:
            fault("the --validate lead line %r, its exit status %d" %
                  (vlead, vrc))
        # An error (exit 2) is the run's own: no gate judged it.
        if vrc != 2:
            vlead += " under --validate"
    same("verdicts", text=vlead, page=hp.verdict)
    pclass = re.search(r'<div class="verdict ([a-z]+)" id="verdict">', page)
    vm = re.search(r"\(exit (\d)", vlead)
    same("the page's colour", page=pclass and pclass.group(1),
         exit_status=vm and {"0": "pass", "1": "fail", "2": "error",
                             "3": "inconclusive"}[vm.group(1)])
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
            r'tooltip="([a-z-]+): (\d+) flows?, (\d+) bytes', dot or ""):
        graph[v] = graph.get(v, 0) + int(n)
        gbytes += int(b)
    # What the picture leaves out, the page counts: then the drawn edges
    # and those flows are every flow (their bytes the page rounds).
    left = sum(int(n) for n in re.findall(
        r" (\d+) flows \([^)]*\) (?:are not\.|past the first)", page))
    if dot is None:
        left = True   # no graph to count
    elif left:
        same("flows drawn and left out", json=len(flows),
             graph=sum(graph.values()) + left)
    else:
        by["graph"] = graph
    same("flows by verdict", **{k: json.dumps(v, sort_keys=True)
                                for k, v in by.items()})
    # The icmp-tunnel check's unmatched echo replies, short of the
    # finding too: the text and the page say them when there are any.
    tu = re.search(r"^  unmatched: (\d+) echo repl", text, re.M)
    pu = re.search(r'id="echo-unmatched">Unmatched: (\d+) echo repl', page)
    same("unmatched echo replies", text=int(tu.group(1)) if tu else 0,
         json=summ.get("echo_replies_unmatched"),
         ecs=eimp.get("echo_replies_unmatched"),
         page=int(pu.group(1)) if pu else 0)

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
         **({} if left else
            {"graph": (sum(r["packets"] for r in flows), gbytes)}))

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

    top = int(opts[opts.index("--top") + 1]) if "--top" in opts else 20
    page_facts(page, flows, summ, text, top)
    run_facts(text, brief, recs, summ, evs, eimp, page, hp, rc["json"],
              top)

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
