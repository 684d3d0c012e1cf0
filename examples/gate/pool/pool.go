// Package pool is a small worker pool. Start spawns a supervisor goroutine,
// which spawns the workers: forgetting Stop leaves that whole tree parked
// (the supervisor on the quit channel, every worker on the jobs channel).
package pool

import "sync"

// Pool squares integers on a fixed set of workers.
type Pool struct {
	jobs    chan int
	results chan int
	quit    chan struct{}
	done    chan struct{}
	stop    sync.Once
}

// Start returns a pool with n workers, running until Stop.
func Start(n int) *Pool {
	p := &Pool{
		jobs:    make(chan int),
		results: make(chan int),
		quit:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go p.supervise(n)
	return p
}

func (p *Pool) supervise(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go p.work(&wg)
	}
	<-p.quit // forgotten Stop: the supervisor parks here
	close(p.jobs)
	wg.Wait()
	close(p.done)
}

func (p *Pool) work(wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range p.jobs { // forgotten Stop: every worker parks here
		p.results <- j * j
	}
}

// Sum submits every value and returns the sum of the squares.
func (p *Pool) Sum(values []int) int {
	go func() {
		for _, v := range values {
			p.jobs <- v
		}
	}()
	sum := 0
	for range values {
		sum += <-p.results
	}
	return sum
}

// Stop ends the workers and the supervisor and waits for them.
func (p *Pool) Stop() {
	p.stop.Do(func() { close(p.quit) })
	<-p.done
}
