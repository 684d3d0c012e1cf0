// A goroutine ranges over a ticker's channel; the ticker is stopped, so the
// channel never delivers again: a leak.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=chan-receive reason="chan receive" blocked=main.poll created=main.main line=18 created_line=26 timer=ticker
package main

import (
	"fmt"
	"time"
)

var ready = make(chan struct{})
var ticks int

func poll(t *time.Ticker) {
	ready <- struct{}{}
	// t.C never delivers again once t is stopped.
	for range t.C { // leaks here
		ticks++
	}
	fmt.Println("never")
}

func main() {
	t := time.NewTicker(time.Millisecond)
	go poll(t)
	<-ready
	time.Sleep(20 * time.Millisecond)
	t.Stop() // the goroutine is not told to quit
	time.Sleep(50 * time.Millisecond)
	fmt.Println("stopped")
}
