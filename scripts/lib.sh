# Shared by the ghostflow and ghostflow-bench launchers: find JDK 25, build when sources changed.

find_jdk25() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* /usr/lib/jvm/jdk-25* /opt/java/openjdk; do
    [ -d "$d" ] && candidates+=("$d")
  done
  for home in "${candidates[@]}"; do
    if [ -x "$home/bin/java" ]; then
      local v
      v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
      if [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
        echo "$home"
        return 0
      fi
    fi
  done
  echo "error: JDK 25 not found (looked at JAVA_HOME and /usr/lib/jvm). Install Temurin 25 or set JAVA_HOME." >&2
  return 1
}

# build_if_needed MODULE: (re)builds MODULE and what it depends on when any source is newer than the last build.
build_if_needed() {
  local root=$1 module=$2
  local stamp="$root/$module/target/.ghostflow-build-stamp"
  if [ ! -f "$stamp" ] || [ -n "$(find "$root" -path "$root/.git" -prune -o \( -path '*/src/*' -o -name pom.xml \) -newer "$stamp" -print -quit)" ]; then
    echo "building $module (first use or sources changed)..." >&2
    (cd "$root" && ./mvnw -q -B -DskipTests -pl "$module" -am install) >&2 || { echo "error: build failed" >&2; return 1; }
    touch "$stamp"
  fi
}

JVM_OPTS_DEFAULT="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseParallelGC"
