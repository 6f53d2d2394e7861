// SPDX-License-Identifier: GPL-2.0
/*
 * Capture kernel: recreate the keys the crashed kernel preserved, before
 * init runs, in root's user keyring: a key of the type chosen with
 * "restore=" holding the volume key, so that dm-crypt and cryptsetup find
 * it unmodified, and a kdump key of the same description that /proc/keys
 * shows as "restored".
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
static bool kdump_keys_corrupt __initdata;

/* Test hook: damage the keys before they are checked, to test the rejection */
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

void __weak arch_kdump_keys_forget(void)
{
}

static void __init kdump_keys_copy_out(const void *segment, size_t size)
{
	if (!is_kdump_kernel())
		return;
	if (size > KDUMP_BLOB_NR_SLOTS * KDUMP_BLOB_MAX_SLOT) {
		pr_err("rejected the preserved keys: over %u KiB\n",
		       KDUMP_BLOB_NR_SLOTS * KDUMP_BLOB_MAX_SLOT / 1024);
		return;
	}
	kdump_keys_copy = kvmalloc(size, GFP_KERNEL);
	if (!kdump_keys_copy)
		return;
	memcpy(kdump_keys_copy, segment, size);
	kdump_keys_copy_size = size;
}

/* Before any other initcall can expose crash memory to user space */
static int __init kdump_keys_take(void)
{
	phys_addr_t addr;
	void *segment;
	size_t size;

	if (!arch_kdump_keys_locate(&addr, &size))
		return 0;

	segment = memremap(addr, size, MEMREMAP_WB);
	if (segment) {
		kdump_keys_copy_out(segment, size);
		memzero_explicit(segment, size);
		memunmap(segment);
	} else {
		pr_err("cannot map the preserved keys\n");
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

	key_ref = key_create_or_update(keyring, type, desc, bkey->key,
				       bkey->key_len, KEY_PERM_UNDEF,
				       KEY_ALLOC_NOT_IN_QUOTA);
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
 * @total: set to the number of records in @slot
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

/* Flip a digest byte in every slot in use */
static void __init kdump_keys_damage(void *segment, size_t size)
{
	size_t slot_size = size / KDUMP_BLOB_NR_SLOTS;
	struct kdump_blob_header *hdr;
	unsigned int i;

	for (i = 0; i < KDUMP_BLOB_NR_SLOTS; i++) {
		hdr = segment + i * slot_size;
		if (slot_size >= sizeof(*hdr) && memchr_inv(hdr, 0, slot_size))
			hdr->digest[0] ^= 0xff;
	}
}

/*
 * After the key types are registered.  A segment that fails any check is
 * rejected with one log line, and the capture kernel boots on without keys.
 */
static int __init kdump_keys_restore(void)
{
	const void *slot;
	const char *why;

	if (!kdump_keys_copy)
		return 0;
	if (kdump_keys_corrupt)
		kdump_keys_damage(kdump_keys_copy, kdump_keys_copy_size);

	slot = kdump_blob_pick_slot(kdump_keys_copy, kdump_keys_copy_size,
				    &why);
	if (slot)
		kdump_keys_restore_all(slot);
	else
		pr_err("rejected the preserved keys: %s\n", why);

	kvfree_sensitive(kdump_keys_copy, kdump_keys_copy_size);
	kdump_keys_copy = NULL;
	return 0;
}
late_initcall_sync(kdump_keys_restore);
