// SPDX-License-Identifier: GPL-2.0
/*
 * What frame show svg and zone history svg share: the output FILE,
 * written as FILE.tmp.PID and renamed over FILE once whole (a reader
 * never sees half a picture, a failed run leaves FILE as it was), and
 * the title's time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smmctl.h"

/* FILE.tmp.PID opened for writing, its name in @tmp; NULL after saying why. */
FILE *smmctl_svg_create(const char *path, char *tmp, size_t len)
{
	FILE *f;

	if (snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid()) >= (int)len) {
		fprintf(stderr, "Error: %s: name too long\n", path);
		return NULL;
	}
	f = fopen(tmp, "w");
	if (!f)
		fprintf(stderr, "Error: %s: %s\n", tmp, strerror(errno));
	return f;
}

/*
 * Close @f and rename @tmp over @path when @ret (the drawing's) is 0 and
 * everything was written; else remove @tmp. 0, or 1 after saying why.
 */
int smmctl_svg_commit(FILE *f, const char *tmp, const char *path, int ret)
{
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (!ret)
		return 0;
	unlink(tmp);
	fprintf(stderr, "Error: %s: %s\n", path,
		ret == -EINVAL ? "nothing to draw, or a map too large for frame scale (try scale pageblock)" :
		strerror(-ret));
	return 1;
}

/*
 * The title's time: "from a capture" when replaying (the capture has
 * none, and the same capture must give the same bytes), else now, or
 * SOURCE_DATE_EPOCH when set (reproducible documents), in UTC.
 */
void smmctl_svg_when(char *buf, size_t len)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	time_t t = epoch && *epoch ? (time_t)strtoll(epoch, NULL, 10) : time(NULL);
	struct tm tm;

	if (smmctl_nl.replay) {
		snprintf(buf, len, "replayed from a capture");
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, len, "read %Y-%m-%d %H:%M:%S UTC", &tm);
}
