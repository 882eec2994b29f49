#!/usr/bin/env python3
"""Transforms template.yaml with the AWS SAM translator, offline, as `sam deploy` would after
uploading the code: CodeUri becomes an s3:// URI first (the translator rejects a local path).

    python3 infra/scripts/sam_transform.py template.yaml [Name=value ...] > transformed.json

Name=value pairs are parameter values, as CloudFormation hands them to the transform (the
others take their defaults).

Exit 0 and the CloudFormation JSON on stdout when the transform is clean; exit 1 and the
translator's errors on stderr otherwise; exit 3 when aws-sam-translator is not installed.
Also checks that every dashboard body is valid JSON once its ${...} variables are filled in.
"""
import json
import os
import re
import sys

# The translator fills AWS::Region from a boto session; nothing is called.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

try:
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse
except ImportError as e:  # pragma: no cover
    print(f"aws-sam-translator is not installed: {e}", file=sys.stderr)
    sys.exit(3)


class NoManagedPolicies:
    """The template attaches no managed policies; the translator must not call IAM to list them."""

    def load(self):
        return {}


def main(path, overrides=()):
    with open(path, encoding="utf-8") as f:
        template = yaml_parse(f.read())
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://brainscan-artifacts/brainscan-lambda.zip"
    parameters = {"AWS::Region": "us-east-1", "AWS::Partition": "aws"}
    for pair in overrides:
        name, _, value = pair.partition("=")
        if name not in template.get("Parameters", {}):
            print(f"no parameter {name}", file=sys.stderr)
            return 2
        parameters[name] = value
    try:
        output = transform(template, parameters,
                           NoManagedPolicies(), Parser())
    except InvalidDocumentException as e:
        for cause in e.causes:
            print(f"SAM: {cause.message}", file=sys.stderr)
        return 1
    for rid, resource in output["Resources"].items():
        if resource["Type"] == "AWS::CloudWatch::Dashboard":
            body = resource["Properties"]["DashboardBody"]
            text = body["Fn::Sub"][0] if isinstance(body["Fn::Sub"], list) else body["Fn::Sub"]
            filled = re.sub(r"\$\{[^}]+\}", "1", text)
            try:
                json.loads(filled)
            except ValueError as e:
                print(f"{rid}: DashboardBody is not JSON: {e}", file=sys.stderr)
                return 1
    json.dump(output, sys.stdout, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "template.yaml", sys.argv[2:]))
