// What every benchmark program shares: its size from the command line, and
// the one line bench.sh reads. Built into each of them (bench.sh).
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

// ops is the benchmark's size: the first argument, else def.
func ops(def int) int {
	if len(os.Args) > 1 {
		n, _ := strconv.Atoi(os.Args[1])
		return n
	}
	return def
}

// report prints "RESULT name ns_per_op=... ops=n gomaxprocs=..." for n
// operations that took el, ns_per_op with prec decimals.
func report(name string, prec int, el time.Duration, n int) {
	fmt.Printf("RESULT %s ns_per_op=%.*f ops=%d gomaxprocs=%d\n",
		name, prec, float64(el.Nanoseconds())/float64(n), n, runtime.GOMAXPROCS(0))
}

// use keeps a result alive, so the loop that computed it is not optimized away.
func use(s int) {
	if s == -1 {
		fmt.Println("impossible")
	}
}
