# scripts/hosts.sh — the API and the worker as ./sagafiles up, bench/end-to-end.sh and scripts/aws-smoke.sh run them:
# published ReadyToRun (precompiled, dependencies included; docs/adr/0010), framework-dependent, one folder each,
# as in the container images. Sourced, after setting $root to the repository: the one place that knows the folders.
#   hosts_api_dir, hosts_worker_dir   the published API and worker (content root: each folder has its appsettings.json)
#   publish_hosts LOG                 publishes both (Release), output appended to LOG; returns non-zero on failure.
#                                     Incremental: seconds when nothing changed, only changed assemblies are recompiled.
# The tests run the Debug build instead (tools/SagaFiles.DevStack/HostProcess.cs), and never call this.
# shellcheck shell=bash disable=SC2034,SC2154 # the folders are for the sourcing script, $root comes from it
hosts_dir="$root/artifacts/hosts"
hosts_api_dir="$hosts_dir/SagaFiles.Api"
hosts_worker_dir="$hosts_dir/SagaFiles.Worker"

publish_hosts() {
  local log="$1" project
  for project in SagaFiles.Api SagaFiles.Worker; do
    # PublishReadyToRun comes from the project file, the runtime identifier from the SDK's platform.
    (cd "$root" && dotnet publish "src/$project" -c Release -o "$hosts_dir/$project" -nologo -v q -clp:NoSummary) \
      >>"$log" 2>&1 </dev/null || return 1
  done
}
