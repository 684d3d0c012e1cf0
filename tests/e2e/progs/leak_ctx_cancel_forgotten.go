// context.WithCancel whose cancel function is never called: the goroutine
// waiting on ctx.Done() leaks (category context).
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=context reason="chan receive" blocked=main.watch created=main.main line=17 created_line=24 ctx_kind=cancel ctx_cancelled=0
package main

import (
	"context"
	"fmt"
	"time"
)

var ready = make(chan struct{})

func watch(ctx context.Context) {
	ready <- struct{}{}
	<-ctx.Done() // leaks here
	fmt.Println("never", ctx.Err())
}

func main() {
	// The cancel function is dropped: nobody can ever cancel ctx.
	ctx, _ := context.WithCancel(context.Background())
	go watch(ctx)
	<-ready
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
