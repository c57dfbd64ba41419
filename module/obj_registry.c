// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of the slab objects user space allocated (OBJ_ALLOC):
 * an xarray by position, holding the tag of each object's handle
 * (tag << SHADOWMM_OBJ_POS_BITS | position). That is what makes a
 * handle valid: a position that is not there, or whose tag differs, is
 * refused, and the core names the reason (outside the range, not a
 * slab, another cache, not on an object boundary, not allocated). So
 * double frees and foreign pointers are refused whatever the cache's
 * debug flags, and RESET knows which objects are user space's.
 *
 * Pages keep their handle's tag in the frame descriptor (core/owner.h)
 * and spaces are a table of 64 ids (space_registry.c); objects share
 * frames, so their tags need this side table: three needs, three schemes.
 *
 * Everything here runs under smm_dev.nl_slab_lock (nl_cache.c, nl_obj.c).
 */
#include "smm.h"
#include "core/slab.h"

#define SMM_OBJ_POS_MASK	((1ULL << SHADOWMM_OBJ_POS_BITS) - 1)
#define SMM_OBJ_TAG_MASK	((1U << (64 - SHADOWMM_OBJ_POS_BITS)) - 1)

void smm_objs_init(struct smm_dev *d)
{
	xa_init(&d->nl_objs);
}

/* Unload: the slabs go with the caches, only the registry is left. */
void smm_objs_destroy(struct smm_dev *d)
{
	smm_objs_forget(d, NULL);
	xa_destroy(&d->nl_objs);
}

/* Object @pos of user space's, with a fresh tag: its handle in *@handle. */
int smm_objs_add(struct smm_dev *d, u64 pos, u64 *handle)
{
	u32 tag;
	int ret;

	d->nl_obj_tag = (d->nl_obj_tag + 1) & SMM_OBJ_TAG_MASK;
	if (!d->nl_obj_tag)
		d->nl_obj_tag = 1;
	tag = d->nl_obj_tag;
	ret = xa_err(xa_store(&d->nl_objs, pos, xa_mk_value(tag), GFP_KERNEL));
	if (!ret)
		*handle = (u64)tag << SHADOWMM_OBJ_POS_BITS | pos;
	return ret;
}

/* Out of the registry; the object stays allocated (OBJ_CORRUPT frees it). */
void smm_objs_drop(struct smm_dev *d, u64 pos)
{
	xa_erase(&d->nl_objs, pos);
}

/* Out of the registry and back to @c. */
void smm_objs_release(struct smm_dev *d, struct smm_cache *c, u64 pos)
{
	smm_objs_drop(d, pos);
	smm_cache_free(c, pos, smm_cpu_get());
	smm_cpu_put();
}

/*
 * Why @handle names no live registered object of @c, or NULL (and its
 * position in *@pos, marked for this request's free when @mark). A
 * handle already marked in this request is a repeat.
 */
const char *smm_objs_lookup(struct smm_dev *d, struct smm_cache *c, u64 handle, bool mark,
			    u64 *pos)
{
	u64 p = handle & SMM_OBJ_POS_MASK;
	void *e = xa_load(&d->nl_objs, p);
	const char *why;

	if (e && xa_to_value(e) == handle >> SHADOWMM_OBJ_POS_BITS) {
		if (smm_cache_of_pos(&d->slabs, p) != c)
			return "object belongs to another cache";
		if (xa_get_mark(&d->nl_objs, p, XA_MARK_0))
			return "handle is listed twice";
		if (mark)
			xa_set_mark(&d->nl_objs, p, XA_MARK_0);
		*pos = p;
		return NULL;
	}
	why = smm_cache_obj_lookup(c, p);
	if (why)
		return why;
	return e ? "handle is stale: its object was freed and allocated again"
		 : "object was not allocated through netlink";
}

/* Free (or, after a refusal, unmark) every marked object. Returns those freed. */
u64 smm_objs_finish(struct smm_dev *d, struct smm_cache *c, bool free)
{
	unsigned long pos;
	u64 n = 0;
	void *e;

	xa_for_each_marked(&d->nl_objs, pos, e, XA_MARK_0) {
		if (free) {
			smm_objs_release(d, c, pos);
			n++;
		} else {
			xa_clear_mark(&d->nl_objs, pos, XA_MARK_0);
		}
	}
	return n;
}

/* Forget user space's objects of @c, or of every cache (their slabs go). */
void smm_objs_forget(struct smm_dev *d, struct smm_cache *c)
{
	unsigned long pos;
	void *e;

	xa_for_each(&d->nl_objs, pos, e) {
		if (!c || smm_cache_of_pos(&d->slabs, pos) == c)
			xa_erase(&d->nl_objs, pos);
		cond_resched();
	}
}

/* RESET: every registered object back to its cache. */
void smm_objs_release_all(struct smm_dev *d)
{
	unsigned long pos;
	void *e;

	xa_for_each(&d->nl_objs, pos, e) {
		struct smm_cache *c = smm_cache_of_pos(&d->slabs, pos);

		if (!WARN_ON_ONCE(!c))
			smm_objs_release(d, c, pos);
		else
			xa_erase(&d->nl_objs, pos);
		cond_resched();		/* a million objects take long, no lock held */
	}
}
