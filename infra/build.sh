#!/usr/bin/env bash
# Builds one of the four things `sam build` asks for (template.yaml: BuildMethod: makefile on each;
# the Makefile's build-<LogicalId> targets pass the logical id):
#
#   infra/build.sh ARTIFACTS_DIR TARGET
#
#   RenderFunction, IndexerFunction      the code: the handler package (with its theme) alone,
#                                        the same bytes for both functions and both architectures
#   RenderDependencies                   a layer: pyproject.toml's runtime dependencies, for the
#                                        render function's architecture (BROADSHEET_ARCH)
#   IndexerDependencies                  a layer: the same dependencies plus libsass, always x86_64
#
# The dependencies live in Lambda layers so that the two functions' code folders are identical:
# `sam package` names an upload by the checksum of the folder (file names and contents) and skips
# a key that already exists, so the code is uploaded once for both functions, and a deploy that
# changes only the handler uploads the handler alone (the layers' keys already exist).
#
# What goes in, and only that:
#   - in a layer, under python/ (Lambda mounts it at /opt/python, on sys.path after /var/task):
#     pyproject.toml's [project] dependencies (the single list; not the serve/dev extras), as
#     wheels for the Lambda runtime and architecture, never this machine's: pydantic-core, PyYAML
#     and MarkupSafe are compiled code;
#   - in IndexerDependencies only, libsass, with the version range pyproject.toml's extras give it
#     (its platform marker dropped: it describes the machine running `serve`, not this target).
#     The indexer compiles the site's Sass pages and is always x86_64, as libsass publishes no
#     Linux arm64 wheel; the render function reads the compiled CSS from the bucket and never
#     carries libsass (template.yaml, RenderFunction, argues why not even on x86_64);
#   - in a function's code, the handler package;
#   - bytecode for the target Python as unchecked-hash .pyc (starting without .pyc was measured
#     2.5x slower), so the runtime neither compiles nor stats sources to validate them; the
#     dependencies as bytecode alone, the handler package with its sources; every code object
#     recorded under the path Lambda runs it from: /opt/python/... for the dependencies,
#     /var/task/handler/... for the package (tracebacks in CloudWatch name those);
#   - stripped extension modules (no debug information).
#
# Settings (environment), which must agree with the template's parameters of the same meaning:
#   BROADSHEET_ARCH     arm64 (default) or x86_64           <-> Architecture (the render function's
#                       and RenderDependencies'; ignored for IndexerDependencies, always x86_64,
#                       and for the code, which holds no machine code)
#   BROADSHEET_RUNTIME  python3.13 (default) or python3.12  <-> Runtime; also the interpreter
#                       (found on PATH) that compiles the bytecode, as the .pyc format is per version
# and, for `sam local` only:
#   BROADSHEET_CONTENT  a site folder (content) to copy into the code as content/, which
#                       infra/env.local.json serves; never set it for a deploy
#
# SAM builds each makefile resource on its own, so the dependencies are installed once per
# (requirements, runtime, architecture, this script) into a cache and copied from there:
# BROADSHEET_BUILD_CACHE (default ~/.cache/broadsheet-build); BROADSHEET_BUILD_CACHE=off skips it.
set -euo pipefail

out=${1:-${ARTIFACTS_DIR:-}}
target=${2:-}
usage="infra/build.sh ARTIFACTS_DIR RenderFunction|IndexerFunction|RenderDependencies|IndexerDependencies"
if [ -z "$out" ] || [ -z "$target" ]; then
  echo "usage: $usage" >&2
  echo "(sam build passes ARTIFACTS_DIR as \$ARTIFACTS_DIR, the Makefile the logical id)" >&2
  exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
arch=${BROADSHEET_ARCH:-arm64}
runtime=${BROADSHEET_RUNTIME:-python3.13}
case "$target" in
  RenderFunction | IndexerFunction) kind=code sass=no ;;
  RenderDependencies) kind=layer sass=no ;;
  IndexerDependencies) kind=layer sass=yes arch=x86_64 ;;  # libsass: x86_64 wheels only
  *) echo "target $target: $usage (template.yaml's logical ids)" >&2; exit 2 ;;
esac

case "$arch" in
  arm64) machine=aarch64 ;;
  x86_64) machine=x86_64 ;;
  *) echo "BROADSHEET_ARCH=$arch: use arm64 or x86_64 (the template's Architecture)" >&2; exit 2 ;;
esac
case "$runtime" in
  python3.12 | python3.13) ;;
  *) echo "BROADSHEET_RUNTIME=$runtime: use python3.12 or python3.13 (the template's Runtime)" >&2; exit 2 ;;
esac
if ! python=$(command -v "$runtime") || ! "$python" -c 'import sys' 2>/dev/null; then
  echo "$runtime is not on PATH (or is a pyenv shim of a version not selected): it compiles" >&2
  echo "the bytecode for the $runtime runtime. Install it (pyenv install 3.${runtime#python3.})" >&2
  echo "and put its bin folder first on PATH." >&2
  exit 2
fi
version=${runtime#python}

mkdir -p "$out"
out=$(cd "$out" && pwd)  # absolute: bytecode records paths relative to it

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The runtime dependencies, read from pyproject.toml by the target interpreter (tomllib), and for
# the indexer libsass's requirement from the extras, without its marker (pip would judge the
# marker by this machine, not by the Lambda target the --platform options below name).
"$python" - "$root/pyproject.toml" "$sass" >"$work/requirements.txt" <<'EOF'
import re, sys, tomllib
with open(sys.argv[1], "rb") as f:
    project = tomllib.load(f)["project"]
requirements = list(project["dependencies"])
if sys.argv[2] == "yes":
    def name(requirement):
        return re.sub(r"[-_.]+", "-", re.match(r"\s*([A-Za-z0-9._-]+)", requirement)[1]).lower()
    found = [r for extra in project.get("optional-dependencies", {}).values() for r in extra
             if name(r) == "libsass"]
    if not found:
        sys.exit("pyproject.toml lists no libsass requirement in its extras: the indexer needs it")
    requirements.append(found[0].split(";", 1)[0].strip())
print("\n".join(requirements))
EOF

install_dependencies() {  # target folder
  # Python 3.12 and 3.13 Lambda runtimes run on Amazon Linux 2023 (glibc 2.34), so any manylinux
  # wheel up to glibc 2.34 fits. pip does not widen a manylinux_2_x tag to older ones (it does so
  # only for the legacy manylinux2014 alias), hence one --platform per tag wheels are published as.
  "$python" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    --no-compile --only-binary=:all: --implementation cp --python-version "$version" \
    --platform "manylinux_2_34_$machine" --platform "manylinux_2_28_$machine" \
    --platform "manylinux2014_$machine" \
    --target "$1" -r "$work/requirements.txt"

  # botocore carries the model of every AWS service (28 MB of its 32); keep those Broadsheet
  # calls. boto3 ships rather than coming from the runtime: S3 conditional writes (If-Match) need
  # a newer botocore than a runtime may bundle, and the runtime's copy changes without a deploy.
  local model
  for model in "$1"/botocore/data/*/; do
    case " ${BROADSHEET_AWS_SERVICES:-s3 cloudfront sts} " in
      *" $(basename "$model") "*) ;;
      *) rm -rf "$model" ;;
    esac
  done

  # Babel (python-liquid's dependency, for its i18n filters) carries CLDR data for ~1,000
  # locales, 30 of its 33 MB. Jekyll's Liquid has no locale-aware filters, and python-liquid
  # formats in en_US unless a template asks otherwise: keep the root and English locales only.
  find "$1/babel/locale-data" -name '*.dat' ! -name 'root.dat' ! -name 'en.dat' \
    ! -name 'en_*.dat' -delete 2>/dev/null || true

  # Strip what never runs on Lambda: console scripts and type stubs. dist-info folders stay:
  # importlib.metadata reads them.
  rm -rf "$1/bin"
  find "$1" -name '*.pyi' -delete

  # Some extensions are built with debug information, unused at run time: libsass's is 34 MB
  # (3.4 MB stripped), PyYAML's 2.8 MB. GNU strip for the target machine drops it (the symbols
  # the C API is called by stay, in the dynamic table): `strip` for x86_64 here, and
  # aarch64-linux-gnu-strip (Debian's binutils-aarch64-linux-gnu) for arm64. Without one that
  # reads the file, it ships whole: it works the same, only larger.
  local so stripper=strip
  if [ "$machine" != "$(uname -m)" ] && command -v "$machine-linux-gnu-strip" >/dev/null; then
    stripper="$machine-linux-gnu-strip"
  fi
  while IFS= read -r -d '' so; do
    "$stripper" --strip-debug "$so" 2>/dev/null \
      || echo "note: could not strip ${so#"$1"/} (needs GNU strip for $machine); shipped whole" >&2
  done < <(find "$1" -name '*.so' -print0)

  # Dependencies ship as bytecode alone: a legacy .pyc where each .py was, which the runtime
  # imports without a source (half the bytes of shipping both), recorded under /opt/python,
  # where Lambda mounts the layer's python/ folder. Their tracebacks name file, line and
  # function, without the source line; the handler package keeps its sources for full
  # tracebacks. PYTHONHASHSEED=0 as for the code: the same wheels give the same bytes (checked
  # with the cache off), hence the same layer zip and S3 key, so `sam package` uploads an
  # unchanged layer only once.
  PYTHONHASHSEED=0 "$python" -m compileall -q -j 0 -b --invalidation-mode unchecked-hash -s "$1" \
    -p /opt/python "$1" >/dev/null
  find "$1" -name '*.py' -delete
  find "$1" -name __pycache__ -prune -exec rm -rf {} +
}

cache=${BROADSHEET_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/broadsheet-build}
if [ "$cache" = off ]; then
  install_dependencies "$work/deps"
  deps="$work/deps"
else
  key=$(cat "$work/requirements.txt" "${BASH_SOURCE[0]}" | "$python" -c \
    "import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:16])")
  deps="$cache/$runtime-$arch-$key"  # the key covers libsass: it is in requirements.txt
  if [ ! -d "$deps" ]; then
    mkdir -p "$cache"
    install_dependencies "$work/deps"
    mv "$work/deps" "$deps.$$" && mv -T "$deps.$$" "$deps" 2>/dev/null || rm -rf "$deps.$$"
  fi
fi
if [ "$kind" = code ]; then
  # The package itself, without caches left by local runs, compiled for the target Python and
  # recorded as /var/task/handler/...: tracebacks show the paths the function runs from (not
  # this machine's build folder). Nothing here depends on the target or the architecture, so the
  # two functions' folders must come out byte for byte the same, or `sam package` uploads two
  # zips (tests/infra/test_build.py and test_package.py check they do). The same sources compile
  # to the same bytes: CPython 3.11+ marshals frozenset constants (`x in {"a", "b"}`) in sorted
  # order, not in the order of each run's random string hashes, and PYTHONHASHSEED=0 pins those
  # hashes anyway, so nothing else that follows them can vary from one build to the next.
  rm -rf "$out/handler" "$out/content"
  cp -R "$root/handler" "$out/handler"
  find "$out/handler" -name __pycache__ -prune -exec rm -rf {} +
  PYTHONHASHSEED=0 "$python" -m compileall -q --invalidation-mode unchecked-hash -s "$out" \
    -p /var/task "$out/handler" >/dev/null
  # The built-in theme's templates compiled too, as .pyc are (handler/theme/bytecode.py): into
  # handler/theme/templates/__pycache__/, where a render looks for them before compiling. Jinja
  # comes from the render function's layer (the dependencies just installed or cached, for
  # BROADSHEET_ARCH: their compiled extensions may not load here, and need not; Jinja and
  # MarkupSafe run without theirs), so the code they were compiled by is the code that loads them.
  env -u PYTHONPYCACHEPREFIX PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 \
    PYTHONPATH="$out:$deps" "$python" -S -P -c \
    'from handler.theme import precompile; print(len(precompile(root="/var/task")), end="")' \
    >"$work/templates" || {
    echo "could not compile the built-in templates with the dependencies in $deps" >&2
    exit 1
  }
  if [ -n "${BROADSHEET_CONTENT:-}" ]; then
    cp -R "$BROADSHEET_CONTENT" "$out/content"
  fi
  echo "built $target: $(du -sk "$out" | cut -f1) KiB of code ($(cat "$work/templates") templates" \
    "compiled) for $runtime in $out"
  exit 0
fi

# A Python layer's modules go under python/: Lambda mounts the layer at /opt and puts
# /opt/python on sys.path (after /var/task, before the runtime's own packages, so this boto3 wins
# over the runtime's).
rm -rf "$out/python"
mkdir -p "$out/python"
cp -R "$deps/." "$out/python/"
echo "built $target: $(du -sk "$out" | cut -f1) KiB of dependencies for $runtime/$arch in $out"
