package policy

// Test hooks: load a different set of policy files, and read the real ones.
var (
	NewFromFS = newFromFS
	PolicyFS  = policyFS
)
