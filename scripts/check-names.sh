#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One name per thing: no identifier may be defined both in the module
# (module/*.c, module/core/) and in a user-space layer of tools/ (lib,
# smmctl, smmtop), where it would mean something else and send grep and
# ctags to the wrong place.
#
#   scripts/check-names.sh		TAP (selftests/ktap.sh) on stdout
#
# A layer's names are the union of
#   - the compiler's: the global symbols its objects define (nm -g
#     --defined-only on module/*.o and module/core/*.o from make module,
#     tools/LAYER/*.o from make tools), and
#   - the source's: functions and variables (static ones too), macros,
#     typedefs, enumerators and struct/union/enum tags that universal
#     ctags finds defined in its .c and .h files.
# One TAP line per pair (module, tools layer), naming on failure every
# identifier defined in both, with where. Missing objects fail the pair
# (run make all first): a check that did not look cannot pass.
#
# One more TAP line keeps the core's internals inside the core: no file
# of module/ outside module/core/ (the kernel glue) includes
# core/mm_internal.h, the half of mm.h only the core's own files and the
# host tests may use.
#
# SAME_MEANING lists the few names the kernel itself defines that both
# layers define with the kernel's meaning (env.h stands in for the kernel
# in the core's user-space build); nothing else may be shared.
set -u
cd "$(dirname "$0")/.." || exit 1

. selftests/ktap.sh
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

shopt -s nullglob
MODULE_SRC=(module/*.[ch] module/core/*.[ch])
MODULE_OBJ=()
for o in module/*.o module/core/*.o; do
	case "$o" in
	*.mod.o | module/shadowmm.o) ;;		# kbuild's, and the whole module again
	*) [ -f "${o%.o}.c" ] && MODULE_OBJ+=("$o") ;;
	esac
done
LAYERS=(lib smmctl smmtop)
SAME_MEANING=(ARRAY_SIZE)

# names FILE... : "name<TAB>where" for every definition ctags finds
names_src() {
	ctags -x --language-force=C --kinds-C=degstuvf --_xformat='%N	%F:%n' -o - "$@" 2>/dev/null |
		grep -v -e '^__anon' -e '^_[A-Z0-9_]*_H	' # anonymous tags, header guards
}

# names_obj OBJ... : "name<TAB>where" for every global symbol defined
names_obj() {
	local o
	for o in "$@"; do
		nm -g --defined-only "$o" | awk -v f="$o" 'NF == 3 { print $3 "\t" f }'
	done
}

# list FILE: the sorted names of a "name<TAB>where" list
list() { cut -f1 "$1" | sort -u; }

# where NAME FILE: where FILE's list first defines NAME
where() { awk -F'\t' -v id="$1" '$1 == id { print $2; exit }' "$2"; }

{
	names_src "${MODULE_SRC[@]}"
	names_obj "${MODULE_OBJ[@]}"
} > "$tmp/module"

ktap_header
ktap_plan $((${#LAYERS[@]} + 1))

# The glue's sources: module/ without module/core/ (find, so a glue
# subfolder added later is searched too).
name="no file of module/ outside core/ includes core/mm_internal.h"
mapfile -t glue < <(find module -path module/core -prune -o -type f -name '*.[ch]' -print | sort)
if [ ${#glue[@]} = 0 ]; then
	ktap_fail "$name" "no glue sources found under module/"
elif grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]([^">]*/)?mm_internal\.h[">]' \
		"${glue[@]}" > "$tmp/internal"; then
	ktap_fail "$name" "$(cat "$tmp/internal")"
else
	ktap_pass "$name"
fi

if ! ctags --version 2>/dev/null | grep -q 'Universal Ctags'; then
	ktap_fail_rest "universal-ctags not found (scripts/deps.sh installs it)"
	ktap_finished
fi
for l in "${LAYERS[@]}"; do
	name="module/ and tools/$l/ define no identifier in common"
	objs=()
	for o in tools/"$l"/*.o; do
		[ -f "${o%.o}.c" ] && objs+=("$o")	# not one left from a source since gone
	done
	if [ ${#MODULE_OBJ[@]} = 0 ] || [ ${#objs[@]} = 0 ]; then
		ktap_fail "$name" "no objects to read: run make all first"
		continue
	fi
	{
		names_src tools/"$l"/*.[ch]
		names_obj "${objs[@]}"
	} > "$tmp/$l"
	comm -12 <(list "$tmp/module") <(list "$tmp/$l") |
		grep -vxF -f <(printf '%s\n' "${SAME_MEANING[@]}") > "$tmp/both"
	if [ -s "$tmp/both" ]; then
		ktap_fail "$name" "$(while read -r id; do
			echo "$id: $(where "$id" "$tmp/module") and $(where "$id" "$tmp/$l")"
		done < "$tmp/both")"
	else
		ktap_pass "$name"
	fi
done
ktap_finished
