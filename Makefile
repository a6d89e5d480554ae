# impwatch: one plain Makefile.
#
#   make            build build/impwatch
#   make check      install missing build deps (as root), build, run every test
#   make demo       install missing build deps (as root), build, run on pcaps/demo.pcap
#   make SANITIZE=1 check    the same under ASan and UBSan (objects in build/san)
#   make SANITIZE=thread check   the same under ThreadSanitizer (build/tsan)
#   make update-golden       regenerate tests/golden/*.out from the current binary
#   make check-man           the manual pages: rendering warnings, options against --help
#   make check-corpus CORPUS=DIR   run on every capture in DIR (crash/hang check)
#   make check-corpus-threads CORPUS=DIR   every capture in DIR at 1 and 4
#                   flow workers: the same records and counters
#   make screenshot  the demo's HTML report as doc/report.png (headless Chromium)
#   make deps       install the Debian packages the build needs (as root)
#   make install    install under PREFIX (/usr/local), staged under DESTDIR
#   make uninstall  remove what make install wrote
#   make deb        build the Debian package build/impwatch_VERSION_ARCH.deb
#   make check-install   make install and the package, installed and removed

CC      ?= cc
INSTALL ?= install
PKG_CONFIG ?= pkg-config
DEPS_DEB := make gcc pkg-config libpcap-dev libndpi-dev libgcrypt20-dev libcmocka-dev libgraphviz-dev \
	    libjansson-dev groff-base nftables iptables python3 jq tshark logrotate chromium gdb \
	    graphviz tcpreplay
PKGS    := libpcap libndpi libgcrypt jansson libgvc

ifeq ($(SANITIZE),1)
BUILD   ?= build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else ifeq ($(SANITIZE),thread)
# ThreadSanitizer: the flow workers and their rings (--threads).
BUILD   ?= build/tsan
SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
else
BUILD   ?= build
SANFLAGS :=
endif

# make install: DESTDIR stages, PREFIX is where it runs. The /etc files
# (logrotate's snippet, the unit's options) are under SYSCONFDIR whatever
# the PREFIX: logrotate reads only /etc/logrotate.d. systemd reads units
# from /usr/local/lib/systemd/system too.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/impwatch
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
ifeq ($(CI),true)
WARN    += -Werror
endif
OPT     ?= -O2 -g
# gcc on x86-64 zeroes or copies a struct of known size beyond 64 bytes
# with `rep stos` or `rep movs`, whose start costs tens of cycles on some
# CPUs: a packet's fields are zeroed for each frame, a flow's record built
# for each flow. Loops of vector moves instead, where the compiler takes
# the options (bench/HISTORY.md: 7% less CPU time, port-only).
STRINGOPS := -mmemset-strategy=vector_loop:1024:noalign,libcall:-1:noalign \
             -mmemcpy-strategy=vector_loop:1024:noalign,libcall:-1:noalign
ifeq ($(origin TUNE),undefined)
TUNE    := $(shell $(CC) -Werror $(STRINGOPS) -x c -c -o /dev/null /dev/null \
             2>/dev/null && echo '$(STRINGOPS)')
endif
# Link-time optimisation of the binary: a packet's path crosses a dozen
# files (capture, decode, flow table, classify, writers), and the small
# functions called from one to another are inlined only so (bench/
# HISTORY.md: 2.5% fewer instructions port-only). The objects are fat:
# the test programs link them as plain objects (-fno-lto), at once.
# Not under the sanitizers; LTO= builds without.
ifeq ($(origin LTO),undefined)
ifeq ($(SANFLAGS),)
LTO     := $(shell $(CC) -Werror -flto=auto -ffat-lto-objects -x c -c \
             -o /dev/null /dev/null 2>/dev/null && \
             echo '-flto=auto -ffat-lto-objects')
endif
endif
NO_LTO  := $(if $(LTO),-fno-lto)
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE $(OPT) $(TUNE) $(WARN) $(SANFLAGS) -Iinclude -I$(BUILD) \
             $(PKG_CFLAGS) -MMD -MP $(CFLAGS)
ALL_LDFLAGS = -pthread $(SANFLAGS) $(LDFLAGS)

SRCS    := $(filter-out src/main.c,$(wildcard src/*.c))
OBJS    := $(SRCS:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/rules_embedded.o
MAIN    := $(BUILD)/obj/main.o
BIN     := $(BUILD)/impwatch
# Runs a suite and says how long it took (tools/timed.sh).
TIMED   := sh tools/timed.sh
TESTS_SRC := $(wildcard tests/unit/test_*.c)
TESTS   := $(TESTS_SRC:tests/unit/%.c=$(BUILD)/tests/%)
GEN     := $(BUILD)/gen_pcaps

.PHONY: all check check-cpu check-waiting demo deps unit golden threads records ecs check-man update-golden check-corpus check-corpus-threads pcaps clean \
	html screenshot \
	bench fuzz fuzz-run check-valgrind install uninstall deb check-install

all: $(BIN)

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) $(LTO) -c -o $@ $<

# The embedded catalogue: rules/imp.conf as a C byte array.
$(BUILD)/rules_embedded.c: rules/imp.conf tools/embed.sh | $(BUILD)/obj
	sh tools/embed.sh rules/imp.conf impwatch_embedded_rules > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/rules_embedded.o: $(BUILD)/rules_embedded.c
	$(CC) $(ALL_CFLAGS) $(LTO) -c -o $@ $<

# With LTO, the code is made here: with the options it was compiled with.
$(BIN): $(OBJS) $(MAIN)
	$(CC) $(if $(LTO),$(OPT) $(TUNE) $(LTO)) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(OBJS) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -o $@ $< $(OBJS) $(ALL_LDFLAGS) $(NO_LTO) $(PKG_LIBS) $(CMOCKA_LIBS)

# test_pipeline reads the pipeline's own parts: it includes
# src/pipeline.c, and is linked without pipeline.o.
$(BUILD)/tests/test_pipeline: tests/unit/test_pipeline.c $(OBJS) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -o $@ $< $(filter-out $(BUILD)/obj/pipeline.o,$(OBJS)) \
		$(ALL_LDFLAGS) $(NO_LTO) $(PKG_LIBS) $(CMOCKA_LIBS)

# Test drivers of the record fields (tests/records/run.sh).
$(BUILD)/records/%: tests/records/%.c $(OBJS) | $(BUILD)/records
	$(CC) $(ALL_CFLAGS) -o $@ $< $(OBJS) $(ALL_LDFLAGS) $(NO_LTO) $(PKG_LIBS)

$(BUILD)/peer: tests/live/peer.c | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS)

# The packet-building library of the capture generators (tests/lib).
TESTLIB_SRCS := tests/lib/pktbuild.c tests/lib/pcapout.c
TESTLIB_HDRS := tests/lib/pktbuild.h tests/lib/pcapout.h

# The benchmark's capture generator, also used by the live replay test;
# built as bench/run.sh builds it (it sets its own feature macros).
$(BUILD)/gen_bench: bench/gen_bench.c $(TESTLIB_SRCS) $(TESTLIB_HDRS) | $(BUILD)/obj
	$(CC) -std=c11 $(OPT) $(WARN) $(SANFLAGS) $(shell $(PKG_CONFIG) --cflags libpcap) \
		-Itests/lib -o $@ $< $(TESTLIB_SRCS) $(ALL_LDFLAGS) $(shell $(PKG_CONFIG) --libs libpcap)

$(GEN): tests/gen/gen_pcaps.c $(TESTLIB_SRCS) $(TESTLIB_HDRS) | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -Itests/lib -o $@ $< $(TESTLIB_SRCS) $(ALL_LDFLAGS) $(PKG_LIBS)

$(BUILD)/obj $(BUILD)/tests $(BUILD)/records:
	@mkdir -p $@

# Install what the build needs when it is missing. As root this runs
# apt-get; otherwise it names the packages and stops.
deps:
	@sh tools/deps.sh $(DEPS_DEB)

# A unit test binary that has not ended after UNIT_TIMEOUT seconds hangs
# (a broken hash chain loops, a ring waits for ever): stopped by
# tools/timed.sh, a failure that says so, not a run that stalls until CI
# gives up.
UNIT_TIMEOUT ?= 300
unit: $(TESTS)
	@fail=0; for t in $(TESTS); do echo "== $$t"; \
	TIMED_LIMIT=$(UNIT_TIMEOUT) $(TIMED) $$t $$t || fail=1; done; exit $$fail

golden: $(BIN)
	@sh tests/golden/run.sh $(BIN)

# The golden captures and two small benchmark captures (bench/run.sh
# makes them large) with 1 and 4 flow workers: the same sorted records and
# summary counters (peaks aside).
THREADS_CAPS := $(BUILD)/threads/mix.pcap $(BUILD)/threads/noise.pcap
$(BUILD)/threads/%.pcap: $(BUILD)/gen_bench
	@mkdir -p $(BUILD)/threads
	@$(BUILD)/gen_bench $* -m 2 -s 7 $@ >/dev/null

threads: $(BIN) $(THREADS_CAPS)
	@sh tests/threads/run.sh $(BIN) 4 $(THREADS_CAPS)

# Record fields against implementations written apart (issue 16).
records: $(BUILD)/records/cid $(BUILD)/records/flowdump $(BIN)
	@sh tests/records/run.sh $(BUILD)/records/cid $(BUILD)/records/flowdump $(BIN)

# --format ecs against the ECS field types (tests/records/ecs_schema.json).
ecs: $(BIN)
	@sh tests/records/ecs.sh $(BIN)

# The manual pages render without a warning and list the options --help does.
check-man: $(BIN)
	@sh tests/man/run.sh $(BIN)

update-golden: $(BIN)
	@sh tests/golden/run.sh $(BIN) --update
	@sh tests/acl/run.sh $(BIN) --update

# `make check` runs its suites in two lanes side by side (tools/beside.sh):
# those that compute, and those that mostly wait (live capture and the
# firewall's router, in network namespaces: a report every second,
# answers that must not come), in the background. Each lane runs its
# suites one after another and stops at the first that fails; a failure
# in either fails `make check`. The computing lane's output comes as it
# runs, the waiting lane's log whole after it. The binaries both use are
# built first. The line is marked recursive (+): the lanes' makes share
# the jobserver of -j. A second computing lane saved CI about a minute
# more (17 min 1 s against 18 min 5 s), but left the live suite's
# captures no CPU of their own.
CHECK_LANES = @sh tools/beside.sh $(BUILD)/check-waiting.log \
	'$(MAKE) --no-print-directory check-waiting' \
	$(MAKE) --no-print-directory check-cpu

ifeq ($(SANITIZE),thread)
# Under ThreadSanitizer, the suites that run flow workers: the golden
# captures at 1 and 2 workers, the command line, nDPI and live capture
# (each run there has workers). The single-threaded suites (golden,
# records, man, acl) have nothing for it to find, and the adversarial
# floods of millions of flows take it too long; CI runs them without.
check: deps
	@$(MAKE) --no-print-directory all $(BUILD)/peer $(BUILD)/gen_bench
	+$(CHECK_LANES)
check-cpu:
	@$(TIMED) unit $(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory $(THREADS_CAPS)
	@$(TIMED) threads sh tests/threads/run.sh $(BIN) 2 $(THREADS_CAPS)
	@$(TIMED) cli sh tests/cli/run.sh $(BIN)
	@$(TIMED) dpi sh tests/dpi/run.sh $(BIN) $(CORPUS)
check-waiting:
	@$(TIMED) live sh tests/live/run.sh $(BIN) $(BUILD)/peer $(BUILD)/gen_bench
else
check: deps
	@$(MAKE) --no-print-directory all $(BUILD)/peer $(BUILD)/gen_bench
	+$(CHECK_LANES)
check-cpu:
	@$(TIMED) unit $(MAKE) --no-print-directory unit
	@$(TIMED) golden $(MAKE) --no-print-directory golden
	@$(TIMED) threads $(MAKE) --no-print-directory threads
	@$(TIMED) records $(MAKE) --no-print-directory records
	@$(TIMED) ecs $(MAKE) --no-print-directory ecs
	@$(TIMED) html sh tests/html/run.sh $(BIN)
	@$(TIMED) man sh tests/man/run.sh $(BIN)
	@$(TIMED) cli sh tests/cli/run.sh $(BIN)
	@$(TIMED) dpi sh tests/dpi/run.sh $(BIN) $(CORPUS)
	@$(TIMED) adversarial sh tests/adversarial/run.sh $(BIN)
check-waiting:
	@$(TIMED) live sh tests/live/run.sh $(BIN) $(BUILD)/peer $(BUILD)/gen_bench
	@$(TIMED) acl sh tests/acl/run.sh $(BIN)
	@$(TIMED) bench sh tests/bench/run.sh $(BIN)
endif

demo: deps
	@$(MAKE) --no-print-directory all
	$(BIN) -r pcaps/demo.pcap

# The HTML report and its graph, in a real browser (tests/html).
html: $(BIN)
	@sh tests/html/run.sh $(BIN)

# The picture of the demo's HTML report that README.md shows.
screenshot: $(BIN)
	@sh tools/screenshot.sh $(BIN) doc/report.png

# Regenerate the project's own captures (committed under pcaps/); the
# pcapng copies need editcap (Debian's wireshark-common).
pcaps: $(GEN)
	$(GEN) pcaps
	sh tests/gen/mkpcapng.sh pcaps

# Throughput and memory against a bare libpcap loop and ndpiReader, on a
# generated capture (bench/README.md). Never part of `make check`.
bench: $(BIN)
	@sh bench/run.sh $(BIN)

# libFuzzer targets (clang, ASan + UBSan) and a bounded run of each.
fuzz:
	@sh fuzz/build.sh
FUZZ_SECONDS ?= 60
fuzz-run: fuzz
	@sh fuzz/run.sh $(FUZZ_SECONDS)

# Every test binary and golden case under valgrind: no errors, no leaks.
check-valgrind: $(BIN) $(TESTS)
	@sh tests/valgrind/run.sh $(BIN) $(TESTS)

# The binary, the manual pages, the catalogue as an editable reference
# copy (the built-in one stays the default), an example inventory, the
# systemd template unit, the logrotate snippet and the unit's options
# file. The two /etc files are configuration: an existing one is kept.
install: $(BIN)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSCONFDIR)/logrotate.d $(DESTDIR)$(SYSCONFDIR)/default
	$(INSTALL) -m 755 $(BIN) $(DESTDIR)$(BINDIR)/impwatch
	$(INSTALL) -m 644 man/impwatch.1 $(DESTDIR)$(MANDIR)/man1/impwatch.1
	$(INSTALL) -m 644 man/impwatch-rules.5 $(DESTDIR)$(MANDIR)/man5/impwatch-rules.5
	$(INSTALL) -m 644 rules/imp.conf $(DESTDIR)$(DATADIR)/imp.conf
	$(INSTALL) -m 644 rules/example.hosts $(DESTDIR)$(DATADIR)/example.hosts
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		dist/impwatch@.service.in > $(DESTDIR)$(UNITDIR)/impwatch@.service.tmp
	chmod 644 $(DESTDIR)$(UNITDIR)/impwatch@.service.tmp
	mv $(DESTDIR)$(UNITDIR)/impwatch@.service.tmp $(DESTDIR)$(UNITDIR)/impwatch@.service
	@sh tools/conffile.sh install dist/impwatch.logrotate $(DESTDIR)$(SYSCONFDIR)/logrotate.d/impwatch
	@sh tools/conffile.sh install dist/impwatch.default $(DESTDIR)$(SYSCONFDIR)/default/impwatch

# Exactly what install wrote; an /etc file someone edited stays. So do
# folders, but for those install makes on a fresh system, when they are
# left empty: its own, systemd's unit folder under PREFIX, man sections.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/impwatch $(DESTDIR)$(MANDIR)/man1/impwatch.1 \
		$(DESTDIR)$(MANDIR)/man5/impwatch-rules.5 $(DESTDIR)$(DATADIR)/imp.conf \
		$(DESTDIR)$(DATADIR)/example.hosts $(DESTDIR)$(UNITDIR)/impwatch@.service
	rmdir $(DESTDIR)$(DATADIR) 2>/dev/null || true
	@for d in $(DESTDIR)$(UNITDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5; do rmdir "$$d" 2>/dev/null || true; done
	@case '$(UNITDIR)' in */systemd/system) \
	    rmdir '$(DESTDIR)$(UNITDIR:/system=)' 2>/dev/null || true ;; esac
	@sh tools/conffile.sh uninstall dist/impwatch.logrotate $(DESTDIR)$(SYSCONFDIR)/logrotate.d/impwatch
	@sh tools/conffile.sh uninstall dist/impwatch.default $(DESTDIR)$(SYSCONFDIR)/default/impwatch

# The Debian package (dpkg-deb), in build/: never from a sanitizer build.
deb:
	@sh tools/deps.sh dpkg-dev
	@$(MAKE) -s --no-print-directory SANITIZE= BUILD=build build/impwatch
	@sh tools/mkdeb.sh build/impwatch build

# make install into a temporary DESTDIR against the expected file list,
# the logrotate snippet run, the unit verified, and the Debian package
# installed, run, removed and purged (as root; skipped otherwise).
check-install: deps
	@sh tools/deps.sh dpkg-dev mandoc logrotate systemd adduser
	@$(MAKE) -s --no-print-directory SANITIZE= BUILD=build build/impwatch
	@sh tests/install/run.sh build/impwatch

CORPUS ?= ../shared/pcaps
check-corpus: $(BIN)
	@sh tests/corpus/run.sh $(BIN) $(CORPUS)

# Every capture in CORPUS with --threads 1 and 4, nDPI on and off: the
# same sorted records, summary counters and exit status (tests/threads);
# with nDPI, flows a worker's nDPI caches name otherwise are listed.
check-corpus-threads: $(BIN)
	@THREADS_GIVEN_ONLY=1 THREADS_CACHE_NAMES=1 sh tests/threads/run.sh $(BIN) 4 \
		$(wildcard $(CORPUS)/*.pcap $(CORPUS)/*.pcapng $(CORPUS)/*.cap)

clean:
	rm -rf build

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tests/*.d)
