// SPDX-License-Identifier: GPL-2.0
/*
 * x86 part of the kdump key type.
 *
 * A kernel built with CONFIG_KEYS_KDUMP says so in its bzImage.  Where
 * SETUP_KDUMP_KEYS is numbered with the other setup_data types, as in
 * mainline, its kernel_info's setup_type_max covers it; where it lies
 * outside them (a backport), a "KDKY" chunk in the variable part of
 * kernel_info names the type and the key segment format it reads.
 * kexec_file_load() hands keys only to such a capture kernel; any other
 * would leave them in memory that user space can read through
 * /sys/kernel/boot_params/setup_data.
 *
 * The capture kernel learns where the keys are from an indirect setup_data
 * entry (SETUP_INDIRECT | SETUP_KDUMP_KEYS) rather than from a command-line
 * parameter: the boot code already reserves the range an indirect entry
 * points to (memblock_x86_reserve_range_setup_data()) before the first
 * allocation, and the KASLR decompressor already avoids it, so no early
 * code of ours is needed; it costs no command-line bytes; and the address
 * does not show in the world-readable /proc/cmdline.  Once the keys are
 * copied out and wiped, the entry is turned into SETUP_NONE.
 *
 * While a capture kernel is loaded, the first kernel keeps the key pages out
 * of its direct map, so that a stray read cannot reach them.
 */

#include <linux/io.h>
#include <linux/pgtable.h>
#include <linux/set_memory.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <asm/kdump_keys.h>
#include <asm/setup.h>

/* The kernel_info chunk of a kernel that takes kdump keys */
struct kdump_keys_info {
	char magic[4];		/* "KDKY" */
	__le32 size;
	__le32 setup_type;	/* SETUP_KDUMP_KEYS */
	__le32 version;		/* KDUMP_KEYS_FORMAT_VERSION */
};

static bool kdump_keys_info_match(const struct kdump_keys_info *info)
{
	return get_unaligned_le32(&info->setup_type) == SETUP_KDUMP_KEYS &&
	       get_unaligned_le32(&info->version) == KDUMP_KEYS_FORMAT_VERSION;
}

/* Walk the variable-size chunks of kernel_info, each "magic, size, data" */
static bool kdump_keys_find_info(const u8 *kinfo, u32 size, u32 total)
{
	u32 offset = size, len;

	while (total - offset >= 8) {
		len = get_unaligned_le32(kinfo + offset + 4);
		if (len < 8 || len > total - offset)
			return false;
		if (!memcmp(kinfo + offset, "KDKY", 4) &&
		    len >= sizeof(struct kdump_keys_info))
			return kdump_keys_info_match((const void *)kinfo + offset);
		offset += len;
	}
	return false;
}

/**
 * kdump_keys_taken_by - does a bzImage take kdump keys?
 * @kernel: the bzImage, accepted by bzImage64_probe()
 * @kernel_len: its length
 *
 * Return: true if its kernel_info announces our setup_data type (and, for
 * a backport, the format).
 */
bool kdump_keys_taken_by(const char *kernel, unsigned long kernel_len)
{
	const struct setup_header *hdr = (const void *)kernel +
					 offsetof(struct boot_params, hdr);
	unsigned long offset;
	const u8 *kinfo;
	u32 size, total;

	if (hdr->version < 0x020f)
		return false;
	offset = ((hdr->setup_sects ?: 4) + 1) * 512UL + hdr->kernel_info_offset;
	if (offset > kernel_len || kernel_len - offset < 12)
		return false;

	kinfo = (const u8 *)kernel + offset;
	size = get_unaligned_le32(kinfo + 4);
	total = get_unaligned_le32(kinfo + 8);
	if (memcmp(kinfo, "LToP", 4) || total > kernel_len - offset ||
	    size > total)
		return false;
	if (SETUP_KDUMP_KEYS <= SETUP_ENUM_MAX)
		return size >= 16 && get_unaligned_le32(kinfo + 12) >=
				     (SETUP_INDIRECT | SETUP_KDUMP_KEYS);
	return kdump_keys_find_info(kinfo, size, total);
}

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

int arch_kdump_keys_protect(phys_addr_t mem, size_t size, bool protect)
{
	unsigned long addr = (unsigned long)__va(mem);
	int pages = size >> PAGE_SHIFT;
	int ret;

	if (protect)
		ret = set_memory_ro(addr, pages) ?: set_memory_np(addr, pages);
	else
		ret = set_memory_p(addr, pages) ?: set_memory_rw(addr, pages);
	if (ret)
		return ret;

	/* Cheap to check, and a silent failure would expose the keys */
	if (kdump_keys_mapped(addr) == protect ||
	    kdump_keys_mapped(addr + size - PAGE_SIZE) == protect)
		return -EFAULT;
	return 0;
}

/* Physical address of our setup_data entry in a capture kernel */
static u64 kdump_keys_setup_data_pa;

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
		if (found)
			kdump_keys_setup_data_pa = pa;
		pa = sd->next;
		memunmap(sd);
	}
	return found;
}

/* The keys are wiped: leave nothing that points at them */
void arch_kdump_keys_forget(void)
{
	struct setup_data *sd;

	if (!kdump_keys_setup_data_pa)
		return;
	sd = memremap(kdump_keys_setup_data_pa, KDUMP_KEYS_SETUP_DATA_SIZE,
		      MEMREMAP_WB);
	if (!sd)
		return;
	sd->type = SETUP_NONE;
	memzero_explicit(sd->data, sizeof(struct setup_indirect));
	memunmap(sd);
	kdump_keys_setup_data_pa = 0;
}
