{{/*
Chart name, truncated to the 63 characters of a label value.
*/}}
{{- define "stratoflow.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Prefix of every resource name: the release name, with the chart name added unless the
release name already contains it.
*/}}
{{- define "stratoflow.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of the operator's Deployment, ServiceAccount, roles and bindings.
*/}}
{{- define "stratoflow.operatorName" -}}
{{- printf "%s-operator" (include "stratoflow.fullname" .) }}
{{- end }}

{{- define "stratoflow.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels of every object the chart creates.
*/}}
{{- define "stratoflow.labels" -}}
helm.sh/chart: {{ include "stratoflow.chart" . }}
{{ include "stratoflow.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: stratoflow
{{- end }}

{{/*
Labels that select the operator's Pods (immutable once installed: keep them few).
*/}}
{{- define "stratoflow.selectorLabels" -}}
app.kubernetes.io/name: {{ include "stratoflow.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "stratoflow.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "stratoflow.operatorName" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "stratoflow.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
Value of STRATOFLOW_WATCH_NAMESPACES: the namespaces joined by commas, or the operator SDK's
"every namespace" when the list is empty.
*/}}
{{- define "stratoflow.watchNamespaces" -}}
{{- if .Values.watchNamespaces }}
{{- join "," .Values.watchNamespaces }}
{{- else }}
{{- "JOSDK_ALL_NAMESPACES" }}
{{- end }}
{{- end }}

{{/*
Namespaces that get the task ServiceAccount: the release namespace, the watched namespaces
and taskServiceAccount.extraNamespaces, each once.
*/}}
{{- define "stratoflow.taskNamespaces" -}}
{{- $all := concat (list .Release.Namespace) .Values.watchNamespaces .Values.taskServiceAccount.extraNamespaces | uniq }}
{{- join "," $all }}
{{- end }}

{{/*
Resources of a ComputePool (maxTaskResources, quota): quantities as strings, gpu as an integer.
*/}}
{{- define "stratoflow.poolResources" -}}
{{- range $key := list "cpu" "memory" "ephemeralStorage" }}
{{- if hasKey $ $key }}
{{ $key }}: {{ index $ $key | toString | quote }}
{{- end }}
{{- end }}
{{- if hasKey . "gpu" }}
gpu: {{ int .gpu }}
{{- end }}
{{- end }}
