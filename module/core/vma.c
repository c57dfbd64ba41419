// SPDX-License-Identifier: GPL-2.0
/*
 * The VMAs of a shadow address space (vma.h): mmap with merging, munmap
 * with splitting, lookup, and the invariants CHECK verifies.
 *
 * What is simplified against mm/mmap.c: a VMA is anonymous and private,
 * or maps a shadow inode (SMM_VMA_FILE: MAP_PRIVATE, or MAP_SHARED
 * read-only), placed where the caller says (MAP_FIXED_NOREPLACE: no
 * get_unmapped_area(), no overlap allowed); there is no mmap_min_addr,
 * no stack or brk, no mprotect, no anon_vma (merging looks only at the
 * protection and the kind), and refusals are checked whole before
 * anything changes, so nothing is ever undone.
 */
#include "space.h"
#include "owner.h"
#include "filemap.h"

/* Index of the first VMA ending after @addr (nr if none): find_vma()'s. */
static u32 smm_vma_index(const struct smm_vm *vm, u64 addr)
{
	u32 lo = 0, hi = vm->nr;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (vm->vma[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The pages of the space's VMAs: mm->total_vm. Spaces' lock held. */
u64 smm_vma_pages(const struct smm_space *s)
{
	u64 pages = 0;
	u32 i;

	for (i = 0; i < s->vm.nr; i++)
		pages += (s->vm.vma[i].end - s->vm.vma[i].start) >> SMM_PAGE_SHIFT;
	return pages;
}

/* The VMA holding @addr, or NULL: what a fault looks up. */
const struct smm_vma *smm_vma_find(const struct smm_space *s, u64 addr)
{
	u32 i = smm_vma_index(&s->vm, addr);

	if (i < s->vm.nr && s->vm.vma[i].start <= addr)
		return &s->vm.vma[i];
	return NULL;
}

/*
 * Could @a and @b, touching, be one VMA? vma_merge()'s is_mergeable_vma(),
 * for us. File VMAs are never merged (the kernel merges those with
 * contiguous vm_pgoff of one file): each keeps its own i_mmap entry.
 */
static bool smm_vma_mergeable(const struct smm_vma *a, const struct smm_vma *b)
{
	return a->end == b->start && a->prot == b->prot && a->kind == b->kind &&
	       a->kind == SMM_VMA_ANON;
}

/*
 * Room for one more VMA in the array: it doubles, from 16, up to
 * SMM_VMA_MAX_COUNT. The caller has checked the count.
 */
static int smm_vma_reserve(struct smm_vm *vm)
{
	struct smm_vma *v;
	u32 cap;

	if (vm->nr < vm->cap)
		return 0;
	cap = vm->cap ? vm->cap * 2 : 16;
	if (cap > SMM_VMA_MAX_COUNT)
		cap = SMM_VMA_MAX_COUNT;
	v = smm_zalloc_array(cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (vm->nr)
		memcpy(v, vm->vma, vm->nr * sizeof(*v));
	smm_free_array(vm->vma);
	vm->vma = v;
	vm->cap = cap;
	return 0;
}

/* Open a slot at @i (after smm_vma_reserve()) and fill it. */
static void smm_vma_insert(struct smm_vm *vm, u32 i, const struct smm_vma *new)
{
	memmove(&vm->vma[i + 1], &vm->vma[i], (vm->nr - i) * sizeof(*new));
	vm->vma[i] = *new;
	vm->nr++;
}

static void smm_vma_remove(struct smm_vm *vm, u32 i, u32 n)
{
	if (!n)
		return;
	memmove(&vm->vma[i], &vm->vma[i + n], (vm->nr - i - n) * sizeof(vm->vma[0]));
	vm->nr -= n;
}

/* The checks mmap and munmap share: alignment, length, bounds. */
static const char *smm_vma_check_range(const struct smm_space *s, u64 addr, u64 len)
{
	if (addr & (SMM_PAGE_SIZE - 1))
		return "address is not page aligned";
	if (!len)
		return "length is 0";
	if (len & (SMM_PAGE_SIZE - 1))
		return "length is not a multiple of the page size";
	if (addr >= smm_space_limit(s) || len > smm_space_limit(s) - addr)
		return "range runs past the lower half of the space's virtual addresses";
	return NULL;
}

/* How far into a file a VMA may reach: 16 times the largest file (filemap.h). */
#define SMM_VMA_FILE_MAX_OFF	(16 * SMM_FILE_MAX_BYTES)

/* The checks every mmap shares: the space alive, the range, the protection. */
static int smm_vma_mmap_checks(struct smm_space *s, u64 addr, u64 len, unsigned int prot,
			       const char **why)
{
	if (s->vm.oom_killed) {
		*why = "the space was killed by the OOM killer";
		return -ESRCH;
	}
	*why = smm_vma_check_range(s, addr, len);
	if (*why)
		return -EINVAL;
	if (prot & ~SMM_VMA_PROT_ALL) {
		*why = "protection must be write, exec, or none alone";
		return -EINVAL;
	}
	if ((prot & SHADOWMM_PROT_NONE) && prot != SHADOWMM_PROT_NONE) {
		*why = "PROT_NONE excludes write and exec";
		return -EINVAL;
	}
	return 0;
}

/*
 * Insert @new (checked) where it belongs: refused on overlap, merged
 * with a touching mergeable neighbour (anon only), or a slot of its
 * own. A file VMA's i_mmap entry is added first (filemap.c), and taken
 * out again if the array cannot grow: a refusal changes nothing.
 */
static int smm_vma_place(struct smm_space *s, const struct smm_vma *new, const char **why)
{
	struct smm_vm *vm = &s->vm;
	bool left, right;
	u32 i;
	int ret;

	i = smm_vma_index(vm, new->start);
	if (i < vm->nr && vm->vma[i].start < new->end) {
		*why = "range overlaps a VMA of the space (MAP_FIXED_NOREPLACE)";
		return -EEXIST;
	}
	left = i && smm_vma_mergeable(&vm->vma[i - 1], new);
	right = i < vm->nr && smm_vma_mergeable(new, &vm->vma[i]);
	if (left && right) {
		vm->vma[i - 1].end = vm->vma[i].end;
		smm_vma_remove(vm, i, 1);
	} else if (left) {
		vm->vma[i - 1].end = new->end;
	} else if (right) {
		vm->vma[i].start = new->start;
	} else {
		if (vm->nr >= SMM_VMA_MAX_COUNT) {
			*why = "too many VMAs in the space (vm.max_map_count, 65530)";
			return -ENOMEM;
		}
		if (new->inode) {
			ret = smm_immap_add(new->inode, s, new->start, why);
			if (ret)
				return ret;
		}
		if (smm_vma_reserve(vm)) {
			if (new->inode)
				smm_immap_del(new->inode, s, new->start);
			*why = "out of memory for the space's VMAs";
			return -ENOMEM;
		}
		smm_vma_insert(vm, i, new);
	}
	return 0;
}

/*
 * mmap(addr, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE):
 * a new anonymous VMA [addr, addr + len), merged with a neighbour on
 * either side that has the same protection and touches it (vma_merge()'s
 * cases: extend the previous one, the next one, or join both). Nothing
 * is mapped yet: pages come with the first access (fault.c).
 *
 * Refusals, with the reason in *@why: -EINVAL for a bad range or
 * protection, -ESRCH on a space the OOM killer killed, -EEXIST for an
 * overlap with a VMA, -ENOMEM beyond SMM_VMA_MAX_COUNT VMAs or without
 * memory for the array.
 */
int smm_vma_mmap(struct smm_space *s, u64 addr, u64 len, unsigned int prot, const char **why)
{
	struct smm_vma new = { .start = addr, .end = addr + len, .prot = prot, .kind = SMM_VMA_ANON };
	int ret = smm_vma_mmap_checks(s, addr, len, prot, why);

	return ret ? ret : smm_vma_place(s, &new, why);
}

/*
 * mmap(addr, len, prot, MAP_PRIVATE or MAP_SHARED | MAP_FIXED_NOREPLACE,
 * file, offset): a file VMA of @ino from byte @offset, on the inode's
 * i_mmap (filemap.h). Nothing is mapped yet: pages come with faults
 * (fault.c). As mmap(2), a range past the file's end is allowed; a
 * touch there is SIGBUS (fault.c). Refusals as smm_vma_mmap()'s, and:
 * -EINVAL for an offset not page aligned or one that overflows with
 * the length, -ENOMEM when the inode's i_mmap is full (SMM_IMMAP_MAX). The spaces' lock held.
 */
int smm_vma_mmap_file(struct smm_space *s, u64 addr, u64 len, unsigned int prot,
		      struct smm_inode *ino, u64 offset, bool shared, const char **why)
{
	struct smm_vma new = {
		.start = addr, .end = addr + len, .prot = prot, .kind = SMM_VMA_FILE,
		.inode = ino, .pgoff = offset >> SMM_PAGE_SHIFT, .shared = shared,
	};
	int ret = smm_vma_mmap_checks(s, addr, len, prot, why);

	if (ret)
		return ret;
	if (offset & (SMM_PAGE_SIZE - 1)) {
		*why = "file offset is not page aligned";
		return -EINVAL;
	}
	if (offset > SMM_VMA_FILE_MAX_OFF || len > SMM_VMA_FILE_MAX_OFF - offset) {
		*why = "file offset plus length is past 64 GiB (the largest file offset mapped)";
		return -EINVAL;
	}
	return smm_vma_place(s, &new, why);
}

/* A file VMA loses its first @bytes: vm_pgoff moves on, its i_mmap entry with its start. */
static void smm_vma_trim_front(struct smm_space *s, struct smm_vma *v, u64 bytes)
{
	if (v->inode)
		smm_immap_move(v->inode, s, v->start, v->start + bytes);
	v->pgoff += v->inode ? bytes >> SMM_PAGE_SHIFT : 0;
	v->start += bytes;
}

/*
 * munmap(addr, len): every VMA part inside [addr, addr + len) goes, and
 * with it the pages faulted in there (zap_page_range()'s job: anonymous
 * pages freed, page-cache pages only unmapped, they stay cached; pages
 * of SPACE_MAP stay). A VMA that sticks out on one side is trimmed; one
 * that sticks out on both is split in two, as split_vma() does, which
 * takes a VMA more: -ENOMEM when the space has SMM_VMA_MAX_COUNT already
 * (__do_munmap()'s check), no memory for the array, or (a file VMA) no
 * room in its inode's i_mmap for the tail. A file VMA's i_mmap entry
 * follows its start; it goes with the VMA. A range without VMAs is no
 * error, as for munmap(2). All checks come first: a refusal changes
 * nothing.
 */
int smm_vma_munmap(struct smm_space *s, u64 addr, u64 len, const char **why)
{
	struct smm_vm *vm = &s->vm;
	u64 end = addr + len;
	u32 i, j;
	int ret;

	*why = smm_vma_check_range(s, addr, len);
	if (*why)
		return -EINVAL;
	if (smm_space_range_pinned(s, addr, end)) {
		*why = "a page of the range is pinned: unpin it first";
		return -EBUSY;
	}
	i = smm_vma_index(vm, addr);
	if (i < vm->nr && vm->vma[i].start < addr && vm->vma[i].end > end) {
		/* the middle of one VMA: split it, [start, addr) and [end, old end) */
		struct smm_vma tail = vm->vma[i];

		if (vm->nr >= SMM_VMA_MAX_COUNT) {
			*why = "splitting the VMA would pass vm.max_map_count (65530)";
			return -ENOMEM;
		}
		if (smm_vma_reserve(vm)) {
			*why = "out of memory for the space's VMAs";
			return -ENOMEM;
		}
		if (tail.inode) {
			ret = smm_immap_add(tail.inode, s, end, why);
			if (ret)
				return ret;
			tail.pgoff += (end - tail.start) >> SMM_PAGE_SHIFT;
		}
		smm_space_unmap_anon(s, addr, end);
		tail.start = end;
		vm->vma[i].end = addr;
		smm_vma_insert(vm, i + 1, &tail);
		return 0;
	}
	smm_space_unmap_anon(s, addr, end);
	/* a VMA starting before addr loses its end */
	if (i < vm->nr && vm->vma[i].start < addr) {
		vm->vma[i].end = addr;
		i++;
	}
	/* those inside go; one ending after end loses its start */
	for (j = i; j < vm->nr && vm->vma[j].end <= end; j++)
		if (vm->vma[j].inode)
			smm_immap_del(vm->vma[j].inode, s, vm->vma[j].start);
	smm_vma_remove(vm, i, j - i);
	if (i < vm->nr && vm->vma[i].start < end)
		smm_vma_trim_front(s, &vm->vma[i], end - vm->vma[i].start);
	return 0;
}

/* The space goes: its VMAs, off their inodes' i_mmap (its pages went with its tables). */
void smm_vma_destroy(struct smm_space *s)
{
	u32 i;

	for (i = 0; i < s->vm.nr; i++)
		if (s->vm.vma[i].inode)
			smm_immap_del(s->vm.vma[i].inode, s, s->vm.vma[i].start);
	smm_free_array(s->vm.vma);
	memset(&s->vm, 0, sizeof(s->vm));
}

/*
 * dup_mmap()'s VMA copy for fork: @dst (a new space, no VMAs) gets
 * every VMA of @src, each file VMA on its inode's i_mmap as the
 * child's own entry (vma_interval_tree_insert_after()). On -ENOMEM
 * (the array, or a full i_mmap) @dst keeps what it got: the caller
 * destroys it whole. The spaces' lock held.
 */
int smm_vma_dup(struct smm_space *dst, const struct smm_space *src, const char **why)
{
	const struct smm_vm *vm = &src->vm;
	u32 i;
	int ret;

	if (!vm->nr)
		return 0;
	dst->vm.vma = smm_zalloc_array(vm->cap, sizeof(*vm->vma));
	if (!dst->vm.vma) {
		*why = "out of memory for the child's VMAs";
		return -ENOMEM;
	}
	dst->vm.cap = vm->cap;
	for (i = 0; i < vm->nr; i++) {
		const struct smm_vma *v = &vm->vma[i];

		if (v->inode) {
			ret = smm_immap_add(v->inode, dst, v->start, why);
			if (ret)
				return ret;
		}
		dst->vm.vma[dst->vm.nr++] = *v;
	}
	dst->vm.oom_score_adj = vm->oom_score_adj;
	return 0;
}

#define smm_vma_bad(fmt, ...)	(snprintf(why, len, fmt, ##__VA_ARGS__), -EUCLEAN)

/* A file VMA's own rules: an inode, on whose i_mmap it is; an anon VMA has none. */
static int smm_vma_check_kind(const struct smm_space *s, u32 i, char *why, size_t len)
{
	const struct smm_vma *v = &s->vm.vma[i];

	if ((v->kind != SMM_VMA_ANON && v->kind != SMM_VMA_FILE) ||
	    (v->kind == SMM_VMA_FILE) != !!v->inode || (v->shared && !v->inode))
		return smm_vma_bad("space %u: VMA %u has kind %u and %s inode", s->id, i, v->kind,
				   v->inode ? "an" : "no");
	if (v->inode && (v->inode->mm != s->mm || !smm_immap_has(v->inode, s, v->start)))
		return smm_vma_bad("space %u: file VMA %u at %#llx is not on its inode's i_mmap",
				   s->id, i, (unsigned long long)v->start);
	return 0;
}

/*
 * A page-cache page mapped at @w->start: a 4K PTE inside a file VMA
 * whose inode caches exactly this frame at the VMA's index for the
 * address; read-only unless the VMA is shared and writable; writable
 * or dirty only on a dirty page (the write fault dirtied it, and
 * writeback write-protects and cleans every PTE before it cleans the
 * page).
 */
static int smm_vma_check_file_page(const struct smm_space *s, const struct smm_walk *w,
				   u64 frame, char *why, size_t len)
{
	const struct smm_vma *v = smm_vma_find(s, w->start);

	if (w->size != SMM_PAGE_SIZE || !v || !v->inode)
		return smm_vma_bad("space %u: page-cache page at %#llx outside every file VMA",
				   s->id, (unsigned long long)w->start);
	if (smm_filemap_get_folio(v->inode, smm_vma_index_of(v, w->start)) != frame)
		return smm_vma_bad("space %u: PTE at %#llx maps frame %llu, not the cache's page of index %llu",
				   s->id, (unsigned long long)w->start, (unsigned long long)frame,
				   (unsigned long long)smm_vma_index_of(v, w->start));
	if ((w->flags & SHADOWMM_PTF_WRITE) && !(v->shared && (v->prot & SHADOWMM_PROT_WRITE)))
		return smm_vma_bad("space %u: page-cache page at %#llx mapped writable",
				   s->id, (unsigned long long)w->start);
	/* a writable PTE comes with a write fault, which dirtied the page; writeback cleans it */
	if ((w->flags & (SHADOWMM_PTF_WRITE | SHADOWMM_PTF_DIRTY)) &&
	    !smm_filemap_page_dirty(s->mm, frame))
		return smm_vma_bad("space %u: page-cache page at %#llx mapped %s, the page is clean",
				   s->id, (unsigned long long)w->start,
				   (w->flags & SHADOWMM_PTF_DIRTY) ? "dirty" : "writable");
	return 0;
}

/*
 * The space's process invariants, for CHECK and the tests: VMAs sorted,
 * disjoint, whole pages inside the space, of a known protection and
 * kind, no two mergeable ones side by side, each file VMA on its
 * inode's i_mmap; every anonymous page a 4K leaf inside a VMA, every
 * page-cache page a read-only 4K leaf of the cache's frame for its
 * index in a file VMA; rss_anon and rss_file the numbers of them. Walks
 * every mapped page (holes are skipped whole). Returns -EUCLEAN with the
 * first broken rule in @why.
 */
int smm_vma_check(const struct smm_space *s, char *why, size_t len)
{
	const struct smm_vm *vm = &s->vm;
	u64 va = 0, anon = 0, file = 0, n = 0, idx;
	struct smm_walk w;
	struct smm_frame f;
	int ret;
	u32 i;

	if (vm->nr > vm->cap || vm->nr > SMM_VMA_MAX_COUNT)
		return smm_vma_bad("space %u: %u VMAs, room for %u", s->id, vm->nr, vm->cap);
	for (i = 0; i < vm->nr; i++) {
		const struct smm_vma *v = &vm->vma[i];

		if (v->start >= v->end || ((v->start | v->end) & (SMM_PAGE_SIZE - 1)) ||
		    v->end > smm_space_limit(s))
			return smm_vma_bad("space %u: VMA %u [%#llx, %#llx) is not a page range of the space",
					   s->id, i, (unsigned long long)v->start,
					   (unsigned long long)v->end);
		if ((v->prot & ~SMM_VMA_PROT_ALL) ||
		    ((v->prot & SHADOWMM_PROT_NONE) && v->prot != SHADOWMM_PROT_NONE))
			return smm_vma_bad("space %u: VMA %u has kind %u, protection %#x",
					   s->id, i, v->kind, v->prot);
		ret = smm_vma_check_kind(s, i, why, len);
		if (ret)
			return ret;
		if (i && vm->vma[i - 1].end > v->start)
			return smm_vma_bad("space %u: VMAs %u and %u overlap or are out of order",
					   s->id, i - 1, i);
		if (i && smm_vma_mergeable(&vm->vma[i - 1], v))
			return smm_vma_bad("space %u: VMAs %u and %u should have been merged",
					   s->id, i - 1, i);
	}
	while (va < smm_space_limit(s)) {
		if (smm_space_walk(s, va, &w))
			return smm_vma_bad("space %u: tables unreadable at %#llx", s->id,
					   (unsigned long long)va);
		if (w.kind == SHADOWMM_PT_PAGE && smm_space_page_anon(s, w.pfn)) {
			if (w.size != SMM_PAGE_SIZE || !smm_vma_find(s, w.start))
				return smm_vma_bad("space %u: anonymous page at %#llx outside every VMA",
						   s->id, (unsigned long long)w.start);
			anon++;
		} else if (w.kind == SHADOWMM_PT_PAGE &&
			   smm_range_pfn_to_idx(s->mm->range, w.pfn, &idx) &&
			   (f = smm_frame_load(&s->mm->frames[idx]), smm_frame_is_file(&f))) {
			ret = smm_vma_check_file_page(s, &w, idx, why, len);
			if (ret)
				return ret;
			file++;
		}
		if (!w.size || w.start + w.size <= va)
			break;
		va = w.start + w.size;
		if (!(++n % 64))
			smm_cond_resched();
	}
	if (anon != vm->rss_anon)
		return smm_vma_bad("space %u: %llu anonymous pages mapped, RSS says %llu", s->id,
				   (unsigned long long)anon, (unsigned long long)vm->rss_anon);
	if (file != vm->rss_file)
		return smm_vma_bad("space %u: %llu page-cache pages mapped, RssFile says %llu", s->id,
				   (unsigned long long)file, (unsigned long long)vm->rss_file);
	/* the anon rmap against the family's PTEs (fork.c): lookups only, nothing written */
	return smm_anon_check((struct smm_space *)s, why, len);
}
