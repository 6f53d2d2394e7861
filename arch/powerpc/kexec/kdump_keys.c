// SPDX-License-Identifier: GPL-2.0
/*
 * powerpc part of the kdump key type.
 *
 * A kernel built with CONFIG_KEYS_KDUMP sets PPCCAP_KDUMP_KEYS_BIT in the
 * PowerPC capabilities note of its vmlinux, and kexec_file_load() hands keys
 * only to a capture kernel that sets it: any other would neither check nor
 * wipe them, and would give the key pages out as free memory.
 *
 * The capture kernel learns where the key segment is from the
 * "linux,dmcryptkeys" property of /chosen, as on arm64
 * (of_kexec_alloc_and_setup_fdt(), early_init_dt_scan_chosen()).
 *
 * While a capture kernel is loaded, the first kernel keeps the key pages out
 * of its linear map.  Radix maps crash kernel memory with base pages for
 * that (radix_init_pgtable()).  Hash bolts the linear map in 16M or 1M
 * pages: there the key pages stay mapped, as all of crash memory has always
 * been on powerpc, and the load says so.
 */

#include <linux/elf.h>
#include <linux/kexec.h>
#include <linux/set_memory.h>
#include <linux/unaligned.h>
#include <asm/elfnote.h>
#include <asm/pte-walk.h>
#include <keys/kdump-type.h>

/* The capabilities in the PowerPC note among the ELF notes at @notes */
static u32 ppc_capabilities(const char *notes, size_t size)
{
	static const char name[] = "PowerPC";
	size_t off = 0, namesz, descsz;
	struct elf64_note note;

	while (size - off >= sizeof(note)) {
		memcpy(&note, notes + off, sizeof(note));
		off += sizeof(note);
		namesz = ALIGN((size_t)note.n_namesz, 4);
		descsz = ALIGN((size_t)note.n_descsz, 4);
		if (namesz > size - off || descsz > size - off - namesz)
			return 0;
		if (note.n_type == PPC_ELFNOTE_CAPABILITIES &&
		    note.n_namesz == sizeof(name) && note.n_descsz >= 4 &&
		    !memcmp(notes + off, name, sizeof(name)))
			return get_unaligned((const u32 *)(notes + off + namesz));
		off += namesz + descsz;
	}
	return 0;
}

/**
 * kdump_keys_taken_by - does a vmlinux take kdump keys?
 * @kernel: the ELF vmlinux, accepted by kexec_elf_probe()
 * @kernel_len: its length
 *
 * Return: true if its PowerPC capabilities note has PPCCAP_KDUMP_KEYS_BIT;
 * false for any file that cannot be read as such.
 */
bool kdump_keys_taken_by(const char *kernel, unsigned long kernel_len)
{
	struct kexec_elf_info elf_info;
	const struct elf_phdr *phdr;
	struct elfhdr ehdr;
	u32 caps = 0;
	int i;

	if (kexec_build_elf_info(kernel, kernel_len, &ehdr, &elf_info))
		return false;
	for (i = 0; i < ehdr.e_phnum && !caps; i++) {
		phdr = &elf_info.proghdrs[i];
		if (phdr->p_type == PT_NOTE)
			caps = ppc_capabilities(kernel + phdr->p_offset,
						phdr->p_filesz);
	}
	kexec_free_elf_info(&elf_info);
	return caps & PPCCAP_KDUMP_KEYS_BIT;
}

/* The linear map's PTE for @addr, if a base page maps it */
static pte_t *linear_base_pte(unsigned long addr)
{
	unsigned int shift = 0;
	pte_t *ptep = find_init_mm_pte(addr, &shift);

	return shift ? NULL : ptep;
}

int arch_kdump_keys_protect(phys_addr_t mem, size_t size, bool protect)
{
	unsigned long addr = (unsigned long)__va(mem);
	unsigned long last = addr + size - PAGE_SIZE;
	int nr = size >> PAGE_SHIFT;
	pte_t *first_pte, *last_pte;
	int ret;

	if (!radix_enabled())
		return -EOPNOTSUPP;
	first_pte = linear_base_pte(addr);
	last_pte = linear_base_pte(last);
	if (!first_pte || !last_pte)
		return -EOPNOTSUPP;
	ret = protect ? set_memory_np(addr, nr) : set_memory_p(addr, nr);
	if (ret)
		return ret;

	/* Cheap to check, and a silent failure would expose the keys */
	if (pte_present(ptep_get(first_pte)) == protect ||
	    pte_present(ptep_get(last_pte)) == protect)
		return -EFAULT;
	return 0;
}
