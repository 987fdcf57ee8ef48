package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Linux reports a process's CPU time in clock ticks of 1/100 s
// (sysconf(_SC_CLK_TCK) is 100 on every kernel this runs on).
const clockTick = 10 * time.Millisecond

// vm reads a VmXXX line of /proc/PID/status, in MB.
func vm(pid int, key string) float64 {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// procStat reads the command name and the CPU time (utime + stime) of
// process pid from /proc/PID/stat.
func procStat(pid int) (comm string, cpu time.Duration, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0, err
	}
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open || end+2 > len(s) {
		return "", 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(s[end+2:])
	if len(f) < 13 {
		return "", 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return s[open+1 : end], time.Duration(u+k) * clockTick, nil
}

// cpuTime is the CPU time process pid has used; 0 when unknown.
func cpuTime(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	_, d, err := procStat(pid)
	if err != nil {
		return 0
	}
	return d
}

// pgCPU measures the CPU PostgreSQL spends on the server's queries: the
// backends connected to the server's database, found in pg_stat_activity,
// read from /proc (PostgreSQL must run on this machine). A backend whose
// /proc cannot be read (another user's process under hidepid, a server in
// a container) makes the whole measurement fall back to the sum over every
// postgres process this machine shows, which includes other databases'
// work and so only bounds the figure from above.
type pgCPU struct {
	conn     *pgx.Conn
	fallback bool   // the sum over all postgres processes
	why      string // why the fallback, said once in the report
}

// pgSnapshot is the CPU time of each process counted, by pid.
type pgSnapshot map[int]time.Duration

func newPGCPU(ctx context.Context, dsn string) (*pgCPU, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return &pgCPU{conn: conn}, nil
}

func (p *pgCPU) close() {
	if p != nil {
		_ = p.conn.Close(context.Background())
	}
}

// snapshot reads the CPU time of the processes counted now.
func (p *pgCPU) snapshot(ctx context.Context) pgSnapshot {
	if p == nil {
		return nil
	}
	if !p.fallback {
		s, err := p.backends(ctx)
		if err == nil {
			return s
		}
		p.fallback, p.why = true, err.Error()
	}
	return allPostgres()
}

func (p *pgCPU) backends(ctx context.Context) (pgSnapshot, error) {
	rows, err := p.conn.Query(ctx, `SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`)
	if err != nil {
		return nil, err
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, err
	}
	s := pgSnapshot{}
	for _, pid := range pids {
		_, d, err := procStat(int(pid))
		if err != nil {
			return nil, fmt.Errorf("backend %d: %w", pid, err)
		}
		s[int(pid)] = d
	}
	return s, nil
}

// allPostgres sums every readable process named postgres.
func allPostgres() pgSnapshot {
	s := pgSnapshot{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if comm, d, err := procStat(pid); err == nil && comm == "postgres" {
			s[pid] = d
		}
	}
	return s
}

// since is the CPU time used between two snapshots: a process that
// appeared in between counts from zero (it connected during the phase); one
// that left is lost, and reported.
func (s pgSnapshot) since(before pgSnapshot) (d time.Duration, gone int) {
	for pid, t := range s {
		d += t - before[pid]
	}
	for pid := range before {
		if _, ok := s[pid]; !ok {
			gone++
		}
	}
	return d, gone
}
