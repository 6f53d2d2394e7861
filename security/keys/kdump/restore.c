// SPDX-License-Identifier: GPL-2.0
/*
 * Capture kernel: recreate the keys the crashed kernel preserved, before
 * init runs, in root's user keyring: a key of the type chosen with
 * "restore=" holding the volume key, so that dm-crypt and cryptsetup find
 * it unmodified, and a kdump key of the same description that /proc/keys
 * shows as "restored".  Then wipe the crash-memory copy.
 */

#define pr_fmt(fmt) "kdump_keys: " fmt

#include <linux/crash_dump.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/key.h>
#include <linux/slab.h>
#include <keys/kdump-type.h>
#include "../internal.h"
#include "internal.h"

static bool kdump_keys_corrupt __initdata;

/* Test hook: damage the blob before it is checked, to test the rejection */
static int __init kdump_keys_corrupt_setup(char *str)
{
	kdump_keys_corrupt = IS_ENABLED(CONFIG_KEYS_KDUMP_KUNIT_TEST);
	return 1;
}
__setup("kdump_keys_test_corrupt", kdump_keys_corrupt_setup);

bool __weak arch_kdump_keys_locate(phys_addr_t *addr, size_t *size)
{
	return false;
}

static void __init kdump_keys_mark_restored(key_ref_t key_ref)
{
	struct key *key = key_ref_to_ptr(key_ref);
	struct kdump_key_payload *payload;

	down_write(&key->sem);
	payload = dereference_key_locked(key);
	if (payload)
		WRITE_ONCE(payload->state, KDUMP_KEY_RESTORED);
	up_write(&key->sem);
}

static int __init kdump_keys_restore_one(key_ref_t keyring,
					 const struct kdump_blob_key *bkey)
{
	const char *type = kdump_key_restore_name(bkey->restore);
	char options[32];
	key_ref_t key_ref;
	char *desc;
	int ret = 0;

	desc = kmemdup_nul(bkey->desc, bkey->desc_len, GFP_KERNEL);
	if (!desc)
		return -ENOMEM;

	key_ref = key_create_or_update(keyring, type, desc, bkey->key,
				       bkey->key_len, KEY_PERM_UNDEF,
				       KEY_ALLOC_NOT_IN_QUOTA);
	if (IS_ERR(key_ref)) {
		ret = PTR_ERR(key_ref);
		goto out;
	}
	key_ref_put(key_ref);

	/* The kdump key converts the key just made, as user space would */
	snprintf(options, sizeof(options), "source_type=%s restore=%s",
		 type, type);
	key_ref = key_create_or_update(keyring, "kdump", desc, options,
				       strlen(options), KEY_PERM_UNDEF,
				       KEY_ALLOC_NOT_IN_QUOTA);
	if (IS_ERR(key_ref)) {
		ret = PTR_ERR(key_ref);
		goto out;
	}
	kdump_keys_mark_restored(key_ref);
	key_ref_put(key_ref);
out:
	kfree(desc);
	return ret;
}

static void __init kdump_keys_restore_all(const void *blob)
{
	struct kdump_blob_key bkey;
	unsigned int restored = 0, total = 0;
	size_t offset = 0;
	key_ref_t keyring;

	/* Runs as init, with init_cred: this is root's user keyring */
	keyring = lookup_user_key(KEY_SPEC_USER_KEYRING, KEY_LOOKUP_CREATE,
				  KEY_NEED_WRITE);
	if (IS_ERR(keyring)) {
		pr_err("no user keyring to restore into: %ld\n",
		       PTR_ERR(keyring));
		return;
	}
	while (kdump_blob_next(blob, &offset, &bkey)) {
		total++;
		if (!kdump_keys_restore_one(keyring, &bkey))
			restored++;
	}
	key_ref_put(keyring);
	pr_info("restored %u of %u keys\n", restored, total);
}

/**
 * kdump_keys_restore - recreate the preserved keys in a capture kernel
 *
 * A blob that fails any check is rejected with one log line; the capture
 * kernel boots on without keys.  Either way the blob is wiped.  Its pages
 * stay reserved: on x86 they are still described by a setup_data entry
 * that user space can read through sysfs, so they must not be reused.
 */
void __init kdump_keys_restore(void)
{
	const char *why;
	phys_addr_t addr;
	size_t size;
	void *blob;

	if (!is_kdump_kernel() || !arch_kdump_keys_locate(&addr, &size))
		return;

	blob = memremap(addr, size, MEMREMAP_WB);
	if (!blob) {
		pr_err("cannot map the preserved keys\n");
		return;
	}
	if (kdump_keys_corrupt && size >= sizeof(struct kdump_blob_header))
		((struct kdump_blob_header *)blob)->digest[0] ^= 0xff;

	if (kdump_blob_validate(blob, size, &why))
		pr_err("rejected the preserved keys: %s\n", why);
	else
		kdump_keys_restore_all(blob);

	memzero_explicit(blob, size);
	memunmap(blob);
}
