// Unbuffered ping-pong: N round trips between two goroutines; every op parks.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	ping := make(chan int)
	pong := make(chan int)
	done := make(chan struct{})
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(done)
	}()
	// warm-up
	for i := 0; i < 1000; i++ {
		ping <- i
		<-pong
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	el := time.Since(start)
	close(ping)
	<-done
	fmt.Printf("RESULT pingpong ns_per_op=%.1f ops=%d gomaxprocs=%d\n",
		float64(el.Nanoseconds())/float64(n), n, runtime.GOMAXPROCS(0))
}
