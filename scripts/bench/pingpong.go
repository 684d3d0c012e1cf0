// Unbuffered ping-pong: N round trips between two goroutines; every op parks.
package main

import "time"

func main() {
	n := ops(1000000)
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
	report("pingpong", 1, el, n)
}
