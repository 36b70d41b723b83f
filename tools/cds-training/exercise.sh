#!/bin/sh
# What an AppCDS training run does once the controller answers, so that the archive holds the classes a real start
# and its first requests load: a pod UPDATE and an exec review (dry run: nothing to queue), then readiness, which
# waits for the Kubernetes client to be built and to try the API server. Used by bin/kube-exec-controller
# --build-cds and tools/image-cds.sh train.
#   tools/cds-training/exercise.sh WEBHOOK_PORT HEALTH_PORT
here=$(cd "$(dirname "$0")" && pwd)
for review in admit-pod-update:pod-update admit-pod-interaction:exec-dry-run; do
  curl -sk -o /dev/null --data-binary "@$here/${review#*:}.json" "https://127.0.0.1:$1/${review%%:*}" || true
done
curl -s -o /dev/null "http://127.0.0.1:$2/health/readiness" || true
