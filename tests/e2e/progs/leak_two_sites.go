// Two leak sites: 3 goroutines at one, 5 at the other. Two groups, the group
// of 5 comes first.
// expect: exit=1 leaked=8 groups=2
// group: count=5 category=chan-send reason="chan send" blocked=main.sendResult created=main.main line=25 created_line=37 first=1
// group: count=3 category=chan-receive reason="chan receive" blocked=main.waitJob created=main.main line=19 created_line=33
package main

import (
	"fmt"
	"sync"
	"time"
)

var started sync.WaitGroup

func waitJob(jobs chan int) {
	started.Done()
	var j int
	j = <-jobs // leaks here (3 goroutines)
	fmt.Println(j)
}

func sendResult(results chan int, v int) {
	started.Done()
	results <- v // leaks here (5 goroutines)
}

func main() {
	jobs := make(chan int)
	results := make(chan int)
	started.Add(8)
	for i := 0; i < 3; i++ {
		go waitJob(jobs)
	}
	for i := 0; i < 5; i++ {
		v := i * i
		go sendResult(results, v)
	}
	started.Wait()
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
