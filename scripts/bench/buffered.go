// Buffered-channel throughput: one producer, one consumer, cap-1024 channel.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

func main() {
	n := 10000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	ch := make(chan int, 1024)
	res := make(chan int)
	go func() {
		s := 0
		for v := range ch {
			s += v
		}
		res <- s
	}()
	start := time.Now()
	for i := 0; i < n; i++ {
		ch <- i
	}
	close(ch)
	s := <-res
	el := time.Since(start)
	if s == -1 {
		fmt.Println("impossible")
	}
	fmt.Printf("RESULT buffered ns_per_op=%.2f ops=%d gomaxprocs=%d\n",
		float64(el.Nanoseconds())/float64(n), n, runtime.GOMAXPROCS(0))
}
