// SPDX-License-Identifier: GPL-2.0
/*
 * Serialisation of kdump keys for the capture kernel, and the checks the
 * capture kernel applies before it trusts a single byte of it.
 *
 * The segment lives in crash kernel memory, which the capture kernel sees
 * as whatever the crashed kernel left there: every size and offset is
 * checked against the bounds before use, and the digest must match.  The
 * capture kernel reads a private copy, so nothing changes under the checks.
 */

#include <linux/align.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <asm/barrier.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
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

/*
 * Every byte of a slot goes through here: KUnit replaces it to crash a
 * rewrite after any number of bytes.  A production kernel calls it directly.
 */
VISIBLE_IF_KUNIT void kdump_blob_store(void *dst, const void *src, size_t len)
{
	KUNIT_STATIC_STUB_REDIRECT(kdump_blob_store, dst, src, len);

	if (src)
		memcpy(dst, src, len);
	else
		memzero_explicit(dst, len);
}

/* Store and digest the next @len bytes of the slot */
static void kdump_blob_put(struct kdump_blob_writer *writer, const void *src,
			   size_t len)
{
	static const u8 zeroes[KDUMP_BLOB_ALIGN];

	kdump_blob_store(writer->slot + writer->used, src, len);
	sha256_update(&writer->sctx, src ?: zeroes, len);
	writer->used += len;
}

/**
 * kdump_blob_begin - start writing a slot
 * @writer: the writer to set up
 * @slot: the slot, wiped after its last use
 * @capacity: bytes in the slot
 *
 * Records go first; kdump_blob_seal() writes the header last, so that the
 * slot is valid only once it is complete.
 */
void kdump_blob_begin(struct kdump_blob_writer *writer, void *slot,
		      size_t capacity)
{
	writer->slot = slot;
	writer->capacity = capacity;
	writer->used = sizeof(struct kdump_blob_header);
	writer->nr_keys = 0;
	sha256_init(&writer->sctx);
}

/**
 * kdump_blob_append - write one key into a slot
 * @writer: writer set up by kdump_blob_begin()
 * @desc: the key's description
 * @payload: the key's payload
 *
 * This is the only copy of the key bytes the first kernel makes.
 *
 * Return: 0, -EINVAL for a record the capture kernel would reject, or
 * -ENOSPC if the key does not fit.
 */
int kdump_blob_append(struct kdump_blob_writer *writer, const char *desc,
		      const struct kdump_key_payload *payload)
{
	size_t desc_len = strlen(desc);
	size_t size = kdump_blob_record_size(desc_len, payload->keylen);
	size_t len = sizeof(struct kdump_blob_record) + desc_len +
		     payload->keylen;
	struct kdump_blob_record rec = {
		.restore = payload->restore,
		.flags = payload->flags,
		.desc_len = cpu_to_le16(desc_len),
		.key_len = cpu_to_le16(payload->keylen),
	};

	/* Never write a record the capture kernel would reject */
	if (!desc_len || desc_len > KDUMP_KEY_MAX_DESC || !payload->keylen ||
	    payload->keylen > KDUMP_KEY_MAX_SIZE)
		return -EINVAL;
	if (size > writer->capacity - writer->used ||
	    writer->nr_keys >= KDUMP_BLOB_MAX_KEYS)
		return -ENOSPC;

	kdump_blob_put(writer, &rec, sizeof(rec));
	kdump_blob_put(writer, desc, desc_len);
	kdump_blob_put(writer, payload->keydata, payload->keylen);
	kdump_blob_put(writer, NULL, size - len);
	writer->nr_keys++;
	return 0;
}

/**
 * kdump_blob_seal - write the header, which makes the slot valid
 * @writer: the writer, after the last kdump_blob_append()
 * @generation: higher than that of any slot written before
 */
void kdump_blob_seal(struct kdump_blob_writer *writer, u64 generation)
{
	struct kdump_blob_header hdr = {
		.magic = cpu_to_le32(KDUMP_BLOB_MAGIC),
		.version = cpu_to_le16(KDUMP_BLOB_VERSION),
		.header_size = cpu_to_le16(sizeof(hdr)),
		.capacity = cpu_to_le32(writer->capacity),
		.used = cpu_to_le32(writer->used),
		.nr_keys = cpu_to_le32(writer->nr_keys),
		.generation = cpu_to_le64(generation),
	};

	sha256_update(&writer->sctx, (const u8 *)&hdr,
		      offsetof(struct kdump_blob_header, digest));
	sha256_final(&writer->sctx, hdr.digest);
	kdump_blob_store(writer->slot, &hdr, sizeof(hdr));
	memzero_explicit(&writer->sctx, sizeof(writer->sctx));
}

/**
 * kdump_blob_rewrite - replace the set of keys in a key segment
 * @seg: the segment's state: its size, current slot and generation
 * @segment: the segment, mapped
 * @fill: appends the new set of keys
 * @data: passed to @fill
 *
 * Fills the slot that is not current, then wipes the current one.  A crash
 * at any instant leaves the old set (the new slot is incomplete, so its
 * digest fails) or the new set (complete, with a higher generation).
 *
 * Return: 0, or the error of @fill with the segment unchanged.
 */
int kdump_blob_rewrite(struct kdump_keys_segment *seg, void *segment,
		       kdump_blob_fill_t fill, void *data)
{
	size_t slot_size = seg->memsz / KDUMP_BLOB_NR_SLOTS;
	unsigned int next = (seg->current_slot + 1) % KDUMP_BLOB_NR_SLOTS;
	struct kdump_blob_writer writer;
	int ret;

	kdump_blob_begin(&writer, segment + next * slot_size, slot_size);
	ret = fill(&writer, data);
	if (ret) {
		memzero_explicit(&writer.sctx, sizeof(writer.sctx));
		kdump_blob_store(writer.slot, NULL, writer.used);
		return ret;
	}
	kdump_blob_seal(&writer, seg->generation + 1);

	/* Order the complete new slot before the wipe of the old one */
	wmb();
	kdump_blob_store(segment + seg->current_slot * slot_size, NULL,
			 slot_size);
	seg->current_slot = next;
	seg->generation++;
	return 0;
}

static void kdump_blob_digest(const void *blob, u8 *digest)
{
	const struct kdump_blob_header *hdr = blob;
	struct sha256_ctx sctx;

	sha256_init(&sctx);
	sha256_update(&sctx, blob + sizeof(*hdr),
		      le32_to_cpu(hdr->used) - sizeof(*hdr));
	sha256_update(&sctx, blob, offsetof(struct kdump_blob_header, digest));
	sha256_final(&sctx, digest);
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
	if (rec->restore >= KDUMP_RESTORE_NR ||
	    rec->flags & ~KDUMP_RECORD_FLAGS || rec->reserved2)
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
	if (le16_to_cpu(hdr->header_size) != sizeof(*hdr) || hdr->reserved)
		return "bad header size";
	if (le32_to_cpu(hdr->capacity) != size)
		return "capacity does not match the segment";
	if (le32_to_cpu(hdr->used) < sizeof(*hdr) ||
	    le32_to_cpu(hdr->used) > size)
		return "used size out of bounds";
	if (le32_to_cpu(hdr->nr_keys) > KDUMP_BLOB_MAX_KEYS)
		return "too many keys";
	return NULL;
}

/**
 * kdump_blob_validate - check one slot before reading any key from it
 * @blob: the slot
 * @size: bytes of the slot
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
 * kdump_blob_next - iterate over the keys of a validated slot
 * @blob: slot accepted by kdump_blob_validate()
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
	key->flags = rec->flags;
	*offset += kdump_blob_record_size(key->desc_len, key->key_len);
	return true;
}

static u64 kdump_blob_generation(const void *blob)
{
	return le64_to_cpu(((const struct kdump_blob_header *)blob)->generation);
}

/**
 * kdump_blob_pick_slot - find the newest complete slot of a key segment
 * @segment: the segment, KDUMP_BLOB_NR_SLOTS slots of equal size
 * @size: bytes of the segment
 * @why: set to a static reason when no slot is valid
 *
 * A slot being written or wiped at the time of the crash fails its checks;
 * the other one then holds the complete set of keys from before.
 *
 * Return: the valid slot with the highest generation, or NULL.
 */
const void *kdump_blob_pick_slot(const void *segment, size_t size,
				 const char **why)
{
	size_t slot_size = size / KDUMP_BLOB_NR_SLOTS;
	const void *best = NULL, *slot;
	const char *reason;
	unsigned int i;

	if (size % (KDUMP_BLOB_NR_SLOTS * KDUMP_BLOB_ALIGN)) {
		*why = "segment size not a multiple of the slot alignment";
		return NULL;
	}
	if (slot_size > KDUMP_BLOB_MAX_SLOT) {
		*why = "segment larger than the slots allowed";
		return NULL;
	}

	*why = "no valid slot";
	for (i = 0; i < KDUMP_BLOB_NR_SLOTS; i++) {
		slot = segment + i * slot_size;
		if (kdump_blob_validate(slot, slot_size, &reason)) {
			/* An empty slot is normal; a damaged one says why */
			if (memchr_inv(slot, 0, slot_size))
				*why = reason;
			continue;
		}
		if (!best ||
		    kdump_blob_generation(slot) > kdump_blob_generation(best))
			best = slot;
	}
	return best;
}
