/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdump key type: volume keys handed over to the kdump capture kernel.
 *
 * See Documentation/security/keys/kdump.rst.
 */

#ifndef _KEYS_KDUMP_TYPE_H
#define _KEYS_KDUMP_TYPE_H

#include <linux/types.h>

struct kimage;

#ifdef CONFIG_KEYS_KDUMP

extern struct key_type key_type_kdump;

/* Called by kexec_file_load() for a crash image, with the kexec lock held */
int kdump_keys_add_segment(struct kimage *image, unsigned long *mem,
			   unsigned long *memsz);
bool kdump_keys_is_segment(const struct kimage *image, unsigned long mem);
int kdump_keys_post_load(struct kimage *image);
void kdump_keys_image_free(const struct kimage *image);
bool kdump_keys_loaded_range(unsigned long *mem, unsigned long *memsz);

/*
 * Implemented by the architecture: in a capture kernel, find the keys the
 * crashed kernel left behind.  Returns false when there are none.
 */
bool arch_kdump_keys_locate(phys_addr_t *addr, size_t *size);

#else /* !CONFIG_KEYS_KDUMP */

static inline int kdump_keys_add_segment(struct kimage *image,
					 unsigned long *mem,
					 unsigned long *memsz)
{
	*mem = 0;
	*memsz = 0;
	return 0;
}

static inline bool kdump_keys_is_segment(const struct kimage *image,
					 unsigned long mem)
{
	return false;
}

static inline int kdump_keys_post_load(struct kimage *image)
{
	return 0;
}

static inline void kdump_keys_image_free(const struct kimage *image) { }

static inline bool kdump_keys_loaded_range(unsigned long *mem,
					   unsigned long *memsz)
{
	return false;
}

#endif /* CONFIG_KEYS_KDUMP */

#endif /* _KEYS_KDUMP_TYPE_H */
