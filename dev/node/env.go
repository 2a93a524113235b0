package main

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
)

// objectSource reads the Secrets and ConfigMaps that env and envFrom refer to.
type objectSource interface {
	Secret(ctx context.Context, namespace, name string) (*v1.Secret, error)
	ConfigMap(ctx context.Context, namespace, name string) (*v1.ConfigMap, error)
	Token(ctx context.Context, pod *v1.Pod, audience string, expirationSeconds int64) (string, error)
}

// configError is a container configuration problem the kubelet reports as
// waiting/CreateContainerConfigError (a missing Secret, key...). The node retries.
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

func configErrorf(format string, args ...any) error {
	return &configError{fmt.Sprintf(format, args...)}
}

// podEnvContext is what fieldRef and resourceFieldRef read besides the Pod itself.
type podEnvContext struct {
	nodeName    string
	podIP       string
	hostIP      string
	allocatable v1.ResourceList
}

// containerEnv makes a container's environment as the kubelet does: envFrom sources in order,
// then env entries in order, each value with $(VAR) expanded from the entries before it.
// It does not include the image's env (the runtime puts that below).
func containerEnv(ctx context.Context, pod *v1.Pod, c *v1.Container, src objectSource, pc podEnvContext, base *envList) (*envList, error) {
	env := newEnvList()
	if base != nil {
		for _, n := range base.names {
			env.set(n, base.values[n])
		}
	}
	ns := pod.Namespace
	secrets := map[string]*v1.Secret{}
	configMaps := map[string]*v1.ConfigMap{}
	getSecret := func(name string, optional bool) (*v1.Secret, error) {
		if s, ok := secrets[name]; ok {
			return s, nil
		}
		s, err := src.Secret(ctx, ns, name)
		if apierrors.IsNotFound(err) {
			if optional {
				return nil, nil
			}
			return nil, configErrorf("secret %q not found", name)
		}
		if err != nil {
			return nil, configErrorf("cannot read secret %q: %v", name, err)
		}
		secrets[name] = s
		return s, nil
	}
	getConfigMap := func(name string, optional bool) (*v1.ConfigMap, error) {
		if m, ok := configMaps[name]; ok {
			return m, nil
		}
		m, err := src.ConfigMap(ctx, ns, name)
		if apierrors.IsNotFound(err) {
			if optional {
				return nil, nil
			}
			return nil, configErrorf("configmap %q not found", name)
		}
		if err != nil {
			return nil, configErrorf("cannot read configmap %q: %v", name, err)
		}
		configMaps[name] = m
		return m, nil
	}

	for _, from := range c.EnvFrom {
		switch {
		case from.ConfigMapRef != nil:
			m, err := getConfigMap(from.ConfigMapRef.Name, from.ConfigMapRef.Optional != nil && *from.ConfigMapRef.Optional)
			if err != nil {
				return nil, err
			}
			if m != nil {
				for _, k := range sortedKeys(m.Data) {
					if validEnvName(from.Prefix + k) {
						env.set(from.Prefix+k, m.Data[k])
					}
				}
			}
		case from.SecretRef != nil:
			s, err := getSecret(from.SecretRef.Name, from.SecretRef.Optional != nil && *from.SecretRef.Optional)
			if err != nil {
				return nil, err
			}
			if s != nil {
				for _, k := range sortedKeys(s.Data) {
					if validEnvName(from.Prefix + k) {
						env.set(from.Prefix+k, string(s.Data[k]))
					}
				}
			}
		}
	}

	for _, e := range c.Env {
		if e.ValueFrom == nil {
			env.set(e.Name, expandRefs(e.Value, env.get))
			continue
		}
		vf := e.ValueFrom
		switch {
		case vf.FieldRef != nil:
			v, err := fieldValue(pod, vf.FieldRef.FieldPath, pc)
			if err != nil {
				return nil, err
			}
			env.set(e.Name, v)
		case vf.ResourceFieldRef != nil:
			v, err := resourceValue(pod, c, vf.ResourceFieldRef, pc)
			if err != nil {
				return nil, err
			}
			env.set(e.Name, v)
		case vf.SecretKeyRef != nil:
			ref := vf.SecretKeyRef
			optional := ref.Optional != nil && *ref.Optional
			s, err := getSecret(ref.Name, optional)
			if err != nil {
				return nil, err
			}
			if s == nil {
				continue
			}
			v, ok := s.Data[ref.Key]
			if !ok {
				if optional {
					continue
				}
				return nil, configErrorf("couldn't find key %s in Secret %s/%s", ref.Key, ns, ref.Name)
			}
			env.set(e.Name, string(v))
		case vf.ConfigMapKeyRef != nil:
			ref := vf.ConfigMapKeyRef
			optional := ref.Optional != nil && *ref.Optional
			m, err := getConfigMap(ref.Name, optional)
			if err != nil {
				return nil, err
			}
			if m == nil {
				continue
			}
			v, ok := m.Data[ref.Key]
			if !ok {
				if optional {
					continue
				}
				return nil, configErrorf("couldn't find key %s in ConfigMap %s/%s", ref.Key, ns, ref.Name)
			}
			env.set(e.Name, v)
		}
	}
	return env, nil
}

// fieldValue resolves a downward-API fieldRef.
func fieldValue(pod *v1.Pod, path string, pc podEnvContext) (string, error) {
	if key, ok := subscript(path, "metadata.labels"); ok {
		return pod.Labels[key], nil
	}
	if key, ok := subscript(path, "metadata.annotations"); ok {
		return pod.Annotations[key], nil
	}
	switch path {
	case "metadata.name":
		return pod.Name, nil
	case "metadata.namespace":
		return pod.Namespace, nil
	case "metadata.uid":
		return string(pod.UID), nil
	case "spec.nodeName":
		return pc.nodeName, nil
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, nil
	case "status.podIP", "status.podIPs":
		return pc.podIP, nil
	case "status.hostIP", "status.hostIPs":
		return pc.hostIP, nil
	}
	return "", configErrorf("unsupported fieldRef fieldPath %q", path)
}

// subscript parses prefix['key'].
func subscript(path, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(path, prefix+"[")
	if !ok || !strings.HasSuffix(rest, "]") {
		return "", false
	}
	rest = strings.TrimSuffix(rest, "]")
	if len(rest) >= 2 && (rest[0] == '\'' || rest[0] == '"') && rest[len(rest)-1] == rest[0] {
		return rest[1 : len(rest)-1], true
	}
	return "", false
}

// resourceValue resolves a resourceFieldRef: a limit or request divided by the divisor,
// rounded up; an unset limit is the node's allocatable amount, as in the kubelet.
func resourceValue(pod *v1.Pod, self *v1.Container, ref *v1.ResourceFieldSelector, pc podEnvContext) (string, error) {
	c := self
	if ref.ContainerName != "" {
		c = nil
		for i := range pod.Spec.Containers {
			if pod.Spec.Containers[i].Name == ref.ContainerName {
				c = &pod.Spec.Containers[i]
			}
		}
		for i := range pod.Spec.InitContainers {
			if pod.Spec.InitContainers[i].Name == ref.ContainerName {
				c = &pod.Spec.InitContainers[i]
			}
		}
		if c == nil {
			return "", configErrorf("resourceFieldRef: no container %q", ref.ContainerName)
		}
	}
	if c == nil {
		return "", configErrorf("resourceFieldRef %s: no container named", ref.Resource)
	}
	kind, name, ok := strings.Cut(ref.Resource, ".")
	if !ok || (kind != "limits" && kind != "requests") {
		return "", configErrorf("unsupported resourceFieldRef resource %q", ref.Resource)
	}
	rn := v1.ResourceName(name)
	var q resource.Quantity
	var found bool
	if kind == "limits" {
		q, found = c.Resources.Limits[rn]
	} else {
		q, found = c.Resources.Requests[rn]
		if !found {
			q, found = c.Resources.Limits[rn]
		}
	}
	if !found {
		if kind == "limits" {
			q, found = pc.allocatable[rn]
		}
		if !found {
			return "0", nil
		}
	}
	divisor := ref.Divisor
	if divisor.IsZero() {
		divisor = resource.MustParse("1")
	}
	if rn == v1.ResourceCPU {
		return fmt.Sprint(int64(math.Ceil(float64(q.MilliValue()) / float64(divisor.MilliValue())))), nil
	}
	return fmt.Sprint(int64(math.Ceil(float64(q.Value()) / float64(divisor.Value())))), nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
