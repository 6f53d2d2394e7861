# kdump key type: build, boot and test harness.  See README.md.
#
#   make demo     the whole story in QEMU, step by step
#   make check    the gate CI runs: every kernel, base and architecture end to end (KUnit,
#                 kselftests, crash scenarios, Debian 13), under 75 min
#   make check-full  make check plus the Debian 13 boots and passphrase
#                 comparison, kdump-utils' configfs sequence on arm64 and
#                 the sanitizer kernel's keys, corrupt, live and stress
#   make kernel   build/bzImage only
#                 (KKT_BASE=7.3 make kernel: build/bzImage-7.3 on Debian's 7.3;
#                 KKT_BASE=7.3 KKT_ARCH=arm64: build/Image-7.3-arm64)
#   make kunit    kunit.py run of the KUnit suites (a separate x86_64 build)
#   make deb      the kdump-luks Debian package (build/kdump-luks_*.deb)
#   make packages the kernel package, kdump-luks and a signed apt
#                 repository (build/repo/; KKT_DEB_FULL=1: Debian's whole
#                 configuration, hours)
#   make debian13 the Debian 13 guest images (build/debian13/)
#   make clean    remove build/ (the ccache stays in /var/cache)
#   make fresh    make check in a new Debian 12 root (debootstrap, chroot)
#   make mutants  mutation check: does make check catch each mutants/*.patch?
#   make patches  the series for mainline against the pristine 7.3 tree,
#                 checked (build/patches-7.3/out/)
#   make bench    memory, time and scaling against the passphrase path and
#                 mainline's CRASH_DM_CRYPT (build/bench/table.md, PNGs)

.PHONY: all deps kernel check check-full demo kunit deb packages debian13 clean fresh mutants patches bench

all: kernel

deps:
	scripts/deps.sh

kernel: deps
	scripts/kernel.sh

check:
	scripts/check.sh

check-full:
	KKT_FULL=1 scripts/check.sh

demo:
	scripts/demo.sh

kunit: deps
	scripts/kunit.sh

deb: deps
	scripts/deb.sh

packages: deps
	scripts/packages.sh

debian13: kernel
	scripts/debian13-image.sh kdump-luks
	scripts/debian13-image.sh plain

fresh:
	scripts/fresh.sh

bench: deps
	scripts/bench.sh

# Not part of make check; never at the same time (both use build/)
mutants: deps
	scripts/mutants.sh

# Kernel builds in build/patches-7.3/obj: not beside make check on 2 cores
patches: deps
	scripts/patches.sh

# --one-file-system: never into what make fresh may have left mounted
clean:
	rm -rf --one-file-system build
