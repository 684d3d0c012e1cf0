// Spawn-park-release: each goroutine is spawned, parks once on a channel
// receive, is released and exits. A warm-up round first, so that gccgo
// reuses the exited goroutines' stacks and the timed round measures the
// goroutine's life, not its stack allocation. Batches of 1,000: the batch
// parks on one channel, closed once all of it has started.
package main

import (
	"sync"
	"time"
)

func round(n int) {
	const batch = 1000
	for done := 0; done < n; done += batch {
		release := make(chan struct{})
		var started, finished sync.WaitGroup
		started.Add(batch)
		finished.Add(batch)
		for i := 0; i < batch; i++ {
			go func() {
				started.Done()
				<-release
				finished.Done()
			}()
		}
		started.Wait()
		close(release)
		finished.Wait()
	}
}

func main() {
	n := ops(20000)
	round(n) // warm-up: stacks to reuse
	start := time.Now()
	round(n)
	el := time.Since(start)
	report("spawnpark", 1, el, n)
}
