#!/bin/bash
# Print the kernel splats in a console log.  The deliberate crash of a crash
# cycle (from the guest's KKT-CRASH-TRIGGER line, even cut by a kernel
# message, to the capture kernel's banner) is not a splat; neither is a
# line matching config/splat-allow.txt.
log=$1
allow=$(dirname "$0")/../config/splat-allow.txt
pattern='BUG:|WARNING:|Oops|KASAN|UBSAN|possible recursive locking|circular locking dependency|inconsistent lock state|suspicious RCU usage|lockdep|Call Trace|blocked for more than|soft lockup|Kernel panic'
# The sanitizer variant: kmemleak's report and its giving up, debugobjects,
# list debugging, and faults that do not say BUG:
pattern="$pattern"'|unreferenced object|suspected memory leak|kmemleak: .*(disabled|[Ff]ail|empty|[Cc]annot)|ODEBUG:|list_(add|del) corruption|kernel BUG at|general protection fault|refcount_t:'

# Between the fault scenario's KKT-FAULT-INJECTION on and off lines, an
# allocation failure report (warn_alloc(): header, then a stack dump up to
# </TASK>) is what was asked for, not a splat; so is kmemleak scanning a
# whole object because its own scan-area allocation was failed.
#
# Between KKT-FAIL-FUNCTION on and off, fail_function's own report is not
# a splat of ours either: its kprobe handler runs in int3 context, which
# lockdep counts as NMI, and should_fail_ex() draws a random number under
# crngs.lock there ("inconsistent lock state ... crngs.lock", with
# fei_kprobe_handler in the trace).  Any other report is kept.
awk '/KKT-CRASH-TRIG/ { skip = 1 } /Linux version/ { skip = 0 }
     /^KKT-FAULT-INJECTION on/ { fi = 1 } /^KKT-FAULT-INJECTION off/ { fi = 0 }
     /^KKT-FAIL-FUNCTION on/ { ff = 1 } /^KKT-FAIL-FUNCTION off/ { ff = 0 }
     fi && /kmemleak: Cannot allocate a scan area, scanning the full object/ { next }
     fi && /page allocation failure: |vmalloc error: / { injected = 1 }
     injected { if (/<\/TASK>/) injected = 0; next }
     ff && /WARNING: inconsistent lock state/ { report = $0 "\n"; next }
     report != "" {
	report = report $0 "\n"
	if (!/<\/TASK>/) next
	if (report !~ /crngs\.lock/ || report !~ /fei_kprobe_handler/)
		printf "%s", report
	report = ""
	next
     }
     !skip' "$log" |
	tr -d '\r' | grep -aE "$pattern" | grep -avEf <(grep -v '^#' "$allow" | grep .) || true
