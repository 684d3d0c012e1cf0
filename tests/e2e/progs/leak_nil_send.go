// Sending on a nil channel blocks forever.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=nil-chan-send reason="chan send (nil chan)" blocked=main.send created=main.main line=20 created_line=26
package main

import (
	"fmt"
	"time"
)

type pipeline struct {
	out chan int // never initialised
}

var ready = make(chan struct{})

func send(p *pipeline) {
	ready <- struct{}{}
	// p.out is nil: this blocks forever.
	p.out <- 1 // leaks here
	fmt.Println("never")
}

func main() {
	p := &pipeline{}
	go send(p)
	<-ready
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
