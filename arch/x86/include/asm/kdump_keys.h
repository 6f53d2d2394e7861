/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_KDUMP_KEYS_H
#define _ASM_X86_KDUMP_KEYS_H

#include <asm/bootparam.h>
#include <keys/kdump-type.h>

/* Room the kdump keys entry takes in the kexec boot_params segment */
#define KDUMP_KEYS_SETUP_DATA_SIZE \
	(sizeof(struct setup_data) + sizeof(struct setup_indirect))

#ifdef CONFIG_KEYS_KDUMP
void kdump_keys_setup_data(struct boot_params *params,
			   unsigned long params_load_addr, unsigned int offset,
			   unsigned long mem, unsigned long memsz);
#else
static inline void kdump_keys_setup_data(struct boot_params *params,
					 unsigned long params_load_addr,
					 unsigned int offset,
					 unsigned long mem,
					 unsigned long memsz) { }
#endif

#endif /* _ASM_X86_KDUMP_KEYS_H */
