// A writer waits behind a read lock that is never released.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=rwmutex reason="semacquire" blocked=main.writer created=main.main line=18 created_line=26
package main

import (
	"fmt"
	"sync"
	"time"
)

var rw sync.RWMutex
var table = map[string]int{}
var ready = make(chan struct{})

func writer() {
	ready <- struct{}{}
	rw.Lock() // leaks here: a reader never called RUnlock
	table["x"] = 1
	rw.Unlock()
}

func main() {
	rw.RLock()
	fmt.Println("read", table["x"]) // forgot rw.RUnlock()
	go writer()
	<-ready
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
