#!/usr/bin/env bash
# Deploy brainscan to AWS in one command: check the prerequisites, build the Lambda zip with a
# JDK 21+ (the one ./brainscan chooses, whatever `java` on the PATH is), then
# `sam deploy --capabilities CAPABILITY_IAM` (`--guided` the first time, when there is no
# samconfig.toml). `sam build` is not used: the template's functions take the zip Maven builds
# (SkipBuild), so this script is the build step.
#
#   infra/scripts/deploy.sh                      # first deploy: sam asks for stack name, region, parameters
#   infra/scripts/deploy.sh --params dev         # infra/params/dev.json as --parameter-overrides
#   infra/scripts/deploy.sh --dry-run            # check and print the commands; run nothing
#   infra/scripts/deploy.sh -- --stack-name x    # anything after -- goes to sam deploy
#
# Options: --dry-run, --check (prerequisites only), --build-only (the JDK check and the
# build; no AWS tools needed), --skip-build (deploy the zip already in function/target),
# --skip-tests (build without the unit tests), --arch x86_64|arm64 (default: the parameter
# file's Architecture, else x86_64), --params dev|prod|FILE.
# Exit codes: 0 done, 2 usage, 3 a prerequisite is missing, else the failing step's own.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
zip="$root/function/target/brainscan-lambda.zip"

say() { printf 'deploy: %s\n' "$*" >&2; }
usage() {
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}" >&2
}

dry_run=""
check_only=""
build_only=""
skip_build=""
skip_tests=""
arch=""
params=""
sam_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=1 ;;
    --check) check_only=1 ;;
    --build-only) build_only=1 ;;
    --skip-build) skip_build=1 ;;
    --skip-tests) skip_tests=1 ;;
    --arch) [ $# -ge 2 ] || { say "--arch needs a value: x86_64 or arm64"; exit 2; }; arch="$2"; shift ;;
    --arch=*) arch="${1#*=}" ;;
    --params) [ $# -ge 2 ] || { say "--params needs a value: dev, prod or a JSON file"; exit 2; }; params="$2"; shift ;;
    --params=*) params="${1#*=}" ;;
    -h|--help) usage; exit 0 ;;
    --) shift; sam_args=("$@"); break ;;
    *) say "unknown option: $1 (options for sam deploy go after --)"; usage; exit 2 ;;
  esac
  shift
done
case "$arch" in
  ""|x86_64|arm64) ;;
  *) say "--arch must be x86_64 or arm64, not '$arch'"; exit 2 ;;
esac

# ---- prerequisites: every one checked, every missing one named, then exit 3 ----
missing=0
lack() { say "MISSING: $*"; missing=1; }
ok() { say "ok: $*"; }

jdk=""
if jdk="$(BRAINSCAN_JDK_ONLY=1 "$root/brainscan" 2>/dev/null)" && [ -n "$jdk" ]; then
  if [ -x "$jdk/bin/javac" ]; then
    ok "JDK for the build: $jdk (java on the PATH is $(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1 || true))"
  else
    lack "a JDK 21+ with javac: $jdk is a JRE; install a JDK (e.g. Temurin 21 or 25) and set JAVA_HOME to it"
    jdk=""
  fi
else
  # the launcher says what it found and what to install
  BRAINSCAN_JDK_ONLY=1 "$root/brainscan" >/dev/null || true
  lack "a JDK 21 or newer (the launcher's message above says what it found)"
fi

if [ -n "$build_only" ]; then
  say "not checked (--build-only): sam, aws and credentials"
elif command -v sam >/dev/null 2>&1; then
  ok "$(sam --version 2>/dev/null | head -n 1 || echo 'sam (version unknown)')"
else
  lack "the AWS SAM CLI (sam): https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html"
fi
if [ -n "$build_only" ]; then
  :
elif command -v aws >/dev/null 2>&1; then
  aws_version="$(aws --version 2>&1 | head -n 1 || true)"
  case "$aws_version" in
    aws-cli/2.*)
      ok "$aws_version"
      if [ -n "$dry_run" ]; then
        say "not checked in a dry run: AWS credentials (aws sts get-caller-identity)"
      elif identity="$(aws sts get-caller-identity --query Arn --output text \
            --cli-connect-timeout 10 --cli-read-timeout 10 2>/dev/null)"; then
        ok "AWS credentials: $identity"
      else
        lack "AWS credentials that answer 'aws sts get-caller-identity' (aws configure, aws sso login, or the AWS_* variables)"
      fi
      ;;
    *) lack "the AWS CLI v2 (found: ${aws_version:-no version}): https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html" ;;
  esac
else
  lack "the AWS CLI v2 (aws): https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
fi

overrides=()
if [ -n "$params" ]; then
  file="$params"
  case "$params" in dev|prod) file="$root/infra/params/$params.json" ;; esac
  if [ ! -f "$file" ]; then
    lack "the parameter file $file (--params takes dev, prod or a JSON file)"
  elif command -v jq >/dev/null 2>&1; then
    mapfile -t overrides < <(jq -r 'to_entries[] | "\(.key)=\(.value)"' "$file")
  elif command -v python3 >/dev/null 2>&1; then
    mapfile -t overrides < <(python3 -c 'import json,sys; [print(f"{k}={v}") for k, v in json.load(open(sys.argv[1])).items()]' "$file")
  else
    lack "jq or python3, to read $file"
  fi
fi
# one Architecture, the same for the zip's natives and the functions: --arch, else the file's
kept=()
for o in ${overrides[@]+"${overrides[@]}"}; do
  case "$o" in
    Architecture=*) [ -z "$arch" ] && arch="${o#Architecture=}" ;;
    *) kept+=("$o") ;;
  esac
done
overrides=(${kept[@]+"${kept[@]}"})
explicit_arch="$arch"
arch="${arch:-x86_64}"
case "$arch" in
  x86_64|arm64) ;;
  *) lack "an Architecture of x86_64 or arm64 in $params (it says '$arch')" ;;
esac
if [ -n "$explicit_arch" ]; then
  overrides+=("Architecture=$arch")
fi

if [ "$missing" = 1 ] && [ -z "$dry_run" ]; then
  say "not deploying: install what is MISSING above, then run this again (--dry-run shows the commands)."
  exit 3
fi
if [ -n "$check_only" ]; then
  say "prerequisites checked."
  exit "$(( missing ? 3 : 0 ))"
fi

# ---- the commands ----
build=(./mvnw -B clean package "-Dlambda.arch=$arch")
[ -n "$skip_tests" ] && build+=(-DskipTests)
deploy=(sam deploy --capabilities CAPABILITY_IAM)
if [ ! -f "$root/samconfig.toml" ]; then
  deploy+=(--guided) # asks for the stack name, region and parameters, and can save them to samconfig.toml
fi
if [ ${#overrides[@]} -gt 0 ]; then
  deploy+=(--parameter-overrides "${overrides[@]}")
fi
deploy+=(${sam_args[@]+"${sam_args[@]}"})

quoted() { local out="" a; for a in "$@"; do out+=" $(printf '%q' "$a")"; done; printf '%s' "${out# }"; }

if [ -n "$dry_run" ]; then
  [ "$missing" = 1 ] && say "(dry run: prerequisites are MISSING above; a real run would stop here with exit 3)"
  if [ -n "$skip_build" ]; then
    say "would use the zip already built: $zip"
  else
    printf 'cd %s && JAVA_HOME=%s %s\n' "$(quoted "$root")" "$(quoted "${jdk:-<a JDK 21+>}")" "$(quoted "${build[@]}")"
  fi
  if [ -z "$build_only" ]; then
    printf 'cd %s && %s\n' "$(quoted "$root")" "$(quoted "${deploy[@]}")"
    printf '# with DeployRevision=<python3 infra/scripts/deploy.py --revision-only> among the parameter overrides\n'
  fi
  exit 0
fi

cd "$root"
if [ -z "$skip_build" ]; then
  say "building function/target/brainscan-lambda.zip with JDK at $jdk ($arch)..."
  JAVA_HOME="$jdk" "${build[@]}"
fi
if [ ! -f "$zip" ]; then
  say "no $zip: build it first (run without --skip-build)."
  exit 3
fi
if [ -n "$build_only" ]; then
  say "built $zip ($(du -h "$zip" | cut -f1)); not deployed (--build-only)."
  exit 0
fi
# every deploy publishes new versions when the zip or a parameter a version reads changes (deploy.py)
revision=$(python3 "$root/infra/scripts/deploy.py" --revision-only --zip "$zip" ${overrides[@]+"${overrides[@]}"})
deploy=(sam deploy --capabilities CAPABILITY_IAM)
[ ! -f "$root/samconfig.toml" ] && deploy+=(--guided)
deploy+=(--parameter-overrides ${overrides[@]+"${overrides[@]}"} "DeployRevision=$revision")
deploy+=(${sam_args[@]+"${sam_args[@]}"})
say "deploying: $(quoted "${deploy[@]}")"
exec "${deploy[@]}"
