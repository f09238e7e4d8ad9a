#!/bin/bash
# Run by LocalStack once it is ready (docker-compose.yml mounts this folder): a source bucket whose ObjectCreated events
# S3 sends to a queue of SagaFiles' own, so a bucket source gets real notifications on the Docker path (fauxqs, the
# path without Docker, has none: there the lister alone finds new objects). Point the API at them with
#   Sources__Buckets__0__Bucket=sagafiles-source  Sources__Buckets__0__Queue=sagafiles-source-events
set -euo pipefail
bucket=sagafiles-source
queue=sagafiles-source-events

awslocal s3api head-bucket --bucket "$bucket" 2>/dev/null || awslocal s3api create-bucket --bucket "$bucket" >/dev/null
url=$(awslocal sqs create-queue --queue-name "$queue" --query QueueUrl --output text)
arn=$(awslocal sqs get-queue-attributes --queue-url "$url" --attribute-names QueueArn --query Attributes.QueueArn --output text)
# On AWS the queue's policy must also let s3.amazonaws.com send to it (deploy/README.md); LocalStack does not check.
awslocal s3api put-bucket-notification-configuration --bucket "$bucket" --notification-configuration \
  "{\"QueueConfigurations\": [{\"Id\": \"sagafiles\", \"QueueArn\": \"$arn\", \"Events\": [\"s3:ObjectCreated:*\"]}]}"
echo "bucket source: s3://$bucket notifies $queue"
