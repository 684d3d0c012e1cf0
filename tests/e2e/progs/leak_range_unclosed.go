// A consumer ranges over a channel the producer forgets to close.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=chan-receive reason="chan receive" blocked=main.consume created=main.main line=16 created_line=26 chan_cap=4
package main

import (
	"fmt"
	"sync"
	"time"
)

var seen sync.WaitGroup
var total int

func consume(ch chan int) {
	for v := range ch { // leaks here: ch is never closed
		total += v
		seen.Done()
	}
	fmt.Println("never reached")
}

func main() {
	ch := make(chan int, 4)
	seen.Add(3)
	go consume(ch)
	for i := 1; i <= 3; i++ {
		ch <- i
	}
	seen.Wait()
	time.Sleep(50 * time.Millisecond)
	fmt.Println("total", total) // forgot close(ch)
}
