// Control: a background loop on a live ticker is not a leak.
// expect: exit=0 leaked=0 groups=0
// running: function=main.background created=main.main
// selfcheck: candidates=1
package main

import (
	"fmt"
	"sync/atomic"
	"time"
)

var ticks int64

func background(t *time.Ticker) {
	for range t.C {
		atomic.AddInt64(&ticks, 1)
	}
}

func main() {
	t := time.NewTicker(5 * time.Millisecond)
	go background(t)
	for atomic.LoadInt64(&ticks) < 3 {
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Println("ticking")
}
