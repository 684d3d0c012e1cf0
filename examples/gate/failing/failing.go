//go:build failing

// Package failing has genuinely failing tests that also leak. It is built
// only with -tags failing (by the gate's end-to-end test), so that
// `go test ./...` over this module stays a clean/leak showcase.
package failing

// Subscribe returns a channel that a goroutine feeds once a value is ready;
// here the value never is, so the goroutine parks on its unbuffered send...
// unless someone receives. Callers that give up leak it.
func Subscribe(ready <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		v := <-ready // nothing is ever sent: parks here
		out <- v
	}()
	return out
}
