// A reader takes a read lock and returns without RUnlock; a writer then
// waits in Lock for it for ever. The shim names the reader that leaked the
// read lock and the runtime's count of read locks held.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=rwmutex reason="semacquire" blocked=main.writer created=main.main line=26 created_line=37 lock=rwmutex readers=1 holders="r/main.reader:20:exited"
// text: held by goroutine
// text: (read lock), which exited without unlocking, locked at main.reader
package main

import (
	"fmt"
	"sync"
	"time"
)

var rw sync.RWMutex
var table = map[string]int{"x": 1}

func reader(done chan<- int) {
	rw.RLock() // forgot rw.RUnlock()
	done <- table["x"]
}

func writer(ready chan<- struct{}) {
	ready <- struct{}{}
	rw.Lock() // leaks here
	table["x"] = 2
	rw.Unlock()
}

func main() {
	done := make(chan int)
	go reader(done)
	fmt.Println("read", <-done)
	time.Sleep(10 * time.Millisecond)
	ready := make(chan struct{})
	go writer(ready)
	<-ready
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
