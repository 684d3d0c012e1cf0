// Many short goroutines, worker-per-request style: a dispatcher starts one
// goroutine per request (at most 64 in flight, a semaphore channel); each
// does a little work and sends its result to a collector over an unbuffered
// channel, where it often parks (its first and only park). Timed after a
// warm-up round.
package main

import (
	"time"
)

func handle(id int, results chan<- int, sem <-chan struct{}) {
	s := 0
	for i := 0; i < 64; i++ {
		s += (id ^ i) * 31
	}
	results <- s
	<-sem
}

func serve(n int) int {
	results := make(chan int)
	sem := make(chan struct{}, 64)
	total := make(chan int)
	go func() {
		t := 0
		for i := 0; i < n; i++ {
			t += <-results
		}
		total <- t
	}()
	for i := 0; i < n; i++ {
		sem <- struct{}{}
		go handle(i, results, sem)
	}
	return <-total
}

func main() {
	n := ops(100000)
	use(serve(n / 10)) // warm-up: stacks to reuse
	start := time.Now()
	s := serve(n)
	el := time.Since(start)
	use(s)
	report("manyshort", 1, el, n)
}
