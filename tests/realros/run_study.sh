#!/usr/bin/env bash
# The paper's ROS LIDAR study (Fig. 2) with real ROS1 instead of the model: roscpp publishes
# 888,576-byte PointCloud2 clouds at 9.92 Hz (`rosbag play`), Python `rostopic bw` (and optionally
# `rostopic hz`) subscribes, over real Linux TCP, between network namespaces joined by a bridge
# whose every frame passes one shaped "channel" of CAPACITY_MBIT (both directions, all hosts: a
# shared medium, as WiFi is). With QUEUE=per-transmitter (default) the channel serves the
# transmitters of a WiFi cell in turn, as 802.11's DCF gives every backlogged station an equal
# chance: each robot, the download's station, and "the AP" (everything the wired hosts send);
# QUEUE=fifo is one drop-tail queue for everything. RECEIVER_CPU_PCT=N runs each server's
# subscribers in a cgroup with N% of one core (CFS quota): a receiver whose CPU comes in slices.
#
# What it tests: whether ROS (roscpp publisher, rospy subscriber, TCPROS over Linux TCP) on a
# shared channel gives the paper's shares, 84% / 43% / 16%, or the fair shares the ns-3 model gives.
# The channel has no 802.11 MAC (no collisions, no rate control, no hidden terminals): it isolates
# ROS and TCP. docs/network.md has the results and their reading.
#
# Writes OUT (default results/real_ros_lidar_study): the rostopic logs of every condition in the
# paper's format (bw_<condition>.txt, hz_<condition>.txt, two_pairs also per receiver), cpu.csv (the
# machine's CPU use per condition: on a small machine the ROS processes themselves can be the
# bottleneck), iperf3_with_download.txt, setup.txt (the settings), and, unless SIMULATE=0, sim/:
# `offloadsim run SCENARIO` with these logs as the study's measured columns, so summary.csv puts
# real ROS beside the simulation. The logs are written under OUT.tmp and renamed when complete.
#
# Needs root (namespaces, tc), the ROS1 and tool packages of `scripts/install-deps --real-ros`, and for the
# summary a built offloadsim (`make build`). About (4 × DURATION + 60) s, plus the simulation.
#
#   sudo tests/realros/run_study.sh
#   CAPACITY_MBIT=1000 CONDITIONS="sender one_receiver" tests/realros/run_study.sh   # unshaped
#   SUBSCRIBERS="bw hz" QUEUE=fifo DURATION=120 tests/realros/run_study.sh
set -euo pipefail
# Paths given by the caller are relative to where they called from; the defaults to the repository.
for v in OUT SCENARIO OFFLOADSIM; do
  if [ -n "${!v:-}" ] && [[ "${!v}" != /* ]]; then printf -v "$v" '%s/%s' "$PWD" "${!v}"; fi
done
cd "$(dirname "$0")/../.."

OUT=${OUT:-results/real_ros_lidar_study}
DURATION=${DURATION:-60}                 # seconds of measurement per condition
CAPACITY_MBIT=${CAPACITY_MBIT:-63}       # the shared channel (Ethernet frames, both directions); 63: one_receiver gets 84%
QUEUE=${QUEUE:-per-transmitter}          # per-transmitter | fifo
QUEUE_PACKETS=${QUEUE_PACKETS:-1000}     # drop-tail limit of each queue (Linux's txqueuelen)
PUBLISHER_QUEUE=${PUBLISHER_QUEUE:-10}   # roscpp publisher queue_size (the velodyne driver's)
CLOUD_BYTES=${CLOUD_BYTES:-888576}
SUBSCRIBERS=${SUBSCRIBERS:-bw}           # "bw" or "bw hz" (each its own TCPROS connection)
RECEIVER_CPU_PCT=${RECEIVER_CPU_PCT:-}   # "": as fast as it goes; N: each server's subscribers get N% of one core
CONDITIONS=${CONDITIONS:-"sender one_receiver with_download two_pairs"}
SIMULATE=${SIMULATE:-1}
PYTHON=${PYTHON:-/usr/bin/python3}        # Debian's, which has the ROS modules (not a pyenv shim)
SCENARIO=${SCENARIO:-scenarios/ros_lidar_study_network_bound.yaml}
OFFLOADSIM=${OFFLOADSIM:-build/release/bin/offloadsim}

die() { echo "run_study.sh: $*" >&2; exit 2; }
# Settings first (they need nothing installed), then root and the tools.
case "$QUEUE" in per-transmitter | fifo) ;; *) die "QUEUE must be per-transmitter or fifo, not '$QUEUE'" ;; esac
[[ "$DURATION" =~ ^[0-9]+$ ]] && [ "$DURATION" -ge 10 ] || die "DURATION must be a whole number of seconds >= 10, not '$DURATION'"
[[ "$CAPACITY_MBIT" =~ ^[0-9]+(\.[0-9]+)?$ ]] && [ "${CAPACITY_MBIT//[.0]/}" != "" ] ||
  die "CAPACITY_MBIT must be a positive number of Mbit/s, not '$CAPACITY_MBIT'"
[[ "$QUEUE_PACKETS" =~ ^[1-9][0-9]*$ ]] || die "QUEUE_PACKETS must be a positive whole number, not '$QUEUE_PACKETS'"
[[ "$PUBLISHER_QUEUE" =~ ^[1-9][0-9]*$ ]] || die "PUBLISHER_QUEUE must be a positive whole number, not '$PUBLISHER_QUEUE'"
[[ "$CLOUD_BYTES" =~ ^[1-9][0-9]*$ ]] && [ $((CLOUD_BYTES % 32)) -eq 0 ] ||
  die "CLOUD_BYTES must be a positive multiple of 32 (bytes of 32-byte points), not '$CLOUD_BYTES'"
[ -n "$SUBSCRIBERS" ] || die "SUBSCRIBERS is empty (bw, hz or \"bw hz\")"
for s in $SUBSCRIBERS; do case "$s" in bw | hz) ;; *) die "SUBSCRIBERS holds bw and/or hz, not '$s'" ;; esac; done
[ -z "$RECEIVER_CPU_PCT" ] || { [[ "$RECEIVER_CPU_PCT" =~ ^[0-9]+(\.[0-9]+)?$ ]] &&
  awk -v p="$RECEIVER_CPU_PCT" 'BEGIN { exit !(p >= 0.1 && p <= 100) }'; } ||
  die "RECEIVER_CPU_PCT must be empty or a percentage of one core in [0.1, 100], not '$RECEIVER_CPU_PCT'"
[ -n "$CONDITIONS" ] || die "CONDITIONS is empty"
for c in $CONDITIONS; do
  case "$c" in sender | one_receiver | with_download | two_pairs) ;;
  *) die "unknown condition '$c' in CONDITIONS (sender, one_receiver, with_download, two_pairs)" ;; esac
done
case "$SIMULATE" in
  0) ;;
  1)
    # The simulation's measured shares are of the measured sender's rate, from rostopic bw.
    [[ " $SUBSCRIBERS " == *" bw "* && " $CONDITIONS " == *" sender "* ]] ||
      die "SIMULATE=1 puts the bw logs beside the simulation and needs bw in SUBSCRIBERS and sender in CONDITIONS; or set SIMULATE=0"
    [ -f "$SCENARIO" ] || die "SCENARIO $SCENARIO not found"
    ;;
  *) die "SIMULATE must be 0 or 1, not '$SIMULATE'" ;;
esac
# OUT is replaced at the end: only an earlier result of this script (it has setup.txt) or nothing.
[ ! -e "$OUT" ] || [ -f "$OUT/setup.txt" ] || die "OUT=$OUT exists and is not an earlier result of this script; choose another OUT"
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces and tc); run it with sudo"
for c in roscore rosbag rostopic iperf3 ip tc ethtool "$PYTHON"; do
  command -v "$c" >/dev/null || die "'$c' not found: run scripts/install-deps --real-ros"
done
[ "$SIMULATE" = 0 ] || [ -x "$OFFLOADSIM" ] || die "$OFFLOADSIM not built (make build), or set SIMULATE=0"

# Hosts: name, address, transmitter class (the WiFi station that puts their frames on the air).
hosts=(r1 r2 s1 s2 st dl)
declare -A addr=([r1]=10.77.0.11 [r2]=10.77.0.12 [s1]=10.77.0.21 [s2]=10.77.0.22 [st]=10.77.0.31 [dl]=10.77.0.41)
declare -A class=([r1]=11 [r2]=12 [st]=13 [s1]=10 [s2]=10 [dl]=10)  # 10: the AP (wired hosts' frames)
ns() { echo "osr_$1"; }
master="http://${addr[s1]}:11311"

tmp="$OUT.tmp"
work=$(mktemp -d)
started=()
# RECEIVER_CPU_PCT: the servers' subscribers run in a cgroup each, with a CPU quota (a slow receiver,
# the default scenario's reading). cgroup v2 (cpu.max) or v1 (the cpu controller's CFS quota).
cgroup_dir() {  # cgroup_dir HOST
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then echo "/sys/fs/cgroup/osr_$1"; else echo "/sys/fs/cgroup/cpu/osr_$1"; fi
}
cgroup_limit() {  # cgroup_limit HOST: create HOST's group with the quota
  local d quota
  d=$(cgroup_dir "$1")
  quota=$(awk -v p="$RECEIVER_CPU_PCT" 'BEGIN { printf "%d", p * 1000 }')  # of a 100 ms period
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    grep -qw cpu /sys/fs/cgroup/cgroup.controllers || die "RECEIVER_CPU_PCT: cgroup v2 without the cpu controller"
    grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control || echo +cpu >/sys/fs/cgroup/cgroup.subtree_control
    mkdir -p "$d" && echo "$quota 100000" >"$d/cpu.max"
  else
    [ -d /sys/fs/cgroup/cpu ] || die "RECEIVER_CPU_PCT needs the cgroup cpu controller (v1 or v2); none is mounted"
    mkdir -p "$d" && echo 100000 >"$d/cpu.cfs_period_us" && echo "$quota" >"$d/cpu.cfs_quota_us"
  fi || die "RECEIVER_CPU_PCT: could not set a CPU quota in $d"
}
signal_hosts() {  # signal_hosts SIGNAL [KEEP_PIDS [CMDLINE_PATTERN]]: every process in the hosts' namespaces
  local sig=$1 keep=" ${2:-} " pattern=${3:-} h p
  for h in "${hosts[@]}" ap; do
    for p in $(ip netns pids "$(ns "$h")" 2>/dev/null); do
      [[ "$keep" == *" $p "* ]] && continue
      [ -z "$pattern" ] || tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q "$pattern" || continue
      kill -s "$sig" "$p" 2>/dev/null || true
    done
  done
}
cleanup() {
  signal_hosts TERM
  sleep 1
  signal_hosts KILL
  for h in "${hosts[@]}" ap; do ip netns del "$(ns "$h")" 2>/dev/null || true; done
  [ -z "$RECEIVER_CPU_PCT" ] || for h in s1 s2; do rmdir "$(cgroup_dir "$h")" 2>/dev/null || true; done
  rm -rf "$work"
}
fail() { cleanup; rm -rf "$tmp"; }
trap fail EXIT
trap 'exit 130' INT TERM

rm -rf "$tmp"
mkdir -p "$tmp"
for h in "${hosts[@]}" ap; do ip netns del "$(ns "$h")" 2>/dev/null || true; done

# --- the network ------------------------------------------------------------------------------
ip netns add "$(ns ap)"
inap() { ip netns exec "$(ns ap)" "$@"; }
inap ip link set lo up
inap ip link add br0 type bridge
inap ip link set br0 up
inap ip link add ifb0 type ifb
inap ip link set ifb0 up
quantum=1514
inap tc qdisc add dev ifb0 root handle 1: htb default 10
inap tc class add dev ifb0 parent 1: classid 1:1 htb rate "${CAPACITY_MBIT}mbit" ceil "${CAPACITY_MBIT}mbit" quantum $quantum
if [ "$QUEUE" = fifo ]; then
  inap tc class add dev ifb0 parent 1:1 classid 1:10 htb rate "${CAPACITY_MBIT}mbit" ceil "${CAPACITY_MBIT}mbit" quantum $quantum
  inap tc qdisc add dev ifb0 parent 1:10 pfifo limit "$QUEUE_PACKETS"
else
  # Equal guaranteed rates and equal quanta: HTB serves backlogged transmitters in turn (DRR) and
  # lends an idle one's share to the others, as DCF does for stations with equal PHY rates.
  for c in 10 11 12 13; do
    inap tc class add dev ifb0 parent 1:1 classid "1:$c" htb rate "$(awk -v c="$CAPACITY_MBIT" 'BEGIN { print c / 4 }')mbit" \
      ceil "${CAPACITY_MBIT}mbit" quantum $quantum
    inap tc qdisc add dev ifb0 parent "1:$c" pfifo limit "$QUEUE_PACKETS"
  done
  for h in "${hosts[@]}"; do
    inap tc filter add dev ifb0 parent 1: protocol ip prio 1 u32 match ip src "${addr[$h]}/32" flowid "1:${class[$h]}"
  done
fi
for h in "${hosts[@]}"; do
  ip netns add "$(ns "$h")"
  ip link add "v-$h" netns "$(ns ap)" type veth peer name eth0 netns "$(ns "$h")"
  inap ip link set "v-$h" master br0
  inap ip link set "v-$h" up
  # Every frame entering the bridge passes the channel once.
  inap tc qdisc add dev "v-$h" handle ffff: ingress
  inap tc filter add dev "v-$h" parent ffff: protocol all u32 match u32 0 0 action mirred egress redirect dev ifb0
  ip netns exec "$(ns "$h")" ip link set lo up
  ip netns exec "$(ns "$h")" ip addr add "${addr[$h]}/24" dev eth0
  ip netns exec "$(ns "$h")" ip link set eth0 up
  # One frame per packet, as on a WiFi interface: no 64 kB segmentation-offload super-packets.
  ip netns exec "$(ns "$h")" ethtool -K eth0 tso off gso off gro off >/dev/null 2>&1 || true
  inap ethtool -K "v-$h" tso off gso off gro off >/dev/null 2>&1 || true
done

on() {  # on HOST CMD...: run in HOST's namespace with its ROS environment (ON_EXEC=1: in place of the shell)
  local h=$1
  shift
  ${ON_EXEC:+exec} ip netns exec "$(ns "$h")" env ROS_MASTER_URI="$master" ROS_IP="${addr[$h]}" ROS_HOME="$work/ros_$h" \
    ROS_LOG_DIR="$work/log_$h" PYTHONUNBUFFERED=1 "$@"
}
bg() {  # bg HOST LOG CMD...: start in the background, remember the pid (the command's own: exec)
  local h=$1 log=$2
  shift 2
  ON_EXEC=1 on "$h" "$@" >"$log" 2>&1 &
  started+=($!)
}
stop_started() {  # everything started for a condition, with its children (rosbag play runs a C++ child)
  # The subscribers first, so that their last report is not of a publisher already gone.
  signal_hosts INT "$ros_core_pids" rostopic
  sleep 2
  signal_hosts INT "$ros_core_pids"
  sleep 2
  signal_hosts KILL "$ros_core_pids"
  wait "${started[@]}" 2>/dev/null || true
  started=()
}

cpu_ticks() { awk '/^cpu /{idle=$5+$6; t=0; for(i=2;i<=NF;i++) t+=$i; print idle, t}' /proc/stat; }

# --- ROS ----------------------------------------------------------------------------------------
echo "run_study.sh: bag of ${CLOUD_BYTES}-byte clouds, channel ${CAPACITY_MBIT} Mbit/s ($QUEUE), ${DURATION} s per condition"
"$PYTHON" tests/realros/make_lidar_bag.py "$work/lidar.bag" --bytes "$CLOUD_BYTES"
on s1 roscore -p 11311 >"$work/roscore.log" 2>&1 &
for _ in $(seq 60); do
  on s1 rostopic list >/dev/null 2>&1 && break
  sleep 1
done
on s1 rostopic list >/dev/null 2>&1 || die "roscore did not start: $(tail -5 "$work/roscore.log")"
sleep 1
ros_core_pids=$(ip netns pids "$(ns s1)" | tr '\n' ' ')  # roscore, rosmaster, rosout: kept across conditions

publish() {  # publish ROBOT TOPIC
  bg "$1" "$work/play_$1.log" rosbag play -l -q --queue="$PUBLISHER_QUEUE" "$work/lidar.bag" "/velodyne_points:=$2"
}
subscribe() {  # subscribe HOST TOPIC NAME
  for s in $SUBSCRIBERS; do
    if [ "$s" = bw ]; then
      bg "$1" "$tmp/bw_$3.txt" rostopic bw -w 100 "$2"
    else
      bg "$1" "$tmp/hz_$3.txt" rostopic hz "$2"
    fi
    # A server's subscribers share its CPU quota (the robot's own, in the sender condition, do not).
    if [ -n "$RECEIVER_CPU_PCT" ] && [ "$1" != r1 ]; then echo "$!" >"$(cgroup_dir "$1")/cgroup.procs"; fi
  done
}
[ -z "$RECEIVER_CPU_PCT" ] || for h in s1 s2; do cgroup_limit "$h"; done

echo "condition,cpu_busy_pct,duration_s" >"$tmp/cpu.csv"
for c in $CONDITIONS; do
  echo "run_study.sh: $c ..."
  publish r1 /lidar1/velodyne_points
  case "$c" in
    sender) subscribe r1 /lidar1/velodyne_points sender ;;
    one_receiver) subscribe s1 /lidar1/velodyne_points one_receiver ;;
    with_download)
      bg dl "$work/iperf3_server.log" iperf3 -s -1
      sleep 1
      bg st "$tmp/iperf3_with_download.txt" iperf3 -c "${addr[dl]}" -R -t $((DURATION + 5)) -i 10
      sleep 2
      subscribe s1 /lidar1/velodyne_points with_download
      ;;
    two_pairs)
      publish r2 /lidar2/velodyne_points
      subscribe s1 /lidar1/velodyne_points two_pairs_lidar1
      subscribe s2 /lidar2/velodyne_points two_pairs_lidar2
      ;;
  esac
  read -r i0 t0 < <(cpu_ticks)
  sleep "$DURATION" & wait $!  # (a signal interrupts wait, not a foreground sleep)
  read -r i1 t1 < <(cpu_ticks)
  stop_started
  awk -v c="$c" -v d="$DURATION" -v di=$((i1 - i0)) -v dt=$((t1 - t0)) \
    'BEGIN { printf "%s,%.1f,%s\n", c, 100 * (1 - di / (dt > 0 ? dt : 1)), d }' >>"$tmp/cpu.csv"
  if [ "$c" = two_pairs ]; then  # the paper's both_lidars file: the two receivers' lines together
    for s in $SUBSCRIBERS; do cat "$tmp/${s}_two_pairs_lidar1.txt" "$tmp/${s}_two_pairs_lidar2.txt" >"$tmp/${s}_two_pairs.txt"; done
  fi
  for s in $SUBSCRIBERS; do
    f="$tmp/${s}_${c}.txt"
    grep -q "average" "$f" || die "$c: rostopic $s printed no rate (see $f; roscore: $work/roscore.log)"
  done
  sleep 2
done

cat >"$tmp/setup.txt" <<EOF
date: $(date -u +%Y-%m-%dT%H:%M:%SZ)
commit: $(git describe --always --dirty 2>/dev/null || echo unknown)
machine: $(nproc) cores, kernel $(uname -r)
ros: ros-core $(dpkg-query -W -f='${Version}' ros-core), rospy $(dpkg-query -W -f='${Version}' python3-rospy), rosbag $(dpkg-query -W -f='${Version}' python3-rosbag)
conditions: $CONDITIONS
duration_s: $DURATION
capacity_mbit: $CAPACITY_MBIT
queue: $QUEUE, $QUEUE_PACKETS packets
publisher_queue: $PUBLISHER_QUEUE
cloud_bytes: $CLOUD_BYTES
subscribers: $SUBSCRIBERS
receiver_cpu_pct: ${RECEIVER_CPU_PCT:-unlimited}
EOF

cleanup
trap - EXIT
rm -rf "$OUT"
mv "$tmp" "$OUT"
echo "run_study.sh: wrote $OUT"
column -s, -t <"$OUT/cpu.csv"

# The simulation beside the logs, reading them where they now are (offloadsim writes sim/ whole or
# not at all; the logs above are a complete result without it).
if [ "$SIMULATE" = 1 ]; then
  sets=()
  for c in $CONDITIONS; do
    for s in $SUBSCRIBERS; do
      key=$([ "$s" = bw ] && echo measured || echo measured_hz)
      sets+=(--set "study.$key.$c=$(realpath "$OUT/${s}_$c.txt")")
    done
  done
  sets+=(--set "study.conditions=[$(echo $CONDITIONS | sed 's/ /, /g')]")
  echo "run_study.sh: simulating $SCENARIO with these logs as its measured columns ..."
  if ! "$OFFLOADSIM" run "$SCENARIO" --out "$OUT/sim" "${sets[@]}" >"$OUT/sim.log" 2>&1; then
    echo "run_study.sh: offloadsim failed (the logs in $OUT are complete): $(tail -5 "$OUT/sim.log")" >&2
    exit 1
  fi
  grep -v "simulated s" "$OUT/sim.log" | tail -8
fi
exit 0
