#!/bin/sh
# Issue 17's check that the screen never freezes: stroom's UI on a large
# database in tmux; `4` (flow, seconds of work at 1M) then `1` at once.
# Prints the screen right after the keys, then again a few frames later.
#
#   benches/tmux_4_then_1.sh target/release/stroom target/bench-db/demo-1000000.db
set -eu
bin=${1:?stroom binary}
db=${2:?database}
session=stroom-4-then-1-$$
tmux new-session -d -s "$session" -x 120 -y 40 \
    "STROOM_TODAY=2026-11-22 STROOM_LANG=nl $bin --db $db"
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT
# Until the first frame is drawn (the tab bar shows).
i=0
while ! tmux capture-pane -p -t "$session" | grep -q "Wachtlijsten"; do
    i=$((i + 1))
    [ "$i" -lt 600 ] || { echo "no first frame after 60 s"; exit 1; }
    sleep 0.1
done
# Let the waiting lists arrive, so view 1 has its data.
sleep "${SETTLE:-20}"
start=$(date +%s%N)
tmux send-keys -t "$session" 4
tmux send-keys -t "$session" 1
sleep 0.05
echo "--- 50 ms after pressing 4 then 1 ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
tmux capture-pane -p -t "$session"
sleep 1
echo "--- 1 s later"
tmux capture-pane -p -t "$session"
tmux send-keys -t "$session" q
sleep 0.5
if tmux has-session -t "$session" 2>/dev/null; then
    echo "--- still running 0.5 s after q"
    exit 1
fi
echo "--- q quit at once"
