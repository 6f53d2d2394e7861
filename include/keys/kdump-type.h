/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdump key type: volume keys handed over to the kdump capture kernel.
 *
 * See Documentation/security/keys/kdump.rst.
 */

#ifndef _KEYS_KDUMP_TYPE_H
#define _KEYS_KDUMP_TYPE_H

/*
 * Version of the key segment format.  A capture kernel announces the
 * version it reads (on x86 in its bzImage's kernel_info); the first kernel
 * hands keys only to a capture kernel that reads its own version.
 */
#define KDUMP_KEYS_FORMAT_VERSION	3

#ifndef __ASSEMBLY__

#include <linux/types.h>

struct kimage;

/**
 * struct kdump_keys_segment - the key segment of a crash image
 * @mem: physical address of the segment, 0 if the image has none
 * @memsz: size of the segment: two slots of @memsz / 2 bytes
 * @generation: generation of the newest complete slot, 0 before the first
 * @current_slot: index of the slot that holds @generation
 *
 * Lives in the struct kimage it belongs to, so that it goes away with it.
 */
struct kdump_keys_segment {
	unsigned long mem;
	unsigned long memsz;
	u64 generation;
	unsigned int current_slot;
};

#ifdef CONFIG_KEYS_KDUMP

extern struct key_type key_type_kdump;

/* Called by kexec_file_load() for a crash image, with the kexec lock held */
bool kdump_keys_add_segment(struct kimage *image, unsigned long *mem,
			    unsigned long *memsz);
bool kdump_keys_exist(void);
bool kdump_keys_is_segment(const struct kimage *image, unsigned long mem);
void kdump_keys_post_load(struct kimage *image);
void kdump_keys_image_free(struct kimage *image);
void kdump_keys_crashkres_protect(bool protect);

/*
 * Implemented by the architecture.  In the first kernel: tell whether a
 * capture kernel's image announces that it takes kdump keys, and make the
 * key pages of the loaded image unreachable through the kernel's own
 * mappings, or reachable and writable again, as crash memory is protected
 * or written to.  In a capture kernel: find the keys the crashed kernel left
 * behind (false when there are none), and forget where they are once wiped.
 */
bool kdump_keys_taken_by(const char *kernel, unsigned long kernel_len);
int arch_kdump_keys_protect(phys_addr_t mem, size_t size, bool protect);

bool arch_kdump_keys_locate(phys_addr_t *addr, size_t *size);
void arch_kdump_keys_forget(void);

/*
 * For CRASH_DM_CRYPT's configfs keys: copies of logon keys taken at load
 * in the first kernel, restored on request in the capture kernel.
 */
int kdump_keys_copy_add(struct list_head *copies, const char *desc);
void kdump_keys_copies_free(struct list_head *copies);
void kdump_keys_copies_set(struct list_head *copies);
bool kdump_keys_copies_exist(void);
int kdump_keys_restore_requested(void);

#else /* !CONFIG_KEYS_KDUMP */

static inline bool kdump_keys_add_segment(struct kimage *image,
					  unsigned long *mem,
					  unsigned long *memsz)
{
	return false;
}

static inline bool kdump_keys_exist(void)
{
	return false;
}

static inline bool kdump_keys_is_segment(const struct kimage *image,
					 unsigned long mem)
{
	return false;
}

static inline bool kdump_keys_taken_by(const char *kernel,
				       unsigned long kernel_len)
{
	return false;
}

static inline void kdump_keys_post_load(struct kimage *image) { }

static inline void kdump_keys_image_free(struct kimage *image) { }
static inline void kdump_keys_crashkres_protect(bool protect) { }

#endif /* CONFIG_KEYS_KDUMP */

#endif /* !__ASSEMBLY__ */

#endif /* _KEYS_KDUMP_TYPE_H */
