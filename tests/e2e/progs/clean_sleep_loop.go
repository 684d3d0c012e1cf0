// Control: a background loop that is sleeping at exit is not a leak.
// expect: exit=0 leaked=0 groups=0
// running: function=main.background created=main.main
package main

import (
	"fmt"
	"time"
)

var ready = make(chan struct{})

func background() {
	close(ready)
	for {
		time.Sleep(time.Hour)
	}
}

func main() {
	go background()
	<-ready
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
