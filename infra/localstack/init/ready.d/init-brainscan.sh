#!/usr/bin/env bash
# Runs inside the LocalStack container once it is ready (/etc/localstack/init/ready.d).
# Makes locally what template.yaml makes for the S3 flow. Safe to run again: existing
# resources are reused and the function gets the current zip.
set -euo pipefail

ACCOUNT=000000000000
BUCKET=brainscan-local
ARTIFACTS=brainscan-local-artifacts
QUEUE=brainscan-local-failures
FUNCTION=brainscan-classify-upload
ROLE=brainscan-local-classify-upload
HANDLER=dev.brainscan.lambda.ClassifyUploadHandler::handleRequest
INPUT_PREFIX=scans/
RESULT_PREFIX=results/
ZIP=/opt/brainscan/brainscan-lambda.zip
ARCH="${LAMBDA_ARCH:-x86_64}"
# How the function's container reaches LocalStack (see LAMBDA_DOCKER_NETWORK in the compose file).
S3_ENDPOINT_FOR_LAMBDA="${BRAINSCAN_S3_ENDPOINT:-http://localstack:4566}"

if [[ ! -s "$ZIP" ]]; then
  echo "init-brainscan: $ZIP is missing; run ./mvnw package first" >&2
  exit 1
fi

ensure_bucket() {
  awslocal s3api head-bucket --bucket "$1" >/dev/null 2>&1 || awslocal s3api create-bucket --bucket "$1" >/dev/null
}

ensure_bucket "$BUCKET"
ensure_bucket "$ARTIFACTS"
awslocal s3api put-bucket-encryption --bucket "$BUCKET" --server-side-encryption-configuration \
  '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
awslocal s3api put-public-access-block --bucket "$BUCKET" --public-access-block-configuration \
  BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
awslocal s3api put-bucket-cors --bucket "$BUCKET" --cors-configuration \
  '{"CORSRules":[{"AllowedMethods":["PUT"],"AllowedOrigins":["http://localhost:3000"],"AllowedHeaders":["content-type","content-md5","x-amz-*"],"ExposedHeaders":["ETag"],"MaxAgeSeconds":300}]}'

QUEUE_URL=$(awslocal sqs create-queue --queue-name "$QUEUE" \
  --attributes MessageRetentionPeriod=1209600,SqsManagedSseEnabled=true \
  --query QueueUrl --output text)
QUEUE_ARN=$(awslocal sqs get-queue-attributes --queue-url "$QUEUE_URL" \
  --attribute-names QueueArn --query Attributes.QueueArn --output text)

awslocal iam get-role --role-name "$ROLE" >/dev/null 2>&1 || awslocal iam create-role --role-name "$ROLE" \
  --assume-role-policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}' \
  >/dev/null

# Through S3: the zip can exceed the 50 MB limit of a direct upload.
awslocal s3 cp "$ZIP" "s3://$ARTIFACTS/brainscan-lambda.zip" --only-show-errors

ENVIRONMENT=$(cat <<JSON
{"Variables":{
  "INPUT_PREFIX":"$INPUT_PREFIX","RESULT_PREFIX":"$RESULT_PREFIX",
  "WRITE_HEATMAPS":"${WRITE_HEATMAPS:-false}","LOG_OBJECT_KEYS":"false",
  "OPT_OUT_TRACKING":"true","ORT_DISABLE_TELEMETRY":"1",
  "DJL_OFFLINE":"true","DJL_CACHE_DIR":"/tmp/djl-cache",
  "AWS_ENDPOINT_URL_S3":"$S3_ENDPOINT_FOR_LAMBDA"}}
JSON
)

if awslocal lambda get-function --function-name "$FUNCTION" >/dev/null 2>&1; then
  awslocal lambda update-function-code --function-name "$FUNCTION" \
    --s3-bucket "$ARTIFACTS" --s3-key brainscan-lambda.zip --architectures "$ARCH" >/dev/null
  awslocal lambda wait function-updated-v2 --function-name "$FUNCTION"
  awslocal lambda update-function-configuration --function-name "$FUNCTION" \
    --handler "$HANDLER" --memory-size 2048 --timeout 30 --environment "$ENVIRONMENT" >/dev/null
  awslocal lambda wait function-updated-v2 --function-name "$FUNCTION"
else
  awslocal lambda create-function --function-name "$FUNCTION" \
    --runtime java21 --architectures "$ARCH" --handler "$HANDLER" \
    --role "arn:aws:iam::$ACCOUNT:role/$ROLE" \
    --code "S3Bucket=$ARTIFACTS,S3Key=brainscan-lambda.zip" \
    --memory-size 2048 --timeout 30 --environment "$ENVIRONMENT" >/dev/null
fi
awslocal lambda wait function-active-v2 --function-name "$FUNCTION"

awslocal lambda put-function-event-invoke-config --function-name "$FUNCTION" \
  --maximum-retry-attempts 2 --maximum-event-age-in-seconds 3600 \
  --destination-config "{\"OnFailure\":{\"Destination\":\"$QUEUE_ARN\"}}" >/dev/null

awslocal lambda add-permission --function-name "$FUNCTION" --statement-id s3-invoke \
  --action lambda:InvokeFunction --principal s3.amazonaws.com \
  --source-arn "arn:aws:s3:::$BUCKET" --source-account "$ACCOUNT" >/dev/null 2>&1 || true

FUNCTION_ARN=$(awslocal lambda get-function --function-name "$FUNCTION" \
  --query Configuration.FunctionArn --output text)
awslocal s3api put-bucket-notification-configuration --bucket "$BUCKET" --notification-configuration \
  "{\"LambdaFunctionConfigurations\":[{\"Id\":\"classify-uploads\",\"LambdaFunctionArn\":\"$FUNCTION_ARN\",\"Events\":[\"s3:ObjectCreated:*\"],\"Filter\":{\"Key\":{\"FilterRules\":[{\"Name\":\"prefix\",\"Value\":\"$INPUT_PREFIX\"}]}}}]}"

echo "init-brainscan: s3://$BUCKET/$INPUT_PREFIX -> $FUNCTION -> s3://$BUCKET/$RESULT_PREFIX; failures -> $QUEUE_URL"
