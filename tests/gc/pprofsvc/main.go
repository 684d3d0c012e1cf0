// A service for `goleash report URL` tests: net/http/pprof's endpoints, a
// handler that leaks one goroutine per request and one that does not.
// Listens on an ephemeral loopback port, prints "ready PORT", and exits 0
// on GET /quit.
//
// The leaked goroutines wait on a channel only they still hold, so Go
// 1.26's goroutineleak profile (GOEXPERIMENT=goroutineleakprofile) finds
// them too, not only the goroutine profiles.
package main

import (
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"sync/atomic"
)

var leaked, served int64

func leakyWorker(reply chan int) {
	reply <- 1 // leaks: the handler stopped waiting
}

// leakHandler gives up on its worker's answer: the worker blocks forever.
func leakHandler(w http.ResponseWriter, r *http.Request) {
	reply := make(chan int)
	go leakyWorker(reply)
	fmt.Fprintf(w, "leaked %d\n", atomic.AddInt64(&leaked, 1))
}

func carefulWorker(reply chan<- int) {
	reply <- 2 // answered: the handler waits
}

// okHandler waits for its worker's answer: nothing is left behind.
func okHandler(w http.ResponseWriter, r *http.Request) {
	reply := make(chan int)
	go carefulWorker(reply)
	v := <-reply
	fmt.Fprintf(w, "ok %d %d\n", v, atomic.AddInt64(&served, 1))
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	http.HandleFunc("/leak", leakHandler)
	http.HandleFunc("/ok", okHandler)
	http.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		os.Exit(0)
	})
	fmt.Printf("ready %d\n", ln.Addr().(*net.TCPAddr).Port)
	// main waits in the network poller, which no report counts as a leak.
	fmt.Fprintln(os.Stderr, http.Serve(ln, nil))
	os.Exit(1)
}
