// main locks a Mutex and never unlocks it; a goroutine blocks in Lock.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=mutex reason="semacquire" blocked=main.update created=main.main line=18 created_line=26
package main

import (
	"fmt"
	"sync"
	"time"
)

var mu sync.Mutex
var counter int
var ready = make(chan struct{})

func update() {
	ready <- struct{}{}
	mu.Lock() // leaks here
	counter++
	mu.Unlock()
}

func main() {
	mu.Lock()
	counter = 1 // forgot mu.Unlock()
	go update()
	<-ready
	time.Sleep(50 * time.Millisecond)
	fmt.Println("counter", counter)
}
