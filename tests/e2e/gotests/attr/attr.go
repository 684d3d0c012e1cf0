// Package attr is the code under test of the per-test attribution e2e test
// (tests/e2e/run_gotests.py): helpers that leak goroutines, and ones that
// do not.
package attr

import "sync"

// StartPipeline leaks through a helper goroutine tree: stage1 starts stage2,
// stage2 starts n stage3 workers that wait forever; stage1 and stage2 exit.
func StartPipeline(n int) {
	go stage1(n)
}

func stage1(n int) {
	go stage2(n)
}

func stage2(n int) {
	for i := 0; i < n; i++ {
		go stage3()
	}
}

func stage3() {
	ch := make(chan int)
	<-ch // site:stage3
}

// LeakSenders starts n goroutines that send on a channel nobody reads.
func LeakSenders(n int) {
	ch := make(chan int)
	for i := 0; i < n; i++ {
		go func() {
			ch <- 1 // site:senders
		}()
	}
}

// LeakForever starts a goroutine blocked in select {}.
func LeakForever() {
	go func() {
		select {} // site:forever
	}()
}

// LeakNilReceive starts a goroutine receiving from a nil channel.
func LeakNilReceive() {
	go func() {
		var c chan int
		<-c // site:nilrecv
	}()
}

// LeakSelfDeadlock starts a goroutine that locks a Mutex twice.
func LeakSelfDeadlock() {
	go func() {
		var mu sync.Mutex
		mu.Lock()
		mu.Lock() // site:deadlock
	}()
}

// LeakSetupReceiver starts a goroutine waiting on a channel nobody sends to.
func LeakSetupReceiver() {
	ch := make(chan struct{})
	go func() {
		<-ch // site:setuprecv
	}()
}

// LeakFromExample starts a goroutine waiting on a channel nobody sends to;
// called from an example, whose goroutine is the test binary's main one.
func LeakFromExample() {
	ch := make(chan int)
	go func() {
		<-ch // site:example
	}()
}

// RunAndWait starts n goroutines and waits for all of them: no leak.
func RunAndWait(n int) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	sum := 0
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			mu.Lock()
			sum += i
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	return sum
}

// Drain ranges over a channel until it is closed: no leak once closed.
func Drain(ch <-chan int, done chan<- int) {
	go func() {
		total := 0
		for v := range ch {
			total += v
		}
		done <- total
	}()
}

// Worker receives one item and returns. Started by a test, fed later.
func Worker(ch <-chan int, out *int) {
	go func() {
		*out = <-ch
	}()
}
