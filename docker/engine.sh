#!/usr/bin/env bash
# Starts / stops a Docker engine for the containers target on machines without a service manager (our CI
# and development machines: see shared/design/containers.md for what was measured there).
#
#   docker/engine.sh start    dockerd in the background (own session, pid file), waits for /_ping
#   docker/engine.sh stop     stops THAT dockerd by its pid file (never by name), waits for it to exit
#   docker/engine.sh status   exit 0 when the engine answers /_ping
#
# Clients reach it with DOCKER_HOST=unix:///run/dockerd/docker.sock (printed by `start`).
# On a normal Docker host (Docker Desktop, a systemd docker service) you do not need this script.
set -euo pipefail

RUN_DIR=${AUTH_CTK_DOCKERD_DIR:-/run/dockerd}
SOCK="$RUN_DIR/docker.sock"
PIDFILE="$RUN_DIR/dockerd.pid"
LOG=${AUTH_CTK_DOCKERD_LOG:-/tmp/auth-ctk-dockerd.log}

ping() { curl -fsS --max-time 2 --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1; }

case "${1:-}" in
  start)
    if ping; then
      echo "dockerd already answers on $SOCK"
    else
      command -v dockerd >/dev/null || { echo "dockerd not found: apt-get install docker.io" >&2; exit 2; }
      mkdir -p "$RUN_DIR"
      # cgroupfs: there is no systemd to delegate cgroups to on these machines (containers.md).
      setsid nohup dockerd -H "unix://$SOCK" --pidfile "$PIDFILE" \
        --exec-opt native.cgroupdriver=cgroupfs >"$LOG" 2>&1 </dev/null &
      # Bounded wait: measured 2-3 s; 60 s covers a loaded 2-core machine.
      for _ in $(seq 1 120); do
        ping && break
        sleep 0.5
      done
      ping || { echo "dockerd did not answer on $SOCK within 60 s; last log lines:" >&2; tail -20 "$LOG" >&2; exit 1; }
      echo "dockerd started (pid $(cat "$PIDFILE")), log $LOG"
    fi
    echo "export DOCKER_HOST=unix://$SOCK"
    ;;
  stop)
    if [[ -f "$PIDFILE" ]]; then
      pid=$(cat "$PIDFILE")
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        # dockerd stops its containers first (10 s stop timeout each, in parallel), then exits.
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        if kill -0 "$pid" 2>/dev/null; then echo "dockerd $pid still running after 30 s: SIGKILL" >&2; kill -KILL "$pid"; fi
      fi
      rm -f "$PIDFILE"
      echo "dockerd stopped"
    else
      echo "no $PIDFILE: nothing to stop"
    fi
    ;;
  status)
    if ping; then echo "dockerd answers on $SOCK"; else echo "no engine on $SOCK" >&2; exit 1; fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
