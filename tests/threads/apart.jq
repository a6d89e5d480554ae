# apart.jq: the records of one capture read with --threads 1 ($one) and
# --threads N ($many), nDPI on, when they differ. nDPI 4.2 keeps caches
# of earlier flows in each module (BitTorrent peers, STUN and TLS
# servers, Zoom, Teams, Ookla, mining hosts); a worker's module sees only
# its share of the flows, which the run's random hash key picks, and may
# name a flow otherwise than one module. Such a flow is "named apart":
# every field of its record the same but its application. What a cache
# names is a guess (confidence DPI_CACHE, dpi.c), or Skype renamed Teams
# (the Teams cache); so one side at least is a guess or no name, or both
# are of the Skype_Teams family. Anything else is a failure.
#
# Prints, one a line: "apart<TAB>WHAT" for each flow named apart,
# "fail<TAB>WHY" for each difference names alone do not explain, and
# "same" when, names aside, the records are the same. With names apart,
# what counts the names (the services lists' applications, the summary's
# nDPI counters) is compared without them by the caller (rest below).

def masked: del(.app, .app_source);
def named: [.app, .app_source];
def tuple: "\(.transport) \(.client_ip):\(.client_port) -> \(.server_ip):\(.server_port) first seen \(.first_seen)";
def name_of($r): if $r[0] == null then "no name" else "\($r[0]) (\($r[1]))" end;
def guessy($r): $r[0] == null or $r[1] != "dpi";
def teams($r): ($r[0] // "") | test("^(Skype_Teams|Teams)");
def explained($x; $y): guessy($x) or guessy($y) or (teams($x) and teams($y));

def flows($x): [$x[] | select(.type == "flow" or .type == "alert")];
def by_key($x): flows($x) | group_by(masked | tojson)
	| map({key: (.[0] | masked | tojson), value: (map(named) | sort)})
	| from_entries;

by_key($one) as $a | by_key($many) as $b
| ([$a, $b] | add | keys) as $keys
| [ $keys[] as $k
    | ($a[$k] // []) as $x | ($b[$k] // []) as $y
    | ($k | fromjson) as $r
    | if ($x | length) != ($y | length) then
        "fail\t\($r.type) \($r | tuple): \($x | length) with 1 thread, \($y | length) with \($n)"
      elif $x == $y then empty
      else range(0; $x | length) as $i
        | select($x[$i] != $y[$i])
        | if explained($x[$i]; $y[$i]) then
            "apart\t\($r.type) \($r | tuple): \(name_of($x[$i])) with 1 thread, \(name_of($y[$i])) with \($n)"
          else
            "fail\t\($r.type) \($r | tuple): \(name_of($x[$i])) with 1 thread, \(name_of($y[$i])) with \($n), not a cache's guess"
          end
      end ]
| if length == 0 then "same" else .[] end
