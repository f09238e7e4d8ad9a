# scripts/ports.sh — free TCP ports for the processes a script starts itself. Sourced.
# Ports are picked below the kernel's ephemeral range (net.ipv4.ip_local_port_range): a port inside it can be taken at
# any moment by an outgoing connection (the hosts make many), and a server that binds it then fails to start.
#   port_taken PORT   true when something answers on 127.0.0.1:PORT
#   port_base         a random port to start looking from, between 20000 and the ephemeral range
#   free_port         the first port from port_base on that nothing answers on
# shellcheck shell=bash
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_base() {
  local ephemeral=32768
  read -r ephemeral _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  # Room for the ports a run takes after the first; a kernel whose range starts below 21000 leaves no safe span.
  local span=$((ephemeral - 20000 - 200))
  ((span >= 100)) || span=10000
  echo $((20000 + RANDOM % span))
}
free_port() { local port; port="$(port_base)"; while port_taken "$port"; do port=$((port + 1)); done; echo "$port"; }
