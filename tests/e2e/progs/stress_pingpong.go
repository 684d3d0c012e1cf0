// Heavy park/unpark traffic at GOMAXPROCS=8: 64 goroutines (32 pairs)
// ping-pong 10,000 times each over unbuffered channels, contending on a
// Mutex as they go; then exactly 7 known leaks. The report must count exactly
// those 7: none of the earlier parks may linger.
// expect: exit=1 leaked=7 groups=1
// group: count=7 category=chan-receive reason="chan receive" blocked=main.straggler created=main.main line=49 created_line=71
// env: GOMAXPROCS=8
// timeout: 300
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

const pairs = 32
const rounds = 10000

var mu sync.Mutex
var total int

func ping(out chan<- int, in <-chan int, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < rounds; i++ {
		out <- i
		<-in
	}
	close(out)
}

func pong(in <-chan int, out chan<- int, wg *sync.WaitGroup) {
	defer wg.Done()
	n := 0
	for v := range in {
		out <- v
		n++
		if n%100 == 0 {
			mu.Lock()
			total += 100
			mu.Unlock()
		}
	}
}

func straggler(ch chan int, started *sync.WaitGroup) {
	started.Done()
	<-ch // leaks here
}

func main() {
	runtime.GOMAXPROCS(8)
	var wg sync.WaitGroup
	start := time.Now()
	for p := 0; p < pairs; p++ {
		a, b := make(chan int), make(chan int)
		wg.Add(2)
		go ping(a, b, &wg)
		go pong(a, b, &wg)
	}
	wg.Wait()
	elapsed := time.Since(start)
	_ = elapsed
	fmt.Println("round trips", total)

	var started sync.WaitGroup
	ch := make(chan int)
	started.Add(7)
	for i := 0; i < 7; i++ {
		go straggler(ch, &started)
	}
	started.Wait()
	time.Sleep(100 * time.Millisecond)
	fmt.Println("7 stragglers left behind")
}
