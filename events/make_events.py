#!/usr/bin/env python3
"""Writes the sample events in this folder (standard library only). Run from the repository root:

    ./brainscan phantom --out events/scans --count 6
    python3 events/make_events.py

The scans are generated phantoms (never dataset images). The same files feed
`sam local invoke -e events/<file>` and the handler tests.
"""
import base64
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
BUCKET = "brainscan-local"


def s3_record(key, size=1024, etag="0123456789abcdef0123456789abcdef"):
    # Keys arrive URL-encoded in S3 events: space -> '+', '+' -> '%2B', unicode as %-encoded UTF-8.
    from urllib.parse import quote_plus
    return {
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2026-11-23T10:00:00.000Z", "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": "EXAMPLE"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": "EXAMPLE123456789", "x-amz-id-2": "EXAMPLE/123456789"},
        "s3": {
            "s3SchemaVersion": "1.0", "configurationId": "brainscan-scans",
            "bucket": {"name": BUCKET, "ownerIdentity": {"principalId": "EXAMPLE"}, "arn": "arn:aws:s3:::" + BUCKET},
            "object": {"key": quote_plus(key, safe="/"), "size": size, "eTag": etag, "sequencer": "0A1B2C3D4E5F678901"},
        },
    }


def s3_batch_event(keys):
    # S3 Batch Operations, invocation schema 2.0: the bucket by name, keys URL-encoded as in
    # CSV manifests and inventory reports. Batch Operations sends one task per invocation.
    from urllib.parse import quote
    return {
        "invocationSchemaVersion": "2.0",
        "invocationId": "YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo",
        "job": {"id": "f3cc4f60-61f6-4a2b-8a21-d07600c373ce", "userArguments": {}},
        "tasks": [{"taskId": "dGFza2lkZ29lc2hlcmUK" if i == 0 else f"dGFzay{i}", "s3Key": quote(k, safe="/"),
                   "s3VersionId": None, "s3Bucket": BUCKET} for i, k in enumerate(keys)],
    }


def http_event(method, path, body=None, content_type=None, query=None, base64_body=True):
    headers = {"host": "abcdef1234.execute-api.us-east-1.amazonaws.com", "user-agent": "curl/8.5.0",
               "accept": "application/json"}
    if content_type:
        headers["content-type"] = content_type
    event = {
        "version": "2.0", "routeKey": "$default", "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in (query or {}).items()),
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012", "apiId": "abcdef1234",
            "domainName": "abcdef1234.execute-api.us-east-1.amazonaws.com", "domainPrefix": "abcdef1234",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.10",
                     "userAgent": "curl/8.5.0"},
            "requestId": f"sample-{method.lower()}-{path.strip('/').replace('/', '-') or 'root'}",
            "routeKey": "$default", "stage": "$default", "time": "23/Nov/2026:10:00:00 +0000",
            "timeEpoch": 1795428000000,
        },
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = query
    if body is not None:
        if base64_body:
            event["body"] = base64.b64encode(body).decode()
            event["isBase64Encoded"] = True
        else:
            event["body"] = body.decode()
    return event


def write(name, event):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(event, f, indent=2)
        f.write("\n")


def failure_queue_message(s3_event):
    # What the upload function's on-failure destination puts on the queue once Lambda's retries
    # are exhausted (the original event in requestPayload), as the SQS event the consumer gets.
    record = {
        "version": "1.0", "timestamp": "2026-11-23T10:05:00.000Z",
        "requestContext": {
            "requestId": "c0ffee00-0000-4000-8000-000000000001",
            "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:brainscan-ClassifyUploadFunction:live",
            "condition": "RetriesExhausted", "approximateInvokeCount": 3},
        "requestPayload": s3_event,
        "responseContext": {"statusCode": 200, "executedVersion": "1", "functionError": "Unhandled"},
        "responsePayload": {"errorType": "Runtime.ExitError", "errorMessage":
                            "RequestId: c0ffee00-0000-4000-8000-000000000001 Error: Runtime exited with error: signal: killed"},
    }
    return {"Records": [{
        "messageId": "5f1e0c9a-0000-4000-8000-000000000001", "receiptHandle": "AQEB-example",
        "body": json.dumps(record),
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795428300000", "SenderId": "AIDAEXAMPLE",
                       "ApproximateFirstReceiveTimestamp": "1795428300001"},
        "messageAttributes": {}, "md5OfBody": "00000000000000000000000000000000", "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:brainscan-FailureQueue", "awsRegion": "us-east-1"}]}


def main():
    scan = open(os.path.join(HERE, "scans", "phantom-001-lesion.jpg"), "rb").read()
    s3_put = {"Records": [s3_record("scans/ward 7/patient+1/Müller scan.jpg", len(scan))]}
    write("s3-put.json", s3_put)
    write("sqs-failed-upload.json", failure_queue_message(s3_put))
    write("s3-outside-prefix.json", {"Records": [s3_record("results/ward 7/p12.jpg.json")]})
    write("s3-two-records.json", {"Records": [s3_record("scans/ward7/p12.jpg", len(scan)),
                                              s3_record("scans/ward7/notes.txt", 42)]})
    write("s3-batch.json", s3_batch_event(["scans/ward 7/patient+1/Müller scan.jpg"]))
    write("http-classify-jpeg.json", http_event("POST", "/classify", scan, "image/jpeg"))
    boundary = "----brainscan-sample-boundary"
    multipart = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.jpg\"\r\n"
                 f"Content-Type: image/jpeg\r\n\r\n").encode() + scan + f"\r\n--{boundary}--\r\n".encode()
    write("http-classify-multipart.json",
          http_event("POST", "/classify", multipart, f"multipart/form-data; boundary={boundary}"))
    write("http-uploads.json", http_event("POST", "/uploads", b'{"contentType": "image/png"}', "application/json",
                                          base64_body=False))
    write("http-results.json", http_event("GET", "/results/ward7/p12.jpg"))
    write("http-health.json", http_event("GET", "/health"))
    write("http-model.json", http_event("GET", "/model"))
    write("http-bad-body.json", http_event("POST", "/classify", b"patient notes, not an image", "text/plain",
                                           base64_body=False))


if __name__ == "__main__":
    main()
