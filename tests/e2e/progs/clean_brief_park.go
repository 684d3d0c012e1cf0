// Control: goroutines park on every kind of wait (channel receive and send,
// select, Mutex, RWMutex, WaitGroup, Cond) for a while and are all released
// before main returns.
// expect: exit=0 leaked=0 groups=0
package main

import (
	"fmt"
	"sync"
	"time"
)

func main() {
	var done sync.WaitGroup
	var started sync.WaitGroup
	recvCh := make(chan int)
	sendCh := make(chan int)
	selA, selB := make(chan int), make(chan int)
	var mu sync.Mutex
	var rw sync.RWMutex
	var gate sync.WaitGroup
	mu.Lock()
	rw.RLock()
	gate.Add(1)
	var cmu sync.Mutex
	cond := sync.NewCond(&cmu)
	signalled := false

	run := func(f func()) {
		done.Add(1)
		started.Add(1)
		go func() {
			defer done.Done()
			started.Done()
			f()
		}()
	}
	run(func() { <-recvCh })
	run(func() { sendCh <- 1 })
	run(func() {
		select {
		case <-selA:
		case <-selB:
		}
	})
	run(func() { mu.Lock(); mu.Unlock() })
	run(func() { rw.Lock(); rw.Unlock() })
	run(func() { gate.Wait() })
	run(func() {
		cmu.Lock()
		for !signalled {
			cond.Wait()
		}
		cmu.Unlock()
	})
	started.Wait()
	time.Sleep(50 * time.Millisecond)

	recvCh <- 1
	<-sendCh
	close(selB)
	mu.Unlock()
	rw.RUnlock()
	gate.Done()
	cmu.Lock()
	signalled = true
	cond.Broadcast()
	cmu.Unlock()
	done.Wait()
	fmt.Println("all released")
}
