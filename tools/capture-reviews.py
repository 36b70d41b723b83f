#!/usr/bin/env python3
"""Records the AdmissionReviews an API server sends, and allows each: how src/test/resources/admission/kubectl-*
were captured (what kubectl 1.20 and 1.32 send for exec and cp).

    tools/capture-reviews.py PORT OUT_DIR CERT KEY

Listens on 127.0.0.1:PORT (HTTPS with CERT and KEY; src/test/resources/tls/ holds one for 127.0.0.1) and writes each
POSTed body to OUT_DIR/NNN-<unix time, ms>.json, so the gap between two reviews can be read off the names. Register
a ValidatingWebhookConfiguration whose clientConfig.url is https://127.0.0.1:PORT/ with that certificate as caBundle,
on the CONNECT of pods/exec, pods/attach, pods/portforward. On the one-node cluster (tools/README.md), run it inside
the cluster's network namespace: tools/cluster.sh exec tools/capture-reviews.py ... . Nothing in a review captured
with a client certificate is secret; with a token, the username may name a ServiceAccount: check before committing.
"""
import http.server
import json
import os
import ssl
import sys
import threading
import time

port, out, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
os.makedirs(out, exist_ok=True)
lock = threading.Lock()


class Capture(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        received = time.time()
        review = json.loads(body)
        with lock:
            name = "%03d-%.3f.json" % (len(os.listdir(out)), received)
            with open(os.path.join(out, name), "w") as f:
                json.dump(review, f, indent=2)
                f.write("\n")
        answer = json.dumps({"apiVersion": review["apiVersion"], "kind": "AdmissionReview",
                             "response": {"uid": review["request"]["uid"], "allowed": True}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Capture)
tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
tls.load_cert_chain(cert, key)
server.socket = tls.wrap_socket(server.socket, server_side=True)
server.serve_forever()
