// Spawn+exit: N goroutines, each does wg.Done(); spawned in batches of 10000.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	const batch = 10000
	var wg sync.WaitGroup
	start := time.Now()
	for done := 0; done < n; {
		b := batch
		if n-done < b {
			b = n - done
		}
		wg.Add(b)
		for i := 0; i < b; i++ {
			go func() { wg.Done() }()
		}
		wg.Wait()
		done += b
	}
	el := time.Since(start)
	fmt.Printf("RESULT spawn ns_per_op=%.1f ops=%d gomaxprocs=%d\n",
		float64(el.Nanoseconds())/float64(n), n, runtime.GOMAXPROCS(0))
}
