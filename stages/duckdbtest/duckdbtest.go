// Package duckdbtest runs SQL through DuckDB (its Node.js package) in tests:
// an independent Parquet reader to check the stages' tables against. Tests
// using it skip unless ROMA_DUCKDB_NODE_MODULES names a node_modules folder
// holding @duckdb/node-api (.ci/run installs one).
package duckdbtest

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Query runs sql and returns its rows, skipping the test when DuckDB is not
// available.
func Query(t testing.TB, sql string) []map[string]any {
	t.Helper()
	mods := os.Getenv("ROMA_DUCKDB_NODE_MODULES")
	if mods == "" {
		t.Skip("ROMA_DUCKDB_NODE_MODULES not set; see .ci/run")
	}
	_, self, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(self), "..", "..", "scripts", "duckdb-query.mjs")
	cmd := exec.Command("node", script, sql)
	cmd.Env = append(os.Environ(), "NODE_PATH="+mods)
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("duckdb: %v\n%s", err, b)
	}
	var rows []map[string]any
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatalf("duckdb output: %v: %s", err, b)
	}
	return rows
}

// Num reads a numeric column of a row; DuckDB's big integers arrive as
// strings. It is NaN when the value is missing or not a number.
func Num(row map[string]any, key string) float64 {
	switch v := row[key].(type) {
	case float64:
		return v
	case string:
		var f float64
		if err := json.Unmarshal([]byte(v), &f); err == nil {
			return f
		}
	}
	return math.NaN()
}
