// Select fan-in: 4 producers, one consumer selecting over 4 unbuffered channels.
package main

import "time"

func main() {
	n := ops(1000000)
	const P = 4
	var chs [P]chan int
	for i := range chs {
		chs[i] = make(chan int)
	}
	per := n / P
	total := per * P
	start := time.Now()
	for p := 0; p < P; p++ {
		go func(c chan int) {
			for i := 0; i < per; i++ {
				c <- i
			}
		}(chs[p])
	}
	s := 0
	for got := 0; got < total; got++ {
		select {
		case v := <-chs[0]:
			s += v
		case v := <-chs[1]:
			s += v
		case v := <-chs[2]:
			s += v
		case v := <-chs[3]:
			s += v
		}
	}
	el := time.Since(start)
	use(s)
	report("fanin", 1, el, total)
}
