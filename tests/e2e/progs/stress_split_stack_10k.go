// Split-stack stress: 10,000 goroutines each recurse to a random depth
// (0..200, fixed seed) and then park forever on a channel receive, so the
// shim's park interposer runs at every possible position of gccgo's small
// split-stack segments. Every goroutine must be found, every group must be
// blocked in main.park, and the program's own output must be intact.
// expect: exit=1 leaked=10000 groups=any
// all-groups: category=chan-receive reason="chan receive" blocked=main.park line=27
// timeout: 300
package main

import (
	"fmt"
	"math/rand"
	"sync"
	"time"
)

const n = 10000
const maxDepth = 200

var parked sync.WaitGroup
var never = make(chan int)

func park(id int) int {
	parked.Done()
	var v int
	v = <-never // parks forever
	return v + id
}

func recurse(id, depth int, pad [4]int64) int {
	if depth == 0 {
		return park(id)
	}
	var local [8]int64
	local[depth%8] = pad[depth%4] + int64(depth)
	pad[depth%4] = local[depth%8]
	return recurse(id, depth-1, pad) + int(local[depth%8]&1)
}

func main() {
	rng := rand.New(rand.NewSource(20240601))
	var hist [11]int
	sum := 0
	parked.Add(n)
	for i := 0; i < n; i++ {
		d := rng.Intn(maxDepth + 1)
		hist[d/20]++
		sum += d
		go recurse(i, d, [4]int64{int64(i), 1, 2, 3})
	}
	parked.Wait()
	time.Sleep(500 * time.Millisecond)
	fmt.Println("goroutines", n, "depth sum", sum)
	for b, c := range hist {
		fmt.Printf("depth %3d..%3d: %d\n", b*20, b*20+19, c)
	}
}
