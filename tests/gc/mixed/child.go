// The child of a mixed process tree: leaks two goroutines.
package main

import (
	"fmt"
	"time"
)

func childLeak(ch chan int) {
	ch <- 1 // leaks: nobody receives
}

func main() {
	ch := make(chan int)
	for i := 0; i < 2; i++ {
		go childLeak(ch)
	}
	time.Sleep(20 * time.Millisecond)
	fmt.Println("child done")
}
