// Two writers wait behind a writer that never unlocks: they block on the
// RWMutex's inner writer mutex, and are still RWMutex waits to the user
// (category rwmutex, not mutex).
// expect: exit=1 leaked=2 groups=1
// group: count=2 category=rwmutex reason="semacquire" blocked=main.writer created=main.main line=21 created_line=30
package main

import (
	"fmt"
	"sync"
	"time"
)

var rw sync.RWMutex
var table = map[string]int{}
var ready = make(chan struct{})

func writer(v int) {
	ready <- struct{}{}
	time.Sleep(time.Millisecond)
	rw.Lock() // leaks here: the first writer never calls Unlock
	table["x"] = v
	rw.Unlock()
}

func main() {
	rw.Lock()
	table["x"] = 0 // forgot rw.Unlock()
	for i := 1; i <= 2; i++ {
		go writer(i)
		<-ready
	}
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
