// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for the "kdump" key type: every slab and page allocation
 * that adding a kdump key, updating it and loading a capture kernel make is
 * failed in turn, through the per-task fail-nth interface
 * (Documentation/fault-injection/fault-injection.rst): N written to
 * /proc/thread-self/fail-nth fails the Nth injection point the task reaches.
 * N goes 1, 2, ... until the call no longer reaches the Nth point and
 * succeeds.  After each failure the error must be a clean one (ENOMEM) and
 * nothing may be left half done: no new kdump key, an updated key as it
 * was, no loaded capture image and no key shown "loaded".  Leaks are left
 * to kmemleak, use-after-free and double free to KASAN: run this on the
 * sanitizer kernel and scan afterwards.
 *
 * Needs CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and
 * CONFIG_FAULT_INJECTION_DEBUG_FS (the scenario clears ignore-gfp-wait and
 * min-order in debugfs so that GFP_KERNEL allocations can fail), and for
 * kexec_file_load a crashkernel= reservation and KDUMP_KEY_KERNEL naming a
 * bzImage.  Prints "# fail-nth <call> <points>" for the harness.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <linux/keyctl.h>
#include <linux/types.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../kselftest_harness.h"

#define SECRET_LEN 64
#define NEW_LEN 32
#define SESSION KEY_SPEC_SESSION_KEYRING
#define MAX_POINTS 100000

typedef __s32 key_serial_t;

static long ret_or_errno(long ret)
{
	return ret < 0 ? -errno : ret;
}

static const char *errstr(long ret)
{
	return ret < 0 ? strerror(-ret) : "success";
}

static long sys_add_key(const char *type, const char *desc, const void *data,
			size_t len, key_serial_t ring)
{
	return ret_or_errno(syscall(__NR_add_key, type, desc, data, len, ring));
}

static long sys_keyctl(int cmd, unsigned long arg2, unsigned long arg3,
		       unsigned long arg4, unsigned long arg5)
{
	return ret_or_errno(syscall(__NR_keyctl, cmd, arg2, arg3, arg4, arg5));
}

static long add_source(const char *desc, size_t len)
{
	char buf[SECRET_LEN];

	memset(buf, 0x3c, sizeof(buf));
	return sys_add_key("logon", desc, buf, len, SESSION);
}

/* Returns the /proc/keys line of @id, to free(), or NULL. */
static char *proc_keys_line(key_serial_t id)
{
	char prefix[16], *line = NULL;
	size_t size = 0;
	FILE *file;

	file = fopen("/proc/keys", "r");
	if (!file)
		return NULL;
	snprintf(prefix, sizeof(prefix), "%08x ", (unsigned int)id);
	while (getline(&line, &size, file) > 0) {
		if (!strncmp(line, prefix, strlen(prefix))) {
			fclose(file);
			return line;
		}
	}
	free(line);
	fclose(file);
	return NULL;
}

static bool proc_keys_has(key_serial_t id, const char *text)
{
	char *line = proc_keys_line(id);
	bool found = line && strstr(line, text);

	free(line);
	return found;
}

/* Counts the kdump keys that /proc/keys shows "loaded". */
static int nr_loaded(void)
{
	char *line = NULL;
	size_t size = 0;
	FILE *file;
	int n = 0;

	file = fopen("/proc/keys", "r");
	if (!file)
		return -1;
	while (getline(&line, &size, file) > 0)
		if (strstr(line, " kdump ") && strstr(line, " loaded\n"))
			n++;
	free(line);
	fclose(file);
	return n;
}

static int crash_loaded(void)
{
	char c = '?';
	int fd = open("/sys/kernel/kexec_crash_loaded", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (read(fd, &c, 1) != 1)
		c = '?';
	close(fd);
	return c == '1';
}

FIXTURE(fault) {
	int fail_nth;		/* fd of /proc/thread-self/fail-nth */
	key_serial_t src;	/* logon key "kd:fault" */
};

FIXTURE_SETUP(fault)
{
	long ret;

	self->fail_nth = -1;
	if (geteuid() != 0)
		SKIP(return, "must run as root");
	self->fail_nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (self->fail_nth < 0)
		SKIP(return, "no /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION=y?)");
	ASSERT_LT(0, sys_keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0));
	ret = sys_add_key("kdump", "kd:probe", NULL, 0, SESSION);
	if (ret == -ENODEV)
		SKIP(return, "no kdump key type (CONFIG_KEYS_KDUMP=y?)");
	self->src = add_source("kd:fault", SECRET_LEN);
	ASSERT_LT(0, self->src) {
		TH_LOG("cannot add the source: %s", errstr(self->src));
	}
}

FIXTURE_TEARDOWN(fault)
{
	if (self->fail_nth >= 0)
		close(self->fail_nth);
}

/*
 * Arms fail-nth with @n; after the call, disarm() tells whether the Nth
 * point was reached (and failed).  Nothing may allocate in between: the fd
 * stays open and the write does not allocate.
 */
static int arm(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -errno;
}

/* Returns true if the injected fault happened, and disarms. */
static bool disarm(int fd)
{
	char buf[16] = "";
	bool injected;

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		return false;
	injected = atoi(buf) == 0;
	pwrite(fd, "0", 1, 0);
	return injected;
}

static void report(const char *call, unsigned int points)
{
	printf("# fail-nth %s %u\n", call, points);
	fflush(stdout);
}

TEST_F_TIMEOUT(fault, add_key, 600)
{
	unsigned int n, points = 0;
	long ret = -1;

	for (n = 1; n < MAX_POINTS; n++) {
		ASSERT_EQ(0, arm(self->fail_nth, n));
		ret = sys_add_key("kdump", "kd:fault", NULL, 0, SESSION);
		if (!disarm(self->fail_nth))
			break;
		points++;
		ASSERT_EQ(-ENOMEM, ret) {
			TH_LOG("add_key failing at point %u: expected ENOMEM, got %s",
			       n, errstr(ret));
		}
		ASSERT_EQ(-ENOKEY, sys_keyctl(KEYCTL_SEARCH, SESSION,
					      (unsigned long)"kdump",
					      (unsigned long)"kd:fault", 0)) {
			TH_LOG("a kdump key exists after failing at point %u",
			       n);
		}
	}
	report("add_key", points);
	ASSERT_LT(0, ret) {
		TH_LOG("add_key without a fault: %s", errstr(ret));
	}
	EXPECT_LT(0, points);
	EXPECT_TRUE(proc_keys_has(ret, ": 64 restore=user pending"));
}

TEST_F_TIMEOUT(fault, update, 600)
{
	unsigned int n, points = 0;
	long id, ret = -1;
	char buf[SECRET_LEN];

	id = sys_add_key("kdump", "kd:fault", NULL, 0, SESSION);
	ASSERT_LT(0, id);
	/* The update converts again: a shorter source tells the copies apart */
	memset(buf, 0x3c, sizeof(buf));
	ASSERT_EQ(0, sys_keyctl(KEYCTL_UPDATE, self->src, (unsigned long)buf,
				NEW_LEN, 0));
	for (n = 1; n < MAX_POINTS; n++) {
		ASSERT_EQ(0, arm(self->fail_nth, n));
		ret = sys_keyctl(KEYCTL_UPDATE, id,
				 (unsigned long)"restore=logon", 13, 0);
		if (!disarm(self->fail_nth))
			break;
		points++;
		ASSERT_EQ(-ENOMEM, ret) {
			TH_LOG("update failing at point %u: expected ENOMEM, got %s",
			       n, errstr(ret));
		}
		ASSERT_TRUE(proc_keys_has(id, ": 64 restore=user pending")) {
			TH_LOG("the key changed after a failed update (point %u)",
			       n);
		}
	}
	report("keyctl_update", points);
	ASSERT_EQ(0, ret) {
		TH_LOG("update without a fault: %s", errstr(ret));
	}
	EXPECT_LT(0, points);
	EXPECT_TRUE(proc_keys_has(id, ": 32 restore=logon pending"));
}

static long kexec_file_load_crash(int kernel_fd)
{
	static const char cmdline[] = "console=ttyS0";

	return ret_or_errno(syscall(__NR_kexec_file_load, kernel_fd, -1,
				    sizeof(cmdline), cmdline,
				    KEXEC_FILE_ON_CRASH |
				    KEXEC_FILE_NO_INITRAMFS));
}

static long kexec_unload_crash(void)
{
	return ret_or_errno(syscall(__NR_kexec_file_load, -1, -1, 0, NULL,
				    KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH));
}

/*
 * Also the regression test for upstream CRASH_DM_CRYPT's double free and
 * use-after-free of the key buffer when kexec_add_buffer() fails: every
 * allocation on the way to and inside our segment's kexec_add_buffer()
 * fails once, under KASAN.
 */
TEST_F_TIMEOUT(fault, kexec_file_load, 1200)
{
	const char *kernel = getenv("KDUMP_KEY_KERNEL");
	unsigned int n, points = 0;
	int kernel_fd;
	long id, ret = -1;

	if (!kernel || access(kernel, R_OK))
		SKIP(return, "KDUMP_KEY_KERNEL must name a bzImage");
	if (crash_loaded() != 0)
		SKIP(return, "a capture kernel is loaded already, or no kexec");
	id = sys_add_key("kdump", "kd:fault", NULL, 0, SESSION);
	ASSERT_LT(0, id);
	kernel_fd = open(kernel, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, kernel_fd);
	for (n = 1; n < MAX_POINTS; n++) {
		ASSERT_EQ(0, arm(self->fail_nth, n));
		ret = kexec_file_load_crash(kernel_fd);
		if (!disarm(self->fail_nth))
			break;
		points++;
		ASSERT_EQ(-ENOMEM, ret) {
			TH_LOG("kexec_file_load failing at point %u: expected ENOMEM, got %s",
			       n, errstr(ret));
		}
		ASSERT_EQ(0, crash_loaded()) {
			TH_LOG("a capture kernel is loaded after a failure at point %u",
			       n);
		}
		ASSERT_EQ(0, nr_loaded()) {
			TH_LOG("a key shows loaded after a failure at point %u",
			       n);
		}
	}
	close(kernel_fd);
	report("kexec_file_load", points);
	ASSERT_EQ(0, ret) {
		TH_LOG("kexec_file_load without a fault: %s", errstr(ret));
	}
	EXPECT_LT(0, points);
	EXPECT_EQ(1, crash_loaded());
	EXPECT_TRUE(proc_keys_has(id, ": 64 restore=user loaded"));
	ASSERT_EQ(0, kexec_unload_crash());
	EXPECT_TRUE(proc_keys_has(id, ": 64 restore=user pending"));
}

/* Unloading makes no allocation worth failing, but a reload after one must */
TEST_F_TIMEOUT(fault, kexec_unload_after_failures, 600)
{
	const char *kernel = getenv("KDUMP_KEY_KERNEL");
	int kernel_fd, i;
	long id;

	if (!kernel || access(kernel, R_OK))
		SKIP(return, "KDUMP_KEY_KERNEL must name a bzImage");
	id = sys_add_key("kdump", "kd:fault", NULL, 0, SESSION);
	ASSERT_LT(0, id);
	kernel_fd = open(kernel, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, kernel_fd);
	/* Load, then a failed reload must leave nothing loaded or shown */
	ASSERT_EQ(0, kexec_file_load_crash(kernel_fd));
	EXPECT_TRUE(proc_keys_has(id, " loaded"));
	for (i = 1; i <= 3; i++) {
		ASSERT_EQ(0, arm(self->fail_nth, i));
		kexec_file_load_crash(kernel_fd);
		disarm(self->fail_nth);
		EXPECT_EQ(crash_loaded() == 1 ? 1 : 0, nr_loaded() ? 1 : 0) {
			TH_LOG("loaded %d, keys shown loaded %d", crash_loaded(),
			       nr_loaded());
		}
	}
	kexec_unload_crash();
	close(kernel_fd);
	EXPECT_EQ(0, nr_loaded());
}

TEST_HARNESS_MAIN
