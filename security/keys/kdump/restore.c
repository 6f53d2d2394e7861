// SPDX-License-Identifier: GPL-2.0
/*
 * Capture kernel: recreate the keys the crashed kernel preserved, before
 * init runs, in root's user keyring: a key of the type chosen with
 * "restore=" holding the volume key, so that dm-crypt and cryptsetup find
 * it unmodified, and a kdump key of the same description that /proc/keys
 * shows as "restored".  Records of CRASH_DM_CRYPT's configfs keys wait
 * for user space to ask (kdump_keys_restore_requested()), as they always
 * have.
 *
 * As early as possible the keys are copied out of crash memory into one
 * private buffer, and wiped there, and the architecture forgets where they
 * were, whatever happens next: no key byte stays where user space could
 * read it.  Only the private copy is checked and read, so nothing can
 * change between the checks and the use.
 */

#define pr_fmt(fmt) "kdump_keys: " fmt

#include <linux/crash_dump.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/key.h>
#include <linux/keyctl.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <keys/kdump-type.h>
#include "internal.h"

static void *kdump_keys_copy __initdata;
static size_t kdump_keys_copy_size __initdata;

/* Copy the keys out of crash memory and wipe them there */
static void __init kdump_keys_copy_out(phys_addr_t addr, size_t size)
{
	void *segment = memremap(addr, size, MEMREMAP_WB);

	if (!segment) {
		pr_err("cannot map the preserved keys\n");
		return;
	}
	kdump_keys_copy = kvmalloc(size, GFP_KERNEL);
	if (kdump_keys_copy) {
		memcpy(kdump_keys_copy, segment, size);
		kdump_keys_copy_size = size;
	}
	memzero_explicit(segment, size);
	memunmap(segment);
}

/*
 * Before any other initcall can expose crash memory to user space.  Only
 * a capture kernel takes keys, and only from a segment of a size the first
 * kernel can have written: anything else is not touched, only forgotten.
 * The wiped range, reserved at boot for the setup_data entry, goes back to
 * the page allocator.
 */
static int __init kdump_keys_take(void)
{
	phys_addr_t addr;
	size_t size;

	if (!arch_kdump_keys_locate(&addr, &size))
		return 0;

	if (!is_kdump_kernel()) {
		pr_err("ignored preserved keys: not a kdump kernel\n");
	} else if (!size || !PAGE_ALIGNED(addr) || !PAGE_ALIGNED(size) ||
		   size > KDUMP_BLOB_NR_SLOTS * KDUMP_BLOB_MAX_SLOT) {
		pr_err("rejected the preserved keys: bad segment of %zu bytes\n",
		       size);
	} else {
		kdump_keys_copy_out(addr, size);
		free_reserved_area(__va(addr), __va(addr + size), -1, NULL);
	}
	arch_kdump_keys_forget();
	return 0;
}
early_initcall(kdump_keys_take);

static void kdump_keys_mark_restored(key_ref_t key_ref)
{
	struct key *key = key_ref_to_ptr(key_ref);
	struct kdump_key_payload *payload;

	down_write(&key->sem);
	payload = dereference_key_locked(key);
	if (payload)
		WRITE_ONCE(payload->state, KDUMP_KEY_RESTORED);
	up_write(&key->sem);
}

/* The kdump key converts the key just made, as user space would */
static int kdump_keys_add_kdump(key_ref_t keyring, const char *desc,
				const char *type)
{
	char options[32];
	key_ref_t key_ref;

	snprintf(options, sizeof(options), "source_type=%s restore=%s",
		 type, type);
	key_ref = key_create_or_update(keyring, "kdump", desc, options,
				       strlen(options), KEY_PERM_UNDEF,
				       KEY_ALLOC_NOT_IN_QUOTA);
	if (IS_ERR(key_ref))
		return PTR_ERR(key_ref);
	kdump_keys_mark_restored(key_ref);
	key_ref_put(key_ref);
	return 0;
}

/* Both keys of a record, or neither */
static int kdump_keys_restore_one(key_ref_t keyring,
				  const struct kdump_blob_key *bkey)
{
	const char *type = kdump_key_restore_name(bkey->restore);
	key_ref_t key_ref;
	char *desc;
	int ret;

	desc = kmemdup_nul(bkey->desc, bkey->desc_len, GFP_KERNEL);
	if (!desc)
		return -ENOMEM;

	/*
	 * key_create(), not key_create_or_update(): a second record with the
	 * same description fails with -EEXIST instead of taking over, and
	 * possibly revoking below, the key an earlier record restored.
	 */
	key_ref = key_create(keyring, type, desc, bkey->key, bkey->key_len,
			     KEY_PERM_UNDEF, KEY_ALLOC_NOT_IN_QUOTA);
	if (IS_ERR(key_ref)) {
		ret = PTR_ERR(key_ref);
		goto out;
	}
	ret = kdump_keys_add_kdump(keyring, desc, type);
	if (ret) {
		key_revoke(key_ref_to_ptr(key_ref));
		key_unlink(key_ref_to_ptr(keyring), key_ref_to_ptr(key_ref));
	}
	key_ref_put(key_ref);
out:
	kfree(desc);
	return ret;
}

/**
 * kdump_keys_restore_slot - recreate the keys of a slot
 * @keyring: the keyring that receives them
 * @slot: a slot that kdump_blob_pick_slot() chose
 * @total: set to the number of records in @slot restored at boot
 *
 * Not __init, so that KUnit can run it with allocations failing.
 *
 * Return: the number of records restored, each whole.
 */
unsigned int kdump_keys_restore_slot(key_ref_t keyring, const void *slot,
				     unsigned int *total)
{
	struct kdump_blob_key bkey;
	unsigned int restored = 0;
	size_t offset = 0;

	*total = 0;
	while (kdump_blob_next(slot, &offset, &bkey)) {
		if (bkey.flags & KDUMP_RECORD_ON_REQUEST)
			continue;
		(*total)++;
		if (!kdump_keys_restore_one(keyring, &bkey))
			restored++;
	}
	return restored;
}

static void __init kdump_keys_restore_all(const void *slot)
{
	unsigned int restored, total;
	key_ref_t keyring;

	/* Runs as init, with init_cred: this is root's user keyring */
	keyring = lookup_user_key(KEY_SPEC_USER_KEYRING, KEY_LOOKUP_CREATE,
				  KEY_NEED_WRITE);
	if (IS_ERR(keyring)) {
		pr_err("no user keyring to restore into: %ld\n",
		       PTR_ERR(keyring));
		return;
	}
	restored = kdump_keys_restore_slot(keyring, slot, &total);
	key_ref_put(keyring);
	pr_info("restored %u of %u keys\n", restored, total);
}

/*
 * The private copy, kept while it holds records restored on request.
 * kdump_keys_held_slot is the validated slot in it.
 */
static DEFINE_MUTEX(kdump_keys_held_lock);
static void *kdump_keys_held;
static size_t kdump_keys_held_size;
static const void *kdump_keys_held_slot;

static unsigned int kdump_keys_count_on_request(const void *slot)
{
	struct kdump_blob_key bkey;
	unsigned int nr = 0;
	size_t offset = 0;

	while (kdump_blob_next(slot, &offset, &bkey))
		nr += !!(bkey.flags & KDUMP_RECORD_ON_REQUEST);
	return nr;
}

/**
 * kdump_keys_restore_on_request - recreate the records restored on request
 * @keyring: the keyring that receives them
 * @slot: a slot that kdump_blob_pick_slot() chose
 *
 * As CRASH_DM_CRYPT has always restored them: user keys, in quota.  Not
 * static, so that KUnit can run it.
 *
 * Return: 0, or the error of the first key that could not be created.
 */
int kdump_keys_restore_on_request(key_ref_t keyring, const void *slot)
{
	struct kdump_blob_key bkey;
	size_t offset = 0;
	key_ref_t key_ref;
	char *desc;

	while (kdump_blob_next(slot, &offset, &bkey)) {
		if (!(bkey.flags & KDUMP_RECORD_ON_REQUEST))
			continue;
		desc = kmemdup_nul(bkey.desc, bkey.desc_len, GFP_KERNEL);
		if (!desc)
			return -ENOMEM;
		key_ref = key_create_or_update(keyring, "user", desc, bkey.key,
					       bkey.key_len, KEY_USR_ALL,
					       KEY_ALLOC_IN_QUOTA);
		kfree(desc);
		if (IS_ERR(key_ref))
			return PTR_ERR(key_ref);
		key_ref_put(key_ref);
	}
	return 0;
}

/**
 * kdump_keys_restore_requested - restore the configfs keys on request
 *
 * Creates a user key for each record of a configfs key in the caller's
 * user keyring.  Once they are all restored the private copy is wiped.
 *
 * Return: 0 (also when there is nothing to restore), or the error of the
 * keyring lookup or of a key's creation; the copy is then kept.
 */
int kdump_keys_restore_requested(void)
{
	key_ref_t keyring;
	int ret = 0;

	mutex_lock(&kdump_keys_held_lock);
	if (!kdump_keys_held)
		goto out;
	keyring = lookup_user_key(KEY_SPEC_USER_KEYRING, KEY_LOOKUP_CREATE,
				  KEY_NEED_WRITE);
	if (IS_ERR(keyring)) {
		ret = PTR_ERR(keyring);
		goto out;
	}
	ret = kdump_keys_restore_on_request(keyring, kdump_keys_held_slot);
	key_ref_put(keyring);
	if (!ret) {
		kvfree_sensitive(kdump_keys_held, kdump_keys_held_size);
		kdump_keys_held = NULL;
	}
out:
	mutex_unlock(&kdump_keys_held_lock);
	return ret;
}

/*
 * After the key types are registered.  A segment that fails any check is
 * rejected with one log line, and the capture kernel boots on without keys.
 */
static int __init kdump_keys_restore(void)
{
	unsigned int on_request = 0;
	const void *slot;
	const char *why;

	if (!kdump_keys_copy)
		return 0;
	kdump_keys_test_damage(kdump_keys_copy, kdump_keys_copy_size);

	slot = kdump_blob_pick_slot(kdump_keys_copy, kdump_keys_copy_size,
				    &why);
	if (slot) {
		kdump_keys_restore_all(slot);
		on_request = kdump_keys_count_on_request(slot);
	} else {
		pr_err("rejected the preserved keys: %s\n", why);
	}

	if (on_request) {
		pr_info("keeping %u configfs keys until they are restored\n",
			on_request);
		mutex_lock(&kdump_keys_held_lock);
		kdump_keys_held = kdump_keys_copy;
		kdump_keys_held_size = kdump_keys_copy_size;
		kdump_keys_held_slot = slot;
		mutex_unlock(&kdump_keys_held_lock);
	} else {
		kvfree_sensitive(kdump_keys_copy, kdump_keys_copy_size);
	}
	kdump_keys_copy = NULL;
	return 0;
}
late_initcall_sync(kdump_keys_restore);
