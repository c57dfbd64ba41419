/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shadow address spaces: page tables in the running architecture's format
 * (smm_pt_native(): x86-64, or arm64 in the running kernel's encodings)
 * whose table pages and mapped pages all come from the shadow buddy.
 *
 * Every page of a space is an allocated block whose head says what it is:
 * SMM_FRAME_PGTABLE for a table page, SMM_FRAME_SPACE for a mapped page,
 * both with owner SMM_OWNER_SPACE and the space's id as tag (owner.h).
 * A page a fault mapped (demand paging, vma.h) also carries SMM_ANON_BIT
 * and counts in the space's RSS (vm.rss_anon); whoever unmaps it, munmap
 * or SPACE_UNMAP, takes it out again. A page-cache page a fault on a
 * file VMA mapped stays the page cache's (filemap.h): it counts in
 * vm.rss_file, not in mapped[], and unmapping only clears its PTE.
 * Nothing else is kept per frame. Entries hold physical frame numbers,
 * the range's pfns (range.h), like real entries do: a shadow
 * translation is the physical address of shadowmm's memory. Table pages
 * are read and written through their section's mapping (virt).
 *
 * Locking: the caller serialises every call on one space (the glue holds
 * one mutex over all spaces); the buddy takes its own locks.
 */
#ifndef _SMM_CORE_SPACE_H
#define _SMM_CORE_SPACE_H

#include "mm.h"
#include "walk.h"
#include "vma.h"

#define SMM_SPACE_NR_SIZES	3	/* 4K, 2M, 1G */

/*
 * The anon_vma of a fork family (fork.c): every space that may share
 * anonymous pages with another, because one was forked from the other
 * or both from a common ancestor. A shared page sits at the same
 * address in each (fork copies addresses, and nothing moves a page:
 * no mremap), so the address is the kernel's linear page index and the
 * rmap walk of a page is one PTE lookup per member. A space never
 * forked has none (NULL): its pages keep the one-PTE rmap of lru.h.
 */
struct smm_anon_vma {
	struct smm_space *head;			/* members, linked by av_next */
	u32 nr;					/* members */
};

struct smm_space {
	struct smm_mm *mm;
	u32 id;
	unsigned int levels;			/* 4 or 5 */
	const struct smm_pt_fmt *fmt;		/* smm_pt_native(levels) */
	u64 root;				/* frame index of the top table */
	u64 tables[SMM_PT_MAX_LEVELS];		/* table pages, by level of their entries */
	u64 mapped[SMM_SPACE_NR_SIZES];		/* pages mapped, by size */
	struct smm_vm vm;			/* VMAs and fault counts (vma.h) */
	struct smm_anon_vma *anon_vma;		/* its fork family, NULL if never forked */
	struct smm_space *av_next;		/* the next member of the family */
};

int smm_space_init(struct smm_space *s, struct smm_mm *mm, u32 id, unsigned int levels);
int smm_space_init_fmt(struct smm_space *s, struct smm_mm *mm, u32 id,
		       const struct smm_pt_fmt *fmt);
void smm_space_destroy(struct smm_space *s);
const char *smm_space_check_map(const struct smm_space *s, u64 va, u64 pages,
				unsigned int shift, unsigned int prot);
int smm_space_map(struct smm_space *s, u64 va, u64 pages, unsigned int shift,
		  unsigned int prot);
const char *smm_space_check_unmap(const struct smm_space *s, u64 va, u64 pages,
				  unsigned int shift);
void smm_space_unmap(struct smm_space *s, u64 va, u64 pages, unsigned int shift);
int smm_space_walk(const struct smm_space *s, u64 va, struct smm_walk *w);
u64 smm_space_frames(const struct smm_space *s);

/* For demand paging (vma.c, fault.c) */
u64 *smm_space_entry(struct smm_space *s, u64 va, unsigned int *level);
int smm_space_map_anon(struct smm_space *s, u64 va, unsigned int prot, bool write);
int smm_space_map_anon_from(struct smm_space *s, u64 va, unsigned int prot, bool young,
			    bool write, const void *src, u64 *frame);

/* File mappings (fault.c, filemap.c): page-cache pages in PTEs, and COW copies */
int smm_space_map_anon_copy(struct smm_space *s, u64 va, unsigned int prot, bool write,
			    const void *src);
int smm_space_pte_alloc(struct smm_space *s, u64 va, u64 **slot);
void smm_space_set_file_pte(struct smm_space *s, u64 *slot, u64 frame, unsigned int prot,
			    bool young);
void smm_space_zap_file_pte(struct smm_space *s, u64 *slot);
void smm_space_set_file_pte_write(struct smm_space *s, u64 *slot, u64 frame, unsigned int prot);
bool smm_space_mkclean_file_pte(struct smm_space *s, u64 *slot, unsigned int prot);
bool smm_space_pte_frame(const struct smm_space *s, u64 e, u64 *frame);

/* The swap cache's pages (swap.c): read ahead unmapped, mapped on a hit, dropped */
int smm_space_cache_new(struct smm_mm *mm, u32 id, u32 slot, const void *src, u64 *frame);
int smm_space_map_cached(struct smm_space *s, u64 va, unsigned int prot, bool young, bool write,
			 u64 frame);
void smm_space_cache_free(struct smm_mm *mm, u64 frame);
void smm_space_zap_anon_pte(struct smm_space *s, u64 *slot, u64 swp);
void smm_space_unmap_anon(struct smm_space *s, u64 va, u64 end);
void *smm_space_page_map(const struct smm_space *s, u64 pfn);
void smm_space_page_unmap(const struct smm_space *s, u64 pfn, const void *mem);
bool smm_space_page_anon(const struct smm_space *s, u64 pfn);

/* Fork and copy-on-write of anonymous pages (fork.c) */
int smm_space_fork(struct smm_space *parent, struct smm_space *child, u32 id, const char **why);
u32 smm_anon_mapcount(struct smm_space *s, u64 va, u64 frame);
void smm_anon_note_mappers(struct smm_space *s, u64 va, u64 frame);
struct smm_space *smm_anon_other_mapper(struct smm_space *s, u64 va, u64 frame);
void smm_anon_vma_unlink(struct smm_space *s);
int smm_do_wp_page(struct smm_space *s, u64 va, u64 *slot, u64 frame, unsigned int prot,
		   const char **why);
void smm_anon_make_exclusive(struct smm_space *s, u64 frame);
int smm_anon_check(struct smm_space *s, char *why, size_t len);
void smm_space_anon_retag(struct smm_space *to, u64 frame);
void smm_space_cache_retag(struct smm_mm *mm, u64 frame, u32 id);
u64 *smm_space_pte_of(struct smm_space *s, u64 va, u64 frame);
int smm_space_pte_alloc_noreclaim(struct smm_space *s, u64 va, u64 **slot);
int smm_space_cow_anon(struct smm_space *s, u64 va, unsigned int prot, u64 old);
int smm_space_map_anon_fork(struct smm_space *s, u64 va, unsigned int prot, const void *src);

/*
 * Lowest address past the space: the lower half of its virtual addresses
 * (x86-64's user half; on arm64 half of TTBR0's range, 2^47 or 2^51).
 */
static inline u64 smm_space_limit(const struct smm_space *s)
{
	return 1ULL << (smm_pt_va_bits(s->fmt) - 1);
}

#endif /* _SMM_CORE_SPACE_H */
