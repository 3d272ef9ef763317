// Package backend chooses the BLAS under Gorgonia's tensors: OpenBLAS
// through cgo when the binary is built with the openblas tag (the Makefile
// sets it when libopenblas is installed), gonum's pure-Go BLAS otherwise.
// Importing the package is enough to make the choice.
package backend

// Name is the BLAS in use: "openblas" or "go".
func Name() string { return name }

var name = "go"
