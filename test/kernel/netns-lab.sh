#!/usr/bin/env bash
# Loads an iptables-save fixture into a real kernel (network namespaces) and reports, for each probe,
# whether the kernel let a connection-opening packet through.
#
#   netns-lab.sh [--ipset NAME=MEMBER,MEMBER...] network-firewall|edge-host FIXTURE PROBES_FILE
#
# PROBES_FILE: one probe per line, "src_ns src_ip dst_ip proto dport [sport]" (proto tcp|udp; '#' comments and
# blank lines are ignored; sport defaults to 40000 + the probe's number). Output, one line per probe:
#
#   probe N src_ns=NS src=IP dst=IP proto=P sport=S dport=D chain=FORWARD|INPUT|OUTPUT in=IF|- out=IF|- kernel=permit|deny|error trace=EVENTS
#
# trace= is what the filter table did to the packet, in order, as the kernel's own rule tracing saw it (`-j TRACE`,
# read with xtables-monitor --trace: iptables-nft only): comma-separated events CHAIN#K:VERDICT for the K-th rule of
# CHAIN (VERDICT ACCEPT, DROP (also REJECT), RETURN, JUMP:TARGET or GOTO:TARGET; rules that only log or count are
# left out) and CHAIN:policy:ACCEPT|DROP when the chain's policy decided. The end of a user chain leaves no event.
# trace=- when this iptables cannot trace (legacy backend, no xtables-monitor); trace=none when nothing was traced.
#
# Topologies (namespaces are named ea-k-<pid>-<role>; each leg is a veth pair, the firewall side named exactly as
# in the fixtures, the host side "up0"):
#   network-firewall  router "fw": eth0 198.51.100.1/24 - inet (198.51.100.7; fw's default route points at it)
#                                  eth1 203.0.113.1/24  - dmz (Access Edge 203.0.113.10, .11; privately 172.16.1.10, .11)
#                                  eth2 10.10.1.1/24    - edgeint (Edge internal 10.10.1.10, .11)
#                                  eth3 10.20.0.1/24    - lan (Front End 10.20.0.5; 10.20.0.0/16 and 10.99.0.0/16 routed there)
#   edge-host         Edge "edge": eth0 203.0.113.10/24 - inet (203.0.113.1, 198.51.100.7; edge's default route)
#                                  eth1 10.10.1.10/24   - lan (10.10.1.1, Front End 10.20.0.5; 10.20.0.0/16, 10.99.0.0/16)
# The fixture is loaded with iptables-restore in the firewall namespace only. A probe whose src_ip is not yet an
# address of src_ns gets it added as a /32 on that namespace's lo (e.g. other Internet sources).
#
# How the verdict is observed: every probe gets its own source port, and counting rules (no target) match exactly
# its 5-tuple:
#   - "arrived": in the firewall namespace, raw PREROUTING (raw OUTPUT when the firewall itself sends), i.e. before
#     the filter table. 0 here means the lab failed to deliver the packet: kernel=error, never a silent deny.
#   - to the firewall itself (INPUT): "passed" in security INPUT of the firewall namespace, which runs after filter
#     INPUT. kernel=permit if it counted the packet, deny if not.
#   - through or from the firewall (FORWARD/OUTPUT): "left" in mangle POSTROUTING of the firewall namespace (after
#     the filter FORWARD/OUTPUT hook) and "delivered" in raw PREROUTING of the namespace behind the egress interface
#     (`ip route get` in the firewall namespace). kernel=permit if both counted it, deny if neither did, and error
#     if only one did (the lab lost the packet between the two, e.g. an unanswered ARP).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
node=${EA_NODE:-node}
hold_ms=${EA_LAB_SETTLE_MS:-150}

usage() { echo "usage: $0 [--ipset NAME=MEMBER,MEMBER...] network-firewall|edge-host FIXTURE PROBES_FILE" >&2; exit 2; }
die() { echo "netns-lab: $*" >&2; exit 1; }

ipsets=()
while [[ ${1:-} == --* ]]; do
  case $1 in
    --ipset) [[ $# -ge 2 ]] || usage; ipsets+=("$2"); shift 2 ;;
    *) usage ;;
  esac
done
[[ $# -eq 3 ]] || usage
kind=$1 fixture=$2 probes_file=$3
[[ -r $fixture ]] || die "cannot read fixture $fixture"
[[ -r $probes_file ]] || die "cannot read probes file $probes_file"
[[ $(id -u) -eq 0 ]] || die "must run as root"
for cmd in ip iptables iptables-save iptables-restore "$node"; do
  command -v "$cmd" >/dev/null || die "$cmd not found"
done
[[ ${#ipsets[@]} -eq 0 ]] || command -v ipset >/dev/null || die "ipset not found"

prefix="ea-k-$$-"
work=$(mktemp -d)
tracing=0
if [[ $(iptables -V) == *nf_tables* ]] && command -v xtables-monitor >/dev/null; then tracing=1; fi

# A process that is gone, or a zombie (its trap will never run).
gone() { local st; st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0; [[ -z $st || $st == Z ]]; }

# Remove this run's namespaces, and those of earlier runs whose process is gone (killed before its trap ran).
cleanup() {
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    [[ $ns =~ ^ea-k-([0-9]+)- ]] || continue
    pid=${BASH_REMATCH[1]}
    if [[ $ns == "$prefix"* ]] || gone "$pid"; then
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
}
monitor=
trap 'if [[ -n $monitor ]]; then kill "$monitor" 2>/dev/null || true; fi; cleanup; rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cleanup

declare -A peer_of   # firewall interface -> host namespace role
declare -A if_of     # host namespace role -> firewall interface
x() { local ns=$1; shift; ip netns exec "$prefix$ns" "$@"; }

# Set a sysctl inside a namespace without needing procps: sysctl_ns NS net/ipv4/ip_forward 1
# shellcheck disable=SC2016  # expanded by the inner bash
sysctl_ns() { ip netns exec "$prefix$1" bash -c 'echo "$2" >"/proc/sys/$1"' _ "$2" "$3"; }

add_ns() {
  ip netns add "$prefix$1"
  ip -n "$prefix$1" link set lo up
  # Kernel defaults in a new namespace, but be explicit: no reverse-path filter, no IPv6 noise (if IPv6 exists).
  sysctl_ns "$1" net/ipv4/conf/all/rp_filter 0
  sysctl_ns "$1" net/ipv4/conf/default/rp_filter 0
  if [[ -d /proc/sys/net/ipv6 ]]; then
    sysctl_ns "$1" net/ipv6/conf/all/disable_ipv6 1
    sysctl_ns "$1" net/ipv6/conf/default/disable_ipv6 1
  fi
}

# leg FW_NS FW_IF FW_ADDR/LEN HOST_NS HOST_ADDR/LEN [HOST_ADDR/LEN...]
leg() {
  local fw=$1 fwif=$2 fwaddr=$3 host=$4; shift 4
  ip -n "$prefix$fw" link add "$fwif" type veth peer name up0 netns "$prefix$host"
  ip -n "$prefix$fw" addr add "$fwaddr" dev "$fwif"
  ip -n "$prefix$fw" link set "$fwif" up
  local a
  for a in "$@"; do ip -n "$prefix$host" addr add "$a" dev up0; done
  ip -n "$prefix$host" link set up0 up
  ip -n "$prefix$host" route add default via "${fwaddr%/*}"
  peer_of[$fwif]=$host
  if_of[$host]=$fwif
}

case $kind in
  network-firewall)
    fw=fw
    for ns in fw inet dmz edgeint lan; do add_ns "$ns"; done
    leg fw eth0 198.51.100.1/24 inet 198.51.100.7/24
    leg fw eth1 203.0.113.1/24 dmz 203.0.113.10/24 203.0.113.11/24
    # nat.rules publishes the Access Edge from private DMZ addresses: the dmz host owns those too.
    ip -n "${prefix}dmz" addr add 172.16.1.10/32 dev up0
    ip -n "${prefix}dmz" addr add 172.16.1.11/32 dev up0
    ip -n "${prefix}fw" route add 172.16.1.0/24 via 203.0.113.10
    leg fw eth2 10.10.1.1/24 edgeint 10.10.1.10/24 10.10.1.11/24
    leg fw eth3 10.20.0.1/24 lan 10.20.0.5/24
    ip -n "${prefix}fw" route add default via 198.51.100.7
    ip -n "${prefix}fw" route add 10.20.0.0/16 via 10.20.0.5
    ip -n "${prefix}fw" route add 10.99.0.0/16 via 10.20.0.5
    sysctl_ns fw net/ipv4/ip_forward 1
    ;;
  edge-host)
    fw=edge
    for ns in edge inet lan; do add_ns "$ns"; done
    # leg() gives the host side a default route via the Edge; inet and lan get that, and the Edge its own routes.
    leg edge eth0 203.0.113.10/24 inet 203.0.113.1/24
    leg edge eth1 10.10.1.10/24 lan 10.10.1.1/24
    ip -n "${prefix}inet" addr add 198.51.100.7/32 dev lo
    ip -n "${prefix}lan" addr add 10.20.0.5/32 dev lo
    ip -n "${prefix}edge" route add default via 203.0.113.1
    ip -n "${prefix}edge" route add 10.20.0.0/16 via 10.10.1.1
    ip -n "${prefix}edge" route add 10.99.0.0/16 via 10.10.1.1
    ;;
  *) usage ;;
esac

for spec in "${ipsets[@]}"; do
  name=${spec%%=*} members=${spec#*=}
  x "$fw" ipset create "$name" hash:net
  IFS=, read -ra ms <<<"$members"
  for m in "${ms[@]}"; do x "$fw" ipset add "$name" "$m"; done
done

x "$fw" iptables-restore <"$fixture" || die "iptables-restore of $fixture failed"

# --- probes -------------------------------------------------------------------------------------------------------
declare -a P_NS P_SRC P_DST P_PROTO P_DPORT P_SPORT P_CHAIN P_IN P_OUT P_OBS
declare -A counting_rules  # namespace role -> iptables-restore --noflush input
declare -A senders         # namespace role -> send-probes.mjs arguments
n=0
while read -r src_ns src dst proto dport sport rest || [[ -n ${src_ns:-} ]]; do
  [[ -z ${src_ns:-} || $src_ns == \#* ]] && continue
  n=$((n + 1))
  [[ -z ${rest:-} ]] || die "probe $n: too many fields"
  [[ -n ${dport:-} ]] || die "probe $n: expected 'src_ns src_ip dst_ip proto dport [sport]'"
  [[ $proto == tcp || $proto == udp ]] || die "probe $n: proto must be tcp or udp"
  sport=${sport:-$((40000 + n))}
  ip netns list | awk '{print $1}' | grep -qx "$prefix$src_ns" || die "probe $n: no namespace '$src_ns' in the $kind lab"

  # Source address: add it to the source namespace if it is not one of its addresses yet.
  if ! ip -n "$prefix$src_ns" -4 -o addr show | awk -v a="$src" '{ split($4, p, "/"); if (p[1] == a) found = 1 } END { exit !found }'; then
    ip -n "$prefix$src_ns" addr add "$src/32" dev lo
  fi

  if [[ $src_ns == "$fw" ]]; then in_if=- arrive_chain=OUTPUT; else in_if=${if_of[$src_ns]}; arrive_chain=PREROUTING; fi
  route=$(ip -n "$prefix$fw" -4 route get "$dst")
  if [[ $route == local\ * ]]; then
    out_if=- obs_ns=$fw
  else
    out_if=$(awk '{for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit }}' <<<"$route")
    [[ -n ${peer_of[$out_if]:-} ]] || die "probe $n: $dst routes out of '$out_if', which has no namespace behind it"
    obs_ns=${peer_of[$out_if]}
  fi
  if [[ $src_ns == "$fw" ]]; then chain=OUTPUT; elif [[ $out_if == - ]]; then chain=INPUT; else chain=FORWARD; fi

  # On arrival the packet carries the probe's 5-tuple. Once it has passed the nat table (DNAT before the filter,
  # SNAT after it) its addresses may differ; its source port is unique to the probe, so that alone identifies it.
  match="-s $src/32 -d $dst/32 -p $proto -m $proto --sport $sport --dport $dport"
  translated_match="-p $proto -m $proto --sport $sport"
  count_rule() { counting_rules[$1]+="*$2"$'\n'"-A $3 $4 -m comment --comment eak-$5-$n"$'\n'"COMMIT"$'\n'; }
  # Arrival also switches the kernel's rule tracing on for this packet (TRACE changes nothing else).
  count_rule "$fw" raw "$arrive_chain" "$match$([[ $tracing == 1 ]] && echo ' -j TRACE')" arrived
  if [[ $chain == INPUT ]]; then
    count_rule "$fw" security INPUT "$translated_match" passed
  else
    count_rule "$fw" mangle POSTROUTING "$translated_match" left
    count_rule "$obs_ns" raw PREROUTING "$translated_match" delivered
  fi
  senders[$src_ns]+=" $proto,$src,$dst,$sport,$dport"

  P_NS[n]=$src_ns P_SRC[n]=$src P_DST[n]=$dst P_PROTO[n]=$proto P_DPORT[n]=$dport P_SPORT[n]=$sport
  P_CHAIN[n]=$chain P_IN[n]=$in_if P_OUT[n]=$out_if P_OBS[n]=$obs_ns
done <"$probes_file"
[[ $n -gt 0 ]] || die "no probes in $probes_file"

for ns in "${!counting_rules[@]}"; do
  x "$ns" iptables-restore --noflush <<<"${counting_rules[$ns]}" || die "cannot add counting rules in $ns"
done

# The kernel reports traced packets to whoever listens in the firewall namespace: listen before sending.
if [[ $tracing == 1 ]]; then
  x "$fw" iptables-save -t filter >"$work/filter" || die "iptables-save -t filter failed"
  # Not through x(): $! must be the monitor itself (ip netns exec execs it), not a subshell around it.
  ip netns exec "$prefix$fw" xtables-monitor --trace >"$work/trace" 2>&1 &
  monitor=$!
  sleep 0.5
fi

# All probes at once: one sender per source namespace, each probe with its own 5-tuple.
pids=()
for ns in "${!senders[@]}"; do
  # shellcheck disable=SC2086
  x "$ns" "$node" "$here/send-probes.mjs" ${senders[$ns]} &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || die "sender failed"; done
sleep "$(awk -v ms="$hold_ms" 'BEGIN { print ms / 1000 }')"

# Filter-table trace events by source port (unique per probe). A rule is named by its position in its chain, found
# by its text in iptables-save's listing (xtables-monitor prints rules as iptables-save does); two identical rules in
# one chain are named CHAIN#? rather than guessed.
declare -A events
if [[ $tracing == 1 ]]; then
  kill "$monitor" && wait "$monitor" || true
  monitor=
  while read -r sport evs; do events[$sport]=$evs; done < <(
    awk '
      function trim(s) { sub(/[ \t]+$/, "", s); return s }
      FNR == NR { if ($1 == "-A") { t = trim($0); k[$2]++; if (t in pos) pos[t] = $2 "#?"; else pos[t] = $2 "#" k[$2] } next }
      $1 == "PACKET:" { for (i = 4; i <= NF; i++) if ($i ~ /^SPORT=/) sport[$3] = substr($i, 7); next }
      $1 == "TRACE:" && $4 ~ /^filter:/ {
        n = split($4, f, ":")
        if (f[3] == "policy") ev = f[2] ":policy:" f[4]
        else if (f[3] == "rule") {
          v = (n > 5) ? f[5] ":" f[6] : f[5]
          if (v == "CONTINUE") next
          if (v == "0xfffffffb") v = "RETURN"
          t = trim(substr($0, index($0, "  -4 -t filter ") + 15))
          ev = ((t in pos) ? pos[t] : f[2] "#unknown") ":" v
        } else next
        s = sport[$3]
        if (s in seq) seq[s] = seq[s] "," ev; else seq[s] = ev
      }
      END { for (s in seq) print s, seq[s] }
    ' "$work/filter" "$work/trace"
  )
fi

# Packet counts per comment tag, from iptables-save -c of every namespace that holds counting rules.
declare -A count
for ns in "${!counting_rules[@]}"; do
  while read -r pkts tag; do count[$tag]=$pkts; done < <(
    for table in raw mangle security; do x "$ns" iptables-save -c -t "$table" 2>/dev/null || true; done |
      sed -nE 's/^\[([0-9]+):[0-9]+\] .*--comment (eak-[a-z]+-[0-9]+).*/\1 \2/p'
  )
done

for ((i = 1; i <= n; i++)); do
  arrived=${count[eak-arrived-$i]:-0}
  if [[ ${P_CHAIN[i]} == INPUT ]]; then
    passed=${count[eak-passed-$i]:-0} delivered=$passed
  else
    passed=${count[eak-left-$i]:-0} delivered=${count[eak-delivered-$i]:-0}
  fi
  if [[ $arrived -eq 0 ]]; then
    verdict=error; echo "netns-lab: probe $i never reached the firewall namespace" >&2
  elif [[ $passed -gt 0 && $delivered -gt 0 ]]; then verdict=permit
  elif [[ $passed -eq 0 && $delivered -eq 0 ]]; then verdict=deny
  else
    verdict=error; echo "netns-lab: probe $i: left the firewall $passed time(s), reached ${P_OBS[i]} $delivered time(s)" >&2
  fi
  if [[ $tracing == 1 ]]; then trace=${events[${P_SPORT[i]}]:-none}; else trace=-; fi
  echo "probe $i src_ns=${P_NS[i]} src=${P_SRC[i]} dst=${P_DST[i]} proto=${P_PROTO[i]} sport=${P_SPORT[i]} dport=${P_DPORT[i]} chain=${P_CHAIN[i]} in=${P_IN[i]} out=${P_OUT[i]} kernel=$verdict trace=$trace"
done
