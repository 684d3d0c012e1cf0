// A leaky program that never exits by itself: it is killed with SIGKILL, and
// only the periodic dumps (dump_interval) can tell what it leaked.
// Run by run_e2e.py --mode killed (not as an ordinary program).
// expect: exit=1 leaked=4 groups=1
// group: count=4 category=chan-receive reason="chan receive" blocked=main.stuck created=main.main line=15
package main

import (
	"fmt"
	"time"
)

func stuck(c chan int, ready chan<- bool) {
	ready <- true
	<-c
}

func main() {
	c := make(chan int)
	ready := make(chan bool)
	for i := 0; i < 4; i++ {
		go stuck(c, ready)
	}
	for i := 0; i < 4; i++ {
		<-ready
	}
	fmt.Println("leaked 4, now running until killed")
	for {
		time.Sleep(time.Second)
	}
}
