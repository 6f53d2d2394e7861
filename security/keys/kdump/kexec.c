// SPDX-License-Identifier: GPL-2.0
/*
 * First kernel: keep the kdump keys in the loaded crash image.
 *
 * kexec_file_load() of a crash image adds a key segment after all the other
 * segments, at a random page of what is left of crash kernel memory
 * (kdump_keys_add_segment()); purgatory's digest leaves it out
 * (kdump_keys_is_segment()), so that the keys can be written once the other
 * segments are copied (kdump_keys_post_load()) and rewritten in place
 * whenever a kdump key changes (kdump_keys_rewrite()).  The segment is wiped
 * when its image is freed, which the kexec syscalls do with the kexec lock
 * held, and on reboot.  The key pages stay out of the kernel's mappings
 * except while they are written.
 *
 * Each key is copied once, from its payload straight into crash memory.
 */

#define pr_fmt(fmt) "kdump_keys: " fmt

#include <linux/io.h>
#include <linux/kexec.h>
#include <linux/key.h>
#include <linux/minmax.h>
#include <linux/reboot.h>
#include <keys/kdump-type.h>
#include "internal.h"

/*
 * Room in each slot beyond the keys of the moment, for keys added while
 * the image is loaded: about 120 LUKS2 volume keys with their descriptions.
 */
#define KDUMP_KEYS_HEADROOM	(16 * 1024)

/*
 * The loaded crash image whose segment holds the keys.  Set when the image
 * is loaded and cleared when it is freed, both with the kexec lock held,
 * so it never outlives the image.  Under kdump_keys_lock, as are the two
 * flags below.
 */
static struct kimage *kdump_keys_image;
/* The key pages of kdump_keys_image are out of the kernel's mappings */
static bool kdump_keys_hidden;
/* The system is going down: no key goes into crash memory any more */
static bool kdump_keys_shutdown;

/* Revoked keys leave the list at once; these wait for the garbage collector */
static bool kdump_key_is_live(const struct key *key)
{
	return refcount_read(&key->usage) && !key_validate(key);
}

/* Bytes one slot needs for the live keys, and how many there are */
static size_t kdump_keys_blob_size(unsigned int *nr)
{
	struct kdump_key_payload *payload;
	size_t size = sizeof(struct kdump_blob_header);

	*nr = 0;
	list_for_each_entry(payload, &kdump_keys_live, node) {
		if (!kdump_key_is_live(payload->key))
			continue;
		size += kdump_blob_record_size(strlen(payload->key->description),
					       payload->keylen);
		(*nr)++;
	}
	return size;
}

/**
 * kdump_keys_check_limits - check that the live keys fit in one slot
 *
 * Return: 0, or -ENOSPC if a capture kernel would reject them.
 */
int kdump_keys_check_limits(void)
{
	unsigned int nr;

	lockdep_assert_held(&kdump_keys_lock);
	if (kdump_keys_blob_size(&nr) > KDUMP_BLOB_MAX_SLOT ||
	    nr > KDUMP_BLOB_MAX_KEYS)
		return -ENOSPC;
	return 0;
}

static int kdump_keys_fill(struct kdump_blob_writer *writer, void *data)
{
	struct kdump_key_payload *payload;
	int ret;

	list_for_each_entry(payload, &kdump_keys_live, node) {
		if (!kdump_key_is_live(payload->key))
			continue;
		ret = kdump_blob_append(writer, payload->key->description,
					payload);
		if (ret)
			return ret;
	}
	return 0;
}

/* /proc/keys says "loaded" exactly for the keys in crash memory */
static void kdump_keys_mark(bool written)
{
	struct kdump_key_payload *payload;
	u8 state;

	list_for_each_entry(payload, &kdump_keys_live, node) {
		state = written && kdump_key_is_live(payload->key) ?
			KDUMP_KEY_LOADED : KDUMP_KEY_PENDING;
		if (payload->state != KDUMP_KEY_RESTORED || written)
			WRITE_ONCE(payload->state, state);
	}
}

static int kdump_keys_set_hidden(const struct kdump_keys_segment *seg,
				 bool hide)
{
	int ret = arch_kdump_keys_protect(seg->mem, seg->memsz, hide);

	if (ret)
		pr_err_ratelimited("cannot %s the key pages: %d\n",
				   hide ? "unmap" : "map", ret);
	else
		kdump_keys_hidden = hide;
	return ret;
}

/*
 * Are the key pages of @image out of the kernel's mappings?  Only those of
 * the loaded image ever are: kdump_keys_crashkres_protect() takes them out
 * with the rest of crash memory, so that a stray read cannot reach them.
 * memremap() of RAM hands back the direct map, so before the segment is
 * written or wiped its pages must be put back, and then taken out again.
 */
static bool kdump_keys_is_hidden(const struct kimage *image)
{
	return image == kdump_keys_image && kdump_keys_hidden;
}

/*
 * Map the segment of @image for writing, for as short a time as possible.
 * @hidden tells kdump_keys_unmap() whether to take the pages out again.
 */
static void *kdump_keys_map(struct kimage *image, bool *hidden)
{
	struct kdump_keys_segment *seg = &image->kdump_keys;
	void *segment;

	*hidden = kdump_keys_is_hidden(image);
	if (*hidden && kdump_keys_set_hidden(seg, false))
		return NULL;
	segment = memremap(seg->mem, seg->memsz, MEMREMAP_WB);
	if (!segment && *hidden)
		kdump_keys_set_hidden(seg, true);
	return segment;
}

static void kdump_keys_unmap(struct kimage *image, void *segment, bool hidden)
{
	memunmap(segment);
	if (hidden)
		kdump_keys_set_hidden(&image->kdump_keys, true);
}

/* Write the live keys into the segment of @image */
static int kdump_keys_write(struct kimage *image)
{
	bool hidden;
	void *segment = kdump_keys_map(image, &hidden);
	int ret;

	if (!segment)
		return -ENOMEM;
	ret = kdump_blob_rewrite(&image->kdump_keys, segment,
				 &kdump_blob_memory, kdump_keys_fill, NULL);
	kdump_keys_unmap(image, segment, hidden);
	return ret;
}

/* Zero both slots of the segment of @image */
static void kdump_keys_wipe(struct kimage *image)
{
	bool hidden;
	void *segment = kdump_keys_map(image, &hidden);

	if (!segment) {
		pr_err_ratelimited("cannot wipe the keys in crash memory\n");
		return;
	}
	memzero_explicit(segment, image->kdump_keys.memsz);
	kdump_keys_unmap(image, segment, hidden);
}

/**
 * kdump_keys_rewrite - write the live keys to the loaded crash image
 *
 * Called with kdump_keys_lock held after every change to kdump_keys_live,
 * so that crash memory holds exactly the live keys when the change returns.
 *
 * Return: 0, -ENOSPC if they do not fit in the room reserved at load time,
 * or -ENOMEM if crash memory cannot be mapped.  Crash memory then still
 * holds the keys as they were.
 */
int kdump_keys_rewrite(void)
{
	int ret;

	lockdep_assert_held(&kdump_keys_lock);
	if (!kdump_keys_image || kdump_keys_shutdown)
		return 0;
	ret = kdump_keys_write(kdump_keys_image);
	if (!ret)
		kdump_keys_mark(true);
	return ret;
}

/**
 * kdump_keys_forget - take keys out of crash memory, whatever it takes
 *
 * For changes that cannot fail, such as a revocation: when the keys cannot
 * be rewritten, none stays in crash memory.
 */
void kdump_keys_forget(void)
{
	lockdep_assert_held(&kdump_keys_lock);
	if (!kdump_keys_rewrite())
		return;
	pr_warn_ratelimited("wiping every kdump key from crash memory: load the capture kernel again\n");
	kdump_keys_wipe(kdump_keys_image);
	kdump_keys_mark(false);
}

/**
 * kdump_keys_add_segment - reserve the key segment of a crash image
 * @image: the crash image being loaded, its other segments added
 * @mem: set to the physical address of the segment
 * @memsz: set to the size of the segment
 *
 * Two slots, each with room for the live keys and KDUMP_KEYS_HEADROOM more,
 * at a random page of the crash memory the other segments left free: added
 * last, the segment cannot split the room a large initrd needs.  kexec fills
 * it with zeroes; kdump_keys_post_load() writes the keys.
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
	unsigned int nr;
	size_t slot;
	int ret;

	mutex_lock(&kdump_keys_lock);
	slot = kdump_keys_blob_size(&nr) + KDUMP_KEYS_HEADROOM;
	mutex_unlock(&kdump_keys_lock);
	slot = min_t(size_t, PAGE_ALIGN(slot), KDUMP_BLOB_MAX_SLOT);

	kbuf.memsz = KDUMP_BLOB_NR_SLOTS * slot;
	ret = kexec_add_buffer(&kbuf);
	if (ret)
		return ret;

	image->kdump_keys = (struct kdump_keys_segment) {
		.mem = kbuf.mem,
		.memsz = kbuf.memsz,
		.current_slot = KDUMP_BLOB_NR_SLOTS - 1,
	};
	*mem = kbuf.mem;
	*memsz = kbuf.memsz;
	return 0;
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
	return image->kdump_keys.memsz && image->kdump_keys.mem == mem;
}

/**
 * kdump_keys_post_load - write the keys into the loaded segment
 * @image: the crash image, its segments copied to crash kernel memory
 *
 * From here on, every change to a kdump key is written to this image.
 *
 * Return: 0, or -ENOMEM if crash memory cannot be mapped.
 */
int kdump_keys_post_load(struct kimage *image)
{
	int ret;

	if (!image->kdump_keys.memsz)
		return 0;

	mutex_lock(&kdump_keys_lock);
	ret = kdump_keys_shutdown ? 0 : kdump_keys_write(image);
	if (!ret) {
		kdump_keys_image = image;
		kdump_keys_hidden = false;
		kdump_keys_mark(!kdump_keys_shutdown);
	}
	mutex_unlock(&kdump_keys_lock);
	return ret;
}

/**
 * kdump_keys_image_free - wipe the key segment of an image being freed
 * @image: the image, its crash memory writable again
 *
 * The kexec syscalls free a crash image with the kexec lock held, so no
 * other load has made this memory read-only or put a segment there.
 */
void kdump_keys_image_free(struct kimage *image)
{
	if (!image->kdump_keys.memsz)
		return;

	mutex_lock(&kdump_keys_lock);
	/* Leave the pages mapped: kexec may put the next image there */
	if (kdump_keys_is_hidden(image))
		kdump_keys_set_hidden(&image->kdump_keys, false);
	kdump_keys_wipe(image);
	if (image == kdump_keys_image) {
		kdump_keys_image = NULL;
		kdump_keys_mark(false);
	}
	mutex_unlock(&kdump_keys_lock);
	image->kdump_keys.memsz = 0;
}

/**
 * kdump_keys_crashkres_protect - follow the protection of crash memory
 * @protect: true once crash memory is read-only, false before it is written
 *
 * Called by the architecture with the kexec lock held.
 */
void kdump_keys_crashkres_protect(bool protect)
{
	mutex_lock(&kdump_keys_lock);
	if (kdump_keys_image && kdump_keys_hidden != protect)
		kdump_keys_set_hidden(&kdump_keys_image->kdump_keys, protect);
	mutex_unlock(&kdump_keys_lock);
}

/* Reboot, power off, halt and kexec -e: the keys have no more use */
static int kdump_keys_reboot(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	mutex_lock(&kdump_keys_lock);
	kdump_keys_shutdown = true;
	if (kdump_keys_image) {
		kdump_keys_wipe(kdump_keys_image);
		kdump_keys_mark(false);
	}
	mutex_unlock(&kdump_keys_lock);
	return NOTIFY_DONE;
}

static struct notifier_block kdump_keys_reboot_nb = {
	.notifier_call = kdump_keys_reboot,
};

static int __init kdump_keys_reboot_init(void)
{
	return register_reboot_notifier(&kdump_keys_reboot_nb);
}
late_initcall(kdump_keys_reboot_init);
