package main

import (
	"testing"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

func TestExtendedResourcesJoinTheCapacity(t *testing.T) {
	capacity := v1.ResourceList{v1.ResourceCPU: resource.MustParse("8")}
	if err := addExtendedResources(capacity, "nvidia.com/gpu=8, example.com/fpga=2"); err != nil {
		t.Fatal(err)
	}
	if got := capacity["nvidia.com/gpu"]; got.Value() != 8 {
		t.Errorf("nvidia.com/gpu = %v, want 8", got.String())
	}
	if got := capacity["example.com/fpga"]; got.Value() != 2 {
		t.Errorf("example.com/fpga = %v, want 2", got.String())
	}
}

func TestExtendedResourcesRefuseMalformedOrShadowingEntries(t *testing.T) {
	for _, bad := range []string{"nvidia.com/gpu", "=3", "nvidia.com/gpu=lots", "cpu=4"} {
		capacity := v1.ResourceList{v1.ResourceCPU: resource.MustParse("8")}
		if err := addExtendedResources(capacity, bad); err == nil {
			t.Errorf("%q: accepted, want an error", bad)
		}
	}
}
