#!/usr/bin/env bash
# Runs a real single-node Apache Kafka broker (KRaft) from its jars on Maven Central.
#
#   kafka-local.sh start    start a broker unless KAFKA_BROKERS already answers (idempotent)
#   kafka-local.sh stop     stop the broker this script started
#   kafka-local.sh status   say whether KAFKA_BROKERS answers
#   kafka-local.sh reset    stop, then delete the broker's data
#
# The jars are resolved once with mvn into $VERITY_HOME/kafka/<version>/libs; the rendered
# config, data and logs live in $VERITY_HOME/kafka/. VERITY_HOME defaults to <repo>/.verity.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
home="${VERITY_HOME:-$repo/.verity}"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")"
libs="$home/kafka/$version/libs"
data="$home/kafka/data"
logs="$home/kafka/logs"
pidfile="$home/kafka/broker.pid"
config="$home/kafka/server.properties"
brokers="${KAFKA_BROKERS:-127.0.0.1:9092}"
first="${brokers%%,*}"
host="${first%:*}"
port="${first##*:}"
wait_s="${KAFKA_START_TIMEOUT:-90}"

log() { echo "[kafka-local] $*" >&2; }

answers() { timeout 1 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null; }

fetch() {
  [ -f "$libs/.complete" ] && return 0
  log "resolving Apache Kafka $version from Maven Central into $libs"
  mkdir -p "$libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs" >&2
  touch "$libs/.complete"
}

java_opts=(-Xms256m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
  "-Dkafka.logs.dir=$logs" "-Dlog4j2.configurationFile=$here/log4j2.properties")

# The checked-in properties plus this machine's paths and ports (later keys win).
render_config() {
  mkdir -p "$data" "$logs"
  {
    cat "$here/server.properties"
    echo "log.dirs=$data"
    echo "listeners=PLAINTEXT://$host:$port,CONTROLLER://$host:$((port + 1))"
    echo "advertised.listeners=PLAINTEXT://$host:$port"
    echo "controller.quorum.voters=1@$host:$((port + 1))"
  } >"$config"
}

format() {
  [ -f "$data/meta.properties" ] && return 0
  local id
  id="$(java "${java_opts[@]}" -cp "$libs/*" kafka.tools.StorageTool random-uuid)"
  log "formatting KRaft storage in $data (cluster $id)"
  java "${java_opts[@]}" -cp "$libs/*" kafka.tools.StorageTool format -g \
    -t "$id" -c "$config" >&2
}

start() {
  if answers; then
    log "a broker already answers at $first; nothing to start"
    return 0
  fi
  if [ "$host" != "127.0.0.1" ] && [ "$host" != "localhost" ]; then
    log "KAFKA_BROKERS=$brokers does not answer and is not local; refusing to start one"
    return 1
  fi
  command -v java >/dev/null || { log "java (17+) is required"; return 1; }
  command -v mvn >/dev/null || { log "mvn is required to fetch the broker"; return 1; }
  fetch
  render_config
  format
  mkdir -p "$logs"
  log "starting Kafka $version on $host:$port (logs: $logs/server.log)"
  nohup java "${java_opts[@]}" -cp "$libs/*" kafka.Kafka "$config" >"$logs/stdout.log" 2>&1 &
  echo $! >"$pidfile"
  # The broker opens its client port only once it serves requests (SocketServer), so a
  # successful connect is the readiness signal.
  local deadline=$((SECONDS + wait_s))
  until answers; do
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      log "the broker exited during start; last lines of its output:"
      tail -n 30 "$logs/stdout.log" >&2
      return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      log "the broker did not answer within ${wait_s}s"
      return 1
    fi
    sleep 0.5
  done
  log "broker ready at $first"
}

stop() {
  [ -f "$pidfile" ] || { log "no broker started by this script"; return 0; }
  local pid
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping broker (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidfile"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) if answers; then echo "up $first"; else echo "down $first"; exit 1; fi ;;
  reset) stop; rm -rf "$data" "$logs" ;;
  *) echo "usage: $0 start|stop|status|reset" >&2; exit 2 ;;
esac
