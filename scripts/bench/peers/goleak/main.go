// goleak: the cost of go.uber.org/goleak's check at the end of a test
// (VerifyNone calls Find, which takes every goroutine's stack and parses
// it) with N goroutines alive that the check is told to ignore, as in a
// test binary with background workers. Prints microseconds per check.
//
//	goleak N ITERATIONS
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"go.uber.org/goleak"
)

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	iters, _ := strconv.Atoi(os.Args[2])
	block := make(chan struct{})
	for i := 0; i < n; i++ {
		go func() { <-block }()
	}
	time.Sleep(50 * time.Millisecond) // let them all park
	ignore := goleak.IgnoreCurrent()
	if err := goleak.Find(ignore); err != nil {
		fmt.Fprintln(os.Stderr, "goleak:", err)
		os.Exit(2)
	}
	t0 := time.Now()
	for i := 0; i < iters; i++ {
		if err := goleak.Find(ignore); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			os.Exit(2)
		}
	}
	fmt.Printf("us_per_check=%.1f\n", float64(time.Since(t0).Microseconds())/float64(iters))
	close(block)
}
