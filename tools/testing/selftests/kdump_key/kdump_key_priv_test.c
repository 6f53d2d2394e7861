// SPDX-License-Identifier: GPL-2.0
/*
 * Privilege and exposure tests for the "kdump" key type.
 *
 * Adding or updating a kdump key needs CAP_SYS_ADMIN in the initial user
 * namespace: capabilities gained in a user namespace must not be enough.
 * The source key is found only where the caller may search for it, whoever
 * owns it, and a kdump key never gives its bytes back.
 *
 * Run as root.  The user namespace tests need CONFIG_USER_NS.
 */

#define _GNU_SOURCE
#include <sched.h>
#include <sys/prctl.h>

#include "kdump_key_helpers.h"

#define KEYQUOTA_LINK_BYTES 4	/* charged to a keyring's owner per link */

/* Permission bits, as in include/linux/key.h */
#define KP_VIEW		0x01
#define KP_READ		0x02
#define KP_WRITE	0x04
#define KP_SEARCH	0x08
#define KP_LINK		0x10
#define KP_SETATTR	0x20
#define KP_ALL		0x3f
#define KP_POS(p)	((__u32)(p) << 24)
#define KP_USR(p)	((__u32)(p) << 16)
#define KP_OTH(p)	((__u32)(p))

static long add_source(const char *type, const char *desc, key_serial_t ring)
{
	char buf[SECRET_LEN];

	memset(buf, 0xa5, sizeof(buf));
	return sys_add_key(type, desc, buf, sizeof(buf), ring);
}

static int drop_to_dumpable_nobody(void)
{
	int ret = drop_to_nobody();

	if (ret)
		return ret;
	/* Changing uid made us undumpable: /proc/self would be root's */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return -errno;
	return 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = strlen(text);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

/* Enters a new user namespace as its root, with every capability in it. */
static int enter_userns(uid_t outer_uid, gid_t outer_gid)
{
	char map[64];
	int ret;

	if (unshare(CLONE_NEWUSER))
		return -errno;
	ret = write_file("/proc/self/setgroups", "deny");
	if (ret)
		return ret;
	snprintf(map, sizeof(map), "0 %u 1", outer_uid);
	ret = write_file("/proc/self/uid_map", map);
	if (ret)
		return ret;
	snprintf(map, sizeof(map), "0 %u 1", outer_gid);
	ret = write_file("/proc/self/gid_map", map);
	if (ret)
		return ret;
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		return -errno;
	return 0;
}

FIXTURE(priv) {};

FIXTURE_SETUP(priv)
{
	setup_session(_metadata);
}

FIXTURE_TEARDOWN(priv)
{
}

/* In a child: add a logon key and try to convert it, expecting EPERM. */
static int expect_eperm(struct __test_metadata *_metadata, const char *who)
{
	long ret;
	int kernel_fd;

	ret = join_session();
	if (ret < 0) {
		TH_LOG("%s: cannot join a session keyring: %s", who,
		       errstr(ret));
		return 1;
	}
	ret = add_source("logon", "kd:ns", SESSION);
	if (ret < 0) {
		TH_LOG("%s: cannot add a logon key: %s", who, errstr(ret));
		return 1;
	}
	ret = add_kdump("kd:ns", NULL, SESSION);
	if (ret != -EPERM) {
		TH_LOG("%s: add_key(\"kdump\"): expected EPERM, got %s", who,
		       errstr(ret));
		return 1;
	}
	ret = key_search(SESSION, "kdump", "kd:ns");
	if (ret != -ENOKEY) {
		TH_LOG("%s: a kdump key exists after EPERM (search: %s)", who,
		       errstr(ret));
		return 1;
	}
	/* Loading a capture kernel is no more allowed than adding keys */
	kernel_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	ret = sys_kexec_file_load(kernel_fd, kernel_fd, 1, "",
				  KEXEC_FILE_ON_CRASH);
	close(kernel_fd);
	if (ret != -EPERM) {
		TH_LOG("%s: kexec_file_load: expected EPERM, got %s", who,
		       errstr(ret));
		return 1;
	}
	return 0;
}

static int userns_child(struct __test_metadata *_metadata, bool as_nobody)
{
	uid_t uid = 0;
	gid_t gid = 0;
	int ret;

	if (as_nobody) {
		ret = drop_to_dumpable_nobody();
		if (ret) {
			TH_LOG("cannot become nobody: %s", errstr(ret));
			return 1;
		}
		uid = NOBODY;
		gid = NOBODY;
	}
	ret = enter_userns(uid, gid);
	if (ret == -EINVAL) {
		TH_LOG("no user namespaces (CONFIG_USER_NS=y?): %s",
		       errstr(ret));
		return KSFT_SKIP;
	}
	if (ret) {
		TH_LOG("cannot enter a user namespace: %s", errstr(ret));
		return 1;
	}
	return expect_eperm(_metadata, as_nobody ?
			    "nobody, root of a user namespace" :
			    "root, root of a user namespace");
}

/* An unprivileged user gets CAP_SYS_ADMIN in a namespace of its own. */
TEST_F(priv, userns_cap_sys_admin_nobody)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(userns_child(_metadata, true));
	wait_child(_metadata, pid);
}

/* Even root loses its initial-namespace capabilities by unsharing. */
TEST_F(priv, userns_cap_sys_admin_root)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(userns_child(_metadata, false));
	wait_child(_metadata, pid);
}

static int nobody_update_child(struct __test_metadata *_metadata,
			       key_serial_t id)
{
	char buf[SECRET_LEN];
	long ret = drop_to_dumpable_nobody();

	if (ret) {
		TH_LOG("cannot become nobody: %s", errstr(ret));
		return 1;
	}
	ret = update_kdump(id, "restore=logon");
	if (ret != -EPERM) {
		TH_LOG("update by nobody with Write: expected EPERM, got %s",
		       errstr(ret));
		return 1;
	}
	memset(buf, 0, sizeof(buf));
	ret = key_read(id, buf, sizeof(buf));
	if (ret >= 0 || memchr(buf, 0xa5, sizeof(buf))) {
		TH_LOG("read by nobody with Read: got %s", errstr(ret));
		return 1;
	}
	return 0;
}

/*
 * Permissions on the key cannot stand in for the capability: nobody, given
 * every permission on root's kdump key, can neither update it (which would
 * convert a source of its choosing) nor read it.
 */
TEST_F(priv, nobody_with_all_perms)
{
	long id;
	pid_t pid;

	ASSERT_LT(0, add_source("logon", "kd:perm", SESSION));
	id = add_kdump("kd:perm", NULL, SESSION);
	ASSERT_LT(0, id) {
		TH_LOG("add_key(\"kdump\"): %s", errstr(id));
	}
	ASSERT_EQ(0, key_setperm(id, KP_POS(KP_ALL) | KP_USR(KP_ALL) |
				     KP_OTH(KP_ALL)));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(nobody_update_child(_metadata, id));
	wait_child(_metadata, pid);
	EXPECT_TRUE(proc_keys_has(id, ": 64 restore=user pending"));
}

/* Every permission but Search, for the possessor and the owner. */
#define NO_SEARCH (KP_POS(KP_ALL & ~KP_SEARCH) | KP_USR(KP_ALL & ~KP_SEARCH))

TEST_F(priv, source_without_search)
{
	long src, ret;

	src = add_source("logon", "kd:nosearch", SESSION);
	ASSERT_LT(0, src);
	ASSERT_EQ(0, key_setperm(src, NO_SEARCH));
	ret = add_kdump("kd:nosearch", NULL, SESSION);
	EXPECT_EQ(-EACCES, ret) {
		TH_LOG("source without Search: expected EACCES, got %s",
		       errstr(ret));
	}
	EXPECT_EQ(-ENOKEY, key_search(SESSION, "kdump", "kd:nosearch"));
	/* The same key with Search converts: the test can tell. */
	ASSERT_EQ(0, key_setperm(src, NO_SEARCH | KP_POS(KP_SEARCH)));
	ret = add_kdump("kd:nosearch", NULL, SESSION);
	EXPECT_LT(0, ret) {
		TH_LOG("source with Search: %s", errstr(ret));
	}
}

TEST_F(priv, source_in_keyring_without_search)
{
	long ring, ret;

	ring = sys_add_key("keyring", "kd-closed", NULL, 0, SESSION);
	ASSERT_LT(0, ring);
	ASSERT_LT(0, add_source("logon", "kd:closed", ring));
	ASSERT_EQ(0, key_setperm(ring, NO_SEARCH));
	ret = add_kdump("kd:closed", NULL, SESSION);
	EXPECT_EQ(-ENOKEY, ret) {
		TH_LOG("source behind a keyring without Search: expected ENOKEY, got %s",
		       errstr(ret));
	}
	EXPECT_EQ(-ENOKEY, key_search(SESSION, "kdump", "kd:closed"));
}

/*
 * A source owned by another user, linked where root possesses it: Search
 * finds it, but converting takes Read on top, or ownership.  Converted,
 * the kdump key belongs to, and is charged to, the caller.
 */
static long other_users_source(__u32 perm)
{
	long src = add_source("logon", "kd:other", SESSION);

	if (src < 0 || key_setperm(src, perm) || key_chown(src, NOBODY, NOBODY))
		return -1;
	return src;
}

/* Converting nobody's source with @perm fails with EACCES, leaving nothing */
static bool refused(struct __test_metadata *_metadata, __u32 perm,
		    const char *what)
{
	long src = other_users_source(perm);
	long ret = add_kdump("kd:other", NULL, SESSION);

	if (src < 0 || ret != -EACCES ||
	    key_search(SESSION, "kdump", "kd:other") != -ENOKEY) {
		TH_LOG("nobody's source, %s: expected EACCES, got %s", what,
		       errstr(ret));
		return false;
	}
	return key_unlink(src, SESSION) == 0;
}

TEST_F(priv, source_owned_by_other_user)
{
	struct key_quota root0, root1, nobody0, nobody1;
	char desc[256];
	long src, id;

	/*
	 * Once chowned, root cannot change the permissions of a key it does
	 * not possess: each try gets a new key of nobody's.
	 */
	EXPECT_TRUE(refused(_metadata, KP_USR(KP_ALL), "Search for nobody only"));
	EXPECT_TRUE(refused(_metadata, KP_USR(KP_ALL) | KP_POS(KP_SEARCH),
			    "Search without Read"));

	src = other_users_source(KP_USR(KP_ALL) | KP_POS(KP_SEARCH | KP_READ));
	ASSERT_LT(0, src);
	settled_key_quota(0, &root0);
	key_user_quota(NOBODY, &nobody0);
	id = add_kdump("kd:other", NULL, SESSION);
	ASSERT_LT(0, id) {
		TH_LOG("nobody's source with possessor Search and Read: %s",
		       errstr(id));
	}
	key_user_quota(0, &root1);
	key_user_quota(NOBODY, &nobody1);
	ASSERT_LT(0, key_describe(id, desc, sizeof(desc)));
	EXPECT_EQ(0, strncmp(desc, "kdump;0;0;", 10)) {
		TH_LOG("KEYCTL_DESCRIBE: %s", desc);
	}
	EXPECT_EQ(root0.qnkeys + 1, root1.qnkeys);
	/* Description with NUL, key bytes, and the link in root's keyring */
	EXPECT_EQ(root0.qnbytes + (int)strlen("kd:other") + 1 + SECRET_LEN +
		  KEYQUOTA_LINK_BYTES, root1.qnbytes) {
		TH_LOG("root's key bytes went from %d to %d", root0.qnbytes,
		       root1.qnbytes);
	}
	/* Nothing charged to nobody (the unlinked key may be collected) */
	EXPECT_GE(nobody0.qnkeys, nobody1.qnkeys);
	EXPECT_GE(nobody0.qnbytes, nobody1.qnbytes);
}

static int read_child(struct __test_metadata *_metadata, key_serial_t id)
{
	unsigned char buf[SECRET_LEN];
	long ret = drop_to_dumpable_nobody();

	if (ret) {
		TH_LOG("cannot become nobody: %s", errstr(ret));
		return 1;
	}
	memset(buf, 0, sizeof(buf));
	ret = key_read(id, buf, sizeof(buf));
	if (ret >= 0 || memchr(buf, 0xa5, sizeof(buf))) {
		TH_LOG("KEYCTL_READ by nobody: %s", errstr(ret));
		return 1;
	}
	return 0;
}

/* keyctl read, pipe and print are all KEYCTL_READ */
TEST_F(priv, read_denied)
{
	unsigned char buf[SECRET_LEN];
	long id, ret;
	pid_t pid;

	ASSERT_LT(0, add_source("logon", "kd:read", SESSION));
	id = add_kdump("kd:read", NULL, SESSION);
	ASSERT_LT(0, id);
	memset(buf, 0, sizeof(buf));
	ret = key_read(id, buf, sizeof(buf));
	EXPECT_EQ(-EOPNOTSUPP, ret) {
		TH_LOG("KEYCTL_READ by the possessor: %s", errstr(ret));
	}
	EXPECT_EQ(NULL, memchr(buf, 0xa5, sizeof(buf)));
	EXPECT_EQ(-EOPNOTSUPP, key_read(id, NULL, 0));

	/* Not even with Read granted to everyone */
	ASSERT_EQ(0, key_setperm(id, KP_POS(KP_ALL) | KP_USR(KP_ALL) |
				     KP_OTH(KP_VIEW | KP_READ)));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(read_child(_metadata, id));
	wait_child(_metadata, pid);
}

int main(int argc, char **argv)
{
	atexit(exit_skip_if_all_skipped);
	return test_harness_run(argc, argv);
}
