#!/usr/bin/env python3
"""Deploys the stack so that every deploy takes effect: `sam deploy` with a DeployRevision that
changes whenever the function zip, template.yaml or any parameter a function version captures
changes. SAM hashes the unresolved template for a version's logical id, so without this a
parameter-only change (InputPrefix, WriteHeatmaps, ...) publishes no new version and the live
aliases keep the old environment while the bucket trigger and IAM move at once
(aws/serverless-application-model#3820).

    ./mvnw package
    python3 infra/scripts/deploy.py --params infra/params/dev.json [Name=value ...] [-- sam deploy options]
    python3 infra/scripts/deploy.py --params infra/params/dev.json --dry-run     # print the command only

Parameters not given keep their previous value on an existing stack (sam deploy's rule); they
enter the revision as unset, so at worst an unchanged value publishes one version too many.
"""
import argparse
import hashlib
import json
import os
import shlex
import subprocess
import sys

# Every parameter a function version captures (its environment, tracing, architecture).
# infra's TemplateTest checks this list against template.yaml.
REVISION_PARAMETERS = (
    "InputPrefix", "ResultPrefix", "WriteHeatmaps", "ApiAuth", "LogKeyParameter", "Tracing",
    "Architecture", "S3EndpointUrl",
)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def revision(zip_path, template_path, parameters):
    """16 hex digits of SHA-256 over the zip, the template and the revision parameters' values."""
    digest = hashlib.sha256()
    for path in (zip_path, template_path):
        with open(path, "rb") as f:
            digest.update(hashlib.sha256(f.read()).digest())
    for name in REVISION_PARAMETERS:
        value = parameters.get(name)
        digest.update(f"{name}={'<unset>' if value is None else value}\n".encode("utf-8"))
    return digest.hexdigest()[:16]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--params", help="a JSON object of parameter values (infra/params/*.json)")
    parser.add_argument("--zip", default=os.path.join(ROOT, "function", "target", "brainscan-lambda.zip"))
    parser.add_argument("--template", default=os.path.join(ROOT, "template.yaml"))
    parser.add_argument("--dry-run", action="store_true", help="print the sam deploy command, run nothing")
    parser.add_argument("--revision-parameters", action="store_true", help="print the parameters the revision covers")
    parser.add_argument("--revision-only", action="store_true",
                        help="print the DeployRevision for these parameters and the zip, run nothing (deploy.sh)")
    parser.add_argument("overrides", nargs="*", help="Name=value parameter values (over --params)")
    if "--" in argv:
        split = argv.index("--")
        argv, sam_args = argv[:split], argv[split + 1:]
    else:
        sam_args = []
    args = parser.parse_args(argv)
    if args.revision_parameters:
        print("\n".join(REVISION_PARAMETERS))
        return 0

    parameters = {}
    if args.params:
        with open(args.params, encoding="utf-8") as f:
            loaded = json.load(f)
        if not isinstance(loaded, dict):
            print(f"{args.params}: not a JSON object of parameter values", file=sys.stderr)
            return 2
        parameters.update({k: str(v) for k, v in loaded.items()})
    for pair in args.overrides:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            print(f"not Name=value: {pair}", file=sys.stderr)
            return 2
        parameters[name] = value
    if "DeployRevision" in parameters:
        print("DeployRevision is computed here; do not pass it", file=sys.stderr)
        return 2
    if not os.path.isfile(args.zip):
        print(f"{args.zip} is missing: run ./mvnw package first", file=sys.stderr)
        return 2
    parameters["DeployRevision"] = revision(args.zip, args.template, parameters)
    if args.revision_only:
        print(parameters["DeployRevision"])
        return 0

    command = ["sam", "deploy", "--template-file", args.template, "--parameter-overrides"]
    command += [f"{k}={v}" for k, v in parameters.items()]
    command += sam_args
    print(shlex.join(command))
    if args.dry_run:
        return 0
    return subprocess.call(command, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
