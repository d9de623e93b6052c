#!/usr/bin/env bash
# One-command demo of config-lag: needs only a JDK 17+ (the Maven wrapper fetches the rest).
#
#   ./samples/feature-flags/demo.sh              build, start the sample on a kubelet-style ConfigMap
#                                                volume, flip featureFlags.newUI live, show the lag,
#                                                stop and clean up
#   ./samples/feature-flags/demo.sh run [dir]    start the sample on dir (default
#                                                samples/feature-flags/target/demo-config) on port
#                                                8080 (or $PORT) until Ctrl-C
#   ./samples/feature-flags/demo.sh edit [dir]   edit its config.yaml in $EDITOR, written the kubelet's way
#   ./samples/feature-flags/demo.sh apply <file> [dir]
#                                                write <file> as its config.yaml, the kubelet's way
set -euo pipefail
cd "$(dirname "$0")/../.."
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command="${1:-demo}"
if [ "$command" = demo ] || [ "$command" = run ]; then
  echo "==> Building the sample (./mvnw -pl samples/feature-flags -am package; the first run downloads dependencies)"
  ./mvnw -q -B -pl samples/feature-flags -am package -DskipTests
fi
exec "$java" samples/feature-flags/src/demo/java/io/configlag/samples/featureflags/demo/ConfigLagDemo.java ${1+"$@"}
