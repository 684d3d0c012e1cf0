// A leak, then main panics: the panic's exit code 2 is kept (by the shim and by
// goleash run), and the report is still produced.
// expect: exit=2 natural_exit=2 shim_exit=2 leaked=1 groups=1
// group: count=1 category=chan-receive reason="chan receive" blocked=main.worker created=main.main line=17 created_line=23
package main

import (
	"fmt"
	"time"
)

var ready = make(chan struct{})

func worker(in chan int) {
	ready <- struct{}{}
	var v int
	v = <-in // leaks here
	fmt.Println("never", v)
}

func main() {
	in := make(chan int)
	go worker(in)
	<-ready
	time.Sleep(50 * time.Millisecond)
	fmt.Println("about to panic")
	panic("boom")
}
