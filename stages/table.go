package stages

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Column is one column of a table. Data is one of []int32, []int64,
// []float32, []float64, []string, or a FloatList.
type Column struct {
	Name string
	Data any
}

// FloatList is a column of fixed-size float32 lists: row i is
// Values[i*Len:(i+1)*Len]. Series use it, with time as the list index.
type FloatList struct {
	Len    int
	Values []float32
}

func (c Column) rows() int {
	switch d := c.Data.(type) {
	case []int32:
		return len(d)
	case []int64:
		return len(d)
	case []float32:
		return len(d)
	case []float64:
		return len(d)
	case []string:
		return len(d)
	case FloatList:
		return len(d.Values) / max(d.Len, 1)
	}
	return -1
}

func (c Column) field() (arrow.Field, error) {
	var t arrow.DataType
	switch d := c.Data.(type) {
	case []int32:
		t = arrow.PrimitiveTypes.Int32
	case []int64:
		t = arrow.PrimitiveTypes.Int64
	case []float32:
		t = arrow.PrimitiveTypes.Float32
	case []float64:
		t = arrow.PrimitiveTypes.Float64
	case []string:
		t = arrow.BinaryTypes.String
	case FloatList:
		t = arrow.FixedSizeListOfNonNullable(int32(d.Len), arrow.PrimitiveTypes.Float32)
	default:
		return arrow.Field{}, fmt.Errorf("column %s: unsupported type %T", c.Name, c.Data)
	}
	return arrow.Field{Name: c.Name, Type: t}, nil
}

// array builds the Arrow array holding the column's data.
func (c Column) array(mem memory.Allocator) arrow.Array {
	switch d := c.Data.(type) {
	case []int32:
		b := array.NewInt32Builder(mem)
		defer b.Release()
		b.AppendValues(d, nil)
		return b.NewArray()
	case []int64:
		b := array.NewInt64Builder(mem)
		defer b.Release()
		b.AppendValues(d, nil)
		return b.NewArray()
	case []float32:
		b := array.NewFloat32Builder(mem)
		defer b.Release()
		b.AppendValues(d, nil)
		return b.NewArray()
	case []float64:
		b := array.NewFloat64Builder(mem)
		defer b.Release()
		b.AppendValues(d, nil)
		return b.NewArray()
	case []string:
		b := array.NewStringBuilder(mem)
		defer b.Release()
		b.AppendValues(d, nil)
		return b.NewArray()
	case FloatList:
		b := array.NewFixedSizeListBuilderWithField(mem, int32(d.Len),
			arrow.Field{Name: "element", Type: arrow.PrimitiveTypes.Float32})
		defer b.Release()
		b.AppendValues(make([]bool, len(d.Values)/d.Len))
		b.ValueBuilder().(*array.Float32Builder).AppendValues(d.Values, nil)
		return b.NewArray()
	}
	panic("unreachable: column type checked by field")
}

// TableWriter streams row groups into a Parquet file written atomically:
// the file appears at its path only when Close succeeds.
type TableWriter struct {
	path   string
	f      *os.File
	w      *pqarrow.FileWriter
	schema *arrow.Schema
	mem    memory.Allocator
	rows   int64
}

// writerProps are the Parquet settings of every table: zstd, no dictionary
// (float series do not repeat), statistics on.
func writerProps() *parquet.WriterProperties {
	return parquet.NewWriterProperties(
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithCompressionLevel(1),
		parquet.WithDictionaryDefault(false),
		parquet.WithMaxRowGroupLength(math.MaxInt32),
		parquet.WithStats(true))
}

// NewTableWriter opens a writer for tables whose columns have the names and
// types of proto (its data is not written), with key-value metadata.
func NewTableWriter(path string, proto []Column, meta map[string]string) (*TableWriter, error) {
	fields := make([]arrow.Field, len(proto))
	for i, c := range proto {
		f, err := c.field()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		fields[i] = f
	}
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = meta[k]
	}
	md := arrow.NewMetadata(keys, vals)
	schema := arrow.NewSchema(fields, &md)
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	mem := memory.NewGoAllocator()
	w, err := pqarrow.NewFileWriter(schema, f, writerProps(),
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem)))
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &TableWriter{path: path, f: f, w: w, schema: schema, mem: mem}, nil
}

// Write appends one row group; cols must match the prototype's names and
// types and have equal lengths.
func (t *TableWriter) Write(cols []Column) error {
	if len(cols) != len(t.schema.Fields()) {
		return fmt.Errorf("%s: %d columns given, schema has %d", t.path, len(cols), len(t.schema.Fields()))
	}
	n := cols[0].rows()
	arrs := make([]arrow.Array, len(cols))
	defer func() {
		for _, a := range arrs {
			if a != nil {
				a.Release()
			}
		}
	}()
	for i, c := range cols {
		f, err := c.field()
		if err != nil || f.Name != t.schema.Field(i).Name || !arrow.TypeEqual(f.Type, t.schema.Field(i).Type) {
			return fmt.Errorf("%s: column %d (%s) does not match the schema", t.path, i, c.Name)
		}
		if c.rows() != n {
			return fmt.Errorf("%s: column %s has %d rows, column %s has %d", t.path, c.Name, c.rows(), cols[0].Name, n)
		}
		arrs[i] = c.array(t.mem)
	}
	rec := array.NewRecordBatch(t.schema, arrs, int64(n))
	defer rec.Release()
	if err := t.w.Write(rec); err != nil {
		return fmt.Errorf("%s: %w", t.path, err)
	}
	t.rows += int64(n)
	return nil
}

// Rows is the number of rows written so far.
func (t *TableWriter) Rows() int64 { return t.rows }

// Close finishes the file and moves it into place.
func (t *TableWriter) Close() error {
	err := t.w.Close() // also closes t.f
	if err == nil {
		err = os.Rename(t.f.Name(), t.path)
	}
	if err != nil {
		os.Remove(t.f.Name())
		return fmt.Errorf("%s: %w", t.path, err)
	}
	return nil
}

// Abort discards the file.
func (t *TableWriter) Abort() {
	t.w.Close()
	os.Remove(t.f.Name())
}

// WriteTable writes cols as a one-row-group Parquet file at path, atomically.
func WriteTable(path string, cols []Column, meta map[string]string) error {
	w, err := NewTableWriter(path, cols, meta)
	if err != nil {
		return err
	}
	if err := w.Write(cols); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}

// Table is a Parquet file read into memory.
type Table struct {
	Path string
	Rows int
	Meta map[string]string
	tbl  arrow.Table
}

// ReadTable reads the whole Parquet file at path.
func ReadTable(path string) (*Table, error) {
	mem := memory.NewGoAllocator()
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable Parquet file: %w", path, err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{Parallel: true, BatchSize: 1 << 16}, mem)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t := &Table{Path: path, Rows: int(tbl.NumRows()), Meta: map[string]string{}, tbl: tbl}
	kv := rdr.MetaData().KeyValueMetadata()
	for i, k := range kv.Keys() {
		if k != "ARROW:schema" {
			t.Meta[k] = kv.Values()[i]
		}
	}
	return t, nil
}

// Release frees the table's memory.
func (t *Table) Release() { t.tbl.Release() }

// Columns lists the column names in file order.
func (t *Table) Columns() []string {
	var names []string
	for _, f := range t.tbl.Schema().Fields() {
		names = append(names, f.Name)
	}
	return names
}

// Has reports whether the table has a column called name.
func (t *Table) Has(name string) bool { return len(t.tbl.Schema().FieldIndices(name)) > 0 }

func (t *Table) column(name string) (*arrow.Chunked, error) {
	idx := t.tbl.Schema().FieldIndices(name)
	if len(idx) == 0 {
		return nil, fmt.Errorf("%s: missing column %q (columns: %v)", t.Path, name, t.Columns())
	}
	return t.tbl.Column(idx[0]).Data(), nil
}

// Int64 returns an integer column as int64; nulls are an error.
func (t *Table) Int64(name string) ([]int64, error) {
	ch, err := t.column(name)
	if err != nil {
		return nil, err
	}
	out := make([]int64, 0, t.Rows)
	for _, c := range ch.Chunks() {
		if c.NullN() > 0 {
			return nil, fmt.Errorf("%s: column %q has %d missing values", t.Path, name, c.NullN())
		}
		switch a := c.(type) {
		case *array.Int64:
			out = append(out, a.Int64Values()...)
		case *array.Int32:
			for _, v := range a.Int32Values() {
				out = append(out, int64(v))
			}
		case *array.Uint32:
			for _, v := range a.Uint32Values() {
				out = append(out, int64(v))
			}
		case *array.Uint64:
			for _, v := range a.Uint64Values() {
				out = append(out, int64(v))
			}
		default:
			return nil, fmt.Errorf("%s: column %q has type %s, want an integer", t.Path, name, c.DataType())
		}
	}
	return out, nil
}

// Float64 returns a numeric column as float64; nulls are an error.
func (t *Table) Float64(name string) ([]float64, error) {
	ch, err := t.column(name)
	if err != nil {
		return nil, err
	}
	out := make([]float64, 0, t.Rows)
	for _, c := range ch.Chunks() {
		if c.NullN() > 0 {
			return nil, fmt.Errorf("%s: column %q has %d missing values", t.Path, name, c.NullN())
		}
		switch a := c.(type) {
		case *array.Float64:
			out = append(out, a.Float64Values()...)
		case *array.Float32:
			for _, v := range a.Float32Values() {
				out = append(out, float64(v))
			}
		default:
			ints, err := t.Int64(name)
			if err != nil {
				return nil, fmt.Errorf("%s: column %q has type %s, want a number", t.Path, name, c.DataType())
			}
			out = out[:0]
			for _, v := range ints {
				out = append(out, float64(v))
			}
			return out, nil
		}
	}
	return out, nil
}

// FloatList returns a fixed-size-list column as node-major float32 values and
// the list length.
func (t *Table) FloatList(name string) ([]float32, int, error) {
	ch, err := t.column(name)
	if err != nil {
		return nil, 0, err
	}
	lt, ok := ch.DataType().(*arrow.FixedSizeListType)
	if !ok {
		return nil, 0, fmt.Errorf("%s: column %q has type %s, want a fixed-size list of float32", t.Path, name, ch.DataType())
	}
	n := int(lt.Len())
	out := make([]float32, 0, t.Rows*n)
	for _, c := range ch.Chunks() {
		l := c.(*array.FixedSizeList)
		vals, ok := l.ListValues().(*array.Float32)
		if !ok || l.NullN() > 0 || vals.NullN() > 0 {
			return nil, 0, fmt.Errorf("%s: column %q must hold non-null float32 lists", t.Path, name)
		}
		off := l.Offset() * n
		out = append(out, vals.Float32Values()[off:off+l.Len()*n]...)
	}
	return out, n, nil
}
