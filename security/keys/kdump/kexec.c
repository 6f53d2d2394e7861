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
 * held, and on reboot.  While the image is loaded, the key pages stay out
 * of the direct map; the keys are written through a mapping of their own.
 *
 * Each key is copied once, from its payload straight into crash memory.
 */

#define pr_fmt(fmt) "kdump_keys: " fmt

#include <linux/error-injection.h>
#include <linux/kexec.h>
#include <linux/key.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/reboot.h>
#include <linux/vmalloc.h>
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
/*
 * The key pages of kdump_keys_image are out of the direct map.  Changed
 * only with the kexec lock held too, by the paths that protect crash memory.
 */
static bool kdump_keys_hidden;
/* The system is going down: no key goes into crash memory any more */
static bool kdump_keys_shutdown;

/* Revoked keys leave the list at once; these wait for the garbage collector */
static bool kdump_key_is_live(const struct key *key)
{
	return refcount_read(&key->usage) && !key_validate(key);
}

/* Copies of configfs keys, replaced when a crash image is loaded */
LIST_HEAD(kdump_keys_copies);

/* Bytes one slot needs for the live keys and copies, and how many */
static size_t kdump_keys_blob_size(unsigned int *nr)
{
	struct kdump_key_payload *payload;
	struct kdump_key_copy *copy;
	size_t size = sizeof(struct kdump_blob_header);

	*nr = 0;
	list_for_each_entry(payload, &kdump_keys_live, node) {
		if (!kdump_key_is_live(payload->key))
			continue;
		size += kdump_blob_record_size(strlen(payload->key->description),
					       payload->keylen);
		(*nr)++;
	}
	list_for_each_entry(copy, &kdump_keys_copies, node) {
		size += kdump_blob_record_size(strlen(copy->desc),
					       copy->payload->keylen);
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
	struct kdump_key_copy *copy;
	int ret;

	list_for_each_entry(payload, &kdump_keys_live, node) {
		if (!kdump_key_is_live(payload->key))
			continue;
		ret = kdump_blob_append(writer, payload->key->description,
					payload);
		if (ret)
			return ret;
	}
	list_for_each_entry(copy, &kdump_keys_copies, node) {
		ret = kdump_blob_append(writer, copy->desc, copy->payload);
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
 * Map the segment of @seg for writing through a mapping of its own, never
 * through the direct map.  While a capture kernel is loaded, kexec keeps
 * crash memory read-only in the direct map and the key pages out of it,
 * and it changes that protection with the kexec lock held, not ours: in
 * arch_kexec_protect_crashkres(), on every load, unload and crash hotplug
 * update.  A key change that went through the direct map would have to
 * know that state at every instant; through a private alias it does not
 * depend on it at all, so kexec alone owns the protection.
 */
static void *kdump_keys_map(const struct kdump_keys_segment *seg)
{
	unsigned int i, nr = seg->memsz >> PAGE_SHIFT;
	struct page **pages;
	void *segment;

	pages = kmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < nr; i++)
		pages[i] = pfn_to_page(PHYS_PFN(seg->mem) + i);
	segment = vmap(pages, nr, VM_MAP, PAGE_KERNEL);
	kfree(pages);
	return segment;
}

/*
 * Write the live keys into the segment of @image.  Error injection
 * (fail_function) can make it fail, as an allocation of the mapping can:
 * the load must go on with the keys pending.
 */
static noinline int kdump_keys_write(struct kimage *image)
{
	void *segment = kdump_keys_map(&image->kdump_keys);
	int ret;

	if (!segment)
		return -ENOMEM;
	ret = kdump_blob_rewrite(&image->kdump_keys, segment, kdump_keys_fill,
				 NULL);
	vunmap(segment);
	return ret;
}
ALLOW_ERROR_INJECTION(kdump_keys_write, ERRNO);

/* Zero both slots of the segment of @image */
static void kdump_keys_wipe(struct kimage *image)
{
	void *segment = kdump_keys_map(&image->kdump_keys);

	if (!segment) {
		pr_err_ratelimited("cannot wipe the keys in crash memory\n");
		return;
	}
	memzero_explicit(segment, image->kdump_keys.memsz);
	vunmap(segment);
}

/**
 * kdump_keys_rewrite - write the live keys to the loaded crash image
 *
 * Called with kdump_keys_lock held after every change to kdump_keys_live,
 * so that crash memory holds exactly the live keys when the change returns.
 *
 * Return: 0, -ENOSPC if they do not fit in the room reserved at load time,
 * -EINVAL for a key a capture kernel would reject, or -ENOMEM if crash
 * memory cannot be mapped.  Crash memory then still holds the keys as they
 * were.
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

/*
 * The one call that finds room for the segment.  Error injection
 * (fail_function) can make it fail, as a crash reservation too full for
 * the segment does: the load must go on without the keys.
 */
static noinline int kdump_keys_add_buffer(struct kexec_buf *kbuf)
{
	return kexec_add_buffer(kbuf);
}
ALLOW_ERROR_INJECTION(kdump_keys_add_buffer, ERRNO);

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
 * A crash load never fails because of the keys: when the segment does not
 * fit, the image is loaded without it and the keys stay pending.
 *
 * Return: true if the segment was added.
 */
bool kdump_keys_add_segment(struct kimage *image, unsigned long *mem,
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
	ret = kdump_keys_add_buffer(&kbuf);
	if (ret) {
		pr_warn_ratelimited("no room for the key segment in crash memory (%d): loaded without kdump keys\n",
				    ret);
		return false;
	}

	image->kdump_keys = (struct kdump_keys_segment) {
		.mem = kbuf.mem,
		.memsz = kbuf.memsz,
		.current_slot = KDUMP_BLOB_NR_SLOTS - 1,
	};
	*mem = kbuf.mem;
	*memsz = kbuf.memsz;
	return true;
}

/**
 * kdump_keys_exist - are there kdump keys to hand over?
 *
 * Return: true if at least one kdump key or copy holds a volume key.
 */
bool kdump_keys_exist(void)
{
	bool exist;

	mutex_lock(&kdump_keys_lock);
	exist = !list_empty(&kdump_keys_live) ||
		!list_empty(&kdump_keys_copies);
	mutex_unlock(&kdump_keys_lock);
	return exist;
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
 * When the keys cannot be written (keys added since the segment was sized
 * no longer fit, or it cannot be mapped), the image stays loaded with an
 * empty segment and the keys stay pending: a crash load never fails
 * because of the keys, and user space sees what was not handed over.
 */
void kdump_keys_post_load(struct kimage *image)
{
	int ret;

	if (!image->kdump_keys.memsz)
		return;

	mutex_lock(&kdump_keys_lock);
	kdump_keys_image = image;
	kdump_keys_hidden = false;
	ret = kdump_keys_shutdown ? 0 : kdump_keys_write(image);
	if (ret)
		pr_warn_ratelimited("cannot write the kdump keys to crash memory (%d): they stay pending\n",
				    ret);
	kdump_keys_mark(!ret && !kdump_keys_shutdown);
	mutex_unlock(&kdump_keys_lock);
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
	if (image == kdump_keys_image && kdump_keys_hidden)
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
