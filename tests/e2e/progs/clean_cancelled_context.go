// Control: goroutines wait on ctx.Done() of contexts that are cancelled
// (explicitly, through a parent, and by an expired deadline); all of them
// return before main does.
// expect: exit=0 leaked=0 groups=0
package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

func watch(ctx context.Context, wg *sync.WaitGroup, started *sync.WaitGroup) {
	defer wg.Done()
	started.Done()
	<-ctx.Done()
}

func main() {
	var wg, started sync.WaitGroup
	parent, cancelParent := context.WithCancel(context.Background())
	child, cancelChild := context.WithCancel(parent)
	defer cancelChild()
	own, cancelOwn := context.WithCancel(context.Background())
	short, cancelShort := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancelShort()
	for _, ctx := range []context.Context{parent, child, own, short} {
		wg.Add(1)
		started.Add(1)
		go watch(ctx, &wg, &started)
	}
	started.Wait()
	time.Sleep(20 * time.Millisecond)
	cancelOwn()
	cancelParent() // cancels child too
	wg.Wait()
	fmt.Println("all cancelled:", parent.Err(), child.Err(), own.Err(), short.Err())
}
