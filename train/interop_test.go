package main

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/roma-go/roma/stages"
	"github.com/roma-go/roma/stages/duckdbtest"
)

// TestDuckDBReadsTables opens metrics.parquet and models.parquet with DuckDB,
// an independent reader, and compares what it sees with what we wrote.
func TestDuckDBReadsTables(t *testing.T) {
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
	row := duckdbtest.Query(t, `SELECT (SELECT sum(test_smspe) FROM '`+metrics+`') AS s,
	  (SELECT count(DISTINCT model) FROM '`+metrics+`') AS m,
	  (SELECT sum(params) FROM '`+models+`' WHERE model = 'don') AS p`)[0]
	s, m, p := duckdbtest.Num(row, "s"), duckdbtest.Num(row, "m"), duckdbtest.Num(row, "p")
	if math.Abs(s-want) > 1e-12*math.Abs(want) || m != 3 || p <= 0 {
		t.Errorf("duckdb sees %v; we wrote test sMSPE sum %v over 3 models", row, want)
	}
}
