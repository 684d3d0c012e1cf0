// Two goroutines call the same Once: the first runs the function, which
// waits on a channel nobody sends on; the second waits in Once.Do for it
// (category once). The shim names the goroutine running the function and
// where it called Once.Do.
// expect: exit=1 leaked=2 groups=2
// group: count=1 category=once reason="semacquire" blocked=main.second created=main.main line=33 lock=once holders="main.first:28:blocked-chan-receive"
// group: count=1 category=chan-receive reason="chan receive" blocked=main.loadConfig created=main.main line=23
// text: its function run by goroutine
// text: Once.Do called at main.first
package main

import (
	"fmt"
	"sync"
	"time"
)

var once sync.Once
var configReady = make(chan string)
var config string

func loadConfig() {
	config = <-configReady
}

func first(ready chan<- struct{}) {
	ready <- struct{}{}
	once.Do(loadConfig)
}

func second(ready chan<- struct{}) {
	ready <- struct{}{}
	once.Do(loadConfig)
	fmt.Println(config)
}

func main() {
	ready := make(chan struct{})
	go first(ready)
	<-ready
	time.Sleep(10 * time.Millisecond)
	go second(ready)
	<-ready
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
