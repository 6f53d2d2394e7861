// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for the "kdump" key type: every slab and page allocation
 * that adding a kdump key, updating it and loading a capture kernel make is
 * failed in turn, through the per-task fail-nth interface
 * (Documentation/fault-injection/fault-injection.rst): N written to
 * /proc/thread-self/fail-nth fails the Nth injection point the task reaches.
 * N goes 1, 2, ... until the call no longer reaches the Nth point and
 * succeeds.  After each injected fault the call either fails cleanly
 * (ENOMEM) with nothing left half done (no new kdump key, an updated key
 * as it was, no loaded capture image and no key shown "loaded"), or it
 * absorbed the fault (an allocation with a fallback, kvmalloc() say) and
 * did its whole job; then the test undoes it and goes on.  Leaks are left
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
#include "kdump_key_helpers.h"

#define NEW_LEN 32
#define MAX_POINTS 100000

static long add_source(const char *desc, size_t len)
{
	char buf[SECRET_LEN];

	memset(buf, 0x3c, sizeof(buf));
	return sys_add_key("logon", desc, buf, len, SESSION);
}

/* Counts the kdump keys that /proc/keys shows "loaded". */
static int nr_loaded(void)
{
	return nr_kdump_lines(" loaded\n");
}

FIXTURE(fault) {
	int fail_nth;		/* fd of /proc/thread-self/fail-nth */
	key_serial_t src;	/* logon key "kd:fault" */
};

FIXTURE_SETUP(fault)
{
	self->fail_nth = -1;
	if (geteuid() != 0)
		SKIP(return, "must run as root");
	self->fail_nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (self->fail_nth < 0)
		SKIP(return, "no /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION=y?)");
	if (!setup_session(_metadata))
		return;
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

/* Injection points reached, and how the call took each injected fault */
struct points {
	unsigned int failed;	/* the call failed cleanly */
	unsigned int absorbed;	/* the call succeeded whole */
	unsigned int pending;	/* a load succeeded without writing the keys */
};

static void report(const char *call, const struct points *p)
{
	printf("# %s: %u faults failed the call, %u were absorbed, %u left the keys pending\n",
	       call, p->failed, p->absorbed, p->pending);
	printf("# fail-nth %s %u\n", call,
	       p->failed + p->absorbed + p->pending);
	fflush(stdout);
}

TEST_F_TIMEOUT(fault, add_key, 600)
{
	struct points p = {};
	unsigned int n;
	long ret = -1;

	for (n = 1; n < MAX_POINTS; n++) {
		ASSERT_EQ(0, arm(self->fail_nth, n));
		ret = add_kdump("kd:fault", NULL, SESSION);
		if (!disarm(self->fail_nth))
			break;
		if (ret > 0) {
			ASSERT_TRUE(proc_keys_has(ret, ": 64 restore=user pending")) {
				TH_LOG("add_key absorbed fault %u, but the key is wrong",
				       n);
			}
			ASSERT_EQ(0, key_unlink(ret, SESSION));
			p.absorbed++;
			continue;
		}
		ASSERT_EQ(-ENOMEM, ret) {
			TH_LOG("add_key failing at point %u: expected ENOMEM, got %s",
			       n, errstr(ret));
		}
		ASSERT_EQ(-ENOKEY, key_search(SESSION, "kdump", "kd:fault")) {
			TH_LOG("a kdump key exists after failing at point %u",
			       n);
		}
		p.failed++;
	}
	report("add_key", &p);
	ASSERT_LT(0, ret) {
		TH_LOG("add_key without a fault: %s", errstr(ret));
	}
	EXPECT_LT(0, p.failed);
	EXPECT_TRUE(proc_keys_has(ret, ": 64 restore=user pending"));
}

/* The kdump key @id as the update test starts it: 64 bytes, restore=user */
static void reset_update(struct __test_metadata *_metadata,
			 key_serial_t src, long id)
{
	char buf[SECRET_LEN];

	memset(buf, 0x3c, sizeof(buf));
	ASSERT_EQ(0, key_update(src, buf, SECRET_LEN));
	ASSERT_EQ(0, update_kdump(id, "restore=user"));
	/* The update converts again: a shorter source tells the copies apart */
	ASSERT_EQ(0, key_update(src, buf, NEW_LEN));
	ASSERT_TRUE(proc_keys_has(id, ": 64 restore=user pending"));
}

TEST_F_TIMEOUT(fault, update, 600)
{
	struct points p = {};
	unsigned int n;
	long id, ret = -1;

	id = add_kdump("kd:fault", NULL, SESSION);
	ASSERT_LT(0, id);
	reset_update(_metadata, self->src, id);
	for (n = 1; n < MAX_POINTS; n++) {
		ASSERT_EQ(0, arm(self->fail_nth, n));
		ret = update_kdump(id, "restore=logon");
		if (!disarm(self->fail_nth))
			break;
		if (!ret) {
			ASSERT_TRUE(proc_keys_has(id, ": 32 restore=logon pending")) {
				TH_LOG("update absorbed fault %u, but the key is wrong",
				       n);
			}
			reset_update(_metadata, self->src, id);
			p.absorbed++;
			continue;
		}
		ASSERT_EQ(-ENOMEM, ret) {
			TH_LOG("update failing at point %u: expected ENOMEM, got %s",
			       n, errstr(ret));
		}
		ASSERT_TRUE(proc_keys_has(id, ": 64 restore=user pending")) {
			TH_LOG("the key changed after a failed update (point %u)",
			       n);
		}
		p.failed++;
	}
	report("keyctl_update", &p);
	ASSERT_EQ(0, ret) {
		TH_LOG("update without a fault: %s", errstr(ret));
	}
	EXPECT_LT(0, p.failed);
	EXPECT_TRUE(proc_keys_has(id, ": 32 restore=logon pending"));
}

/*
 * Also the regression test for upstream CRASH_DM_CRYPT's double free and
 * use-after-free of the key buffer when kexec_add_buffer() fails: every
 * allocation on the way to and inside our segment's kexec_add_buffer()
 * fails once, under KASAN.  A fault in writing the keys after the copy
 * must not fail the load: the capture kernel is loaded and the key stays
 * pending.
 */
TEST_F_TIMEOUT(fault, kexec_file_load, 1200)
{
	const char *kernel = getenv("KDUMP_KEY_KERNEL");
	struct points p = {};
	unsigned int n;
	int kernel_fd;
	long id, ret = -1;
	bool pending;

	if (!kernel || access(kernel, R_OK))
		SKIP(return, "KDUMP_KEY_KERNEL must name a bzImage");
	if (crash_loaded() != 0)
		SKIP(return, "a capture kernel is loaded already, or no kexec");
	id = add_kdump("kd:fault", NULL, SESSION);
	ASSERT_LT(0, id);
	kernel_fd = open(kernel, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, kernel_fd);
	for (n = 1; n < MAX_POINTS; n++) {
		ASSERT_EQ(0, arm(self->fail_nth, n));
		ret = kexec_load_crash(kernel_fd, -1);
		if (!disarm(self->fail_nth))
			break;
		if (!ret) {
			ASSERT_EQ(1, crash_loaded());
			pending = proc_keys_has(id, ": 64 restore=user pending");
			ASSERT_TRUE(pending ||
				    proc_keys_has(id, ": 64 restore=user loaded")) {
				TH_LOG("load absorbed fault %u: key neither loaded nor pending",
				       n);
			}
			if (pending)
				p.pending++;
			else
				p.absorbed++;
			ASSERT_EQ(0, kexec_unload_crash());
			continue;
		}
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
		p.failed++;
	}
	close(kernel_fd);
	report("kexec_file_load", &p);
	ASSERT_EQ(0, ret) {
		TH_LOG("kexec_file_load without a fault: %s", errstr(ret));
	}
	EXPECT_LT(0, p.failed);
	/*
	 * p.pending is only a figure: whether a fault lands in the keys'
	 * write depends on the allocations its mapping happens to need.  The
	 * faults scenario makes the write fail for certain (fail_function).
	 */
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
	id = add_kdump("kd:fault", NULL, SESSION);
	ASSERT_LT(0, id);
	kernel_fd = open(kernel, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, kernel_fd);
	/* Load, then a failed reload must leave nothing loaded or shown */
	ASSERT_EQ(0, kexec_load_crash(kernel_fd, -1));
	EXPECT_TRUE(proc_keys_has(id, " loaded"));
	for (i = 1; i <= 3; i++) {
		ASSERT_EQ(0, arm(self->fail_nth, i));
		kexec_load_crash(kernel_fd, -1);
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
