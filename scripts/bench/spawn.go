// Spawn+exit: N goroutines, each does wg.Done(); spawned in batches of 10000.
package main

import (
	"sync"
	"time"
)

func main() {
	n := ops(1000000)
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
	report("spawn", 1, el, n)
}
