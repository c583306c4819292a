# syntax=docker/dockerfile:1
#
# OutageAlerts container image: the `outage-alerts` executable on the ASP.NET Core runtime, as a non-root user,
# fit for a read-only root file system. The working directory /data is the one writable place (SQLite store and
# delivery outbox of the embedded default); mount a volume there, and a tmpfs on /tmp when the root is read-only.
#
#   docker build -t outage-alerts .
#   docker run --read-only --tmpfs /tmp -v outage-alerts-data:/data -p 8080:8080 outage-alerts            # all roles
#   docker run ... outage-alerts run --role ingestion                                                      # one role

ARG DOTNET_VERSION=10.0

# ---- build: restore and publish with the SDK, for the architecture of the target image ----
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ARG TARGETARCH
ARG CONFIGURATION=Release
WORKDIR /src

# Project files first: the restore layer is reused until a project or a package version changes.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/OutageAlerts.Contracts/OutageAlerts.Contracts.csproj src/OutageAlerts.Contracts/
COPY src/OutageAlerts.Feeds/OutageAlerts.Feeds.csproj src/OutageAlerts.Feeds/
COPY src/OutageAlerts.Classification/OutageAlerts.Classification.csproj src/OutageAlerts.Classification/
COPY src/OutageAlerts.Storage/OutageAlerts.Storage.csproj src/OutageAlerts.Storage/
COPY src/OutageAlerts.Incidents/OutageAlerts.Incidents.csproj src/OutageAlerts.Incidents/
COPY src/OutageAlerts.Ingestion/OutageAlerts.Ingestion.csproj src/OutageAlerts.Ingestion/
COPY src/OutageAlerts.Delivery/OutageAlerts.Delivery.csproj src/OutageAlerts.Delivery/
COPY src/OutageAlerts.Host/OutageAlerts.Host.csproj src/OutageAlerts.Host/
RUN dotnet restore src/OutageAlerts.Host/OutageAlerts.Host.csproj -a "$TARGETARCH"

COPY src/ src/
RUN dotnet publish src/OutageAlerts.Host/OutageAlerts.Host.csproj \
        -c "$CONFIGURATION" -a "$TARGETARCH" --no-restore --self-contained false \
        -o /app

# ---- runtime: ASP.NET Core runtime only, non-root ----
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime

# APP_UID (1654, user "app") comes with the .NET runtime images. /data must exist and belong to it so that a fresh
# named volume mounted there inherits the ownership.
RUN mkdir -p /data && chown "$APP_UID:$APP_UID" /data && chmod 0750 /data

COPY --from=build --chown=root:root /app /app

# Relative paths in configuration (data/…, file:samples/…) resolve against the working directory, not /app.
WORKDIR /data
VOLUME ["/data"]

ENV DOTNET_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_NOLOGO=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1

EXPOSE 8080

USER $APP_UID

# Liveness of the HTTP endpoint, without curl or wget in the image: bash's /dev/tcp speaks HTTP/1.1 to Kestrel.
# Orchestrators use /health/live and /health/ready directly (see helm/outage-alerts).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "port=${ASPNETCORE_HTTP_PORTS:-8080}; port=${port%%[;,]*}; exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET /health/live HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && IFS= read -r -t 4 status <&3 && [[ $status == 'HTTP/1.1 200'* ]]"]

ENTRYPOINT ["/app/outage-alerts"]
CMD ["run"]
