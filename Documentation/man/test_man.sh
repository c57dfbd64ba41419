#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The man pages: mandoc's lint, and smmctl.8 against smmctl's own help.
# TAP output; exit 1 on any failure.
#
#   test_man.sh SMMCTL          (the smmctl whose help the page must cover)
#
# Checked:
#   - `mandoc -T lint -W warning` says nothing about each page (a warning,
#     an error or an unsupported request all fail);
#   - every OBJECT `smmctl help` lists, every COMMAND of each `smmctl
#     OBJECT help`, each option of its OPTIONS line and every word of a
#     `NAME := { a | b }` list is in smmctl.8: an object or command as a
#     ".Cm OBJECT COMMAND" (or ".It Cm OBJECT COMMAND") line, an option
#     as "Fl X , Fl Fl LONG", a word as "Cm WORD";
#   - that check fails on a copy of smmctl.8 without "cache shrink", so
#     it can fail.

MAN_DIR=$(dirname "$0")
SMMCTL=${1:?usage: test_man.sh SMMCTL}
PAGES="smmctl.8 smmtop.8 shadowmm.4"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

. "$MAN_DIR/../../selftests/ktap.sh"

# lint PAGE: mandoc's messages at warning level and up, none wanted
lint() {
	local out rc

	out=$(mandoc -T lint -W warning "$1" 2>&1)
	rc=$?
	if [ -n "$out" ] || [ "$rc" -ne 0 ]; then
		printf '%s\n' "$out"
		echo "mandoc exit status $rc"
		return 1
	fi
}

# The words of the "where OBJECT := { a | b }" (or COMMAND) line of a help.
help_words() {
	sed -n 's/^where  [A-Z]* := { \(.*\) }$/\1/p' | tr -d '|'
}

# The words of every "NAME := { a | b ... }" list of a help, the lists
# that go on over several lines joined first.
help_keywords() {
	tr '\n' ' ' | grep -oE '[A-Z]+ := \{[^}]*\}' | grep -vE '^(OBJECT|COMMAND|OPTIONS) ' |
		sed 's/^[A-Z]* := {//; s/}$//' | tr -d '|'
}

# has PAGE ERE: a line of PAGE matches
has() { grep -qE -- "$2" "$1"; }

# A word for an ERE, its metacharacters escaped.
ere() { printf '%s' "$1" | sed 's/[][\.*^$?+(){}|/]/\\&/g'; }

# covers PAGE: every object, command, option and keyword of smmctl's help
# in PAGE; prints what is missing, returns 1 if anything is
covers() {
	local page=$1 missing=0 obj cmd word short long

	"$SMMCTL" help > "$TMP/top" || { echo "smmctl help failed"; return 1; }
	for obj in $(help_words < "$TMP/top"); do
		"$SMMCTL" "$obj" help > "$TMP/obj" 2>&1 || { echo "smmctl $obj help failed"; return 1; }
		if ! grep -q '^where  COMMAND' "$TMP/obj"; then
			# a command at the top level (check, reset, monitor)
			has "$page" "^\.(It )?Cm $(ere "$obj")( |$)" ||
				{ echo "missing: command \"$obj\""; missing=1; }
		else
			has "$page" "^\.Ss $(ere "$obj")$" ||
				{ echo "missing: object \"$obj\" (.Ss)"; missing=1; }
			for cmd in $(help_words < "$TMP/obj"); do
				has "$page" "^\.(It )?Cm $(ere "$obj") $(ere "$cmd")( |$)" ||
					{ echo "missing: command \"$obj $cmd\""; missing=1; }
			done
		fi
		for word in $(help_keywords < "$TMP/obj"); do
			has "$page" "Cm $(ere "$word")( |$)" ||
				{ echo "missing: keyword \"$word\" of \"smmctl $obj help\""; missing=1; }
		done
	done
	# OPTIONS := { -j[son] | -p[retty] | ... }: "Fl j , Fl Fl json"
	for word in $(grep '^OPTIONS := ' "$TMP/top" | grep -oE -- '-[a-zA-Z]\[[a-z]+\]'); do
		short=${word:1:1}
		long=${short,,}$(echo "$word" | sed 's/.*\[\(.*\)\]/\1/')
		has "$page" "^\.It Fl $short , Fl Fl $long$" ||
			{ echo "missing: option -$short, --$long"; missing=1; }
	done
	return $missing
}

ktap_header
ktap_plan 6
if ! command -v mandoc > /dev/null; then
	ktap_fail_rest "mandoc not found (scripts/deps.sh installs it)"
	ktap_finished
fi
for p in $PAGES; do
	ktap_check "mandoc lint $p" lint "$MAN_DIR/$p"
done
# the help must have something to check, or the check below proves nothing
ktap_check "smmctl help lists objects and commands" \
	sh -c '[ "$("$0" help | grep -c "^where  OBJECT := { info |")" = 1 ] &&
	       "$0" cache help | grep -q "^where  COMMAND := { show | create |"' "$SMMCTL"
ktap_check "smmctl.8 has every object, command, option and keyword of smmctl's help" \
	covers "$MAN_DIR/smmctl.8"
# cut: the check fails on smmctl.8 without its "cache shrink" item, and
# says so
cut() {
	local out

	grep -vE '^\.(It )?Cm cache shrink( |$)' "$MAN_DIR/smmctl.8" > "$TMP/cut.8"
	out=$(covers "$TMP/cut.8") && { echo "passed without \"cache shrink\""; return 1; }
	printf '%s\n' "$out"
	[ "$out" = 'missing: command "cache shrink"' ]
}
ktap_check "a page without \"cache shrink\" fails that check" cut
ktap_finished
