// A gc program of today's Go: generics, slices, range-over-func (Go 1.23)
// and cgo, leaking in a generic function and inside a range-over-func body.
// gc: min=23 cgo=1
// expect: exit=1 leaked=3 groups=2
// (a `go` statement in a range-over-func body is in main.main-rangeN)
// group: count=2 category=chan-receive reason="chan receive" blocked=main.drain[...] created=main.main-range1 line=28 created_line=53
// group: count=1 category=chan-send reason="chan send" blocked=main.send created=main.main-range2 line=45 created_line=57
package main

/*
static int twice(int x) { return 2 * x; }
*/
import "C"

import (
	"fmt"
	"iter"
	"slices"
	"time"
)

type number interface{ ~int | ~float64 }

var ready = make(chan struct{}, 8)

func drain[T number](in <-chan T) {
	ready <- struct{}{}
	for v := range in { // leaks: in is never closed
		_ = v
	}
}

func countTo(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

func send(out chan<- int, v int) {
	ready <- struct{}{}
	out <- v // leaks: nobody receives
}

func main() {
	xs := []int{3, 1, 2}
	slices.Sort(xs)
	in := make(chan int)
	for range countTo(2) {
		go drain(in)
	}
	out := make(chan int)
	for i := range countTo(1) {
		go send(out, i+int(C.twice(C.int(xs[0]))))
	}
	for range 3 {
		<-ready
	}
	time.Sleep(50 * time.Millisecond)
	fmt.Println("sorted", xs)
}
