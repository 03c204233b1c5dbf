{{/* The chart's name, for labels. */}}
{{- define "agentgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's base name for every object. */}}
{{- define "agentgate.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "agentgate.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "agentgate.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "agentgate.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "agentgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one component (gateway or worker): pass (list $ "gateway"). */}}
{{- define "agentgate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "agentgate.name" (index . 0) }}
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "agentgate.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The Secret every pod reads: the chart's own, or secrets.existingSecret. */}}
{{- define "agentgate.secretName" -}}
{{- .Values.secrets.existingSecret | default (include "agentgate.fullname" .) }}
{{- end }}

{{/* REDIS_URL from redis.*: redis[s]://[:password@]host:port/db */}}
{{- define "agentgate.redisUrl" -}}
{{- $r := .Values.redis -}}
{{- printf "%s://%s%s:%v/%v" (ternary "rediss" "redis" $r.tls) (ternary "" (printf ":%s@" ($r.password | urlquery)) (empty $r.password)) $r.host $r.port $r.db -}}
{{- end }}

{{/* Jobs one worker replica should carry; 0 means WORKER_CONCURRENCY. */}}
{{- define "agentgate.jobsPerReplica" -}}
{{- .Values.worker.keda.jobsPerReplica | default .Values.worker.concurrency | int -}}
{{- end }}

{{/* SHUTDOWN_TIMEOUT_MS of a worker: the drain plus the time to hand the rest back. */}}
{{- define "agentgate.workerShutdownMs" -}}
{{- add .Values.worker.drainMs .Values.worker.handBackMs | int -}}
{{- end }}

{{/* Pod spec parts both roles share. */}}
{{- define "agentgate.podCommon" -}}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Environment both roles share: the ConfigMap, then the Secret. */}}
{{- define "agentgate.envFrom" -}}
envFrom:
  - configMapRef:
      name: {{ include "agentgate.fullname" . }}
  - secretRef:
      name: {{ include "agentgate.secretName" . }}
{{- end }}
