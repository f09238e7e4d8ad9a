#!/bin/bash
# LocalStack READY hook (mounted at /etc/localstack/init/ready.d by docker-compose.yml): the S3 buckets SagaFiles uses.
# Idempotent: with PERSISTENCE the buckets may already exist. A non-zero exit marks the hook ERROR in
# /_localstack/init/ready, so the compose healthcheck keeps the stack unhealthy.
set -euo pipefail

for bucket in sagafiles-incoming sagafiles-staging sagafiles-processed; do
  if awslocal s3api head-bucket --bucket "$bucket" >/dev/null 2>&1; then
    echo "bucket $bucket exists"
  else
    awslocal s3api create-bucket --bucket "$bucket" >/dev/null
    echo "bucket $bucket created"
  fi
done
