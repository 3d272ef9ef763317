package main

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestDuckDBReadsOutputs opens the stage's Parquet files with DuckDB, an
// independent reader, and compares what it sees with what we wrote. It runs
// when ROMA_DUCKDB_NODE_MODULES names a node_modules folder holding
// @duckdb/node-api (.ci/run installs one).
func TestDuckDBReadsOutputs(t *testing.T) {
	mods := os.Getenv("ROMA_DUCKDB_NODE_MODULES")
	if mods == "" {
		t.Skip("ROMA_DUCKDB_NODE_MODULES not set; see .ci/run")
	}
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
	cmd := exec.Command("node", "../scripts/duckdb-query.mjs", q)
	cmd.Env = append(os.Environ(), "NODE_PATH="+mods)
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("duckdb: %v\n%s", err, b)
	}
	var rows []map[string]any
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	num := func(k string) float64 {
		switch v := rows[0][k].(type) {
		case float64:
			return v
		case string:
			var f float64
			json.Unmarshal([]byte(v), &f)
			return f
		}
		return math.NaN()
	}
	if int(num("n")) != series.N || int(num("t")) != series.T || int(num("nodes")) != series.N || int(num("times")) != series.T {
		t.Errorf("duckdb sees %v; we wrote %d×%d", rows[0], series.N, series.T)
	}
	if math.Abs(num("s")-want) > 1e-6*math.Abs(want) {
		t.Errorf("duckdb sum %v, ours %v", num("s"), want)
	}
	if num("edges") <= 0 {
		t.Errorf("no edges with src < dst: %v", rows[0])
	}
}
