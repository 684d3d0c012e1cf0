// A leak followed by os.Exit(0): still reported (the shim exits 23, goleash
// run 1).
// expect: exit=1 leaked=2 groups=1 shim_exit=23
// group: count=2 category=chan-receive reason="chan receive" blocked=main.worker created=main.main line=19 created_line=27
package main

import (
	"fmt"
	"os"
	"sync"
	"time"
)

var started sync.WaitGroup

func worker(in chan int) {
	started.Done()
	var v int
	v = <-in // leaks here
	fmt.Println("never", v)
}

func main() {
	in := make(chan int)
	started.Add(2)
	for i := 0; i < 2; i++ {
		go worker(in)
	}
	started.Wait()
	time.Sleep(50 * time.Millisecond)
	fmt.Println("exiting")
	os.Exit(0)
}
