// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl space mmap ID addr ADDR len LEN [ prot PROT ]
 * smmctl space munmap ID addr ADDR len LEN
 * smmctl space access ID addr ADDR [ len LEN ] [ write [ value V ] ]
 * smmctl space show ID
 *
 * Shadow processes: anonymous VMAs, memory accesses through the shadow
 * MMU that fault pages in, and a space shown as /proc/PID/maps and
 * /proc/PID/status show a process.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

/* What the words after ID may say; each command allows some of them. */
struct vma_args {
	uint32_t id, prot;
	uint64_t addr, len, value;
	bool has_addr, has_len, has_prot, write, has_value;
};

enum { VMA_ARG_PROT = 1, VMA_ARG_WRITE = 2 };

static int vma_parse(int argc, char **argv, unsigned int allow, struct vma_args *a)
{
	memset(a, 0, sizeof(*a));
	if (argc < 1 || smmctl_space_id(argv[0], &a->id))
		return -1;
	for (argc--, argv++; argc > 0; argc--, argv++) {
		bool more = argc > 1;

		if (more && !strcmp(argv[0], "addr")) {
			if (smmctl_parse_u64(argv[1], "address", &a->addr))
				return -1;
			a->has_addr = true;
		} else if (more && !strcmp(argv[0], "len")) {
			if (smmctl_parse_u64(argv[1], "length", &a->len))
				return -1;
			a->has_len = true;
		} else if (more && (allow & VMA_ARG_PROT) && !strcmp(argv[0], "prot")) {
			if (smmc_vma_prot_parse(argv[1], &a->prot)) {
				fprintf(stderr, "Error: protection \"%s\" is not one of rw-, r--, r-x, rwx, ---\n",
					argv[1]);
				return -1;
			}
			a->has_prot = true;
		} else if ((allow & VMA_ARG_WRITE) && !strcmp(argv[0], "write")) {
			a->write = true;
			continue;
		} else if (more && a->write && !strcmp(argv[0], "value")) {
			if (smmctl_parse_u64(argv[1], "value", &a->value))
				return -1;
			a->has_value = true;
		} else {
			smmctl_bad_arg(argv[0]);
			return -1;
		}
		argc--;
		argv++;
	}
	return 0;
}

int smmctl_space_mmap(int argc, char **argv)
{
	struct vma_args a;

	if (vma_parse(argc, argv, VMA_ARG_PROT, &a))
		return 1;
	if (!a.has_addr || !a.has_len) {
		fprintf(stderr, "Error: usage: smmctl space mmap ID addr ADDR len LEN [ prot PROT ]\n");
		return 1;
	}
	if (!a.has_prot)
		a.prot = SHADOWMM_PROT_WRITE;	/* rw-, as an anonymous heap */
	if (smmctl_connect())
		return 1;
	if (smmc_space_mmap(&smmctl_nl, a.id, a.addr, a.len, a.prot))
		return smmctl_error();
	return 0;
}

int smmctl_space_munmap(int argc, char **argv)
{
	struct vma_args a;

	if (vma_parse(argc, argv, 0, &a))
		return 1;
	if (!a.has_addr || !a.has_len) {
		fprintf(stderr, "Error: usage: smmctl space munmap ID addr ADDR len LEN\n");
		return 1;
	}
	if (smmctl_connect())
		return 1;
	if (smmc_space_munmap(&smmctl_nl, a.id, a.addr, a.len))
		return smmctl_error();
	return 0;
}

/* Touched pages, faults, the checksum of a read; a SIGSEGV is reported and exits 1. */
int smmctl_space_access(int argc, char **argv)
{
	struct smmc_access_req req;
	struct smmc_access_res res;
	struct vma_args a;

	if (vma_parse(argc, argv, VMA_ARG_WRITE, &a))
		return 1;
	if (!a.has_addr) {
		fprintf(stderr, "Error: usage: smmctl space access ID addr ADDR [ len LEN ] [ write [ value V ] ]\n");
		return 1;
	}
	req = (struct smmc_access_req){
		.id = a.id, .addr = a.addr, .len = a.has_len ? a.len : 8, .write = a.write,
		.has_value = a.has_value, .value = a.value,
	};
	if (smmctl_connect())
		return 1;
	if (smmc_space_access(&smmctl_nl, &req, &res))
		return smmctl_error();
	smmc_print_u64(SMMC_PRINT_ANY, "pages", "pages %" PRIu64, res.touched);
	smmc_print_u64(SMMC_PRINT_ANY, "faults", " faults %" PRIu64, res.faults);
	if (!a.write)
		smmc_print_u64(SMMC_PRINT_ANY, "csum", " csum %#018" PRIx64, res.csum);
	smmc_print_text("\n");
	if (res.signal) {
		smmc_print_string(SMMC_PRINT_ANY, "error", "%s",
				  res.signal == ENOMEM ? "ENOMEM" :
				  res.signal == ESRCH ? "ESRCH" :
				  res.signal == EACCES ? "EACCES" : "EFAULT");
		smmc_print_u64(SMMC_PRINT_ANY, "fault_addr", " at %#" PRIx64, res.fault_addr);
		smmc_print_string(SMMC_PRINT_ANY, "reason", ": %s\n", res.reason);
	}
	return res.signal ? 1 : 0;
}

/*
 * One space as /proc/PID/maps (start-end perms offset dev inode) and
 * the memory lines of /proc/PID/status, in kB.
 */
int smmctl_space_show_one(const char *word)
{
	struct smmc_space_vm vm;
	struct smmc_vma *v;
	size_t n, i;
	uint32_t id;
	char perms[4];
	int ret;

	if (smmctl_space_id(word, &id) || smmctl_connect())
		return 1;
	if (smmc_space_vm_get(&smmctl_nl, id, &vm))
		return smmctl_error();
	ret = smmc_space_vmas(&smmctl_nl, id, &v, &n);
	if (ret && ret != SMMC_NL_DUMP_INTR) {
		free(v);
		return smmctl_error();
	}
	smmc_print_uint(SMMC_PRINT_ANY, "id", "space %u\n", id);
	smmc_open_json_array(SMMC_PRINT_JSON, "maps");
	for (i = 0; i < n; i++) {
		smmc_open_json_object(NULL);
		smmc_print_u64(SMMC_PRINT_ANY, "start", "%08" PRIx64, v[i].start);
		smmc_print_u64(SMMC_PRINT_ANY, "end", "-%08" PRIx64, v[i].end);
		smmc_print_string(SMMC_PRINT_ANY, "perms", " %sp 00000000 00:00 0\n",
				  smmc_vma_prot_str(v[i].prot, perms));
		smmc_close_json_object();
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	smmc_print_u64(SMMC_PRINT_ANY, "VmRSS", "VmRSS:\t%8" PRIu64 " kB\n", vm.rss_anon * 4);
	smmc_print_u64(SMMC_PRINT_ANY, "RssAnon", "RssAnon:\t%8" PRIu64 " kB\n", vm.rss_anon * 4);
	smmc_print_u64(SMMC_PRINT_ANY, "VmSwap", "VmSwap:\t%8" PRIu64 " kB\n", vm.swap * 4);
	smmc_print_u64(SMMC_PRINT_ANY, "VmPTE", "VmPTE:\t%8" PRIu64 " kB\n",
		       (vm.frames - vm.rss_anon) * 4);
	smmc_print_uint(SMMC_PRINT_ANY, "map_count", "map_count:\t%u\n", vm.nr_vmas);
	smmc_print_u64(SMMC_PRINT_ANY, "min_flt", "min_flt:\t%" PRIu64 "\n", vm.min_flt);
	smmc_print_u64(SMMC_PRINT_ANY, "maj_flt", "maj_flt:\t%" PRIu64 "\n", vm.maj_flt);
	smmc_print_u64(SMMC_PRINT_ANY, "pgfault", "pgfault:\t%" PRIu64 " (all spaces)\n",
		       vm.pgfault);
	smmc_print_int(SMMC_PRINT_ANY, "oom_score_adj", "oom_score_adj:\t%d\n", vm.oom_score_adj);
	smmc_print_bool(SMMC_PRINT_ANY, "oom_killed", "oom_killed:\t%s\n", vm.oom_killed);
	free(v);
	return 0;
}
