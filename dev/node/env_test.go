package main

import (
	"context"
	"errors"
	"reflect"
	"testing"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

type fakeObjects struct {
	secrets    map[string]*v1.Secret
	configMaps map[string]*v1.ConfigMap
}

func (f fakeObjects) Secret(_ context.Context, _, name string) (*v1.Secret, error) {
	if s, ok := f.secrets[name]; ok {
		return s, nil
	}
	return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "secrets"}, name)
}

func (f fakeObjects) ConfigMap(_ context.Context, _, name string) (*v1.ConfigMap, error) {
	if m, ok := f.configMaps[name]; ok {
		return m, nil
	}
	return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "configmaps"}, name)
}

func (f fakeObjects) Token(_ context.Context, pod *v1.Pod, audience string, _ int64) (string, error) {
	return "token-of-" + pod.Name + "-for-" + audience, nil
}

var objects = fakeObjects{
	secrets:    map[string]*v1.Secret{"creds": {Data: map[string][]byte{"password": []byte("s3cret"), "user": []byte("bob"), "bad key": []byte("x")}}},
	configMaps: map[string]*v1.ConfigMap{"settings": {Data: map[string]string{"MODE": "fast", "LEVEL": "3"}}},
}

func testPod(c v1.Container) *v1.Pod {
	return &v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p1", Namespace: "ns1", UID: "uid-1", Labels: map[string]string{"app": "x"}},
		Spec:       v1.PodSpec{NodeName: "exec-1", ServiceAccountName: "sa", Containers: []v1.Container{c}},
	}
}

var pc = podEnvContext{nodeName: "exec-1", podIP: "127.0.0.1", hostIP: "127.0.0.1",
	allocatable: v1.ResourceList{v1.ResourceCPU: resource.MustParse("8"), v1.ResourceMemory: resource.MustParse("16Gi")}}

func optional() *bool { t := true; return &t }

func TestContainerEnv(t *testing.T) {
	c := v1.Container{
		Name: "main",
		EnvFrom: []v1.EnvFromSource{
			{ConfigMapRef: &v1.ConfigMapEnvSource{LocalObjectReference: v1.LocalObjectReference{Name: "settings"}}},
			{Prefix: "DB_", SecretRef: &v1.SecretEnvSource{LocalObjectReference: v1.LocalObjectReference{Name: "creds"}}},
			{ConfigMapRef: &v1.ConfigMapEnvSource{LocalObjectReference: v1.LocalObjectReference{Name: "absent"}, Optional: optional()}},
		},
		Env: []v1.EnvVar{
			{Name: "GREETING", Value: "hello"},
			{Name: "MSG", Value: "$(GREETING) from $(POD) in $(MODE), $$(GREETING) $(NOPE)"},
			{Name: "POD", ValueFrom: &v1.EnvVarSource{FieldRef: &v1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
			{Name: "NS", ValueFrom: &v1.EnvVarSource{FieldRef: &v1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}},
			{Name: "UID", ValueFrom: &v1.EnvVarSource{FieldRef: &v1.ObjectFieldSelector{FieldPath: "metadata.uid"}}},
			{Name: "NODE", ValueFrom: &v1.EnvVarSource{FieldRef: &v1.ObjectFieldSelector{FieldPath: "spec.nodeName"}}},
			{Name: "SA", ValueFrom: &v1.EnvVarSource{FieldRef: &v1.ObjectFieldSelector{FieldPath: "spec.serviceAccountName"}}},
			{Name: "POD_IP", ValueFrom: &v1.EnvVarSource{FieldRef: &v1.ObjectFieldSelector{FieldPath: "status.podIP"}}},
			{Name: "HOST_IP", ValueFrom: &v1.EnvVarSource{FieldRef: &v1.ObjectFieldSelector{FieldPath: "status.hostIP"}}},
			{Name: "APP", ValueFrom: &v1.EnvVarSource{FieldRef: &v1.ObjectFieldSelector{FieldPath: "metadata.labels['app']"}}},
			{Name: "PASSWORD", ValueFrom: &v1.EnvVarSource{SecretKeyRef: &v1.SecretKeySelector{LocalObjectReference: v1.LocalObjectReference{Name: "creds"}, Key: "password"}}},
			{Name: "OPT", ValueFrom: &v1.EnvVarSource{SecretKeyRef: &v1.SecretKeySelector{LocalObjectReference: v1.LocalObjectReference{Name: "creds"}, Key: "absent", Optional: optional()}}},
			{Name: "LEVEL2", ValueFrom: &v1.EnvVarSource{ConfigMapKeyRef: &v1.ConfigMapKeySelector{LocalObjectReference: v1.LocalObjectReference{Name: "settings"}, Key: "LEVEL"}}},
			{Name: "MEM", ValueFrom: &v1.EnvVarSource{ResourceFieldRef: &v1.ResourceFieldSelector{Resource: "limits.memory", Divisor: resource.MustParse("1Mi")}}},
			{Name: "CPU", ValueFrom: &v1.EnvVarSource{ResourceFieldRef: &v1.ResourceFieldSelector{Resource: "requests.cpu"}}},
		},
		Resources: v1.ResourceRequirements{
			Limits:   v1.ResourceList{v1.ResourceMemory: resource.MustParse("64Mi")},
			Requests: v1.ResourceList{v1.ResourceCPU: resource.MustParse("250m")},
		},
	}
	pod := testPod(c)
	base := newEnvList()
	base.set("KUBERNETES_SERVICE_HOST", "127.0.0.1")
	env, err := containerEnv(context.Background(), pod, &pod.Spec.Containers[0], objects, pc, base)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"KUBERNETES_SERVICE_HOST=127.0.0.1",
		"LEVEL=3", "MODE=fast", "DB_password=s3cret", "DB_user=bob",
		"GREETING=hello",
		"MSG=hello from $(POD) in fast, $(GREETING) $(NOPE)", // POD is defined later: not expanded
		"POD=p1", "NS=ns1", "UID=uid-1", "NODE=exec-1", "SA=sa", "POD_IP=127.0.0.1", "HOST_IP=127.0.0.1", "APP=x",
		"PASSWORD=s3cret", "LEVEL2=3", "MEM=64", "CPU=1",
	}
	if got := env.environ(); !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
}

func TestMissingSecretIsAConfigError(t *testing.T) {
	for _, e := range []v1.EnvVar{
		{Name: "X", ValueFrom: &v1.EnvVarSource{SecretKeyRef: &v1.SecretKeySelector{LocalObjectReference: v1.LocalObjectReference{Name: "absent"}, Key: "k"}}},
		{Name: "X", ValueFrom: &v1.EnvVarSource{SecretKeyRef: &v1.SecretKeySelector{LocalObjectReference: v1.LocalObjectReference{Name: "creds"}, Key: "absent"}}},
		{Name: "X", ValueFrom: &v1.EnvVarSource{ConfigMapKeyRef: &v1.ConfigMapKeySelector{LocalObjectReference: v1.LocalObjectReference{Name: "absent"}, Key: "k"}}},
	} {
		pod := testPod(v1.Container{Name: "c", Env: []v1.EnvVar{e}})
		_, err := containerEnv(context.Background(), pod, &pod.Spec.Containers[0], objects, pc, nil)
		var ce *configError
		if !errors.As(err, &ce) {
			t.Errorf("%+v: %v", e.ValueFrom, err)
		}
	}
	// optional secret that does not exist: the variable is left out
	pod := testPod(v1.Container{Name: "c", Env: []v1.EnvVar{{Name: "X", ValueFrom: &v1.EnvVarSource{SecretKeyRef: &v1.SecretKeySelector{
		LocalObjectReference: v1.LocalObjectReference{Name: "absent"}, Key: "k", Optional: optional()}}}}})
	env, err := containerEnv(context.Background(), pod, &pod.Spec.Containers[0], objects, pc, nil)
	if err != nil || len(env.names) != 0 {
		t.Fatalf("%v %v", env.environ(), err)
	}
}

func TestResourceFieldRefDefaultsToAllocatable(t *testing.T) {
	pod := testPod(v1.Container{Name: "c"})
	v, err := resourceValue(pod, &pod.Spec.Containers[0], &v1.ResourceFieldSelector{Resource: "limits.cpu"}, pc)
	if err != nil || v != "8" {
		t.Fatalf("%s %v", v, err)
	}
	v, err = resourceValue(pod, &pod.Spec.Containers[0], &v1.ResourceFieldSelector{Resource: "limits.cpu", Divisor: resource.MustParse("1m")}, pc)
	if err != nil || v != "8000" {
		t.Fatalf("%s %v", v, err)
	}
}
