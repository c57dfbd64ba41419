#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run guided labs (Documentation/labs/) in the VM and check their
# predictions (make lab N=...):
#
#   lab.sh N[,M...] | all  [--figures] [--wrong]
#
# Boots the 6.1 VM as scripts/vm.sh check does (its environment
# applies), with the 64M range only, and runs selftests/test_labs.sh
# with SMM_LABS=N: lab N's commands (selftests/labs/NN-*.sh), its
# figures and its checks, printed here from the serial log
# (build/lab/serial.log). Exits with check-log.py's verdict: 0 when every
# check passed and the kernel log is clean.
#
#   --figures   copy the figures the run printed (between "==== LAB
#               FIGURE NAME ====" and "==== LAB FIGURE END ====") to
#               Documentation/labs/figures/NAME.txt
#   --wrong     SMM_LAB_WRONG=1: every prediction inverted, so that each
#               check is seen to fail (the verdict is then a failure;
#               lab.sh prints how many checks failed of how many)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: lab.sh N[,M...] | all [--figures] [--wrong]" >&2; exit 2; }

labs='' figures=0 wrong=0
while [ $# -gt 0 ]; do
	case "$1" in
	--figures) figures=1 ;;
	--wrong) wrong=1 ;;
	all) labs=all ;;
	[0-9]*) labs=$1 ;;
	*) usage ;;
	esac
	shift
done
[ -n "$labs" ] || usage
case "$labs" in
all | *[!0-9,]* ) [ "$labs" = all ] || usage ;;
esac
if [ "$labs" != all ]; then
	for n in ${labs//,/ }; do
		ls "$top"/selftests/labs/"$(printf '%02d' "$((10#$n))")"-*.sh > /dev/null 2>&1 ||
			{ echo "lab: no lab $n in selftests/labs/" >&2; exit 2; }
	done
fi
if [ ! -e "$top/module/shadowmm.ko" ] || [ ! -x "$top/tools/smmctl/smmctl" ]; then
	echo "lab: build first (make all; make lab does)" >&2
	exit 1
fi

export SMM_VM_DIR=${SMM_VM_DIR:-$top/build/lab}
export SMM_VM_MEMMAP2=${SMM_VM_MEMMAP2-}
append=${SMM_VM_APPEND:-}
[ "$labs" = all ] || append+=" smm.env.SMM_LABS=$labs"
[ "$wrong" = 0 ] || append+=" smm.env.SMM_LAB_WRONG=1"
mkdir -p "$SMM_VM_DIR"
out=$SMM_VM_DIR/vm.out
echo "lab: $labs in the VM (${SMM_LAB_TIMEOUT:-600} s at most); QEMU's console in $out"
set +e
SMM_VM_APPEND=$append "$top/scripts/vm.sh" check --tests test_labs.sh \
	--timeout "${SMM_LAB_TIMEOUT:-600}" > "$out" 2>&1
rc=$?
set -e

log=$SMM_VM_DIR/serial.log
# the test's own output, without the runner's "# " in front of each line
tr -d '\r' < "$log" | sed -n '/^# selftests: shadowmm: test_labs.sh/,/^\(not \)\{0,1\}ok [0-9]* selftests: shadowmm: test_labs.sh/p' |
	sed 's/^# //' > "$SMM_VM_DIR/labs.txt"
cat "$SMM_VM_DIR/labs.txt"

if [ "$figures" = 1 ]; then
	mkdir -p "$top/Documentation/labs/figures"
	awk -v dir="$top/Documentation/labs/figures" '
		/^==== LAB FIGURE END ====$/ { if (f) close(f); f = ""; next }
		/^==== LAB FIGURE [^ ]+ ====$/ { f = dir "/" $4 ".txt"; printf "" > f; n++; next }
		f { sub(/[ \t]+$/, ""); print > f }
		END { printf "lab: %d figures in %s\n", n, dir }' "$SMM_VM_DIR/labs.txt"
	# each page's "<!-- figure NAME -->" line: the fenced block after it
	# becomes figures/NAME.txt (a figure this run did not make stays)
	python3 - "$top/Documentation/labs" <<-'PY'
	import pathlib, re, sys
	labs = pathlib.Path(sys.argv[1])
	block = re.compile(r'(<!-- figure (\S+) -->\n```text\n)(.*?)(^```$)', re.S | re.M)
	for fig in (labs / 'figures').glob('*.txt'):
	    fig.write_text(fig.read_text().rstrip('\n') + '\n')   # no blank line at the end
	for page in sorted(labs.glob('[0-9][0-9]-*.md')):
	    def quote(m):
	        fig = labs / 'figures' / (m.group(2) + '.txt')
	        if not fig.exists():
	            return m.group(0)
	        text = fig.read_text().rstrip('\n').replace('\t', '    ')
	        return m.group(1) + '\n'.join(l.rstrip() for l in text.split('\n')) + '\n' + m.group(4)
	    old = page.read_text()
	    new = block.sub(quote, old)
	    if new != old:
	        page.write_text(new)
	        print(f'lab: figures quoted in {page.name}')
	PY
fi
if [ "$wrong" = 1 ]; then
	echo "lab: with every prediction inverted: $(grep -v 'selftests: shadowmm' "$SMM_VM_DIR/labs.txt" | grep -c '^not ok') checks failed," \
		"$(grep -v 'selftests: shadowmm' "$SMM_VM_DIR/labs.txt" | grep -c '^ok') passed"
fi
tail -n 3 "$out"
exit "$rc"
