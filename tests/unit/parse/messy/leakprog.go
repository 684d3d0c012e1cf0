// leakprog parks a known set of goroutines and prints goroutine dumps of
// itself the way -mode says; gen_messy.py turns them into the messy inputs
// of check_messy.py. The `// site:NAME` markers are the blocking lines.
package main

import (
	"flag"
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

func receiver(ch chan int) {
	<-ch // site:receiver
}

func sender(ch chan int) {
	ch <- 1 // site:sender
}

func selector(a, b chan int) {
	select { // site:selector
	case <-a:
	case <-b:
	}
}

func stack() []byte {
	buf := make([]byte, 1<<20)
	return buf[:runtime.Stack(buf, true)]
}

func main() {
	mode := flag.String("mode", "stack", "stack | twice | profiles")
	flag.Parse()
	for i := 0; i < 2; i++ {
		go receiver(make(chan int)) // site:go-receiver
	}
	go sender(make(chan int))                   // site:go-sender
	go selector(make(chan int), make(chan int)) // site:go-selector
	time.Sleep(300 * time.Millisecond)
	switch *mode {
	case "stack":
		os.Stdout.Write(stack())
	case "twice": // two moments of one process: the same ids twice
		os.Stdout.Write(stack())
		os.Stdout.WriteString("\n=== second dump\n")
		os.Stdout.Write(stack())
	case "profiles": // a leak profile next to a goroutine profile
		runtime.GC()
		pprof.Lookup("goroutineleak").WriteTo(os.Stdout, 1)
		os.Stdout.WriteString("\n")
		pprof.Lookup("goroutine").WriteTo(os.Stdout, 2)
	case "pprof1":
		pprof.Lookup("goroutine").WriteTo(os.Stdout, 1)
	}
}
