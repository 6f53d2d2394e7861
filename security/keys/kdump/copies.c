// SPDX-License-Identifier: GPL-2.0
/*
 * First kernel: the copies of CRASH_DM_CRYPT's configfs keys.
 *
 * A configfs entry names a logon key.  Each crash load copies the named
 * keys once, as CRASH_DM_CRYPT always has; the copies go into the loaded
 * image's key segment next to the kdump keys, in the same format, and the
 * capture kernel restores them when user space writes "restore".  A load
 * with "reuse" set keeps the copies of the load before.
 */

#include <linux/err.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <keys/kdump-type.h>
#include "internal.h"

static void kdump_keys_copy_free(struct kdump_key_copy *copy)
{
	kfree_sensitive(copy->payload);
	kfree(copy->desc);
	kfree(copy);
}

/**
 * kdump_keys_copy_add - copy a logon key onto a list of copies
 * @copies: the list, built by the caller
 * @desc: description of the logon key
 *
 * Return: 0, or the error of the lookup, the permission check or the copy.
 */
int kdump_keys_copy_add(struct list_head *copies, const char *desc)
{
	struct kdump_key_copy *copy;

	copy = kzalloc(sizeof(*copy), GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	copy->desc = kstrdup(desc, GFP_KERNEL);
	copy->payload = copy->desc ? kdump_key_copy_logon(desc) :
				     ERR_PTR(-ENOMEM);
	if (IS_ERR(copy->payload)) {
		int ret = PTR_ERR(copy->payload);

		copy->payload = NULL;
		kdump_keys_copy_free(copy);
		return ret;
	}
	list_add_tail(&copy->node, copies);
	return 0;
}

/**
 * kdump_keys_copies_free - wipe and free a list of copies
 * @copies: the list, emptied
 */
void kdump_keys_copies_free(struct list_head *copies)
{
	struct kdump_key_copy *copy, *next;

	list_for_each_entry_safe(copy, next, copies, node) {
		list_del(&copy->node);
		kdump_keys_copy_free(copy);
	}
}

/**
 * kdump_keys_copies_set - make a list of copies the one handed over
 * @copies: the new copies, taken over; the list is left empty
 *
 * Called while a crash image is loaded, before its key segment is written:
 * the image loaded before was freed, so no segment holds the old copies.
 */
void kdump_keys_copies_set(struct list_head *copies)
{
	LIST_HEAD(old);

	mutex_lock(&kdump_keys_lock);
	list_splice_init(&kdump_keys_copies, &old);
	list_splice_init(copies, &kdump_keys_copies);
	mutex_unlock(&kdump_keys_lock);
	kdump_keys_copies_free(&old);
}

/**
 * kdump_keys_copies_exist - are there copies a reload could reuse?
 *
 * Return: true if the last load copied at least one key.
 */
bool kdump_keys_copies_exist(void)
{
	bool exist;

	mutex_lock(&kdump_keys_lock);
	exist = !list_empty(&kdump_keys_copies);
	mutex_unlock(&kdump_keys_lock);
	return exist;
}
