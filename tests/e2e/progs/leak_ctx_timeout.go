// context.WithTimeout(1h) never cancelled: at exit the goroutine waiting on
// ctx.Done() is a leak (category context) even though the deadline would
// fire one day.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=context reason="chan receive" blocked=main.serve created=main.main line=19 created_line=25 ctx_kind=timeout ctx_cancelled=0
package main

import (
	"context"
	"fmt"
	"time"
)

var ready = make(chan struct{})

func serve(ctx context.Context) {
	ready <- struct{}{}
	// Only the (one hour away) deadline could release this.
	<-ctx.Done() // leaks here
	fmt.Println("never", ctx.Err())
}

func main() {
	ctx, _ := context.WithTimeout(context.Background(), time.Hour)
	go serve(ctx)
	<-ready
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
