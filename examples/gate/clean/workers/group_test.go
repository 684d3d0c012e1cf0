package workers

import (
	"context"
	"errors"
	"testing"
)

// No test here leaks: Wait returns only after every function did, and the
// functions blocked on the context are released by the first error.

var errBoom = errors.New("boom")

func TestAllSucceed(t *testing.T) {
	t.Parallel()
	g, _ := WithContext(context.Background())
	results := make([]int, 8)
	for i := range results {
		i := i
		g.Go(func() error { results[i] = i * i; return nil })
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if results[7] != 49 {
		t.Fatalf("results = %v", results)
	}
}

func TestFirstErrorCancelsTheRest(t *testing.T) {
	t.Parallel()
	g, ctx := WithContext(context.Background())
	for i := 0; i < 5; i++ {
		g.Go(func() error {
			<-ctx.Done() // released by the failing function's cancel
			return ctx.Err()
		})
	}
	g.Go(func() error { return errBoom })
	if err := g.Wait(); !errors.Is(err, errBoom) {
		t.Fatalf("Wait = %v, want %v", err, errBoom)
	}
}

func TestProducersConsumer(t *testing.T) {
	g, ctx := WithContext(context.Background())
	items := make(chan int)
	for p := 0; p < 3; p++ {
		p := p
		g.Go(func() error {
			for i := 0; i < 10; i++ {
				select {
				case items <- p*10 + i:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		})
	}
	done := make(chan int)
	go func() {
		n := 0
		for range items {
			n++
		}
		done <- n
	}()
	err := g.Wait()
	close(items)
	if n := <-done; err != nil || n != 30 {
		t.Fatalf("Wait = %v, consumed %d, want nil, 30", err, n)
	}
}

func TestSubtestsEachWithAGroup(t *testing.T) {
	for _, name := range []string{"one", "two", "three"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			g, ctx := WithContext(context.Background())
			g.Go(func() error { <-ctx.Done(); return nil })
			g.Go(func() error { return errBoom })
			if err := g.Wait(); err != errBoom {
				t.Fatalf("Wait = %v", err)
			}
		})
	}
}
