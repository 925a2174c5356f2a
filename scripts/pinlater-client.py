#!/usr/bin/env python3
"""A minimal PinLater Thrift client: the way any Python service talks to the gateway.

    python3 scripts/pinlater-client.py                  # demo against 127.0.0.1:9010
    python3 scripts/pinlater-client.py --port 9011 --queue my_queue
    python3 scripts/pinlater-client.py --queue my_queue --loop 60   # a client that keeps working for 60 s

Generates the Python bindings from gateway/thrift/pinlater.thrift into .run/py-gen (Debian's
thrift-compiler), then over framed binary Thrift: createQueue, enqueueJobs, dequeueJobs,
ackDequeuedJobs, getJobCount and getQueueNames. With --loop SECONDS it then keeps enqueueing,
dequeueing and acking one job at a time, prints a line per second, and exits 1 if any call failed
(the client to keep running while a queue is routed elsewhere: README, "Routing queues"). Needs the python3-thrift Debian package
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
    parser.add_argument("--loop", type=float, metavar="SECONDS",
                        help="after the demo, enqueue/dequeue/ack one job at a time for SECONDS; exit 1 if any call failed")
    args = parser.parse_args()
    if args.loop is not None and not (0 < args.loop <= 86400):
        parser.error("--loop must be between 0 and 86400 seconds")

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
        if args.loop is not None:
            failed = keep_working(client, ctx, args.queue, args.loop)
            if failed:
                sys.exit(1)
    finally:
        transport.close()


def keep_working(client, ctx, queue, seconds):
    """Enqueue, dequeue and ack one job per round for `seconds`; returns the number of failed calls."""
    import time
    from thrift.Thrift import TException
    from thrift_libs.ttypes import PinLaterDequeueRequest, PinLaterEnqueueRequest, PinLaterJob, PinLaterJobAckInfo, PinLaterJobAckRequest

    counts = {"enqueued": 0, "acked": 0, "failed_calls": 0}
    started = time.monotonic()
    last_line = started

    def call(fn):
        """(True, result) or (False, None) after counting and printing the failure."""
        try:
            return True, fn()
        except TException as e:  # PinLaterException and transport errors alike: counted, printed, go on
            counts["failed_calls"] += 1
            print("call failed:", repr(e), flush=True)
            return False, None

    def ack_some():
        ok, dequeued = call(lambda: client.dequeueJobs(ctx, PinLaterDequeueRequest(queueName=queue, limit=10)))
        jobs = list((dequeued.jobs or {}).keys()) if ok else []
        if jobs and call(lambda: client.ackDequeuedJobs(ctx, PinLaterJobAckRequest(
                queueName=queue, jobsSucceeded=[PinLaterJobAckInfo(jobDescriptor=d) for d in jobs])))[0]:
            counts["acked"] += len(jobs)

    while time.monotonic() - started < seconds:
        if call(lambda: client.enqueueJobs(ctx, PinLaterEnqueueRequest(queue, [PinLaterJob(body=b"loop")])))[0]:
            counts["enqueued"] += 1
        ack_some()
        now = time.monotonic()
        if now - last_line >= 1:
            last_line = now
            print("t=%ds enqueued=%d acked=%d failed_calls=%d" % (now - started, counts["enqueued"], counts["acked"], counts["failed_calls"]), flush=True)
    drain_until = time.monotonic() + 10
    while counts["acked"] < counts["enqueued"] and time.monotonic() < drain_until:
        ack_some()
        time.sleep(0.05)
    print("done: enqueued=%d acked=%d failed_calls=%d" % (counts["enqueued"], counts["acked"], counts["failed_calls"]), flush=True)
    return counts["failed_calls"]


if __name__ == "__main__":
    main()
