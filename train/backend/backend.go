// Package backend chooses the BLAS under Gorgonia's tensors: OpenBLAS
// through cgo when the binary is built with the openblas tag (the Makefile
// sets it when libopenblas is installed), gonum's pure-Go BLAS otherwise.
// Importing the package is enough to make the choice.
package backend

// Name is the BLAS in use: "openblas" or "go".
func Name() string { return name }

// SetThreads fixes OpenBLAS's thread count. Its products split work by the
// thread count, so results are bit-reproducible only for a fixed count; the
// pure-Go BLAS partitions work independently of the cores and ignores it.
func SetThreads(n int) {
	if setThreads != nil && n > 0 {
		setThreads(n)
	}
}

var (
	name       = "go"
	setThreads func(int)
)
