/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one environment header of the shadowmm core.
 *
 * Everything under module/core/ includes this file and nothing else from
 * outside the core, so the same sources compile into shadowmm.ko and into
 * the user-space tests under tools/testing/core/ (the way the kernel's
 * tools/testing/memblock builds mm/memblock.c). Each side provides the
 * same small vocabulary: fixed-width types, errno values, WARN_ON_ONCE,
 * zeroed array allocation and a spinlock.
 */
#ifndef _SMM_CORE_ENV_H
#define _SMM_CORE_ENV_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/minmax.h>
#include <linux/spinlock.h>
#include <linux/seqlock.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/sched/clock.h>
#include <linux/ratelimit.h>
#include <linux/printk.h>
#include <linux/jump_label.h>
#include <linux/atomic.h>

/* A counter many CPUs move (highmem.c's kmap counts). */
typedef atomic64_t smm_atomic64_t;
#define smm_atomic64_inc(a)	atomic64_inc(a)
#define smm_atomic64_dec(a)	atomic64_dec(a)
#define smm_atomic64_read(a)	((s64)atomic64_read(a))
#define smm_atomic64_set(a, v)	atomic64_set(a, v)

typedef spinlock_t smm_lock_t;
#define smm_lock_init(l)	spin_lock_init(l)
#define smm_lock(l)		spin_lock(l)
#define smm_unlock(l)		spin_unlock(l)

/*
 * Write sections readers can see: a seqcount tied to the spinlock its
 * writers hold (lockdep checks it is held; on PREEMPT_RT a reader that
 * finds a write in progress waits on the lock instead of spinning).
 * smm_seq_read() never waits: it returns the count, odd while a write
 * is in progress, and orders the loads after it.
 */
typedef seqcount_spinlock_t smm_seq_t;
#define smm_seq_init(s, l)		seqcount_spinlock_init(s, l)
#define smm_seq_write_begin(s)		write_seqcount_begin(s)
#define smm_seq_write_end(s)		write_seqcount_end(s)
#define smm_seq_read(s)			raw_read_seqcount(s)
#define smm_rmb()			smp_rmb()
#define smm_wmb()			smp_wmb()

/*
 * Taking every lock of a class at once (smm_mm_lock_all()) is legal only
 * under one outer mutex; lockdep is told so, as mm_take_all_locks() does.
 */
typedef struct mutex smm_mutex_t;
#define smm_mutex_init(m)	mutex_init(m)
#define smm_mutex_lock(m)	mutex_lock(m)
#define smm_mutex_unlock(m)	mutex_unlock(m)

/*
 * sparse cannot follow locks taken in a loop; these two keep their
 * context balance to themselves, and lockdep still sees every lock.
 */
static inline void smm_lock_nest(spinlock_t *l, struct mutex *m)
{
	spin_lock_nest_lock(l, m);
	__release(l);
}

static inline void smm_unlock_nested(spinlock_t *l)
{
	__acquire(l);
	spin_unlock(l);
}

/*
 * The core's fast path runs on one CPU's lists: stay on that CPU. On
 * PREEMPT_RT spinlocks sleep, so pin with migrate_disable() there, as
 * the kernel's pcp_spin_lock() does; elsewhere preempt_disable() is
 * cheaper.
 *
 * Every allocation and free enters here, and only from task context:
 * the core's locks are plain spin_lock()s (no _irqsave), so a call from
 * an interrupt or softirq that interrupted a holder of the same lock
 * would deadlock. Nothing in the module calls it from there (netlink
 * handlers, the stress and bench kthreads); the warning keeps it so.
 */
static inline unsigned int smm_cpu_get(void)
{
	WARN_ON_ONCE(in_interrupt());
#ifdef CONFIG_PREEMPT_RT
	migrate_disable();
	return smp_processor_id();
#else
	return get_cpu();
#endif
}

static inline void smm_cpu_put(void)
{
#ifdef CONFIG_PREEMPT_RT
	migrate_enable();
#else
	put_cpu();
#endif
}

#define smm_cond_resched()	cond_resched()

/* A word in the byte order of the uapi's __le64 (FRAME_GET's packed records) */
#define smm_cpu_to_le64(x)	cpu_to_le64(x)

/*
 * The slab's lockless fast path (slab.c): a word only its CPU swaps
 * without a lock, and other CPUs take from it under that CPU's lock
 * (smm_cc_freeze()), so both sides need the atomic (LOCK-prefixed)
 * instructions: cmpxchg64() and xchg(), full barriers. The fast path
 * runs with preemption off, so no other task of its CPU interleaves.
 */
static inline bool smm_cmpxchg64(u64 *p, u64 *old, u64 new)
{
	u64 prev = cmpxchg64(p, *old, new);

	if (likely(prev == *old))
		return true;
	*old = prev;
	return false;
}

#define smm_xchg64(p, v)	xchg(p, v)

/*
 * A per-CPU event count, by its own CPU with preemption off, read by
 * others without a lock: this_cpu_inc()'s instruction (one increment of
 * memory, no lock prefix), which no interrupt on the CPU can split.
 */
#ifdef CONFIG_X86_64
#define smm_count_inc_cpu(var)	asm volatile("incq %0" : "+m"(var))
#else
#define smm_count_inc_cpu(var)	WRITE_ONCE(var, (var) + 1)
#endif
#define smm_store_release(p, v)	smp_store_release(p, v)
#define smm_preempt_disable()	preempt_disable()
#define smm_preempt_enable()	preempt_enable()

/*
 * On PREEMPT_RT the CPU's lock does not turn preemption off: a task
 * preempted in the slow path, holding the lock while it changes the
 * word with plain stores, would race a lockless fast path of another
 * task on that CPU. There the fast paths take the lock, as SLUB's
 * USE_LOCKLESS_FAST_PATH() is false on PREEMPT_RT.
 */
#ifdef CONFIG_PREEMPT_RT
#define SMM_LOCKLESS_FAST_PATH	0
#else
#define SMM_LOCKLESS_FAST_PATH	1
#endif

/* Nanoseconds for measuring lock holds: the scheduler's clock, this CPU. */
#define smm_clock_ns()		local_clock()

/* Large arrays (frame descriptors) may exceed what kmalloc can give. */
static inline void *smm_zalloc_array(size_t n, size_t size)
{
	return kvcalloc(n, size, GFP_KERNEL);
}

/* Small arrays under a spinlock (the slab descriptor pool's chunks): no sleeping. */
static inline void *smm_zalloc_atomic(size_t n, size_t size)
{
	return kcalloc(n, size, GFP_NOWAIT | __GFP_NOWARN);
}

static inline void smm_free_array(void *p)
{
	kvfree(p);
}

/* Problems the core finds in what it manages (slab corruption) go to the log. */
#define smm_report(fmt, ...)	pr_err("shadowmm: " fmt "\n", ##__VA_ARGS__)

/*
 * fail_dump() of lib/fault-inject.c: a failure injected says so in the
 * log (verbose 1) and shows the stack (verbose 2), ratelimited.
 */
typedef struct ratelimit_state smm_ratelimit_t;
#define smm_ratelimit_init(r)	ratelimit_state_init(r, DEFAULT_RATELIMIT_INTERVAL, \
						     DEFAULT_RATELIMIT_BURST)
#define smm_ratelimit(r)	__ratelimit(r)
#define smm_notice(fmt, ...)	pr_notice("shadowmm: " fmt "\n", ##__VA_ARGS__)
#define smm_dump_stack()	dump_stack()

#else /* user space */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <pthread.h>
#include <time.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef int32_t s32;
typedef int16_t s16;
typedef int8_t s8;

#define U32_MAX		UINT32_MAX
#define S32_MAX		INT32_MAX
#define S64_MIN		INT64_MIN
#define S64_MAX		INT64_MAX

#ifndef __always_inline		/* glibc's sys/cdefs.h has one */
#define __always_inline	inline __attribute__((__always_inline__))
#endif
#ifndef noinline
#define noinline	__attribute__((__noinline__))
#endif
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
/*
 * Marked accesses are relaxed atomics here, not volatile ones: the code is
 * the same on x86-64, and ThreadSanitizer (tools/testing/core's tsan_test)
 * then knows a READ_ONCE() racing a WRITE_ONCE() is intended, as KCSAN
 * does in the kernel, while still reporting any plain access in a race.
 */
#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* A counter many threads move (highmem.c's kmap counts). */
typedef struct { s64 counter; } smm_atomic64_t;
#define smm_atomic64_inc(a)	((void)__atomic_fetch_add(&(a)->counter, 1, __ATOMIC_RELAXED))
#define smm_atomic64_dec(a)	((void)__atomic_fetch_sub(&(a)->counter, 1, __ATOMIC_RELAXED))
#define smm_atomic64_read(a)	__atomic_load_n(&(a)->counter, __ATOMIC_RELAXED)
#define smm_atomic64_set(a, v)	__atomic_store_n(&(a)->counter, (v), __ATOMIC_RELAXED)

/*
 * data_race(): a read whose race with plain writes is intended and
 * harmless (the kernel's, for KCSAN); TSan is told to ignore it.
 */
#ifdef __SANITIZE_THREAD__
void AnnotateIgnoreReadsBegin(const char *file, int line);
void AnnotateIgnoreReadsEnd(const char *file, int line);
#define data_race(expr) ({						\
	__auto_type __v = ({						\
		AnnotateIgnoreReadsBegin(__FILE__, __LINE__);		\
		(expr);							\
	});								\
	AnnotateIgnoreReadsEnd(__FILE__, __LINE__);			\
	__v;								\
})
#else
#define data_race(expr)	(expr)
#endif
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define ALIGN(x, a)	(((x) + ((typeof(x))(a) - 1)) & ~((typeof(x))(a) - 1))

/*
 * Tests count warnings and fail on any they did not expect, so a broken
 * invariant in the core fails a user-space test just as it would show a
 * WARNING in the VM's kernel log.
 */
extern unsigned long smm_user_warnings;
#define WARN_ON_ONCE(cond) ({						\
	bool __c = !!(cond);						\
	if (unlikely(__c)) {						\
		__atomic_fetch_add(&smm_user_warnings, 1, __ATOMIC_RELAXED); \
		fprintf(stderr, "WARNING: %s:%d: %s\n",			\
			__FILE__, __LINE__, #cond);			\
	}								\
	__c;								\
})

typedef pthread_spinlock_t smm_lock_t;
#define smm_lock_init(l)	pthread_spin_init(l, PTHREAD_PROCESS_PRIVATE)
#define smm_lock(l)		pthread_spin_lock(l)
#define smm_unlock(l)		pthread_spin_unlock(l)

/* The kernel's seqcount_spinlock_t, without lockdep (see the kernel half). */
typedef struct {
	unsigned int sequence;
} smm_seq_t;
#define smm_seq_init(s, l)	((s)->sequence = 0)
#ifndef __SANITIZE_THREAD__
#define smm_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define smm_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#else
/*
 * ThreadSanitizer does not model fences (gcc refuses them under
 * -fsanitize=thread); there, a compiler barrier, and the sequence and
 * descriptor words are atomics it follows anyway (READ_ONCE/WRITE_ONCE
 * above). Ordering on x86-64 is the same: stores are not reordered with
 * stores, nor loads with loads.
 */
#define smm_wmb()		__asm__ __volatile__("" ::: "memory")
#define smm_rmb()		__asm__ __volatile__("" ::: "memory")
#endif

/*
 * The writer's bump, under the lock the count is tied to: a plain
 * increment, as write_seqcount_begin() makes it (one add to memory on
 * x86-64; the lock orders writers, the fences order readers). Under
 * ThreadSanitizer an atomic store, so that it sees the readers' loads
 * paired with it.
 */
#ifndef __SANITIZE_THREAD__
#define smm_seq_bump(s)		((s)->sequence++)
#else
#define smm_seq_bump(s)		WRITE_ONCE((s)->sequence, (s)->sequence + 1)
#endif

static inline void smm_seq_write_begin(smm_seq_t *s)
{
	smm_seq_bump(s);
	smm_wmb();
}

static inline void smm_seq_write_end(smm_seq_t *s)
{
	smm_wmb();
	smm_seq_bump(s);
}

static inline unsigned int smm_seq_read(const smm_seq_t *s)
{
	unsigned int v = READ_ONCE(s->sequence);

	smm_rmb();
	return v;
}

/*
 * Tests simulate CPUs by passing them explicitly. Code that asks which
 * CPU it runs on (walks, spaces, handles) gets the calling thread's
 * smm_user_cpu: 0 unless a multithreaded test gives each thread its own,
 * as each kthread runs on its own CPU in the kernel.
 */
extern __thread unsigned int smm_user_cpu;

static inline unsigned int smm_cpu_get(void)
{
	return smm_user_cpu;
}

static inline void smm_cpu_put(void)
{
}

/*
 * The kernel half's lockless word: the same LOCK cmpxchg and xchg
 * instructions (sequentially consistent atomics compile to them on
 * x86-64), so the fast path pays here what it pays in the module.
 * Preemption is a thread's count, as the kernel's is a CPU's, addressed
 * as the kernel's (local-exec TLS: %fs and an offset, as %gs and
 * __preempt_count): one increment, and a decrement and test, where the
 * kernel's test is for a pending reschedule and ours for an enable
 * without its disable (a bug either way).
 */
static inline bool smm_cmpxchg64(u64 *p, u64 *old, u64 new)
{
	return __atomic_compare_exchange_n(p, old, new, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

#define smm_xchg64(p, v)	__atomic_exchange_n(p, v, __ATOMIC_SEQ_CST)
/* The kernel half's one increment of memory; TSan sees a plain store instead. */
#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
#define smm_count_inc_cpu(var)	__asm__ __volatile__("incq %0" : "+m"(var))
#else
#define smm_count_inc_cpu(var)	WRITE_ONCE(var, (var) + 1)
#endif
#define smm_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define SMM_LOCKLESS_FAST_PATH	1	/* threads are CPUs: nothing preempts a fast path */

extern __thread int smm_user_preempt __attribute__((tls_model("local-exec")));
#define smm_preempt_disable()	do {					\
	smm_user_preempt++;						\
	__asm__ __volatile__("" ::: "memory");				\
} while (0)
#define smm_preempt_enable()	do {					\
	__asm__ __volatile__("" ::: "memory");				\
	if (unlikely(--smm_user_preempt < 0))				\
		__builtin_trap();	/* an enable without its disable */	\
} while (0)

/*
 * Where the kernel would cond_resched(), between the chunks of a sweep
 * among others, a test may run work of its own (sweep_test.c).
 */
extern void (*smm_user_resched)(void);
#define smm_cond_resched()	do {					\
	if (smm_user_resched)						\
		smm_user_resched();					\
} while (0)

#define smm_cpu_to_le64(x)	htole64(x)

static inline u64 smm_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

typedef pthread_mutex_t smm_mutex_t;
#define smm_mutex_init(m)	pthread_mutex_init(m, NULL)
#define smm_mutex_lock(m)	pthread_mutex_lock(m)
#define smm_mutex_unlock(m)	pthread_mutex_unlock(m)
#define smm_lock_nest(l, m)	pthread_spin_lock(l)
#define smm_unlock_nested(l)	pthread_spin_unlock(l)

/*
 * Fault injection for tests: while smm_user_fail_alloc is non-zero, each
 * allocation of the calling thread counts it down, and the one that
 * brings it to zero fails (1: the next allocation fails).
 */
extern __thread unsigned int smm_user_fail_alloc;

/* Cache-line aligned, as kmalloc is for the sizes the core asks for. */
static inline void *smm_zalloc_array(size_t n, size_t size)
{
	size_t bytes;
	void *p;

	if (smm_user_fail_alloc && !--smm_user_fail_alloc)
		return NULL;
	if (__builtin_mul_overflow(n, size, &bytes) || bytes > SIZE_MAX - 64)
		return NULL;
	bytes = (bytes + 63) & ~(size_t)63;
	p = aligned_alloc(64, bytes ? bytes : 64);
	if (p)
		memset(p, 0, bytes);
	return p;
}

/* The kernel's takes no sleeping allocation; here the same as the above. */
static inline void *smm_zalloc_atomic(size_t n, size_t size)
{
	return smm_zalloc_array(n, size);
}

static inline void smm_free_array(void *p)
{
	free(p);
}

/*
 * Reports are counted, so tests can say how many problems they expected
 * the core to find; SMM_REPORTS=1 in the environment prints them.
 */
extern unsigned long smm_user_reports;
#define smm_report(fmt, ...) do {					\
	__atomic_fetch_add(&smm_user_reports, 1, __ATOMIC_RELAXED);	\
	if (getenv("SMM_REPORTS"))					\
		fprintf(stderr, "shadowmm: " fmt "\n", ##__VA_ARGS__);	\
} while (0)

/* fail_dump()'s log: not a report (nothing is wrong), printed with SMM_REPORTS=1. */
typedef struct { int unused; } smm_ratelimit_t;
#define smm_ratelimit_init(r)	((void)(r))
#define smm_ratelimit(r)	((void)(r), true)
#define smm_notice(fmt, ...) do {					\
	if (getenv("SMM_REPORTS"))					\
		fprintf(stderr, "shadowmm: " fmt "\n", ##__VA_ARGS__);	\
} while (0)
#define smm_dump_stack()	do { } while (0)

#endif /* __KERNEL__ */

/* Constants users see (zones, migratetypes, flags) are the core's too. */
#include "../../include/uapi/linux/shadowmm.h"

#define SMM_PAGE_SHIFT		12
#define SMM_PAGE_SIZE		(1UL << SMM_PAGE_SHIFT)

/*
 * A function out of line that also keeps its signature (GCC's noclone:
 * no copy specialised for constant arguments), so that a tail call to it
 * passes the caller's arguments where they already are. Nothing where
 * the compiler does not know it.
 */
#if defined(__has_attribute)
#if __has_attribute(__noclone__)
#define smm_noclone	__attribute__((__noclone__))
#endif
#endif
#ifndef smm_noclone
#define smm_noclone
#endif

/*
 * The compiler forgets what it knows of @var here (the kernel's
 * OPTIMIZER_HIDE_VAR()), so a value computed from it after this point
 * is computed here, not earlier: a fast path uses it to keep a value
 * derived after a lock call instead of holding both across the call.
 */
#define smm_hide_var(var)	__asm__ ("" : "+r" (var))

#endif /* _SMM_CORE_ENV_H */
