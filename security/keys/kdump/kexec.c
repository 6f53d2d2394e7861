// SPDX-License-Identifier: GPL-2.0
/*
 * First kernel: put the kdump keys into the crash image.
 *
 * kexec_file_load() of a crash image reserves one segment at a random page
 * of crash kernel memory (kdump_keys_add_segment()), leaves it out of
 * purgatory's digest so that it can be rewritten in place
 * (kdump_keys_is_segment()), fills it once the other segments are copied
 * (kdump_keys_post_load()) and wipes it when the image goes away
 * (kdump_keys_image_free()).  This is the only copy of the keys the first
 * kernel makes: from each payload straight into crash kernel memory.  The
 * architecture tells the capture kernel where the segment is and unmaps it
 * while the image is loaded.
 */

#define pr_fmt(fmt) "kdump_keys: " fmt

#include <linux/io.h>
#include <linux/kexec.h>
#include <linux/key.h>
#include <keys/kdump-type.h>
#include "internal.h"

/*
 * Room beyond the keys of the moment: for keys added while the image loads,
 * and for rewriting the blob in place when keys change while it is loaded.
 */
#define KDUMP_KEYS_HEADROOM	(16 * 1024)

/*
 * The key segment of the crash image being loaded or loaded; there is only
 * one crash image at a time.  Under kdump_keys_lock.
 */
static struct {
	const struct kimage *image;
	unsigned long mem;
	unsigned long memsz;
	bool loaded;
	u32 generation;
} kdump_keys_segment;

/* Revoked keys leave the list at once; these wait for the garbage collector */
static bool kdump_key_is_live(const struct key *key)
{
	return refcount_read(&key->usage) && !key_validate(key);
}

static unsigned long kdump_keys_segment_size(void)
{
	struct kdump_key_payload *payload;
	size_t size = sizeof(struct kdump_blob_header);

	list_for_each_entry(payload, &kdump_keys_live, node)
		size += kdump_blob_record_size(strlen(payload->key->description),
					       payload->keylen);
	return PAGE_ALIGN(size + KDUMP_KEYS_HEADROOM);
}

/**
 * kdump_keys_add_segment - reserve the key segment of a crash image
 * @image: the crash image being loaded
 * @mem: set to the physical address of the segment
 * @memsz: set to the size of the segment
 *
 * The segment is placed at a random page of crash kernel memory; kexec
 * fills it with zeroes, kdump_keys_post_load() writes the keys.
 *
 * Return: 0 or the error of kexec_add_buffer().
 */
int kdump_keys_add_segment(struct kimage *image, unsigned long *mem,
			   unsigned long *memsz)
{
	struct kexec_buf kbuf = {
		.image		= image,
		.buf_align	= PAGE_SIZE,
		.buf_max	= ULONG_MAX,
		.mem		= KEXEC_BUF_MEM_UNKNOWN,
		.random		= true,
	};
	int ret;

	mutex_lock(&kdump_keys_lock);
	kbuf.memsz = kdump_keys_segment_size();
	ret = kexec_add_buffer(&kbuf);
	if (!ret) {
		kdump_keys_segment.image = image;
		kdump_keys_segment.mem = kbuf.mem;
		kdump_keys_segment.memsz = kbuf.memsz;
		kdump_keys_segment.loaded = false;
		*mem = kbuf.mem;
		*memsz = kbuf.memsz;
	}
	mutex_unlock(&kdump_keys_lock);
	return ret;
}

/**
 * kdump_keys_is_segment - tell purgatory's digest to skip the key segment
 * @image: the image whose segments are hashed
 * @mem: physical address of a segment
 *
 * The keys are checked by the capture kernel's own digest instead.
 *
 * Return: true if @mem is the key segment of @image.
 */
bool kdump_keys_is_segment(const struct kimage *image, unsigned long mem)
{
	bool ret;

	mutex_lock(&kdump_keys_lock);
	ret = kdump_keys_segment.image == image &&
	      kdump_keys_segment.mem == mem;
	mutex_unlock(&kdump_keys_lock);
	return ret;
}

static void kdump_keys_set_state(enum kdump_key_state from,
				 enum kdump_key_state to)
{
	struct kdump_key_payload *payload;

	list_for_each_entry(payload, &kdump_keys_live, node)
		if (payload->state == from && kdump_key_is_live(payload->key))
			WRITE_ONCE(payload->state, to);
}

static int kdump_keys_write(void *blob, size_t size)
{
	struct kdump_key_payload *payload;
	int ret;

	kdump_blob_init(blob, size);
	list_for_each_entry(payload, &kdump_keys_live, node) {
		if (!kdump_key_is_live(payload->key))
			continue;
		ret = kdump_blob_append(blob, payload->key->description,
					payload);
		if (ret) {
			memzero_explicit(blob, size);
			return ret;
		}
	}
	kdump_blob_seal(blob, ++kdump_keys_segment.generation);
	return 0;
}

/**
 * kdump_keys_post_load - write the keys into the loaded segment
 * @image: the crash image, its segments copied to crash kernel memory
 *
 * Return: 0, or -ENOSPC if keys were added since the segment was sized.
 */
int kdump_keys_post_load(struct kimage *image)
{
	void *blob;
	int ret;

	mutex_lock(&kdump_keys_lock);
	if (kdump_keys_segment.image != image) {
		mutex_unlock(&kdump_keys_lock);
		return 0;
	}

	blob = memremap(kdump_keys_segment.mem, kdump_keys_segment.memsz,
			MEMREMAP_WB);
	if (!blob) {
		ret = -ENOMEM;
		goto out;
	}
	ret = kdump_keys_write(blob, kdump_keys_segment.memsz);
	memunmap(blob);
	if (ret) {
		pr_warn_ratelimited("keys added during the load do not fit, load again\n");
		goto out;
	}
	kdump_keys_segment.loaded = true;
	kdump_keys_set_state(KDUMP_KEY_PENDING, KDUMP_KEY_LOADED);
out:
	mutex_unlock(&kdump_keys_lock);
	return ret;
}

/**
 * kdump_keys_image_free - wipe the key segment of a crash image
 * @image: the image being freed, after its memory was made writable
 */
void kdump_keys_image_free(const struct kimage *image)
{
	void *blob;

	mutex_lock(&kdump_keys_lock);
	if (kdump_keys_segment.image == image) {
		blob = memremap(kdump_keys_segment.mem,
				kdump_keys_segment.memsz, MEMREMAP_WB);
		if (blob) {
			memzero_explicit(blob, kdump_keys_segment.memsz);
			memunmap(blob);
		}
		if (kdump_keys_segment.loaded)
			kdump_keys_set_state(KDUMP_KEY_LOADED,
					     KDUMP_KEY_PENDING);
		kdump_keys_segment.image = NULL;
		kdump_keys_segment.loaded = false;
	}
	mutex_unlock(&kdump_keys_lock);
}

/**
 * kdump_keys_loaded_range - where the keys of the loaded crash image are
 * @mem: set to the physical address of the segment
 * @memsz: set to its size
 *
 * Return: false if no crash image with keys is loaded.
 */
bool kdump_keys_loaded_range(unsigned long *mem, unsigned long *memsz)
{
	bool loaded;

	mutex_lock(&kdump_keys_lock);
	loaded = kdump_keys_segment.loaded;
	*mem = kdump_keys_segment.mem;
	*memsz = kdump_keys_segment.memsz;
	mutex_unlock(&kdump_keys_lock);
	return loaded;
}
