// A whole program, timed from outside (scripts/bench/walltime.py): it starts
// N goroutines that park on channels (a worker pool waiting for work that
// never comes, as a program at its end often has), does a little channel
// work, prints the time main ends, and returns. walltime.py reads that time
// and the time the process was reaped: the exit's own cost.
package main

import (
	"fmt"
	"time"
)

func main() {
	n := ops(1000)
	work := make(chan int)
	done := make(chan int)
	for i := 0; i < n; i++ {
		go func() {
			for v := range work {
				done <- v
			}
		}()
	}
	s := 0
	for i := 0; i < 10*n; i++ {
		work <- i
		s += <-done
	}
	use(s)
	fmt.Printf("MAINEND %d\n", time.Now().UnixNano())
}
