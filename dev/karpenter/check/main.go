// Command check is an offline check of dev/karpenter, without a cluster: it parses
// instance-types.json with the KWOK provider's own code, validates nodepools.yaml against the CRDs
// dev/build-karpenter.sh extracts (OpenAPI schema, defaults and CEL rules, as the API server
// would), lists the instance types each NodePool can launch (Karpenter's own requirement and
// offering checks), and checks that the Pods of each ComputePool of examples/yaml/compute-pools.yaml
// (nodeSelector, tolerations) can get exactly one NodePool, with an instance type that holds the
// pool's maxTaskResources. It exits 1 on any problem.
//
//	cd dev/karpenter/check && GOTOOLCHAIN=go1.27.3 go run .
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apiext "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/api/resource"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"

	kwokcp "sigs.k8s.io/karpenter/kwok/cloudprovider"
	kwokopts "sigs.k8s.io/karpenter/kwok/options"
	v1 "sigs.k8s.io/karpenter/pkg/apis/v1"
	"sigs.k8s.io/karpenter/pkg/cloudprovider"
	"sigs.k8s.io/karpenter/pkg/scheduling"
)

func must(err error) {
	if err != nil {
		fmt.Println("ERROR:", err)
		os.Exit(1)
	}
}

func docs(path string) []map[string]interface{} {
	b, err := os.ReadFile(path)
	must(err)
	var out []map[string]interface{}
	for _, d := range strings.Split("\n"+string(b), "\n---") {
		var m map[string]interface{}
		must(yaml.Unmarshal([]byte(d), &m))
		if m != nil {
			out = append(out, m)
		}
	}
	return out
}

type crdv struct {
	ss  *structuralschema.Structural
	sv  validation.SchemaValidator
	cel *cel.Validator
}

func loadCRDs(dir string) map[string]crdv {
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	out := map[string]crdv{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		must(err)
		crd := &apiextv1.CustomResourceDefinition{}
		must(yaml.UnmarshalStrict(b, crd))
		for _, v := range crd.Spec.Versions {
			internal := &apiext.JSONSchemaProps{}
			must(apiextv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.Schema.OpenAPIV3Schema, internal, nil))
			ss, err := structuralschema.NewStructural(internal)
			must(err)
			sv, _, err := validation.NewSchemaValidator(internal)
			must(err)
			out[crd.Spec.Group+"/"+v.Name+"/"+crd.Spec.Names.Kind] = crdv{ss, sv, cel.NewValidator(ss, true, celconfig.PerCallLimit)}
		}
	}
	return out
}

func main() {
	cache := os.Getenv("STRATOFLOW_CACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "stratoflow")
	}
	version := os.Getenv("KARPENTER_VERSION")
	if version == "" {
		version = "v1.15.0"
	}
	itFile := flag.String("instance-types", "../instance-types.json", "the KWOK provider's instance types")
	npFile := flag.String("nodepools", "../nodepools.yaml", "NodePools and KWOKNodeClasses")
	crdDirFlag := flag.String("crds", filepath.Join(cache, "karpenter", version, "crds"), "the CRDs (dev/build-karpenter.sh)")
	poolsFile := flag.String("compute-pools", "../../../examples/yaml/compute-pools.yaml", "the ComputePools")
	flag.Parse()
	crdDir := *crdDirFlag
	if files, _ := filepath.Glob(filepath.Join(crdDir, "*.yaml")); len(files) == 0 {
		must(fmt.Errorf("no CRDs in %s: run dev/build-karpenter.sh first", crdDir))
	}
	ctx := kwokopts.ToContext(context.Background(), &kwokopts.Options{InstanceTypesFilePath: *itFile})
	its, err := kwokcp.ConstructInstanceTypes(ctx)
	must(err)
	fmt.Printf("%d instance types parsed\n", len(its))
	for _, it := range its {
		a := it.Allocatable()
		fmt.Printf("  %-18s offerings %d  allocatable cpu %s memory %s gpu %s\n", it.Name, len(it.Offerings.Available()), a.Cpu(), a.Memory(), a.Name("nvidia.com/gpu", resource.DecimalSI))
	}

	crds := loadCRDs(crdDir)
	failed := 0
	var pools []*v1.NodePool
	for _, d := range docs(*npFile) {
		kind := d["kind"].(string)
		key := d["apiVersion"].(string) + "/" + kind
		c, ok := crds[key]
		if !ok {
			fmt.Println("ERROR: no CRD for", key)
			failed++
			continue
		}
		defaulting.Default(d, c.ss)
		errs := validation.ValidateCustomResource(nil, d, c.sv)
		celErrs, _ := c.cel.Validate(context.Background(), nil, c.ss, d, nil, celconfig.RuntimeCELCostBudget)
		errs = append(errs, celErrs...)
		name := d["metadata"].(map[string]interface{})["name"]
		if len(errs) > 0 {
			fmt.Printf("INVALID %s %s: %v\n", kind, name, errs.ToAggregate())
			failed++
		} else {
			fmt.Printf("valid   %s %s (schema and CEL rules)\n", kind, name)
		}
		if kind == "NodePool" {
			b, _ := yaml.Marshal(d)
			np := &v1.NodePool{}
			must(yaml.UnmarshalStrict(b, np))
			pools = append(pools, np)
		}
	}

	// which instance types each NodePool can launch
	npReqs := map[string]scheduling.Requirements{}
	npTypes := map[string][]*cloudprovider.InstanceType{}
	for _, np := range pools {
		reqs := scheduling.NewNodeSelectorRequirementsWithMinValues(np.Spec.Template.Spec.Requirements...)
		reqs.Add(scheduling.NewLabelRequirements(np.Spec.Template.Labels).Values()...)
		npReqs[np.Name] = reqs
		var names []string
		for _, it := range its {
			if it.Requirements.Intersects(reqs) == nil && len(it.Offerings.Available().Compatible(reqs)) > 0 {
				npTypes[np.Name] = append(npTypes[np.Name], it)
				names = append(names, it.Name)
			}
		}
		fmt.Printf("NodePool %-8s -> %s\n", np.Name, strings.Join(names, " "))
		if len(names) == 0 {
			failed++
		}
	}

	// which NodePools a Pod of each ComputePool can get (nodeSelector + tolerations), and
	// whether a task of maxTaskResources fits one of their types
	for _, cp := range docs(*poolsFile) {
		spec := cp["spec"].(map[string]interface{})
		name := cp["metadata"].(map[string]interface{})["name"].(string)
		sel := map[string]string{}
		for k, v := range spec["nodeSelector"].(map[string]interface{}) {
			sel[k] = v.(string)
		}
		var tols []corev1.Toleration
		if t, ok := spec["tolerations"]; ok {
			b, _ := yaml.Marshal(t)
			must(yaml.Unmarshal(b, &tols))
		}
		podReqs := scheduling.NewLabelRequirements(sel)
		var got []string
		for _, np := range pools {
			if npReqs[np.Name].Compatible(podReqs, scheduling.AllowUndefinedWellKnownLabels) != nil {
				continue
			}
			if err := scheduling.Taints(np.Spec.Template.Spec.Taints).ToleratesPod(&corev1.Pod{Spec: corev1.PodSpec{Tolerations: tols}}); err != nil {
				continue
			}
			got = append(got, np.Name)
		}
		sort.Strings(got)
		max := spec["maxTaskResources"].(map[string]interface{})
		fits := "n/a"
		if len(got) == 1 {
			fits = "NO"
			for _, it := range npTypes[got[0]] {
				a := it.Allocatable()
				mc, mm := resource.MustParse(fmt.Sprint(max["cpu"])), resource.MustParse(fmt.Sprint(max["memory"]))
				ok := mc.Cmp(*a.Cpu()) <= 0 && mm.Cmp(*a.Memory()) <= 0
				if g, has := max["gpu"]; has {
					q := a.Name("nvidia.com/gpu", resource.DecimalSI)
					mg := resource.MustParse(fmt.Sprint(g))
					ok = ok && mg.Cmp(*q) <= 0
				}
				if ok {
					fits = "yes (" + it.Name + ")"
					break
				}
			}
		}
		fmt.Printf("ComputePool %-8s %v -> NodePools %v; max task fits: %s\n", name, sel, got, fits)
		if len(got) != 1 || fits == "NO" {
			failed++
		}
	}
	fmt.Printf("%d problems\n", failed)
	if failed > 0 {
		os.Exit(1)
	}
}
