// A service for `goleash watch` tests: net/http/pprof's endpoints, /leak
// leaks one goroutine per request, /ok spawns one that ends. With -noisy a
// background loop keeps starting bursts of short-lived goroutines, so the
// number of blocked goroutines swings up and down without ever leaking.
// Listens on an ephemeral loopback port, prints "ready PORT", and exits 0
// on GET /quit.
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"sync/atomic"
	"time"
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

// burstWorker waits for a release that always comes, a little later.
func burstWorker(release <-chan struct{}) {
	<-release // noisy: released within 400ms
}

// noise starts a burst every 50ms: 0 to 40 goroutines that block on a
// channel until it is closed 50 to 400ms later. Many bursts overlap, so
// the count of blocked goroutines wanders without a trend.
func noise(seed int64) {
	rng := rand.New(rand.NewSource(seed))
	for range time.Tick(50 * time.Millisecond) {
		release := make(chan struct{})
		for i := rng.Intn(41); i > 0; i-- {
			go burstWorker(release)
		}
		time.AfterFunc(time.Duration(50+rng.Intn(351))*time.Millisecond, func() { close(release) })
	}
}

func main() {
	noisy := flag.Bool("noisy", false, "start bursts of short-lived blocked goroutines")
	seed := flag.Int64("seed", 1, "the bursts' random seed")
	flag.Parse()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *noisy {
		go noise(*seed)
	}
	http.HandleFunc("/leak", leakHandler)
	http.HandleFunc("/ok", okHandler)
	http.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		os.Exit(0)
	})
	fmt.Printf("ready %d\n", ln.Addr().(*net.TCPAddr).Port)
	fmt.Fprintln(os.Stderr, http.Serve(ln, nil))
	os.Exit(1)
}
