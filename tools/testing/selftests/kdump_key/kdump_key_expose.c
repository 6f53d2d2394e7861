// SPDX-License-Identifier: GPL-2.0
/*
 * Where are the bytes of a key?  A helper for the exposure scenario: it
 * makes a random logon key and afterwards counts the copies of its bytes in
 * the kernel's readable memory (/proc/kcore), in files (a saved kernel log,
 * the console log) and in every readable file of a tree (/proc, /sys), read
 * as any user.
 *
 * The key never appears in this program's memory or output as it is: it is
 * kept and printed XOR-ed with a fixed stream (see mask()), and compared
 * one byte at a time.  Otherwise the scanner would find its own copy.
 *
 *   kdump_key_expose new DESC             add a 64-byte random logon key
 *                                         DESC to @u, print its masked hex
 *   kdump_key_expose kcore MASKED         count copies in /proc/kcore
 *   kdump_key_expose file MASKED FILE...  count copies, raw or as hex text
 *   kdump_key_expose tree [-u UID] MASKED DIR...
 *                                         the same over every regular file
 *                                         readable under DIR, as UID
 *
 * A copy is a match of the first PREFIX_LEN bytes.  Counts are printed as
 * "<what> <count>" lines, one "match ..." line per copy; the exit status is
 * 0 unless the program could not run (2).
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <linux/elf.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>

#define KDUMP_KEY_NO_HARNESS
#include "kdump_key_helpers.h"

#define KEY_LEN		64
#define PREFIX_LEN	32
#define CHUNK		4096
#define FILE_MAX	(4 << 20)	/* bytes read from one file in a tree */

static unsigned char masked[KEY_LEN];

static unsigned char mask(size_t i)
{
	return 0x5a ^ (unsigned char)(i * 37 + 11);
}

/* The i-th byte of the key, unmasked only in a register */
static inline unsigned char key_byte(size_t i)
{
	return masked[i] ^ mask(i);
}

static int parse_masked(const char *hex)
{
	unsigned int byte;
	size_t i;

	if (strlen(hex) != 2 * KEY_LEN)
		return -1;
	for (i = 0; i < KEY_LEN; i++) {
		if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
			return -1;
		masked[i] = byte;
	}
	return 0;
}

static int cmd_new(const char *desc)
{
	unsigned char key[KEY_LEN];
	long id;
	size_t i;

	if (getrandom(key, sizeof(key), 0) != sizeof(key))
		return 2;
	for (i = 0; i < KEY_LEN; i++)
		masked[i] = key[i] ^ mask(i);
	id = sys_add_key("logon", desc, key, sizeof(key), KEY_SPEC_USER_KEYRING);
	explicit_bzero(key, sizeof(key));
	if (id < 0) {
		fprintf(stderr, "add_key logon: %s\n", errstr(id));
		return 2;
	}
	for (i = 0; i < KEY_LEN; i++)
		printf("%02x", masked[i]);
	printf("\n");
	return 0;
}

/*
 * A window of the data being scanned: the previous chunk's tail (kept
 * masked, so that it is no copy of the key) and the current chunk.
 */
struct window {
	unsigned char tail[PREFIX_LEN - 1];	/* masked */
	size_t tail_len;
	const unsigned char *buf;
	size_t len;
};

static inline unsigned char win_byte(const struct window *w, size_t pos)
{
	if (pos < w->tail_len)
		return w->tail[pos] ^ mask(pos);
	return w->buf[pos - w->tail_len];
}

/* Calls @found with the offset (relative to buf) of each prefix match. */
static unsigned long scan_window(const struct window *w,
				 void (*found)(long off, void *arg), void *arg)
{
	size_t total = w->tail_len + w->len, pos, j;
	unsigned long n = 0;

	for (pos = 0; pos + PREFIX_LEN <= total; pos++) {
		if (win_byte(w, pos) != key_byte(0))
			continue;
		for (j = 1; j < PREFIX_LEN; j++)
			if (win_byte(w, pos + j) != key_byte(j))
				break;
		if (j == PREFIX_LEN) {
			n++;
			if (found)
				found((long)pos - (long)w->tail_len, arg);
		}
	}
	return n;
}

static void keep_tail(struct window *w)
{
	size_t total = w->tail_len + w->len, keep, i;
	unsigned char t[PREFIX_LEN - 1];

	keep = total < sizeof(w->tail) ? total : sizeof(w->tail);
	for (i = 0; i < keep; i++)
		t[i] = win_byte(w, total - keep + i) ^ mask(i);
	memcpy(w->tail, t, keep);
	w->tail_len = keep;
	explicit_bzero(t, sizeof(t));
}

struct kcore_pos {
	unsigned long long paddr;	/* of buf[0] */
	unsigned long long vaddr;
};

static void kcore_found(long off, void *arg)
{
	const struct kcore_pos *p = arg;

	printf("match kcore paddr=%#llx vaddr=%#llx\n", p->paddr + off,
	       p->vaddr + off);
}

static bool all_zero(const unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i])
			return false;
	return true;
}

/*
 * Is segment @i of /proc/kcore an alias of RAM that a larger segment maps
 * too?  The kernel image's segment is, on every architecture: scanning it
 * would count its copies twice.  Segments of no RAM have no p_paddr.
 */
static bool kcore_alias(const struct elf64_phdr *ph, int n, int i)
{
	unsigned long long start = ph[i].p_paddr;
	unsigned long long end = start + ph[i].p_filesz;
	int j;

	for (j = 0; j < n; j++) {
		if (j == i || ph[j].p_type != PT_LOAD ||
		    ph[j].p_paddr == ~0ULL || ph[j].p_filesz <= ph[i].p_filesz)
			continue;
		if (ph[j].p_paddr <= start &&
		    end <= ph[j].p_paddr + ph[j].p_filesz)
			return true;
	}
	return false;
}

/*
 * Reads /proc/kcore one page at a time: kcore copies each page through a
 * page-sized kernel bounce buffer, and our buffer is one page too, so after
 * a match both are overwritten (with a page known to be zero) before they
 * can be read as memory themselves.
 */
static int cmd_kcore(void)
{
	unsigned char *buf = aligned_alloc(CHUNK, CHUNK);
	unsigned long long bytes = 0, zero_off = 0;
	unsigned long count = 0, n;
	struct elf64_hdr eh;
	struct elf64_phdr *ph;
	int fd, i;

	fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);
	if (!buf || fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG)) {
		perror("/proc/kcore");
		return 2;
	}
	ph = calloc(eh.e_phnum, sizeof(*ph));
	if (!ph || pread(fd, ph, eh.e_phnum * sizeof(*ph), eh.e_phoff) !=
		   (ssize_t)(eh.e_phnum * sizeof(*ph)))
		return 2;

	for (i = 0; i < eh.e_phnum; i++) {
		struct window w = { .buf = buf };
		struct kcore_pos pos;
		unsigned long long off;

		/* RAM only: the kernel image, vmalloc and vmemmap alias it */
		if (ph[i].p_type != PT_LOAD || ph[i].p_paddr == ~0ULL ||
		    kcore_alias(ph, eh.e_phnum, i))
			continue;
		for (off = 0; off < ph[i].p_filesz; off += CHUNK) {
			size_t len = ph[i].p_filesz - off < CHUNK ?
				     ph[i].p_filesz - off : CHUNK;
			ssize_t got = pread(fd, buf, len, ph[i].p_offset + off);

			if (got <= 0)
				break;
			w.len = got;
			pos.paddr = ph[i].p_paddr + off;
			pos.vaddr = ph[i].p_vaddr + off;
			n = scan_window(&w, kcore_found, &pos);
			count += n;
			bytes += got;
			if (!zero_off && all_zero(buf, got))
				zero_off = ph[i].p_offset + off;
			keep_tail(&w);
			if (n) {
				memset(buf, 0, CHUNK);
				if (zero_off &&
				    pread(fd, buf, CHUNK, zero_off) < 0)
					return 2;
			}
		}
	}
	printf("kcore-bytes %llu\n", bytes);
	printf("kcore %lu\n", count);
	close(fd);
	return 0;
}

static void file_found(long off, void *arg)
{
	printf("match %s offset=%ld\n", (const char *)arg, off);
}

/* Copies of the key in @fd: raw bytes. */
static unsigned long scan_fd(int fd, const char *name, size_t max)
{
	static unsigned char buf[CHUNK];
	struct window w = { .buf = buf };
	unsigned long count = 0;
	size_t total = 0;
	ssize_t got;

	while (total < max && (got = read(fd, buf, sizeof(buf))) > 0) {
		w.len = got;
		count += scan_window(&w, file_found, (void *)name);
		keep_tail(&w);
		total += got;
	}
	explicit_bzero(buf, sizeof(buf));
	return count;
}

/*
 * Copies of the key as hex text, in either case, with or without a
 * separator between bytes (%*phN, %*ph, %*phC, hex dumps): searched in the
 * file's text with the separators and case folded away.
 */
static unsigned long scan_hex_text(const char *path)
{
	static const char digits[] = "0123456789abcdef";
	unsigned long count = 0;
	size_t len = 0, j;
	char *text;
	FILE *file;
	int c;

	file = fopen(path, "r");
	if (!file)
		return 0;
	text = malloc(64 << 20);
	if (!text) {
		fclose(file);
		return 0;
	}
	while ((c = fgetc(file)) != EOF && len < (64 << 20)) {
		if (c >= 'A' && c <= 'F')
			c += 'a' - 'A';
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
			text[len++] = c;
	}
	fclose(file);
	for (size_t pos = 0; pos + 2 * PREFIX_LEN <= len; pos++) {
		for (j = 0; j < 2 * PREFIX_LEN; j++) {
			unsigned char b = key_byte(j / 2);

			if (text[pos + j] != digits[j & 1 ? b & 15 : b >> 4])
				break;
		}
		if (j == 2 * PREFIX_LEN) {
			count++;
			printf("match %s hex at digit %zu\n", path, pos);
		}
	}
	explicit_bzero(text, len);
	free(text);
	return count;
}

static int cmd_file(int argc, char **argv)
{
	unsigned long raw = 0, hex = 0;
	int i, fd;

	for (i = 0; i < argc; i++) {
		fd = open(argv[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(argv[i]);
			return 2;
		}
		raw += scan_fd(fd, argv[i], (size_t)-1);
		close(fd);
		hex += scan_hex_text(argv[i]);
	}
	printf("file-raw %lu\nfile-hex %lu\n", raw, hex);
	return 0;
}

static unsigned long tree_files, tree_matches;

static void alarm_handler(int sig)
{
}

static bool skip_path(const char *path)
{
	/* Not memory the kernel shows as files: our own, or blocking */
	static const char * const skip[] = {
		"/proc/self", "/proc/thread-self", "/proc/kmsg",
		"/sys/kernel/debug/tracing/trace_pipe",
		"/sys/kernel/tracing/trace_pipe",
	};
	char self[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(skip); i++)
		if (!strcmp(path, skip[i]))
			return true;
	snprintf(self, sizeof(self), "/proc/%d", getpid());
	return !strcmp(path, self);
}

static void walk(const char *dir)
{
	struct dirent *de;
	char path[4096];
	struct stat st;
	DIR *d;
	int fd;

	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (skip_path(path) || lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(path);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		alarm(2);
		tree_files++;
		tree_matches += scan_fd(fd, path, FILE_MAX);
		alarm(0);
		close(fd);
	}
	closedir(d);
}

static int cmd_tree(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = alarm_handler };
	int i;

	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: a read gives up */
	for (i = 0; i < argc; i++)
		walk(argv[i]);
	printf("tree-files %lu\ntree %lu\n", tree_files, tree_matches);
	return 0;
}

static int become(uid_t uid)
{
	int ret = become_user(uid);

	if (ret)
		fprintf(stderr, "setresuid: %s\n", errstr(ret));
	return ret;
}

int main(int argc, char **argv)
{
	int masked_arg;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "new"))
		return cmd_new(argv[2]);
	masked_arg = argc > 4 && !strcmp(argv[2], "-u") ? 4 : 2;
	if (argc < 3 || parse_masked(argv[masked_arg])) {
		fprintf(stderr, "usage: see the comment at the top of %s\n",
			__FILE__);
		return 2;
	}
	if (!strcmp(argv[1], "kcore") && argc == 3)
		return cmd_kcore();
	if (!strcmp(argv[1], "file") && argc > 3)
		return cmd_file(argc - 3, argv + 3);
	if (!strcmp(argv[1], "tree") && !strcmp(argv[2], "-u") && argc > 5) {
		if (become(strtoul(argv[3], NULL, 0)))
			return 2;
		return cmd_tree(argc - 5, argv + 5);
	}
	if (!strcmp(argv[1], "tree") && argc > 3)
		return cmd_tree(argc - 3, argv + 3);
	fprintf(stderr, "usage: see the comment at the top of %s\n", __FILE__);
	return 2;
}
