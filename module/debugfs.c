// SPDX-License-Identifier: GPL-2.0
/* Placeholder until the /proc-format views land. */
#include "smm.h"

int smm_debugfs_init(struct smm_dev *d)
{
	d->debugfs = NULL;
	return 0;
}

void smm_debugfs_exit(struct smm_dev *d)
{
}
