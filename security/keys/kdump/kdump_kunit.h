/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the KUnit tests of the kdump key type.
 */

#ifndef _SECURITY_KEYS_KDUMP_KUNIT_H
#define _SECURITY_KEYS_KDUMP_KUNIT_H

#include <kunit/test.h>
#include <linux/list.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/types.h>
#include "internal.h"

/* The bytes of a volume key, different for each @seed */
static inline void kdump_test_fill(u8 *bytes, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		bytes[i] = seed + 13 * i;
}

static inline u8 *kdump_test_bytes(struct kunit *test, size_t len, u8 seed)
{
	u8 *bytes = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, bytes);
	kdump_test_fill(bytes, len, seed);
	return bytes;
}

/* What a test puts into a blob, and expects back from it */
struct kdump_test_blob_key {
	const char *desc;
	size_t key_len;
	u8 seed;
	enum kdump_key_restore restore;
};

/* A payload as a kdump key would hold it, freed with the test */
static inline struct kdump_key_payload *
kdump_test_payload(struct kunit *test, const struct kdump_test_blob_key *spec)
{
	struct kdump_key_payload *payload;

	payload = kunit_kzalloc(test, struct_size(payload, keydata,
						  spec->key_len), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, payload);
	INIT_LIST_HEAD(&payload->node);
	payload->restore = spec->restore;
	payload->keylen = spec->key_len;
	kdump_test_fill(payload->keydata, spec->key_len, spec->seed);
	return payload;
}

#endif /* _SECURITY_KEYS_KDUMP_KUNIT_H */
