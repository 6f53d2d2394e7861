// SPDX-License-Identifier: GPL-2.0
/*
 * Race every path that writes kdump keys to crash memory against every
 * path that changes its protection, on as many CPUs as the machine has.
 *
 *   kdump_key_race SECONDS KERNEL INITRD CMDLINE
 *
 * For SECONDS, and until the loader has loaded and unloaded twice, at the
 * same time:
 *  - two threads add, update, revoke, invalidate, expire and unlink kdump
 *    keys "kkt:race<thread>-<slot>" in a keyring of their own;
 *  - one thread loads (kexec_file_load) and unloads the capture kernel;
 *  - one thread takes CPU 1 offline and online again, so that crash
 *    hotplug rewrites the ELF core header with crash memory unprotected
 *    and protected again.
 * Then it clears its keyring, loads the capture kernel a last time with
 * CMDLINE and prints one line of counts:
 *   keyops N ok N loads N ok N unloads N ok N hotplugs N ok N
 * Exit 0 when it ran, 1 on a set-up error.  It is a load generator, not a
 * test: the scenario that runs it judges the kernel (splats, the keys the
 * capture kernel restores).
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define KDUMP_KEY_NO_HARNESS
#include "kdump_key_helpers.h"

#define KEY_THREADS	2
#define SLOTS		4
#define SOURCE_A	"kkt:race-src-a"
#define SOURCE_B	"kkt:race-src-b"
#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"

struct counter {
	atomic_ulong runs;
	atomic_ulong ok;
};

#define LOADER_MIN_ROUNDS	2	/* loads and unloads, each at least */

static struct counter keyops, loads, unloads, hotplugs;
static atomic_bool stop, loader_done;
static key_serial_t ring;
static int kernel_fd, initrd_fd;
static const char *cmdline;

/* Until the time is up and the loader has done its rounds */
static bool running(void)
{
	return !atomic_load(&stop) || !atomic_load(&loader_done);
}

static void count(struct counter *c, long ret)
{
	atomic_fetch_add(&c->runs, 1);
	if (ret >= 0)
		atomic_fetch_add(&c->ok, 1);
}

/* One random operation on one of the thread's keys */
static long key_op(unsigned int thread, unsigned int *seed,
		   key_serial_t *ids)
{
	unsigned int slot = rand_r(seed) % SLOTS;
	char desc[32];
	long ret;

	snprintf(desc, sizeof(desc), "kkt:race%u-%u", thread, slot);
	switch (rand_r(seed) % 7) {
	case 0:
	case 1:
		ret = add_kdump(desc, "source=" SOURCE_A, ring);
		if (ret > 0)
			ids[slot] = ret;
		return ret;
	case 2:
		return update_kdump(ids[slot], "source=" SOURCE_B " restore=logon");
	case 3:
		return key_revoke(ids[slot]);
	case 4:
		return key_invalidate(ids[slot]);
	case 5:
		return key_set_timeout(ids[slot], 1);
	default:
		return key_unlink(ids[slot], ring);
	}
}

static void *key_thread(void *arg)
{
	unsigned int thread = (unsigned long)arg;
	unsigned int seed = thread * 7919 + getpid();
	key_serial_t ids[SLOTS] = { 0 };

	while (running())
		count(&keyops, key_op(thread, &seed, ids));
	return NULL;
}

static long load(const char *line)
{
	return sys_kexec_file_load(kernel_fd, initrd_fd, strlen(line) + 1,
				   line, KEXEC_FILE_ON_CRASH);
}

/*
 * At least LOADER_MIN_ROUNDS loads and unloads, however slow the guest (a
 * sanitizer kernel under load managed one load in 60 s): the other
 * threads go on until the loader is done too.
 */
static void *load_thread(void *arg)
{
	unsigned long n;

	for (n = 0; n < 2 * LOADER_MIN_ROUNDS || !atomic_load(&stop); n++) {
		if (n % 2)
			count(&unloads, kexec_unload_crash());
		else
			count(&loads, load(cmdline));
	}
	atomic_store(&loader_done, true);
	return NULL;
}

static long set_cpu1(const char *online)
{
	int fd = open(CPU1_ONLINE, O_WRONLY | O_CLOEXEC);
	long ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, online, 1) == 1 ? 0 : -errno;
	close(fd);
	return ret;
}

static void *hotplug_thread(void *arg)
{
	while (running()) {
		count(&hotplugs, set_cpu1("0"));
		count(&hotplugs, set_cpu1("1"));
	}
	return NULL;
}

static key_serial_t add_source(const char *desc, size_t len)
{
	unsigned char secret[SECRET_LEN];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, secret, len) != (ssize_t)len)
		return -EIO;
	close(fd);
	return sys_add_key("logon", desc, secret, len, KEY_SPEC_USER_KEYRING);
}

static int setup(char **argv)
{
	kernel_fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	initrd_fd = open(argv[3], O_RDONLY | O_CLOEXEC);
	cmdline = argv[4];
	ring = sys_add_key("keyring", "kkt-race", NULL, 0,
			   KEY_SPEC_USER_KEYRING);
	if (kernel_fd < 0 || initrd_fd < 0 || ring < 0 ||
	    add_source(SOURCE_A, SECRET_LEN) < 0 ||
	    add_source(SOURCE_B, SECRET_LEN / 2) < 0) {
		fprintf(stderr, "kdump_key_race: set-up failed: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	pthread_t threads[KEY_THREADS + 2];
	unsigned int i, nr = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: %s SECONDS KERNEL INITRD CMDLINE\n",
			argv[0]);
		return 1;
	}
	if (setup(argv))
		return 1;

	for (i = 0; i < KEY_THREADS; i++)
		pthread_create(&threads[nr++], NULL, key_thread,
			       (void *)(unsigned long)i);
	pthread_create(&threads[nr++], NULL, load_thread, NULL);
	pthread_create(&threads[nr++], NULL, hotplug_thread, NULL);
	sleep(atoi(argv[1]));
	atomic_store(&stop, true);
	for (i = 0; i < nr; i++)
		pthread_join(threads[i], NULL);

	set_cpu1("1");
	key_clear(ring);
	count(&loads, load(cmdline));
	printf("keyops %lu ok %lu loads %lu ok %lu unloads %lu ok %lu hotplugs %lu ok %lu\n",
	       keyops.runs, keyops.ok, loads.runs, loads.ok,
	       unloads.runs, unloads.ok, hotplugs.runs, hotplugs.ok);
	return 0;
}
