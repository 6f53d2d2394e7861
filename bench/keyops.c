// SPDX-License-Identifier: GPL-2.0
/*
 * kkt-keyops: times key operations for make bench (guest/scenarios/
 * bench-keys.sh).  Raw syscalls, no libkeyutils, so that it links
 * statically (gcc -O2 -static) and runs in the busybox initramfs.
 *
 *   kkt-keyops ops N SUFFIX   time, on N new keys: add_key of a logon key
 *                             (the baseline), add_key of a kdump key
 *                             converting it, KEYCTL_UPDATE of the kdump key
 *                             (after its logon source was rotated) and
 *                             KEYCTL_REVOKE of it, after one untimed key
 *                             through the same; prints the median time
 *                             per operation over the N keys (N = 1: over
 *                             9 rounds of one key), then clears the user
 *                             keyring.  SUFFIX (loaded or
 *                             unloaded) names the state of the capture
 *                             kernel in the metrics.
 *   kkt-keyops reserve N      N logon keys, each converted to a kdump key,
 *                             LUKS2-like; untimed
 *   kkt-keyops clear          revoke every kdump key in the user keyring,
 *                             then clear it
 *   kkt-keyops time METRIC N CMD [ARG...]
 *                             run CMD, print its wall time in ms
 *   kkt-keyops segsize KERNEL INITRD
 *                             load KERNEL as capture kernel with
 *                             kexec_file_load(KEXEC_FILE_DEBUG), print the
 *                             size in bytes of the key segment (the one
 *                             segment without a buffer), unload
 *
 * Every figure goes out on stdout as "KKT-BENCH <metric> <n> <value>
 * <unit>".  Exit 0; 1 when a measurement failed (one line on stderr,
 * nothing on stdout for it); 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/keyctl.h>

/* Not in every libc's headers (Debian 12's linux-libc-dev is 6.1) */
#ifndef KEXEC_FILE_UNLOAD
#define KEXEC_FILE_UNLOAD	0x00000001
#endif
#ifndef KEXEC_FILE_ON_CRASH
#define KEXEC_FILE_ON_CRASH	0x00000002
#endif
#ifndef KEXEC_FILE_DEBUG
#define KEXEC_FILE_DEBUG	0x00000008	/* Linux 6.7 */
#endif

#define KEY_BYTES	64	/* an aes-xts-plain64 (512-bit) volume key */
#define DESC_SIZE	64
#define MAX_KEYS	256	/* the kdump key type's cap on live keys */

static const char *prog = "kkt-keyops";

static void warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static long add_key(const char *type, const char *desc, const void *data,
		    size_t len)
{
	return syscall(SYS_add_key, type, desc, data, len,
		       KEY_SPEC_USER_KEYRING);
}

static long keyctl(int cmd, long a2, long a3, long a4, long a5)
{
	return syscall(SYS_keyctl, cmd, a2, a3, a4, a5);
}

static int random_bytes(void *buf, size_t len)
{
	if (getrandom(buf, len, 0) != (ssize_t)len) {
		warn("getrandom: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The description cryptsetup gives the volume key of the first segment of
 * a LUKS2 device: "cryptsetup:<UUID>-d0", 50 characters.  Its length sets
 * the size of a key's record in crash memory, so the figures are those of
 * real LUKS2 keys.
 */
static int luks_desc(char *desc)
{
	unsigned char u[16];

	if (random_bytes(u, sizeof(u)))
		return -1;
	u[6] = (u[6] & 0x0f) | 0x40;	/* version 4, as cryptsetup makes */
	u[8] = (u[8] & 0x3f) | 0x80;
	snprintf(desc, DESC_SIZE,
		 "cryptsetup:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x-d0",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
	return 0;
}

static int add_logon(const char *desc)
{
	unsigned char key[KEY_BYTES];
	long id;

	if (random_bytes(key, sizeof(key)))
		return -1;
	id = add_key("logon", desc, key, sizeof(key));
	explicit_bzero(key, sizeof(key));
	if (id < 0)
		warn("add_key logon %s: %s", desc, strerror(errno));
	return id < 0 ? -1 : 0;
}

/* An empty payload: convert the logon key of the same description */
static long add_kdump(const char *desc)
{
	long id = add_key("kdump", desc, "", 0);

	if (id < 0)
		warn("add_key kdump %s: %s", desc, strerror(errno));
	return id;
}

static int parse_n(const char *s, long max)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n < 0 || n > max)
		return -1;
	return n;
}

/*
 * Revoke first, then unlink: a revoked kdump key leaves the list of live
 * keys (and crash memory) inside the syscall, whereas an unlinked one
 * waits for the garbage collector, which would still be rewriting crash
 * memory, and counting against the 256-key cap, during the next
 * measurement.
 */
static int clear_keys(void)
{
	int ids[4 * MAX_KEYS + 64];
	char info[256];
	long len, i;

	len = keyctl(KEYCTL_READ, KEY_SPEC_USER_KEYRING, (long)ids,
		     sizeof(ids), 0);
	if (len < 0 || (size_t)len > sizeof(ids)) {
		warn("keyctl read @u: %s", len < 0 ? strerror(errno) :
		     "more keys than expected");
		return -1;
	}
	for (i = 0; i < len / (long)sizeof(ids[0]); i++) {
		if (keyctl(KEYCTL_DESCRIBE, ids[i], (long)info, sizeof(info),
			   0) < 0)
			continue;	/* revoked keys cannot be described */
		if (strncmp(info, "kdump;", 6))
			continue;
		if (keyctl(KEYCTL_REVOKE, ids[i], 0, 0, 0) < 0 &&
		    errno != EKEYREVOKED) {
			warn("keyctl revoke %d: %s", ids[i], strerror(errno));
			return -1;
		}
	}
	if (keyctl(KEYCTL_CLEAR, KEY_SPEC_USER_KEYRING, 0, 0, 0) < 0) {
		warn("keyctl clear @u: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts @t in place */
static double median(double *t, int n)
{
	qsort(t, n, sizeof(*t), cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

enum { OP_ADD_LOGON, OP_ADD_KDUMP, OP_UPDATE_KDUMP, OP_REVOKE_KDUMP, NR_OPS };

static const char * const op_names[NR_OPS] = {
	"add_logon", "add_kdump", "update_kdump", "revoke_kdump",
};

/*
 * N = 1 is a single operation: one preemption of the emulator by the
 * host makes it 100 times the rest (20 ms once, against 0.2 ms).  So
 * N = 1 runs ROUNDS_1 rounds of one key, each key alone in the keyring
 * and in crash memory, and takes the median of them.
 */
#define ROUNDS_1	9
#define SAMPLES		MAX_KEYS	/* ROUNDS_1 one-key rounds fit too */

/*
 * Each operation is timed alone, around its one syscall, so that the
 * figures hold no user-space work (random bytes, descriptions).
 *
 * With a capture kernel loaded, each kdump key change rewrites the key
 * segment in crash memory inside the syscall: kdump_key_replace() calls
 * kdump_keys_rewrite() (security/keys/kdump/kexec.c), which fills the
 * spare slot with every live key, seals it with its digest and wipes the
 * old slot, all under kdump_keys_lock before add_key, KEYCTL_UPDATE or
 * KEYCTL_REVOKE returns.  So the latency of the syscall is the time from
 * the key change to crash memory holding it; no later step exists to wait
 * for.
 *
 * One round: N new keys through the four operations, timed into @t[][@at].
 */
static int time_round(int n, double t[NR_OPS][SAMPLES], int at)
{
	static char desc[MAX_KEYS][DESC_SIZE];
	static long id[MAX_KEYS];
	double t0;
	int i;

	for (i = 0; i < n; i++)
		if (luks_desc(desc[i]))
			return 1;
	for (i = 0; i < n; i++) {
		unsigned char key[KEY_BYTES];

		if (random_bytes(key, sizeof(key)))
			return 1;
		t0 = now_us();
		id[i] = add_key("logon", desc[i], key, sizeof(key));
		t[OP_ADD_LOGON][at + i] = now_us() - t0;
		explicit_bzero(key, sizeof(key));
		if (id[i] < 0) {
			warn("add_key logon %s: %s", desc[i], strerror(errno));
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		t0 = now_us();
		id[i] = add_key("kdump", desc[i], "", 0);
		t[OP_ADD_KDUMP][at + i] = now_us() - t0;
		if (id[i] < 0) {
			warn("add_key kdump %s (key %d of %d): %s", desc[i],
			     i + 1, n, strerror(errno));
			return 1;
		}
	}
	/* A rotation: new bytes in each source, then the update reads them */
	for (i = 0; i < n; i++)
		if (add_logon(desc[i]))
			return 1;
	for (i = 0; i < n; i++) {
		t0 = now_us();
		if (keyctl(KEYCTL_UPDATE, id[i], (long)"", 0, 0) < 0) {
			warn("keyctl update %ld: %s", id[i], strerror(errno));
			return 1;
		}
		t[OP_UPDATE_KDUMP][at + i] = now_us() - t0;
	}
	for (i = 0; i < n; i++) {
		t0 = now_us();
		if (keyctl(KEYCTL_REVOKE, id[i], 0, 0, 0) < 0) {
			warn("keyctl revoke %ld: %s", id[i], strerror(errno));
			return 1;
		}
		t[OP_REVOKE_KDUMP][at + i] = now_us() - t0;
	}
	return clear_keys();
}

/*
 * One untimed key through every operation: under QEMU TCG the first run
 * of a kernel path pays for its translation (a first add_key took 7 ms,
 * the next ones 0.2 ms), which would be the whole figure for N = 1.  The
 * figures are those of a warm system.
 */
static int warm_up(void)
{
	char desc[DESC_SIZE];
	long id;

	if (luks_desc(desc) || add_logon(desc))
		return 1;
	id = add_kdump(desc);
	if (id < 0 || add_logon(desc) ||
	    keyctl(KEYCTL_UPDATE, id, (long)"", 0, 0) < 0 ||
	    keyctl(KEYCTL_REVOKE, id, 0, 0, 0) < 0) {
		warn("warm-up with %s: %s", desc, strerror(errno));
		return 1;
	}
	return clear_keys();
}

static int cmd_ops(int n, const char *suffix)
{
	static double t[NR_OPS][SAMPLES];
	int op, r, rounds = n == 1 ? ROUNDS_1 : 1;
	double med[NR_OPS];

	if (warm_up())
		return 1;

	for (r = 0; r < rounds; r++)
		if (time_round(n, t, r * n))
			return 1;

	/* Only whole sets: a failed run prints no figure at all */
	for (op = 0; op < NR_OPS; op++)
		med[op] = median(t[op], rounds * n);
	for (op = 0; op < NR_OPS; op++) {
		/*
		 * add_logon does not involve the kdump key type at all:
		 * its unloaded figure is the baseline, keyops.add_logon
		 */
		if (op == OP_ADD_LOGON && !strcmp(suffix, "unloaded"))
			printf("KKT-BENCH keyops.add_logon %d %.1f us\n", n,
			       med[op]);
		else
			printf("KKT-BENCH keyops.%s.%s %d %.1f us\n",
			       op_names[op], suffix, n, med[op]);
	}
	if (!strcmp(suffix, "loaded"))
		printf("KKT-SAY %d keys loaded: add %.1f, update %.1f, revoke %.1f us\n",
		       n, med[OP_ADD_KDUMP], med[OP_UPDATE_KDUMP],
		       med[OP_REVOKE_KDUMP]);
	return 0;
}

static int cmd_reserve(int n)
{
	char desc[DESC_SIZE];
	int i;

	for (i = 0; i < n; i++)
		if (luks_desc(desc) || add_logon(desc) || add_kdump(desc) < 0)
			return 1;
	return 0;
}

/* fork and exec rather than system(): no shell start-up in the figure */
static int cmd_time(const char *metric, int n, char **argv)
{
	double t0, t1;
	int status;
	pid_t pid;

	fflush(stdout);
	t0 = now_us();
	pid = fork();
	if (pid < 0) {
		warn("fork: %s", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		warn("%s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		warn("waitpid: %s", strerror(errno));
		return 1;
	}
	t1 = now_us();
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		warn("%s failed (status 0x%x)", argv[0], status);
		return 1;
	}
	printf("KKT-BENCH %s %d %.1f ms\n", metric, n, (t1 - t0) / 1e3);
	return 0;
}

/*
 * With KEXEC_FILE_DEBUG (Linux 6.7 and later), kexec_file_load() logs
 * every segment ("segment[i]: buf=... bufsz=0x... mem=0x... memsz=0x...")
 * at KERN_INFO, below the console's level here: read them from /dev/kmsg,
 * from where it ended before the load.  kexec-tools 2.0.25 (Debian 12)
 * has no option that sets the flag, hence our own call.  The key segment
 * is the one segment kexec fills with zeroes (no buffer, bufsz 0): the
 * keys are written into it only after the load.
 */
static int cmd_segsize(const char *kernel, const char *initrd)
{
	static const char cmdline[] = "console=ttyS0";
	unsigned long memsz = 0, size;
	int kfd, ifd, kmsg, found = 0;
	char rec[1024], *p;
	ssize_t len;
	long ret;

	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	kfd = open(kernel, O_RDONLY);
	ifd = open(initrd, O_RDONLY);
	if (kmsg < 0 || kfd < 0 || ifd < 0) {
		warn("open /dev/kmsg, %s or %s: %s", kernel, initrd,
		     strerror(errno));
		return 1;
	}
	lseek(kmsg, 0, SEEK_END);
	ret = syscall(SYS_kexec_file_load, kfd, ifd, sizeof(cmdline), cmdline,
		      KEXEC_FILE_ON_CRASH | KEXEC_FILE_DEBUG);
	if (ret < 0) {
		warn("kexec_file_load: %s", strerror(errno));
		return 1;
	}
	for (;;) {
		len = read(kmsg, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;	/* overwritten records: read on */
		if (len <= 0)
			break;
		rec[len] = '\0';
		if (!strstr(rec, "segment[") || !strstr(rec, " bufsz=0x0 "))
			continue;
		p = strstr(rec, "memsz=0x");
		if (p && sscanf(p, "memsz=0x%lx", &size) == 1) {
			memsz = size;
			found++;
		}
	}
	if (syscall(SYS_kexec_file_load, -1, -1, 0, NULL,
		    KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH) < 0) {
		warn("kexec_file_load unload: %s", strerror(errno));
		return 1;
	}
	if (found != 1) {
		warn("%d segments without a buffer in the kexec log, want 1 (the keys)",
		     found);
		return 1;
	}
	printf("%lu\n", memsz);
	return 0;
}

static int print_usage(void)
{
	fprintf(stderr,
		"usage: %s ops N loaded|unloaded | reserve N | clear\n"
		"       %s time METRIC N CMD [ARG...] | segsize KERNEL INITRD\n",
		prog, prog);
	return 2;
}

int main(int argc, char **argv)
{
	int n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "ops")) {
		n = parse_n(argv[2], MAX_KEYS);
		if (n < 1 || strspn(argv[3], "abcdefghijklmnopqrstuvwxyz") !=
		    strlen(argv[3]))
			return print_usage();
		return cmd_ops(n, argv[3]);
	}
	if (argc == 3 && !strcmp(argv[1], "reserve")) {
		n = parse_n(argv[2], MAX_KEYS);
		return n < 0 ? print_usage() : cmd_reserve(n);
	}
	if (argc == 2 && !strcmp(argv[1], "clear"))
		return clear_keys() ? 1 : 0;
	if (argc >= 5 && !strcmp(argv[1], "time")) {
		n = parse_n(argv[3], 1 << 20);
		return n < 0 ? print_usage() : cmd_time(argv[2], n, argv + 4);
	}
	if (argc == 4 && !strcmp(argv[1], "segsize"))
		return cmd_segsize(argv[2], argv[3]);
	return print_usage();
}
