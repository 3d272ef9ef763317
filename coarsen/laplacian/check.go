package laplacian

// Check returns o with its zero fields defaulted, or an error listing every
// invalid field, so that callers can validate configuration before any work.
func (o Options) Check() (Options, error) { return o.withDefaults() }
