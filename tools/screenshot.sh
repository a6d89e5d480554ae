#!/bin/sh
# screenshot.sh BIN PNG: the HTML report of the demo capture (with the
# example inventory, under --validate) rendered by headless Chromium to
# PNG, the picture README.md shows. The page is left beside it in build/.
set -u
bin=$1 png=$2
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "screenshot: chromium not installed (make deps installs it)" >&2; exit 1; }
mkdir -p build "$(dirname "$png")"
"$bin" -q --validate -r pcaps/demo.pcap --hosts rules/example.hosts --sensor span-1 \
	--html build/demo.html >/dev/null
[ $? -le 1 ] || exit 1
home=$(mktemp -d) || exit 1
# As root Chromium runs only without its sandbox; the page is our own.
HOME=$home timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
	--no-first-run --hide-scrollbars --window-size=1280,1700 \
	--screenshot="$(pwd)/$png" "file://$(pwd)/build/demo.html" 2>/dev/null
rc=$?
rm -rf "$home"
[ $rc -eq 0 ] && [ -s "$png" ] || { echo "screenshot: chromium failed" >&2; exit 1; }
echo "screenshot: $png"
