package checkpoint

// File format, version 1 (all integers little-endian):
//
//	header   "ROMACKPT" | u32 version = 1 | u32 reserved = 0 | u64 file size
//	sections repeated: [4]byte tag | u64 payload length | payload
//	trailer  SHA-256 of every byte before it (32 bytes)
//
// Section payloads (str = u64 length | bytes):
//
//	"META" u64 step | u64 optimizer count | str fingerprint | str config JSON
//	"TGRP" str group ("weights", "opt_m", "opt_v") | u64 count | count × tensor
//	       tensor: str name | u8 dtype (1 float32, 2 float64) | u32 ndim |
//	               ndim × u64 dim | data, product(dims) elements
//	"BLOB" str name | str data
//
// META appears once, each group at most once, blobs in name order. A reader
// skips sections with unknown tags.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
)

const (
	magic      = "ROMACKPT"
	version    = 1
	headerLen  = 8 + 4 + 4 + 8
	trailerLen = sha256.Size
	sectionHdr = 4 + 8
	scratchLen = 1 << 16
)

var le = binary.LittleEndian

// strLen is the encoded size of a string of n bytes.
func strLen(n int) int64 { return 8 + int64(n) }

// tensorLen is the encoded size of a tensor (checked beforehand).
func tensorLen(t *Tensor) int64 {
	return strLen(len(t.Name)) + 1 + 4 + 8*int64(len(t.Shape)) + int64(t.Len()*t.DType.size())
}

// metaLen is the payload size of the META section.
func metaLen(ck *Checkpoint) int64 {
	return 16 + strLen(len(ck.Fingerprint)) + strLen(len(ck.ConfigJSON))
}

// groupLen is the payload size of a TGRP section.
func groupLen(g group) int64 {
	n := strLen(len(g.name)) + 8
	for i := range *g.ts {
		n += tensorLen(&(*g.ts)[i])
	}
	return n
}

// encodedSize is the size of the whole file.
func encodedSize(ck *Checkpoint) int64 {
	n := int64(headerLen+trailerLen) + sectionHdr + metaLen(ck)
	for _, g := range ck.groups() {
		n += sectionHdr + groupLen(g)
	}
	for name, b := range ck.Blobs {
		n += sectionHdr + strLen(len(name)) + strLen(len(b))
	}
	return n
}

// encoder writes little-endian values, remembering the first error.
type encoder struct {
	w   *bufio.Writer
	err error
	buf [scratchLen]byte
}

func (e *encoder) write(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

func (e *encoder) u8(v uint8) { e.write([]byte{v}) }

func (e *encoder) u32(v uint32) { e.write(le.AppendUint32(e.buf[:0], v)) }

func (e *encoder) u64(v uint64) { e.write(le.AppendUint64(e.buf[:0], v)) }

func (e *encoder) str(s string) {
	e.u64(uint64(len(s)))
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

func (e *encoder) section(tag string, n int64) {
	e.write([]byte(tag))
	e.u64(uint64(n))
}

// f32s writes float32 values in chunks of the scratch buffer.
func (e *encoder) f32s(xs []float32) {
	for len(xs) > 0 && e.err == nil {
		k := min(len(xs), scratchLen/4)
		b := e.buf[:0]
		for _, x := range xs[:k] {
			b = le.AppendUint32(b, math.Float32bits(x))
		}
		e.write(b)
		xs = xs[k:]
	}
}

// f64s writes float64 values in chunks of the scratch buffer.
func (e *encoder) f64s(xs []float64) {
	for len(xs) > 0 && e.err == nil {
		k := min(len(xs), scratchLen/8)
		b := e.buf[:0]
		for _, x := range xs[:k] {
			b = le.AppendUint64(b, math.Float64bits(x))
		}
		e.write(b)
		xs = xs[k:]
	}
}

func (e *encoder) tensor(t *Tensor) {
	e.str(t.Name)
	e.u8(uint8(t.DType))
	e.u32(uint32(len(t.Shape)))
	for _, d := range t.Shape {
		e.u64(uint64(d))
	}
	if t.DType == Float32 {
		e.f32s(t.F32)
	} else {
		e.f64s(t.F64)
	}
}

// encode writes ck in the file format to w.
func encode(w io.Writer, ck *Checkpoint) error {
	if err := ck.check(); err != nil {
		return err
	}
	h := sha256.New()
	e := &encoder{w: bufio.NewWriterSize(io.MultiWriter(w, h), 1<<20)}
	e.write([]byte(magic))
	e.u32(version)
	e.u32(0)
	e.u64(uint64(encodedSize(ck)))
	e.section("META", metaLen(ck))
	e.u64(uint64(ck.Step))
	e.u64(uint64(ck.OptCount))
	e.str(ck.Fingerprint)
	e.str(ck.ConfigJSON)
	for _, g := range ck.groups() {
		e.section("TGRP", groupLen(g))
		e.str(g.name)
		e.u64(uint64(len(*g.ts)))
		for i := range *g.ts {
			e.tensor(&(*g.ts)[i])
		}
	}
	for _, name := range slices.Sorted(maps.Keys(ck.Blobs)) {
		e.section("BLOB", strLen(len(name))+strLen(len(ck.Blobs[name])))
		e.str(name)
		e.str(string(ck.Blobs[name]))
	}
	if e.err == nil {
		e.err = e.w.Flush()
	}
	if e.err != nil {
		return e.err
	}
	_, err := w.Write(h.Sum(nil))
	return err
}

// decoder reads little-endian values from the checksummed body, never more
// than left bytes (the rest of the current section or of the body), so that
// no length in a corrupt file makes it read or allocate beyond the file.
type decoder struct {
	r    *bufio.Reader
	left int64
	err  error
	seen map[string]bool // sections and groups read so far
	buf  [scratchLen]byte
}

// fail records the first error.
func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
}

// take reads n bytes into the scratch buffer (n ≤ scratchLen).
func (d *decoder) take(n int, what string) []byte {
	if d.err != nil {
		return nil
	}
	if int64(n) > d.left {
		d.fail("%s: needs %d bytes, %d left", what, n, d.left)
		return nil
	}
	if _, err := io.ReadFull(d.r, d.buf[:n]); err != nil {
		d.fail("%s: %w", what, err)
		return nil
	}
	d.left -= int64(n)
	return d.buf[:n]
}

func (d *decoder) u8(what string) uint8 {
	if b := d.take(1, what); b != nil {
		return b[0]
	}
	return 0
}

func (d *decoder) u32(what string) uint32 {
	if b := d.take(4, what); b != nil {
		return le.Uint32(b)
	}
	return 0
}

func (d *decoder) u64(what string) uint64 {
	if b := d.take(8, what); b != nil {
		return le.Uint64(b)
	}
	return 0
}

// length reads a u64 count of items of size bytes each and checks that they
// fit in what is left.
func (d *decoder) length(size int64, what string) int64 {
	n := d.u64(what + " length")
	if d.err == nil && (n > math.MaxInt64/uint64(size) || int64(n)*size > d.left) {
		d.fail("%s: length %d exceeds the %d bytes left", what, n, d.left)
	}
	if d.err != nil {
		return 0
	}
	return int64(n)
}

// int reads a u64 that must fit an int.
func (d *decoder) int(what string) int {
	v := d.u64(what)
	if v > math.MaxInt {
		d.fail("%s: %d out of range", what, v)
		return 0
	}
	return int(v)
}

// str reads a length-prefixed string.
func (d *decoder) str(what string) string {
	n := d.length(1, what)
	if d.err != nil {
		return ""
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(d.r, b); err != nil {
		d.fail("%s: %w", what, err)
		return ""
	}
	d.left -= n
	return string(b)
}

// f32s reads n float32 values (n·4 already checked against left).
func (d *decoder) f32s(n int64, what string) []float32 {
	out := make([]float32, n)
	for i := int64(0); i < n && d.err == nil; {
		k := min(n-i, scratchLen/4)
		b := d.take(int(4*k), what)
		for j := range k {
			out[i+j] = math.Float32frombits(le.Uint32(b[4*j:]))
		}
		i += k
	}
	return out
}

// f64s reads n float64 values (n·8 already checked against left).
func (d *decoder) f64s(n int64, what string) []float64 {
	out := make([]float64, n)
	for i := int64(0); i < n && d.err == nil; {
		k := min(n-i, scratchLen/8)
		b := d.take(int(8*k), what)
		for j := range k {
			out[i+j] = math.Float64frombits(le.Uint64(b[8*j:]))
		}
		i += k
	}
	return out
}

// errChecksum marks a file whose trailer does not match its contents.
var errChecksum = errors.New("checksum mismatch (file corrupt or truncated)")

// decode reads a checkpoint of size bytes from r. Any error says what is
// wrong; a content error found in a file whose checksum also fails is
// reported as a checksum mismatch.
func decode(r io.Reader, size int64) (*Checkpoint, error) {
	if size < headerLen+trailerLen {
		return nil, fmt.Errorf("too short for a checkpoint (%d bytes)", size)
	}
	h := sha256.New()
	body := io.LimitReader(r, size-trailerLen)
	bufLen := int(min(max(size, 4096), 1<<20))
	d := &decoder{r: bufio.NewReaderSize(io.TeeReader(body, h), bufLen), left: size - trailerLen}
	if err := d.header(size); err != nil {
		return nil, err
	}
	ck := d.sections()
	if !d.seen["META"] {
		d.fail("no META section")
	}
	_, _ = io.Copy(io.Discard, d.r) // hash whatever a failed parse left unread
	var sum [trailerLen]byte
	if _, err := io.ReadFull(r, sum[:]); err != nil {
		return nil, fmt.Errorf("reading checksum: %w", err)
	}
	if !bytes.Equal(sum[:], h.Sum(nil)) {
		if d.err != nil {
			return nil, fmt.Errorf("%w; %v", errChecksum, d.err)
		}
		return nil, errChecksum
	}
	return ck, d.err
}

// header checks magic, version and the recorded file size.
func (d *decoder) header(size int64) error {
	b := d.take(headerLen, "header")
	if d.err != nil {
		return d.err
	}
	if string(b[:8]) != magic {
		return fmt.Errorf("not a checkpoint: bad magic %q", b[:8])
	}
	if v := le.Uint32(b[8:]); v != version {
		return fmt.Errorf("unsupported checkpoint version %d (this build reads %d)", v, version)
	}
	if n := le.Uint64(b[16:]); n != uint64(size) {
		return fmt.Errorf("file is %d bytes, header says %d (truncated or corrupt)", size, n)
	}
	return nil
}

// sections reads the sections up to the trailer.
func (d *decoder) sections() *Checkpoint {
	ck := &Checkpoint{Blobs: map[string][]byte{}}
	d.seen = map[string]bool{}
	for d.left > 0 && d.err == nil {
		tag := string(d.take(4, "section tag"))
		n := d.length(1, "section "+tag)
		if d.err != nil {
			return ck
		}
		outer := d.left - n
		d.left = n
		d.section(ck, tag)
		if d.err == nil && d.left != 0 {
			d.fail("section %s: %d bytes left over", tag, d.left)
		}
		d.left += outer
	}
	return ck
}

// section reads one section's payload into ck.
func (d *decoder) section(ck *Checkpoint, tag string) {
	switch tag {
	case "META":
		if d.seen["META"] {
			d.fail("duplicate META section")
		}
		d.seen["META"] = true
		ck.Step = d.int("step")
		ck.OptCount = d.int("optimizer count")
		ck.Fingerprint = d.str("fingerprint")
		ck.ConfigJSON = d.str("config JSON")
	case "TGRP":
		d.group(ck)
	case "BLOB":
		name := d.str("blob name")
		data := d.str("blob " + name)
		if _, dup := ck.Blobs[name]; dup && d.err == nil {
			d.fail("duplicate blob %q", name)
		}
		ck.Blobs[name] = []byte(data)
	default: // a later version's section: skip it
		if _, err := io.CopyN(io.Discard, d.r, d.left); err != nil {
			d.fail("section %q: %w", tag, err)
		}
		d.left = 0
	}
}

// group reads a TGRP section.
func (d *decoder) group(ck *Checkpoint) {
	name := d.str("group name")
	var dst *[]Tensor
	for _, g := range ck.groups() {
		if g.name == name {
			dst = g.ts
		}
	}
	if d.err == nil && (dst == nil || d.seen["TGRP "+name]) {
		d.fail("unknown or duplicate tensor group %q", name)
	}
	d.seen["TGRP "+name] = true
	const minTensor = 8 + 1 + 4
	n := d.length(minTensor, "group "+name)
	names := map[string]bool{}
	for range n {
		if d.err != nil {
			return
		}
		t := d.tensor(name)
		if names[t.Name] && d.err == nil {
			d.fail("group %s: duplicate tensor %q", name, t.Name)
		}
		names[t.Name] = true
		*dst = append(*dst, t)
	}
}

// tensor reads one tensor of group g.
func (d *decoder) tensor(g string) Tensor {
	t := Tensor{Name: d.str(g + " tensor name")}
	what := fmt.Sprintf("%s tensor %q", g, t.Name)
	t.DType = DType(d.u8(what + " dtype"))
	ndim := int64(d.u32(what + " rank"))
	if d.err == nil && t.DType.size() == 0 {
		d.fail("%s: unknown %v", what, t.DType)
	}
	if d.err == nil && 8*ndim > d.left {
		d.fail("%s: rank %d exceeds the %d bytes left", what, ndim, d.left)
	}
	if d.err != nil {
		return t
	}
	t.Shape = make([]int, ndim)
	for i := range t.Shape {
		v := d.u64(what + " shape")
		if d.err == nil && v > maxElems {
			d.fail("%s: bad dimension %d", what, v)
		}
		t.Shape[i] = int(min(v, maxElems))
	}
	n, err := numel(t.Shape)
	if d.err == nil && err != nil {
		d.fail("%s: %w", what, err)
	}
	if d.err == nil && n*int64(t.DType.size()) > d.left {
		d.fail("%s: %d elements of %v exceed the %d bytes left", what, n, t.DType, d.left)
	}
	if d.err != nil {
		return t
	}
	if t.DType == Float32 {
		t.F32 = d.f32s(n, what)
	} else {
		t.F64 = d.f64s(n, what)
	}
	return t
}
