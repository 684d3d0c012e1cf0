// A goroutine locks a Mutex and returns without unlocking it; a later
// goroutine blocks in Lock. The shim names the holder: it exited while
// holding the lock, which it took at grab's mu.Lock().
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=mutex reason="semacquire" blocked=main.update created=main.main line=26 created_line=36 lock=mutex holders="main.grab:19:exited"
// text: which exited without unlocking, locked at main.grab
package main

import (
	"fmt"
	"sync"
	"time"
)

var mu sync.Mutex
var counter int

func grab(done chan<- struct{}) {
	mu.Lock() // locked here, never unlocked
	counter++
	close(done)
}

func update(ready chan<- struct{}) {
	ready <- struct{}{}
	mu.Lock() // leaks here
	counter++
	mu.Unlock()
}

func main() {
	done := make(chan struct{})
	go grab(done)
	<-done
	ready := make(chan struct{})
	go update(ready)
	<-ready
	time.Sleep(50 * time.Millisecond)
	fmt.Println("counter", counter)
}
