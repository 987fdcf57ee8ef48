// The vulnerability-database converter is its own module so that the main
// module's go vet, go test and go.mod never see it. Standard library only.
module calibrate/ci/vulndb

go 1.27.3
