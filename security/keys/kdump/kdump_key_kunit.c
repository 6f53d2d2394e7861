// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the kdump key type: the option parser, the conversion of
 * logon and user keys, the life cycle of a key in a keyring, the wiping of
 * freed payloads, and the blob handed over to the capture kernel.
 *
 * The tests run in kernel threads with init's credentials: root, with
 * CAP_SYS_ADMIN, no session keyring, so that a search goes through root's
 * user session keyring into root's user keyring.  Every key a test adds
 * goes into root's user keyring under a description no other test uses,
 * and is revoked and unlinked when the test ends.
 *
 * Wiping is checked with a kprobe on kfree(): kfree_sensitive() zeroes an
 * object before it passes it to kfree(), so at that point the object is
 * still allocated and can be read without a use after free.  Without
 * CONFIG_KPROBES those tests are skipped.
 */

#include <kunit/test.h>
#include <linux/align.h>
#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/key-type.h>
#include <linux/keyctl.h>
#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/overflow.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <asm/byteorder.h>
#include <keys/kdump-type.h>
#include "../internal.h"	/* key_set_expiry(), to expire a source */
#include "internal.h"
#include "kdump_kunit.h"

/* How long to wait for the key garbage collector */
#define KDUMP_TEST_TIMEOUT_MS	10000
#define KDUMP_TEST_POLL_MS	50

#define KDUMP_TEST_DESC_SIZE	48

static atomic_t kdump_test_serial = ATOMIC_INIT(0);

/* "@prefix-<n>", a description that no other test uses */
static char *kdump_test_desc(struct kunit *test, const char *prefix)
{
	char *desc = kunit_kzalloc(test, KDUMP_TEST_DESC_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, desc);
	snprintf(desc, KDUMP_TEST_DESC_SIZE, "%s-%d", prefix,
		 atomic_inc_return(&kdump_test_serial));
	return desc;
}

/* ------------------------------------------------------------------------
 * Keys in root's user keyring
 */

/* A key the test holds and added to root's user keyring */
struct kdump_test_key {
	struct key *keyring;
	struct key *key;
};

static void kdump_test_drop_key(void *data)
{
	struct kdump_test_key *tk = data;

	key_revoke(tk->key);
	key_unlink(tk->keyring, tk->key);
	key_put(tk->key);
}

static struct kdump_test_key *kdump_test_add_key(struct kunit *test,
						 const char *type,
						 const char *desc,
						 const void *payload,
						 size_t plen, key_perm_t perm)
{
	struct kdump_test_key *tk;
	key_ref_t key_ref;

	tk = kunit_kzalloc(test, sizeof(*tk), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tk);
	tk->keyring = test->priv;

	key_ref = key_create_or_update(make_key_ref(tk->keyring, true), type,
				       desc, payload, plen, perm,
				       KEY_ALLOC_NOT_IN_QUOTA);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(key_ref), "adding %s key %s: %ld",
			       type, desc, PTR_ERR(key_ref));
	tk->key = key_ref_to_ptr(key_ref);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   kdump_test_drop_key,
							   tk));
	return tk;
}

/*
 * Drop the test's hold on a key without revoking it, as the last user of a
 * key would: the garbage collector then destroys it.  @tk is gone after.
 */
static void kdump_test_forget_key(struct kunit *test,
				  struct kdump_test_key *tk)
{
	kunit_remove_action(test, kdump_test_drop_key, tk);
	key_unlink(tk->keyring, tk->key);
	key_put(tk->key);
}

static struct kdump_test_key *kdump_test_add_source(struct kunit *test,
						    const char *type,
						    const char *desc,
						    const u8 *bytes,
						    size_t len)
{
	return kdump_test_add_key(test, type, desc, bytes, len,
				  KEY_POS_ALL | KEY_USR_VIEW);
}

static struct kdump_test_key *kdump_test_add_kdump(struct kunit *test,
						   const char *desc,
						   const char *options)
{
	return kdump_test_add_key(test, "kdump", desc, options,
				  strlen(options), KEY_PERM_UNDEF);
}

/* A logon key holding @bytes and a kdump key of the same description */
static struct kdump_test_key *kdump_test_add_pair(struct kunit *test,
						  const char *desc,
						  const u8 *bytes, size_t len)
{
	kdump_test_add_source(test, "logon", desc, bytes, len);
	return kdump_test_add_kdump(test, desc, "");
}

/* "source=@desc @options" */
static const char *kdump_test_source_option(struct kunit *test,
					    const char *desc,
					    const char *options)
{
	size_t size = strlen("source= ") + strlen(desc) + strlen(options) + 1;
	char *buf = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	snprintf(buf, size, "source=%s %s", desc, options);
	return buf;
}

static int kdump_test_update(struct kdump_test_key *tk, const char *options)
{
	return key_update(make_key_ref(tk->key, true), options,
			  strlen(options));
}

/* Entries of kdump_keys_live that belong to @key; @last: the last one */
static unsigned int kdump_test_live_entries(const struct key *key,
					    struct kdump_key_payload **last)
{
	struct kdump_key_payload *payload;
	unsigned int entries = 0;

	*last = NULL;
	mutex_lock(&kdump_keys_lock);
	list_for_each_entry(payload, &kdump_keys_live, node) {
		if (payload->key == key) {
			entries++;
			*last = payload;
		}
	}
	mutex_unlock(&kdump_keys_lock);
	return entries;
}

/*
 * Whether a live payload belongs to a key described @desc.  The key of an
 * entry is not freed while the entry is listed: ->destroy unlists it under
 * kdump_keys_lock first.
 */
static bool kdump_test_is_live(const char *desc)
{
	struct kdump_key_payload *payload;
	bool live = false;

	mutex_lock(&kdump_keys_lock);
	list_for_each_entry(payload, &kdump_keys_live, node) {
		if (!strcmp(payload->key->description, desc))
			live = true;
	}
	mutex_unlock(&kdump_keys_lock);
	return live;
}

static bool kdump_test_wait_not_live(const char *desc)
{
	unsigned int waited;

	for (waited = 0; waited < KDUMP_TEST_TIMEOUT_MS;
	     waited += KDUMP_TEST_POLL_MS) {
		if (!kdump_test_is_live(desc))
			return true;
		msleep(KDUMP_TEST_POLL_MS);
	}
	return !kdump_test_is_live(desc);
}

/* @key holds a copy of @bytes and is listed once, with that payload */
static void kdump_test_expect_payload(struct kunit *test, struct key *key,
				      const u8 *bytes, size_t len,
				      enum kdump_key_restore restore)
{
	struct kdump_key_payload *payload, *listed;
	unsigned int entries;

	/* Expectations only: an assertion would leave key->sem held */
	down_read(&key->sem);
	payload = dereference_key_locked(key);
	entries = kdump_test_live_entries(key, &listed);
	KUNIT_EXPECT_NOT_NULL(test, payload);
	if (payload) {
		KUNIT_EXPECT_EQ(test, payload->keylen, len);
		if (payload->keylen == len)
			KUNIT_EXPECT_MEMEQ(test, payload->keydata, bytes, len);
		KUNIT_EXPECT_EQ(test, payload->restore, restore);
		KUNIT_EXPECT_EQ(test, payload->state, KDUMP_KEY_PENDING);
		KUNIT_EXPECT_PTR_EQ(test, payload->key, key);
	}
	up_read(&key->sem);

	KUNIT_EXPECT_EQ(test, key->datalen, len);
	KUNIT_EXPECT_EQ(test, entries, 1);
	KUNIT_EXPECT_PTR_EQ(test, listed, payload);
}

static void kdump_test_expect_no_payload(struct kunit *test, struct key *key)
{
	struct kdump_key_payload *payload, *listed;
	unsigned int entries;

	down_read(&key->sem);
	payload = dereference_key_locked(key);
	up_read(&key->sem);
	entries = kdump_test_live_entries(key, &listed);

	KUNIT_EXPECT_NULL(test, payload);
	KUNIT_EXPECT_EQ(test, key->datalen, 0);
	KUNIT_EXPECT_EQ(test, entries, 0);
}

/* ------------------------------------------------------------------------
 * Direct calls of ->preparse
 */

static void kdump_test_free_preparse(void *prep)
{
	key_type_kdump.free_preparse(prep);
}

/*
 * A payload set up as key_create_or_update() does, for ->preparse.  Its
 * ->free_preparse runs when the test ends, whatever ->preparse returns.
 */
static struct key_preparsed_payload *kdump_test_prep(struct kunit *test,
						     const char *desc,
						     const void *options,
						     size_t len)
{
	struct key_preparsed_payload *prep;

	prep = kunit_kzalloc(test, sizeof(*prep), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, prep);
	prep->orig_description = desc;
	prep->data = options;
	prep->datalen = len;
	prep->quotalen = key_type_kdump.def_datalen;
	prep->expiry = TIME64_MAX;
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test,
						  kdump_test_free_preparse,
						  prep));
	return prep;
}

static struct kdump_key_payload *
kdump_test_prepared(const struct key_preparsed_payload *prep)
{
	return prep->payload.data[0];
}

static void kdump_test_expect_prepared(struct kunit *test,
				       const struct key_preparsed_payload *prep,
				       const u8 *bytes, size_t len,
				       enum kdump_key_restore restore)
{
	struct kdump_key_payload *payload = kdump_test_prepared(prep);

	KUNIT_ASSERT_NOT_NULL(test, payload);
	KUNIT_ASSERT_EQ(test, payload->keylen, len);
	KUNIT_EXPECT_MEMEQ(test, payload->keydata, bytes, len);
	KUNIT_EXPECT_EQ(test, payload->restore, restore);
	KUNIT_EXPECT_EQ(test, payload->state, KDUMP_KEY_PENDING);
	KUNIT_EXPECT_NULL(test, payload->key);
	KUNIT_EXPECT_TRUE(test, list_empty(&payload->node));
	KUNIT_EXPECT_EQ(test, prep->quotalen, len);
}

/* ------------------------------------------------------------------------
 * Watching kfree() for the wipe tests
 */

struct kdump_test_free_watch {
	struct kprobe probe;
	const void *object;
	size_t size;
	bool wiped;
	bool freed;
};

static bool kdump_test_freed(struct kdump_test_free_watch *watch)
{
	/* Pairs with the release in kdump_test_kfree_probe(): @wiped is set */
	return smp_load_acquire(&watch->freed);
}

/* Runs at every kfree() while registered: keep it short */
static int kdump_test_kfree_probe(struct kprobe *probe, struct pt_regs *regs)
{
	struct kdump_test_free_watch *watch =
		container_of(probe, struct kdump_test_free_watch, probe);
	const void *object = (const void *)regs_get_kernel_argument(regs, 0);

	if (!object || object != watch->object || kdump_test_freed(watch))
		return 0;
	watch->wiped = !memchr_inv(object, 0, watch->size);
	/* Publish @wiped with @freed, for kdump_test_freed() */
	smp_store_release(&watch->freed, true);
	return 0;
}

/*
 * A post handler keeps the probe a plain int3: kprobes with one are never
 * optimized into a jump.  Swapping kfree()'s first bytes for a jump and
 * back while other CPUs run it ended in an unhandled int3 on an SMP guest.
 */
static void kdump_test_kfree_post(struct kprobe *probe, struct pt_regs *regs,
				  unsigned long flags)
{
}

static void kdump_test_unwatch(void *data)
{
	struct kdump_test_free_watch *watch = data;

	unregister_kprobe(&watch->probe);
}

/* Record whether @object is all zeroes when it reaches kfree() */
static struct kdump_test_free_watch *
kdump_test_watch_free(struct kunit *test, const void *object, size_t size)
{
	struct kdump_test_free_watch *watch;
	int ret;

	watch = kunit_kzalloc(test, sizeof(*watch), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, watch);
	watch->object = object;
	watch->size = size;
	watch->probe.symbol_name = "kfree";
	watch->probe.pre_handler = kdump_test_kfree_probe;
	watch->probe.post_handler = kdump_test_kfree_post;

	ret = register_kprobe(&watch->probe);
	if (ret)
		kunit_skip(test, "cannot probe kfree() (CONFIG_KPROBES?): %d",
			   ret);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   kdump_test_unwatch,
							   watch));
	return watch;
}

static struct kdump_test_free_watch *
kdump_test_watch_payload(struct kunit *test, struct key *key)
{
	struct kdump_key_payload *payload;
	size_t size = 0;

	down_read(&key->sem);
	payload = dereference_key_locked(key);
	if (payload)
		size = struct_size(payload, keydata, payload->keylen);
	up_read(&key->sem);

	KUNIT_ASSERT_NOT_NULL(test, payload);
	return kdump_test_watch_free(test, payload, size);
}

static bool kdump_test_wait_freed(struct kdump_test_free_watch *watch)
{
	unsigned int waited;

	for (waited = 0; waited < KDUMP_TEST_TIMEOUT_MS;
	     waited += KDUMP_TEST_POLL_MS) {
		if (kdump_test_freed(watch))
			return true;
		msleep(KDUMP_TEST_POLL_MS);
	}
	return kdump_test_freed(watch);
}

static void kdump_test_expect_wiped(struct kunit *test,
				    struct kdump_test_free_watch *watch)
{
	KUNIT_ASSERT_TRUE_MSG(test, kdump_test_wait_freed(watch),
			      "the payload did not reach kfree()");
	KUNIT_EXPECT_TRUE_MSG(test, watch->wiped,
			      "the payload reached kfree() with bytes left");
}

/* ------------------------------------------------------------------------
 * Suite kdump_key: the key type
 */

static void kdump_key_type_test(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, key_type_kdump.name, "kdump");
	KUNIT_EXPECT_TRUE_MSG(test, !key_type_kdump.read,
			      "a kdump key must never be read back");
	KUNIT_EXPECT_STREQ(test, kdump_key_restore_name(KDUMP_RESTORE_USER),
			   "user");
	KUNIT_EXPECT_STREQ(test, kdump_key_restore_name(KDUMP_RESTORE_LOGON),
			   "logon");
}

struct kdump_vet_case {
	const char *name;
	const char *desc;
	int expected;
};

static const struct kdump_vet_case kdump_vet_cases[] = {
	{ .name = "prefix and rest", .desc = "cryptsetup:uuid", .expected = 0 },
	{ .name = "one-letter prefix", .desc = "a:b", .expected = 0 },
	{ .name = "empty rest", .desc = "a:", .expected = 0 },
	{ .name = "two colons", .desc = "a:b:c", .expected = 0 },
	{ .name = "empty", .desc = "", .expected = -EINVAL },
	{ .name = "no colon", .desc = "nocolon", .expected = -EINVAL },
	{ .name = "leading colon", .desc = ":rest", .expected = -EINVAL },
	{ .name = "colon only", .desc = ":", .expected = -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(kdump_vet, kdump_vet_cases, name);

static void kdump_key_vet_description_test(struct kunit *test)
{
	const struct kdump_vet_case *param = test->param_value;

	KUNIT_EXPECT_EQ(test, kdump_key_vet_description(param->desc),
			param->expected);
}

struct kdump_option_case {
	const char *desc;
	const char *options;
	size_t len;		/* bytes of @options, if it holds a NUL */
	size_t blanks;		/* options of this many spaces instead */
	int expected;
};

/*
 * Options that parse give -ENOKEY: no logon key "test:kunit" exists for
 * them to convert.
 */
static const struct kdump_option_case kdump_option_cases[] = {
	{
		.desc = "unknown option",
		.options = "colour=blue",
		.expected = -EINVAL,
	}, {
		.desc = "option without value",
		.options = "restore",
		.expected = -EINVAL,
	}, {
		.desc = "option in upper case",
		.options = "RESTORE=user",
		.expected = -EINVAL,
	}, {
		.desc = "repeated source_type",
		.options = "source_type=logon source_type=logon",
		.expected = -EINVAL,
	}, {
		.desc = "repeated restore",
		.options = "restore=user restore=logon",
		.expected = -EINVAL,
	}, {
		.desc = "repeated source",
		.options = "source=a:b source=a:b",
		.expected = -EINVAL,
	}, {
		.desc = "empty source",
		.options = "source=",
		.expected = -EINVAL,
	}, {
		.desc = "empty restore",
		.options = "restore=",
		.expected = -EINVAL,
	}, {
		.desc = "source_type trusted",
		.options = "source_type=trusted",
		.expected = -EINVAL,
	}, {
		.desc = "source_type in upper case",
		.options = "source_type=Logon",
		.expected = -EINVAL,
	}, {
		.desc = "restore encrypted",
		.options = "restore=encrypted",
		.expected = -EINVAL,
	}, {
		.desc = "options separated by a comma",
		.options = "restore=user,source_type=user",
		.expected = -EINVAL,
	}, {
		.desc = "source without colon",
		.options = "source=nocolon",
		.expected = -EINVAL,
	}, {
		.desc = "source with leading colon",
		.options = "source=:x",
		.expected = -EINVAL,
	}, {
		.desc = "NUL between options",
		.options = "restore=user\0restore=logon",
		.len = sizeof("restore=user\0restore=logon") - 1,
		.expected = -EINVAL,
	}, {
		.desc = "NUL after the options",
		.options = "restore=user\0",
		.len = sizeof("restore=user\0") - 1,
		.expected = -EINVAL,
	}, {
		.desc = "options of 4097 bytes",
		.blanks = KDUMP_KEY_MAX_OPTIONS + 1,
		.expected = -EINVAL,
	}, {
		.desc = "no options",
		.options = "",
		.expected = -ENOKEY,
	}, {
		.desc = "blanks only",
		.options = " \t\n ",
		.expected = -ENOKEY,
	}, {
		.desc = "options of 4096 bytes, whatever the page size",
		.blanks = KDUMP_KEY_MAX_OPTIONS,
		.expected = -ENOKEY,
	}, {
		.desc = "restore logon",
		.options = "restore=logon",
		.expected = -ENOKEY,
	}, {
		.desc = "restore user",
		.options = "restore=user",
		.expected = -ENOKEY,
	}, {
		.desc = "source_type user and newline",
		.options = "source_type=user\n",
		.expected = -ENOKEY,
	}, {
		.desc = "blanks around and between",
		.options = "  restore=user\tsource_type=logon  ",
		.expected = -ENOKEY,
	}, {
		.desc = "options of a restored key",
		.options = "source_type=logon restore=logon",
		.expected = -ENOKEY,
	}, {
		.desc = "source naming a missing key",
		.options = "source=kunit:missing restore=user",
		.expected = -ENOKEY,
	},
};

KUNIT_ARRAY_PARAM_DESC(kdump_option, kdump_option_cases, desc);

static void kdump_key_option_test(struct kunit *test)
{
	const struct kdump_option_case *param = test->param_value;
	struct key_preparsed_payload *prep;
	const char *options = param->options;
	size_t len = param->len;
	char *blanks;

	if (param->blanks) {
		blanks = kunit_kmalloc(test, param->blanks, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, blanks);
		memset(blanks, ' ', param->blanks);
		options = blanks;
		len = param->blanks;
	} else if (!len) {
		len = strlen(options);
	}

	prep = kdump_test_prep(test, "test:kunit", options, len);
	KUNIT_EXPECT_EQ(test, key_type_kdump.preparse(prep), param->expected);
	KUNIT_EXPECT_NULL(test, kdump_test_prepared(prep));
}

/* KEYCTL_UPDATE names no key: the conversion is left to ->update */
static void kdump_key_preparse_without_description_test(struct kunit *test)
{
	struct key_preparsed_payload *prep;

	prep = kdump_test_prep(test, NULL, "restore=logon",
			       strlen("restore=logon"));
	KUNIT_EXPECT_EQ(test, key_type_kdump.preparse(prep), 0);
	KUNIT_EXPECT_NULL(test, kdump_test_prepared(prep));

	prep = kdump_test_prep(test, NULL, "restore=bogus",
			       strlen("restore=bogus"));
	KUNIT_EXPECT_EQ(test, key_type_kdump.preparse(prep), -EINVAL);
}

static void kdump_key_needs_sys_admin_test(struct kunit *test)
{
	struct key_preparsed_payload *prep;
	const struct cred *saved;
	struct cred *cred;
	int ret;

	prep = kdump_test_prep(test, "test:kunit", "", 0);
	cred = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, cred);
	cap_lower(cred->cap_effective, CAP_SYS_ADMIN);

	saved = override_creds(cred);
	ret = key_type_kdump.preparse(prep);
	revert_creds(saved);
	put_cred(cred);

	KUNIT_EXPECT_EQ(test, ret, -EPERM);
}

enum kdump_test_source_state {
	KDUMP_TEST_SOURCE_VALID,
	KDUMP_TEST_SOURCE_REVOKED,
	KDUMP_TEST_SOURCE_EXPIRED,
};

static void kdump_test_set_source_state(struct key *key,
					enum kdump_test_source_state state)
{
	switch (state) {
	case KDUMP_TEST_SOURCE_VALID:
		break;
	case KDUMP_TEST_SOURCE_REVOKED:
		key_revoke(key);
		break;
	case KDUMP_TEST_SOURCE_EXPIRED:
		down_write(&key->sem);
		key_set_expiry(key, ktime_get_real_seconds() - 1);
		up_write(&key->sem);
		break;
	}
}

struct kdump_convert_case {
	const char *desc;
	const char *source_type;
	size_t source_len;
	enum kdump_test_source_state state;
	bool by_option;		/* source=, not the kdump key's description */
	const char *options;
	int expected;
	enum kdump_key_restore restore;
};

static const struct kdump_convert_case kdump_convert_cases[] = {
	{
		.desc = "logon source, no options",
		.source_type = "logon",
		.source_len = 32,
		.options = "",
		.restore = KDUMP_RESTORE_USER,
	}, {
		.desc = "logon source named by source=",
		.source_type = "logon",
		.source_len = 64,
		.by_option = true,
		.options = "restore=logon",
		.restore = KDUMP_RESTORE_LOGON,
	}, {
		.desc = "user source",
		.source_type = "user",
		.source_len = 32,
		.options = "source_type=user",
		.restore = KDUMP_RESTORE_USER,
	}, {
		.desc = "user source restored as logon",
		.source_type = "user",
		.source_len = 48,
		.options = "source_type=user restore=logon",
		.restore = KDUMP_RESTORE_LOGON,
	}, {
		.desc = "user source named by source=",
		.source_type = "user",
		.source_len = 32,
		.by_option = true,
		.options = "source_type=user",
		.restore = KDUMP_RESTORE_USER,
	}, {
		.desc = "1-byte source",
		.source_type = "logon",
		.source_len = 1,
		.options = "",
		.restore = KDUMP_RESTORE_USER,
	}, {
		.desc = "512-byte source",
		.source_type = "logon",
		.source_len = KDUMP_KEY_MAX_SIZE,
		.options = "",
		.restore = KDUMP_RESTORE_USER,
	}, {
		.desc = "513-byte source",
		.source_type = "logon",
		.source_len = KDUMP_KEY_MAX_SIZE + 1,
		.options = "",
		.expected = -EINVAL,
	}, {
		.desc = "user source where logon is expected",
		.source_type = "user",
		.source_len = 32,
		.options = "",
		.expected = -ENOKEY,
	}, {
		.desc = "logon source where user is expected",
		.source_type = "logon",
		.source_len = 32,
		.options = "source_type=user",
		.expected = -ENOKEY,
	}, {
		.desc = "revoked source",
		.source_type = "logon",
		.source_len = 32,
		.state = KDUMP_TEST_SOURCE_REVOKED,
		.options = "",
		.expected = -EKEYREVOKED,
	}, {
		.desc = "revoked source named by source=",
		.source_type = "logon",
		.source_len = 32,
		.state = KDUMP_TEST_SOURCE_REVOKED,
		.by_option = true,
		.options = "",
		.expected = -EKEYREVOKED,
	}, {
		.desc = "expired source",
		.source_type = "logon",
		.source_len = 32,
		.state = KDUMP_TEST_SOURCE_EXPIRED,
		.options = "",
		.expected = -ENOKEY,
	},
};

KUNIT_ARRAY_PARAM_DESC(kdump_convert, kdump_convert_cases, desc);

static void kdump_key_convert_test(struct kunit *test)
{
	const struct kdump_convert_case *param = test->param_value;
	const char *source_desc = kdump_test_desc(test, "kunit:source");
	const char *options = param->options, *desc = source_desc;
	struct key_preparsed_payload *prep;
	struct kdump_test_key *source;
	u8 *bytes;
	int ret;

	bytes = kdump_test_bytes(test, param->source_len, 0x5a);
	source = kdump_test_add_source(test, param->source_type, source_desc,
				       bytes, param->source_len);
	kdump_test_set_source_state(source->key, param->state);
	if (param->by_option) {
		desc = "kunit:not-the-source";
		options = kdump_test_source_option(test, source_desc, options);
	}

	prep = kdump_test_prep(test, desc, options, strlen(options));
	ret = key_type_kdump.preparse(prep);
	KUNIT_EXPECT_EQ(test, ret, param->expected);
	if (ret)
		KUNIT_EXPECT_NULL(test, kdump_test_prepared(prep));
	else
		kdump_test_expect_prepared(test, prep, bytes, param->source_len,
					   param->restore);
}

/* The parser accepts it, the keyring core does not: it must be prefix:rest */
static void kdump_key_needs_prefixed_description_test(struct kunit *test)
{
	const char *desc = kdump_test_desc(test, "kunit_nocolon");
	const char *options = "source_type=user";
	u8 *bytes = kdump_test_bytes(test, 32, 0x11);
	key_ref_t key_ref;

	kdump_test_add_source(test, "user", desc, bytes, 32);
	key_ref = key_create_or_update(make_key_ref(test->priv, true), "kdump",
				       desc, options, strlen(options),
				       KEY_PERM_UNDEF, KEY_ALLOC_NOT_IN_QUOTA);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(key_ref), -EINVAL);
	if (!IS_ERR(key_ref)) {
		key_revoke(key_ref_to_ptr(key_ref));
		key_unlink(test->priv, key_ref_to_ptr(key_ref));
		key_ref_put(key_ref);
	}
}

static void kdump_key_add_test(struct kunit *test)
{
	const char *desc = kdump_test_desc(test, "kunit:kdump");
	u8 *bytes = kdump_test_bytes(test, 32, 0x11);
	struct kdump_test_key *kdump;

	kdump = kdump_test_add_pair(test, desc, bytes, 32);
	kdump_test_expect_payload(test, kdump->key, bytes, 32,
				  KDUMP_RESTORE_USER);
}

/* Describe @key into a fresh buffer, as /proc/keys does */
static const char *kdump_test_describe(struct kunit *test, struct key *key)
{
	struct seq_file *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->size = 2 * KDUMP_TEST_DESC_SIZE;
	m->buf = kunit_kzalloc(test, m->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->buf);

	rcu_read_lock();
	key_type_kdump.describe(key, m);
	rcu_read_unlock();
	return m->buf;
}

static void kdump_key_describe_test(struct kunit *test)
{
	const char *desc = kdump_test_desc(test, "kunit:kdump");
	u8 *bytes = kdump_test_bytes(test, 32, 0x11);
	struct kdump_test_key *kdump;
	char *expected;

	expected = kunit_kzalloc(test, 2 * KDUMP_TEST_DESC_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, expected);
	snprintf(expected, 2 * KDUMP_TEST_DESC_SIZE,
		 "%s: 32 restore=user pending", desc);

	kdump = kdump_test_add_pair(test, desc, bytes, 32);
	KUNIT_EXPECT_STREQ(test, kdump_test_describe(test, kdump->key),
			   expected);

	key_revoke(kdump->key);
	KUNIT_EXPECT_STREQ(test, kdump_test_describe(test, kdump->key), desc);
}

/* A rotated volume key reaches the kdump key when the kdump key is updated */
static void kdump_key_update_test(struct kunit *test)
{
	const char *desc = kdump_test_desc(test, "kunit:kdump");
	u8 *old_bytes = kdump_test_bytes(test, 32, 0x11);
	u8 *new_bytes = kdump_test_bytes(test, 64, 0x22);
	struct kdump_test_key *source, *kdump;

	source = kdump_test_add_source(test, "logon", desc, old_bytes, 32);
	kdump = kdump_test_add_kdump(test, desc, "");

	KUNIT_ASSERT_EQ(test, key_update(make_key_ref(source->key, true),
					 new_bytes, 64), 0);
	kdump_test_expect_payload(test, kdump->key, old_bytes, 32,
				  KDUMP_RESTORE_USER);

	KUNIT_ASSERT_EQ(test, kdump_test_update(kdump, ""), 0);
	kdump_test_expect_payload(test, kdump->key, new_bytes, 64,
				  KDUMP_RESTORE_USER);
}

/* add_key() of an existing kdump key converts it again, with new options */
static void kdump_key_update_by_add_test(struct kunit *test)
{
	const char *desc = kdump_test_desc(test, "kunit:kdump");
	u8 *bytes = kdump_test_bytes(test, 32, 0x11);
	struct kdump_test_key *kdump, *again;

	kdump = kdump_test_add_pair(test, desc, bytes, 32);
	again = kdump_test_add_kdump(test, desc, "restore=logon");
	KUNIT_EXPECT_PTR_EQ(test, again->key, kdump->key);
	kdump_test_expect_payload(test, kdump->key, bytes, 32,
				  KDUMP_RESTORE_LOGON);
}

static void kdump_key_update_from_other_source_test(struct kunit *test)
{
	const char *desc = kdump_test_desc(test, "kunit:kdump");
	const char *other = kdump_test_desc(test, "kunit:other");
	u8 *bytes = kdump_test_bytes(test, 32, 0x11);
	u8 *other_bytes = kdump_test_bytes(test, 24, 0x33);
	struct kdump_test_key *kdump;
	const char *options;

	kdump = kdump_test_add_pair(test, desc, bytes, 32);
	kdump_test_add_source(test, "user", other, other_bytes, 24);
	options = kdump_test_source_option(test, other,
					   "source_type=user restore=logon");

	KUNIT_ASSERT_EQ(test, kdump_test_update(kdump, options), 0);
	kdump_test_expect_payload(test, kdump->key, other_bytes, 24,
				  KDUMP_RESTORE_LOGON);
}

static void kdump_key_failed_update_test(struct kunit *test)
{
	const char *desc = kdump_test_desc(test, "kunit:kdump");
	u8 *bytes = kdump_test_bytes(test, 32, 0x11);
	struct kdump_test_key *source, *kdump;

	source = kdump_test_add_source(test, "logon", desc, bytes, 32);
	kdump = kdump_test_add_kdump(test, desc, "");

	KUNIT_EXPECT_EQ(test, kdump_test_update(kdump, "restore=bogus"),
			-EINVAL);
	kdump_test_expect_payload(test, kdump->key, bytes, 32,
				  KDUMP_RESTORE_USER);

	key_revoke(source->key);
	KUNIT_EXPECT_EQ(test, kdump_test_update(kdump, ""), -EKEYREVOKED);
	kdump_test_expect_payload(test, kdump->key, bytes, 32,
				  KDUMP_RESTORE_USER);
}

static void kdump_key_revoke_test(struct kunit *test)
{
	const char *desc = kdump_test_desc(test, "kunit:kdump");
	u8 *bytes = kdump_test_bytes(test, 32, 0x11);
	struct kdump_test_key *kdump;

	kdump = kdump_test_add_pair(test, desc, bytes, 32);
	key_revoke(kdump->key);
	kdump_test_expect_no_payload(test, kdump->key);
}

/*
 * keyctl_update() checks the key before it takes key->sem, so a revoke or
 * an invalidation can come in between; the update must not bring the copy
 * back.
 */
static void kdump_test_update_after(struct kunit *test,
				    void (*withdraw)(struct key *key),
				    int expected)
{
	const char *desc = kdump_test_desc(test, "kunit:kdump");
	u8 *bytes = kdump_test_bytes(test, 32, 0x11);
	struct kdump_test_key *kdump;

	kdump = kdump_test_add_pair(test, desc, bytes, 32);
	withdraw(kdump->key);
	KUNIT_EXPECT_EQ(test, kdump_test_update(kdump, ""), expected);
	kdump_test_expect_no_payload(test, kdump->key);
}

static void kdump_key_update_revoked_test(struct kunit *test)
{
	kdump_test_update_after(test, key_revoke, -EKEYREVOKED);
}

static void kdump_key_update_invalidated_test(struct kunit *test)
{
	kdump_test_update_after(test, key_invalidate, -ENOKEY);
}

static void kdump_key_destroy_test(struct kunit *test)
{
	const char *desc = kdump_test_desc(test, "kunit:kdump");
	u8 *bytes = kdump_test_bytes(test, 32, 0x11);
	struct kdump_test_key *kdump;

	kdump = kdump_test_add_pair(test, desc, bytes, 32);
	KUNIT_ASSERT_TRUE(test, kdump_test_is_live(desc));

	kdump_test_forget_key(test, kdump);
	KUNIT_EXPECT_TRUE_MSG(test, kdump_test_wait_not_live(desc),
			      "the garbage collector left the payload listed");
}

static void kdump_key_free_preparse_wipes_test(struct kunit *test)
{
	const char *desc = kdump_test_desc(test, "kunit:kdump");
	u8 *bytes = kdump_test_bytes(test, 32, 0x11);
	struct kdump_test_free_watch *watch;
	struct key_preparsed_payload *prep;
	struct kdump_key_payload *payload;

	kdump_test_add_source(test, "logon", desc, bytes, 32);
	prep = kdump_test_prep(test, desc, "", 0);
	KUNIT_ASSERT_EQ(test, key_type_kdump.preparse(prep), 0);
	payload = kdump_test_prepared(prep);
	KUNIT_ASSERT_NOT_NULL(test, payload);

	watch = kdump_test_watch_free(test, payload,
				      struct_size(payload, keydata, 32));
	kunit_release_action(test, kdump_test_free_preparse, prep);
	kdump_test_expect_wiped(test, watch);
}

static void kdump_key_update_wipes_test(struct kunit *test)
{
	const char *desc = kdump_test_desc(test, "kunit:kdump");
	u8 *old_bytes = kdump_test_bytes(test, 32, 0x11);
	u8 *new_bytes = kdump_test_bytes(test, 32, 0x22);
	struct kdump_test_key *source, *kdump;
	struct kdump_test_free_watch *watch;

	source = kdump_test_add_source(test, "logon", desc, old_bytes, 32);
	kdump = kdump_test_add_kdump(test, desc, "");
	KUNIT_ASSERT_EQ(test, key_update(make_key_ref(source->key, true),
					 new_bytes, 32), 0);

	watch = kdump_test_watch_payload(test, kdump->key);
	KUNIT_ASSERT_EQ(test, kdump_test_update(kdump, ""), 0);
	rcu_barrier();
	kdump_test_expect_wiped(test, watch);
}

static void kdump_key_revoke_wipes_test(struct kunit *test)
{
	const char *desc = kdump_test_desc(test, "kunit:kdump");
	u8 *bytes = kdump_test_bytes(test, 32, 0x11);
	struct kdump_test_free_watch *watch;
	struct kdump_test_key *kdump;

	kdump = kdump_test_add_pair(test, desc, bytes, 32);
	watch = kdump_test_watch_payload(test, kdump->key);
	key_revoke(kdump->key);
	rcu_barrier();
	kdump_test_expect_wiped(test, watch);
}

static void kdump_key_destroy_wipes_test(struct kunit *test)
{
	const char *desc = kdump_test_desc(test, "kunit:kdump");
	u8 *bytes = kdump_test_bytes(test, 32, 0x11);
	struct kdump_test_free_watch *watch;
	struct kdump_test_key *kdump;

	kdump = kdump_test_add_pair(test, desc, bytes, 32);
	watch = kdump_test_watch_payload(test, kdump->key);
	kdump_test_forget_key(test, kdump);
	kdump_test_expect_wiped(test, watch);
}

static void kdump_test_put_key(void *key)
{
	key_put(key);
}

/* test->priv: root's user keyring, created if need be */
static int kdump_key_test_init(struct kunit *test)
{
	key_ref_t keyring;

	keyring = lookup_user_key(KEY_SPEC_USER_KEYRING, KEY_LOOKUP_CREATE,
				  KEY_NEED_WRITE);
	if (IS_ERR(keyring))
		return PTR_ERR(keyring);
	test->priv = key_ref_to_ptr(keyring);
	return kunit_add_action_or_reset(test, kdump_test_put_key, test->priv);
}

static struct kunit_case kdump_key_test_cases[] = {
	KUNIT_CASE(kdump_key_type_test),
	KUNIT_CASE_PARAM(kdump_key_vet_description_test,
			 kdump_vet_gen_params),
	KUNIT_CASE_PARAM(kdump_key_option_test, kdump_option_gen_params),
	KUNIT_CASE(kdump_key_preparse_without_description_test),
	KUNIT_CASE(kdump_key_needs_sys_admin_test),
	KUNIT_CASE_PARAM(kdump_key_convert_test, kdump_convert_gen_params),
	KUNIT_CASE(kdump_key_needs_prefixed_description_test),
	KUNIT_CASE(kdump_key_add_test),
	KUNIT_CASE(kdump_key_describe_test),
	KUNIT_CASE(kdump_key_update_test),
	KUNIT_CASE(kdump_key_update_by_add_test),
	KUNIT_CASE(kdump_key_update_from_other_source_test),
	KUNIT_CASE(kdump_key_failed_update_test),
	KUNIT_CASE(kdump_key_revoke_test),
	KUNIT_CASE(kdump_key_update_revoked_test),
	KUNIT_CASE(kdump_key_update_invalidated_test),
	KUNIT_CASE(kdump_key_destroy_test),
	KUNIT_CASE(kdump_key_free_preparse_wipes_test),
	KUNIT_CASE(kdump_key_update_wipes_test),
	KUNIT_CASE(kdump_key_revoke_wipes_test),
	KUNIT_CASE(kdump_key_destroy_wipes_test),
	{}
};

static struct kunit_suite kdump_key_test_suite = {
	.name = "kdump_key",
	.init = kdump_key_test_init,
	.test_cases = kdump_key_test_cases,
};

kunit_test_suite(kdump_key_test_suite);
