// Eight goroutines call os.Exit(1) at the same moment while one goroutine
// is left blocked: under goleash there must be exactly one report (of that
// one goroutine) and one dump, and the exit status must stay 1
// (run_exit_race.py). main sleeps meanwhile: asleep or not yet asleep, it is
// never a leak, so the verdict does not depend on where the exit finds it.
package main

import (
	"fmt"
	"os"
	"sync"
	"time"
)

func main() {
	leak := make(chan int)
	go func() { <-leak }()
	var ready sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < 8; i++ {
		ready.Add(1)
		go func() {
			ready.Done()
			<-start
			os.Exit(1)
		}()
	}
	ready.Wait()
	fmt.Println("go")
	close(start)
	time.Sleep(time.Hour)
}
