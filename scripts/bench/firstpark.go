// First park of a new goroutine: with one P, the parent spawns a goroutine
// and yields; the child runs at once and parks on a receive; the parent
// releases it and yields again, and the child exits. The same loop without
// the receive (the child just exits) is timed too: the difference is what
// the park costs, spawn and exit left out. Every child is a new goroutine
// (a new goid) on a reused stack (gccgo's free list, warmed up first).
package main

import (
	"fmt"
	"runtime"
	"time"
)

func parked(n int) time.Duration {
	c := make(chan int)
	start := time.Now()
	for i := 0; i < n; i++ {
		go func() { <-c }()
		runtime.Gosched() // the child runs and parks
		c <- 1            // it is waiting: the send does not park
		runtime.Gosched() // the child runs and exits
	}
	return time.Since(start)
}

func unparked(n int) time.Duration {
	start := time.Now()
	for i := 0; i < n; i++ {
		go func() {}()
		runtime.Gosched()
		runtime.Gosched()
	}
	return time.Since(start)
}

func main() {
	n := ops(20000)
	runtime.GOMAXPROCS(1)
	parked(1000)
	unparked(1000)
	p := parked(n)
	u := unparked(n)
	fmt.Printf("RESULT firstpark ns_per_op=%.1f unparked_ns=%.1f ops=%d gomaxprocs=%d\n",
		float64(p.Nanoseconds())/float64(n), float64(u.Nanoseconds())/float64(n), n, runtime.GOMAXPROCS(0))
}
