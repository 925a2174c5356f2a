#!/usr/bin/env python3
"""A minimal PinLater Thrift client: the way any Python service talks to the gateway.

    python3 scripts/pinlater-client.py                  # demo against 127.0.0.1:9010
    python3 scripts/pinlater-client.py --port 9011 --queue my_queue

Generates the Python bindings from gateway/thrift/pinlater.thrift into .run/py-gen (Debian's
thrift-compiler), then over framed binary Thrift: createQueue, enqueueJobs, dequeueJobs,
ackDequeuedJobs, getJobCount and getQueueNames. Needs the python3-thrift Debian package
(scripts/services.sh start installs it).
"""
import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IDL = os.path.join(ROOT, "gateway", "thrift", "pinlater.thrift")
GEN_DIR = os.path.join(ROOT, ".run", "py-gen")
SYSTEM_PYTHON = "/usr/bin/python3"

try:
    import thrift  # noqa: F401  (python3-thrift)
except ImportError:
    # python3-thrift lives in Debian's own interpreter; re-run there when another python3 is first.
    if os.path.exists(SYSTEM_PYTHON) and os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON):
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON] + sys.argv)
    sys.exit("python thrift library missing: apt-get install -y python3-thrift")


def generate_bindings():
    if not os.path.exists(os.path.join(GEN_DIR, "thrift_libs", "PinLater.py")) or (
        os.path.getmtime(IDL) > os.path.getmtime(os.path.join(GEN_DIR, "thrift_libs", "PinLater.py"))
    ):
        os.makedirs(GEN_DIR, exist_ok=True)
        done = subprocess.run(["thrift", "--gen", "py", "-out", GEN_DIR, IDL], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit("thrift --gen py failed:\n" + done.stderr)
    sys.path.insert(0, GEN_DIR)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9010)
    parser.add_argument("--queue", default="readme_demo")
    args = parser.parse_args()

    generate_bindings()
    from thrift.protocol import TBinaryProtocol
    from thrift.transport import TSocket, TTransport
    from thrift_libs import PinLater
    from thrift_libs.ttypes import (PinLaterDequeueRequest, PinLaterEnqueueRequest, PinLaterGetJobCountRequest,
                                    PinLaterJob, PinLaterJobAckInfo, PinLaterJobAckRequest, PinLaterJobState,
                                    RequestContext)

    transport = TTransport.TFramedTransport(TSocket.TSocket(args.host, args.port))
    client = PinLater.Client(TBinaryProtocol.TBinaryProtocol(transport))
    transport.open()
    try:
        ctx = RequestContext(source="pinlater-client.py")
        client.createQueue(ctx, args.queue)
        enqueued = client.enqueueJobs(ctx, PinLaterEnqueueRequest(args.queue, [PinLaterJob(body=b"hello")]))
        print("enqueued:", enqueued.jobDescriptors)
        dequeued = client.dequeueJobs(ctx, PinLaterDequeueRequest(queueName=args.queue, limit=10))
        print("dequeued:", dequeued.jobs)
        acks = [PinLaterJobAckInfo(jobDescriptor=d) for d in (dequeued.jobs or {})]
        client.ackDequeuedJobs(ctx, PinLaterJobAckRequest(queueName=args.queue, jobsSucceeded=acks))
        succeeded = client.getJobCount(ctx, PinLaterGetJobCountRequest(args.queue, PinLaterJobState.SUCCEEDED))
        print("succeeded jobs in", args.queue + ":", succeeded)
        print("queues:", sorted(client.getQueueNames(ctx)))
    finally:
        transport.close()


if __name__ == "__main__":
    main()
