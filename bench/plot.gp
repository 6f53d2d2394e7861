# make bench's plots, from the data files of scripts/bench-report.py
# (one per metric: N MEDIAN MIN MAX).  gnuplot -e "dir='build/bench'" plot.gp
set terminal pngcairo size 900,560 font ",11" noenhanced
set grid
set key top left box opaque
data = dir . "/data/"
label(f) = system("basename " . f . " .dat")

set output dir . "/memory.png"
set title "Smallest crashkernel= that writes the dump (median, min-max)"
set ylabel "crashkernel= (MiB)"
set style fill solid 0.6
set boxwidth 0.6
set yrange [0:*]
set xtics ("unencrypted" 0, "LUKS2, key handed over" 1, "LUKS2, passphrase" 2)
plot data . "memory.dat" using 1:3 with boxes notitle, \
     "" using 1:3:4:5 with yerrorbars lc rgb "black" notitle, \
     "" using 1:3:(sprintf("%dM", $3)) with labels offset 0,1 notitle
unset xtics
set xtics
set yrange [*:*]

# Scaling with the number of keys
set logscale x 2
set xlabel "keys"
files = system("ls " . data . "keyops.*.dat 2>/dev/null")
if (strlen(files) > 0) {
	set output dir . "/keyops.png"
	set title "Key operations: time per operation (median, min-max)"
	set ylabel "microseconds"
	set logscale y
	plot for [f in files] f using 1:2:3:4 with yerrorlines title label(f)
	unset logscale y
}
files = system("ls " . data . "kexec.load.*.dat " . data . "change.*.dat 2>/dev/null")
if (strlen(files) > 0) {
	set output dir . "/load.png"
	set title "kexec_file_load and a key change with a capture kernel loaded"
	set ylabel "milliseconds"
	set logscale y
	plot for [f in files] f using 1:2:3:4 with yerrorlines title label(f)
	unset logscale y
}
files = system("ls " . data . "time.kdump_keys_*.dat 2>/dev/null")
if (strlen(files) > 0) {
	set output dir . "/restore.png"
	set title "Capture kernel: restore of the keys, from initcall_debug"
	set ylabel "microseconds"
	plot for [f in files] f using 1:2:3:4 with yerrorlines title label(f)
}
