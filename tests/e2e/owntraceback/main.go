// Prints its own goroutine dump (runtime.Stack) with goroutines blocked in
// a channel receive, a send and a select, for run_own_traceback.py: the
// program's own output must read the same with libgoleash.so preloaded.
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

func receiver(ch chan int) { <-ch }
func sender(ch chan int)   { ch <- 1 }
func selector(a, b chan int) {
	select {
	case <-a:
	case <-b:
	}
}

func main() {
	go receiver(make(chan int))
	go sender(make(chan int))
	go selector(make(chan int), make(chan int))
	time.Sleep(30 * time.Millisecond)
	buf := make([]byte, 1<<16)
	n := runtime.Stack(buf, true)
	fmt.Print(string(buf[:n]))
	os.Exit(0)
}
