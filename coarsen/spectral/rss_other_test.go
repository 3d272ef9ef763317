//go:build !unix

package spectral

// maxRSS is not available here.
func maxRSS() int64 { return 0 }

// cpuSeconds is not available here.
func cpuSeconds() float64 { return 0 }
