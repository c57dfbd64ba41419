// SPDX-License-Identifier: GPL-2.0
/*
 * Deliberate corruption of slab objects, for the tests only
 * (debug_corrupt): a byte past the object's end, a write after free, or
 * an overwritten free pointer, so the tests can prove that the checks
 * in slab_debug.c and slab_check.c see each kind. Refuses a kind the
 * cache could not see (no red zone, no poison), with the reason.
 *
 * Locks: none of its own; the frees it does take the locks
 * smm_cache_free() takes.
 */
#include "slab.h"

/* Why @kind of corruption cannot be done to @c (it would go unseen), or NULL. */
const char *smm_cache_corrupt_refusal(const struct smm_cache *c, unsigned int kind)
{
	if (c->policy == SMM_SLOB)
		return "slob caches have no debugging: corruption would go unseen";
	if (c->policy == SMM_SLAB && kind == SHADOWMM_CORRUPT_FREELIST)
		return "slab caches keep free objects in index arrays, not free pointers";
	if (kind == SHADOWMM_CORRUPT_REDZONE && !(c->flags & SHADOWMM_CACHE_RED_ZONE))
		return "red zone corruption needs a cache with red zones";
	if (kind == SHADOWMM_CORRUPT_AFTER_FREE && !(c->flags & SHADOWMM_CACHE_POISON))
		return "write after free needs a cache with poisoning";
	return NULL;
}

/*
 * Damage the live object at @pos the way buggy code would, so tests can
 * prove detection: a byte past its end (needs a red zone), a write
 * after freeing it (needs poison), or an overwritten free pointer after
 * freeing it; -EOPNOTSUPP when smm_cache_corrupt_refusal() says why
 * not. The caller checked that @pos is a live object of @c and forgets
 * it for the kinds that free it.
 */
int smm_cache_corrupt(struct smm_cache *c, u64 pos, unsigned int kind, unsigned int cpu)
{
	char *slot = smm_slab_pos_virt(c->mm, pos);

	if (!slot)
		return -EINVAL;
	if (smm_cache_corrupt_refusal(c, kind))
		return -EOPNOTSUPP;
	switch (kind) {
	case SHADOWMM_CORRUPT_REDZONE:
		slot[c->object_size] = 0x42;
		return 0;
	case SHADOWMM_CORRUPT_AFTER_FREE:
		if (smm_cache_free(c, pos, cpu))
			return -EINVAL;
		slot[0] = 0x42;
		return 0;
	case SHADOWMM_CORRUPT_FREELIST:
		if (smm_cache_free(c, pos, cpu))
			return -EINVAL;
		*(u32 *)(slot + c->fp_offset) ^= 0x40000000U;
		return 0;
	}
	return -EINVAL;
}
