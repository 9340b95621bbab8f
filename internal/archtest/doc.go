// Package archtest holds only a test: it checks that nlctl's packages
// import each other in the direction docs/architecture.md gives.
package archtest
