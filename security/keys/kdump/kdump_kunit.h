/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the KUnit tests of the kdump key type.
 */

#ifndef _SECURITY_KEYS_KDUMP_KUNIT_H
#define _SECURITY_KEYS_KDUMP_KUNIT_H

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/types.h>

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

#endif /* _SECURITY_KEYS_KDUMP_KUNIT_H */
