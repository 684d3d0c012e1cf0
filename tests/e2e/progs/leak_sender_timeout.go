// The caller gives up after a timeout (select + time.After); the goroutine
// computing the answer is left behind, blocked sending on an unbuffered
// channel nobody will ever read.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=chan-send reason="chan send" blocked=main.query..func1 created=main.query line=22 created_line=19 chan_cap=0
package main

import (
	"errors"
	"fmt"
	"time"
)

var release = make(chan struct{})
var aboutToSend = make(chan struct{})

func query() (int, error) {
	ch := make(chan int)
	go func() {
		<-release // the slow computation
		aboutToSend <- struct{}{}
		ch <- 42 // leaks here: the caller already returned
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-time.After(20 * time.Millisecond):
		return 0, errors.New("timeout")
	}
}

func main() {
	v, err := query()
	fmt.Println(v, err)
	close(release)
	<-aboutToSend
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
