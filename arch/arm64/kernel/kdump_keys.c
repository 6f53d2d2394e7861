// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 part of the kdump key type.
 *
 * A kernel built with CONFIG_KEYS_KDUMP sets ARM64_IMAGE_FLAG_KDUMP_KEYS in
 * its Image header, and kexec_file_load() hands keys only to such a capture
 * kernel: any other would neither check nor wipe them, and would give the
 * key pages out as free memory.
 *
 * The capture kernel learns where the key segment is from the
 * "linux,dmcryptkeys" property of /chosen, which the first kernel adds
 * together with a memory reservation entry for the range
 * (of_kexec_alloc_and_setup_fdt()): the early FDT scan reserves the range
 * before the first allocation and removes the property, so that the
 * address never shows under /proc/device-tree.
 *
 * While a capture kernel is loaded, the first kernel keeps the key pages out
 * of its linear map, so that a stray read cannot reach them.  The rest of
 * crash memory stays mapped, as arm64 has always left it.
 */

#include <linux/kexec.h>
#include <linux/mm.h>
#include <linux/set_memory.h>
#include <asm/image.h>
#include <asm/tlbflush.h>

/**
 * kdump_keys_taken_by - does an Image take kdump keys?
 * @kernel: the Image, accepted by image_probe()
 * @kernel_len: its length
 *
 * Return: true if its header announces it (ARM64_IMAGE_FLAG_KDUMP_KEYS).
 */
bool kdump_keys_taken_by(const char *kernel, unsigned long kernel_len)
{
	const struct arm64_image_header *h = (const void *)kernel;

	if (kernel_len < sizeof(*h))
		return false;
	return arm64_image_flag_field(le64_to_cpu(h->flags),
				      ARM64_IMAGE_FLAG_KDUMP_KEYS);
}

int arch_kdump_keys_protect(phys_addr_t mem, size_t size, bool protect)
{
	struct page *first = phys_to_page(mem);
	struct page *last = phys_to_page(mem + size - PAGE_SIZE);
	unsigned long addr = (unsigned long)phys_to_virt(mem);
	int ret;

	/* A linear map of blocks cannot drop single pages */
	if (!can_set_direct_map())
		return -EOPNOTSUPP;
	ret = set_direct_map_valid_noflush(first, size >> PAGE_SHIFT, !protect);
	flush_tlb_kernel_range(addr, addr + size);
	if (ret)
		return ret;

	/* Cheap to check, and a silent failure would expose the keys */
	if (kernel_page_present(first) == protect ||
	    kernel_page_present(last) == protect)
		return -EFAULT;
	return 0;
}
