// Locks taken with TryLock and TryRLock and never released: the writer
// waiting on the Mutex, and the one waiting on the RWMutex, are told who
// holds them (goroutines that exited holding them) and where they were
// taken, as for Lock and RLock.
// expect: exit=1 leaked=2 groups=2
// group: count=1 category=mutex reason="semacquire" blocked=main.update created=main.main line=37 created_line=54 lock=mutex holders="main.grabTry:22:exited"
// group: count=1 category=rwmutex reason="semacquire" blocked=main.write created=main.main line=43 created_line=55 lock=rwmutex readers=1 holders="r/main.readTry:29:exited"
// text: which exited without unlocking, locked at main.grabTry
// text: which exited without unlocking, locked at main.readTry
package main

import (
	"fmt"
	"sync"
	"time"
)

var mu sync.Mutex
var rw sync.RWMutex

func grabTry(done chan<- struct{}) {
	if mu.TryLock() { // taken here, never unlocked
		fmt.Println("got mu")
	}
	close(done)
}

func readTry(done chan<- struct{}) {
	if rw.TryRLock() { // read-locked here, never unlocked
		fmt.Println("got rw")
	}
	close(done)
}

func update(ready chan<- struct{}) {
	ready <- struct{}{}
	mu.Lock() // leaks here
	mu.Unlock()
}

func write(ready chan<- struct{}) {
	ready <- struct{}{}
	rw.Lock() // leaks here
	rw.Unlock()
}

func main() {
	d1, d2 := make(chan struct{}), make(chan struct{})
	go grabTry(d1)
	<-d1
	go readTry(d2)
	<-d2
	r1, r2 := make(chan struct{}), make(chan struct{})
	go update(r1)
	go write(r2)
	<-r1
	<-r2
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
