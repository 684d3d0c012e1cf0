// Buffered-channel throughput: one producer, one consumer, cap-1024 channel.
package main

import "time"

func main() {
	n := ops(10000000)
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
	use(s)
	report("buffered", 2, el, n)
}
