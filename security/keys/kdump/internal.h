/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdump key type internals shared by the key type, the kexec hooks, the
 * capture-kernel restore code and the KUnit tests.
 */

#ifndef _SECURITY_KEYS_KDUMP_INTERNAL_H
#define _SECURITY_KEYS_KDUMP_INTERNAL_H

#include <linux/key.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <crypto/sha2.h>
#include <keys/kdump-type.h>

#define KDUMP_KEY_MAX_SIZE	512		/* bytes of one volume key */
#define KDUMP_KEY_MAX_OPTIONS	4096		/* bytes of options, any arch */
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
 * @flags: KDUMP_RECORD_* flags of its record in the blob
 * @keylen: length of @keydata
 * @keydata: the volume key
 */
struct kdump_key_payload {
	struct rcu_head rcu;
	struct list_head node;
	struct key *key;
	u8 state;
	u8 restore;
	u8 flags;
	u16 keylen;
	u8 keydata[] __counted_by(keylen);
};

/**
 * struct kdump_key_copy - a key copied once, when a crash image is loaded
 * @node: entry in kdump_keys_copies, or in a list being built
 * @desc: description of the logon key it was copied from
 * @payload: the copy, restored in the capture kernel on request
 *
 * The copies of CRASH_DM_CRYPT's configfs keys: they go into the same key
 * segment as the kdump keys, and are never updated in place.
 */
struct kdump_key_copy {
	struct list_head node;
	char *desc;
	struct kdump_key_payload *payload;
};

/*
 * kdump_keys_lock serialises the list of live payloads, the loaded crash
 * image's key segment and the protection of its pages: every change to the
 * list is written to crash memory before the lock is dropped.
 */
extern struct mutex kdump_keys_lock;
extern struct list_head kdump_keys_live;
extern struct list_head kdump_keys_copies;

struct kdump_key_payload *kdump_key_copy_logon(const char *desc);

int kdump_key_vet_description(const char *desc);
const char *kdump_key_restore_name(enum kdump_key_restore restore);
int kdump_keys_check_limits(void);
int kdump_keys_rewrite(void);
void kdump_keys_forget(void);

/*
 * Key segment handed to the capture kernel: two slots of equal size, each a
 * complete blob (a header, then one record per key) with its own generation
 * and digest.  A rewrite fills the slot that does not hold the newest
 * generation, then wipes the other one, so that a crash at any instant
 * leaves a valid slot with either the old or the new set of keys.  The
 * capture kernel takes the valid slot with the highest generation.
 *
 * Every field is little-endian; records are 8-byte aligned.  The digest
 * covers the records, then the header up to the digest, so a torn or
 * overwritten slot is rejected.  Both the writer and the reader enforce
 * KDUMP_BLOB_MAX_KEYS and KDUMP_BLOB_MAX_SLOT, which bound what a capture
 * kernel allocates before init.
 */
#define KDUMP_BLOB_MAGIC	0x594b444bU	/* "KDKY" */
#define KDUMP_BLOB_VERSION	KDUMP_KEYS_FORMAT_VERSION
#define KDUMP_BLOB_MAX_KEYS	256
#define KDUMP_BLOB_MAX_SLOT	(256 * 1024)
#define KDUMP_BLOB_NR_SLOTS	2

struct kdump_blob_header {
	__le32 magic;
	__le16 version;
	__le16 header_size;
	__le32 capacity;
	__le32 used;
	__le32 nr_keys;
	__le32 reserved;
	__le64 generation;
	u8 digest[SHA256_DIGEST_SIZE];
};

/*
 * A record restored only when user space asks, through configfs
 * (CRASH_DM_CRYPT's "restore"), not at boot
 */
#define KDUMP_RECORD_ON_REQUEST	0x01
#define KDUMP_RECORD_FLAGS	KDUMP_RECORD_ON_REQUEST

struct kdump_blob_record {
	u8 restore;
	u8 flags;
	__le16 desc_len;
	__le16 key_len;
	__le16 reserved2;
	u8 data[];	/* description without NUL, then the key */
};

#if IS_ENABLED(CONFIG_KUNIT)
void kdump_blob_store(void *dst, const void *src, size_t len);
#endif

/**
 * struct kdump_blob_writer - fills one slot, front to back, header last
 * @slot: start of the slot
 * @capacity: bytes in the slot
 * @used: bytes the header and the records written so far take
 * @nr_keys: records written so far
 * @sctx: digest of the records written so far
 */
struct kdump_blob_writer {
	u8 *slot;
	size_t capacity;
	size_t used;
	u32 nr_keys;
	struct sha256_ctx sctx;
};

/* Appends the keys of the new set with kdump_blob_append() */
typedef int (*kdump_blob_fill_t)(struct kdump_blob_writer *writer,
				 void *data);

/**
 * struct kdump_blob_key - one key read back from a validated blob
 * @desc: description, not NUL-terminated
 * @desc_len: length of @desc
 * @key: key bytes
 * @key_len: length of @key
 * @restore: enum kdump_key_restore
 * @flags: KDUMP_RECORD_* flags
 */
struct kdump_blob_key {
	const char *desc;
	size_t desc_len;
	const u8 *key;
	size_t key_len;
	enum kdump_key_restore restore;
	u8 flags;
};

size_t kdump_blob_record_size(size_t desc_len, size_t key_len);
void kdump_blob_begin(struct kdump_blob_writer *writer, void *slot,
		      size_t capacity);
int kdump_blob_append(struct kdump_blob_writer *writer, const char *desc,
		      const struct kdump_key_payload *payload);
void kdump_blob_seal(struct kdump_blob_writer *writer, u64 generation);
int kdump_blob_rewrite(struct kdump_keys_segment *seg, void *segment,
		       kdump_blob_fill_t fill, void *data);
int kdump_blob_validate(const void *blob, size_t size, const char **why);
bool kdump_blob_next(const void *blob, size_t *offset,
		     struct kdump_blob_key *key);
const void *kdump_blob_pick_slot(const void *segment, size_t size,
				 const char **why);

unsigned int kdump_keys_restore_slot(key_ref_t keyring, const void *slot,
				     unsigned int *total);
int kdump_keys_restore_on_request(key_ref_t keyring, const void *slot);

#ifdef CONFIG_KEYS_KDUMP_KUNIT_TEST
void kdump_keys_test_damage(void *segment, size_t size);
#else
static inline void kdump_keys_test_damage(void *segment, size_t size) { }
#endif

#endif /* _SECURITY_KEYS_KDUMP_INTERNAL_H */
