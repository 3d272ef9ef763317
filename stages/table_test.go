package stages

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestTableRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.parquet")
	cols := []Column{
		{"i32", []int32{1, -2, 3}},
		{"i64", []int64{1 << 40, 0, -5}},
		{"f32", []float32{0.5, 1.5, -2}},
		{"f64", []float64{math.Pi, 0, -1e300}},
		{"s", []string{"a", "", "ccc"}},
		{"l", FloatList{Len: 2, Values: []float32{1, 2, 3, 4, 5, 6}}},
	}
	if err := WriteTable(path, cols, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	tb, err := ReadTable(path)
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Release()
	if tb.Rows != 3 || tb.Meta["k"] != "v" {
		t.Fatalf("rows %d meta %v", tb.Rows, tb.Meta)
	}
	i32, _ := tb.Int64("i32")
	i64, _ := tb.Int64("i64")
	f64, _ := tb.Float64("f64")
	f32, _ := tb.Float64("f32")
	l, n, err := tb.FloatList("l")
	if err != nil || n != 2 {
		t.Fatal(err, n)
	}
	if i32[1] != -2 || i64[0] != 1<<40 || f64[0] != math.Pi || f32[2] != -2 || l[5] != 6 {
		t.Errorf("values differ: %v %v %v %v %v", i32, i64, f64, f32, l)
	}
	if _, err := tb.Int64("nope"); err == nil || !strings.Contains(err.Error(), `missing column "nope"`) || !strings.Contains(err.Error(), path) {
		t.Errorf("missing column: %v", err)
	}
	if _, err := tb.Int64("f64"); err == nil {
		t.Error("float column read as integer")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestReadTableRejectsNonParquet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.parquet")
	os.WriteFile(path, []byte("not parquet at all"), 0o644)
	if _, err := ReadTable(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("got %v", err)
	}
}

// TestSpillTransposes checks the spill-and-transpose path against the direct
// in-memory layout, with row groups smaller than the node count.
func TestSpillTransposes(t *testing.T) {
	dir := t.TempDir()
	const n, T = 1000, 7
	a, _ := NewSpill(dir, n)
	b, _ := NewSpill(dir, n)
	want := make([]float32, n*T)
	for k := 0; k < T; k++ {
		sa, sb := make([]float32, n), make([]float32, n)
		for i := range sa {
			sa[i] = float32(i*100 + k)
			sb[i] = -sa[i]
			want[i*T+k] = sa[i]
		}
		a.Append(sa)
		b.Append(sb)
	}
	path := filepath.Join(dir, "series.parquet")
	if err := WriteSeries(path, []string{"value", "neg"}, []*Spill{a, b}, nil); err != nil {
		t.Fatal(err)
	}
	a.Close()
	b.Close()
	s, err := ReadSeries(path, "value")
	if err != nil {
		t.Fatal(err)
	}
	if s.N != n || s.T != T {
		t.Fatalf("shape %d×%d", s.N, s.T)
	}
	for i := range want {
		if s.Values[i] != want[i] {
			t.Fatalf("value %d: %v want %v", i, s.Values[i], want[i])
		}
	}
	neg, _ := ReadSeries(path, "neg")
	if neg.Values[T*5+3] != -want[T*5+3] {
		t.Error("second column differs")
	}
}

func TestReadSeriesReferenceLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.parquet")
	var cols []Column
	for k := 0; k < 4; k++ {
		cols = append(cols, Column{strconv.Itoa(k), []float64{float64(k), float64(10 + k)}})
	}
	if err := WriteTable(path, cols, nil); err != nil {
		t.Fatal(err)
	}
	s, err := ReadSeries(path, "value")
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 2 || s.T != 4 || s.Values[4+3] != 13 {
		t.Errorf("got %+v", s)
	}
	cols[2].Data = []float64{1, math.NaN()}
	WriteTable(path, cols, nil)
	if _, err := ReadSeries(path, "value"); err == nil || !strings.Contains(err.Error(), "node 1, time 2") {
		t.Errorf("NaN: %v", err)
	}
	cols[2].Name = "x"
	WriteTable(path, cols, nil)
	if _, err := ReadSeries(path, "value"); err == nil || !strings.Contains(err.Error(), `column 2 is "x"`) {
		t.Errorf("bad layout: %v", err)
	}
}
