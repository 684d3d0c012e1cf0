// Counts the signals it is sent, for run_signals.py: prints whether SIGINT
// is ignored, "ready", then after the first SIGINT/SIGTERM/SIGHUP waits a
// moment for duplicates and prints how many of each came. SIGQUIT keeps
// Go's default (a goroutine dump, exit 2). One goroutine is left blocked on
// purpose, so the report after a SIGQUIT has something to show.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

var stuck = make(chan int)

func main() {
	fmt.Printf("ignored=%v\n", signal.Ignored(os.Interrupt))
	go func() { <-stuck }()
	c := make(chan os.Signal, 16)
	signal.Notify(c, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	fmt.Println("ready")
	counts := map[os.Signal]int{}
	first := <-c
	counts[first]++
	deadline := time.After(500 * time.Millisecond)
	for done := false; !done; {
		select {
		case s := <-c:
			counts[s]++
		case <-deadline:
			done = true
		}
	}
	fmt.Printf("count %s=%d total=%d\n", first, counts[first], len(c)+sum(counts))
	stuck <- 1 // the goroutine ends: a clean exit
}

func sum(m map[os.Signal]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
