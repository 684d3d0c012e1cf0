// A goroutine waits in a select on two channels, neither ever ready.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=select reason="select" blocked=main.loop created=main.main line=16 created_line=28
package main

import (
	"fmt"
	"time"
)

var ready = make(chan struct{})

func loop(jobs chan int, quit chan bool) {
	ready <- struct{}{}
	for {
		select { // leaks here
		case j := <-jobs:
			fmt.Println("job", j)
		case <-quit:
			return
		}
	}
}

func main() {
	jobs := make(chan int)
	quit := make(chan bool)
	go loop(jobs, quit)
	<-ready
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done") // forgot quit <- true
}
