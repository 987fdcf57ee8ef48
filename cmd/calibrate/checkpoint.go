package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"calibrate/internal/store"
)

// checkpointEvery is how often a running server logs an audit checkpoint.
const checkpointEvery = time.Hour

// logCheckpoints logs a signed checkpoint of the audit chains now and then
// every interval, and returns what stops it after logging a last one. The
// log is then a trail of checkpoints outside the database: the line's
// "checkpoint" value is exactly what `calibrate audit verify --checkpoint`
// reads.
func logCheckpoints(st *store.Store, log *slog.Logger, every time.Duration) (stop func()) {
	logOne := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cp, err := st.AuditCheckpoint(ctx)
		if err != nil {
			log.Warn("audit checkpoint failed", "err", err)
			return
		}
		log.Info("audit checkpoint", "checkpoint", cp)
	}
	logOne()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				logOne()
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			wg.Wait()
			logOne()
		})
	}
}
