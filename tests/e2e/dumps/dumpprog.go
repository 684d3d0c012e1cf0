// dumpprog parks a known set of goroutines, then writes a goroutine dump the
// way the -mode flag says, so run_dumps.py can check the analyzer's report of
// every dump format against what this program is known to hold. The
// `// site:NAME` markers give run_dumps.py the line of each blocking call.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var (
	mode = flag.String("mode", "stack", "stack | pprof0 | pprof1 | pprof2 | sigquit")
	out  = flag.String("o", "", "where to write the dump (not sigquit: that goes to stderr)")
	n    = flag.Int("n", 3, "how many receivers leak")
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

func forever() {
	select {} // site:forever
}

func nilReceiver() {
	var ch chan int
	<-ch // site:nilreceiver
}

func locker(mu *sync.Mutex) {
	mu.Lock() // site:locker
}

func waiter(wg *sync.WaitGroup) {
	wg.Wait() // site:waiter
}

func labelled(ctx context.Context, ch chan int) {
	pprof.Do(ctx, pprof.Labels("job", "export"), func(context.Context) {
		<-ch // site:labelled
	})
}

func sleeper() {
	time.Sleep(time.Hour)
}

func main() {
	flag.Parse()
	ch := make(chan int)
	var mu sync.Mutex
	mu.Lock()
	var wg sync.WaitGroup
	wg.Add(1)
	for i := 0; i < *n; i++ {
		go receiver(ch) // site:go-receiver
	}
	for i := 0; i < 2; i++ {
		go sender(make(chan int)) // site:go-sender
	}
	go selector(make(chan int), make(chan int)) // site:go-selector
	go forever()                                // site:go-forever
	for i := 0; i < 2; i++ {
		go nilReceiver() // site:go-nilreceiver
	}
	go locker(&mu)                                    // site:go-locker
	go waiter(&wg)                                    // site:go-waiter
	go labelled(context.Background(), make(chan int)) // site:go-labelled
	go sleeper()                                      // site:go-sleeper
	// Wait until every goroutine above has started: n + 10, plus main.
	want := *n + 11
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() < want; {
		if time.Now().After(deadline) {
			fmt.Fprintln(os.Stderr, "dumpprog: goroutines did not start")
			os.Exit(3)
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // let the last ones reach their park
	if *mode == "sigquit" {
		fmt.Println("ready")
		time.Sleep(time.Hour)
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	switch *mode {
	case "stack":
		buf := make([]byte, 1<<20)
		f.Write(buf[:runtime.Stack(buf, true)])
	case "pprof0", "pprof1", "pprof2":
		err = pprof.Lookup("goroutine").WriteTo(f, int((*mode)[5]-'0'))
	default:
		err = fmt.Errorf("unknown mode %q", *mode)
	}
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
}
