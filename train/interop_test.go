package main

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/roma-go/roma/stages"
)

// TestDuckDBReadsTables opens metrics.parquet and models.parquet with DuckDB,
// an independent reader, and compares what it sees with what we wrote. It
// runs when ROMA_DUCKDB_NODE_MODULES names a node_modules folder holding
// @duckdb/node-api (.ci/run installs one).
func TestDuckDBReadsTables(t *testing.T) {
	mods := os.Getenv("ROMA_DUCKDB_NODE_MODULES")
	if mods == "" {
		t.Skip("ROMA_DUCKDB_NODE_MODULES not set; see .ci/run")
	}
	in, out := writeInput(t, 60, 60, nil), t.TempDir()
	if log, err := execute(t, in, out); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	tb, err := stages.ReadTable(filepath.Join(out, "metrics.parquet"))
	must(t, err)
	test, err := tb.Float64("test_smspe")
	tb.Release()
	must(t, err)
	want := 0.0
	for _, v := range test {
		want += v
	}
	metrics, models := filepath.Join(out, "metrics.parquet"), filepath.Join(out, "models.parquet")
	q := `SELECT (SELECT sum(test_smspe) FROM '` + metrics + `') AS s,
	  (SELECT count(DISTINCT model) FROM '` + metrics + `') AS m,
	  (SELECT sum(params) FROM '` + models + `' WHERE model = 'don') AS p`
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
		var f float64
		switch v := rows[0][k].(type) {
		case float64:
			return v
		case string:
			json.Unmarshal([]byte(v), &f)
			return f
		}
		return math.NaN()
	}
	if math.Abs(num("s")-want) > 1e-12*math.Abs(want) || num("m") != 3 || num("p") <= 0 {
		t.Errorf("duckdb sees %v; we wrote test sMSPE sum %v over 3 models", rows[0], want)
	}
}
