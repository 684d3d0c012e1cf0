// A goroutine blocks in a Mutex promoted through two embedded fields: the
// compiler's wrapper for the promoted method (gccgo's main.T.Lock..stub) is
// not the blocking site, the user's function that called it is.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=mutex reason="semacquire" blocked=main.worker created=main.main line=24 created_line=33
package main

import (
	"fmt"
	"sync"
	"time"
)

type S struct {
	sync.Mutex
	n int
}

type T struct{ *S }

func (s *S) bump() { s.n++ }

func worker(t T) {
	t.Lock() // leaks here: main never unlocks
	t.bump()
	t.Unlock()
}

func main() {
	s := &S{}
	s.Lock()
	t := T{s}
	go worker(t)
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
