// 1,000 goroutines leaked in a loop: one group of 1000.
// expect: exit=1 leaked=1000 groups=1
// group: count=1000 category=chan-receive reason="chan receive" blocked=main.worker created=main.main line=18 created_line=27
package main

import (
	"fmt"
	"sync"
	"time"
)

var started sync.WaitGroup

func worker(id int, jobs chan int) {
	started.Done()
	// Every worker waits for a job that never comes.
	for {
		j := <-jobs // leaks here
		fmt.Println(id, j)
	}
}

func main() {
	jobs := make(chan int)
	started.Add(1000)
	for i := 0; i < 1000; i++ {
		go worker(i, jobs)
	}
	started.Wait()
	time.Sleep(100 * time.Millisecond)
	fmt.Println("started 1000 workers")
}
