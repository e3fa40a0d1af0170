# Sourced by the scripts that start silos on loopback ports (cluster-fault-test, soak-test, shard-memory).
# port_base: a random base for 100 ports (silo BASE+i, gateway +10, gRPC +20, Redis +79), all below the kernel's
# ephemeral range (net.ipv4.ip_local_port_range, 32768 by default), so no outgoing connection can hold one of them
# when a silo is (re)started: the soak's whole-cluster restart once found its gateway port taken (AddressAlreadyInUse)
# with the base drawn up to 59900.
port_base() {
  local low slots
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  slots=$(((low - 20000) / 100))
  [ "$slots" -ge 1 ] || { echo "port_base: the ephemeral range starts at $low, below the 20000 these scripts use" >&2; return 1; }
  echo $((20000 + (RANDOM % slots) * 100))
}
