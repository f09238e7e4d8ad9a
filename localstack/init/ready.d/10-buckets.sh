#!/bin/bash
# LocalStack READY hook (mounted at /etc/localstack/init/ready.d by docker-compose.yml): creates SagaFiles's S3 buckets.
# Idempotent. The bucket names are StorageOptions' defaults (src/SagaFiles.Storage/StorageOptions.cs) and must match
# the plain-process stack's list in ./sagafiles.
set -euo pipefail

for bucket in sagafiles-incoming sagafiles-staging sagafiles-processed; do
  if awslocal s3api head-bucket --bucket "$bucket" >/dev/null 2>&1; then
    echo "sagafiles: bucket $bucket exists"
  else
    awslocal s3api create-bucket --bucket "$bucket" >/dev/null
    echo "sagafiles: bucket $bucket created"
  fi
done
