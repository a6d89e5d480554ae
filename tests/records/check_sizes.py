#!/usr/bin/python3
"""check_sizes.py LIMIT FILE: impwatch's JSON lines against what a SIEM
accepts. Fails (exit 1, a line saying why) when a line, newline
included, is longer than LIMIT bytes or is not one JSON object, when the
records hold more than one run_id, when the summary is not the last
record, or when a type's (and list's) parts are not numbered 1, 2, ... in order.
Otherwise prints one line per record type: TYPE records N entries M
(entries: summed over the parts' "entries" lists)."""
import json
import sys


def main():
    limit, path = int(sys.argv[1]), sys.argv[2]
    runs, types, last = set(), {}, None
    with open(path, 'rb') as f:
        for n, line in enumerate(f, 1):
            if len(line) > limit:
                print('line %d: %d bytes, over %d' % (n, len(line), limit))
                return 1
            r = json.loads(line)
            runs.add(r['run_id'])
            # Parts are numbered per type and, for services, per list.
            key = r['type'] + ('/' + r['list'] if 'list' in r else '')
            t = types.setdefault(key, [0, 0, 0])
            t[0] += 1
            if 'part' in r:
                if r['part'] != t[2] + 1:
                    print('line %d: %s part %d after %d' % (n, r['type'], r['part'], t[2]))
                    return 1
                t[2] = r['part']
                t[1] += len(r['entries'])
            last = r['type']
    if len(runs) != 1 or last != 'summary':
        print('%d run ids; last record %s' % (len(runs), last))
        return 1
    for k in sorted(types):
        print('%s records %d entries %d' % (k, types[k][0], types[k][1]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
