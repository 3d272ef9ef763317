//go:build openblas && cgo

package backend

import "testing"

// Built with the openblas tag, the backend must be OpenBLAS.
func TestOpenBLASSelected(t *testing.T) {
	if Name() != "openblas" {
		t.Errorf("built with -tags openblas, the backend is %q", Name())
	}
}
