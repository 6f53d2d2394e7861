// SPDX-License-Identifier: GPL-2.0
/*
 * Serialisation of kdump keys for the capture kernel, and the checks the
 * capture kernel applies before it trusts a single byte of it.
 *
 * The blob lives in crash kernel memory, which the capture kernel sees as
 * whatever the crashed kernel left there: every size and offset is checked
 * against the bounds before use, and the digest must match.
 */

#include <linux/align.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include "internal.h"

#define KDUMP_BLOB_ALIGN	8

/**
 * kdump_blob_record_size - bytes a key takes in the blob
 * @desc_len: length of the description, without NUL
 * @key_len: length of the key
 *
 * Return: the record size, padding included.
 */
size_t kdump_blob_record_size(size_t desc_len, size_t key_len)
{
	return ALIGN(sizeof(struct kdump_blob_record) + desc_len + key_len,
		     KDUMP_BLOB_ALIGN);
}

/**
 * kdump_blob_init - write an empty blob
 * @blob: start of the blob
 * @capacity: bytes available at @blob, at least the header size
 *
 * Zeroes the whole area, so that nothing of an earlier blob survives.
 */
void kdump_blob_init(void *blob, size_t capacity)
{
	struct kdump_blob_header *hdr = blob;

	memzero_explicit(blob, capacity);
	hdr->magic = cpu_to_le32(KDUMP_BLOB_MAGIC);
	hdr->version = cpu_to_le16(KDUMP_BLOB_VERSION);
	hdr->header_size = cpu_to_le16(sizeof(*hdr));
	hdr->capacity = cpu_to_le32(capacity);
	hdr->used = cpu_to_le32(sizeof(*hdr));
}

/**
 * kdump_blob_append - add one key to a blob
 * @blob: blob set up by kdump_blob_init()
 * @desc: the key's description
 * @payload: the key's payload
 *
 * This is the only copy of the key bytes the first kernel makes.
 *
 * Return: 0, -EINVAL for a record the capture kernel would reject, or
 * -ENOSPC if the key does not fit.
 */
int kdump_blob_append(void *blob, const char *desc,
		      const struct kdump_key_payload *payload)
{
	struct kdump_blob_header *hdr = blob;
	size_t desc_len = strlen(desc);
	size_t used = le32_to_cpu(hdr->used);
	size_t size = kdump_blob_record_size(desc_len, payload->keylen);
	struct kdump_blob_record *rec;

	/* Never write a record the capture kernel would reject */
	if (!desc_len || desc_len > KDUMP_KEY_MAX_DESC || !payload->keylen ||
	    payload->keylen > KDUMP_KEY_MAX_SIZE)
		return -EINVAL;
	if (size > le32_to_cpu(hdr->capacity) - used)
		return -ENOSPC;

	rec = blob + used;
	rec->restore = payload->restore;
	rec->desc_len = cpu_to_le16(desc_len);
	rec->key_len = cpu_to_le16(payload->keylen);
	memcpy(rec->data, desc, desc_len);
	memcpy(rec->data + desc_len, payload->keydata, payload->keylen);

	hdr->used = cpu_to_le32(used + size);
	le32_add_cpu(&hdr->nr_keys, 1);
	return 0;
}

static void kdump_blob_digest(const void *blob, u8 *digest)
{
	const struct kdump_blob_header *hdr = blob;
	struct sha256_state sctx;
	size_t start = le16_to_cpu(hdr->header_size);

	sha256_init(&sctx);
	sha256_update(&sctx, blob, offsetof(struct kdump_blob_header, digest));
	sha256_update(&sctx, blob + start, le32_to_cpu(hdr->used) - start);
	sha256_final(&sctx, digest);
}

/**
 * kdump_blob_seal - finish a blob after the last kdump_blob_append()
 * @blob: the blob
 * @generation: counter that tells rewrites apart
 */
void kdump_blob_seal(void *blob, u32 generation)
{
	struct kdump_blob_header *hdr = blob;

	hdr->generation = cpu_to_le32(generation);
	kdump_blob_digest(blob, hdr->digest);
}

static const char *kdump_blob_check_record(const struct kdump_blob_record *rec,
					   size_t room, size_t *size)
{
	size_t desc_len, key_len;
	const char *colon;

	if (room < sizeof(*rec))
		return "truncated record";
	desc_len = le16_to_cpu(rec->desc_len);
	key_len = le16_to_cpu(rec->key_len);
	if (!desc_len || desc_len > KDUMP_KEY_MAX_DESC)
		return "bad description length";
	if (!key_len || key_len > KDUMP_KEY_MAX_SIZE)
		return "bad key length";
	*size = kdump_blob_record_size(desc_len, key_len);
	if (*size > room)
		return "record past the end";
	if (rec->restore >= KDUMP_RESTORE_NR || rec->reserved || rec->reserved2)
		return "bad record flags";
	if (memchr(rec->data, '\0', desc_len))
		return "NUL in description";
	colon = memchr(rec->data, ':', desc_len);
	if (!colon || colon == (const char *)rec->data)
		return "description not of the form prefix:rest";
	return NULL;
}

static const char *kdump_blob_check_header(const struct kdump_blob_header *hdr,
					   size_t size)
{
	if (size < sizeof(*hdr))
		return "smaller than its header";
	if (le32_to_cpu(hdr->magic) != KDUMP_BLOB_MAGIC)
		return "bad magic";
	if (le16_to_cpu(hdr->version) != KDUMP_BLOB_VERSION)
		return "unknown version";
	if (le16_to_cpu(hdr->header_size) != sizeof(*hdr))
		return "bad header size";
	if (le32_to_cpu(hdr->capacity) != size)
		return "capacity does not match the segment";
	if (le32_to_cpu(hdr->used) < sizeof(*hdr) ||
	    le32_to_cpu(hdr->used) > size)
		return "used size out of bounds";
	return NULL;
}

/**
 * kdump_blob_validate - check a blob before reading any key from it
 * @blob: the blob
 * @size: bytes mapped at @blob
 * @why: set to a static reason on failure, for the one log line
 *
 * Return: 0 if every record lies within the bounds, the record count matches
 * and the digest is right; -EBADMSG otherwise.
 */
int kdump_blob_validate(const void *blob, size_t size, const char **why)
{
	const struct kdump_blob_header *hdr = blob;
	u8 digest[SHA256_DIGEST_SIZE];
	size_t offset, used, rec_size;
	u32 nr = 0;

	*why = kdump_blob_check_header(hdr, size);
	if (*why)
		return -EBADMSG;

	used = le32_to_cpu(hdr->used);
	for (offset = sizeof(*hdr); offset < used; offset += rec_size) {
		*why = kdump_blob_check_record(blob + offset, used - offset,
					       &rec_size);
		if (*why)
			return -EBADMSG;
		nr++;
	}
	if (nr != le32_to_cpu(hdr->nr_keys)) {
		*why = "key count does not match the records";
		return -EBADMSG;
	}

	kdump_blob_digest(blob, digest);
	if (memcmp(digest, hdr->digest, sizeof(digest))) {
		*why = "bad digest";
		return -EBADMSG;
	}
	return 0;
}

/**
 * kdump_blob_next - iterate over the keys of a validated blob
 * @blob: blob accepted by kdump_blob_validate()
 * @offset: iterator, 0 before the first call
 * @key: filled with the next key
 *
 * Return: false after the last key.
 */
bool kdump_blob_next(const void *blob, size_t *offset,
		     struct kdump_blob_key *key)
{
	const struct kdump_blob_header *hdr = blob;
	const struct kdump_blob_record *rec;

	if (!*offset)
		*offset = sizeof(*hdr);
	if (*offset >= le32_to_cpu(hdr->used))
		return false;

	rec = blob + *offset;
	key->desc_len = le16_to_cpu(rec->desc_len);
	key->key_len = le16_to_cpu(rec->key_len);
	key->desc = (const char *)rec->data;
	key->key = rec->data + key->desc_len;
	key->restore = rec->restore;
	*offset += kdump_blob_record_size(key->desc_len, key->key_len);
	return true;
}
