# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash # busybox ash: POSIX sh plus `local`, as dash
# Helpers for the shadowmm selftests; sourced, in busybox sh (ash), so
# POSIX sh plus `local`. A test reads:
#
#   . "$(dirname "$0")/lib.sh"
#   ktap_header
#   ktap_plan 2
#   ktap_check "insmod on the reserved range" smm_load base=0x10000000 size=64M
#   ktap_check "info says reserved" json_expect "$(smmctl -j info)" .mode reserved
#   ktap_finished
#
# TAP: ktap.sh, sourced here (ktap_header, ktap_plan, ktap_pass,
# ktap_fail, ktap_skip, ktap_check, ktap_finished ...; see there).
#
# The module:
#   smm_load [PARAMS...]        insmod /shadowmm/shadowmm.ko PARAMS; its status
#   smm_load_or_fail [PARAMS...]
#                               smm_load, or fail the test: insmod's error
#                               and the module's last kernel log lines,
#                               ktap_fail_rest, exit 1. A test that cannot
#                               load the module tested nothing: a failure.
#                               One exception: PARAMS with base=B size=S
#                               name a range that is not reserved on this
#                               machine (a kselftest install run on a
#                               machine booted without memmap=): every
#                               test left is skipped (exit 4), with the
#                               boot parameter to add. In make check's VMs
#                               the ranges are always reserved, and a skip
#                               not in expected-skips fails the run
#                               (check-log.py), so there it is a failure
#   smm_unload                  rmmod shadowmm if loaded; 0 if not loaded
#   smm_unload_retrying SECS    rmmod every 0.1 s while it is refused, for
#                               at most SECS seconds; the refusals are left
#                               in smm_refused
#   smm_loaded                  true if /sys/module/shadowmm exists
#   smm_expect_kerr_begin / smm_expect_kerr_end
#                               mark where shadowmm errors in the kernel log
#                               are expected (scripts/check-log.py skips them)
#   smm_expect_kerr CMD...      CMD between the two markers; CMD's status
#   smm_unprivileged CMD...     CMD as nobody (uid/gid 65534, no capabilities)
#   smm_kasan                   true on a KASAN kernel (make check-debug)
#   smm_need_range BASE SIZE    after ktap_plan: skip every planned test
#                               (exit 4) when no top-level reserved region
#                               of /proc/iomem holds [BASE, BASE + SIZE)
#   smm_range_missing PARAMS... true, printing why, when PARAMS' base= and
#                               size= name a range not reserved here
#   smm_kernel_walks_unsupported  true (printing why) when the module
#                               refuses walks of the kernel's page tables
#                               on this architecture (arm64: module/arch.h)
#   SMM_BASE, SMM_BIG_BASE      the VM's 64 MiB and 1 GiB reserved ranges
#   kasan_quarantine_kb         what a KASAN kernel may hold back from MemFree
#   smm_free_kb                 the kernel's free memory in kB: MemFree plus
#                               its per-CPU lists, after dropping the page
#                               cache (for checks that memory came back)
#
# JSON, through jq:
#   json_get JSON FILTER        print jq -r's result; non-zero when it is
#                               null or missing or JSON is not JSON
#   json_valid JSON             true if JSON parses
#   json_expect JSON FILTER EXPECTED [JQ-ARGS...]
#                               true if jq -r FILTER prints EXPECTED, else
#                               says what it saw (for ktap_check)

# ktap.sh lies beside this file: in the test's directory, or in /selftests
# for the VM's interactive shell (ENV=/selftests/lib.sh, $0 the shell)
smm_ktap_dir=$(dirname "$0")
[ -r "$smm_ktap_dir/ktap.sh" ] || smm_ktap_dir=/selftests
. "$smm_ktap_dir/ktap.sh"

SMM_KO=${SMM_KO:-/shadowmm/shadowmm.ko}
# The VM's reserved ranges: 64 MiB at SMM_BASE and 1 GiB at SMM_BIG_BASE
# (x86: memmap=; the arm64 guest has RAM from 0x40000000 on and reserves
# its two in the device tree elsewhere, passing smm.env.SMM_BASE=...)
SMM_BASE=${SMM_BASE:-0x10000000}
SMM_BIG_BASE=${SMM_BIG_BASE:-0x40000000}

# --- the module ---

# Debian's busybox shell runs its own applet for a command name before it
# looks at PATH (FEATURE_SH_STANDALONE), and busybox insmod retries a
# failed load with init_module, so the module's init runs (and logs its
# error) twice. kmod's tools (in the guest's /usr/sbin) do not; these
# functions make the plain names mean them, in the tests and the VM shell.
if [ -x /usr/sbin/kmod ]; then
	insmod() { /usr/sbin/insmod "$@"; }
	rmmod() { /usr/sbin/rmmod "$@"; }
	lsmod() { /usr/sbin/lsmod "$@"; }
	modinfo() { /usr/sbin/modinfo "$@"; }
	modprobe() { /usr/sbin/modprobe "$@"; }
fi

smm_loaded() { [ -d /sys/module/shadowmm ]; }

# A KASAN kernel (the debug flavours)? guest-init read it from the boot
# log, while the log surely still had it.
smm_kasan() { [ "${SMM_KASAN:-0}" = 1 ]; }

# On a KASAN kernel freed slab objects wait in a quarantine of up to 1/32
# of RAM before they are really freed, so that a use after free is caught;
# MemFree is that much lower while it fills. Tests comparing MemFree
# before and after add this to their slack; it is 0 on other kernels.
kasan_quarantine_kb() {
	if smm_kasan; then
		awk '/^MemTotal:/ { print int($2 / 32) }' /proc/meminfo
	else
		echo 0
	fi
}

# MemFree leaves out the pages on the kernel's per-CPU lists, where a
# freed page often goes first, and the page cache comes and goes with
# whatever the guest reads: count the first back in, drop the second.
smm_free_kb() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	awk '$1 == "MemFree:" { free = $2 }
	     FILENAME == "/proc/zoneinfo" && $1 == "count:" { pcp += $2 }
	     END { print free + pcp * 4 }' /proc/meminfo /proc/zoneinfo
}

smm_load() { insmod "$SMM_KO" "$@"; }

# smm_bytes SIZE: a module size parameter (4096, 64M, 1G) in bytes
smm_bytes() {
	case "$1" in
	*[kK]) echo $((${1%?} << 10)) ;;
	*[mM]) echo $((${1%?} << 20)) ;;
	*[gG]) echo $((${1%?} << 30)) ;;
	*) echo $(($1)) ;;
	esac
}

# Is [BASE, BASE + BYTES) inside one top-level reserved region of
# /proc/iomem (memmap= gives "Reserved", a no-map reserved-memory node
# "reserved"; nested regions are indented, and read keeps the indent)?
# Needs root: /proc/iomem shows zeros to others.
smm_range_reserved_within() {
	local start end line
	while IFS= read -r line; do
		case "$line" in
		[0-9a-fA-F]*" : "[Rr]eserved) ;;
		*) continue ;;
		esac
		start=$((0x${line%%-*}))
		line=${line#*-}
		end=$((0x${line%% *}))
		[ $(($1)) -ge "$start" ] && [ $(($1 + $2 - 1)) -le "$end" ] && return 0
	done < /proc/iomem
	return 1
}

# smm_range_missing PARAMS...: for module parameters with base=B (and
# size=S, 64M by default, as the module's), print why the range cannot
# be used and succeed when it is not reserved here; fail when there is
# no base= (borrowed mode needs none) or the range is reserved.
smm_range_missing() {
	local p base="" size=64M bytes
	for p in "$@"; do
		case "$p" in
		base=*) base=${p#base=} ;;
		size=*) size=${p#size=} ;;
		esac
	done
	[ -n "$base" ] || return 1
	bytes=$(smm_bytes "$size")
	smm_range_reserved_within "$base" "$bytes" && return 1
	printf 'no reserved range holds base=%s size=%s: boot with memmap=%sM$%s (x86) or a no-map reserved-memory node (arm64), or set SMM_BASE\n' \
		"$base" "$size" $(((bytes + (1 << 20) - 1) >> 20)) "$base"
	return 0
}

# smm_need_range BASE SIZE: after ktap_plan, in a test that needs the
# reserved range [BASE, BASE + SIZE): on a machine without it, every
# planned test is skipped (exit 4) with the boot parameter to add (see
# smm_load_or_fail for why make check's VMs still fail then)
smm_need_range() { smm_skip_missing_range base="$1" size="$2"; }

# smm_skip_missing_range PARAMS...: when smm_range_missing, skip every
# planned test (a test without a plan yet reports one, skipped), exit 4
smm_skip_missing_range() {
	local why
	why=$(smm_range_missing "$@") || return 0
	[ -n "$_ktap_planned" ] || { ktap_header; ktap_plan 1; }
	ktap_print_msg "$why"
	ktap_exit_skip_all "$why"
}

# Does the loaded module refuse walks of the kernel's page tables on this
# architecture (module/arch.h, smm_arch_walks_kernel_tables(): arm64)?
# Asked of the module itself with a kernel address it walks on x86 (its
# debugfs kmalloc buffer; needs root); prints the refusal for a skip's
# reason.
smm_kernel_walks_unsupported() {
	local va out
	va=$(awk '$1 == "kmalloc" { print "0x" $2 }' /sys/kernel/debug/shadowmm/pt_kbuf 2>/dev/null)
	[ -n "$va" ] || return 1
	out=$(smmctl pt walk kernel addr "$va" 2>&1) && return 1
	case "$out" in
	*"not supported on this architecture"*) echo "$(uname -m): $out"; return 0 ;;
	esac
	return 1
}

smm_load_or_fail() {
	local out
	smm_skip_missing_range "$@"
	out=$(smm_load "$@" 2>&1) && return 0
	ktap_fail_rest "insmod shadowmm.ko $* failed: ${out:-no message}" \
		"$(dmesg | grep shadowmm | tail -n 5)"
	ktap_finished
}

smm_unload() {
	smm_loaded || return 0
	rmmod shadowmm
}

# rmmod is refused while something (a dump, the stress file) holds the
# module; a test of unloading under load retries until the holder lets go.
# The bound is in seconds, not tries: under KASAN on a busy host one try
# (a fork and an exec) can take longer than the sleep.
smm_unload_retrying() {
	local end=$(($(date +%s) + $1))

	smm_refused=0
	until smm_unload 2>/dev/null; do
		smm_refused=$((smm_refused + 1))
		[ "$(date +%s)" -lt "$end" ] || { echo "rmmod refused for $1 s"; return 1; }
		sleep 0.1
	done
	! smm_loaded
}

# Markers in the kernel log (written to /dev/kmsg): shadowmm errors
# between them are the test's intent, not a bug, for check-log.py.
smm_expect_kerr_begin() { echo "smm-test: expect-kerr begin" > /dev/kmsg; }
smm_expect_kerr_end() { echo "smm-test: expect-kerr end" > /dev/kmsg; }

smm_expect_kerr() {
	local rc
	smm_expect_kerr_begin
	"$@"
	rc=$?
	smm_expect_kerr_end
	return "$rc"
}

# Frames allocated per zone, as one line (what a refused request must not change).
smm_used_frames() { smmctl -j zone show | jq -c '[.zones[] | .managed - .free - .pcp]'; }

# smm_refused WANT CMD...: CMD must fail, say WANT, and leave every zone's
# allocated frames as they were.
smm_refused() {
	want=$1
	shift
	was=$(smm_used_frames)
	if out=$("$@" 2>&1); then
		echo "$* succeeded: $out"
		return 1
	fi
	case "$out" in
	*"$want"*) ;;
	*) echo "expected \"$want\" in: $out"; return 1 ;;
	esac
	now=$(smm_used_frames)
	[ "$now" = "$was" ] || { echo "allocated frames changed: $was -> $now"; return 1; }
}

# util-linux setpriv is in the guest because busybox's cannot change the
# uid; busybox su is the fallback (it drops the capabilities with uid 0).
smm_unprivileged() {
	if [ -x /usr/bin/setpriv ]; then
		/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps=-all -- "$@"
	else
		# shellcheck disable=SC2016 # expanded by the inner shell
		su -s /bin/sh nobody -c 'exec "$0" "$@"' "$@"
	fi
}

# --- JSON ---

json_valid() { printf '%s' "$1" | jq -e . > /dev/null 2>&1; }

# Unlike `jq -e`, false is a value here: only null (or missing) fails.
json_get() {
	printf '%s' "$1" |
		jq -r --arg f "$2" "($2) | if . == null then error(\"null or missing: \" + \$f) else . end"
}

json_expect() {
	local json="$1" filter="$2" want="$3" got
	shift 3
	got=$(printf '%s' "$json" | jq -r "$@" "$filter" 2>&1)
	[ "$got" = "$want" ] && return 0
	echo "expected '$want', saw '$got' (jq '$filter')"
	return 1
}

# smm_fragment ZONE ADDR: fragment zone ZONE as lab 10, test_compact and
# make demo's compaction scenario do: a new space maps what the zone has
# free less its low watermark and 64 pages (a pageblock at least), in an
# even number of 512 KiB stripes from ADDR, writes every page, then
# unmaps every other stripe:
# about half the zone is free again, in 128-page holes, so no free block
# of order 9 exists and its fragmentation index is near 1. Sets
# SMM_FRAG_ID (the space) and SMM_FRAG_STRIPES (stripes mapped at first;
# the even ones, 0, 2, ..., stay).
SMM_FRAG_STRIPE=0x80000
smm_fragment() {
	local z free low keep len i
	z=$(smmctl -j zone show "$1" | jq -c '.zones[0]')
	free=$(echo "$z" | jq '.free + .pcp')
	low=$(echo "$z" | jq '.low')
	# At least a pageblock stays free: the space's page tables take one
	# (unmovable), and a movable fault that fell back into it would boost
	# the watermarks (boost_watermark()) past what is free and meet the
	# OOM killer before kshadowd clears the boost: kernels without THP
	# (PREEMPT_RT's) do not raise min_free_kbytes, so their low is lower.
	keep=$((low + 64))
	[ "$keep" -ge 512 ] || keep=512
	SMM_FRAG_STRIPES=$(( (free - keep) * 4096 / SMM_FRAG_STRIPE / 2 * 2 ))
	len=$(( SMM_FRAG_STRIPES * SMM_FRAG_STRIPE ))
	SMM_FRAG_ID=$(smmctl -j space create | jq -r .id)
	smmctl space mmap "$SMM_FRAG_ID" addr "$2" len $len
	smmctl space access "$SMM_FRAG_ID" addr "$2" len $len write > /dev/null
	i=1
	while [ $i -lt "$SMM_FRAG_STRIPES" ]; do
		smmctl space munmap "$SMM_FRAG_ID" addr $(($2 + i * SMM_FRAG_STRIPE)) \
			len $SMM_FRAG_STRIPE
		i=$((i + 2))
	done
}

# The scripted demos (scripts/demo-*.sh, make demo) share these two. Each
# demo defines snapshot() (what smmtop shows now) and sets STAGE_SECONDS
# and missed="".
#
# smm_demo_stage TITLE SIGN [AWK-ARGS...]: snapshots until awk with SIGN
# (and AWK-ARGS, e.g. -v runs0=3) exits 0 on one (STAGE_SECONDS at
# most), then that one under TITLE; a stage that did not come is said,
# with the last snapshot, and added to $missed. Returns 1 then.
smm_demo_stage() {
	_t0=$(date +%s)
	_title=$1
	_sign=$2
	shift 2
	while :; do
		_snap=$(snapshot)
		echo "$_snap" | awk "$@" "$_sign" && break
		if [ $(($(date +%s) - _t0)) -ge "$STAGE_SECONDS" ]; then
			echo "# \"$_title\" did not happen within $STAGE_SECONDS s"
			echo "$_snap"
			missed="$missed, $_title"
			return 1
		fi
	done
	echo
	echo "---- $_title (after $(($(date +%s) - _t0)) s) ----"
	echo "$_snap"
}

# smm_demo_finish: the verdict vm.sh demo looks for, "==== SMM DEMO OK
# ====" or "==== SMM DEMO FAILED ====" with the stages missed (exit 1).
smm_demo_finish() {
	if [ -n "$missed" ]; then
		echo
		echo "==== SMM DEMO FAILED ===="
		echo "# stages that did not happen: ${missed#, }"
		exit 1
	fi
	echo
	echo "==== SMM DEMO OK ===="
}
