// Parks under 90 frames of recursion: the park stack must hold at least 60
// frames of the recursive function (the capture limit is 128 frames).
// expect: exit=1 leaked=4 groups=1
// group: count=4 category=chan-receive reason="chan receive" blocked=main.descend created=main.main line=19 created_line=29 min_stack=60 stack_has=main.descend:60
package main

import (
	"fmt"
	"sync"
	"time"
)

var parked sync.WaitGroup

func descend(depth int, ch chan int, trail []int) int {
	if depth == 0 {
		parked.Done()
		var v int
		v = <-ch // leaks here, 90 frames of descend below main's go statement
		return v + len(trail)
	}
	return descend(depth-1, ch, append(trail, depth)) + 1
}

func main() {
	ch := make(chan int)
	parked.Add(4)
	for i := 0; i < 4; i++ {
		go descend(90, ch, nil)
	}
	parked.Wait()
	time.Sleep(100 * time.Millisecond)
	fmt.Println("4 goroutines parked 90 frames deep")
}
