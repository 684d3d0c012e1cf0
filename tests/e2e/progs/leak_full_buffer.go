// A producer fills a capacity-2 buffered channel and blocks on the third send.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=chan-send reason="chan send" blocked=main.produce created=main.main line=17 created_line=23 chan_cap=2
package main

import (
	"fmt"
	"time"
)

var sent = make(chan int, 8)

func produce(out chan int) {
	for i := 0; i < 3; i++ {
		sent <- i
		// The third send blocks: the buffer holds 2 and nobody receives.
		out <- i // leaks here
	}
}

func main() {
	out := make(chan int, 2)
	go produce(out)
	for i := 0; i < 3; i++ {
		<-sent
	}
	time.Sleep(50 * time.Millisecond)
	fmt.Println("buffered", len(out), "of", cap(out))
}
