// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the key segment handed to the capture kernel: the format
 * of a slot, the rejection of every kind of damage, the choice between the
 * two slots, a rewrite cut at every byte, and a fuzzer of the parser.
 *
 * The fuzzer's seed is printed; boot with blob_kunit.fuzz_seed=<seed> to
 * replay a run.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/align.h>
#include <linux/build_bug.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/byteorder.h>
#include "internal.h"
#include "kdump_kunit.h"

/* ------------------------------------------------------------------------
 * Suite kdump_key_blob: one slot of the key segment
 */

#define KDUMP_TEST_GENERATION	7

#define KDUMP_TEST_RECORD_SIZE(desc_len, key_len)			\
	ALIGN(sizeof(struct kdump_blob_record) + (desc_len) + (key_len), 8)

/*
 * The fixture: two keys in a blob of KDUMP_TEST_BLOB_SIZE bytes, and where
 * each of their fields lies, for the corruption table.
 */
#define KDUMP_TEST_BLOB_SIZE	256
#define KDUMP_TEST_DESC0	"kunit:a"
#define KDUMP_TEST_DESC0_LEN	(sizeof(KDUMP_TEST_DESC0) - 1)
#define KDUMP_TEST_KEY0_LEN	32
#define KDUMP_TEST_DESC1	"kunit:bb"
#define KDUMP_TEST_DESC1_LEN	(sizeof(KDUMP_TEST_DESC1) - 1)
#define KDUMP_TEST_KEY1_LEN	16

#define KDUMP_TEST_REC0		sizeof(struct kdump_blob_header)
#define KDUMP_TEST_REC1		(KDUMP_TEST_REC0 +			\
				 KDUMP_TEST_RECORD_SIZE(KDUMP_TEST_DESC0_LEN, \
							KDUMP_TEST_KEY0_LEN))
#define KDUMP_TEST_USED		(KDUMP_TEST_REC1 +			\
				 KDUMP_TEST_RECORD_SIZE(KDUMP_TEST_DESC1_LEN, \
							KDUMP_TEST_KEY1_LEN))

#define KDUMP_TEST_HDR(field)	offsetof(struct kdump_blob_header, field)
#define KDUMP_TEST_R0(field)	\
	(KDUMP_TEST_REC0 + offsetof(struct kdump_blob_record, field))
#define KDUMP_TEST_R1(field)	\
	(KDUMP_TEST_REC1 + offsetof(struct kdump_blob_record, field))
#define KDUMP_TEST_KEY0		(KDUMP_TEST_R0(data) + KDUMP_TEST_DESC0_LEN)
#define KDUMP_TEST_PAD0		(KDUMP_TEST_KEY0 + KDUMP_TEST_KEY0_LEN)
#define KDUMP_TEST_KEY1		(KDUMP_TEST_R1(data) + KDUMP_TEST_DESC1_LEN)

/* The first record ends in padding, covered by the digest */
static_assert(KDUMP_TEST_PAD0 < KDUMP_TEST_REC1);
static_assert(KDUMP_TEST_USED < KDUMP_TEST_BLOB_SIZE);

static const struct kdump_test_blob_key kdump_test_fixture_keys[] = {
	{ KDUMP_TEST_DESC0, KDUMP_TEST_KEY0_LEN, 0x10, KDUMP_RESTORE_USER },
	{ KDUMP_TEST_DESC1, KDUMP_TEST_KEY1_LEN, 0x20, KDUMP_RESTORE_LOGON },
};

static int kdump_test_append(struct kunit *test,
			     struct kdump_blob_writer *writer,
			     const struct kdump_test_blob_key *spec)
{
	return kdump_blob_append(writer, spec->desc,
				 kdump_test_payload(test, spec));
}

/* A set of keys, for kdump_test_fill_set() */
struct kdump_test_set {
	struct kunit *test;
	const struct kdump_test_blob_key *keys;
	size_t nr;
};

static int kdump_test_fill_set(struct kdump_blob_writer *writer, void *data)
{
	const struct kdump_test_set *set = data;
	size_t i;
	int ret;

	for (i = 0; i < set->nr; i++) {
		ret = kdump_test_append(set->test, writer, &set->keys[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* A sealed slot of @size bytes holding @keys */
static u8 *kdump_test_blob(struct kunit *test, size_t size,
			   const struct kdump_test_blob_key *keys, size_t nr)
{
	struct kdump_test_set set = { test, keys, nr };
	struct kdump_blob_writer writer;
	u8 *blob = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, blob);
	kdump_blob_begin(&writer, blob, size);
	KUNIT_ASSERT_EQ(test, kdump_test_fill_set(&writer, &set), 0);
	kdump_blob_seal(&writer, KDUMP_TEST_GENERATION);
	return blob;
}

/* The digest as the format defines it: the records, then the header */
static void kdump_test_reseal(u8 *blob)
{
	struct kdump_blob_header *hdr = (void *)blob;
	struct sha256_ctx sctx;

	sha256_init(&sctx);
	sha256_update(&sctx, blob + sizeof(*hdr),
		      le32_to_cpu(hdr->used) - sizeof(*hdr));
	sha256_update(&sctx, blob, offsetof(struct kdump_blob_header, digest));
	sha256_final(&sctx, hdr->digest);
}

static u8 *kdump_test_fixture(struct kunit *test)
{
	const struct kdump_blob_header *hdr;
	u8 *blob;

	blob = kdump_test_blob(test, KDUMP_TEST_BLOB_SIZE,
			       kdump_test_fixture_keys,
			       ARRAY_SIZE(kdump_test_fixture_keys));
	hdr = (const void *)blob;
	KUNIT_ASSERT_EQ(test, le32_to_cpu(hdr->used), KDUMP_TEST_USED);
	return blob;
}

static void kdump_test_expect_blob_key(struct kunit *test,
				       const struct kdump_blob_key *bkey,
				       const struct kdump_test_blob_key *spec)
{
	u8 *bytes = kdump_test_bytes(test, spec->key_len, spec->seed);

	KUNIT_ASSERT_EQ(test, bkey->desc_len, strlen(spec->desc));
	KUNIT_EXPECT_MEMEQ(test, bkey->desc, spec->desc, bkey->desc_len);
	KUNIT_ASSERT_EQ(test, bkey->key_len, spec->key_len);
	KUNIT_EXPECT_MEMEQ(test, bkey->key, bytes, bkey->key_len);
	KUNIT_EXPECT_EQ(test, bkey->restore, spec->restore);
}

/* kdump_blob_next() returns exactly @keys, in order */
static void kdump_test_expect_blob_keys(struct kunit *test, const void *blob,
					const struct kdump_test_blob_key *keys,
					size_t nr)
{
	struct kdump_blob_key bkey;
	size_t offset = 0, i;

	for (i = 0; i < nr; i++) {
		KUNIT_ASSERT_TRUE(test, kdump_blob_next(blob, &offset, &bkey));
		kdump_test_expect_blob_key(test, &bkey, &keys[i]);
	}
	KUNIT_EXPECT_FALSE(test, kdump_blob_next(blob, &offset, &bkey));
}

static void kdump_test_expect_valid(struct kunit *test, const void *blob,
				    size_t size)
{
	const char *why = NULL;

	KUNIT_EXPECT_EQ_MSG(test, kdump_blob_validate(blob, size, &why), 0,
			    "rejected: %s", why);
}

static void kdump_blob_record_size_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kdump_blob_record_size(0, 0), 8);
	KUNIT_EXPECT_EQ(test, kdump_blob_record_size(1, 1), 16);
	KUNIT_EXPECT_EQ(test, kdump_blob_record_size(7, 32), 48);
	KUNIT_EXPECT_EQ(test, kdump_blob_record_size(8, 16), 32);
	KUNIT_EXPECT_EQ(test, kdump_blob_record_size(KDUMP_KEY_MAX_DESC,
						     KDUMP_KEY_MAX_SIZE),
			4616);
}

static void kdump_blob_empty_test(struct kunit *test)
{
	const struct kdump_blob_header *hdr;
	u8 *blob;

	blob = kdump_test_blob(test, KDUMP_TEST_BLOB_SIZE, NULL, 0);
	hdr = (const void *)blob;
	kdump_test_expect_valid(test, blob, KDUMP_TEST_BLOB_SIZE);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->nr_keys), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->used), sizeof(*hdr));
	kdump_test_expect_blob_keys(test, blob, NULL, 0);
}

static void kdump_test_expect_header(struct kunit *test, const void *blob,
				     size_t size, size_t used, u32 nr_keys)
{
	const struct kdump_blob_header *hdr = blob;

	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->magic), KDUMP_BLOB_MAGIC);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(hdr->version), KDUMP_BLOB_VERSION);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(hdr->header_size), sizeof(*hdr));
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->capacity), size);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->used), used);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->nr_keys), nr_keys);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(hdr->generation),
			KDUMP_TEST_GENERATION);
}

static void kdump_blob_round_trip_test(struct kunit *test)
{
	static const struct kdump_test_blob_key keys[] = {
		{ "kunit:largest", KDUMP_KEY_MAX_SIZE, 0x31,
		  KDUMP_RESTORE_LOGON },
		{ "x:y", 1, 0x42, KDUMP_RESTORE_USER },
		{ "cryptsetup:uuid", 64, 0x53, KDUMP_RESTORE_USER },
	};
	const size_t size = 2048;
	size_t used = sizeof(struct kdump_blob_header), i;
	u8 *blob;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		used += kdump_blob_record_size(strlen(keys[i].desc),
					       keys[i].key_len);

	blob = kdump_test_blob(test, size, keys, ARRAY_SIZE(keys));
	kdump_test_expect_valid(test, blob, size);
	kdump_test_expect_header(test, blob, size, used, ARRAY_SIZE(keys));
	kdump_test_expect_blob_keys(test, blob, keys, ARRAY_SIZE(keys));
}

/* The longest description the keyring core allows, in a blob just as big */
static void kdump_blob_longest_description_test(struct kunit *test)
{
	struct kdump_test_blob_key key = {
		.key_len = KDUMP_KEY_MAX_SIZE,
		.seed = 0x64,
		.restore = KDUMP_RESTORE_LOGON,
	};
	size_t size = sizeof(struct kdump_blob_header) +
		      kdump_blob_record_size(KDUMP_KEY_MAX_DESC,
					     KDUMP_KEY_MAX_SIZE);
	char *desc = kunit_kmalloc(test, KDUMP_KEY_MAX_DESC + 1, GFP_KERNEL);
	u8 *blob;

	KUNIT_ASSERT_NOT_NULL(test, desc);
	memset(desc, 'd', KDUMP_KEY_MAX_DESC);
	memcpy(desc, "kunit:", strlen("kunit:"));
	desc[KDUMP_KEY_MAX_DESC] = '\0';
	key.desc = desc;

	blob = kdump_test_blob(test, size, &key, 1);
	kdump_test_expect_valid(test, blob, size);
	kdump_test_expect_header(test, blob, size, size, 1);
	kdump_test_expect_blob_keys(test, blob, &key, 1);
}

/* A key that does not fit leaves the blob as it was */
static void kdump_blob_full_test(struct kunit *test)
{
	const struct kdump_test_blob_key *keys = kdump_test_fixture_keys;
	const size_t size = KDUMP_TEST_USED - 8;
	u8 *blob = kunit_kzalloc(test, size, GFP_KERNEL);
	struct kdump_blob_writer writer;

	KUNIT_ASSERT_NOT_NULL(test, blob);
	kdump_blob_begin(&writer, blob, size);
	KUNIT_ASSERT_EQ(test, kdump_test_append(test, &writer, &keys[0]), 0);
	KUNIT_EXPECT_EQ(test, kdump_test_append(test, &writer, &keys[1]),
			-ENOSPC);
	KUNIT_EXPECT_NULL(test, memchr_inv(blob + KDUMP_TEST_REC1, 0,
					   size - KDUMP_TEST_REC1));

	kdump_blob_seal(&writer, KDUMP_TEST_GENERATION);
	kdump_test_expect_header(test, blob, size, KDUMP_TEST_REC1, 1);
	kdump_test_expect_valid(test, blob, size);
	kdump_test_expect_blob_keys(test, blob, keys, 1);
}

static void kdump_blob_one_byte_short_test(struct kunit *test)
{
	const struct kdump_test_blob_key *keys = kdump_test_fixture_keys;
	const size_t size = KDUMP_TEST_REC1 - 1;
	u8 *blob = kunit_kzalloc(test, size, GFP_KERNEL);
	struct kdump_blob_writer writer;

	KUNIT_ASSERT_NOT_NULL(test, blob);
	kdump_blob_begin(&writer, blob, size);
	KUNIT_EXPECT_EQ(test, kdump_test_append(test, &writer, &keys[0]),
			-ENOSPC);
	KUNIT_EXPECT_NULL(test, memchr_inv(blob + KDUMP_TEST_REC0, 0,
					   size - KDUMP_TEST_REC0));

	kdump_blob_seal(&writer, KDUMP_TEST_GENERATION);
	kdump_test_expect_header(test, blob, size, KDUMP_TEST_REC0, 0);
	kdump_test_expect_valid(test, blob, size);
}

struct kdump_blob_corruption {
	const char *desc;
	size_t offset;		/* of the first byte changed */
	unsigned int width;	/* bytes changed, little-endian; 0: none */
	u32 value;
	bool flip;		/* XOR @value in, rather than store it */
	bool reseal;		/* recompute the digest, to reach the check */
	size_t size;		/* given to kdump_blob_validate(); 0: all */
	const char *why;
};

/*
 * kdump_test_reseal() digests [header_size, used): no reseal where used is
 * out of bounds, it would read past the blob.
 */
static const struct kdump_blob_corruption kdump_blob_corruptions[] = {
	{
		.desc = "bad magic",
		.offset = KDUMP_TEST_HDR(magic),
		.width = 1, .value = 0x01, .flip = true, .reseal = true,
		.why = "bad magic",
	}, {
		.desc = "next version",
		.offset = KDUMP_TEST_HDR(version),
		.width = 2, .value = KDUMP_BLOB_VERSION + 1, .reseal = true,
		.why = "unknown version",
	}, {
		.desc = "version 0",
		.offset = KDUMP_TEST_HDR(version),
		.width = 2, .value = 0, .reseal = true,
		.why = "unknown version",
	}, {
		.desc = "header_size larger than the header",
		.offset = KDUMP_TEST_HDR(header_size),
		.width = 2, .value = KDUMP_TEST_REC0 + 8, .reseal = true,
		.why = "bad header size",
	}, {
		.desc = "header_size smaller than the header",
		.offset = KDUMP_TEST_HDR(header_size),
		.width = 2, .value = KDUMP_TEST_REC0 - 8, .reseal = true,
		.why = "bad header size",
	}, {
		.desc = "capacity smaller than the segment",
		.offset = KDUMP_TEST_HDR(capacity),
		.width = 4, .value = KDUMP_TEST_BLOB_SIZE - 8, .reseal = true,
		.why = "capacity does not match the segment",
	}, {
		.desc = "capacity larger than the segment",
		.offset = KDUMP_TEST_HDR(capacity),
		.width = 4, .value = KDUMP_TEST_BLOB_SIZE + 8, .reseal = true,
		.why = "capacity does not match the segment",
	}, {
		.desc = "used smaller than the header",
		.offset = KDUMP_TEST_HDR(used),
		.width = 4, .value = KDUMP_TEST_REC0 - 1,
		.why = "used size out of bounds",
	}, {
		.desc = "used 0",
		.offset = KDUMP_TEST_HDR(used),
		.width = 4, .value = 0,
		.why = "used size out of bounds",
	}, {
		.desc = "used past the segment",
		.offset = KDUMP_TEST_HDR(used),
		.width = 4, .value = KDUMP_TEST_BLOB_SIZE + 8,
		.why = "used size out of bounds",
	}, {
		.desc = "reserved header field set",
		.offset = KDUMP_TEST_HDR(reserved),
		.width = 4, .value = 1, .reseal = true,
		.why = "bad header size",
	}, {
		.desc = "more keys than the cap",
		.offset = KDUMP_TEST_HDR(nr_keys),
		.width = 4, .value = KDUMP_BLOB_MAX_KEYS + 1, .reseal = true,
		.why = "too many keys",
	}, {
		.desc = "more keys than records",
		.offset = KDUMP_TEST_HDR(nr_keys),
		.width = 4, .value = 3, .reseal = true,
		.why = "key count does not match the records",
	}, {
		.desc = "fewer keys than records",
		.offset = KDUMP_TEST_HDR(nr_keys),
		.width = 4, .value = 1, .reseal = true,
		.why = "key count does not match the records",
	}, {
		.desc = "no keys but records",
		.offset = KDUMP_TEST_HDR(nr_keys),
		.width = 4, .value = 0, .reseal = true,
		.why = "key count does not match the records",
	}, {
		.desc = "empty description",
		.offset = KDUMP_TEST_R0(desc_len),
		.width = 2, .value = 0, .reseal = true,
		.why = "bad description length",
	}, {
		.desc = "description of 4096 bytes",
		.offset = KDUMP_TEST_R0(desc_len),
		.width = 2, .value = KDUMP_KEY_MAX_DESC + 1, .reseal = true,
		.why = "bad description length",
	}, {
		.desc = "empty key",
		.offset = KDUMP_TEST_R0(key_len),
		.width = 2, .value = 0, .reseal = true,
		.why = "bad key length",
	}, {
		.desc = "key of 513 bytes",
		.offset = KDUMP_TEST_R0(key_len),
		.width = 2, .value = KDUMP_KEY_MAX_SIZE + 1, .reseal = true,
		.why = "bad key length",
	}, {
		.desc = "key of the last record past used",
		.offset = KDUMP_TEST_R1(key_len),
		.width = 2, .value = 100, .reseal = true,
		.why = "record past the end",
	}, {
		.desc = "description of the last record past used",
		.offset = KDUMP_TEST_R1(desc_len),
		.width = 2, .value = 200, .reseal = true,
		.why = "record past the end",
	}, {
		.desc = "used cutting the last record",
		.offset = KDUMP_TEST_HDR(used),
		.width = 4, .value = KDUMP_TEST_REC1 + 16, .reseal = true,
		.why = "record past the end",
	}, {
		.desc = "used cutting a record header",
		.offset = KDUMP_TEST_HDR(used),
		.width = 4, .value = KDUMP_TEST_REC1 + 4, .reseal = true,
		.why = "truncated record",
	}, {
		.desc = "restore type KDUMP_RESTORE_NR",
		.offset = KDUMP_TEST_R0(restore),
		.width = 1, .value = KDUMP_RESTORE_NR, .reseal = true,
		.why = "bad record flags",
	}, {
		.desc = "restore type 255",
		.offset = KDUMP_TEST_R1(restore),
		.width = 1, .value = 0xff, .reseal = true,
		.why = "bad record flags",
	}, {
		.desc = "unknown record flag set",
		.offset = KDUMP_TEST_R0(flags),
		.width = 1, .value = KDUMP_RECORD_FLAGS + 1, .reseal = true,
		.why = "bad record flags",
	}, {
		.desc = "reserved2 set",
		.offset = KDUMP_TEST_R1(reserved2),
		.width = 2, .value = 0x100, .reseal = true,
		.why = "bad record flags",
	}, {
		.desc = "NUL in a description",
		.offset = KDUMP_TEST_R0(data) + 2,
		.width = 1, .value = 0, .reseal = true,
		.why = "NUL in description",
	}, {
		.desc = "description without colon",
		.offset = KDUMP_TEST_R0(data) + 5,
		.width = 1, .value = '_', .reseal = true,
		.why = "description not of the form prefix:rest",
	}, {
		.desc = "description starting with a colon",
		.offset = KDUMP_TEST_R1(data),
		.width = 1, .value = ':', .reseal = true,
		.why = "description not of the form prefix:rest",
	}, {
		.desc = "flipped first key byte",
		.offset = KDUMP_TEST_KEY0,
		.width = 1, .value = 0x01, .flip = true,
		.why = "bad digest",
	}, {
		.desc = "flipped last key byte",
		.offset = KDUMP_TEST_KEY1 + KDUMP_TEST_KEY1_LEN - 1,
		.width = 1, .value = 0x80, .flip = true,
		.why = "bad digest",
	}, {
		.desc = "flipped description byte",
		.offset = KDUMP_TEST_R0(data),
		.width = 1, .value = 0x20, .flip = true,
		.why = "bad digest",
	}, {
		.desc = "flipped padding byte",
		.offset = KDUMP_TEST_PAD0,
		.width = 1, .value = 0x01, .flip = true,
		.why = "bad digest",
	}, {
		.desc = "flipped restore type",
		.offset = KDUMP_TEST_R0(restore),
		.width = 1, .value = 0x01, .flip = true,
		.why = "bad digest",
	}, {
		.desc = "flipped generation",
		.offset = KDUMP_TEST_HDR(generation),
		.width = 1, .value = 0x01, .flip = true,
		.why = "bad digest",
	}, {
		.desc = "flipped first digest byte",
		.offset = KDUMP_TEST_HDR(digest),
		.width = 1, .value = 0xff, .flip = true,
		.why = "bad digest",
	}, {
		.desc = "flipped last digest byte",
		.offset = KDUMP_TEST_HDR(digest) + SHA256_DIGEST_SIZE - 1,
		.width = 1, .value = 0x01, .flip = true,
		.why = "bad digest",
	}, {
		.desc = "segment of 1 byte",
		.size = 1,
		.why = "smaller than its header",
	}, {
		.desc = "segment smaller than the header",
		.size = KDUMP_TEST_REC0 - 1,
		.why = "smaller than its header",
	}, {
		.desc = "segment shorter than used",
		.size = KDUMP_TEST_USED - 1,
		.why = "capacity does not match the segment",
	}, {
		.desc = "segment and capacity shorter than used",
		.offset = KDUMP_TEST_HDR(capacity),
		.width = 4, .value = KDUMP_TEST_USED - 1, .reseal = true,
		.size = KDUMP_TEST_USED - 1,
		.why = "used size out of bounds",
	},
};

KUNIT_ARRAY_PARAM_DESC(kdump_blob_corruption, kdump_blob_corruptions, desc);

static void kdump_test_corrupt(u8 *blob,
			       const struct kdump_blob_corruption *corruption)
{
	u8 *p = blob + corruption->offset;
	unsigned int i;
	u8 byte;

	for (i = 0; i < corruption->width; i++) {
		byte = corruption->value >> (8 * i);
		p[i] = corruption->flip ? p[i] ^ byte : byte;
	}
}

static void kdump_blob_corruption_test(struct kunit *test)
{
	const struct kdump_blob_corruption *param = test->param_value;
	size_t size = param->size ?: KDUMP_TEST_BLOB_SIZE;
	const char *why = NULL;
	u8 *blob;

	blob = kdump_test_fixture(test);
	kdump_test_expect_valid(test, blob, KDUMP_TEST_BLOB_SIZE);

	kdump_test_corrupt(blob, param);
	if (param->reseal)
		kdump_test_reseal(blob);

	KUNIT_EXPECT_EQ(test, kdump_blob_validate(blob, size, &why), -EBADMSG);
	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_STREQ(test, why, param->why);
}

/* The writer stops at the cap the capture kernel enforces */
static void kdump_blob_max_keys_test(struct kunit *test)
{
	struct kdump_test_blob_key spec = { .key_len = 1, .seed = 0x75 };
	const size_t size = sizeof(struct kdump_blob_header) +
			    (KDUMP_BLOB_MAX_KEYS + 1) *
			    kdump_blob_record_size(8, 1);
	u8 *blob = kunit_kzalloc(test, size, GFP_KERNEL);
	struct kdump_blob_writer writer;
	char desc[16];
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, blob);
	spec.desc = desc;
	kdump_blob_begin(&writer, blob, size);
	for (i = 0; i < KDUMP_BLOB_MAX_KEYS; i++) {
		snprintf(desc, sizeof(desc), "k:%u", i);
		KUNIT_ASSERT_EQ(test, kdump_test_append(test, &writer, &spec),
				0);
	}
	KUNIT_EXPECT_EQ(test, kdump_test_append(test, &writer, &spec),
			-ENOSPC);
	kdump_blob_seal(&writer, KDUMP_TEST_GENERATION);
	kdump_test_expect_valid(test, blob, size);
	KUNIT_EXPECT_EQ(test, writer.nr_keys, KDUMP_BLOB_MAX_KEYS);
}

static struct kunit_case kdump_blob_test_cases[] = {
	KUNIT_CASE(kdump_blob_record_size_test),
	KUNIT_CASE(kdump_blob_empty_test),
	KUNIT_CASE(kdump_blob_round_trip_test),
	KUNIT_CASE(kdump_blob_longest_description_test),
	KUNIT_CASE(kdump_blob_full_test),
	KUNIT_CASE(kdump_blob_one_byte_short_test),
	KUNIT_CASE(kdump_blob_max_keys_test),
	KUNIT_CASE_PARAM(kdump_blob_corruption_test,
			 kdump_blob_corruption_gen_params),
	{}
};

static struct kunit_suite kdump_blob_test_suite = {
	.name = "kdump_key_blob",
	.test_cases = kdump_blob_test_cases,
};

/* ------------------------------------------------------------------------
 * Suite kdump_key_segment: two slots, rewrites cut short, and the parser
 * under random damage
 */

#define KDUMP_TEST_SLOT		512

static const struct kdump_test_blob_key kdump_test_keys_a[] = {
	{ "cryptsetup:uuid-a", 64, 0x11, KDUMP_RESTORE_USER },
	{ "cryptsetup:uuid-b", 32, 0x22, KDUMP_RESTORE_LOGON },
};

/* uuid-a rotated, uuid-b revoked, uuid-c added */
static const struct kdump_test_blob_key kdump_test_keys_b[] = {
	{ "cryptsetup:uuid-a", 64, 0x33, KDUMP_RESTORE_USER },
	{ "cryptsetup:uuid-c", 64, 0x44, KDUMP_RESTORE_USER },
};

static u8 *kdump_test_segment(struct kunit *test,
			      struct kdump_keys_segment *seg)
{
	u8 *segment = kunit_kzalloc(test, 2 * KDUMP_TEST_SLOT, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, segment);
	*seg = (struct kdump_keys_segment) {
		.memsz = 2 * KDUMP_TEST_SLOT,
		.current_slot = 1,
	};
	return segment;
}

static int kdump_test_rewrite(struct kunit *test,
			      struct kdump_keys_segment *seg, u8 *segment,
			      const struct kdump_test_blob_key *keys, size_t nr)
{
	struct kdump_test_set set = { test, keys, nr };

	return kdump_blob_rewrite(seg, segment, kdump_test_fill_set, &set);
}

/* The slot holds exactly @keys, in order; no KUnit expectation inside */
static bool kdump_test_slot_holds(const void *slot,
				  const struct kdump_test_blob_key *keys,
				  size_t nr)
{
	u8 bytes[KDUMP_KEY_MAX_SIZE];
	struct kdump_blob_key bkey;
	size_t offset = 0, i;

	for (i = 0; i < nr; i++) {
		if (!kdump_blob_next(slot, &offset, &bkey))
			return false;
		kdump_test_fill(bytes, keys[i].key_len, keys[i].seed);
		if (bkey.desc_len != strlen(keys[i].desc) ||
		    memcmp(bkey.desc, keys[i].desc, bkey.desc_len) ||
		    bkey.key_len != keys[i].key_len ||
		    memcmp(bkey.key, bytes, bkey.key_len) ||
		    bkey.restore != keys[i].restore)
			return false;
	}
	return !kdump_blob_next(slot, &offset, &bkey);
}

static void kdump_segment_empty_test(struct kunit *test)
{
	struct kdump_keys_segment seg;
	u8 *segment = kdump_test_segment(test, &seg);
	const char *why = NULL;

	KUNIT_EXPECT_NULL(test, kdump_blob_pick_slot(segment, seg.memsz, &why));
	KUNIT_EXPECT_STREQ(test, why, "no valid slot");
}

/* Each rewrite fills the other slot, wipes the old one, counts up */
static void kdump_segment_rewrite_test(struct kunit *test)
{
	static const struct {
		const struct kdump_test_blob_key *keys;
		size_t nr;
	} steps[] = {
		{ kdump_test_keys_a, ARRAY_SIZE(kdump_test_keys_a) },
		{ kdump_test_keys_b, ARRAY_SIZE(kdump_test_keys_b) },
		{ NULL, 0 },
	};
	struct kdump_keys_segment seg;
	u8 *segment = kdump_test_segment(test, &seg);
	const char *why = NULL;
	const void *slot;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		KUNIT_ASSERT_EQ(test, kdump_test_rewrite(test, &seg, segment,
							 steps[i].keys,
							 steps[i].nr), 0);
		KUNIT_EXPECT_EQ(test, seg.generation, i + 1);
		KUNIT_EXPECT_EQ(test, seg.current_slot, i % 2);
		slot = kdump_blob_pick_slot(segment, seg.memsz, &why);
		KUNIT_ASSERT_PTR_EQ(test, slot,
				    (const void *)segment + (i % 2) * KDUMP_TEST_SLOT);
		KUNIT_EXPECT_TRUE(test, kdump_test_slot_holds(slot, steps[i].keys,
							      steps[i].nr));
		KUNIT_EXPECT_NULL(test, memchr_inv(segment + ((i + 1) % 2) *
						   KDUMP_TEST_SLOT, 0,
						   KDUMP_TEST_SLOT));
	}
}

/* A set that does not fit leaves the segment and its state as they were */
static void kdump_segment_rewrite_full_test(struct kunit *test)
{
	static const struct kdump_test_blob_key big[] = {
		{ "k:1", KDUMP_KEY_MAX_SIZE, 0x51, KDUMP_RESTORE_USER },
	};
	struct kdump_keys_segment seg, before;
	u8 *segment = kdump_test_segment(test, &seg);
	u8 *copy;

	KUNIT_ASSERT_EQ(test, kdump_test_rewrite(test, &seg, segment,
						 kdump_test_keys_a,
						 ARRAY_SIZE(kdump_test_keys_a)),
			0);
	copy = kunit_kmalloc(test, seg.memsz, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	memcpy(copy, segment, seg.memsz);
	before = seg;

	KUNIT_EXPECT_EQ(test, kdump_test_rewrite(test, &seg, segment, big,
						 ARRAY_SIZE(big)), -ENOSPC);
	KUNIT_EXPECT_MEMEQ(test, segment, copy, seg.memsz);
	KUNIT_EXPECT_EQ(test, seg.generation, before.generation);
	KUNIT_EXPECT_EQ(test, seg.current_slot, before.current_slot);
}

static void kdump_test_write_slot(struct kunit *test, u8 *slot, u64 generation,
				  const struct kdump_test_blob_key *keys,
				  size_t nr)
{
	struct kdump_test_set set = { test, keys, nr };
	struct kdump_blob_writer writer;

	kdump_blob_begin(&writer, slot, KDUMP_TEST_SLOT);
	KUNIT_ASSERT_EQ(test, kdump_test_fill_set(&writer, &set), 0);
	kdump_blob_seal(&writer, generation);
}

/* Both slots valid (a crash between the seal and the wipe): the newer wins */
static void kdump_segment_newest_test(struct kunit *test)
{
	struct kdump_keys_segment seg;
	u8 *segment = kdump_test_segment(test, &seg);
	const char *why;

	kdump_test_write_slot(test, segment, 5, kdump_test_keys_a,
			      ARRAY_SIZE(kdump_test_keys_a));
	kdump_test_write_slot(test, segment + KDUMP_TEST_SLOT, 4,
			      kdump_test_keys_b, ARRAY_SIZE(kdump_test_keys_b));
	KUNIT_EXPECT_PTR_EQ(test, kdump_blob_pick_slot(segment, seg.memsz, &why),
			    (const void *)segment);

	kdump_test_write_slot(test, segment + KDUMP_TEST_SLOT, 6,
			      kdump_test_keys_b, ARRAY_SIZE(kdump_test_keys_b));
	KUNIT_EXPECT_PTR_EQ(test, kdump_blob_pick_slot(segment, seg.memsz, &why),
			    (const void *)segment + KDUMP_TEST_SLOT);
}

/* A damaged newer slot falls back to the older one, else says why */
static void kdump_segment_damaged_test(struct kunit *test)
{
	struct kdump_keys_segment seg;
	u8 *segment = kdump_test_segment(test, &seg);
	const char *why = NULL;

	kdump_test_write_slot(test, segment + KDUMP_TEST_SLOT, 9,
			      kdump_test_keys_b, ARRAY_SIZE(kdump_test_keys_b));
	segment[KDUMP_TEST_SLOT + KDUMP_TEST_HDR(digest)] ^= 1;
	KUNIT_EXPECT_NULL(test, kdump_blob_pick_slot(segment, seg.memsz, &why));
	KUNIT_EXPECT_STREQ(test, why, "bad digest");

	kdump_test_write_slot(test, segment, 8, kdump_test_keys_a,
			      ARRAY_SIZE(kdump_test_keys_a));
	KUNIT_EXPECT_PTR_EQ(test, kdump_blob_pick_slot(segment, seg.memsz, &why),
			    (const void *)segment);
}

static void kdump_segment_bad_size_test(struct kunit *test)
{
	struct kdump_keys_segment seg;
	u8 *segment = kdump_test_segment(test, &seg);
	const char *why = NULL;

	KUNIT_ASSERT_EQ(test, kdump_test_rewrite(test, &seg, segment,
						 kdump_test_keys_a,
						 ARRAY_SIZE(kdump_test_keys_a)),
			0);
	KUNIT_EXPECT_NULL(test, kdump_blob_pick_slot(segment, seg.memsz - 8,
						     &why));
	KUNIT_EXPECT_STREQ(test, why,
			   "segment size not a multiple of the slot alignment");
	KUNIT_EXPECT_NULL(test,
			  kdump_blob_pick_slot(segment,
					       2 * (KDUMP_BLOB_MAX_SLOT + 16),
					       &why));
	KUNIT_EXPECT_STREQ(test, why, "segment larger than the slots allowed");
}

/*
 * Stands in for kdump_blob_store(): stores the first @budget bytes and
 * loses the rest, as a crash would.  test->priv is the struct kdump_test_cut.
 */
struct kdump_test_cut {
	size_t budget;
	size_t stored;
};

static void kdump_test_cut_store(void *dst, const void *src, size_t len)
{
	struct kdump_test_cut *cut = kunit_get_current_test()->priv;
	size_t n = min(len, cut->budget);

	if (src)
		memcpy(dst, src, n);
	else
		memset(dst, 0, n);
	cut->budget -= n;
	cut->stored += len;
}

struct kdump_cut_case {
	const char *desc;
	const struct kdump_test_blob_key *from, *to;
	size_t nr_from, nr_to;
};

static const struct kdump_cut_case kdump_cut_cases[] = {
	{ "rotate, revoke and add", kdump_test_keys_a, kdump_test_keys_b,
	  ARRAY_SIZE(kdump_test_keys_a), ARRAY_SIZE(kdump_test_keys_b) },
	{ "revoke one", kdump_test_keys_a, kdump_test_keys_a,
	  ARRAY_SIZE(kdump_test_keys_a), 1 },
	{ "revoke the last", kdump_test_keys_b, NULL,
	  ARRAY_SIZE(kdump_test_keys_b), 0 },
	{ "add to none", NULL, kdump_test_keys_a,
	  0, ARRAY_SIZE(kdump_test_keys_a) },
};

KUNIT_ARRAY_PARAM_DESC(kdump_cut, kdump_cut_cases, desc);

/*
 * Crash after every number of bytes a rewrite stores: the capture kernel
 * finds the old set or the new set, never a mix and never nothing.
 */
static void kdump_segment_cut_test(struct kunit *test)
{
	const struct kdump_cut_case *param = test->param_value;
	struct kdump_test_cut cut = { };
	struct kdump_keys_segment seg, from;
	unsigned int nr_old = 0, nr_new = 0;
	u8 *segment, *old;
	size_t total, k;
	const char *why;
	const void *slot;

	old = kdump_test_segment(test, &from);
	KUNIT_ASSERT_EQ(test, kdump_test_rewrite(test, &from, old, param->from,
						 param->nr_from), 0);
	segment = kunit_kmalloc(test, from.memsz, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, segment);

	test->priv = &cut;
	kunit_activate_static_stub(test, kdump_blob_store,
				   kdump_test_cut_store);
	cut.budget = SIZE_MAX;
	memcpy(segment, old, from.memsz);
	seg = from;
	KUNIT_ASSERT_EQ(test, kdump_test_rewrite(test, &seg, segment,
						 param->to, param->nr_to), 0);
	total = cut.stored;

	for (k = 0; k <= total; k++) {
		memcpy(segment, old, from.memsz);
		seg = from;
		cut.budget = k;
		kdump_test_rewrite(test, &seg, segment, param->to,
				   param->nr_to);
		slot = kdump_blob_pick_slot(segment, seg.memsz, &why);
		KUNIT_ASSERT_NOT_NULL_MSG(test, slot, "cut after %zu of %zu bytes: %s",
					  k, total, why);
		if (kdump_test_slot_holds(slot, param->to, param->nr_to))
			nr_new++;
		else if (kdump_test_slot_holds(slot, param->from, param->nr_from))
			nr_old++;
		else
			KUNIT_FAIL(test, "cut after %zu of %zu bytes: a mix", k,
				   total);
	}
	KUNIT_EXPECT_GT(test, nr_old, 0);
	KUNIT_EXPECT_GT(test, nr_new, 0);
	kunit_info(test, "%zu cuts: %u found the old set, %u the new set\n",
		   total + 1, nr_old, nr_new);
}

/*
 * Fuzzer: random valid segments (every record count up to the cap, lengths
 * at their bounds), then bit flips, truncations, random bytes and fields set
 * to boundary values, with or without a recomputed digest.  The parser must
 * not crash (KASAN watches every read), and without a recomputed digest it
 * must never accept a slot whose bytes changed.
 */
#define KDUMP_FUZZ_CASES	100000
#define KDUMP_FUZZ_PER_BASE	50

static u64 kdump_fuzz_seed;
module_param_named(fuzz_seed, kdump_fuzz_seed, ullong, 0444);

struct kdump_fuzz {
	struct kunit *test;
	struct rnd_state rnd;
	struct kdump_key_payload *payload;
	char desc[KDUMP_KEY_MAX_DESC + 1];
	u8 *pristine, *segment;
	size_t size, slot_size;
	unsigned int nr_keys;
	bool big;
	unsigned int rejected, unchanged, resealed, corrupt;
};

static u32 kdump_fuzz_below(struct kdump_fuzz *fz, u32 n)
{
	return prandom_u32_state(&fz->rnd) % n;
}

/* Lengths: mostly small, often at a bound */
static size_t kdump_fuzz_len(struct kdump_fuzz *fz, size_t max, bool small)
{
	switch (kdump_fuzz_below(fz, 8)) {
	case 0:
		return 1;
	case 1:
		return small ? 2 : max;
	default:
		return 1 + kdump_fuzz_below(fz, small ? 8 : 64);
	}
}

static int kdump_fuzz_fill(struct kdump_blob_writer *writer, void *data)
{
	struct kdump_fuzz *fz = data;
	char *desc = fz->desc;
	size_t len, i;
	unsigned int n;
	int ret;

	for (n = 0; n < fz->nr_keys; n++) {
		len = 2 + kdump_fuzz_len(fz, KDUMP_KEY_MAX_DESC - 2, !fz->big);
		desc[0] = 'p';
		desc[1] = ':';
		for (i = 2; i < len; i++)
			desc[i] = 'a' + kdump_fuzz_below(fz, 26);
		desc[len] = '\0';
		fz->payload->keylen = kdump_fuzz_len(fz, KDUMP_KEY_MAX_SIZE,
						     !fz->big);
		fz->payload->restore = kdump_fuzz_below(fz, KDUMP_RESTORE_NR);
		prandom_bytes_state(&fz->rnd, fz->payload->keydata,
				    fz->payload->keylen);
		ret = kdump_blob_append(writer, desc, fz->payload);
		if (ret)
			return ret;
	}
	return 0;
}

/* A new valid segment: one slot in use, or both (a crash before a wipe) */
static void kdump_fuzz_base(struct kdump_fuzz *fz, unsigned int base)
{
	struct kdump_keys_segment seg = {
		.current_slot = 1,
	};
	struct rnd_state saved;

	fz->big = !kdump_fuzz_below(fz, 16);
	fz->nr_keys = base % 4 ? kdump_fuzz_below(fz, 6) :
				 base / 4 % (KDUMP_BLOB_MAX_KEYS + 1);
	if (fz->nr_keys > 5)
		fz->big = false;
	/* Room for the worst case of each kind, to keep copies short */
	if (fz->big)
		fz->slot_size = 24 * 1024;
	else if (fz->nr_keys > 5)
		fz->slot_size = 9 * 1024;
	else
		fz->slot_size = 512;
	fz->slot_size += 8 * kdump_fuzz_below(fz, 4);
	seg.memsz = 2 * fz->slot_size;
	fz->size = seg.memsz;
	memset(fz->pristine, 0, fz->size);

	saved = fz->rnd;
	KUNIT_ASSERT_EQ(fz->test, kdump_blob_rewrite(&seg, fz->pristine,
						     kdump_fuzz_fill, fz), 0);
	if (kdump_fuzz_below(fz, 2)) {
		/* The same keys again in the other slot, one generation up */
		fz->rnd = saved;
		kdump_blob_rewrite(&seg, fz->pristine, kdump_fuzz_fill, fz);
		memcpy(fz->pristine, fz->pristine + fz->slot_size,
		       fz->slot_size);
		((struct kdump_blob_header *)fz->pristine)->generation =
			cpu_to_le64(1);
		kdump_test_reseal(fz->pristine);
	}
}

static const u32 kdump_fuzz_values[] = {
	0, 1, 2, 7, 8, 0xff, 0x100, 0xffff, 0x10000, 0xffffffff,
	sizeof(struct kdump_blob_header) - 1, sizeof(struct kdump_blob_header),
	KDUMP_KEY_MAX_DESC, KDUMP_KEY_MAX_DESC + 1,
	KDUMP_KEY_MAX_SIZE, KDUMP_KEY_MAX_SIZE + 1,
	KDUMP_BLOB_MAX_KEYS, KDUMP_BLOB_MAX_KEYS + 1,
	KDUMP_BLOB_MAX_SLOT, KDUMP_BLOB_MAX_SLOT + 8,
	KDUMP_RESTORE_NR, KDUMP_BLOB_VERSION + 1,
};

/* Offsets and widths of the header fields and of a record's fields */
static const struct {
	u8 offset, width;
} kdump_fuzz_header_fields[] = {
	{ 0, 4 }, { 4, 2 }, { 6, 2 }, { 8, 4 }, { 12, 4 }, { 16, 4 },
	{ 20, 4 }, { 24, 8 }, { 32, 1 }, { 63, 1 },
}, kdump_fuzz_record_fields[] = {
	{ 0, 1 }, { 1, 1 }, { 2, 2 }, { 4, 2 }, { 6, 2 }, { 8, 1 },
};

static void kdump_fuzz_store(u8 *p, unsigned int width, u32 value)
{
	unsigned int i;

	for (i = 0; i < width; i++)
		p[i] = i < 4 ? value >> (8 * i) : 0;
}

/* Set a field of slot @slot to a boundary value; returns its offset */
static size_t kdump_fuzz_field(struct kdump_fuzz *fz, unsigned int slot)
{
	u8 *base = fz->segment + slot * fz->slot_size;
	const struct kdump_blob_header *hdr = (const void *)base;
	u32 value = kdump_fuzz_values[kdump_fuzz_below(fz,
					ARRAY_SIZE(kdump_fuzz_values))];
	size_t offset = sizeof(*hdr), used = le32_to_cpu(hdr->used);
	unsigned int target, i, f;
	struct kdump_blob_key bkey;

	target = kdump_fuzz_below(fz, fz->nr_keys + 1);
	if (!target || used > fz->slot_size) {
		f = kdump_fuzz_below(fz, ARRAY_SIZE(kdump_fuzz_header_fields));
		kdump_fuzz_store(base + kdump_fuzz_header_fields[f].offset,
				 kdump_fuzz_header_fields[f].width, value);
		return kdump_fuzz_header_fields[f].offset;
	}
	for (i = 1; i < target; i++)
		if (!kdump_blob_next(base, &offset, &bkey))
			break;
	if (offset >= used)
		offset = sizeof(*hdr);
	f = kdump_fuzz_below(fz, ARRAY_SIZE(kdump_fuzz_record_fields));
	kdump_fuzz_store(base + offset + kdump_fuzz_record_fields[f].offset,
			 kdump_fuzz_record_fields[f].width, value);
	return offset;
}

/* Damage the copy; returns true if a digest was recomputed */
static bool kdump_fuzz_mutate(struct kdump_fuzz *fz)
{
	unsigned int slot = kdump_fuzz_below(fz, KDUMP_BLOB_NR_SLOTS);
	struct kdump_blob_header *hdr;
	size_t i, n, at;

	switch (kdump_fuzz_below(fz, 5)) {
	case 0:
		n = 1 + kdump_fuzz_below(fz, 4);
		for (i = 0; i < n; i++) {
			at = kdump_fuzz_below(fz, fz->size * 8);
			fz->segment[at / 8] ^= 1 << (at % 8);
		}
		return false;
	case 1:
		fz->size = kdump_fuzz_below(fz, fz->size);
		return false;
	case 2:
		at = kdump_fuzz_below(fz, fz->size);
		n = min_t(size_t, 1 + kdump_fuzz_below(fz, 16), fz->size - at);
		prandom_bytes_state(&fz->rnd, fz->segment + at, n);
		return false;
	case 3:
		kdump_fuzz_field(fz, slot);
		return false;
	default:
		kdump_fuzz_field(fz, slot);
		hdr = (void *)fz->segment + slot * fz->slot_size;
		if (le32_to_cpu(hdr->used) < sizeof(*hdr) ||
		    le32_to_cpu(hdr->used) > fz->slot_size)
			return false;
		kdump_test_reseal((u8 *)hdr);
		return true;
	}
}

/* Every key of an accepted slot lies within it */
static bool kdump_fuzz_in_bounds(const void *slot, size_t slot_size)
{
	struct kdump_blob_key bkey;
	size_t offset = 0;

	while (kdump_blob_next(slot, &offset, &bkey))
		if (bkey.key + bkey.key_len > (const u8 *)slot + slot_size)
			return false;
	return offset <= slot_size;
}

static void kdump_fuzz_one(struct kdump_fuzz *fz, size_t size)
{
	const struct kdump_blob_header *hdr;
	const u8 *slot;
	const char *why;
	bool resealed;

	fz->size = size;
	memcpy(fz->segment, fz->pristine, size);
	resealed = kdump_fuzz_mutate(fz);

	slot = kdump_blob_pick_slot(fz->segment, fz->size, &why);
	if (!slot) {
		fz->rejected++;
		return;
	}
	hdr = (const void *)slot;
	if (fz->size == size &&
	    !memcmp(slot, fz->pristine + (slot - fz->segment),
		    le32_to_cpu(hdr->used))) {
		fz->unchanged++;
	} else if (resealed) {
		fz->resealed++;
		if (!kdump_fuzz_in_bounds(slot, fz->size / KDUMP_BLOB_NR_SLOTS))
			fz->corrupt++;
	} else {
		fz->corrupt++;
	}
}

static void kdump_segment_fuzz_test(struct kunit *test)
{
	u64 seed = kdump_fuzz_seed ?: get_random_u64();
	struct kdump_fuzz *fz = kunit_kzalloc(test, sizeof(*fz), GFP_KERNEL);
	const size_t max = 2 * (24 * 1024 + 32);
	unsigned int i;
	size_t size = 0;

	KUNIT_ASSERT_NOT_NULL(test, fz);
	fz->test = test;
	fz->pristine = kunit_kzalloc(test, max, GFP_KERNEL);
	fz->segment = kunit_kzalloc(test, max, GFP_KERNEL);
	fz->payload = kunit_kzalloc(test, struct_size(fz->payload, keydata,
						      KDUMP_KEY_MAX_SIZE),
				    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fz->pristine);
	KUNIT_ASSERT_NOT_NULL(test, fz->segment);
	KUNIT_ASSERT_NOT_NULL(test, fz->payload);
	prandom_seed_state(&fz->rnd, seed);

	for (i = 0; i < KDUMP_FUZZ_CASES; i++) {
		if (i % KDUMP_FUZZ_PER_BASE == 0) {
			kdump_fuzz_base(fz, i / KDUMP_FUZZ_PER_BASE);
			size = fz->size;
		}
		kdump_fuzz_one(fz, size);
		if (fz->corrupt) {
			KUNIT_FAIL(test, "case %u accepted a damaged slot, seed %llu",
				   i, seed);
			break;
		}
		cond_resched();
	}
	kunit_info(test, "kdump_key_fuzz: %u cases seed %llu: %u rejected, %u unchanged accepted, %u resealed accepted, %u corruptions accepted\n",
		   i, seed, fz->rejected, fz->unchanged, fz->resealed,
		   fz->corrupt);
}

static struct kunit_case kdump_segment_test_cases[] = {
	KUNIT_CASE(kdump_segment_empty_test),
	KUNIT_CASE(kdump_segment_rewrite_test),
	KUNIT_CASE(kdump_segment_rewrite_full_test),
	KUNIT_CASE(kdump_segment_newest_test),
	KUNIT_CASE(kdump_segment_damaged_test),
	KUNIT_CASE(kdump_segment_bad_size_test),
	KUNIT_CASE_PARAM(kdump_segment_cut_test, kdump_cut_gen_params),
	KUNIT_CASE_SLOW(kdump_segment_fuzz_test),
	{}
};

static struct kunit_suite kdump_segment_test_suite = {
	.name = "kdump_key_segment",
	.test_cases = kdump_segment_test_cases,
};

kunit_test_suites(&kdump_blob_test_suite, &kdump_segment_test_suite);
