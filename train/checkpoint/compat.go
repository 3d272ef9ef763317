package checkpoint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// maxDiffs bounds the differences listed by Compatible.
const maxDiffs = 20

// Compatible returns nil when the checkpoint was written under the given
// config fingerprint; otherwise an error listing the differing keys of the
// two configs, flattened to dotted paths, as "checkpoint from a different
// config: train.model.width 64 ≠ 128, …" (checkpoint value first; a key
// missing on one side shows as (absent)).
func (ck *Checkpoint) Compatible(fingerprint, configJSON string) error {
	if ck.Fingerprint == fingerprint {
		return nil
	}
	diffs, err := diffJSON(ck.ConfigJSON, configJSON)
	switch {
	case err != nil:
		return fmt.Errorf("checkpoint from a different config (fingerprint %s ≠ %s; cannot compare the configs: %v)",
			ck.Fingerprint, fingerprint, err)
	case len(diffs) == 0:
		return fmt.Errorf("checkpoint from a different config: fingerprint %s ≠ %s, though the config JSON matches",
			ck.Fingerprint, fingerprint)
	case len(diffs) > maxDiffs:
		diffs = append(diffs[:maxDiffs], fmt.Sprintf("and %d more", len(diffs)-maxDiffs))
	}
	return fmt.Errorf("checkpoint from a different config: %s", strings.Join(diffs, ", "))
}

// diffJSON returns "key a ≠ b" for every flattened key whose values differ
// between the JSON objects a and b, in key order.
func diffJSON(a, b string) ([]string, error) {
	fa, err := flatJSON(a)
	if err != nil {
		return nil, fmt.Errorf("checkpoint config: %w", err)
	}
	fb, err := flatJSON(b)
	if err != nil {
		return nil, fmt.Errorf("current config: %w", err)
	}
	keys := slices.Sorted(maps.Keys(fa))
	for k := range fb {
		if _, ok := fa[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var diffs []string
	for _, k := range keys {
		va, oka := fa[k]
		vb, okb := fb[k]
		if oka && okb && sameValue(va, vb) {
			continue
		}
		diffs = append(diffs, fmt.Sprintf("%s %s ≠ %s", k, orAbsent(va, oka), orAbsent(vb, okb)))
	}
	return diffs, nil
}

// orAbsent returns v, or "(absent)" when the key is missing.
func orAbsent(v string, ok bool) string {
	if !ok {
		return "(absent)"
	}
	return v
}

// sameValue compares two leaf texts, numbers by value (64 = 64.0).
func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	return errA == nil && errB == nil && x == y
}

// flatJSON decodes a JSON object into dotted key paths → compact JSON text
// of each leaf (arrays and empty objects are leaves).
func flatJSON(s string) (map[string]string, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	out := map[string]string{}
	flatten("", obj, out)
	return out, nil
}

// flatten adds the leaves of v under prefix to out.
func flatten(prefix string, v any, out map[string]string) {
	if m, ok := v.(map[string]any); ok && len(m) > 0 {
		for k, x := range m {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			flatten(key, x, out)
		}
		return
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // decoded JSON always re-encodes
	out[prefix] = strings.TrimSpace(b.String())
}
