// Go lets one goroutine unlock a Mutex another one locked. Here owner
// locks it and stays alive (asleep), handoff unlocks it, and taker locks it
// again and exits holding it; a waiter then blocks. The only holder is
// taker: owner's Lock left no stale entry behind.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=mutex reason="semacquire" blocked=main.waiter created=main.main line=35 lock=mutex holders="main.taker:29:exited"
package main

import (
	"fmt"
	"sync"
	"time"
)

var mu sync.Mutex

func owner(done chan<- struct{}) {
	mu.Lock()
	done <- struct{}{}
	time.Sleep(time.Hour)
}

func handoff(done chan<- struct{}) {
	mu.Unlock() // unlocks owner's lock
	done <- struct{}{}
}

func taker(done chan<- struct{}) {
	mu.Lock()
	done <- struct{}{}
}

func waiter(done chan<- struct{}) {
	done <- struct{}{}
	mu.Lock()
	mu.Unlock()
}

func main() {
	done := make(chan struct{})
	go owner(done)
	<-done
	go handoff(done)
	<-done
	go taker(done)
	<-done
	time.Sleep(10 * time.Millisecond)
	go waiter(done)
	<-done
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
