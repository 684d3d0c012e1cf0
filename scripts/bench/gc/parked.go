// N goroutines parked on a channel receive (a third in a select with a
// second channel), the snapshot pause benchmark's target: prints "ready"
// once all are parked and sleeps until killed.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	never, other := make(chan int), make(chan int)
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		if i%3 == 0 {
			go func() {
				wg.Done()
				select {
				case <-never:
				case <-other:
				}
			}()
		} else {
			go func() {
				wg.Done()
				<-never
			}()
		}
	}
	wg.Wait()
	for runtime.NumGoroutine() < n+1 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	fmt.Println("ready")
	time.Sleep(time.Hour)
}
