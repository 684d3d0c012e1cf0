// A goroutine waits on a channel that nobody ever sends on or closes.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=chan-receive reason="chan receive" blocked=main.worker created=main.main line=19 created_line=26 chan_cap=0 chan_closed=0
package main

import (
	"fmt"
	"time"
)

type result struct{ v int }

var ready = make(chan struct{})

func worker(in chan result) {
	ready <- struct{}{}
	// This receive never completes: main never sends on in nor closes it.
	var r result
	r = <-in // leaks here
	fmt.Println("never", r.v)
}

func main() {
	in := make(chan result)
	fmt.Println("start")
	go worker(in)
	<-ready
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
