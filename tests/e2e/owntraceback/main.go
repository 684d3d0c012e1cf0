// Prints its own goroutine dump (runtime.Stack) with goroutines blocked in
// a channel receive, a send, a select and every sync wait the shim
// interposes, for run_own_traceback.py: the program's own output must read
// the same with libgoleash.so preloaded.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

func receiver(ch chan int) { <-ch }
func sender(ch chan int)   { ch <- 1 }
func selector(a, b chan int) {
	select {
	case <-a:
	case <-b:
	}
}
func locker(mu *sync.Mutex)     { mu.Lock() }
func writer(rw *sync.RWMutex)   { rw.Lock() }
func reader(rw *sync.RWMutex)   { rw.RLock() }
func waiter(wg *sync.WaitGroup) { wg.Wait() }
func condWaiter(c *sync.Cond)   { c.L.Lock(); c.Wait() }
func onceRunner(o *sync.Once, ch chan int) { o.Do(func() { <-ch }) }
func onceWaiter(o *sync.Once)   { o.Do(func() {}) }

func main() {
	go receiver(make(chan int))
	go sender(make(chan int))
	go selector(make(chan int), make(chan int))
	var mu sync.Mutex
	mu.Lock()
	go locker(&mu)
	var rw, rw2 sync.RWMutex
	rw.RLock()
	go writer(&rw)
	rw2.Lock()
	go reader(&rw2)
	var wg sync.WaitGroup
	wg.Add(1)
	go waiter(&wg)
	go condWaiter(sync.NewCond(&sync.Mutex{}))
	var once sync.Once
	go onceRunner(&once, make(chan int))
	time.Sleep(10 * time.Millisecond)
	go onceWaiter(&once)
	time.Sleep(30 * time.Millisecond)
	buf := make([]byte, 1<<16)
	n := runtime.Stack(buf, true)
	fmt.Print(string(buf[:n]))
	os.Exit(0)
}
