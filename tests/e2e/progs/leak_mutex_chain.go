// A chain: waiter blocks on first, which goroutine a holds while it blocks
// on second, which goroutine b holds while it waits on a channel nobody
// sends on. The report shows the chain down to b's receive.
// expect: exit=1 leaked=3 groups=3
// group: count=1 category=mutex reason="semacquire" blocked=main.waiter created=main.main line=38 lock=mutex holders="main.a:29:blocked-mutex>main.b:22:blocked-chan-receive"
// group: count=1 category=mutex reason="semacquire" blocked=main.a created=main.main line=31 lock=mutex holders="main.b:22:blocked-chan-receive"
// group: count=1 category=chan-receive reason="chan receive" blocked=main.b created=main.main line=24
// text: it is blocked (mutex) at main.a
// text: it is blocked (chan-receive) at main.b
package main

import (
	"fmt"
	"sync"
	"time"
)

var first, second sync.Mutex
var never = make(chan int)

func b(ready chan<- struct{}) {
	second.Lock()
	ready <- struct{}{}
	<-never
	second.Unlock()
}

func a(ready chan<- struct{}) {
	first.Lock()
	ready <- struct{}{}
	second.Lock()
	second.Unlock()
	first.Unlock()
}

func waiter(ready chan<- struct{}) {
	ready <- struct{}{}
	first.Lock()
	first.Unlock()
}

func main() {
	ready := make(chan struct{})
	go b(ready)
	<-ready
	go a(ready)
	<-ready
	go waiter(ready)
	<-ready
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
