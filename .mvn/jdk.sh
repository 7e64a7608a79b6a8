# Sourced by mvnw, ./flywheel, .ci/run and bench/run: make JAVA_HOME point at a JDK 25 or newer.
# Keeps JAVA_HOME when it already is one; otherwise tries `java` on PATH, then the usual JVM folders.
flywheel_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
flywheel_find_jdk() {
  major=
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(flywheel_java_major "$JAVA_HOME")
    [ "${major:-0}" -ge 25 ] && return 0
  fi
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(flywheel_java_major "$candidate")
    if [ "${major:-0}" -ge 25 ]; then JAVA_HOME=$candidate; export JAVA_HOME; return 0; fi
  fi
  for candidate in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/jdk-25* /usr/lib/jvm/* \
                   /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(flywheel_java_major "$candidate")
    if [ "${major:-0}" -ge 25 ]; then JAVA_HOME=$candidate; export JAVA_HOME; return 0; fi
  done
  echo "Flywheel needs a JDK 25 or newer; none was found (JAVA_HOME, PATH, /usr/lib/jvm). Install one and set JAVA_HOME." >&2
  return 1
}
# mvnw runs with `set -f` (no globbing); the search below needs it.
case $- in *f*) set +f; flywheel_find_jdk; _flywheel_rc=$?; set -f ;; *) flywheel_find_jdk; _flywheel_rc=$? ;; esac
[ "$_flywheel_rc" -eq 0 ]
