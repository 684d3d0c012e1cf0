// Package workers holds goroutine fan-out, pipelines and a hand-written
// errgroup, each waiting for all of its goroutines. None of its tests leaks.
package workers

import "sync"

// Squares returns the squares of values, in any order, computed on one
// goroutine per value; every goroutine ends before it returns.
func Squares(values []int) []int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, v := range values {
		wg.Add(1)
		go func(v int) {
			defer wg.Done()
			out <- v * v
		}(v)
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	var res []int
	for r := range out {
		res = append(res, r)
	}
	return res
}

// Pipeline runs values through n stages that each add one; every stage ends
// when its input is closed.
func Pipeline(values []int, n int) []int {
	src := make(chan int)
	go func() {
		defer close(src)
		for _, v := range values {
			src <- v
		}
	}()
	var in <-chan int = src
	for i := 0; i < n; i++ {
		in = stage(in)
	}
	var res []int
	for v := range in {
		res = append(res, v)
	}
	return res
}

func stage(in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for v := range in {
			out <- v + 1
		}
	}()
	return out
}
