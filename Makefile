# SPDX-License-Identifier: GPL-2.0
#
# shadowmm: the module, the tools, and the runs that test them.
#
#   make            module (W=1, warnings are errors) and tools
#   make vm         boot the Debian kernel in QEMU with the module loaded
#                   on a reserved range and the tools on PATH (a shell)
#   make ARCH=arm64, make vm ARCH=arm64
#                   the module, tools and selftests cross-built for
#                   Debian's arm64 kernel in build/arm64 (scripts/
#                   build-arm64.sh); the arm64 guest (qemu-system-aarch64).
#                   KVER=6.12 (or its arm64 release): Debian's 6.12 arm64
#                   kernel, in build/arm64-6.12
#   make check      host unit tests of the core (ASan/UBSan) and of the
#                   tools, then every selftest in the VM; ends with
#                   "N passed, N failed, N skipped"
#   make check-full make check on every kernel and flavour (6.12 too)
#   make check-debug  the generic kernel, then every selftest at full size
#                   on the debug kernel (KASAN, lockdep, kmemleak), then
#                   stress, fuzz and walk races on the KCSAN kernel; both
#                   built from linux-source of KVER's series (6.1 or 6.12)
#   make bench      benchmarks: native core rows and smmtop's refresh, then
#                   ratios against the kernel's allocators in one VM run
#                   (table + JSON)
#   make demo       the demos in the VM, stage by stage in smmtop's batch
#                   mode: memory pressure, compaction, then the page cache
#                   (scripts/demo.sh pressure, compaction, pagecache;
#                   DEMO=pagecache: that one alone);
#                   not part of make check
#   make lab N=3    guided lab 3 in the VM, its predictions checked
#                   (scripts/lab.sh; N=all: every lab, FIGURES=1: copy its
#                   figures into Documentation/labs/figures/); make check
#                   runs every lab through selftests/test_labs.sh
#   make sparse     the module through sparse (C=2)
#   make install    the module into /lib/modules/KREL/updates (depmod),
#                   smmctl and smmtop into PREFIX/sbin, man pages and
#                   completion under PREFIX/share (PREFIX=/usr/local,
#                   DESTDIR honoured: scripts/install.sh); make uninstall
#   make dkms       the module's sources to /usr/src/shadowmm-VERSION,
#                   dkms add, build and install for KREL (dkms.conf:
#                   rebuilt for every kernel installed later)
#   make clean
#
# The kernel: KVER= names what the module is built for and what make vm,
# make check and make bench boot, a series of Debian's (6.1, the default,
# or 6.12) or a release (6.12.117+deb12-amd64; `uname -r` to insmod on a
# test machine). scripts/kver.sh maps a series to its newest installed
# release once per run (KREL, expanded on first use, after deps), and
# every sub-make and script gets that release: a kernel installed
# meanwhile changes nothing. KDIR= overrides the headers alone.

SHELL		:= /bin/bash
KVER		?= 6.1
KSERIES		:= $(shell echo '$(KVER)' | grep -oE '^[0-9]+\.[0-9]+')
KREL		= $(eval KREL := $$(or $$(shell scripts/kver.sh generic $(KVER)), \
		    $$(error no kernel for KVER=$(KVER) (above): run 'make deps', or give KVER= or KDIR=)))$(KREL)
KDIR		?= /lib/modules/$(KREL)/build
MODULE		:= module/shadowmm.ko
KBUILD_FLAGS	:= W=1 KCFLAGS=-Werror

ifeq ($(ARCH),arm64)
# KVER: 6.1 (the default) or 6.12, or a release of either
# (6.12.117+deb12-arm64); each series has its cache (deps-arm64.sh) and
# build directory (build/arm64, build/arm64-6.12)
ARM64_DEPS	:= arm64$(if $(filter 6.12,$(KSERIES)),-6.12)
ARM64_ENV	:= SMM_ARM64_SERIES=$(KSERIES) $(if $(filter-out $(KSERIES),$(KVER)),SMM_KVER=$(KVER))
all:
	@scripts/deps.sh $(ARM64_DEPS)
	$(ARM64_ENV) scripts/build-arm64.sh > /dev/null
vm:
	@scripts/deps.sh $(ARM64_DEPS)
	$(ARM64_ENV) SMM_ARCH=arm64 scripts/vm.sh shell
else
all: module tools selftests
vm: deps all
	SMM_KVER=$(KREL) scripts/vm.sh shell
endif

# Debian's packages of the series KVER names (6.1's are always there).
deps:
	@scripts/deps.sh $(filter 6.12,$(KSERIES))

module:
	@test -d "$(KDIR)" || { echo "no kernel headers at '$(KDIR)': run 'make deps' or set KVER= or KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_FLAGS) modules

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_FLAGS) C=2 modules

tools:
	$(MAKE) -C tools

selftests: tools
	$(MAKE) -C selftests
	$(MAKE) -C tools/testing/bench vm

# Every host test's TAP also goes to build/host/ (HOST_TAP), where the
# VM run's closing line counts it; an old file goes first, so that a test
# that did not run cannot pass on it.
test-core:
	@rm -f build/host/core.tap
	$(MAKE) -C tools/testing/core core_test
	@mkdir -p build/host
	tools/testing/core/core_test | tee build/host/core.tap; exit $${PIPESTATUS[0]}

# The core at pageblock orders 7 and 10 (replay_native's variants): the
# tests that hold at any order; TAP in build/host/core-pb7.tap, core-pb10.tap.
test-core-pb:
	@rm -f build/host/core-pb7.tap build/host/core-pb10.tap
	$(MAKE) -C tools/testing/core test-pb PB_TAP_DIR=$(CURDIR)/build/host

test-tools:
	$(MAKE) -C tools test TAP_DIR=$(CURDIR)/build/host

# libFuzzer on the core for FUZZ_SECONDS (60); TAP in build/host/fuzz.tap.
test-fuzz:
	@rm -f build/host/fuzz.tap
	@mkdir -p build/host
	$(MAKE) -C tools/testing/core fuzz FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60)

# The multithreaded core tests under ThreadSanitizer; TAP in
# build/host/tsan.tap, a race fails it.
test-tsan:
	@mkdir -p build/host
	$(MAKE) -C tools/testing/core tsan

# No identifier defined both in module/ and in tools/ (lib, smmctl,
# smmtop): scripts/check-names.sh, TAP in build/host/names.tap.
test-names: module tools
	@rm -f build/host/names.tap
	@mkdir -p build/host
	scripts/check-names.sh | tee build/host/names.tap; exit $${PIPESTATUS[0]}

# Documentation/design.md's tree is the tree git has: every entry
# tracked, every tracked file in it (scripts/check-tree.py).
test-tree:
	@rm -f build/host/tree.tap
	@mkdir -p build/host
	python3 scripts/check-tree.py | tee build/host/tree.tap; exit $${PIPESTATUS[0]}

# The man pages (Documentation/man/test_man.sh): mandoc's lint, and
# smmctl.8 against smmctl's own help; TAP in build/host/man.tap.
test-man: tools
	@rm -f build/host/man.tap
	@mkdir -p build/host
	Documentation/man/test_man.sh tools/smmctl/smmctl | tee build/host/man.tap; exit $${PIPESTATUS[0]}

# The selftests installed as a kselftest directory (make -C selftests
# install INSTALL_PATH=...), its list and files, and its run_kselftest.sh
# on a fake collection (scripts/test-ksft.sh); TAP in build/host/ksft.tap.
test-ksft: tools
	@rm -f build/host/ksft.tap
	@mkdir -p build/host
	scripts/test-ksft.sh | tee build/host/ksft.tap; exit $${PIPESTATUS[0]}

# smmctl stats' Prometheus output from a replayed capture, through
# Debian's promtool (scripts/deps.sh promtool unpacks it, once) and
# selftests/prom_check.awk; TAP in build/host/prometheus.tap.
test-prom:
	@rm -f build/host/prometheus.tap
	@mkdir -p build/host
	@scripts/deps.sh promtool > /dev/null || echo "test-prom: no promtool, its checks skip" >&2
	$(MAKE) -C tools smmctl/smmctl-asan smmtop/test_mkcap
	tools/smmctl/test_stats.sh tools/smmctl/smmctl-asan tools/smmtop/test_mkcap | tee build/host/prometheus.tap; exit $${PIPESTATUS[0]}

# The native replayer (tools/testing/replay) on a hand-written trace of
# known fragmentation; TAP in build/host/replay.tap.
test-replay:
	@rm -f build/host/replay.tap
	@mkdir -p build/host
	$(MAKE) -C tools lib/libsmm.a
	$(MAKE) -C tools/testing/replay all
	cd tools/testing/replay && ./test_replay_native.sh ./replay_native | tee $(CURDIR)/build/host/replay.tap; exit $${PIPESTATUS[0]}

# make install/uninstall into a DESTDIR, then DKMS for 6.1 and 6.12
# (scripts/test-install.sh, root); TAP in build/host/install.tap.
test-install: all
	@rm -f build/host/install.tap
	@mkdir -p build/host
	KREL=$(KREL) scripts/test-install.sh | tee build/host/install.tap; exit $${PIPESTATUS[0]}

# The YNL spec (Documentation/netlink/specs/shadowmm.yaml) against the
# uapi header and the kernel's genetlink-legacy schema, and its load by the
# kernel's YNL library (scripts/check-ynl.py); the schema and tools/net/ynl
# come from Debian's linux-source-6.12, unpacked once into build/ynl/kernel.
# Debian's python3 (python3-yaml, python3-jsonschema) when there is one.
YNL_SOURCE	?= /usr/src/linux-source-6.12.tar.xz
YNL_DIR		:= build/ynl/kernel
PYTHON3		?= $(firstword $(wildcard /usr/bin/python3) python3)

$(YNL_DIR)/tools/net/ynl/cli.py:
	@test -f $(YNL_SOURCE) || { echo "test-ynl: no $(YNL_SOURCE) (scripts/deps.sh installs linux-source-6.12)" >&2; exit 1; }
	rm -rf $(YNL_DIR) && mkdir -p $(YNL_DIR)
	tar -xJf $(YNL_SOURCE) -C $(YNL_DIR) --strip-components=1 --wildcards \
		'*/Documentation/netlink/genetlink-legacy.yaml' '*/tools/net/ynl/cli.py' \
		'*/tools/net/ynl/lib/*.py'

test-ynl: $(YNL_DIR)/tools/net/ynl/cli.py
	@rm -f build/host/ynl.tap
	@mkdir -p build/host
	$(PYTHON3) scripts/check-ynl.py --kernel-dir $(YNL_DIR) | tee build/host/ynl.tap; exit $${PIPESTATUS[0]}

test-host: test-core test-tsan test-tools test-fuzz test-names test-tree test-man test-prom \
	   test-ksft test-install test-ynl test-replay test-core-pb

# Install as any out-of-tree module and tool set (scripts/install.sh).
PREFIX		?= /usr/local
install: all
	KREL=$(KREL) PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) scripts/install.sh install

uninstall:
	KREL=$(KREL) PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) scripts/install.sh uninstall

dkms: deps
	@scripts/deps.sh dkms
	scripts/install.sh dkms-src
	v=$$(scripts/install.sh version); \
	  { dkms status shadowmm/$$v | grep -q . || dkms add shadowmm/$$v; } && \
	  dkms install shadowmm/$$v -k $(KREL)

# After the generic Debian kernel, the suite runs on other kernels
# (scripts/vm-flavour.sh): FLAVOURS lists them. la48: the page-table
# walker's test with 4-level paging (-cpu max has la57 under QEMU 7.2's
# TCG, so the main run is 5-level); holds: the lock-hold test on a 4 GiB
# range in emulated time (-icount); rt: PREEMPT_RT; smp4: the stress test
# on 4 vCPUs for 60 s under stress-ng; debug-quick: the KASAN, lockdep and
# kmemleak kernel (built once, about 10 minutes, cached outside the
# checkout), the tests that drive the module hardest at smaller sizes.
# make check-debug runs every test there at full size with 1,000,000
# fuzzed messages instead. One report and one closing line judge every
# run. TESTS=a,b runs only those selftests (and,
# unless FLAVOURS= is given too, on the generic kernel only); VM_TIMEOUT=
# bounds the generic VM run. k612-rt: Debian's 6.12 PREEMPT_RT
# kernel, 9 tests; k612: its generic kernel, every other selftest (each
# selftest runs on 6.12 once here; both run every one
# in make check-full). 6.1's PREEMPT_RT run (rt) is in make check-full
# only: one RT kernel keeps make check under an hour on 2 cores.
# arm64: the walker's and the allocator's 5 tests here, all 15 in
# make check-full. arm64-612 (Debian's 6.12 arm64 kernel, 52-bit VA with
# LPA2, 5 levels) and arm64-612-la48 (the same kernel on a CPU without
# LPA2: 48-bit VA, 4 levels), in make check-full only (all 15 tests each
# there; the 5 of arm64's make check run when run by hand).
# scripts/check-flavours.sh runs them: debug-quick in the background
# beside la48, holds and arm64 (checks a busy host cannot move), then the
# others one at a time.
FLAVOURS	?= $(if $(TESTS),,la48 holds k612 k612-rt smp4 arm64 debug-quick)
FULL_FLAVOURS	:= la48 holds rt smp4 debug-quick k612 k612-rt arm64 arm64-612 arm64-612-la48
HOST_TAP	:= $(addprefix build/host/,core.tap tsan.tap fuzz.tap test_json.tap test_nl.tap \
		   test_smmctl.tap test_completion.tap test_smmtop.tap names.tap tree.tap man.tap \
		   prometheus.tap ksft.tap install.tap ynl.tap replay.tap core-pb7.tap core-pb10.tap)

# Build, the host tests and the generic kernel's run, judged later with
# the other kernels' by check and check-debug.
check-generic:
	$(MAKE) all KVER=$(KREL)
	$(MAKE) test-host KVER=$(KREL)
	SMM_KVER=$(KREL) scripts/vm.sh check --no-judge $(if $(TESTS),--tests $(TESTS)) $(if $(VM_TIMEOUT),--timeout $(VM_TIMEOUT))

# The flavours get KVER's release: rt boots the RT kernel of its series,
# la48 and smp4 the release itself; k612, k612-rt and the debug kernels
# name their own.
check: deps
	$(MAKE) check-generic KVER=$(KREL)
	SMM_KVER=$(KREL) scripts/check-flavours.sh $(FLAVOURS) -- $(if $(TESTS),--tests $(TESTS))
	python3 scripts/check-log.py build/vm/serial.log $(HOST_TAP) $(foreach f,$(FLAVOURS),$(f)=build/vm-$(f)/serial.log)

# Every kernel and flavour in one judged run, for a maintainer before a
# release: KVER's generic kernel (6.1), its PREEMPT_RT flavour, 4-level
# paging, the 4 GiB hold-time run, 4 vCPUs, the debug kernel's quick
# tier, 6.12 generic and PREEMPT_RT with every selftest, and arm64.
check-full:
	SMM_FLAVOUR_FULL=1 $(MAKE) check FLAVOURS="$(FULL_FLAVOURS)"

# The generic kernel, then every selftest at full size on the debug
# kernel, in two VMs at once: the million fuzzed messages (debug-fuzz,
# about an hour under KASAN, one vCPU busy) beside all the other tests
# (debug, about 35 minutes): about an hour for the two on 2 cores,
# against 95 minutes one after the other. The fuzz VM's console goes to
# build/vm-debug-fuzz.console, its serial log to
# build/vm-debug-fuzz/serial.log. With TESTS=a,b the named tests run in
# the debug VM alone (test_nl_fuzz with the million).
# Then the KCSAN kernel (debug-kernel.sh kcsan, a second cached build):
# the stress test, the fuzzer and the walker's race test, for data races.
DEBUG_LOGS	:= debug=build/vm-debug/serial.log \
		   $(if $(TESTS),,debug-fuzz=build/vm-debug-fuzz/serial.log \
		   kcsan=build/vm-kcsan/serial.log)

# The debug kernels (and debug-quick in make check) are built from the
# linux-source of KVER's series: make check-debug KVER=6.12 builds and
# boots 6.12's.
export SMM_DEBUG_SERIES := $(KSERIES)
DEBUG_DEPS	:= debug$(filter-out -6.1,-$(KSERIES))

check-debug: deps
	@scripts/deps.sh $(DEBUG_DEPS)
	$(MAKE) check-generic KVER=$(KREL)
	scripts/debug-kernel.sh kasan > /dev/null
	$(if $(TESTS),,scripts/debug-kernel.sh kcsan > /dev/null)
	$(if $(TESTS),scripts/vm-flavour.sh debug --no-judge --tests $(TESTS), \
	  scripts/vm-flavour.sh debug-fuzz --no-judge > build/vm-debug-fuzz.console 2>&1 & fuzz=$$!; \
	  scripts/vm-flavour.sh debug --no-judge; debug=$$?; \
	  wait $$fuzz || exit; exit $$debug)
	$(if $(TESTS),,scripts/vm-flavour.sh kcsan --no-judge)
	python3 scripts/check-log.py build/vm/serial.log $(HOST_TAP) $(DEBUG_LOGS)

# Benchmarks: native rows of the core (user space), then the VM rows
# against the kernel's own allocators; prints a table, writes JSON.
# 3G of guest memory: the pt-walk row touches 1 GiB of a process beside
# the 64M and 1G memmap= ranges. valgrind (deps.sh bench) counts the
# native rows' instructions.
bench: deps all
	@scripts/deps.sh bench
	$(MAKE) -C tools/testing/bench native
	@mkdir -p build/bench
	tools/testing/bench/bench_native build/bench/native.json
	tools/testing/bench/bench_scale build/bench/scale.json
	tools/testing/bench/bench_scale_unpadded build/bench/scale-unpadded.json
	tools/testing/bench/bench_scale_padded --rows churn,pcp-64m build/bench/scale-padded.json
	$(MAKE) -C tools bench-smmtop
	SMM_KVER=$(KREL) SMM_VM_MEM=$${SMM_VM_MEM:-3G} SMM_BENCH_NATIVE="$(addprefix build/bench/, \
	  native.json scale.json scale-unpadded.json scale-padded.json)" scripts/vm.sh bench

# The demos, one VM boot each: pressure (Documentation/reclaim.md, "The
# demo": zone below low, kshadowd, swap, OOM kill; build/demo/pressure.txt)
# compaction (Documentation/compaction.md, "Seen live": a zone
# fragmented, compacted on demand and by kcompactd; build/demo/compaction.txt)
# and pagecache (Documentation/pagecache.md, "The demo": a file read twice,
# readahead, swappiness 0 and 200 under pressure; build/demo/pagecache.txt).
DEMO ?= pressure compaction pagecache
demo: deps all
	for d in $(DEMO); do SMM_KVER=$(KREL) scripts/demo.sh $$d || exit 1; done

# A guided lab (Documentation/labs/): its commands in the VM, its
# predictions checked, its output printed; build/lab/labs.txt.
lab: deps all
	SMM_KVER=$(KREL) scripts/lab.sh $(or $(N),all)$(if $(FIGURES), --figures)

# kbuild's clean only where there are headers to run it with
clean:
	$(if $(filter command line environment,$(origin KDIR))$(shell scripts/kver.sh generic $(KVER) 2>/dev/null), \
	  -$(MAKE) -C $(KDIR) M=$(CURDIR) clean)
	$(MAKE) -C tools clean
	$(MAKE) -C tools/testing/core clean
	$(MAKE) -C tools/testing/bench clean
	$(MAKE) -C tools/testing/replay clean
	$(MAKE) -C selftests clean
	rm -rf build

.PHONY: all deps bench demo lab install uninstall dkms test-install test-replay test-core-pb module sparse tools selftests test-core test-tsan test-tools test-fuzz test-names test-tree test-man test-prom test-ksft test-ynl test-host vm check-generic check check-full check-debug clean
