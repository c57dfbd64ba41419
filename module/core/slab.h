/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Slab caches over the shadow buddy, after mm/slub.c.
 *
 * A slab is a buddy block of order 0..3 whose head descriptor is
 * SMM_FRAME_SLAB with owner SMM_OWNER_SLAB; its data bits name the cache
 * and the slab's descriptor (struct smm_slab), so the frame map and CHECK
 * see slabs without more memory per frame. The descriptor lives outside
 * the slab, in the slab layer's descriptor pool (kernel memory, chunks
 * of SMM_SLAB_DESC_CHUNK taken on demand, as struct slab lives in the
 * memmap and not in the slab), so the whole slab holds objects and
 * objects per slab are SLUB's (Documentation/slab.md weighs the
 * choices). Free objects are chained through a free pointer stored in
 * them (freelist), as in SLUB.
 *
 *   slab (2^order frames, aligned to its order in index space)
 *   +--------+--------+--------+-----+--------+------+
 *   | slot 0 | slot 1 | slot 2 | ... | slot n | waste|
 *   +--------+--------+--------+-----+--------+------+
 *   slot: | object | red zone | free pointer | owner | align pad |
 *           (red zone, a separate free pointer and owner only with
 *            the debug flags that need them)
 *
 *   head frame's data: | desc idx >> 24 (3) | M=0 | desc idx & 0xffffff (24) | cache id (8) | owner |
 *
 * Objects are named by their *position*: frame index << 12 plus the byte
 * offset, i.e. the byte address in the frame index space. The slab head
 * of a position is (pos >> 12) & ~(2^order - 1).
 *
 * Each CPU has an active slab whose freelist only it uses (the fast
 * path, lockless: one cmpxchg of the CPU's word, see struct
 * smm_cache_cpu; the slow path and other CPUs under that CPU's lock)
 * and a partial list of slabs it will
 * use next (SLUB's per-CPU partial list, at most cpu_partial_slabs put
 * there by frees); the other slabs are on the cache's partial or full
 * list under the cache's list lock (the slow path). A CPU's partial list
 * changes under that CPU's lock and the list lock together.
 *
 * Lock order (outermost first):
 *   smm_slabs.mutex		the set of caches; validate/check/destroy
 *     smm_cache_cpu.lock	one CPU's active slab of one cache
 *       smm_cache.list_lock	partial/full lists, slab headers' freelists
 *         smm_slabs.census_lock	slab heads made and unmade
 *         smm_slabs.desc_lock	the descriptor pool (innermost, alone)
 *           smm_pcp.lock, smm_zone.lock	(the buddy, see mm.h)
 * A reclaimable cache's cached-object mutex (smm_cache.lru_mutex) is
 * taken before all of those but smm_slabs.mutex, and under the
 * shrinkers' registry mutex when reclaim scans (shrinker.h, slab_shrink.c).
 *
 * A frame becomes or stops being a SLAB head, and nr_slabs moves with
 * it, under the cache's list lock and census_lock together, so CHECK's
 * census (one lock per chunk) and VALIDATE (one cache's locks per chunk)
 * see slab heads hold still; both sweep the frame map in chunks and
 * the hooks here keep their counts of what lies behind their cursors
 * current (slab_check.c).
 *
 * A CPU's lock is taken by that CPU on the fast path and by flushes and
 * validation from elsewhere, which take it nested under smm_slabs.mutex.
 *
 * Policies: each cache has one, fixed at creation (enum smm_slab_policy).
 * SLUB's paths are this file's and slab.c's own; another policy's cache
 * names a small ops table (struct smm_slab_ops) that the API calls
 * reach only past SLUB's fast paths, which such a cache never takes
 * (its CPUs never hold an active slab). SLOB (slob.c) keeps the pages of
 * every small SLOB cache in one shared heap, itself a built-in cache
 * ("slob"), whose list_lock is SLOB's slob_lock: it nests under a SLOB
 * cache's CPU lock as a list lock does under its own cache's. SLAB
 * (slab_slab.c) keeps each CPU's array cache under that CPU's lock and
 * its free list and shared array under the list lock.
 */
#ifndef _SMM_CORE_SLAB_H
#define _SMM_CORE_SLAB_H

#include "mm.h"
#include "owner.h"
#include "shrinker.h"

#define SMM_SLAB_MAX_ORDER	SMM_PCP_MAX_ORDER	/* slub_max_order */
#define SMM_SLAB_MAX_SIZE	8192			/* largest object */
#define SMM_SLAB_MIN_ALIGN	8
#define SMM_SLAB_CACHELINE	64
#define SMM_MAX_CACHES		256
#define SMM_NR_KMALLOC		13	/* kmalloc-8 .. kmalloc-8192, 96 and 192 */
#define SMM_CACHE_NAME_LEN	32			/* with the NUL */
#define SMM_SLAB_END		0xffffffffU		/* end of a freelist */
#define SMM_SLAB_NO_CPU		0xffffffffU
#define SMM_SLAB_BATCH		16	/* slabs given back per taking of the list lock */

/* Debug bytes, the values of include/linux/poison.h. */
#define SMM_RED_INACTIVE	0xbb
#define SMM_RED_ACTIVE		0xcc
#define SMM_POISON_FREE		0x6b
#define SMM_POISON_END		0xa5

/* Creation flag: a cache the module itself owns, never destroyed by users. */
#define SMM_CACHE_BUILTIN	(1U << 31)
/* Creation flag: the SLOB heap (slob.c), made by the first SLOB cache. */
#define SMM_CACHE_SLOB_HEAP	(1U << 30)
#define SMM_CACHE_INTERNAL	(SMM_CACHE_BUILTIN | SMM_CACHE_SLOB_HEAP)

#define SMM_CACHE_DEBUG_FLAGS	(SHADOWMM_CACHE_RED_ZONE | SHADOWMM_CACHE_POISON | \
				 SHADOWMM_CACHE_STORE_USER)

/*
 * struct smm_cache's slow byte: why the allocation fast path is not
 * taken, tested once (smm_cache_slow()). LOCKED is fixed at creation
 * (debug flags or another policy than SLUB: no lockless fast path, and
 * the free's one test too); FAILSLAB follows the failslab target's
 * probability (set before it is armed, cleared after it is disarmed,
 * both under smm_slabs.mutex: smm_slabs_failslab_set()), so an armed
 * failslab sends every allocation to smm_cache_alloc_cold(), which asks
 * it. CHECK compares both bits with what they stand for.
 */
#define SMM_CACHE_SLOW_LOCKED	0x01
#define SMM_CACHE_SLOW_FAILSLAB	0x02

/*
 * Where a slab is: active on a CPU, on the cache's (node's) partial or
 * full list, or on a CPU's partial list (SLUB's frozen slabs of
 * c->partial, put there by put_cpu_partial()).
 */
enum smm_slab_list { SMM_SLAB_ON_CPU, SMM_SLAB_PARTIAL, SMM_SLAB_FULL, SMM_SLAB_CPU_PARTIAL };

/*
 * A slab's descriptor (SLUB's struct slab), in the descriptor pool; the
 * head frame's word names it. Free descriptors are chained by freelist.
 */
struct smm_slab {
	u32 freelist;		/* free objects no CPU owns (offsets) */
	u32 prev, next;		/* frame indices on the partial/full list (next only on a CPU's) */
	u32 cpu;		/* the CPU it is active on or on whose partial list, or SMM_SLAB_NO_CPU */
	u32 head;		/* its head frame (SMM_FRAME_NONE when free) */
	u32 idx;		/* its own index in the pool */
	u16 inuse;		/* objects not on freelist */
	u8 list;		/* enum smm_slab_list */
	u8 sublist;		/* SLOB heap pages: which free list (enum smm_slob_list) */
	u32 s_mem;		/* SLAB (slab_slab.c): offset of object 0, the colour */
};

#define SMM_SLAB_DESC_SHIFT	7
#define SMM_SLAB_DESC_CHUNK	(1U << SMM_SLAB_DESC_SHIFT)	/* descriptors per chunk: 4 KiB */
#define SMM_SLAB_DESC_LOW	24	/* index bits in the tag, above the cache id */
#define SMM_SLAB_DESC_HIGH_SHIFT	(SMM_TAG_SHIFT + 33)	/* above the mark bit */

/* One CPU's events in one cache, counted under its lock. */
struct smm_cache_cpu_stats {
	u64 alloc_fast;		/* served from the active slab's freelist */
	u64 alloc_slow;		/* needed the lists or a new slab */
	u64 free_fast;		/* to the active slab */
	u64 free_slow;		/* to another slab, under the list lock */
	u64 alloc_fail;
	u64 errors;		/* corruption and misuse detected */
};

/*
 * A CPU's slab of one cache. The active slab and its first free object
 * are one word (fast: slab << 32 | free, smm_cc_word()), which the
 * CPU's fast path swaps with cmpxchg and without the lock (SLUB's
 * this_cpu_cmpxchg_double() on freelist and tid). Everything else,
 * and the word outside the fast path, is under @lock: the CPU's own
 * slow path sets the word with plain stores (its fast path is not
 * running meanwhile); another CPU that reads or changes it takes the
 * lock and freezes the word first (smm_cc_freeze()), so that fast path
 * falls through to the lock. base, fp_base and desc belong to the slab the CPU
 * last activated: only the CPU itself writes them (they are stale, not
 * cleared, once the word no longer names that slab).
 */
struct smm_cache_cpu {
	u64 fast;		/* active slab << 32 | its first free object: smm_cc_word() */
	smm_lock_t lock;
	char *base;		/* the active slab's memory */
	char *fp_base;		/* base + the cache's fp_offset: where the free's fast path stores */
	struct smm_slab *desc;	/* its descriptor */
	u64 frozen;		/* the word while smm_cache_lock_all() holds it frozen */
	u32 partial;		/* this CPU's partial list (SLUB's c->partial), or SMM_FRAME_NONE */
	u32 nr_partial;		/* slabs on it; changes under this lock and the list lock */
	struct smm_cache_cpu_stats stats;
} __attribute__((aligned(SMM_CPU_ALIGN)));

/* The fast word when the CPU has no active slab (also the frozen word) */
#define SMM_CC_NONE	((u64)SMM_FRAME_NONE << 32 | SMM_SLAB_END)

static inline u64 smm_cc_word(u32 slab, u32 free)
{
	return (u64)slab << 32 | free;
}

static inline u32 smm_cc_word_slab(u64 w)
{
	return (u32)(w >> 32);
}

static inline u32 smm_cc_word_free(u64 w)
{
	return (u32)w;
}

/* The word's slab alone (free 0): the word minus its first free object */
static inline u64 smm_cc_word_hi(u64 w)
{
	return w - smm_cc_word_free(w);
}

/*
 * The position of a word's slab from smm_cc_word_hi() (past every
 * object's with SMM_FRAME_NONE): one shift, slab << 32 to slab << 12.
 */
static inline u64 smm_cc_hi_pos(u64 hi)
{
	return hi >> (32 - SMM_PAGE_SHIFT);
}

/* The active slab's head, or SMM_FRAME_NONE: under @cc's lock, or its own CPU */
static inline u32 smm_cc_slab(const struct smm_cache_cpu *cc)
{
	return smm_cc_word_slab(READ_ONCE(cc->fast));
}

/* Its first free object: only the CPU itself, under the lock (nobody froze it) */
static inline u32 smm_cc_free(const struct smm_cache_cpu *cc)
{
	return smm_cc_word_free(READ_ONCE(cc->fast));
}

/* The CPU's own slow path, under @cc's lock: its fast path is not running. */
static inline void smm_cc_set(struct smm_cache_cpu *cc, u32 slab, u32 free)
{
	smm_store_release(&cc->fast, smm_cc_word(slab, free));
}

/*
 * Another CPU (or any code not on @cc's CPU), under @cc's lock: take the
 * word, leaving SMM_CC_NONE, so that the CPU's fast path, lockless, can
 * neither pop nor push until smm_cc_thaw() (it falls through to the
 * lock, which the caller holds). An exchange: a fast path that read the
 * word before fails its cmpxchg, or succeeded before and the word
 * returned has its change.
 */
static inline u64 smm_cc_freeze(struct smm_cache_cpu *cc)
{
	return smm_xchg64(&cc->fast, SMM_CC_NONE);
}

/* Give the word back (unchanged, or SMM_CC_NONE), still under the lock. */
static inline void smm_cc_thaw(struct smm_cache_cpu *cc, u64 w)
{
	smm_store_release(&cc->fast, w);
}

struct smm_slabs;
struct smm_cache;
struct smm_slab_node;
struct smm_cache_info;

/* A cache's allocator design: the uapi's values. */
enum smm_slab_policy {
	SMM_SLUB = SHADOWMM_CACHE_POLICY_SLUB,
	SMM_SLAB = SHADOWMM_CACHE_POLICY_SLAB,
	SMM_SLOB = SHADOWMM_CACHE_POLICY_SLOB,
};

/* SLOB's free lists of partially free pages, by the size asked (slob.c) */
enum smm_slob_list { SMM_SLOB_SMALL, SMM_SLOB_MEDIUM, SMM_SLOB_LARGE, SMM_SLOB_NR_LISTS };

/*
 * What a policy other than SLUB does in place of SLUB's code. alloc and
 * free are called with the CPU's lock held (smm_cache_alloc()'s and
 * smm_cache_free()'s slow paths), and drop it; they count in that CPU's
 * stats as SLUB does. A NULL member means SLUB's code serves (it finds
 * nothing of SLUB's to do for such a cache, or the cache's own slabs
 * follow SLUB's rules).
 */
struct smm_slab_ops {
	void *(*alloc)(struct smm_cache *c, struct smm_cache_cpu *cc, unsigned int cpu,
		       u64 *pos);
	int (*free)(struct smm_cache *c, struct smm_cache_cpu *cc, u64 pos, unsigned int cpu);
	int (*validate)(struct smm_cache *c, u64 *nr_problems);
	void (*info)(struct smm_cache *c, struct smm_cache_info *info);	/* after SLUB's */
	const char *(*obj_lookup)(struct smm_cache *c, u64 pos);
	void (*destroy)(struct smm_cache *c, unsigned int cpu);	/* before SLUB's teardown */
	u64 (*shrink)(struct smm_cache *c, unsigned int cpu);	/* in place of SLUB's */
};

struct smm_cache {
	char name[SMM_CACHE_NAME_LEN];
	u32 id;
	u32 flags;		/* SHADOWMM_CACHE_* */
	bool builtin;		/* kmalloc or the module's own: never destroyed by users */
	u8 slow;		/* SMM_CACHE_SLOW_*: the fast paths' one test (smm_cache_slow()) */
	u8 policy;		/* enum smm_slab_policy, fixed at creation */
	const struct smm_slab_ops *ops;	/* NULL for SLUB */
	struct smm_cache *heap;	/* a small SLOB cache's pages: the SLOB heap */
	struct smm_slab_node *node;	/* a SLAB cache's arrays, free list, tunables (slab_slab.c) */
	struct smm_slabs *slabs;
	struct smm_mm *mm;
	unsigned int gfp;	/* for the buddy: UNMOVABLE or RECLAIMABLE */

	/* Layout, fixed at creation (see calculate_sizes() in slub.c). */
	u32 object_size;	/* what the user asked for */
	u32 size;		/* slot stride */
	u32 align;
	u32 red_end;		/* object + red zone end here */
	u32 fp_offset;		/* free pointer in the slot */
	u32 owner_offset;	/* owner tag in the slot (STORE_USER) */
	u32 first;		/* offset of slot 0 in the slab: 0, as SLUB (smm_slab_slot_ok() relies on it) */
	u32 order, objects;
	u64 slab_bytes;		/* PAGE_SIZE << order; u64: the free fast path compares a u64 with it */
	u64 recip;		/* 2^32 / size rounded up: index without division (u64: one imul) */
	u32 slot_inv;		/* inverse of size's odd part mod 2^32: smm_slab_slot_ok() */
	u32 slot_shift;		/* size's trailing zero bits */
	u32 min_partial;
	u32 cpu_partial;	/* set_cpu_partial(): objects; 0 with debug flags */
	u32 cpu_partial_slabs;	/* slub_set_cpu_partial(): slabs a CPU's list holds */
	u32 fp_key, fp_mul;	/* freelist hardening; 0 when off */

	smm_lock_t list_lock;
	u32 partial, full;	/* list heads: slab frame indices */
	u32 partial_tail;	/* the partial list's last slab (add_partial(..., DEACTIVATE_TO_TAIL)) */
	u64 nr_partial, nr_full;
	u64 nr_slabs;		/* including the CPUs' active slabs */
	u64 slabs_alloc, slabs_free;	/* taken from / given back to the buddy */

	/* What lies behind the sweeps' cursors (slab_check.c), kept current */
	u64 census_slabs;	/* CHECK: slabs below slabs->census_end; census_lock */
	u64 sweep_end;		/* VALIDATE's cursor, 0 when none runs; list_lock */
	u64 sweep_slabs;	/* slabs below it, and on each list: list_lock */
	u64 sweep_list[SMM_SLAB_CPU_PARTIAL + 1];	/* [SMM_SLAB_ON_CPU] unused */

	struct smm_cache_cpu *cpu;	/* [nr_cpus] */

	/*
	 * Cached objects (RECLAIM_ACCOUNT caches only, slab_shrink.c):
	 * allocated, no one's, kept on the cache's LRU as unused dentries
	 * are, oldest first, for the shrinker to free. A ring of positions
	 * under lru_mutex; nr_cached is read without it.
	 */
	smm_mutex_t lru_mutex;
	u64 *lru;			/* [lru_cap] positions, from lru_first on */
	u64 lru_cap, lru_first;
	u64 nr_cached;
	struct smm_shrinker shrinker;	/* registered at creation, reclaimable caches only */

	/*
	 * The SLOB heap only (slob.c), under its list_lock: the three
	 * lists of partially free pages (slob_list[]; the full pages are
	 * on the full list, nr_partial counts the pages on all three),
	 * the blocks allocated from them and their units.
	 */
	u32 slob_list[SMM_SLOB_NR_LISTS], slob_tail[SMM_SLOB_NR_LISTS];
	u64 slob_blocks, slob_units;
};

/* The slab layer of one shadow mm: every cache, by id. */
struct smm_slabs {
	struct smm_mm *mm;
	smm_mutex_t mutex;		/* caches[]; one VALIDATE or CHECK at a time */
	smm_lock_t census_lock;		/* slab heads made and unmade; census_end */
	u64 census_end;			/* CHECK's cursor, 0 when none runs */
	struct smm_cache *caches[SMM_MAX_CACHES];	/* by id */
	unsigned int nr_kmalloc;
	struct smm_cache *kmalloc[SMM_NR_KMALLOC];	/* by size class (ids differ with SLOB's heap) */
	u32 kmalloc_policy;	/* enum smm_slab_policy of the kmalloc caches */
	u32 seed;		/* freelist hardening keys come from it */
	struct smm_shrinker_list shrinkers;	/* the caches' shrinkers (mm->shrinkers points here) */
	struct smm_cache *slob_heap;	/* SLOB's pages, made with the first SLOB cache; under mutex */
	unsigned int order_cpus;	/* calculate_order()'s CPUs: num_present_cpus() */
	/* the descriptor pool: chunk[i >> SMM_SLAB_DESC_SHIFT] holds descriptor i */
	smm_lock_t desc_lock;		/* desc_used, desc_free, desc_live, new chunks */
	struct smm_slab **desc_chunk;	/* [desc_chunks], a chunk never goes before unload */
	u32 desc_chunks;
	u32 desc_used;			/* descriptors ever handed out (high-water) */
	u32 desc_free;			/* first free descriptor, or SMM_SLAB_END */
	u64 desc_live;			/* descriptors naming a slab */
	/* for the events group, under mutex: caches ever created and destroyed */
	u64 nr_created, nr_destroyed;
	char last_created[SMM_CACHE_NAME_LEN], last_destroyed[SMM_CACHE_NAME_LEN];
};

/* A snapshot of a cache's counters for netlink and slabinfo. */
struct smm_cache_info {
	char name[SMM_CACHE_NAME_LEN];
	u32 id, flags, object_size, size, align, order, objects;
	bool builtin;
	u32 policy;
	u64 active_objs, num_objs, num_slabs, partial_slabs, full_slabs, cpu_slabs;
	u64 cpu_partial_slabs;	/* on the CPUs' partial lists */
	u64 partial_free;	/* free objects of the partial list's slabs (count_partial()) */
	u32 cpu_partial;	/* the cache's cpu_partial (objects) */
	u64 slabs_alloc, slabs_free;
	u64 cached;		/* objects on the cache's LRU (slab_shrink.c) */
	u64 active_slabs;	/* slabinfo's: num_slabs but SLAB's free slabs */
	/* SLAB only (0 otherwise): slabinfo's tunables and slabdata */
	u32 limit, batchcount, shared;
	u32 colour, colour_off;
	u64 free_slabs, shared_avail, reaped;
	u64 array_avail;	/* objects in the CPUs' array caches */
	u64 free_limit;
	struct smm_cache_cpu_stats stats;	/* summed over CPUs */
};

int smm_slabs_init(struct smm_slabs *s, struct smm_mm *mm, u32 seed, unsigned int order_cpus);
int smm_slabs_init_policy(struct smm_slabs *s, struct smm_mm *mm, u32 seed,
			  unsigned int order_cpus, u32 kmalloc_policy);
void smm_slabs_destroy(struct smm_slabs *s);

const char *smm_cache_check_args(const char *name, u32 size, u32 align, u32 flags);
const char *smm_cache_check_policy(u32 policy, u32 flags);
int smm_cache_create(struct smm_slabs *s, const char *name, u32 size, u32 align, u32 flags,
		     struct smm_cache **out);
int smm_cache_create_policy(struct smm_slabs *s, const char *name, u32 size, u32 align,
			    u32 flags, u32 policy, struct smm_cache **out);
const char *smm_cache_destroy_refusal(const struct smm_cache *c, bool force, int *err);
int smm_cache_destroy(struct smm_slabs *s, struct smm_cache *c, bool force, unsigned int cpu);
void __smm_cache_destroy(struct smm_slabs *s, struct smm_cache *c, unsigned int cpu);
struct smm_cache *smm_cache_find(struct smm_slabs *s, const char *name);
struct smm_cache *smm_cache_of_pos(struct smm_slabs *s, u64 pos);
struct smm_slab *smm_slab_at(struct smm_cache *c, u64 idx);
struct smm_cache *smm_kmalloc_cache(struct smm_slabs *s, size_t size);
bool smm_cache_is_kmalloc(const struct smm_slabs *s, const struct smm_cache *c);

/*
 * @cpu an unsigned long: the callers' CPU number (smm_cpu_get(), a
 * 32-bit load) is one already, and the fast paths index with it
 * without a zero extension of their own.
 */
void *smm_cache_alloc(struct smm_cache *c, unsigned long cpu, u64 owner, u64 *pos);
int smm_cache_free(struct smm_cache *c, u64 pos, unsigned long cpu);
u64 smm_cache_shrink(struct smm_cache *c, unsigned int cpu);
int smm_cache_validate(struct smm_cache *c, u64 *nr_problems);
void smm_slabs_failslab_set(struct smm_slabs *s, u32 probability);
u64 smm_cache_live(const struct smm_cache *c);
void smm_cache_info(struct smm_cache *c, struct smm_cache_info *info);

const char *smm_cache_obj_lookup(struct smm_cache *c, u64 pos);
void *smm_slab_pos_virt(const struct smm_mm *mm, u64 pos);
int smm_slabs_check(struct smm_slabs *s, char *why, size_t len);

/* slab.c, for the other policies' files: SLUB's slabs and lists */
struct smm_slab *smm_slab_hdr(const struct smm_cache *c, u64 head);
struct smm_slab *smm_slab_desc_get(struct smm_slabs *s, u64 head);
struct smm_slab *smm_slab_new(struct smm_cache *c, unsigned int cpu, u64 *head, char **basep);
void smm_slab_set_made(struct smm_cache *c, u64 head, const struct smm_slab *desc, bool made,
		       unsigned int cpu);
void smm_slab_discard(struct smm_cache *c, u64 head, unsigned int cpu);
void smm_slab_list_add(struct smm_cache *c, u64 head, struct smm_slab *s, unsigned int list,
		       bool tail);
void smm_slab_list_del(struct smm_cache *c, u64 head, struct smm_slab *s);
u32 smm_cache_alignment(u32 flags, u32 align, u32 size);

/* slob.c */
int smm_slob_layout(struct smm_slabs *s, struct smm_cache *c, u32 size, u32 align, u32 flags);
bool smm_slob_name_reserved(const char *name);
struct smm_cache *smm_slob_cache_of_pos(struct smm_slabs *s, u64 pos);

/* slab_slab.c: the SLAB policy */
int smm_slabp_layout(struct smm_cache *c, u32 size, u32 align);
void smm_slabp_release(struct smm_cache *c);
void smm_slabp_tunables(u32 size, unsigned int nr_cpus, u32 *limit, u32 *batch, u32 *shared);
const char *smm_cache_tune_refusal(const struct smm_cache *c, u32 limit, u32 batch, u32 shared);
int smm_cache_tune(struct smm_cache *c, u32 limit, u32 batch, u32 shared, unsigned int cpu,
		   const char **why);
void smm_cache_reap(struct smm_cache *c, unsigned int cpu);
void smm_slabs_reap(struct smm_slabs *s, unsigned int cpu);
bool smm_slabs_have_slab(struct smm_slabs *s);

/* slab_shrink.c: cached objects and the cache's shrinker */
const char *smm_cache_cached_refusal(const struct smm_cache *c);
int smm_cache_alloc_cached(struct smm_cache *c, u64 count);
int smm_cache_cache_objs(struct smm_cache *c, const u64 *pos, u64 count);
u64 smm_cache_drop_cached(struct smm_cache *c, u64 nr, u64 *pages);
void smm_cache_shrinker_init(struct smm_cache *c);
void smm_cache_shrinker_exit(struct smm_cache *c);
u64 smm_cache_nr_cached(const struct smm_cache *c);

/* slab_debug.c */
void smm_slab_debug_init(struct smm_cache *c, char *slot);
unsigned int smm_slab_debug_alloc(struct smm_cache *c, char *slot, u64 pos, u64 owner);
int smm_slab_debug_free(struct smm_cache *c, u64 pos);
int smm_slab_debug_free_slot(struct smm_cache *c, char *slot, u64 pos);
unsigned int smm_slab_debug_check(const struct smm_cache *c, const char *slot, u64 pos,
				  bool free);
int smm_slab_mark_free(const struct smm_cache *c, u64 head, const char *base, u32 off,
		       u8 *free, bool report);
void smm_slab_report(const struct smm_cache *c, u64 pos, const char *what);
u64 smm_cache_owner(struct smm_cache *c, u64 pos);
/* slab_corrupt.c */
const char *smm_cache_corrupt_refusal(const struct smm_cache *c, unsigned int kind);
int smm_cache_corrupt(struct smm_cache *c, u64 pos, unsigned int kind, unsigned int cpu);

/*
 * The slow byte as the fast paths read it: without a lock, as the
 * kernel reads a static key's state, with data_race() for the sanitizers
 * (a plain byte compare of memory; only FAILSLAB changes, under
 * smm_slabs.mutex, WRITE_ONCE()).
 */
static inline u8 smm_cache_slow(const struct smm_cache *c)
{
	return data_race(c->slow);
}

/*
 * The slow byte's LOCKED bit a cache stands for: debug flags or another
 * policy than SLUB (its ops), both fixed at creation. What creation sets
 * and CHECK expects.
 */
static inline u8 smm_cache_slow_locked(const struct smm_cache *c)
{
	return (c->flags & SMM_CACHE_DEBUG_FLAGS) || c->ops ? SMM_CACHE_SLOW_LOCKED : 0;
}

/* The data bits of a slab head: owner SLAB, the cache, the descriptor. */
static inline u64 smm_slab_frame_data(u32 id, u32 desc)
{
	return smm_owner_data(SMM_OWNER_SLAB, id | desc << 8) |
	       (u64)(desc >> SMM_SLAB_DESC_LOW) << SMM_SLAB_DESC_HIGH_SHIFT;
}

static inline u32 smm_slab_frame_cache(const struct smm_frame *f)
{
	return smm_frame_tag(f) & (SMM_MAX_CACHES - 1);
}

static inline u32 smm_slab_frame_desc(const struct smm_frame *f)
{
	return smm_frame_tag(f) >> 8 |
	       (u32)(smm_frame_data(f) >> SMM_SLAB_DESC_HIGH_SHIFT) << SMM_SLAB_DESC_LOW;
}

static inline u64 smm_slab_head(const struct smm_cache *c, u64 pos)
{
	return (pos >> SMM_PAGE_SHIFT) & ~((1ULL << c->order) - 1);
}

/*
 * Free pointers are offsets in the slab. With hardening they are stored
 * xor a per-cache key and a hash of where they are stored, as
 * freelist_ptr() does, so an overwritten pointer decodes to nonsense
 * that the bound check catches instead of to an address of choice.
 */
static inline u32 smm_slab_fp_code(const struct smm_cache *c, u32 off)
{
	return c->fp_key ^ (off * c->fp_mul);
}

static inline u32 smm_slab_fp_get(const struct smm_cache *c, const char *base, u32 off)
{
	return *(const u32 *)(base + off + c->fp_offset) ^ smm_slab_fp_code(c, off);
}

static inline void smm_slab_fp_set(const struct smm_cache *c, char *base, u32 off, u32 next)
{
	*(u32 *)(base + off + c->fp_offset) = next ^ smm_slab_fp_code(c, off);
}

/*
 * The slot stride's constants, from size (set once at creation, by every
 * policy): recip for the index of an offset, slot_inv and slot_shift for
 * smm_slab_slot_ok(). size = 2^slot_shift * d, d odd; slot_inv * d = 1
 * mod 2^32 (Newton's iteration: each step doubles the correct low bits,
 * from 3 of x = d, since d * d = 1 mod 8 for any odd d).
 */
static inline void smm_cache_set_stride(struct smm_cache *c)
{
	u32 d = c->size >> __builtin_ctz(c->size), x = d;
	int i;

	for (i = 0; i < 4; i++)
		x *= 2 - d * x;
	c->recip = (u32)(((1ULL << 32) + c->size - 1) / c->size);
	c->slot_shift = __builtin_ctz(c->size);
	c->slot_inv = x;
}

/*
 * Is @off a slot of this cache's slabs? One multiplication, one rotation
 * and one compare, no division: with size = 2^k * d (d odd) and slot_inv
 * d's inverse mod 2^32, off * slot_inv rotated right by k is off / size
 * exactly when size divides off; otherwise the rotation brings nonzero
 * low bits to the top (off not a multiple of 2^k) or the product of the
 * odd part is above (2^(32-k) - 1) / d (off a multiple of 2^k but not
 * of d: the divisibility test by the modular inverse), and either is at
 * least objects, since objects * size fits in a slab (< 2^32). So the
 * index test is the bound test and the alignment test; SMM_SLAB_END is
 * not a slot. Slot 0 is at offset 0 (first is 0 for every policy).
 * slab_test's slab_slot_ok_is_the_bound_check compares it with the
 * bounds asked.
 */
static inline bool smm_slab_slot_ok(const struct smm_cache *c, u32 off)
{
	u32 x = off * c->slot_inv, k = c->slot_shift;

	return (x >> k | x << (-k & 31)) < c->objects;
}

#endif /* _SMM_CORE_SLAB_H */
