package main

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/roma-go/roma/stages/duckdbtest"
)

// TestDuckDBReadsOutputs opens the stage's Parquet files with DuckDB, an
// independent reader, and compares what it sees with what we wrote.
func TestDuckDBReadsOutputs(t *testing.T) {
	out := t.TempDir()
	if err := execute(t, smallKM, "--out", out); err != nil {
		t.Fatal(err)
	}
	series := readSeries(t, out, "value")
	want := 0.0
	for i := 0; i < series.N; i++ {
		want += float64(series.Values[i*series.T+6])
	}
	q := `SELECT (SELECT count(*) FROM '` + filepath.Join(out, "series.parquet") + `') AS n,
	  (SELECT min(len(value)) FROM '` + filepath.Join(out, "series.parquet") + `') AS t,
	  (SELECT sum(value[7]) FROM '` + filepath.Join(out, "series.parquet") + `') AS s,
	  (SELECT count(*) FROM '` + filepath.Join(out, "nodes.parquet") + `') AS nodes,
	  (SELECT count(*) FROM '` + filepath.Join(out, "times.parquet") + `') AS times,
	  (SELECT count(*) FROM '` + filepath.Join(out, "edges.parquet") + `' WHERE src < dst) AS edges`
	row := duckdbtest.Query(t, q)[0]
	num := func(k string) float64 { return duckdbtest.Num(row, k) }
	if int(num("n")) != series.N || int(num("t")) != series.T || int(num("nodes")) != series.N || int(num("times")) != series.T {
		t.Errorf("duckdb sees %v; we wrote %d×%d", row, series.N, series.T)
	}
	if math.Abs(num("s")-want) > 1e-6*math.Abs(want) {
		t.Errorf("duckdb sum %v, ours %v", num("s"), want)
	}
	if num("edges") <= 0 {
		t.Errorf("no edges with src < dst: %v", row)
	}
}
