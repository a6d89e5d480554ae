#!/usr/bin/python3
"""ecs_check.py SCHEMA [FILE...]: check impwatch's --format ecs events
(JSON lines, standard input without FILE) against SCHEMA
(ecs_schema.json).

Each line must be at most line_max bytes, its newline included, and
one JSON object whose dotted ECS names are nested objects (no key holds
a dot); every field must be listed in the schema with a value of its
type (keyword: a string; ip: an IPv4 or IPv6 address; long: a 64-bit
integer; float: a number, a fraction or not; date: RFC 3339 in UTC;
boolean; object), a list only where the schema says "array", one of the
allowed values where it lists them; the fields required of every event
and of its event.dataset must be there; each event.type must be one its
categories expect (ECS's expected event types). Numbers that add up must
add up: network.bytes and packets are source's plus destination's,
event.duration is event.end less event.start, related.ip holds both ends.
Each line starts with @timestamp in microseconds, where the README's
Splunk props.conf finds the event's time.

Prints one line per fault ("LINE: what") and exits 1 when there is any;
0 with "N events" otherwise.
"""
import datetime
import ipaddress
import json
import re
import sys

# What the README's Splunk props.conf reads the time with: TIME_PREFIX
# ^\{"@timestamp":" and TIME_FORMAT %Y-%m-%dT%H:%M:%S.%6NZ.
SPLUNK_TIME = re.compile(
    rb'^\{"@timestamp":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z"')
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")
LONG_MIN, LONG_MAX = -(1 << 63), (1 << 63) - 1


def type_ok(typ, v):
    """True when value v (not a list) has ECS type typ."""
    if typ == "keyword":
        return isinstance(v, str)
    if typ == "ip":
        if not isinstance(v, str):
            return False
        try:
            ipaddress.ip_address(v)
        except ValueError:
            return False
        return True
    if typ == "long":
        return (isinstance(v, int) and not isinstance(v, bool) and
                LONG_MIN <= v <= LONG_MAX)
    if typ == "float":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if typ == "date":
        return isinstance(v, str) and DATE.match(v) is not None
    if typ == "boolean":
        return isinstance(v, bool)
    if typ == "object":
        return isinstance(v, dict)
    return False


def ns(date):
    """A date's nanoseconds since the epoch."""
    m = re.match(r"^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$", date)
    base = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
    base = base.replace(tzinfo=datetime.timezone.utc)
    frac = (m.group(2) or "").ljust(9, "0")
    return int(base.timestamp()) * 10**9 + int(frac)


class Checker:
    def __init__(self, schema):
        self.fields = schema["fields"]
        self.required = schema["required"]
        self.expected = schema["expected_types"]
        self.line_max = schema["line_max"]
        self.faults = []

    def fault(self, where, what):
        self.faults.append("%s: %s" % (where, what))

    def walk(self, where, obj, prefix, flat):
        """Check every member of obj (an object at dotted name prefix)
        and put each field's value in flat under its dotted name."""
        for k, v in obj.items():
            if "." in k or k == "":
                self.fault(where, "key %r is not a nested name" % k)
                continue
            name = prefix + k
            spec = self.fields.get(name)
            if spec is None:
                if isinstance(v, dict) and not v:
                    self.fault(where, "empty object %s" % name)
                elif isinstance(v, dict):
                    self.walk(where, v, name + ".", flat)
                else:
                    self.fault(where, "unknown field %s" % name)
                continue
            flat[name] = v
            self.value(where, name, spec, v, flat)

    def value(self, where, name, spec, v, flat):
        """Check field name's value v against its spec."""
        if isinstance(v, list):
            if not spec.get("array"):
                self.fault(where, "%s is a list, not a %s" %
                           (name, spec["type"]))
                return
            items = v
        else:
            if spec.get("array"):
                self.fault(where, "%s is not a list" % name)
                return
            items = [v]
        for x in items:
            if not type_ok(spec["type"], x):
                self.fault(where, "%s: %s is not a %s" %
                           (name, json.dumps(x), spec["type"]))
                continue
            if "allowed" in spec and x not in spec["allowed"]:
                self.fault(where, "%s: %s is not an allowed value" %
                           (name, json.dumps(x)))
            if spec["type"] == "object":
                if "values" in spec:
                    for k2, v2 in x.items():
                        if not type_ok(spec["values"], v2):
                            self.fault(where, "%s.%s: %s is not a %s" %
                                       (name, k2, json.dumps(v2),
                                        spec["values"]))
                else:
                    self.walk(where, x, name + ".", {})

    def event(self, where, ev):
        flat = {}
        self.walk(where, ev, "", flat)
        ds = flat.get("event.dataset")
        for name in self.required["*"] + self.required.get(ds, []):
            if name not in flat and not any(
                    k.startswith(name + ".") for k in flat):
                self.fault(where, "%s lacks %s" % (ds, name))
        if ds is not None and ds not in self.required:
            self.fault(where, "no required fields listed for %s" % ds)
        self.categories(where, flat)
        self.sums(where, flat)

    def categories(self, where, flat):
        cats = flat.get("event.category")
        types = flat.get("event.type")
        if not isinstance(cats, list) or not isinstance(types, list):
            return
        for c in cats:
            if c not in self.expected:
                self.fault(where, "category %s has no expected types "
                           "listed" % c)
        for t in types:
            if not any(t in self.expected.get(c, []) for c in cats):
                self.fault(where, "event.type %s is not expected for %s" %
                           (t, cats))

    def sums(self, where, flat):
        for what in ("bytes", "packets"):
            s = flat.get("source." + what)
            d = flat.get("destination." + what)
            n = flat.get("network." + what)
            if s is not None and d is not None and n != s + d:
                self.fault(where, "network.%s %s is not %s + %s" %
                           (what, n, s, d))
        st, en, du = (flat.get("event.start"), flat.get("event.end"),
                      flat.get("event.duration"))
        if (isinstance(st, str) and isinstance(en, str) and
                DATE.match(st) and DATE.match(en) and
                du != ns(en) - ns(st)):
            self.fault(where, "event.duration %s is not end - start" % du)
        rel = flat.get("related.ip")
        for end in ("source.ip", "destination.ip"):
            ip = flat.get(end)
            if ip is not None and (not isinstance(rel, list) or
                                   ip not in rel):
                self.fault(where, "related.ip lacks %s %s" % (end, ip))

    def line(self, where, raw):
        if len(raw) > self.line_max:
            self.fault(where, "line of %d bytes with its newline (at "
                       "most %d)" % (len(raw), self.line_max))
        if not SPLUNK_TIME.match(raw):
            self.fault(where, "does not start with @timestamp in "
                       "microseconds (the README's props.conf)")
        try:
            ev = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            self.fault(where, "not JSON: %s" % e)
            return
        if not isinstance(ev, dict):
            self.fault(where, "not a JSON object")
            return
        self.event(where, ev)


def main():
    if len(sys.argv) < 2:
        sys.stderr.write("usage: ecs_check.py SCHEMA [FILE...]\n")
        return 2
    with open(sys.argv[1]) as f:
        chk = Checker(json.load(f))
    n = 0
    names = sys.argv[2:] or ["-"]
    for name in names:
        f = sys.stdin.buffer if name == "-" else open(name, "rb")
        for i, raw in enumerate(f, 1):
            n += 1
            chk.line("%s:%d" % (name, i), raw)
    for x in chk.faults[:50]:
        print(x)
    if chk.faults:
        print("%d faults in %d events" % (len(chk.faults), n))
        return 1
    if n == 0:
        print("no events")
        return 1
    print("%d events" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
