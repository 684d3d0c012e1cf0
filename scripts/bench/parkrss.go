// Peak RSS with N goroutines parked on a channel receive. bench.sh runs it
// with GOMAXPROCS=1: on two Ps libgo's own peak steps by ~35 MiB from run
// to run (1098 or 1133 MiB at 100,000 goroutines, without the shim too),
// and a median of runs then compares one step with the other. The shim's
// extra is per goroutine, the same on one P or two (230 B, like runs
// compared). runtime.GOMAXPROCS(1) in main is too late: the step is taken
// by then.
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

func status(key string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, key+":") {
			fs := strings.Fields(l[len(key)+1:])
			if len(fs) >= 1 {
				v, _ := strconv.ParseInt(fs[0], 10, 64)
				return v * 1024 // kB -> bytes
			}
		}
	}
	return -1
}

func main() {
	n := ops(100000)
	block := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(n)
	start := time.Now()
	for i := 0; i < n; i++ {
		go func() {
			wg.Done()
			<-block
		}()
	}
	wg.Wait()
	time.Sleep(300 * time.Millisecond) // settle: let every goroutine reach the receive
	el := time.Since(start)
	runtime.GC()
	fmt.Printf("RESULT parkrss goroutines=%d vmhwm=%d vmrss=%d ns_per_op=%.1f gomaxprocs=%d\n",
		n, status("VmHWM"), status("VmRSS"), float64(el.Nanoseconds())/float64(n), runtime.GOMAXPROCS(0))
	// leak them on purpose (no close(block)); process exits.
}
