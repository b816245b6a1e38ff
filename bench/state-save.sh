#!/usr/bin/env bash
# Time saving one descriptor in a state of 10 descriptors and in one of 100,000 (SPEC §5: the
# cost must not depend on the number of descriptors), and reading the large state.
#
#   bench/state-save.sh                       # 2,000 saves, 100,000 descriptors, in a temp dir
#   bench/state-save.sh 500                   # 500 saves
#   bench/state-save.sh 2000 100000 /var/tmp/b  # keep the states in /var/tmp/b (not deleted)
#   JAVA_OPTS=-Xmx2g bench/state-save.sh      # extra JVM flags
#
# The states go in the temp directory (java.io.tmpdir) unless a directory is given: the figures
# are those of that filesystem's fsync. Needs a JDK 17 and Maven.
set -euo pipefail

cd "$(dirname "$0")/.."

echo "== compiling and resolving the classpath (mvn)" >&2
mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >&2

# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  io.vmtree.bench.StateSaveBench "$@"
