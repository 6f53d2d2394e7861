# make bench's plots, from the data files of scripts/bench-report.py (one
# per figure, PART.METRIC.dat: N MEDIAN MIN MAX; memory.dat and change.dat:
# INDEX "LABEL" MEDIAN MIN MAX).  gnuplot -e "dir='build/bench'" plot.gp
set terminal pngcairo size 900,560 font ",11" noenhanced
set grid
data = dir . "/data/"
label(f) = system("basename " . f . " .dat")
have(glob) = strlen(system("ls " . data . glob . " 2>/dev/null")) > 0
files(glob) = system("ls " . data . glob . " 2>/dev/null")

# Bars with min-max whiskers and the median written above
set style fill solid 0.6
set boxwidth 0.6
unset key
if (have("memory.dat")) {
	set output dir . "/memory.png"
	set title "Smallest crashkernel= that writes the dump (median, min-max)"
	set ylabel "crashkernel= (MiB)"
	set yrange [0:*]
	set terminal pngcairo size 1250,560 font ",11" noenhanced
	plot data . "memory.dat" using 1:3:xtic(2) with boxes notitle, \
	     "" using 1:3:4:5 with yerrorbars lc rgb "black" notitle, \
	     "" using 1:3:(sprintf("%dM", $3)) with labels offset 0,1 notitle
	set yrange [*:*]
	set terminal pngcairo size 900,560 font ",11" noenhanced
}
if (have("change.dat")) {
	set output dir . "/change.png"
	set title "A volume key rotated with a capture kernel loaded (median, min-max)"
	set ylabel "milliseconds per change"
	set logscale y
	plot data . "change.dat" using 1:3:xtic(2) with boxes notitle, \
	     "" using 1:3:4:5 with yerrorbars lc rgb "black" notitle, \
	     "" using 1:3:(sprintf($3 >= 10 ? "%.0f ms" : "%.2f ms", $3)) with labels offset 0,1 notitle
	unset logscale y
}
set style fill empty
set xtics autofreq

# Curves against the number of keys or the fill level
set key top left box opaque
if (have("keys.keyops.*.dat")) {
	set output dir . "/keyops.png"
	set title "Key operations: time per operation (median, min-max)"
	set xlabel "keys"
	set ylabel "microseconds"
	set logscale xy
	plot for [f in files("keys.keyops.*.dat")] f using 1:2:3:4 with yerrorlines title label(f)
	unset logscale xy
}
if (have("*.kexec.load.*.dat")) {
	set output dir . "/load.png"
	set title "kexec_file_load of the capture kernel with N keys (median, min-max)"
	set xlabel "keys"
	set ylabel "milliseconds"
	set key bottom right
	plot for [f in files("*.kexec.load.*.dat")] f using 1:2:3:4 with yerrorlines title label(f)
	set key top left
}
if (have("*.seg.bytes.*.dat")) {
	set output dir . "/segment.png"
	set title "Crash memory taken by the key segment"
	set xlabel "keys"
	set ylabel "bytes"
	plot for [f in files("*.seg.bytes.*.dat")] f using 1:2 with linespoints title label(f)
}
if (have("mainline.placement.ok.*.dat")) {
	set output dir . "/placement.png"
	set title "Loads that keep the key, with a capture initrd filling the reservation"
	set xlabel "initrd: % of the largest hole the other segments leave"
	set ylabel "% of loads"
	set yrange [0:105]
	set key bottom left
	plot for [f in files("mainline.placement.ok.*.dat")] f using 1:2 with linespoints title label(f)
	set yrange [*:*]
}
if (have("times.kdump_keys_*.dat")) {
	set output dir . "/restore.png"
	set title "Capture kernel: restore of the keys, from initcall_debug"
	set xlabel "keys"
	set ylabel "microseconds"
	set key top left
	plot for [f in files("times.kdump_keys_*.dat")] f using 1:2:3:4 with yerrorlines title label(f)
}
