// Receiving from a nil channel blocks forever.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=nil-chan-receive reason="chan receive (nil chan)" blocked=main.recv created=main.main line=16 created_line=22
package main

import (
	"fmt"
	"time"
)

var ready = make(chan struct{})

func recv(in chan string) {
	ready <- struct{}{}
	var s string
	s = <-in // leaks here: in is nil
	fmt.Println("never", s)
}

func main() {
	var in chan string
	go recv(in)
	<-ready
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
