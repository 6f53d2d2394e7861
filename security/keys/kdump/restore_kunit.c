// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the capture kernel's restore: each record of a slot
 * becomes a user or logon key holding the volume key and a kdump key
 * marked "restored", both or neither, also when an allocation fails.
 *
 * Suite kdump_key_restore runs at boot.  Suite kdump_restore_faults fails
 * the allocations of a restore one at a time through the task's fail-nth
 * counter (Documentation/fault-injection/fault-injection.rst).  failslab
 * and fail_page_alloc fail allocations that may sleep only once
 * ignore-gfp-wait is cleared in debugfs, which no boot-time run can have
 * done: with nothing to fail the suite skips, and is meant to be run again
 * through /sys/kernel/debug/kunit/kdump_restore_faults/run.
 *
 * Like the restore, the tests run with init_cred and use root's user
 * keyring, under descriptions no other test uses.
 */

#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/key.h>
#include <linux/keyctl.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <keys/kdump-type.h>
#include <keys/user-type.h>
#include "internal.h"
#include "kdump_kunit.h"

/*
 * Boot parameter kdump_keys_test_corrupt: the capture kernel flips a digest
 * byte in every slot in use of its private copy before checking it, so that
 * a boot test sees the rejection.  Only in a kernel built with these tests.
 */
static bool kdump_keys_corrupt __initdata;

static int __init kdump_keys_corrupt_setup(char *str)
{
	kdump_keys_corrupt = true;
	return 1;
}
__setup("kdump_keys_test_corrupt", kdump_keys_corrupt_setup);

void __init kdump_keys_test_damage(void *segment, size_t size)
{
	size_t slot_size = size / KDUMP_BLOB_NR_SLOTS;
	struct kdump_blob_header *hdr;
	unsigned int i;

	if (!kdump_keys_corrupt)
		return;
	for (i = 0; i < KDUMP_BLOB_NR_SLOTS; i++) {
		hdr = segment + i * slot_size;
		if (slot_size >= sizeof(*hdr) && memchr_inv(hdr, 0, slot_size))
			hdr->digest[0] ^= 0xff;
	}
}

#define KDUMP_TEST_SLOT_SIZE	4096
#define KDUMP_TEST_DESC_SIZE	32

/* The records of the slot under test; .desc is a prefix, made unique */
static const struct kdump_test_blob_key kdump_test_records[] = {
	{ "kunit:ru", 64, 0x31, KDUMP_RESTORE_USER },
	{ "kunit:rl", 32, 0x52, KDUMP_RESTORE_LOGON },
	{ "kunit:rv", KDUMP_KEY_MAX_SIZE, 0x73, KDUMP_RESTORE_USER },
};

#define KDUMP_TEST_NR_RECORDS	ARRAY_SIZE(kdump_test_records)

/* The slot, the descriptions in it, and root's user keyring */
struct kdump_test_restore {
	void *slot;
	char desc[KDUMP_TEST_NR_RECORDS][KDUMP_TEST_DESC_SIZE];
	key_ref_t keyring;
};

static atomic_t kdump_test_serial = ATOMIC_INIT(0);

static struct key_type *kdump_test_restore_type(enum kdump_key_restore r)
{
	return r == KDUMP_RESTORE_LOGON ? &key_type_logon : &key_type_user;
}

static int kdump_test_append(struct kunit *test,
			     struct kdump_blob_writer *writer,
			     const struct kdump_test_blob_key *rec,
			     const char *desc)
{
	return kdump_blob_append(writer, desc, kdump_test_payload(test, rec));
}

/* A sealed, valid slot holding kdump_test_records under fresh descriptions */
static void kdump_test_make_slot(struct kunit *test,
				 struct kdump_test_restore *tr)
{
	struct kdump_blob_writer writer;
	const char *why = NULL;
	int serial, i;

	serial = atomic_inc_return(&kdump_test_serial);
	kdump_blob_begin(&writer, tr->slot, KDUMP_TEST_SLOT_SIZE);
	for (i = 0; i < KDUMP_TEST_NR_RECORDS; i++) {
		snprintf(tr->desc[i], KDUMP_TEST_DESC_SIZE, "%s-%d",
			 kdump_test_records[i].desc, serial);
		KUNIT_ASSERT_EQ(test, kdump_test_append(test, &writer,
							&kdump_test_records[i],
							tr->desc[i]), 0);
	}
	kdump_blob_seal(&writer, 1);
	KUNIT_ASSERT_EQ_MSG(test, kdump_blob_validate(tr->slot,
						      KDUMP_TEST_SLOT_SIZE,
						      &why), 0, "%s", why);
}

static struct key *kdump_test_find(struct kdump_test_restore *tr,
				   struct key_type *type, const char *desc)
{
	key_ref_t key_ref = keyring_search(tr->keyring, type, desc, false);

	return IS_ERR(key_ref) ? NULL : key_ref_to_ptr(key_ref);
}

static void kdump_test_expect_volume_key(struct kunit *test, struct key *key,
					 const struct kdump_test_blob_key *rec)
{
	const struct user_key_payload *upayload;

	down_read(&key->sem);
	upayload = user_key_payload_locked(key);
	KUNIT_EXPECT_NOT_NULL(test, upayload);
	if (upayload) {
		KUNIT_EXPECT_EQ(test, upayload->datalen, rec->key_len);
		KUNIT_EXPECT_MEMEQ(test, upayload->data,
				   kdump_test_bytes(test, rec->key_len,
						    rec->seed),
				   rec->key_len);
	}
	up_read(&key->sem);
}

static void kdump_test_expect_restored(struct kunit *test, struct key *key)
{
	const struct kdump_key_payload *payload;

	down_read(&key->sem);
	payload = dereference_key_locked(key);
	KUNIT_EXPECT_NOT_NULL(test, payload);
	if (payload)
		KUNIT_EXPECT_EQ(test, READ_ONCE(payload->state),
				KDUMP_KEY_RESTORED);
	up_read(&key->sem);
}

static void kdump_test_drop(struct kdump_test_restore *tr, struct key *key)
{
	key_revoke(key);
	key_unlink(key_ref_to_ptr(tr->keyring), key);
	key_put(key);
}

/*
 * Record @i must have left both keys with the right bytes, or neither.
 * Returns whether it was restored, and removes what it finds.
 */
static bool kdump_test_check_record(struct kunit *test,
				    struct kdump_test_restore *tr, int i)
{
	const struct kdump_test_blob_key *rec = &kdump_test_records[i];
	struct key *volume_key, *kdump_key;

	volume_key = kdump_test_find(tr, kdump_test_restore_type(rec->restore),
				     tr->desc[i]);
	kdump_key = kdump_test_find(tr, &key_type_kdump, tr->desc[i]);
	KUNIT_EXPECT_EQ_MSG(test, !volume_key, !kdump_key,
			    "%s: one of its two keys restored", tr->desc[i]);
	if (volume_key) {
		kdump_test_expect_volume_key(test, volume_key, rec);
		kdump_test_drop(tr, volume_key);
	}
	if (kdump_key) {
		kdump_test_expect_restored(test, kdump_key);
		kdump_test_drop(tr, kdump_key);
	}
	return volume_key && kdump_key;
}

static unsigned int kdump_test_check_records(struct kunit *test,
					     struct kdump_test_restore *tr)
{
	unsigned int found = 0;
	int i;

	for (i = 0; i < KDUMP_TEST_NR_RECORDS; i++)
		found += kdump_test_check_record(test, tr, i);
	return found;
}

static void kdump_test_put_keyring(void *data)
{
	key_ref_put(*(key_ref_t *)data);
}

static int kdump_restore_test_init(struct kunit *test)
{
	struct kdump_test_restore *tr;

	tr = kunit_kzalloc(test, sizeof(*tr), GFP_KERNEL);
	if (!tr)
		return -ENOMEM;
	tr->slot = kunit_kzalloc(test, KDUMP_TEST_SLOT_SIZE, GFP_KERNEL);
	if (!tr->slot)
		return -ENOMEM;
	tr->keyring = lookup_user_key(KEY_SPEC_USER_KEYRING, KEY_LOOKUP_CREATE,
				      KEY_NEED_WRITE);
	if (IS_ERR(tr->keyring))
		return PTR_ERR(tr->keyring);
	test->priv = tr;
	return kunit_add_action_or_reset(test, kdump_test_put_keyring,
					 &tr->keyring);
}

/* Every record comes back as the volume key and a restored kdump key */
static void kdump_restore_slot_test(struct kunit *test)
{
	struct kdump_test_restore *tr = test->priv;
	unsigned int restored, total;

	kdump_test_make_slot(test, tr);
	restored = kdump_keys_restore_slot(tr->keyring, tr->slot, &total);
	KUNIT_EXPECT_EQ(test, total, KDUMP_TEST_NR_RECORDS);
	KUNIT_EXPECT_EQ(test, restored, KDUMP_TEST_NR_RECORDS);
	KUNIT_EXPECT_EQ(test, kdump_test_check_records(test, tr), restored);
}

/*
 * A record whose description is taken in the keyring, in a capture kernel
 * by an earlier record of the same description: that key stays as it was,
 * neither updated nor, when the record is rolled back, revoked.  The record
 * is not restored; the others are.
 */
static void kdump_restore_over_existing_test(struct kunit *test)
{
	struct kdump_test_restore *tr = test->priv;
	const struct user_key_payload *upayload;
	unsigned int restored, total;
	struct key *old;
	key_ref_t ref;

	kdump_test_make_slot(test, tr);
	ref = key_create_or_update(tr->keyring, "user", tr->desc[0], "old", 3,
				   KEY_PERM_UNDEF, KEY_ALLOC_NOT_IN_QUOTA);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ref));
	old = key_ref_to_ptr(ref);

	restored = kdump_keys_restore_slot(tr->keyring, tr->slot, &total);
	KUNIT_EXPECT_EQ(test, total, KDUMP_TEST_NR_RECORDS);
	KUNIT_EXPECT_EQ(test, restored, KDUMP_TEST_NR_RECORDS - 1);

	down_read(&old->sem);
	upayload = user_key_payload_locked(old);
	KUNIT_EXPECT_NOT_NULL(test, upayload);
	if (upayload)
		KUNIT_EXPECT_MEMEQ(test, upayload->data, "old", 3);
	up_read(&old->sem);
	KUNIT_EXPECT_NULL(test, kdump_test_find(tr, &key_type_kdump,
						tr->desc[0]));
	kdump_test_drop(tr, old);

	KUNIT_EXPECT_EQ(test, kdump_test_check_record(test, tr, 1) +
			kdump_test_check_record(test, tr, 2), restored);
}

/*
 * A record of a configfs key waits: the boot restore leaves it out, and
 * the restore on request makes it a user key, with no kdump key, and
 * leaves the other records alone.
 */
static void kdump_restore_on_request_test(struct kunit *test)
{
	const struct kdump_test_blob_key *rec = &kdump_test_records[0];
	struct kdump_test_restore *tr = test->priv;
	struct kdump_key_payload *payload;
	struct kdump_blob_writer writer;
	unsigned int restored, total;
	const char *why = NULL;
	struct key *key;

	snprintf(tr->desc[0], KDUMP_TEST_DESC_SIZE, "kunit:req-%d",
		 atomic_inc_return(&kdump_test_serial));
	payload = kdump_test_payload(test, rec);
	payload->flags = KDUMP_RECORD_ON_REQUEST;
	kdump_blob_begin(&writer, tr->slot, KDUMP_TEST_SLOT_SIZE);
	KUNIT_ASSERT_EQ(test, kdump_blob_append(&writer, tr->desc[0], payload),
			0);
	kdump_blob_seal(&writer, 1);
	KUNIT_ASSERT_EQ_MSG(test, kdump_blob_validate(tr->slot,
						      KDUMP_TEST_SLOT_SIZE,
						      &why), 0, "%s", why);

	restored = kdump_keys_restore_slot(tr->keyring, tr->slot, &total);
	KUNIT_EXPECT_EQ(test, total, 0);
	KUNIT_EXPECT_EQ(test, restored, 0);
	KUNIT_EXPECT_NULL(test, kdump_test_find(tr, &key_type_user,
						tr->desc[0]));

	KUNIT_EXPECT_EQ(test, kdump_keys_restore_on_request(tr->keyring,
							    tr->slot), 0);
	key = kdump_test_find(tr, &key_type_user, tr->desc[0]);
	KUNIT_ASSERT_NOT_NULL(test, key);
	kdump_test_expect_volume_key(test, key, rec);
	kdump_test_drop(tr, key);
	KUNIT_EXPECT_NULL(test, kdump_test_find(tr, &key_type_kdump,
						tr->desc[0]));
}

static struct kunit_case kdump_restore_test_cases[] = {
	KUNIT_CASE(kdump_restore_slot_test),
	KUNIT_CASE(kdump_restore_over_existing_test),
	KUNIT_CASE(kdump_restore_on_request_test),
	{}
};

static struct kunit_suite kdump_restore_test_suite = {
	.name = "kdump_key_restore",
	.init = kdump_restore_test_init,
	.test_cases = kdump_restore_test_cases,
};

#ifdef CONFIG_FAULT_INJECTION

/* Far more allocations than a restore of three records makes */
#define KDUMP_TEST_MAX_POINTS	10000

/*
 * Fail the 1st, 2nd, ... allocation of a restore until one runs through
 * without reaching the Nth: each failure may cost the record it hit, never
 * leave half of one, and never any other record.
 */
static void kdump_restore_fault_test(struct kunit *test)
{
	struct kdump_test_restore *tr = test->priv;
	unsigned int n, left, restored, total, failed = 0;

	for (n = 1; n < KDUMP_TEST_MAX_POINTS; n++) {
		kdump_test_make_slot(test, tr);
		WRITE_ONCE(current->fail_nth, n);
		restored = kdump_keys_restore_slot(tr->keyring, tr->slot,
						   &total);
		left = READ_ONCE(current->fail_nth);
		WRITE_ONCE(current->fail_nth, 0);

		KUNIT_EXPECT_EQ(test, total, KDUMP_TEST_NR_RECORDS);
		KUNIT_EXPECT_EQ(test, kdump_test_check_records(test, tr),
				restored);
		if (left) {
			/* The Nth point was not reached: nothing failed */
			KUNIT_EXPECT_EQ(test, restored, KDUMP_TEST_NR_RECORDS);
			break;
		}
		KUNIT_EXPECT_GE(test, restored, KDUMP_TEST_NR_RECORDS - 1);
		failed++;
	}
	KUNIT_EXPECT_LT(test, n, KDUMP_TEST_MAX_POINTS);
	kunit_info(test, "fail-nth restore %u\n", failed);
	if (!failed)
		kunit_skip(test, "nothing failed: clear ignore-gfp-wait in debugfs");
}

/*
 * KUnit keeps the status a case ended with, and takes KUNIT_SKIPPED for
 * "filtered out" when the suite runs again: clear it, or the run from
 * debugfs that this suite exists for would report the boot's skip again
 * without running the case.
 */
static int kdump_restore_fault_suite_init(struct kunit_suite *suite)
{
	struct kunit_case *test_case;

	kunit_suite_for_each_test_case(suite, test_case)
		test_case->status = KUNIT_SUCCESS;
	return 0;
}

static struct kunit_case kdump_restore_fault_test_cases[] = {
	KUNIT_CASE(kdump_restore_fault_test),
	{}
};

/* Not named kdump_key_*: kunit.filter_glob=kdump_key* leaves it out */
static struct kunit_suite kdump_restore_fault_test_suite = {
	.name = "kdump_restore_faults",
	.suite_init = kdump_restore_fault_suite_init,
	.init = kdump_restore_test_init,
	.test_cases = kdump_restore_fault_test_cases,
};

kunit_test_suites(&kdump_restore_test_suite,
		  &kdump_restore_fault_test_suite);
#else
kunit_test_suite(kdump_restore_test_suite);
#endif /* CONFIG_FAULT_INJECTION */
