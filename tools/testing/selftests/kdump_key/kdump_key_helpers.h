/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kdump key selftests: syscall wrappers that return
 * -errno, /proc/keys and /proc/key-users lookups, dropping privileges, and
 * the fixture set-up that skips a test where it cannot run.
 *
 * kdump_key_expose is not a kselftest_harness program: it defines
 * KDUMP_KEY_NO_HARNESS before it includes this header and gets everything
 * but the helpers that take a struct __test_metadata.
 */

#ifndef __KDUMP_KEY_HELPERS_H
#define __KDUMP_KEY_HELPERS_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/kexec.h>
#include <linux/keyctl.h>
#include <linux/types.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef KDUMP_KEY_NO_HARNESS
#include "../kselftest.h"
#else
#include "../kselftest_harness.h"
#endif

#define SECRET_LEN 64	/* bytes of the usual source key */
#define NOBODY 65534
#define SESSION KEY_SPEC_SESSION_KEYRING

#ifndef __NR_kexec_file_load
#define __NR_kexec_file_load -1	/* makes syscall() fail: no such call */
#endif

typedef __s32 key_serial_t;

static inline long ret_or_errno(long ret)
{
	return ret < 0 ? -errno : ret;
}

static inline const char *errstr(long ret)
{
	return ret < 0 ? strerror(-ret) : "success";
}

static inline long sys_add_key(const char *type, const char *desc,
			       const void *data, size_t len, key_serial_t ring)
{
	return ret_or_errno(syscall(__NR_add_key, type, desc, data, len, ring));
}

static inline long sys_keyctl(int cmd, unsigned long arg2, unsigned long arg3,
			      unsigned long arg4, unsigned long arg5)
{
	return ret_or_errno(syscall(__NR_keyctl, cmd, arg2, arg3, arg4, arg5));
}

static inline long sys_kexec_file_load(int kernel_fd, int initrd_fd,
				       unsigned long cmdline_len,
				       const char *cmdline,
				       unsigned long flags)
{
	return ret_or_errno(syscall(__NR_kexec_file_load, kernel_fd, initrd_fd,
				    cmdline_len, cmdline, flags));
}

static inline long join_session(void)
{
	return sys_keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0);
}

static inline long key_update(key_serial_t id, const void *data, size_t len)
{
	return sys_keyctl(KEYCTL_UPDATE, id, (unsigned long)data, len, 0);
}

static inline long key_revoke(key_serial_t id)
{
	return sys_keyctl(KEYCTL_REVOKE, id, 0, 0, 0);
}

static inline long key_invalidate(key_serial_t id)
{
	return sys_keyctl(KEYCTL_INVALIDATE, id, 0, 0, 0);
}

static inline long key_describe(key_serial_t id, char *buf, size_t len)
{
	return sys_keyctl(KEYCTL_DESCRIBE, id, (unsigned long)buf, len, 0);
}

static inline long key_read(key_serial_t id, void *buf, size_t len)
{
	return sys_keyctl(KEYCTL_READ, id, (unsigned long)buf, len, 0);
}

static inline long key_clear(key_serial_t ring)
{
	return sys_keyctl(KEYCTL_CLEAR, ring, 0, 0, 0);
}

static inline long key_unlink(key_serial_t id, key_serial_t ring)
{
	return sys_keyctl(KEYCTL_UNLINK, id, ring, 0, 0);
}

static inline long key_set_timeout(key_serial_t id, unsigned int seconds)
{
	return sys_keyctl(KEYCTL_SET_TIMEOUT, id, seconds, 0, 0);
}

static inline long key_setperm(key_serial_t id, __u32 perm)
{
	return sys_keyctl(KEYCTL_SETPERM, id, perm, 0, 0);
}

static inline long key_chown(key_serial_t id, uid_t uid, gid_t gid)
{
	return sys_keyctl(KEYCTL_CHOWN, id, uid, gid, 0);
}

static inline long key_search(key_serial_t ring, const char *type,
			      const char *desc)
{
	return sys_keyctl(KEYCTL_SEARCH, ring, (unsigned long)type,
			  (unsigned long)desc, 0);
}

/* Adds kdump key @desc with the option string @opts (NULL: no payload). */
static inline long add_kdump(const char *desc, const char *opts,
			     key_serial_t ring)
{
	return sys_add_key("kdump", desc, opts, opts ? strlen(opts) : 0, ring);
}

static inline long update_kdump(key_serial_t id, const char *opts)
{
	return key_update(id, opts, opts ? strlen(opts) : 0);
}

/*
 * Loads @kernel_fd as the capture kernel, with the initrd @initrd_fd or,
 * if it is negative, none.
 */
static inline long kexec_load_crash(int kernel_fd, int initrd_fd)
{
	static const char cmdline[] = "console=ttyS0";
	unsigned long flags = KEXEC_FILE_ON_CRASH;

	if (initrd_fd < 0)
		flags |= KEXEC_FILE_NO_INITRAMFS;
	return sys_kexec_file_load(kernel_fd, initrd_fd, sizeof(cmdline),
				   cmdline, flags);
}

static inline long kexec_unload_crash(void)
{
	return sys_kexec_file_load(-1, -1, 0, NULL,
				   KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH);
}

/* 1 if a capture kernel is loaded, 0 if not, -1 without kexec. */
static inline int crash_loaded(void)
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

/* Gives up every group and all three ids for @uid; 0 or -errno. */
static inline int become_user(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		return -errno;
	return 0;
}

static inline int drop_to_nobody(void)
{
	return become_user(NOBODY);
}

/* Returns the /proc/keys line of @id without its newline, to free(). */
static inline char *proc_keys_line(key_serial_t id)
{
	char prefix[16], *line = NULL;
	size_t size = 0;
	ssize_t len;
	FILE *file;

	file = fopen("/proc/keys", "r");
	if (!file)
		return NULL;
	snprintf(prefix, sizeof(prefix), "%08x ", (unsigned int)id);
	while ((len = getline(&line, &size, file)) > 0) {
		if (strncmp(line, prefix, strlen(prefix)))
			continue;
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		fclose(file);
		return line;
	}
	free(line);
	fclose(file);
	return NULL;
}

/* Does the /proc/keys line of @id hold @text? */
static inline bool proc_keys_has(key_serial_t id, const char *text)
{
	char *line = proc_keys_line(id);
	bool found = line && strstr(line, text);

	free(line);
	return found;
}

/*
 * Counts the kdump keys whose /proc/keys line, newline included, holds
 * @text; -1 if /proc/keys cannot be read.
 */
static inline int nr_kdump_lines(const char *text)
{
	char *line = NULL;
	size_t size = 0;
	FILE *file;
	int n = 0;

	file = fopen("/proc/keys", "r");
	if (!file)
		return -1;
	while (getline(&line, &size, file) > 0)
		if (strstr(line, " kdump ") && strstr(line, text))
			n++;
	free(line);
	fclose(file);
	return n;
}

struct key_quota {
	int qnkeys;
	int qnbytes;
};

/*
 * Reads "<qnkeys>/<maxkeys> <qnbytes>/<maxbytes>" of @uid in
 * /proc/key-users: 0, or -1 (and zeroes) if @uid has no line there.
 */
static inline int key_user_quota(uid_t uid, struct key_quota *quota)
{
	int usage, nkeys, nikeys, qnkeys, maxkeys, qnbytes, maxbytes, ret = -1;
	unsigned int u;
	char line[256];
	FILE *file;

	quota->qnkeys = 0;
	quota->qnbytes = 0;
	file = fopen("/proc/key-users", "r");
	if (!file)
		return -1;
	while (ret && fgets(line, sizeof(line), file))
		if (sscanf(line, " %u: %d %d/%d %d/%d %d/%d", &u, &usage,
			   &nkeys, &nikeys, &qnkeys, &maxkeys, &qnbytes,
			   &maxbytes) == 8 && u == uid) {
			quota->qnkeys = qnkeys;
			quota->qnbytes = qnbytes;
			ret = 0;
		}
	fclose(file);
	return ret;
}

/*
 * key_user_quota() once the garbage collector has settled: keys of earlier
 * tests (revoked, expired, unlinked) go away in the background.
 */
static inline int settled_key_quota(uid_t uid, struct key_quota *quota)
{
	struct key_quota last;
	int i;

	if (key_user_quota(uid, &last))
		return -1;
	for (i = 0; i < 50; i++) {
		usleep(100000);
		if (key_user_quota(uid, quota))
			return -1;
		if (!memcmp(quota, &last, sizeof(last)))
			break;
		last = *quota;
	}
	return 0;
}

#ifndef KDUMP_KEY_NO_HARNESS

/*
 * Gives the test its own session keyring.  Skips, and returns false, if it
 * cannot run at all: not root, or no kdump key type.
 */
static inline bool setup_session(struct __test_metadata *_metadata)
{
	long ret;

	if (geteuid() != 0)
		SKIP(return false, "must run as root");
	ret = join_session();
	ASSERT_LT(0, ret) {
		TH_LOG("cannot join a new session keyring: %s", errstr(ret));
	}
	/* No source "kd:probe" exists: this must fail, but not with ENODEV. */
	ret = add_kdump("kd:probe", NULL, SESSION);
	if (ret == -ENODEV)
		SKIP(return false, "no kdump key type (CONFIG_KEYS_KDUMP=y?)");
	if (ret > 0)
		key_unlink(ret, SESSION);
	return true;
}

/*
 * Waits for a forked child, which reports through its exit status: 0 pass,
 * 1 fail, KSFT_SKIP skip.  ASSERT_*() would unwind into the harness from
 * the child.
 */
static inline void wait_child(struct __test_metadata *_metadata, pid_t pid)
{
	int status;

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) {
		TH_LOG("the child died abnormally (status %#x)", status);
	}
	if (WEXITSTATUS(status) == KSFT_SKIP)
		SKIP(return, "the child could not set up, see above");
	ASSERT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("the child reported a failure, see above");
	}
}

/*
 * The harness exits with KSFT_PASS when every test was skipped: an atexit()
 * handler that reports the whole program as skipped instead, so that a
 * kernel without the kdump key type, or a run as non-root, does not look
 * like a pass.
 */
static inline void exit_skip_if_all_skipped(void)
{
	if (ksft_cnt.ksft_xskip && !ksft_cnt.ksft_pass &&
	    !ksft_cnt.ksft_fail && !ksft_cnt.ksft_xfail &&
	    !ksft_cnt.ksft_xpass && !ksft_cnt.ksft_error) {
		fflush(NULL);
		_exit(KSFT_SKIP);
	}
}

#endif /* KDUMP_KEY_NO_HARNESS */

#endif /* __KDUMP_KEY_HELPERS_H */
