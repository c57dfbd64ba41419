// SPDX-License-Identifier: GPL-2.0
/* Growable arrays for what dumps return (sections, runs). */
#include <errno.h>
#include <stdlib.h>

#include "libsmm.h"

/*
 * Make room for element @n of *@v (elements of @size bytes, *@cap of
 * them allocated), doubling from @first. 0, or -ENOMEM with *@v intact.
 */
int smmc_array_reserve(void **v, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t want;
	void *p;

	if (n < *cap)
		return 0;
	want = *cap ? 2 * *cap : first;
	p = realloc(*v, want * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = want;
	return 0;
}
