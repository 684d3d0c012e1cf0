// A small service-shaped program with three classic goroutine leaks, for
// the README's first command: run it under goleash and read the report.
package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// backend is the slow backend: it answers only when main closes it.
var backend = make(chan struct{})

// fetch gives up after a timeout, but the worker still wants to deliver its
// result on an unbuffered channel nobody reads any more.
func fetch(id int) (string, error) {
	result := make(chan string)
	go func() {
		<-backend
		result <- fmt.Sprintf("item %d", id)
	}()
	select {
	case r := <-result:
		return r, nil
	case <-time.After(5 * time.Millisecond):
		return "", fmt.Errorf("fetch %d: timeout", id)
	}
}

// watch stops when its context is cancelled, but the caller forgets cancel.
func watch(ctx context.Context, name string) {
	<-ctx.Done()
	fmt.Println("stopped watching", name)
}

type cache struct {
	mu    sync.Mutex
	items map[string]string
}

// refresh returns early on an error path without unlocking.
func (c *cache) refresh(fail bool) {
	c.mu.Lock()
	if fail {
		return
	}
	c.mu.Unlock()
}

func (c *cache) get(k string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.items[k]
}

func main() {
	for i := 0; i < 3; i++ {
		if _, err := fetch(i); err != nil {
			fmt.Println(err)
		}
	}

	ctx, _ := context.WithCancel(context.Background()) //nolint:lostcancel
	go watch(ctx, "config")

	c := &cache{items: map[string]string{}}
	c.refresh(true)
	go func() { fmt.Println(c.get("k")) }()

	close(backend) // the answers come at last, with nobody left to read them
	fmt.Println("main: done")
}
