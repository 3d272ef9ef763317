package sampler

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
)

// State blob layout, little-endian:
//
//	magic "RSMP" | version u8 | N u64 | BatchSize u32 | test-split hash u64 |
//	roots u64 | have u8 | step i64 | count u32 | count × node id u32
const (
	stateMagic   = "RSMP"
	stateVersion = 1
	stateHeader  = 4 + 1 + 8 + 4 + 8 + 8 + 1 + 8 + 4
)

// hashNodes fingerprints the test split, so that Restore refuses a state saved
// by a sampler over another graph, seed or batch size.
func hashNodes(nodes []int32) uint64 {
	h := fnv.New64a()
	var b [4]byte
	for _, v := range nodes {
		binary.LittleEndian.PutUint32(b[:], uint32(v))
		h.Write(b[:])
	}
	return h.Sum64()
}

// State returns the sampler state a resumed run needs to reproduce the
// batches of an uninterrupted one: the adaptive root count and the current
// training subgraph with the step it was drawn at. Everything else is derived
// from the seed and the step.
func (s *Sampler) State() []byte {
	b := make([]byte, 0, stateHeader+4*len(s.cur))
	b = append(b, stateMagic...)
	b = append(b, stateVersion)
	b = binary.LittleEndian.AppendUint64(b, uint64(s.n))
	b = binary.LittleEndian.AppendUint32(b, uint32(s.opt.BatchSize))
	b = binary.LittleEndian.AppendUint64(b, s.testHash)
	b = binary.LittleEndian.AppendUint64(b, uint64(s.roots))
	var have byte
	nodes := s.cur[:0]
	if s.have {
		have, nodes = 1, s.cur
	}
	b = append(b, have)
	b = binary.LittleEndian.AppendUint64(b, uint64(int64(s.curStep)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(nodes)))
	for _, v := range nodes {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return b
}

// Restore sets the sampler state from a State blob of a sampler built with
// the same graph, BatchSize and seed. It checks the whole blob before
// changing anything, so on error the sampler is unchanged.
func (s *Sampler) Restore(blob []byte) error {
	st, err := s.parseState(blob)
	if err != nil {
		return fmt.Errorf("sampler: bad state: %w", err)
	}
	s.roots = st.roots
	if !st.have {
		s.have, s.cur = false, s.cur[:0]
		return nil
	}
	s.setSubgraph(st.nodes, st.step)
	return nil
}

// savedState is a decoded State blob.
type savedState struct {
	roots int
	have  bool
	step  int
	nodes []int32
}

func (s *Sampler) parseState(b []byte) (savedState, error) {
	var st savedState
	if len(b) < stateHeader {
		return st, fmt.Errorf("%d bytes, shorter than the %d-byte header", len(b), stateHeader)
	}
	if string(b[:4]) != stateMagic {
		return st, fmt.Errorf("magic %q, want %q", b[:4], stateMagic)
	}
	if b[4] != stateVersion {
		return st, fmt.Errorf("version %d, want %d", b[4], stateVersion)
	}
	le := binary.LittleEndian
	n, size, hash := le.Uint64(b[5:]), le.Uint32(b[13:]), le.Uint64(b[17:])
	roots, have, step, count := le.Uint64(b[25:]), b[33], int64(le.Uint64(b[34:])), le.Uint32(b[42:])
	switch {
	case n != uint64(s.n):
		return st, fmt.Errorf("saved for a graph of %d nodes, this one has %d", n, s.n)
	case size != uint32(s.opt.BatchSize):
		return st, fmt.Errorf("saved with BatchSize %d, this sampler has %d", size, s.opt.BatchSize)
	case hash != s.testHash:
		return st, fmt.Errorf("saved with a different test split (another seed or graph)")
	case roots < 1 || roots > uint64(s.train.poolSize()):
		return st, fmt.Errorf("root count %d outside [1, %d]", roots, s.train.poolSize())
	case have > 1:
		return st, fmt.Errorf("subgraph flag %d, want 0 or 1", have)
	case step < 0:
		return st, fmt.Errorf("subgraph step %d is negative", step)
	case have == 0 && count != 0, have == 1 && count != size:
		return st, fmt.Errorf("%d subgraph nodes with flag %d, want %d", count, have, int(have)*int(size))
	case uint64(len(b)) != stateHeader+4*uint64(count):
		return st, fmt.Errorf("%d bytes, want %d for %d nodes", len(b), stateHeader+4*uint64(count), count)
	}
	st.roots, st.have, st.step = int(roots), have == 1, int(step)
	st.nodes = make([]int32, count)
	for i := range st.nodes {
		v := le.Uint32(b[stateHeader+4*i:])
		if v >= uint32(s.n) {
			return st, fmt.Errorf("subgraph node %d is %d, outside [0, %d)", i, v, s.n)
		}
		if !s.opt.LeakRoots && s.isTest[v] {
			return st, fmt.Errorf("subgraph node %d is test node %d (LeakRoots is off)", i, v)
		}
		st.nodes[i] = int32(v)
	}
	if !slices.IsSorted(st.nodes) || len(slices.Compact(slices.Clone(st.nodes))) != len(st.nodes) {
		return st, fmt.Errorf("subgraph nodes are not strictly ascending")
	}
	return st, nil
}
