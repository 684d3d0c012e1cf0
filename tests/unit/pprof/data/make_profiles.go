// Made the committed gc119_* and gccgo12_* profiles (run from /tmp/pp):
//   go run make_profiles.go /tmp/pp/gc119     (Debian golang-go 1.19)
//   gccgo -g -O0 make_profiles.go -o p && ./p /tmp/pp/gccgo12   (gccgo 12)
// Blocks goroutines on each kind of wait, then writes the goroutine profile
// as debug=0 (binary) and debug=1 (text).
package main

import (
	"context"
	"os"
	"runtime/pprof"
	"sync"
	"time"
)

func recvForever(ch chan int)  { <-ch }
func sendForever(ch chan int)  { ch <- 1 }
func selectForever(a, b chan int) {
	select {
	case <-a:
	case <-b:
	}
}
func lockForever(mu *sync.Mutex)      { mu.Lock() }
func waitForever(wg *sync.WaitGroup) { wg.Wait() }

func main() {
	ch := make(chan int)
	a, b := make(chan int), make(chan int)
	var mu sync.Mutex
	mu.Lock()
	var wg sync.WaitGroup
	wg.Add(1)
	for i := 0; i < 3; i++ {
		go recvForever(ch)
	}
	sendch := make(chan int)
	for i := 0; i < 2; i++ {
		go sendForever(sendch)
	}
	var nilch chan int
	go recvForever(nilch)
	go func() { select {} }()
	go selectForever(a, b)
	go lockForever(&mu)
	for i := 0; i < 4; i++ {
		go waitForever(&wg)
	}
	pprof.Do(context.Background(), pprof.Labels("worker", "labelled", "shard", "7"), func(context.Context) {
		go recvForever(make(chan int))
	})
	time.Sleep(200 * time.Millisecond)
	for _, d := range []int{0, 1} {
		f, err := os.Create(os.Args[1] + []string{".pb.gz", ".txt"}[d])
		if err != nil {
			panic(err)
		}
		pprof.Lookup("goroutine").WriteTo(f, d)
		f.Close()
	}
}
