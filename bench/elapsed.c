// SPDX-License-Identifier: GPL-2.0
/*
 * elapsed: a static timer for the guest's benchmarks (busybox's date has no
 * reliable nanoseconds, /proc/uptime ticks in 10 ms).
 *
 *   elapsed CMD [ARG...]     run CMD, print its wall time in milliseconds
 *                            (CLOCK_MONOTONIC, three decimals) on stdout;
 *                            CMD's own stdout goes to stderr; exit status:
 *                            CMD's (128 + signal if it was killed)
 *   elapsed -u KEY-ID        time one keyctl(KEYCTL_UPDATE, KEY-ID, "", 0)
 *                            alone, as "keyctl update KEY-ID ''" makes it;
 *                            exit 1 if the call fails
 *
 * Built with gcc -static -O2 by scripts/bench-mainline.sh.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KEYCTL_UPDATE 2

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	double t0, t1;
	int status;
	pid_t pid;

	if (argc == 3 && !strcmp(argv[1], "-u")) {
		long id = strtol(argv[2], NULL, 0);
		long ret;

		t0 = now_ms();
		ret = syscall(__NR_keyctl, KEYCTL_UPDATE, id, "", 0L);
		t1 = now_ms();
		if (ret) {
			fprintf(stderr, "elapsed: keyctl update %ld: %s\n", id, strerror(errno));
			return 1;
		}
		printf("%.3f\n", t1 - t0);
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: elapsed CMD [ARG...] | elapsed -u KEY-ID\n");
		return 2;
	}
	fflush(stdout);
	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		perror("elapsed: fork");
		return 2;
	}
	if (!pid) {
		dup2(2, 1);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "elapsed: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("elapsed: waitpid");
		return 2;
	}
	t1 = now_ms();
	printf("%.3f\n", t1 - t0);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
