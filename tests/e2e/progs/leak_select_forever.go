// A goroutine parks in `select {}`.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=select-forever reason="select (no cases)" blocked=main.forever created=main.main line=15 created_line=19
package main

import (
	"fmt"
	"time"
)

var ready = make(chan struct{})

func forever() {
	ready <- struct{}{}
	select {} // leaks here
}

func main() {
	go forever()
	<-ready
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
