package stages

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
)

// Spill collects time samples of an N-node series in a scratch file, one
// float32 sample vector after another, so that a long simulation keeps only
// O(N) in memory. ReadNodes transposes blocks of nodes back to node-major
// rows for the series table.
type Spill struct {
	f   *os.File
	n   int
	t   int
	buf []byte
}

// NewSpill creates a spill file for n-node samples in folder dir.
func NewSpill(dir string, n int) (*Spill, error) {
	f, err := os.CreateTemp(dir, "spill-*.f32")
	if err != nil {
		return nil, err
	}
	return &Spill{f: f, n: n, buf: make([]byte, 4*n)}, nil
}

// Append stores one sample; len(sample) must be n.
func (s *Spill) Append(sample []float32) error {
	if len(sample) != s.n {
		return fmt.Errorf("spill: sample has %d values, want %d", len(sample), s.n)
	}
	for i, v := range sample {
		binary.LittleEndian.PutUint32(s.buf[4*i:], math.Float32bits(v))
	}
	if _, err := s.f.WriteAt(s.buf, int64(s.t)*int64(len(s.buf))); err != nil {
		return fmt.Errorf("spill %s: %w", s.f.Name(), err)
	}
	s.t++
	return nil
}

// Samples is the number of samples stored.
func (s *Spill) Samples() int { return s.t }

// Len is the number of nodes in each sample.
func (s *Spill) Len() int { return s.n }

// ReadNodes fills dst[(i-lo)*T+k] with sample k of node i for lo ≤ i < hi.
func (s *Spill) ReadNodes(lo, hi int, dst []float32) error {
	w := hi - lo
	buf := s.buf[:4*w]
	for k := 0; k < s.t; k++ {
		off := (int64(k)*int64(s.n) + int64(lo)) * 4
		if _, err := s.f.ReadAt(buf, off); err != nil && err != io.EOF {
			return fmt.Errorf("spill %s: %w", s.f.Name(), err)
		}
		for i := 0; i < w; i++ {
			dst[i*s.t+k] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
		}
	}
	return nil
}

// Close removes the spill file.
func (s *Spill) Close() error {
	s.f.Close()
	return os.Remove(s.f.Name())
}

// SeriesRowGroup is the number of float32 values per list column in one row
// group of a series table (64 MiB).
const SeriesRowGroup = 1 << 24

// WriteSeries writes a series table to path: a "node" column and one
// fixed-size-list column per spill (named by names), row groups of about
// SeriesRowGroup values. All spills must hold the same number of samples.
func WriteSeries(path string, names []string, spills []*Spill, meta map[string]string) error {
	n, t := spills[0].n, spills[0].t
	for _, s := range spills {
		if s.n != n || s.t != t {
			return fmt.Errorf("%s: spills disagree on shape", path)
		}
	}
	rowsPer := max(1, SeriesRowGroup/max(t, 1))
	proto := seriesColumns(names, nil, make([][]float32, len(names)), t)
	w, err := NewTableWriter(path, proto, meta)
	if err != nil {
		return err
	}
	bufs := make([][]float32, len(spills))
	for lo := 0; lo < n; lo += rowsPer {
		hi := min(lo+rowsPer, n)
		ids := make([]int32, hi-lo)
		for i := range ids {
			ids[i] = int32(lo + i)
		}
		for j, s := range spills {
			bufs[j] = slices.Grow(bufs[j][:0], (hi-lo)*t)[:(hi-lo)*t]
			if err := s.ReadNodes(lo, hi, bufs[j]); err != nil {
				w.Abort()
				return err
			}
		}
		if err := w.Write(seriesColumns(names, ids, bufs, t)); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Close()
}

// WriteSeriesRows writes an in-memory node-major series table: lists[j] holds
// len(nodes)×t values for column names[j].
func WriteSeriesRows(path string, nodes []int32, names []string, lists [][]float32, t int, meta map[string]string) error {
	return WriteTable(path, seriesColumns(names, nodes, lists, t), meta)
}

func seriesColumns(names []string, nodes []int32, lists [][]float32, t int) []Column {
	cols := []Column{{Name: "node", Data: nodes}}
	if nodes == nil {
		cols[0].Data = []int32{}
	}
	for j, name := range names {
		cols = append(cols, Column{Name: name, Data: FloatList{Len: t, Values: lists[j]}})
	}
	return cols
}

// Series is a node-major float32 series: node i's trajectory is
// Values[i*T:(i+1)*T].
type Series struct {
	N, T   int
	Values []float32
}

// ReadSeries reads the series column col of a series table. It accepts this
// project's layout (a fixed-size-list column, rows in node order when a "node"
// column is present) and the reference's layout: one row per node and one
// numeric column per time step, named "0".."T-1".
func ReadSeries(path, col string) (*Series, error) {
	t, err := ReadTable(path)
	if err != nil {
		return nil, err
	}
	defer t.Release()
	if t.Has(col) {
		vals, tl, err := t.FloatList(col)
		if err != nil {
			return nil, err
		}
		if t.Has("node") {
			if err := checkNodeOrder(t); err != nil {
				return nil, err
			}
		}
		return checkFinite(path, &Series{N: t.Rows, T: tl, Values: vals})
	}
	return readWideSeries(t)
}

func checkNodeOrder(t *Table) error {
	ids, err := t.Int64("node")
	if err != nil {
		return err
	}
	for i, id := range ids {
		if id != int64(i) {
			return fmt.Errorf("%s: row %d has node %d; rows must list nodes 0..N-1 in order", t.Path, i, id)
		}
	}
	return nil
}

// readWideSeries reads the reference's N×T layout with columns "0".."T-1".
func readWideSeries(t *Table) (*Series, error) {
	cols := t.Columns()
	for k, c := range cols {
		if c != strconv.Itoa(k) {
			return nil, fmt.Errorf("%s: neither a series list column nor the N×T layout with columns \"0\"..\"T-1\" (column %d is %q)", t.Path, k, c)
		}
	}
	s := &Series{N: t.Rows, T: len(cols), Values: make([]float32, t.Rows*len(cols))}
	for k, c := range cols {
		v, err := t.Float64(c)
		if err != nil {
			return nil, err
		}
		for i, x := range v {
			s.Values[i*s.T+k] = float32(x)
		}
	}
	return checkFinite(t.Path, s)
}

func checkFinite(path string, s *Series) (*Series, error) {
	for i, v := range s.Values {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("%s: node %d, time %d is %v", path, i/s.T, i%s.T, v)
		}
	}
	return s, nil
}
