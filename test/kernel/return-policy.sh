#!/usr/bin/env bash
# Builds test/kernel/return-policy.rules: what the real iptables-save prints for a ruleset where built-in chains'
# policies decide after RETURN and goto (the kernel-verdicts test and the trace CLI tests use it). Root only:
#   bash test/kernel/return-policy.sh > test/kernel/return-policy.rules
set -euo pipefail
ns="ea-return-policy-$$"
ip netns add "$ns"
trap 'ip netns del "$ns"' EXIT
ipt() { ip netns exec "$ns" iptables "$@"; }

ipt -P FORWARD DROP
ipt -N LYNC-EXT
ipt -N FED
# RETURN in INPUT: its policy (ACCEPT) decides; anything else from eth0 is dropped by a rule.
ipt -A INPUT -i eth0 -p tcp -m tcp --dport 22 -j RETURN
ipt -A INPUT -i eth0 -j DROP
ipt -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
# RETURN in FORWARD: its policy (DROP) decides, not the ACCEPT further down.
ipt -A FORWARD -i eth0 -o eth1 -p tcp -m tcp --dport 31337 -j RETURN
# goto: what comes back from LYNC-EXT skips the rest of FORWARD and meets its policy.
ipt -A FORWARD -i eth0 -o eth1 -g LYNC-EXT
ipt -A FORWARD -i eth0 -o eth1 -j ACCEPT
# call: what comes back from LYNC-EXT goes on with the next FORWARD rule.
ipt -A FORWARD -i eth1 -o eth0 -j LYNC-EXT
ipt -A FORWARD -i eth1 -o eth0 -p tcp -m tcp --dport 443 -j ACCEPT
ipt -A LYNC-EXT -d 203.0.113.10/31 -p tcp -m tcp --dport 443 -j ACCEPT
ipt -A LYNC-EXT -p tcp -m tcp --dport 5061 -j RETURN
ipt -A LYNC-EXT -p tcp -m tcp --dport 5269 -j FED
ipt -A LYNC-EXT -s 203.0.113.10/31 -p tcp -m multiport --dports 5061,5269 -j ACCEPT
ipt -A FED -d 203.0.113.10/32 -j ACCEPT
ipt -A FED -d 203.0.113.11/32 -j RETURN
ip netns exec "$ns" iptables-save
