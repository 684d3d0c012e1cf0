// Eight goroutines call os.Exit(3) at the same moment while one goroutine
// is left blocked (and main waits in select {}): under goleash there must
// be exactly one report and one dump, and the exit status must stay 3
// (run_exit_race.py).
package main

import (
	"fmt"
	"os"
	"sync"
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
			os.Exit(3)
		}()
	}
	ready.Wait()
	fmt.Println("go")
	close(start)
	select {}
}
