// A small service for `goleash snapshot` tests: three goroutines leaked on
// a channel nobody sends on (main.leaker), a loop on a live ticker, a busy
// worker pool fed every few milliseconds, and an HTTP server on loopback.
// It prints "ready PORT" and exits 0 on GET /quit.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

var never = make(chan int)

func leaker() {
	<-never // leaks: nobody sends on never
}

var ticks, done int64

func main() {
	for i := 0; i < 3; i++ {
		go leaker()
	}
	t := time.NewTicker(10 * time.Millisecond)
	go func() {
		for range t.C {
			atomic.AddInt64(&ticks, 1)
		}
	}()
	jobs := make(chan int)
	for w := 0; w < 4; w++ {
		go func() {
			for j := range jobs {
				atomic.AddInt64(&done, int64(j&1))
			}
		}()
	}
	go func() {
		for i := 0; ; i++ {
			jobs <- i
			time.Sleep(2 * time.Millisecond)
		}
	}()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	quit := make(chan struct{})
	http.HandleFunc("/ping", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "pong %d\n", atomic.LoadInt64(&ticks))
	})
	http.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		close(quit)
	})
	go http.Serve(ln, nil)
	fmt.Printf("ready %d\n", ln.Addr().(*net.TCPAddr).Port)
	<-quit
	time.Sleep(10 * time.Millisecond)
	os.Exit(0)
}
