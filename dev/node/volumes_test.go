package main

import (
	"context"
	"testing"

	v1 "k8s.io/api/core/v1"
)

func TestProjectedServiceAccountVolume(t *testing.T) {
	exp := int64(3607)
	mode := int32(0o644)
	vol := v1.Volume{Name: "kube-api-access-x", VolumeSource: v1.VolumeSource{Projected: &v1.ProjectedVolumeSource{
		DefaultMode: &mode,
		Sources: []v1.VolumeProjection{
			{ServiceAccountToken: &v1.ServiceAccountTokenProjection{ExpirationSeconds: &exp, Path: "token"}},
			{ConfigMap: &v1.ConfigMapProjection{LocalObjectReference: v1.LocalObjectReference{Name: "settings"},
				Items: []v1.KeyToPath{{Key: "MODE", Path: "mode.txt"}}}},
			{DownwardAPI: &v1.DownwardAPIProjection{Items: []v1.DownwardAPIVolumeFile{
				{Path: "namespace", FieldRef: &v1.ObjectFieldSelector{FieldPath: "metadata.namespace"}},
				{Path: "labels", FieldRef: &v1.ObjectFieldSelector{FieldPath: "metadata.labels"}},
			}}},
		}}}}
	pod := testPod(v1.Container{Name: "c"})
	pod.Labels = map[string]string{"b": "2", "a": "1"}
	files, err := volumeFiles(context.Background(), objects, pod, &vol, config{nodeName: "exec-1"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"token": "token-of-p1-for-", "mode.txt": "fast", "namespace": "ns1", "labels": "a=\"1\"\nb=\"2\""}
	if len(files) != len(want) {
		t.Fatalf("%v", files)
	}
	for k, v := range want {
		if string(files[k].data) != v || files[k].mode != 0o644 {
			t.Errorf("%s: %q %o", k, files[k].data, files[k].mode)
		}
	}
}

func TestSecretVolumeItemsAndOptional(t *testing.T) {
	m := int32(0o400)
	vol := v1.Volume{Name: "s", VolumeSource: v1.VolumeSource{Secret: &v1.SecretVolumeSource{SecretName: "creds",
		Items: []v1.KeyToPath{{Key: "password", Path: "db/pw", Mode: &m}}}}}
	files, err := volumeFiles(context.Background(), objects, testPod(v1.Container{}), &vol, config{})
	if err != nil || string(files["db/pw"].data) != "s3cret" || files["db/pw"].mode != 0o400 || len(files) != 1 {
		t.Fatalf("%v %v", files, err)
	}
	opt := true
	vol = v1.Volume{Name: "s", VolumeSource: v1.VolumeSource{Secret: &v1.SecretVolumeSource{SecretName: "absent", Optional: &opt}}}
	if files, err := volumeFiles(context.Background(), objects, testPod(v1.Container{}), &vol, config{}); err != nil || len(files) != 0 {
		t.Fatalf("%v %v", files, err)
	}
	vol.Secret.Optional = nil
	if _, err := volumeFiles(context.Background(), objects, testPod(v1.Container{}), &vol, config{}); err == nil {
		t.Fatal("a missing Secret must be an error")
	}
}
