// SPDX-License-Identifier: GPL-2.0
/*
 * x86 part of the kdump key type.
 *
 * The capture kernel learns where the keys are from an indirect setup_data
 * entry (SETUP_INDIRECT | SETUP_KDUMP_KEYS) rather than from a command-line
 * parameter: the boot code already reserves the range an indirect entry
 * points to (memblock_x86_reserve_range_setup_data()) before the first
 * allocation, and the KASLR decompressor already avoids it, so no early
 * code of ours is needed; it costs no command-line bytes; and the address
 * does not show in the world-readable /proc/cmdline.
 *
 * While a capture kernel is loaded, the first kernel keeps the key pages out
 * of its direct map, so that a stray read cannot reach them.
 */

#include <linux/io.h>
#include <linux/set_memory.h>
#include <asm/kdump_keys.h>
#include <asm/pgtable.h>
#include <asm/setup.h>
#include <keys/kdump-type.h>

/**
 * kdump_keys_setup_data - point the capture kernel at the key segment
 * @params: boot_params of the capture kernel, in the kexec buffer
 * @params_load_addr: physical address @params will be loaded at
 * @offset: free room of KDUMP_KEYS_SETUP_DATA_SIZE bytes after @params
 * @mem: physical address of the key segment
 * @memsz: size of the key segment
 */
void kdump_keys_setup_data(struct boot_params *params,
			   unsigned long params_load_addr, unsigned int offset,
			   unsigned long mem, unsigned long memsz)
{
	struct setup_data *sd = (void *)params + offset;
	struct setup_indirect *ind = (void *)sd->data;

	sd->type = SETUP_INDIRECT;
	sd->len = sizeof(*ind);
	ind->type = SETUP_INDIRECT | SETUP_KDUMP_KEYS;
	ind->addr = mem;
	ind->len = memsz;

	sd->next = params->hdr.setup_data;
	params->hdr.setup_data = params_load_addr + offset;
}

static bool kdump_keys_mapped(unsigned long addr)
{
	unsigned int level;
	pte_t *pte = lookup_address(addr, &level);

	return pte && pte_present(*pte);
}

/**
 * kdump_keys_set_present - map or unmap the keys of the loaded crash image
 * @present: false when crash memory is protected, true before it is written
 */
void kdump_keys_set_present(bool present)
{
	unsigned long mem, memsz, addr;
	int pages;

	if (!kdump_keys_loaded_range(&mem, &memsz))
		return;

	addr = (unsigned long)__va(mem);
	pages = memsz >> PAGE_SHIFT;
	if (present)
		set_memory_p(addr, pages);
	else
		set_memory_np(addr, pages);

	/* Cheap to check, and a silent failure would expose the keys */
	WARN_ON_ONCE(kdump_keys_mapped(addr) != present ||
		     kdump_keys_mapped(addr + memsz - PAGE_SIZE) != present);
}

static bool kdump_keys_match(const struct setup_data *sd, phys_addr_t *addr,
			     size_t *size)
{
	const struct setup_indirect *ind = (const void *)sd->data;

	if (sd->type != SETUP_INDIRECT || sd->len < sizeof(*ind) ||
	    ind->type != (SETUP_INDIRECT | SETUP_KDUMP_KEYS))
		return false;
	*addr = ind->addr;
	*size = ind->len;
	return true;
}

bool arch_kdump_keys_locate(phys_addr_t *addr, size_t *size)
{
	u64 pa = boot_params.hdr.setup_data;
	struct setup_data *sd;
	bool found = false;

	while (pa && !found) {
		sd = memremap(pa, KDUMP_KEYS_SETUP_DATA_SIZE, MEMREMAP_WB);
		if (!sd)
			return false;
		found = kdump_keys_match(sd, addr, size);
		pa = sd->next;
		memunmap(sd);
	}
	return found;
}
