// SPDX-License-Identifier: GPL-2.0
/* Sizes for people: 67108864 reads "64 MiB". */
#include <inttypes.h>
#include <stdio.h>

#include "libsmm.h"

/*
 * @bytes in the largest binary unit it reaches, exact when it divides
 * (64 MiB), else with one decimal (1.5 GiB); below 1 KiB in bytes.
 */
char *smmc_fmt_bytes(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned int u = 0;
	uint64_t scale = 1024;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return buf;
	}
	while (u + 1 < ARRAY_SIZE(units) && bytes / scale >= 1024) {
		scale *= 1024;
		u++;
	}
	if (bytes % scale == 0)
		snprintf(buf, len, "%" PRIu64 " %s", bytes / scale, units[u]);
	else
		snprintf(buf, len, "%.1f %s", (double)bytes / scale, units[u]);
	return buf;
}
