/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdump key type internals shared by the key type, the kexec hooks, the
 * capture-kernel restore code and the KUnit tests.
 */

#ifndef _SECURITY_KEYS_KDUMP_INTERNAL_H
#define _SECURITY_KEYS_KDUMP_INTERNAL_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <crypto/sha2.h>

#define KDUMP_KEY_MAX_SIZE	512		/* bytes of one volume key */
#define KDUMP_KEY_MAX_OPTIONS	PAGE_SIZE	/* bytes of an options payload */
#define KDUMP_KEY_MAX_DESC	4095		/* as the keyring core allows */

enum kdump_key_state {
	KDUMP_KEY_PENDING,	/* not in the loaded capture image (yet) */
	KDUMP_KEY_LOADED,	/* in the blob of the loaded capture image */
	KDUMP_KEY_RESTORED,	/* recreated by a capture kernel */
};

enum kdump_key_restore {
	KDUMP_RESTORE_USER,
	KDUMP_RESTORE_LOGON,
	KDUMP_RESTORE_NR,
};

/**
 * struct kdump_key_payload - the preserved copy of a volume key
 * @rcu: frees the payload after the last RCU reader (->describe)
 * @node: entry in kdump_keys_live, under kdump_keys_lock
 * @key: the key holding this payload, valid while on kdump_keys_live
 * @state: enum kdump_key_state, read locklessly by ->describe
 * @restore: enum kdump_key_restore, type recreated in the capture kernel
 * @keylen: length of @keydata
 * @keydata: the volume key
 */
struct kdump_key_payload {
	struct rcu_head rcu;
	struct list_head node;
	struct key *key;
	u8 state;
	u8 restore;
	u16 keylen;
	u8 keydata[] __counted_by(keylen);
};

/*
 * kdump_keys_lock serialises the list of live payloads against the code
 * that writes them into, or wipes them from, the crash image's segment.
 */
extern struct mutex kdump_keys_lock;
extern struct list_head kdump_keys_live;

int kdump_key_vet_description(const char *desc);
void kdump_keys_restore(void);
const char *kdump_key_restore_name(enum kdump_key_restore restore);

/*
 * Blob handed to the capture kernel: a header, then one record per key.
 * Every field is little-endian; records are 8-byte aligned.  The digest
 * covers the header (with the digest zeroed) and all records, so a torn
 * or overwritten blob is rejected.  @capacity is the size of the segment,
 * with room to rewrite the blob in place with more keys; @generation tells
 * rewrites apart.
 */
#define KDUMP_BLOB_MAGIC	0x594b444bU	/* "KDKY" */
#define KDUMP_BLOB_VERSION	1

struct kdump_blob_header {
	__le32 magic;
	__le16 version;
	__le16 header_size;
	__le32 capacity;
	__le32 used;
	__le32 nr_keys;
	__le32 generation;
	u8 digest[SHA256_DIGEST_SIZE];
};

struct kdump_blob_record {
	u8 restore;
	u8 reserved;
	__le16 desc_len;
	__le16 key_len;
	__le16 reserved2;
	u8 data[];	/* description without NUL, then the key */
};

/**
 * struct kdump_blob_key - one key read back from a validated blob
 * @desc: description, not NUL-terminated
 * @desc_len: length of @desc
 * @key: key bytes
 * @key_len: length of @key
 * @restore: enum kdump_key_restore
 */
struct kdump_blob_key {
	const char *desc;
	size_t desc_len;
	const u8 *key;
	size_t key_len;
	enum kdump_key_restore restore;
};

size_t kdump_blob_record_size(size_t desc_len, size_t key_len);
void kdump_blob_init(void *blob, size_t capacity);
int kdump_blob_append(void *blob, const char *desc,
		      const struct kdump_key_payload *payload);
void kdump_blob_seal(void *blob, u32 generation);
int kdump_blob_validate(const void *blob, size_t size, const char **why);
bool kdump_blob_next(const void *blob, size_t *offset,
		     struct kdump_blob_key *key);

#endif /* _SECURITY_KEYS_KDUMP_INTERNAL_H */
