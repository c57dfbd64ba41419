#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lab 4 (Documentation/labs/04-migratetypes.md): migratetypes and
# pageblock stealing. At load every pageblock is Movable, as at boot; the
# first Unmovable request finds no Unmovable block and falls back: it
# steals the largest Movable block, an order-10 one, and with it both of
# its pageblocks. Later Unmovable requests come from the stolen blocks,
# and freeing everything does not give them back to Movable.
# 64 MiB, one zone, no per-CPU lists (pcp=0).
[ -n "${LAB_SOURCED:-}" ] || . "$(dirname "$0")/lib-lab.sh"
# shellcheck disable=SC2034 # read by test_labs.sh (its plan) and lab_standalone
LAB_CHECKS=4

lab_04() {
	local steal

	smm_unload
	smm_load_or_fail base="$SMM_BASE" size=64M zones=Normal:rest pcp=0
	lab_figure 04-migratetypes-start "smmctl zone show Normal | grep -E 'pageblocks|mt_steal'"
	lab_check "04 migratetypes: at load every pageblock is Movable (32 of them)" \
		lab_eq "pageblocks Unmovable Movable" \
		"$(lab_zone Normal '"\(.pageblocks.Unmovable) \(.pageblocks.Movable)"')" "0 32"

	lab_alloc order 0 type Unmovable > /dev/null
	lab_figure 04-migratetypes-stolen "smmctl zone show Normal | grep -E 'pageblocks|mt_steal'"
	lab_check "04 migratetypes: one Unmovable page steals an order-10 block: 2 pageblocks become Unmovable" \
		lab_eq "pageblocks Unmovable, mt_steal" \
		"$(lab_zone Normal '"\(.pageblocks.Unmovable) \(.stats.mt_steal)"')" "2 1"

	steal=$(lab_zone Normal .stats.mt_steal)
	lab_alloc order 0 type Unmovable count 512 > /dev/null
	lab_check "04 migratetypes: 512 more Unmovable pages come from the stolen blocks, no new steal" \
		lab_eq "pageblocks Unmovable, mt_steal" \
		"$(lab_zone Normal '"\(.pageblocks.Unmovable) \(.stats.mt_steal)"')" "2 $steal"

	smmctl page free all > /dev/null
	lab_figure 04-migratetypes-freed "smmctl zone show Normal | grep -E 'nr_free |pageblocks'"
	lab_check "04 migratetypes: freed, the blocks merge to order 10 again but stay Unmovable" \
		lab_eq "nr_free[10], pageblocks Unmovable" \
		"$(lab_zone Normal '"\(.nr_free[10]) \(.pageblocks.Unmovable)"')" "16 2"
}

[ -n "${LAB_SOURCED:-}" ] || lab_standalone lab_04
