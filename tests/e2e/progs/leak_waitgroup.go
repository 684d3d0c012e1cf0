// A WaitGroup is Added twice but only one Done ever happens.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=waitgroup reason="semacquire" blocked=main.collector created=main.main line=16 created_line=23
package main

import (
	"fmt"
	"sync"
	"time"
)

var ready = make(chan struct{})

func collector(wg *sync.WaitGroup) {
	ready <- struct{}{}
	wg.Wait() // leaks here
	fmt.Println("never")
}

func main() {
	var wg sync.WaitGroup
	wg.Add(2)
	go collector(&wg)
	<-ready
	wg.Done() // the second Done is forgotten
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
