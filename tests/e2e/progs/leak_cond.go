// A goroutine waits on a sync.Cond that is never signalled.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=cond reason="sync.Cond.Wait" blocked=main.waiter created=main.main line=21 created_line=27
package main

import (
	"fmt"
	"sync"
	"time"
)

var mu sync.Mutex
var cond = sync.NewCond(&mu)
var available bool
var ready = make(chan struct{})

func waiter() {
	mu.Lock()
	ready <- struct{}{}
	for !available {
		cond.Wait() // leaks here
	}
	mu.Unlock()
}

func main() {
	go waiter()
	<-ready
	time.Sleep(50 * time.Millisecond)
	mu.Lock() // waiter released mu inside Wait
	available = false
	mu.Unlock()
	fmt.Println("done") // forgot cond.Signal()
}
