// goprof: Go's own goroutine profiles, for the analyzer benchmark.
//
//	goprof leakprofile N ITERATIONS
//	    N goroutines leaked (each parked on a channel only it can reach);
//	    prints milliseconds per collection of the "goroutineleak" profile
//	    (Go 1.26+ built with GOEXPERIMENT=goroutineleakprofile; it runs a
//	    GC cycle to find them) and of the plain "goroutine" profile, and
//	    how many leaks the profile counted. "unavailable" without it.
//	goprof proto N FILE
//	    N goroutines parked on stacks of 14 recursive calls that take one
//	    of two functions per bit of their index (16,384 distinct stacks),
//	    written as a binary (gzip'd proto) goroutine profile to FILE.
package main

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"runtime/pprof"
	"strconv"
	"time"
)

var block = make(chan struct{})

//go:noinline
func left(i, depth int) {
	if depth == 0 {
		<-block
		return
	}
	walk(i>>1, depth-1)
}

//go:noinline
func right(i, depth int) {
	if depth == 0 {
		<-block
		return
	}
	walk(i>>1, depth-1)
}

func walk(i, depth int) {
	if i&1 == 0 {
		left(i, depth)
	} else {
		right(i, depth)
	}
}

func leak() {
	ch := make(chan int)
	<-ch
}

func timeProfile(name string, iters int) (float64, string) {
	p := pprof.Lookup(name)
	if p == nil {
		return -1, ""
	}
	var last bytes.Buffer
	t0 := time.Now()
	for i := 0; i < iters; i++ {
		last.Reset()
		if err := p.WriteTo(&last, 1); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	return float64(time.Since(t0).Microseconds()) / 1000 / float64(iters), last.String()
}

func main() {
	n, _ := strconv.Atoi(os.Args[2])
	switch os.Args[1] {
	case "leakprofile":
		iters, _ := strconv.Atoi(os.Args[3])
		for i := 0; i < n; i++ {
			go leak()
		}
		time.Sleep(50 * time.Millisecond)
		ms, text := timeProfile("goroutineleak", iters)
		if ms < 0 {
			fmt.Println("unavailable")
			return
		}
		found := regexp.MustCompile(`goroutineleak profile: total (\d+)`).FindStringSubmatch(text)
		gms, _ := timeProfile("goroutine", iters)
		count := "?"
		if found != nil {
			count = found[1]
		}
		fmt.Printf("leak_ms=%.3f goroutine_ms=%.3f leaks=%s\n", ms, gms, count)
	case "proto":
		for i := 0; i < n; i++ {
			go walk(i, 14)
		}
		time.Sleep(200 * time.Millisecond)
		f, err := os.Create(os.Args[3])
		if err == nil {
			err = pprof.Lookup("goroutine").WriteTo(f, 0)
		}
		if err == nil {
			err = f.Close()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		close(block)
	default:
		fmt.Fprintln(os.Stderr, "usage: goprof leakprofile N ITERATIONS | goprof proto N FILE")
		os.Exit(2)
	}
}
