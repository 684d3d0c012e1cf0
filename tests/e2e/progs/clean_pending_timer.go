// Control: a goroutine whose wake-up is a one-shot timer still pending is
// not a leak (docs/accuracy.md, Timers): the timer will fire. One waits on
// a time.NewTimer's channel, one on time.After's; both timers have an hour
// to go when the program exits.
// expect: exit=0 leaked=0 groups=0
// running: function=main.onTimer created=main.main
// running: function=main.onAfter created=main.main
// selfcheck: candidates=2
package main

import (
	"fmt"
	"time"
)

func onTimer(t *time.Timer, stop chan struct{}) {
	select {
	case <-t.C:
	case <-stop:
	}
}

func onAfter(stop chan struct{}) {
	select {
	case <-time.After(time.Hour):
	case <-stop:
	}
}

func main() {
	go onTimer(time.NewTimer(time.Hour), make(chan struct{}))
	go onAfter(make(chan struct{}))
	time.Sleep(20 * time.Millisecond)
	fmt.Println("exiting with two timers pending")
}
