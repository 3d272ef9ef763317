package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// sample returns a checkpoint with float32 and float64 tensors and blobs.
func sample(step int) *Checkpoint {
	rng := rand.New(rand.NewPCG(uint64(step), 1))
	w := make([]float32, 6*70000) // several scratch chunks
	for i := range w {
		w[i] = rng.Float32() - 0.5
	}
	w[0], w[1] = float32(math.Inf(-1)), float32(math.NaN())
	b := []float64{1, -2.5, math.Pi, math.SmallestNonzeroFloat64}
	return &Checkpoint{
		Fingerprint: "fp-1",
		ConfigJSON:  `{"train":{"model":{"width":64,"depth":7},"lr":2e-5},"seed":1}`,
		Step:        step,
		Weights:     []Tensor{NewTensor("enc.w", []int{6, 70000}, w), NewTensor("enc.b", []int{4}, b), NewTensor("scalar", []int{}, []float32{3})},
		OptM:        []Tensor{NewTensor("enc.w", []int{2, 3}, []float32{1, 2, 3, 4, 5, 6})},
		OptV:        []Tensor{NewTensor("enc.w", []int{0, 3}, []float32{})},
		OptCount:    step + 1,
		Blobs:       map[string][]byte{"rng": {1, 2, 3}, "sampler": []byte("roots=52"), "empty": {}},
	}
}

// small returns sample(3) with a small weight tensor.
func small() *Checkpoint {
	ck := sample(3)
	ck.Weights[0] = NewTensor("enc.w", []int{3, 5}, make([]float32, 15))
	return ck
}

// encoded returns the file bytes of ck.
func encoded(t testing.TB, ck *Checkpoint) []byte {
	var buf bytes.Buffer
	if err := encode(&buf, ck); err != nil {
		t.Fatal(err)
	}
	if int64(buf.Len()) != encodedSize(ck) {
		t.Fatalf("wrote %d bytes, encodedSize says %d", buf.Len(), encodedSize(ck))
	}
	return buf.Bytes()
}

func decodeBytes(b []byte) (*Checkpoint, error) {
	return decode(bytes.NewReader(b), int64(len(b)))
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	ck := sample(1000)
	path, err := Write(dir, ck, 2)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "step-000001000.ckpt" {
		t.Errorf("path %s", path)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !equalCk(got, ck) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", summary(got), summary(ck))
	}
	w := Data[float32](Find(got.Weights, "enc.w"))
	if w[1] == w[1] || w[0] != float32(math.Inf(-1)) {
		t.Errorf("NaN/Inf not preserved: %v %v", w[0], w[1])
	}
	if d := Data[float64](Find(got.Weights, "enc.w")); d[2] != float64(w[2]) {
		t.Errorf("Data[float64] of float32 tensor: %v", d[2])
	}
}

// equalCk compares checkpoints bit for bit (NaN equal to itself).
func equalCk(a, b *Checkpoint) bool {
	if a.Fingerprint != b.Fingerprint || a.ConfigJSON != b.ConfigJSON || a.Step != b.Step ||
		a.OptCount != b.OptCount || !reflect.DeepEqual(a.Blobs, b.Blobs) {
		return false
	}
	ga, gb := a.groups(), b.groups()
	for i := range ga {
		if !equalTensors(*ga[i].ts, *gb[i].ts) {
			return false
		}
	}
	return true
}

func equalTensors(a, b []Tensor) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Name != y.Name || x.DType != y.DType || !reflect.DeepEqual(append([]int{}, x.Shape...), append([]int{}, y.Shape...)) ||
			len(x.F32) != len(y.F32) || len(x.F64) != len(y.F64) {
			return false
		}
		for j := range x.F32 {
			if math.Float32bits(x.F32[j]) != math.Float32bits(y.F32[j]) {
				return false
			}
		}
		for j := range x.F64 {
			if math.Float64bits(x.F64[j]) != math.Float64bits(y.F64[j]) {
				return false
			}
		}
	}
	return true
}

func summary(ck *Checkpoint) string {
	var s strings.Builder
	for _, g := range ck.groups() {
		for _, t := range *g.ts {
			s.WriteString(g.name + "/" + t.Name + " " + t.DType.String() + " ")
		}
	}
	return s.String()
}

func TestCorruptFilesRejected(t *testing.T) {
	good := encoded(t, sample(5))
	flip := func(i int) []byte { b := bytes.Clone(good); b[i] ^= 0x40; return b }
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"truncated":       {good[:len(good)-1000], "truncated"},
		"truncated short": {good[:20], "too short"},
		"empty":           {nil, "too short"},
		"wrong magic":     {append([]byte("NOTACKPT"), good[8:]...), "bad magic"},
		"wrong version":   {flip(8), "unsupported checkpoint version"},
		"flipped data":    {flip(len(good) / 2), "checksum mismatch"},
		"flipped length":  {flip(headerLen + 4), "checksum mismatch"},
		"flipped trailer": {flip(len(good) - 1), "checksum mismatch"},
		"appended":        {append(bytes.Clone(good), 0), "header says"},
	} {
		_, err := decodeBytes(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, c.want)
		}
	}
}

func TestLatestFallsBack(t *testing.T) {
	for _, damage := range []string{"truncate", "flip", "magic"} {
		dir := t.TempDir()
		for _, step := range []int{100, 200} {
			if _, err := Write(dir, sample(step), 3); err != nil {
				t.Fatal(err)
			}
		}
		newest := filepath.Join(dir, FileName(200))
		damageFile(t, newest, damage)
		var warnings []string
		ck, path, err := Latest(dir, func(s string) { warnings = append(warnings, s) })
		if err != nil || ck == nil || ck.Step != 100 || path != filepath.Join(dir, FileName(100)) {
			t.Fatalf("%s: Latest = %v, %q, %v; want step 100", damage, ck != nil, path, err)
		}
		if len(warnings) != 1 || !strings.Contains(warnings[0], "checkpoint "+newest+" is corrupt (") ||
			!strings.Contains(warnings[0], "falling back to "+path) {
			t.Errorf("%s: warnings %q", damage, warnings)
		}
		t.Logf("%s: %s", damage, warnings[0])
	}
}

func damageFile(t *testing.T, path, how string) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	switch how {
	case "truncate":
		b = b[:len(b)/2]
	case "flip":
		b[len(b)/3] ^= 1
	case "magic":
		copy(b, "BADMAGIC")
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLatestNoneReadable(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(dir, sample(1), 2); err != nil {
		t.Fatal(err)
	}
	damageFile(t, filepath.Join(dir, FileName(1)), "flip")
	ck, _, err := Latest(dir, nil)
	if ck != nil || err == nil || !strings.Contains(err.Error(), FileName(1)) || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("Latest = %v, %v; want an error naming the file and the reason", ck != nil, err)
	}
}

func TestLatestEmpty(t *testing.T) {
	for _, dir := range []string{filepath.Join(t.TempDir(), "missing"), t.TempDir()} {
		ck, path, err := Latest(dir, nil)
		if ck != nil || path != "" || err != nil {
			t.Errorf("%s: Latest = %v, %q, %v; want nil, \"\", nil", dir, ck, path, err)
		}
	}
}

func TestWriteKeepsNewest(t *testing.T) {
	dir := t.TempDir()
	for _, step := range []int{1000, 2000, 3000, 4000} {
		if _, err := Write(dir, sample(step), 2); err != nil {
			t.Fatal(err)
		}
	}
	if got := names(t, dir); !reflect.DeepEqual(got, []string{"step-000003000.ckpt", "step-000004000.ckpt"}) {
		t.Errorf("files after keep=2: %v", got)
	}
	// Writing an older step (a resume from a fallback) never deletes it.
	if _, err := Write(dir, sample(500), 2); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); !reflect.DeepEqual(got, []string{"step-000000500.ckpt", "step-000004000.ckpt"}) {
		t.Errorf("files after writing step 500: %v", got)
	}
	if _, err := Write(dir, sample(1), 1); err == nil {
		t.Error("keep=1 accepted")
	}
}

func names(t *testing.T, dir string) []string {
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		out = append(out, de.Name())
	}
	return out
}

func TestTempLeftoversIgnored(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(dir, sample(10), 2); err != nil {
		t.Fatal(err)
	}
	good := encoded(t, sample(20))
	tmp := filepath.Join(dir, ".step-000000020.ckpt.tmp-12345")
	if err := os.WriteFile(tmp, good[:len(good)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	ck, _, err := Latest(dir, func(s string) { warnings = append(warnings, s) })
	if err != nil || ck == nil || ck.Step != 10 || len(warnings) != 0 {
		t.Fatalf("Latest = %v, %v, warnings %q", ck, err, warnings)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("temporary file not removed: %v", err)
	}
}

func TestWriteRejectsBadTensors(t *testing.T) {
	for name, ten := range map[string]Tensor{
		"length":    NewTensor("w", []int{2, 2}, []float32{1, 2, 3}),
		"negative":  NewTensor("w", []int{-1}, []float32{}),
		"dtype":     {Name: "w", Shape: []int{1}, F32: []float32{1}},
		"both":      {Name: "w", Shape: []int{1}, DType: Float32, F32: []float32{1}, F64: []float64{1}},
		"duplicate": NewTensor("enc.b", []int{1}, []float64{1}),
	} {
		ck := sample(1)
		ck.Weights = append(ck.Weights, ten)
		if _, err := Write(t.TempDir(), ck, 2); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestCompatible(t *testing.T) {
	ck := sample(1)
	if err := ck.Compatible("fp-1", "{}"); err != nil {
		t.Errorf("same fingerprint: %v", err)
	}
	err := ck.Compatible("fp-2", `{"train":{"model":{"width":128,"depth":7.0},"lr":2e-5,"steps":10},"seed":"1"}`)
	want := `checkpoint from a different config: seed 1 ≠ "1", train.model.width 64 ≠ 128, train.steps (absent) ≠ 10`
	if err == nil || err.Error() != want {
		t.Errorf("mismatch:\n got %v\nwant %s", err, want)
	}
	if err := ck.Compatible("fp-2", ck.ConfigJSON); err == nil || !strings.Contains(err.Error(), "fp-1 ≠ fp-2") {
		t.Errorf("same JSON, other fingerprint: %v", err)
	}
	if err := ck.Compatible("fp-2", "not json"); err == nil || !strings.Contains(err.Error(), "cannot compare") {
		t.Errorf("bad JSON: %v", err)
	}
}

// TestRandomPrefixesNeverPanic feeds prefixes, byte flips and garbage to the
// reader: each must fail with an error (or, for the whole file, succeed).
func TestRandomPrefixesNeverPanic(t *testing.T) {
	good := encoded(t, small())
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range len(good) {
		if _, err := decodeBytes(good[:n]); err == nil {
			t.Fatalf("prefix of %d bytes accepted", n)
		}
	}
	for range 3000 {
		b := bytes.Clone(good)
		for range 1 + rng.IntN(4) {
			b[rng.IntN(len(b))] = byte(rng.Uint32())
		}
		if bytes.Equal(b, good) {
			continue
		}
		if _, err := decodeBytes(b[:rng.IntN(len(b)+1)]); err == nil {
			t.Fatal("corrupted file accepted")
		}
	}
	for range 1000 {
		b := make([]byte, rng.IntN(200))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		if rng.IntN(2) == 0 && len(b) >= 8 {
			copy(b, magic)
		}
		if _, err := decodeBytes(b); err == nil {
			t.Fatal("garbage accepted")
		}
	}
}

// reseal rewrites the header's size and the trailer so that b passes the
// integrity checks and reaches the parser.
func reseal(b []byte) []byte {
	if len(b) < headerLen+trailerLen {
		return b
	}
	le.PutUint64(b[16:], uint64(len(b)))
	sum := sha256.Sum256(b[:len(b)-trailerLen])
	copy(b[len(b)-trailerLen:], sum[:])
	return b
}

// TestAbsurdLengthsRejected gives the parser files with a valid checksum
// whose lengths claim far more data than the file holds: it must fail
// without allocating more than a small multiple of the file.
func TestAbsurdLengthsRejected(t *testing.T) {
	ck := &Checkpoint{Fingerprint: "f", ConfigJSON: "{}", Weights: []Tensor{NewTensor("w", []int{2, 3}, make([]float64, 6))}}
	good := encoded(t, ck)
	meta := headerLen + sectionHdr
	fpLen := meta + 16
	grp := meta + int(metaLen(ck))
	grpLen := grp + 4
	tens := grp + sectionHdr + int(strLen(len("weights")))
	count := tens
	name := tens + 8
	ndim := name + int(strLen(1)) + 1
	dim0 := ndim + 4
	for what, c := range map[string]struct {
		at   int
		v    uint64
		want string
	}{
		"fingerprint length": {fpLen, 1 << 60, "fingerprint: length"},
		"section length":     {grpLen, 1 << 62, "section TGRP: length"},
		"tensor count":       {count, 1 << 40, "group weights: length"},
		"rank":               {ndim, 1 << 30, "rank"},
		"dimension":          {dim0, 1 << 40, "exceed"},
		"huge dimension":     {dim0, 1 << 63, "bad dimension"},
	} {
		b := bytes.Clone(good)
		if what == "rank" {
			le.PutUint32(b[c.at:], uint32(c.v))
		} else {
			le.PutUint64(b[c.at:], c.v)
		}
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		_, err := decodeBytes(reseal(b))
		runtime.ReadMemStats(&ms1)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", what, err, c.want)
		}
		t.Logf("%s: %v", what, err)
		if alloc := ms1.TotalAlloc - ms0.TotalAlloc; alloc > 1<<20 {
			t.Errorf("%s: allocated %d bytes for a %d-byte file", what, alloc, len(b))
		}
	}
}

func TestResealedCorruptionNeverPanics(t *testing.T) {
	good := encoded(t, small())
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		b := bytes.Clone(good[:rng.IntN(len(good)+1)])
		for range 1 + rng.IntN(3) {
			if len(b) > 0 {
				b[rng.IntN(len(b))] = byte(rng.Uint32())
			}
		}
		_, _ = decodeBytes(reseal(b))
	}
}

// FuzzDecode checks that no input, as is or resealed, makes the reader panic (run with go test -fuzz FuzzDecode).
func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	if err := encode(&buf, small()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = decodeBytes(b)
		_, _ = decodeBytes(reseal(bytes.Clone(b))) // past the checksum, into the parser
	})
}

// BenchmarkWriteRead writes (with fsync) and reads back a checkpoint of 16M
// float32 weights plus both moments (192 MB).
func BenchmarkWriteRead(b *testing.B) {
	const n = 1 << 24
	ck := &Checkpoint{Fingerprint: "f", ConfigJSON: "{}"}
	for _, g := range ck.groups() {
		*g.ts = []Tensor{NewTensor("w", []int{n}, make([]float32, n))}
	}
	dir := b.TempDir()
	for b.Loop() {
		path, err := Write(dir, ck, 2)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Read(path); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(encodedSize(ck))*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
}
