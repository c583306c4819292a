{{/* Chart name, overridable. */}}
{{- define "outage-alerts.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's objects. Kept to 52 characters so that "-ingestion" and "-delivery" still fit the
63-character limit of names and labels.
*/}}
{{- define "outage-alerts.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "outage-alerts.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "outage-alerts.selectorLabels" -}}
app.kubernetes.io/name: {{ include "outage-alerts.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "outage-alerts.labels" -}}
helm.sh/chart: {{ include "outage-alerts.chart" . }}
{{ include "outage-alerts.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: outage-alerts
{{- end }}

{{/* Labels of one role's objects; call with (dict "root" $ "role" "ingestion"). */}}
{{- define "outage-alerts.roleLabels" -}}
{{ include "outage-alerts.labels" .root }}
app.kubernetes.io/component: {{ .role }}
{{- end }}

{{- define "outage-alerts.roleSelectorLabels" -}}
{{ include "outage-alerts.selectorLabels" .root }}
app.kubernetes.io/component: {{ .role }}
{{- end }}

{{- define "outage-alerts.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "outage-alerts.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "outage-alerts.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* Where the chart's configuration file is mounted: the environment's appsettings file next to the binary. */}}
{{- define "outage-alerts.appsettingsPath" -}}
{{- printf "/app/appsettings.%s.json" .Values.environment }}
{{- end }}

{{/*
The appsettings file both roles read. Keys are PascalCase like the README's; .NET binds them case-insensitively,
so feed and subscription entries are passed through as written in values. Webhook secrets are left out here and
given to the delivery role as environment variables from their Secrets.
*/}}
{{- define "outage-alerts.appsettings" -}}
{{- $subscriptions := list }}
{{- range .Values.subscriptions }}
{{- $subscriptions = append $subscriptions (omit . "secretRef") }}
{{- end }}
{{- $app := dict
  "Transport" "RabbitMq"
  "Store" (dict "Provider" .Values.store.provider)
  "RabbitMq" (dict "PrefetchCount" .Values.rabbitmq.prefetchCount "QuorumQueues" .Values.rabbitmq.quorumQueues)
  "Feeds" .Values.feeds
  "Subscriptions" $subscriptions
  "Webhooks" (dict "AllowPrivateTargets" .Values.webhooks.allowPrivateTargets)
  "Sms" (dict "Provider" .Values.sms.provider "BaseUrl" .Values.sms.baseUrl) }}
{{- if .Values.sms.from }}
{{- $_ := set $app.Sms "From" .Values.sms.from }}
{{- end }}
{{- if .Values.smtp.host }}
{{- $smtp := dict "Host" .Values.smtp.host "Port" .Values.smtp.port "UseTls" .Values.smtp.useTls }}
{{- if .Values.smtp.from }}
{{- $_ := set $smtp "From" .Values.smtp.from }}
{{- end }}
{{- $_ := set $app "Smtp" $smtp }}
{{- end }}
{{- if .Values.rabbitmq.hosts }}
{{- $_ := set $app.RabbitMq "Hosts" .Values.rabbitmq.hosts }}
{{- end }}
{{- $scheduler := dict "CheckinInterval" .Values.ingestion.scheduler.checkinInterval "CheckinMisfireThreshold" .Values.ingestion.scheduler.checkinMisfireThreshold "MaxConcurrency" .Values.ingestion.scheduler.maxConcurrency }}
{{- if not (kindIs "invalid" .Values.ingestion.scheduler.clustered) }}
{{- $_ := set $scheduler "Clustered" .Values.ingestion.scheduler.clustered }}
{{- end }}
{{- $_ := set $app "Ingestion" (dict "Scheduler" $scheduler) }}
{{- $channels := dict }}
{{- range $queue, $limits := .Values.delivery.channels }}
{{- $set := dict }}
{{- if not (kindIs "invalid" $limits.prefetchCount) }}
{{- $_ := set $set "PrefetchCount" $limits.prefetchCount }}
{{- end }}
{{- if not (kindIs "invalid" $limits.concurrentMessageLimit) }}
{{- $_ := set $set "ConcurrentMessageLimit" $limits.concurrentMessageLimit }}
{{- end }}
{{- if $set }}
{{- $_ := set $channels (title $queue) $set }}
{{- end }}
{{- end }}
{{- if $channels }}
{{- $_ := set $app "Delivery" (dict "Channels" $channels) }}
{{- end }}
{{- $merged := mergeOverwrite (deepCopy .Values.settings) $app }}
{{- /* Scopes carry TraceId and SpanId: every log line can be joined to its trace. */}}
{{- $console := dict "FormatterName" .Values.logging.format "FormatterOptions" (dict "IncludeScopes" true "UseUtcTimestamp" true) }}
{{- $logging := dict "LogLevel" (dict "Default" .Values.logging.level) "Console" $console }}
{{- dict "OutageAlerts" $merged "Logging" $logging | toPrettyJson }}
{{- end }}

{{/* Environment variable from a key of an existing Secret. */}}
{{- define "outage-alerts.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret | quote }}
      key: {{ .key | quote }}
{{- end }}

{{/*
One role's Deployment; call with (dict "root" $ "role" "ingestion"|"delivery"). Both roles run the same image
with the same configuration file; only `run --role`, the replica count and the delivery credentials differ.
*/}}
{{- define "outage-alerts.deployment" -}}
{{- $root := .root }}
{{- $name := .role }}
{{- $role := index $root.Values $name }}
{{- $autoscaled := and (eq $name "delivery") $root.Values.delivery.autoscaling.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "outage-alerts.fullname" $root }}-{{ $name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "outage-alerts.roleLabels" (dict "root" $root "role" $name) | nindent 4 }}
spec:
  {{- if not $autoscaled }}
  replicas: {{ $role.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "outage-alerts.roleSelectorLabels" (dict "root" $root "role" $name) | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "outage-alerts.roleSelectorLabels" (dict "root" $root "role" $name) | nindent 8 }}
        {{- with $root.Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        # A changed ConfigMap rolls the pods: the configuration file is read at start.
        checksum/config: {{ include "outage-alerts.appsettings" $root | sha256sum }}
        {{- with $root.Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- with $role.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "outage-alerts.serviceAccountName" $root }}
      automountServiceAccountToken: {{ $root.Values.serviceAccount.automountServiceAccountToken }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
      containers:
        - name: {{ $name }}
          image: {{ include "outage-alerts.image" $root | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args:
            - run
            - --role
            - {{ $name }}
          ports:
            - name: http
              containerPort: {{ $root.Values.containerPort }}
              protocol: TCP
          env:
            - name: DOTNET_ENVIRONMENT
              value: {{ $root.Values.environment | quote }}
            - name: ASPNETCORE_HTTP_PORTS
              value: {{ $root.Values.containerPort | quote }}
            {{- include "outage-alerts.secretEnv" (dict "name" "ConnectionStrings__RabbitMq" "secret" (required "rabbitmq.existingSecret is required: the roles talk over RabbitMQ" $root.Values.rabbitmq.existingSecret) "key" $root.Values.rabbitmq.existingSecretKey) | nindent 12 }}
            {{- if eq $root.Values.store.provider "Postgres" }}
            {{- include "outage-alerts.secretEnv" (dict "name" "ConnectionStrings__OutageAlerts" "secret" (required "store.existingSecret is required when store.provider is Postgres" $root.Values.store.existingSecret) "key" $root.Values.store.existingSecretKey) | nindent 12 }}
            {{- end }}
            {{- if eq $name "delivery" }}
            {{- if $root.Values.smtp.existingSecret }}
            {{- include "outage-alerts.secretEnv" (dict "name" "OutageAlerts__Smtp__UserName" "secret" $root.Values.smtp.existingSecret "key" $root.Values.smtp.userNameKey) | nindent 12 }}
            {{- include "outage-alerts.secretEnv" (dict "name" "OutageAlerts__Smtp__Password" "secret" $root.Values.smtp.existingSecret "key" $root.Values.smtp.passwordKey) | nindent 12 }}
            {{- end }}
            {{- if $root.Values.sms.existingSecret }}
            {{- include "outage-alerts.secretEnv" (dict "name" "OutageAlerts__Sms__AccountSid" "secret" $root.Values.sms.existingSecret "key" $root.Values.sms.accountSidKey) | nindent 12 }}
            {{- include "outage-alerts.secretEnv" (dict "name" "OutageAlerts__Sms__AuthToken" "secret" $root.Values.sms.existingSecret "key" $root.Values.sms.authTokenKey) | nindent 12 }}
            {{- end }}
            {{- range $index, $subscription := $root.Values.subscriptions }}
            {{- with $subscription.secretRef }}
            {{- include "outage-alerts.secretEnv" (dict "name" (printf "OutageAlerts__Subscriptions__%d__Secret" $index) "secret" .name "key" .key) | nindent 12 }}
            {{- end }}
            {{- end }}
            {{- end }}
            {{- if $root.Values.otel.endpoint }}
            - name: OTEL_EXPORTER_OTLP_ENDPOINT
              value: {{ $root.Values.otel.endpoint | quote }}
            - name: OTEL_EXPORTER_OTLP_PROTOCOL
              value: {{ $root.Values.otel.protocol | quote }}
            {{- end }}
            - name: K8S_POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: K8S_NAMESPACE_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            - name: K8S_NODE_NAME
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
            - name: OTEL_RESOURCE_ATTRIBUTES
              value: {{ printf "k8s.namespace.name=$(K8S_NAMESPACE_NAME),k8s.pod.name=$(K8S_POD_NAME),k8s.node.name=$(K8S_NODE_NAME),k8s.deployment.name=%s-%s%s" (include "outage-alerts.fullname" $root) $name (ternary (printf ",%s" $root.Values.otel.resourceAttributes) "" (ne $root.Values.otel.resourceAttributes "")) | quote }}
            {{- with $root.Values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
            {{- with $role.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with $root.Values.extraEnvFrom }}
          envFrom:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          startupProbe:
            httpGet:
              path: /health/live
              port: http
            periodSeconds: {{ $root.Values.probes.startup.periodSeconds }}
            timeoutSeconds: {{ $root.Values.probes.startup.timeoutSeconds }}
            failureThreshold: {{ $root.Values.probes.startup.failureThreshold }}
          livenessProbe:
            httpGet:
              path: /health/live
              port: http
            periodSeconds: {{ $root.Values.probes.liveness.periodSeconds }}
            timeoutSeconds: {{ $root.Values.probes.liveness.timeoutSeconds }}
            failureThreshold: {{ $root.Values.probes.liveness.failureThreshold }}
          readinessProbe:
            httpGet:
              path: /health/ready
              port: http
            periodSeconds: {{ $root.Values.probes.readiness.periodSeconds }}
            timeoutSeconds: {{ $root.Values.probes.readiness.timeoutSeconds }}
            failureThreshold: {{ $root.Values.probes.readiness.failureThreshold }}
          resources:
            {{- toYaml $role.resources | nindent 12 }}
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          volumeMounts:
            - name: config
              mountPath: {{ include "outage-alerts.appsettingsPath" $root }}
              subPath: appsettings.json
              readOnly: true
            - name: data
              mountPath: /data
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: config
          configMap:
            name: {{ include "outage-alerts.fullname" $root }}
        - name: data
          {{- if $root.Values.dataVolume.existingClaim }}
          persistentVolumeClaim:
            claimName: {{ $root.Values.dataVolume.existingClaim }}
          {{- else }}
          emptyDir:
            sizeLimit: {{ $root.Values.dataVolume.sizeLimit }}
          {{- end }}
        - name: tmp
          emptyDir:
            medium: Memory
            sizeLimit: 64Mi
      {{- with $role.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $role.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $role.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $role.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
