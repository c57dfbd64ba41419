/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shadow processes: the VMAs of a shadow address space (vma.c) and the
 * shadow MMU with its page-fault handler (fault.c), after mm/mmap.c and
 * mm/memory.c.
 *
 * A space's VMAs are areas [start, end) of whole pages with a
 * protection, anonymous or mapping a shadow inode (SMM_VMA_FILE, from
 * vm_pgoff, private or shared: Documentation/pagecache.md),
 * kept in one array sorted by start, disjoint, and never two mergeable
 * ones side by side (anonymous, same protection, touching):
 * smm_vma_mmap() merges as vma_merge() does, smm_vma_munmap() splits as
 * __do_munmap() does. Lookups are a binary search, O(log n) like the
 * maple tree's walk; an insertion or a removal moves the tail of the
 * array, O(n) (at the 65530 VMAs vm.max_map_count allows, about 1.5 MiB
 * of memmove), where the maple tree rewrites O(log n) nodes. A space's
 * VMAs change seldom next to the accesses that look them up, and the
 * array is the simplest structure a reader can check by eye.
 *
 * Protection is SHADOWMM_PROT_WRITE and SHADOWMM_PROT_EXEC, read implied,
 * or SHADOWMM_PROT_NONE alone (no access): as on x86 and arm64 under
 * Linux, where protection_map[] gives every PROT_WRITE or PROT_EXEC
 * mapping read access too. Faulted pages are mapped user-accessible.
 *
 * Pages get into a VMA only by a fault: smm_space_access() is the MMU
 * (accessed and dirty bits set in the leaf as the hardware does), and a
 * missing page is faulted in as do_anonymous_page() does. Such pages are
 * anonymous (SMM_ANON_BIT in their frame, owner.h) and counted in the
 * space's RSS. Pages mapped by SPACE_MAP are left as they are: the MMU
 * uses them like any PTE, munmap does not free them, RSS does not count
 * them.
 *
 * Locking: as space.h: the caller serialises every call on one space;
 * the mm's event counters are written under the same serialisation
 * (the glue's one mutex over all spaces) and read with READ_ONCE().
 */
#ifndef _SMM_CORE_VMA_H
#define _SMM_CORE_VMA_H

#include "env.h"

struct smm_space;
struct smm_inode;

/* What backs a VMA: anonymous memory, or a shadow inode's pages (filemap.h). */
enum smm_vma_kind {
	SMM_VMA_ANON = SHADOWMM_VMA_ANON,
	SMM_VMA_FILE = SHADOWMM_VMA_FILE,
};

#define SMM_VMA_MAX_COUNT	SHADOWMM_VMA_MAX_COUNT	/* vm.max_map_count's default */
#define SMM_VMA_PROT_ALL	(SHADOWMM_PROT_WRITE | SHADOWMM_PROT_EXEC | SHADOWMM_PROT_NONE)

struct smm_vma {
	u64 start, end;			/* [start, end), page aligned */
	u32 prot;			/* SMM_VMA_PROT_ALL bits */
	u32 kind;			/* enum smm_vma_kind */
	struct smm_inode *inode;	/* SMM_VMA_FILE: vm_file's inode, else NULL */
	u64 pgoff;			/* SMM_VMA_FILE: vm_pgoff, the file page at start */
	bool shared;			/* SMM_VMA_FILE: MAP_SHARED (writes dirty the page-cache page) */
};

/* The file page index of @va inside the file VMA @v: linear_page_index(). */
static inline u64 smm_vma_index_of(const struct smm_vma *v, u64 va)
{
	return v->pgoff + ((va - v->start) >> SMM_PAGE_SHIFT);
}

/* A space's process side: its VMAs and its counters (task and mm's). */
struct smm_vm {
	struct smm_vma *vma;		/* sorted by start, disjoint */
	u32 nr, cap;			/* VMAs, and room in vma[] */
	u64 rss_anon;			/* MM_ANONPAGES: pages faulted in, mapped */
	u64 rss_file;			/* MM_FILEPAGES: page-cache pages mapped (RssFile) */
	u64 swap_ents;			/* MM_SWAPENTS: swap entries (VmSwap, swap.h) */
	u64 min_flt, maj_flt;		/* the task's minor and major faults */
	u64 cow_faults;			/* wp_page_copy(): anonymous pages copied on write (fork.c) */
	u64 cow_reuse;			/* wp_page_reuse(): the last mapper's write, no copy */
	int oom_score_adj;		/* -1000..1000 (oom.h); -1000: never killed */
	bool oom_killed;		/* killed: access and mmap refused */
};

/* vma.c */
int smm_vma_mmap(struct smm_space *s, u64 addr, u64 len, unsigned int prot, const char **why);
int smm_vma_mmap_file(struct smm_space *s, u64 addr, u64 len, unsigned int prot,
		      struct smm_inode *ino, u64 offset, bool shared, const char **why);
int smm_vma_munmap(struct smm_space *s, u64 addr, u64 len, const char **why);
u64 smm_vma_pages(const struct smm_space *s);
const struct smm_vma *smm_vma_find(const struct smm_space *s, u64 addr);
void smm_vma_destroy(struct smm_space *s);
int smm_vma_dup(struct smm_space *dst, const struct smm_space *src, const char **why);
int smm_vma_check(const struct smm_space *s, char *why, size_t len);

/*
 * An access of the shadow MMU (smm_space_access()): [addr, addr + len)
 * read, or written with @value in every 8-byte word (SMM_ACCESS_PATTERN:
 * each word its own address instead). Words are 8-byte aligned: the
 * range is widened to whole words.
 */
#define SMM_ACCESS_WRITE	(1U << 0)
#define SMM_ACCESS_PATTERN	(1U << 1)
#define SMM_ACCESS_MAX_LEN	SHADOWMM_ACCESS_MAX	/* bytes per request */

struct smm_access {
	u64 pages;			/* pages touched, faulted ones included */
	u64 faults;			/* minor faults taken */
	u64 csum;			/* smm_access_csum() of the words read */
	u64 fault_addr;			/* on a SIGSEGV or -ENOMEM: the address */
};

/* The checksum a read returns: FNV-1a over the 64-bit words, in order. */
#define SMM_ACCESS_CSUM_INIT	0xcbf29ce484222325ULL

static inline u64 smm_access_csum(u64 csum, u64 word)
{
	return (csum ^ word) * 0x100000001b3ULL;
}

int smm_space_access(struct smm_space *s, u64 addr, u64 len, unsigned int flags, u64 value,
		     struct smm_access *res, const char **why);
int smm_space_fault_in(struct smm_space *s, u64 va, bool write, bool *faulted, const char **why);

#endif /* _SMM_CORE_VMA_H */
