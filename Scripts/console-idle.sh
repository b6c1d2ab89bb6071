#!/usr/bin/env bash
# Measures the console left open with no migration running (issue 9's bar: at most 1.5 GiB
# resident and 2 % of one CPU over an hour). Starts the release console on the built-in
# scenario in its own tmux server at 200x50, samples its resident memory and CPU time once a
# minute, prints one line per sample and a verdict, and removes its tmux server on any exit.
#
#   Scripts/console-idle.sh [MINUTES] [BINARY]     (default: 60, .build/release/ldm-console)
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-60}
binary=${2:-.build/release/ldm-console}
[[ "$minutes" =~ ^[1-9][0-9]*$ ]] || { echo "console-idle.sh: MINUTES must be a whole number above 0, not '$minutes'" >&2; exit 2; }
[ -x "$binary" ] || { echo "console-idle.sh: $binary is not built (swift build -c release)" >&2; exit 2; }
command -v tmux >/dev/null || { echo "console-idle.sh: tmux is not installed (Scripts/setup.sh)" >&2; exit 2; }

socket="console-idle-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$socket"' EXIT
TERM=xterm-256color LANG=C.UTF-8 tmux -L "$socket" new-session -d -x 200 -y 50 \
  "exec $(realpath "$binary")"

pid=""
for _ in $(seq 1 100); do
  pid=$(tmux -L "$socket" list-panes -F '#{pane_pid}' 2>/dev/null | head -n 1)
  [ -n "$pid" ] && [ -r "/proc/$pid/status" ] && grep -q ldm-console "/proc/$pid/comm" 2>/dev/null && break
  pid=""
  sleep 0.1
done
[ -n "$pid" ] || { echo "console-idle.sh: the console did not start" >&2; exit 1; }

ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status"; }

start_cpu=$(cpu)
start_time=$(date +%s)
printf '%-8s %12s %12s %14s\n' minute "RSS MiB" "VmHWM MiB" "CPU % (1 min)"
last_cpu=$start_cpu
last_time=$start_time
for minute in $(seq 1 "$minutes"); do
  sleep 60
  [ -r "/proc/$pid/status" ] || { echo "console-idle.sh: the console exited after $minute minutes" >&2; exit 1; }
  now_cpu=$(cpu)
  now_time=$(date +%s)
  share=$(awk -v c=$((now_cpu - last_cpu)) -v t=$((now_time - last_time)) -v k="$ticks" \
    'BEGIN { printf "%.2f", 100 * c / k / t }')
  printf '%-8s %12d %12d %14s\n' "$minute" $(($(rss_kib) / 1024)) $(($(hwm_kib) / 1024)) "$share"
  last_cpu=$now_cpu
  last_time=$now_time
done

total=$(awk -v c=$(($(cpu) - start_cpu)) -v t=$(($(date +%s) - start_time)) -v k="$ticks" \
  'BEGIN { printf "%.2f", 100 * c / k / t }')
hwm=$(($(hwm_kib) / 1024))
echo "peak resident ${hwm} MiB (bar 1536), CPU ${total} % of one core over ${minutes} min (bar 2)"
awk -v h="$hwm" -v c="$total" 'BEGIN { exit !(h <= 1536 && c <= 2) }' && echo "within the bars" \
  || { echo "over a bar"; exit 1; }
