// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for the "kdump" key type.
 *
 * A kdump key holds a copy of a logon (or user) key, taken when the kdump key
 * is added or updated, for a capture kernel to restore after a crash.  Its
 * payload is an option string: "source=<desc> source_type=logon|user
 * restore=user|logon".
 *
 * Run as root.  The proc_keys_loaded test also needs a crashkernel=
 * reservation, and KDUMP_KEY_KERNEL and KDUMP_KEY_INITRD naming a kernel image and
 * an initrd to load as the capture kernel; it is skipped otherwise.
 */

#define _GNU_SOURCE
#include <linux/capability.h>
#include <sys/klog.h>

#include "kdump_key_helpers.h"

#ifndef SYSLOG_ACTION_READ_ALL
#define SYSLOG_ACTION_READ_ALL 3
#endif
#ifndef SYSLOG_ACTION_SIZE_BUFFER
#define SYSLOG_ACTION_SIZE_BUFFER 10
#endif

/* Every source key is made of this marker, so that leaks can be spotted. */
#define MARKER "KDUMPKEYSECRET"
#define OTHER_LEN 48
#define USER_LEN 32
#define SOURCE_MAX 512
#define OPTIONS_MAX 4096	/* the same on every page size */
#define DESC_MAX 4095
#define NR_MANY 256	/* KDUMP_BLOB_MAX_KEYS: what a capture kernel takes */

static void fill_secret(char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = MARKER[i % (sizeof(MARKER) - 1)];
}

/* Looks for the marker, as text or as hex ("KDUMP" is 4b44554d50). */
static bool leaks_secret(const char *text)
{
	return strstr(text, MARKER) || strcasestr(text, "4b44554d50") ||
	       strcasestr(text, "4b 44 55 4d 50") ||
	       strcasestr(text, "4b:44:55:4d:50");
}

/* Fills @buf with a description of @len bytes: "a:" followed by 'x's. */
static void make_desc(char *buf, size_t len)
{
	memset(buf, 'x', len);
	memcpy(buf, "a:", 2);
	buf[len] = '\0';
}

/* Adds a source key of @len marker bytes to the session keyring. */
static long add_source(const char *type, const char *desc, size_t len)
{
	char buf[SOURCE_MAX + 1];

	if (len > sizeof(buf))
		return -E2BIG;
	fill_secret(buf, len);
	return sys_add_key(type, desc, buf, len, SESSION);
}

static key_serial_t new_source(struct __test_metadata *_metadata,
			       const char *type, const char *desc, size_t len)
{
	long ret = add_source(type, desc, len);

	ASSERT_LT(0, ret) {
		TH_LOG("cannot add %s key \"%.40s\" of %zu bytes: %s",
		       type, desc, len, errstr(ret));
	}
	return ret;
}

static key_serial_t new_kdump(struct __test_metadata *_metadata,
			      const char *desc, const char *opts)
{
	long ret = add_kdump(desc, opts, SESSION);

	ASSERT_LT(0, ret) {
		TH_LOG("add_key(\"kdump\", \"%.40s\", \"%s\") failed: %s",
		       desc, opts ?: "", errstr(ret));
	}
	return ret;
}

/* Reads a whole text file into a NUL-terminated buffer to free(). */
static char *read_file(const char *path)
{
	char *text = NULL;
	size_t size = 0;
	FILE *file;

	file = fopen(path, "r");
	if (!file)
		return NULL;
	if (getdelim(&text, &size, '\0', file) < 0) {
		free(text);
		text = NULL;
	}
	fclose(file);
	return text;
}

/* Crash kernel memory is reserved (powerpc does not list it in /proc/iomem) */
static bool crash_reserved(void)
{
	char *text = read_file("/sys/kernel/kexec_crash_size");
	bool reserved = text && strtoul(text, NULL, 10) > 0;

	free(text);
	return reserved;
}

struct kdump_line {
	char flags[8];
	char type[16];
	unsigned int len;
	char restore[16];
	char state[16];
};

/* Parses "<desc>: <len> restore=<restore> <state>" ending @column. */
static int parse_kdump_column(const char *column, const char *desc,
			      struct kdump_line *kl)
{
	size_t desc_len = strlen(desc);
	const char *p, *rest;
	int end;

	for (p = strstr(column, desc); p; p = strstr(p + 1, desc)) {
		rest = p + desc_len;
		end = -1;
		if (strncmp(rest, ": ", 2))
			continue;
		rest += 2;
		if (sscanf(rest, "%u restore=%15s %15s%n", &kl->len,
			   kl->restore, kl->state, &end) == 3 &&
		    end > 0 && rest[end] == '\0')
			return 0;
	}
	return -1;
}

static int get_kdump_line(key_serial_t id, const char *desc,
			  struct kdump_line *kl)
{
	char *line = proc_keys_line(id);
	int column = -1, ret = -1;

	if (!line)
		return -1;
	if (sscanf(line, "%*x %7s %*d %*s %*x %*d %*d %15s %n", kl->flags,
		   kl->type, &column) == 2 && column > 0)
		ret = parse_kdump_column(line + column, desc, kl);
	free(line);
	return ret;
}

static void log_proc_keys_line(struct __test_metadata *_metadata,
			       key_serial_t id)
{
	char *line = proc_keys_line(id);

	if (!line)
		TH_LOG("key %08x is not in /proc/keys", (unsigned int)id);
	else if (leaks_secret(line))
		TH_LOG("key %08x: its /proc/keys line shows key bytes",
		       (unsigned int)id);
	else
		TH_LOG("key %08x: /proc/keys has \"%.300s\"",
		       (unsigned int)id, line);
	free(line);
}

static void expect_no_secret_in_line(struct __test_metadata *_metadata,
				     key_serial_t id)
{
	char *line = proc_keys_line(id);

	EXPECT_FALSE(line && leaks_secret(line)) {
		TH_LOG("key %08x: /proc/keys shows key bytes",
		       (unsigned int)id);
	}
	free(line);
}

/* Checks the /proc/keys line of kdump key @id. */
static void check_kdump_line(struct __test_metadata *_metadata,
			     key_serial_t id, const char *desc,
			     unsigned int len, const char *restore,
			     const char *state)
{
	struct kdump_line kl = {};

	ASSERT_EQ(0, get_kdump_line(id, desc, &kl)) {
		TH_LOG("no \"<desc>: <len> restore=<r> <state>\" ending");
		log_proc_keys_line(_metadata, id);
	}
	EXPECT_STREQ("kdump", kl.type);
	EXPECT_EQ(len, kl.len) {
		TH_LOG("key %08x: expected a copy of %u bytes",
		       (unsigned int)id, len);
	}
	EXPECT_STREQ(restore, kl.restore);
	EXPECT_STREQ(state, kl.state);
	expect_no_secret_in_line(_metadata, id);
}

/* Checks that KEYCTL_DESCRIBE gives "kdump;<uid>;<gid>;<perm>;<desc>". */
static void check_describe(struct __test_metadata *_metadata,
			   key_serial_t id, const char *desc)
{
	static char buf[DESC_MAX + 64];
	char prefix[64];
	size_t prefix_len;
	long ret;

	ret = key_describe(id, buf, sizeof(buf));
	ASSERT_LT(0, ret) {
		TH_LOG("KEYCTL_DESCRIBE failed: %s", errstr(ret));
	}
	ASSERT_EQ((long)strlen(buf) + 1, ret);
	prefix_len = snprintf(prefix, sizeof(prefix), "kdump;%u;%u;",
			      geteuid(), getegid());
	ASSERT_EQ(0, strncmp(buf, prefix, prefix_len)) {
		TH_LOG("KEYCTL_DESCRIBE gave \"%.60s\", expected \"%s...\"",
		       buf, prefix);
	}
	ASSERT_EQ(8U, strspn(buf + prefix_len, "0123456789abcdef"));
	ASSERT_EQ(';', buf[prefix_len + 8]);
	ASSERT_EQ(0, strcmp(desc, buf + prefix_len + 9)) {
		TH_LOG("description changed: %zu bytes in, %zu bytes out",
		       strlen(desc), strlen(buf + prefix_len + 9));
	}
}

/*
 * Option parsing: the kdump key "kd:key" is added, or updated, with
 * variant->options.  The default source is the logon key "kd:key"
 * (SECRET_LEN bytes); the logon key "kd:other" has OTHER_LEN bytes and the
 * user key "kd:user" has USER_LEN bytes, so the length shown in /proc/keys
 * tells which source was copied.
 */
FIXTURE(kdump_opts) {};

FIXTURE_VARIANT(kdump_opts) {
	const char *options;	/* NULL: no payload at all */
	int error;		/* expected errno, 0 if the key is created */
	unsigned int len;	/* expected copy length when created */
	const char *restore;	/* expected restore= when created */
};

FIXTURE_SETUP(kdump_opts)
{
	if (!setup_session(_metadata))
		return;
	new_source(_metadata, "logon", "kd:key", SECRET_LEN);
	new_source(_metadata, "logon", "kd:other", OTHER_LEN);
	new_source(_metadata, "user", "kd:user", USER_LEN);
}

FIXTURE_TEARDOWN(kdump_opts)
{
}

FIXTURE_VARIANT_ADD(kdump_opts, null_payload) {
	.options = NULL,
	.len = SECRET_LEN,
	.restore = "user",
};

FIXTURE_VARIANT_ADD(kdump_opts, empty_payload) {
	.options = "",
	.len = SECRET_LEN,
	.restore = "user",
};

FIXTURE_VARIANT_ADD(kdump_opts, source) {
	.options = "source=kd:other",
	.len = OTHER_LEN,
	.restore = "user",
};

FIXTURE_VARIANT_ADD(kdump_opts, source_type_logon) {
	.options = "source_type=logon",
	.len = SECRET_LEN,
	.restore = "user",
};

FIXTURE_VARIANT_ADD(kdump_opts, source_type_user) {
	.options = "source=kd:user source_type=user",
	.len = USER_LEN,
	.restore = "user",
};

FIXTURE_VARIANT_ADD(kdump_opts, restore_user) {
	.options = "restore=user",
	.len = SECRET_LEN,
	.restore = "user",
};

FIXTURE_VARIANT_ADD(kdump_opts, restore_logon) {
	.options = "restore=logon",
	.len = SECRET_LEN,
	.restore = "logon",
};

FIXTURE_VARIANT_ADD(kdump_opts, all_reordered) {
	.options = "restore=logon source_type=user source=kd:user",
	.len = USER_LEN,
	.restore = "logon",
};

FIXTURE_VARIANT_ADD(kdump_opts, tab_newline_separators) {
	.options = "source=kd:other\trestore=logon\nsource_type=logon",
	.len = OTHER_LEN,
	.restore = "logon",
};

FIXTURE_VARIANT_ADD(kdump_opts, unknown_option) {
	.options = "frobnicate=1",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(kdump_opts, unknown_option_after_valid) {
	.options = "restore=user frobnicate=1",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(kdump_opts, option_without_value) {
	.options = "restore",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(kdump_opts, source_twice) {
	.options = "source=kd:other source=kd:other",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(kdump_opts, source_type_twice) {
	.options = "source_type=logon source_type=logon",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(kdump_opts, restore_twice) {
	.options = "restore=user restore=logon",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(kdump_opts, restore_trusted) {
	.options = "restore=trusted",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(kdump_opts, restore_upper_case) {
	.options = "restore=USER",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(kdump_opts, restore_empty) {
	.options = "restore=",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(kdump_opts, source_type_trusted) {
	.options = "source_type=trusted",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(kdump_opts, source_type_empty) {
	.options = "source_type=",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(kdump_opts, source_empty) {
	.options = "source=",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(kdump_opts, source_without_colon) {
	.options = "source=kdother",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(kdump_opts, source_leading_colon) {
	.options = "source=:other",
	.error = EINVAL,
};

FIXTURE_VARIANT_ADD(kdump_opts, source_missing) {
	.options = "source=kd:missing",
	.error = ENOKEY,
};

FIXTURE_VARIANT_ADD(kdump_opts, source_wrong_type) {
	/* "kd:user" is a user key, the default source_type is logon. */
	.options = "source=kd:user",
	.error = ENOKEY,
};

FIXTURE_VARIANT_ADD(kdump_opts, source_type_user_missing) {
	/* The default source "kd:key" is a logon key, not a user key. */
	.options = "source_type=user",
	.error = ENOKEY,
};

TEST_F(kdump_opts, add_key)
{
	long ret = add_kdump("kd:key", variant->options, SESSION);

	if (variant->error) {
		ASSERT_EQ(-variant->error, ret) {
			TH_LOG("options \"%s\": expected %s, got %s",
			       variant->options, strerror(variant->error),
			       errstr(ret));
		}
		ret = key_search(SESSION, "kdump", "kd:key");
		EXPECT_EQ(-ENOKEY, ret) {
			TH_LOG("a kdump key was created despite the error");
		}
		return;
	}
	ASSERT_LT(0, ret) {
		TH_LOG("options \"%s\": %s", variant->options ?: "(null)",
		       errstr(ret));
	}
	check_kdump_line(_metadata, ret, "kd:key", variant->len,
			 variant->restore, "pending");
}

TEST_F(kdump_opts, update)
{
	key_serial_t id = new_kdump(_metadata, "kd:key", NULL);
	long ret = update_kdump(id, variant->options);

	if (variant->error) {
		ASSERT_EQ(-variant->error, ret) {
			TH_LOG("options \"%s\": expected %s, got %s",
			       variant->options, strerror(variant->error),
			       errstr(ret));
		}
		/* A failed update leaves the key as it was. */
		check_kdump_line(_metadata, id, "kd:key", SECRET_LEN, "user",
				 "pending");
		return;
	}
	ASSERT_EQ(0, ret) {
		TH_LOG("options \"%s\": %s", variant->options ?: "(null)",
		       errstr(ret));
	}
	check_kdump_line(_metadata, id, "kd:key", variant->len,
			 variant->restore, "pending");
}

FIXTURE(kdump) {
	key_serial_t ring;	/* keyring of many_keys, to clear */
	bool crash_loaded;	/* a capture kernel to unload */
};

FIXTURE_SETUP(kdump)
{
	setup_session(_metadata);
}

/*
 * A cleared keyring puts its keys after an RCU grace period, and until then
 * they count against the cap: wait (up to 10 s) until many_keys' keys are
 * gone, so that the next test can add its own.
 */
static void wait_many_keys_gone(void)
{
	int i;

	for (i = 0; i < 100 && nr_kdump_lines("kd:many") > 0; i++)
		usleep(100000);
}

FIXTURE_TEARDOWN(kdump)
{
	if (self->ring > 0) {
		key_clear(self->ring);
		key_unlink(self->ring, SESSION);
		wait_many_keys_gone();
	}
	if (self->crash_loaded)
		kexec_unload_crash();
}

TEST_F(kdump, desc_needs_prefix)
{
	static const char * const bad[] = { "kdnocolon", ":kd", "" };
	unsigned int i;
	long ret;

	new_source(_metadata, "logon", "kd:src", SECRET_LEN);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = add_kdump(bad[i], "source=kd:src", SESSION);
		EXPECT_EQ(-EINVAL, ret) {
			TH_LOG("description \"%s\": expected EINVAL, got %s",
			       bad[i], errstr(ret));
		}
	}
	new_kdump(_metadata, "kd:ok", "source=kd:src");
}

/* "source=" and a description make an option string of @len bytes. */
static void make_source_option(struct __test_metadata *_metadata,
			       char *opts, size_t len)
{
	const size_t name_len = strlen("source=");

	make_desc(opts + name_len, len - name_len);
	new_source(_metadata, "logon", opts + name_len, SECRET_LEN);
	memcpy(opts, "source=", name_len);
}

TEST_F(kdump, options_limit)
{
	static char opts[OPTIONS_MAX + 2];
	long ret;

	make_source_option(_metadata, opts, OPTIONS_MAX);
	ret = sys_add_key("kdump", "kd:page", opts, OPTIONS_MAX, SESSION);
	ASSERT_LT(0, ret) {
		TH_LOG("%d bytes of options: %s", OPTIONS_MAX, errstr(ret));
	}
	check_kdump_line(_metadata, ret, "kd:page", SECRET_LEN, "user",
			 "pending");

	make_source_option(_metadata, opts, OPTIONS_MAX + 1);
	ret = sys_add_key("kdump", "kd:page2", opts, OPTIONS_MAX + 1, SESSION);
	EXPECT_EQ(-EINVAL, ret) {
		TH_LOG("%d bytes of options: expected EINVAL, got %s",
		       OPTIONS_MAX + 1, errstr(ret));
	}
}

/* Stays root but without CAP_SYS_ADMIN. */
static int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
	const unsigned int i = CAP_TO_INDEX(CAP_SYS_ADMIN);
	const __u32 mask = CAP_TO_MASK(CAP_SYS_ADMIN);

	if (syscall(__NR_capget, &hdr, data))
		return -errno;
	data[i].effective &= ~mask;
	data[i].permitted &= ~mask;
	data[i].inheritable &= ~mask;
	if (syscall(__NR_capset, &hdr, data))
		return -errno;
	return 0;
}

/*
 * Runs in a forked child, which reports through its exit status: ASSERT_*()
 * would unwind into the harness from the child.
 */
static int eperm_child(struct __test_metadata *_metadata, int (*drop)(void))
{
	long ret = drop();

	if (!ret)
		ret = join_session();
	if (ret < 0) {
		TH_LOG("cannot set up the child: %s", errstr(ret));
		return 1;
	}
	ret = add_source("logon", "kd:eperm", SECRET_LEN);
	if (ret < 0) {
		TH_LOG("child cannot add a logon key: %s", errstr(ret));
		return 1;
	}
	ret = add_kdump("kd:eperm", NULL, SESSION);
	if (ret != -EPERM) {
		TH_LOG("without CAP_SYS_ADMIN: expected EPERM, got %s",
		       errstr(ret));
		return 1;
	}
	ret = key_search(SESSION, "kdump", "kd:eperm");
	if (ret != -ENOKEY) {
		TH_LOG("a kdump key exists after EPERM (search: %s)",
		       errstr(ret));
		return 1;
	}
	return 0;
}

TEST_F(kdump, no_cap_sys_admin_nobody)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(eperm_child(_metadata, drop_to_nobody));
	wait_child(_metadata, pid);
}

TEST_F(kdump, no_cap_sys_admin_root)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(eperm_child(_metadata, drop_cap_sys_admin));
	wait_child(_metadata, pid);
}

TEST_F(kdump, source_not_found)
{
	long ret = add_kdump("kd:nosource", NULL, SESSION);

	EXPECT_EQ(-ENOKEY, ret) {
		TH_LOG("no source key: expected ENOKEY, got %s", errstr(ret));
	}
}

/* Runs in a forked child: see eperm_child(). */
static int unreachable_child(struct __test_metadata *_metadata)
{
	long ret = join_session();

	if (ret < 0) {
		TH_LOG("cannot join a new session keyring: %s", errstr(ret));
		return 1;
	}
	ret = add_kdump("kd:elsewhere", "source=kd:hidden", SESSION);
	if (ret != -ENOKEY) {
		TH_LOG("source in another session: expected ENOKEY, got %s",
		       errstr(ret));
		return 1;
	}
	return 0;
}

TEST_F(kdump, source_unreachable)
{
	pid_t pid;

	new_source(_metadata, "logon", "kd:hidden", SECRET_LEN);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(unreachable_child(_metadata));
	wait_child(_metadata, pid);
	/* The same request works from the session holding the source. */
	new_kdump(_metadata, "kd:elsewhere", "source=kd:hidden");
}

TEST_F(kdump, source_in_nested_keyring)
{
	long ring, ret;
	char buf[SECRET_LEN];

	ring = sys_add_key("keyring", "kd-nested", NULL, 0, SESSION);
	ASSERT_LT(0, ring) {
		TH_LOG("cannot add a keyring: %s", errstr(ring));
	}
	fill_secret(buf, sizeof(buf));
	ret = sys_add_key("logon", "kd:nested", buf, sizeof(buf), ring);
	ASSERT_LT(0, ret) {
		TH_LOG("cannot add a logon key: %s", errstr(ret));
	}
	ret = new_kdump(_metadata, "kd:nested", NULL);
	check_kdump_line(_metadata, ret, "kd:nested", SECRET_LEN, "user",
			 "pending");
}

TEST_F(kdump, source_revoked)
{
	key_serial_t src = new_source(_metadata, "logon", "kd:rev", SECRET_LEN);
	long ret;

	ASSERT_EQ(0, key_revoke(src));
	ret = add_kdump("kd:rev", NULL, SESSION);
	EXPECT_EQ(-EKEYREVOKED, ret) {
		TH_LOG("revoked source: expected EKEYREVOKED, got %s",
		       errstr(ret));
	}
}

TEST_F(kdump, source_expired)
{
	key_serial_t src = new_source(_metadata, "logon", "kd:exp", SECRET_LEN);
	long ret;

	ASSERT_EQ(0, key_set_timeout(src, 1));
	sleep(2);
	ret = add_kdump("kd:exp", NULL, SESSION);
	/* As request_key(2): an expired key is skipped, so none is found */
	EXPECT_EQ(-ENOKEY, ret) {
		TH_LOG("expired source: expected ENOKEY, got %s",
		       errstr(ret));
	}
}

/* Converts a logon key of @len bytes; returns the kdump key or -errno. */
static long convert_len(struct __test_metadata *_metadata, const char *desc,
			size_t len)
{
	new_source(_metadata, "logon", desc, len);
	return add_kdump(desc, NULL, SESSION);
}

TEST_F(kdump, source_len_1)
{
	long ret = convert_len(_metadata, "kd:len1", 1);

	ASSERT_LT(0, ret) {
		TH_LOG("1-byte source: %s", errstr(ret));
	}
	check_kdump_line(_metadata, ret, "kd:len1", 1, "user", "pending");
}

TEST_F(kdump, source_len_512)
{
	long ret = convert_len(_metadata, "kd:len512", SOURCE_MAX);

	ASSERT_LT(0, ret) {
		TH_LOG("%d-byte source: %s", SOURCE_MAX, errstr(ret));
	}
	check_kdump_line(_metadata, ret, "kd:len512", SOURCE_MAX, "user",
			 "pending");
}

TEST_F(kdump, source_len_513)
{
	long ret = convert_len(_metadata, "kd:len513", SOURCE_MAX + 1);

	EXPECT_EQ(-EINVAL, ret) {
		TH_LOG("%d-byte source: expected EINVAL, got %s",
		       SOURCE_MAX + 1, errstr(ret));
	}
}

/* Adds the source "kd:copy" and its kdump key, returns both. */
static key_serial_t new_pair(struct __test_metadata *_metadata,
			     key_serial_t *src)
{
	*src = new_source(_metadata, "logon", "kd:copy", SECRET_LEN);
	return new_kdump(_metadata, "kd:copy", NULL);
}

static long update_source(key_serial_t src, size_t len)
{
	char buf[SOURCE_MAX];

	fill_secret(buf, len);
	return key_update(src, buf, len);
}

TEST_F(kdump, copy_survives_source_update)
{
	key_serial_t src, id = new_pair(_metadata, &src);

	ASSERT_EQ(0, update_source(src, USER_LEN));
	check_kdump_line(_metadata, id, "kd:copy", SECRET_LEN, "user",
			 "pending");
}

TEST_F(kdump, copy_survives_source_revoke)
{
	key_serial_t src, id = new_pair(_metadata, &src);

	ASSERT_EQ(0, key_revoke(src));
	check_kdump_line(_metadata, id, "kd:copy", SECRET_LEN, "user",
			 "pending");
}

TEST_F(kdump, copy_survives_source_unlink)
{
	key_serial_t src, id = new_pair(_metadata, &src);

	ASSERT_EQ(0, key_unlink(src, SESSION));
	check_kdump_line(_metadata, id, "kd:copy", SECRET_LEN, "user",
			 "pending");
}

TEST_F(kdump, update_converts_again)
{
	key_serial_t src, id = new_pair(_metadata, &src);

	ASSERT_EQ(0, update_source(src, USER_LEN));
	ASSERT_EQ(0, update_kdump(id, NULL));
	check_kdump_line(_metadata, id, "kd:copy", USER_LEN, "user",
			 "pending");
	ASSERT_EQ(0, update_kdump(id, "restore=logon"));
	check_kdump_line(_metadata, id, "kd:copy", USER_LEN, "logon",
			 "pending");

	new_source(_metadata, "logon", "kd:copy2", OTHER_LEN);
	ASSERT_EQ(0, update_kdump(id, "source=kd:copy2 restore=logon"));
	check_kdump_line(_metadata, id, "kd:copy", OTHER_LEN, "logon",
			 "pending");
}

TEST_F(kdump, update_without_source)
{
	key_serial_t src, id = new_pair(_metadata, &src);
	long ret;

	ASSERT_EQ(0, key_unlink(src, SESSION));
	ret = update_kdump(id, NULL);
	EXPECT_EQ(-ENOKEY, ret) {
		TH_LOG("update with the source gone: expected ENOKEY, got %s",
		       errstr(ret));
	}
	check_kdump_line(_metadata, id, "kd:copy", SECRET_LEN, "user",
			 "pending");
}

TEST_F(kdump, add_again_converts_again)
{
	key_serial_t src, id = new_pair(_metadata, &src);

	ASSERT_EQ(0, update_source(src, USER_LEN));
	ASSERT_EQ(id, new_kdump(_metadata, "kd:copy", NULL)) {
		TH_LOG("add_key of the same kdump key made a new key");
	}
	check_kdump_line(_metadata, id, "kd:copy", USER_LEN, "user",
			 "pending");
	ASSERT_EQ(id, new_kdump(_metadata, "kd:copy", "restore=logon"));
	check_kdump_line(_metadata, id, "kd:copy", USER_LEN, "logon",
			 "pending");
}

TEST_F(kdump, read_not_supported)
{
	key_serial_t src, id = new_pair(_metadata, &src);
	char buf[SOURCE_MAX];
	long ret;

	ret = key_read(id, buf, sizeof(buf));
	EXPECT_EQ(-EOPNOTSUPP, ret) {
		TH_LOG("KEYCTL_READ: expected EOPNOTSUPP, got %s",
		       errstr(ret));
	}
	ret = key_read(id, NULL, 0);
	EXPECT_EQ(-EOPNOTSUPP, ret) {
		TH_LOG("KEYCTL_READ (length): expected EOPNOTSUPP, got %s",
		       errstr(ret));
	}
}

TEST_F(kdump, describe)
{
	key_serial_t src, id = new_pair(_metadata, &src);

	check_describe(_metadata, id, "kd:copy");
}

TEST_F(kdump, proc_keys_pending)
{
	key_serial_t src, id = new_pair(_metadata, &src);
	char *text;

	check_kdump_line(_metadata, id, "kd:copy", SECRET_LEN, "user",
			 "pending");
	new_source(_metadata, "logon", "kd:logon", OTHER_LEN);
	id = new_kdump(_metadata, "kd:logon", "restore=logon");
	check_kdump_line(_metadata, id, "kd:logon", OTHER_LEN, "logon",
			 "pending");

	text = read_file("/proc/keys");
	ASSERT_NE(NULL, text);
	EXPECT_FALSE(leaks_secret(text)) {
		TH_LOG("/proc/keys shows key bytes");
	}
	free(text);
}

/* Returns the path in environment variable @name if it is readable. */
static const char *env_file(const char *name)
{
	const char *path = getenv(name);

	return path && !access(path, R_OK) ? path : NULL;
}

static long load_crash_kernel(struct __test_metadata *_metadata,
			      const char *kernel, const char *initrd)
{
	int kernel_fd, initrd_fd;
	long ret;

	kernel_fd = open(kernel, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, kernel_fd);
	initrd_fd = open(initrd, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, initrd_fd);
	ret = kexec_load_crash(kernel_fd, initrd_fd);
	close(initrd_fd);
	close(kernel_fd);
	return ret;
}

TEST_F(kdump, proc_keys_loaded)
{
	const char *kernel = env_file("KDUMP_KEY_KERNEL");
	const char *initrd = env_file("KDUMP_KEY_INITRD");
	key_serial_t first, second;
	long ret;

	if (!kernel || !initrd)
		SKIP(return,
		     "KDUMP_KEY_KERNEL and KDUMP_KEY_INITRD must name a kernel image and an initrd");
	if (!crash_reserved())
		SKIP(return, "no crash kernel memory (crashkernel=)");
	if (crash_loaded() == 1)
		SKIP(return, "a capture kernel is already loaded");

	first = convert_len(_metadata, "kd:loaded1", SECRET_LEN);
	ASSERT_LT(0, first) {
		TH_LOG("first kdump key: %s", errstr(first));
	}
	check_kdump_line(_metadata, first, "kd:loaded1", SECRET_LEN, "user",
			 "pending");
	ret = load_crash_kernel(_metadata, kernel, initrd);
	ASSERT_EQ(0, ret) {
		TH_LOG("kexec_file_load(KEXEC_FILE_ON_CRASH): %s", errstr(ret));
	}
	self->crash_loaded = true;
	check_kdump_line(_metadata, first, "kd:loaded1", SECRET_LEN, "user",
			 "loaded");

	second = convert_len(_metadata, "kd:loaded2", OTHER_LEN);
	ASSERT_LT(0, second) {
		TH_LOG("kdump key added while loaded: %s", errstr(second));
	}
	/* Written to crash memory at once: no reload */
	check_kdump_line(_metadata, second, "kd:loaded2", OTHER_LEN, "user",
			 "loaded");

	ret = kexec_unload_crash();
	ASSERT_EQ(0, ret) {
		TH_LOG("kexec_file_load(KEXEC_FILE_UNLOAD): %s", errstr(ret));
	}
	self->crash_loaded = false;
	check_kdump_line(_metadata, first, "kd:loaded1", SECRET_LEN, "user",
			 "pending");
	check_kdump_line(_metadata, second, "kd:loaded2", OTHER_LEN, "user",
			 "pending");
}

TEST_F(kdump, revoke)
{
	key_serial_t src, id = new_pair(_metadata, &src);
	char buf[SOURCE_MAX], flags[8] = "";
	char *line;
	long ret;

	ASSERT_EQ(0, key_revoke(id));
	ret = key_read(id, buf, sizeof(buf));
	EXPECT_EQ(-EKEYREVOKED, ret) {
		TH_LOG("KEYCTL_READ of a revoked key: %s", errstr(ret));
	}
	ret = key_describe(id, buf, sizeof(buf));
	EXPECT_EQ(-EKEYREVOKED, ret) {
		TH_LOG("KEYCTL_DESCRIBE of a revoked key: %s", errstr(ret));
	}
	/* Until it is garbage collected, /proc/keys flags the key as revoked. */
	line = proc_keys_line(id);
	if (line) {
		ret = sscanf(line, "%*x %7s", flags);
		EXPECT_EQ(1, ret);
		EXPECT_EQ('R', flags[1]) {
			TH_LOG("/proc/keys flags of the revoked key: %s",
			       flags);
		}
	}
	free(line);
	expect_no_secret_in_line(_metadata, id);
}

TEST_F(kdump, invalidate)
{
	key_serial_t src, id = new_pair(_metadata, &src);
	char buf[SOURCE_MAX];
	long ret;

	ASSERT_EQ(0, key_invalidate(id));
	ret = key_describe(id, buf, sizeof(buf));
	EXPECT_EQ(-ENOKEY, ret) {
		TH_LOG("KEYCTL_DESCRIBE of an invalidated key: %s",
		       errstr(ret));
	}
	/*
	 * KEYCTL_READ finds the key until the garbage collector has removed
	 * it: -EACCES then, as it is no longer possessed, -ENOKEY after.
	 */
	ret = key_read(id, buf, sizeof(buf));
	EXPECT_TRUE(ret == -ENOKEY || ret == -EACCES) {
		TH_LOG("KEYCTL_READ of an invalidated key: %s", errstr(ret));
	}
	expect_no_secret_in_line(_metadata, id);
}

/*
 * Up to the cap a capture kernel takes (NR_MANY keys in all), then ENOSPC,
 * with every key charged to root's quota.
 */
TEST_F_TIMEOUT(kdump, many_keys, 90)
{
	struct key_quota before, after;
	int i, nr, others;
	char desc[32];
	long ret;

	new_source(_metadata, "logon", "kd:many", SECRET_LEN);
	ret = sys_add_key("keyring", "kdump_key_test", NULL, 0, SESSION);
	ASSERT_LT(0, ret) {
		TH_LOG("cannot add a keyring: %s", errstr(ret));
	}
	self->ring = ret;
	ASSERT_EQ(0, settled_key_quota(0, &before));
	/* Live kdump keys root can see: the lines of /proc/keys with a state */
	others = nr_kdump_lines(" restore=");
	ASSERT_LE(0, others);
	for (i = 0; i <= NR_MANY; i++) {
		snprintf(desc, sizeof(desc), "kd:many%04d", i);
		ret = add_kdump(desc, "source=kd:many", self->ring);
		if (ret < 0)
			break;
	}
	nr = i;
	EXPECT_EQ(-ENOSPC, ret) {
		TH_LOG("kdump key %d: expected ENOSPC, got %s", nr + 1,
		       errstr(ret));
	}
	EXPECT_EQ(NR_MANY - others, nr) {
		TH_LOG("%d keys added besides %d others", nr, others);
	}
	ASSERT_EQ(0, key_user_quota(0, &after));
	ret = key_read(self->ring, NULL, 0);
	EXPECT_EQ(nr * (long)sizeof(key_serial_t), ret);
	EXPECT_LE(before.qnkeys + nr, after.qnkeys) {
		TH_LOG("root's key count went from %d to %d", before.qnkeys,
		       after.qnkeys);
	}
	EXPECT_LE(before.qnbytes + nr * SECRET_LEN, after.qnbytes) {
		TH_LOG("root's key bytes went from %d to %d", before.qnbytes,
		       after.qnbytes);
	}
}

/* A source and a kdump key with a description of @len bytes. */
static void check_desc_len(struct __test_metadata *_metadata, size_t len)
{
	static char desc[DESC_MAX + 1];
	key_serial_t id;

	make_desc(desc, len);
	new_source(_metadata, "logon", desc, SECRET_LEN);
	id = new_kdump(_metadata, desc, NULL);
	check_describe(_metadata, id, desc);
	check_kdump_line(_metadata, id, desc, SECRET_LEN, "user", "pending");
}

TEST_F(kdump, desc_len_128)
{
	check_desc_len(_metadata, 128);
}

TEST_F(kdump, desc_len_129)
{
	check_desc_len(_metadata, 129);
}

TEST_F(kdump, desc_len_4095)
{
	check_desc_len(_metadata, DESC_MAX);
}

/* Goes through the main paths once, so that they had a chance to log. */
static void exercise_kdump_keys(struct __test_metadata *_metadata)
{
	key_serial_t src, id = new_pair(_metadata, &src);
	char buf[SOURCE_MAX];

	ASSERT_EQ(0, update_source(src, USER_LEN));
	ASSERT_EQ(0, update_kdump(id, "restore=logon"));
	EXPECT_EQ(-EOPNOTSUPP, key_read(id, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, update_kdump(id, "restore=trusted"));
	EXPECT_EQ(-EINVAL, convert_len(_metadata, "kd:big", SOURCE_MAX + 1));
	ASSERT_EQ(0, key_revoke(id));
}

/* Keep last: the whole run must not have logged key bytes. */
TEST_F(kdump, no_secret_in_kernel_log)
{
	char *log;
	long size, len;

	exercise_kdump_keys(_metadata);
	size = ret_or_errno(klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0));
	ASSERT_LT(0, size) {
		TH_LOG("cannot get the kernel log size: %s", errstr(size));
	}
	log = calloc(1, size + 1);
	ASSERT_NE(NULL, log);
	len = ret_or_errno(klogctl(SYSLOG_ACTION_READ_ALL, log, size));
	ASSERT_LE(0, len) {
		TH_LOG("cannot read the kernel log: %s", errstr(len));
	}
	EXPECT_FALSE(leaks_secret(log)) {
		/* Not naming the marker, in case this output is logged. */
		TH_LOG("the kernel log shows key bytes, as text or hex");
	}
	free(log);
}

int main(int argc, char **argv)
{
	atexit(exit_skip_if_all_skipped);
	return test_harness_run(argc, argv);
}
