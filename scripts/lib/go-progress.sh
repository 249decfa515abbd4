# Sourced by the build scripts: progress lines for long Go builds, so a
# download, compile or link never looks hung. The caller defines log() (one
# line to stderr) and $work (a temp dir it removes); stop_ticker belongs in its
# EXIT trap.

progress_start_ts=$(date +%s)
elapsed() {
  local s=$(( $(date +%s) - progress_start_ts ))
  printf '%dm%02ds' $((s / 60)) $((s % 60))
}

ticker_pid=""
# Prints "still <what>: <counter file>" every 30 s until stop_ticker. The sleep
# is killed with the ticker and holds no output pipe, so a reader of this
# script's stderr sees it close as soon as the script is done.
start_ticker() {
  local what="$1" counter="$2"
  ( s=""
    trap 'if [[ -n "$s" ]]; then kill "$s" 2>/dev/null; wait "$s"; fi; exit 0' TERM
    while :; do
      sleep 30 </dev/null >/dev/null 2>&1 &
      s=$!
      wait "$s"
      log "still $what: $(cat "$counter" 2>/dev/null || echo 0), $(elapsed) elapsed"
    done ) &
  ticker_pid=$!
}
stop_ticker() {
  if [[ -n "$ticker_pid" ]]; then kill "$ticker_pid" 2>/dev/null || true; fi
  ticker_pid=""
}

# Runs a go command and turns its output into counted progress lines: `go build -v`
# names each package it compiles, `go: downloading` each module it fetches.
# Anything else go prints (errors above all) is passed through to stderr.
run_go() {
  local label="$1"; shift
  local status_file="$work/$label.status" counter="$work/$label.count"
  echo "0 packages compiled, 0 modules downloaded" >"$counter"
  start_ticker "$label" "$counter"
  local n=0 d=0
  {
    set +e
    "$@" 2>&1
    echo "__status=$?"
  } | while IFS= read -r line; do
    case "$line" in
      __status=*) echo "${line#__status=}" >"$status_file"; continue ;;
      "go: downloading "*) d=$((d + 1)); (( d % 50 == 0 )) && log "$label: $d modules downloaded ($(elapsed))" ;;
      "go: added "* | "go: upgraded "* | "go: finding "*) ;;
      *)
        if [[ "$line" =~ ^[a-zA-Z0-9._/~+-]+$ ]]; then
          n=$((n + 1))
          (( n % 100 == 0 )) && log "$label: $n packages compiled ($(elapsed))"
        else
          echo "  $line" >&2
        fi ;;
    esac
    echo "$n packages compiled, $d modules downloaded" >"$counter"
  done
  stop_ticker
  local status; status=$(cat "$status_file" 2>/dev/null || echo 1)
  if [[ "$status" != 0 ]]; then
    log "FAILED: $label (exit $status) after $(elapsed)"
    return 1
  fi
  log "$label: done, $(cat "$counter") ($(elapsed))"
}
